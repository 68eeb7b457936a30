// Moving and resizing a frame by hand (facilitators): drag its head to move it
// with its notes, drag the grip at its bottom-right corner to resize it; or,
// on the keyboard, focus its ✥ button and use the arrow keys to move it and
// Shift+arrow keys to resize it. The frame is shown where it goes at once and
// one command is sent when the pointer lets go or the keys rest (one
// frame.move carries the notes: docs/protocol.md), so a move is one step to
// undo. Screen readers hear where it went.

import { changes, FRAME_KEYS, FRAME_STEP, moveCommand, resizeCommand } from './frame-shape.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { late } from '../core/page.js';

const KEYS_SETTLE_MS = 400;

export function mountFrameHandles(page) {
  const { ui, $ } = page;
  const { currentView, isFacilitator, send, scheduleRender } = late(page);

  const status = h('p', { class: 'visually-hidden', role: 'status', 'data-testid': 'frame-status' });
  document.body.append(status);

  let active = null; // {id, part: 'move' | 'resize', base: frame, dx, dy, timer}

  const frameInView = (id) => (ui.conn && id ? (currentView().frames[id] ?? null) : null);
  const commandOf = (a) => (a.part === 'move' ? moveCommand(a.base, a.dx, a.dy) : resizeCommand(a.base, a.dx, a.dy));

  function begin(id, part) {
    if (active && (active.id !== id || active.part !== part)) settle();
    if (active) return true;
    const frame = frameInView(id);
    if (!frame || !isFacilitator()) return false;
    active = { id, part, base: frame, dx: 0, dy: 0, timer: null };
    return true;
  }

  function show() {
    const command = commandOf(active);
    ui.frameMoving = changes(active.base, command) ? [command] : [];
    scheduleRender();
  }

  /** Send what was shown (or, cancelled, nothing) and say what happened. */
  function settle(cancelled = false) {
    if (!active) return;
    clearTimeout(active.timer);
    const done = active;
    active = null;
    ui.frameMoving = [];
    const command = commandOf(done);
    if (!cancelled && changes(done.base, command)) {
      send(command);
      const title = done.base.title || t('frame.untitled');
      status.textContent =
        done.part === 'move'
          ? t('frame.moved', { title })
          : t('frame.resized', { title, w: command.w, h: command.h });
    }
    scheduleRender();
  }

  // ---- pointer (board/gestures.js) ------------------------------------------------------------

  function frameDragStart(id, part) {
    return begin(id, part);
  }

  /** The pointer is (dx, dy) board units from where it pressed. */
  function frameDragMove(dx, dy) {
    if (!active) return;
    active.dx = dx;
    active.dy = dy;
    show();
  }

  function frameDragEnd(ok) {
    settle(!ok);
  }

  // ---- keyboard: the frame's ✥ button ----------------------------------------------------------

  $('frames-layer').addEventListener('keydown', (e) => {
    const button = e.target.closest?.('[data-action="frame-move"]');
    if (!button || !(e.key in FRAME_KEYS) || e.altKey || e.ctrlKey || e.metaKey) return;
    const id = button.closest('[data-testid="frame"]')?.dataset.id;
    if (!begin(id, e.shiftKey ? 'resize' : 'move')) return;
    e.preventDefault();
    const [kx, ky] = FRAME_KEYS[e.key];
    active.dx += kx * FRAME_STEP;
    active.dy += ky * FRAME_STEP;
    clearTimeout(active.timer);
    active.timer = setTimeout(() => settle(), KEYS_SETTLE_MS);
    show();
  });
  // Leaving the button (Tab, a click elsewhere) sends what the keys did at once.
  $('frames-layer').addEventListener('focusout', (e) => {
    if (e.target.closest?.('[data-action="frame-move"]') && active?.timer) settle();
  });

  return { frameDragStart, frameDragMove, frameDragEnd, settleFrame: settle };
}
