// Pointer, wheel and keyboard input on the canvas. It decides what a gesture
// means and asks the board (app.js) to do it:
//
// - drag a note: it follows the pointer (with the other selected notes); one
//   note.move per note on drop
// - Shift-click a note: it joins the selection or leaves it; Shift+drag on the
//   empty board (or any drag with the Select tool): a rectangle that selects
// - facilitators: drag a frame's head to move it with its notes, its grip to resize it
// - drag anything else: pan; wheel or two fingers: zoom around the pointer
// - double-click (double-tap on touch) on the board or in a frame: new note
// - double-click a note: edit it; double-click a frame's head: rename it
// - on a focused note: arrows move it, Enter edits, Delete removes, Escape lets go;
//   while a dot vote is open, + (or =) adds a vote and - takes one back;
//   Shift+Space adds it to the selection or takes it out

import { panBy, screenToWorld, zoomAt } from './camera.js';
import { rectFrom } from './selection.js';
import { NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';

const DRAG_THRESHOLD = 4; // px on screen before a press becomes a drag
const DOUBLE_TAP_MS = 350;
const DOUBLE_TAP_PX = 30;

const noteTarget = (target) => target.closest?.('[data-testid="note"]') ?? null;

/**
 * `board` provides: canEdit(), isFacilitator(), camera(), setCamera(c),
 * noteInView(id), frameInView(id), isEditing(id), select(id|null),
 * focusNote(id), beginDrag(id), endDrag(id, {x, y} | null), afterDragMove(),
 * createNoteAt(x, y), startEdit(id), openFrameDialog(frame), nudge(id, dx, dy),
 * deleteNote(id), revealNote(id), vote(id, delta) (true when a round is open),
 * toggleNote(id), selectTool(), showMarquee(box | null), selectRect(rect),
 * frameDragStart(id, 'move' | 'resize') (false: not allowed), frameDragMove(dx, dy),
 * frameDragEnd(ok).
 */
export function installGestures({ viewport, notesLayer }, board) {
  const pointers = new Map(); // pointerId → {x, y}
  let gesture = null;
  let lastTap = null;

  const local = (e) => {
    const rect = viewport.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  function createAtPointer(e) {
    const p = local(e);
    const w = screenToWorld(board.camera(), p.x, p.y);
    board.createNoteAt(w.x - NOTE_WIDTH / 2, w.y - NOTE_HEIGHT / 2);
  }

  // Capture the pointer only once a press becomes a drag: a captured pointer
  // sends its click and dblclick to the viewport instead of the note under it.
  function capture() {
    try {
      viewport.setPointerCapture(gesture.pointerId);
    } catch {
      // the pointer is gone already
    }
  }

  function cancelNoteDrag() {
    if (gesture?.kind === 'note' && gesture.moved) board.endDrag(gesture.id, null);
    if (gesture?.kind === 'frame' && gesture.moved) board.frameDragEnd(false);
    if (gesture?.kind === 'marquee') board.showMarquee(null);
    gesture = null;
  }

  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    // The note's own controls (vote buttons and dots) are clicks, never drags.
    if (e.target.closest('button, textarea, input, .note-vote')) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 2) {
      // A second finger: pinch, whatever the first one was doing.
      cancelNoteDrag();
      const [a, b] = [...pointers.values()];
      gesture = {
        kind: 'pinch',
        dist: Math.hypot(a.x - b.x, a.y - b.y),
        mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
      };
      return;
    }
    if (pointers.size > 2) return;
    const start = { startX: e.clientX, startY: e.clientY, moved: false, pointerId: e.pointerId };
    const noteEl = noteTarget(e.target);
    const note = noteEl ? board.noteInView(noteEl.dataset.id) : null;
    const frameEl = noteEl ? null : e.target.closest('[data-testid="frame"]');
    const framePart = !frameEl || !board.isFacilitator()
      ? null
      : e.target.closest('.frame-grip')
        ? 'resize'
        : e.target.closest('.frame-head')
          ? 'move'
          : null;
    if (note && board.canEdit(note.id) && !board.isEditing(note.id) && !e.shiftKey) {
      gesture = { kind: 'note', id: note.id, el: noteEl, origin: { x: note.x, y: note.y }, ...start };
    } else if (noteEl && e.shiftKey && board.canEdit()) {
      // Now, before the press moves the focus (and so the selected note) to it.
      board.toggleNote(noteEl.dataset.id);
      gesture = { kind: 'tap-note', id: noteEl.dataset.id, toggled: true, ...start };
    } else if (noteEl) {
      gesture = { kind: 'tap-note', id: noteEl.dataset.id, ...start };
    } else if (framePart && !e.shiftKey) {
      gesture = { kind: 'frame', part: framePart, id: frameEl.dataset.id, ...start };
    } else if (board.canEdit() && (e.shiftKey || board.selectTool())) {
      gesture = { kind: 'marquee', from: local(e), ...start };
    } else {
      gesture = { kind: 'pan', camera: board.camera(), ...start };
    }
  });

  viewport.addEventListener('pointermove', (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (!gesture) return;
    if (gesture.kind === 'pinch') {
      if (pointers.size < 2) return;
      const [a, b] = [...pointers.values()];
      const dist = Math.hypot(a.x - b.x, a.y - b.y);
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      const rect = viewport.getBoundingClientRect();
      let cam = panBy(board.camera(), mid.x - gesture.mid.x, mid.y - gesture.mid.y);
      if (gesture.dist > 0) cam = zoomAt(cam, dist / gesture.dist, mid.x - rect.left, mid.y - rect.top);
      gesture.dist = dist;
      gesture.mid = mid;
      board.setCamera(cam);
      return;
    }
    const dx = e.clientX - gesture.startX;
    const dy = e.clientY - gesture.startY;
    if (!gesture.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    const first = !gesture.moved;
    gesture.moved = true;
    if (gesture.kind === 'pan') {
      if (first) capture();
      board.setCamera(panBy(gesture.camera, dx, dy));
    } else if (gesture.kind === 'marquee') {
      if (first) capture();
      const p = local(e);
      board.showMarquee(rectFrom(gesture.from, p));
    } else if (gesture.kind === 'frame') {
      if (first) {
        capture();
        if (!board.frameDragStart(gesture.id, gesture.part)) {
          gesture = null;
          return;
        }
      }
      const s = board.camera().scale;
      board.frameDragMove(dx / s, dy / s);
    } else if (gesture.kind === 'note') {
      if (first) {
        capture();
        board.beginDrag(gesture.id);
      }
      const s = board.camera().scale;
      gesture.el.style.left = `${gesture.origin.x + dx / s}px`;
      gesture.el.style.top = `${gesture.origin.y + dy / s}px`;
      board.afterDragMove();
    }
  });

  function endPointer(e, cancelled) {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    const g = gesture;
    if (!g) return;
    if (g.kind === 'pinch') {
      if (pointers.size === 0) gesture = null;
      return;
    }
    gesture = null;
    if (g.kind === 'note' && g.moved) {
      const s = board.camera().scale;
      const to = cancelled
        ? null
        : { x: g.origin.x + (e.clientX - g.startX) / s, y: g.origin.y + (e.clientY - g.startY) / s };
      board.endDrag(g.id, to);
    } else if (g.kind === 'note' || g.kind === 'tap-note') {
      if (!g.moved && !g.toggled) board.focusNote(g.id);
    } else if (g.kind === 'frame' && g.moved) {
      board.frameDragEnd(!cancelled);
    } else if (g.kind === 'marquee' && g.moved) {
      board.showMarquee(null);
      if (!cancelled) {
        const a = screenToWorld(board.camera(), g.from.x, g.from.y);
        const p = local(e);
        board.selectRect(rectFrom(a, screenToWorld(board.camera(), p.x, p.y)));
      }
    } else if ((g.kind === 'pan' || g.kind === 'marquee' || g.kind === 'frame') && !g.moved && !cancelled) {
      board.select(null);
      // Touch screens have no reliable dblclick: detect a double tap here.
      if (e.pointerType === 'touch') {
        const now = performance.now();
        const near = lastTap && Math.hypot(e.clientX - lastTap.x, e.clientY - lastTap.y) < DOUBLE_TAP_PX;
        if (near && now - lastTap.at < DOUBLE_TAP_MS) {
          lastTap = null;
          if (board.canEdit()) createAtPointer(e);
        } else {
          lastTap = { at: now, x: e.clientX, y: e.clientY };
        }
      }
    }
  }

  viewport.addEventListener('pointerup', (e) => endPointer(e, false));
  viewport.addEventListener('pointercancel', (e) => endPointer(e, true));

  viewport.addEventListener('dblclick', (e) => {
    if (e.target.closest('button, textarea, input, .note-vote')) return;
    const noteEl = noteTarget(e.target);
    if (noteEl) {
      board.startEdit(noteEl.dataset.id);
      return;
    }
    const head = e.target.closest('.frame-head');
    if (head && board.isFacilitator()) {
      const frame = board.frameInView(head.closest('[data-testid="frame"]')?.dataset.id);
      if (frame) board.openFrameDialog(frame);
      return;
    }
    if (board.canEdit()) createAtPointer(e);
  });

  viewport.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const p = local(e);
      const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? viewport.clientHeight : 1;
      // ctrlKey: a trackpad pinch, whose deltas are small.
      const factor = Math.exp(-e.deltaY * lines * (e.ctrlKey ? 0.01 : 0.0015));
      board.setCamera(zoomAt(board.camera(), factor, p.x, p.y));
    },
    { passive: false },
  );

  // Focus can scroll an overflow:hidden box; here only the camera moves the board.
  viewport.addEventListener('scroll', () => {
    viewport.scrollTop = 0;
    viewport.scrollLeft = 0;
  });

  notesLayer.addEventListener('focusin', (e) => {
    const noteEl = noteTarget(e.target);
    // A click on a vote button focuses it: that is voting, not picking the note to edit.
    if (!noteEl || e.target.closest('.note-editor, .note-vote')) return;
    board.select(noteEl.dataset.id);
    // Tabbing to a note off screen brings it into view; a click must not
    // move the board under the pointer.
    if (noteEl.matches(':focus-visible')) board.revealNote(noteEl.dataset.id);
  });

  notesLayer.addEventListener('keydown', (e) => {
    if (e.target.closest('.note-editor')) return;
    const noteEl = noteTarget(e.target);
    if (!noteEl || e.altKey || e.ctrlKey || e.metaKey) return;
    const id = noteEl.dataset.id;
    const step = e.shiftKey ? 50 : 10;
    const moves = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    if (e.key === 'Escape') {
      e.preventDefault();
      board.select(null);
      viewport.focus({ preventScroll: true });
      return;
    }
    if (!board.canEdit()) return;
    if (e.key === ' ' && e.shiftKey) {
      e.preventDefault();
      board.toggleNote(id);
      return;
    }
    if (e.key === '+' || e.key === '=' || e.key === '-') {
      if (board.vote(id, e.key === '-' ? -1 : 1)) e.preventDefault();
      return;
    }
    // On a button inside the note (its vote controls) the keys are the button's.
    if (e.target.closest('button')) return;
    if (e.key in moves) {
      e.preventDefault();
      board.nudge(id, ...moves[e.key]);
    } else if (e.key === 'Enter' || e.key === 'F2') {
      e.preventDefault();
      board.startEdit(id);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      board.deleteNote(id);
    }
  });
}
