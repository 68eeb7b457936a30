// Several notes selected at once: Shift-click (or Shift+Space on a focused
// note) adds or takes out a note, a rectangle drawn with Shift+drag on the
// empty board (or with the Select tool, also on touch) selects what it
// touches. The selection bar then shows how many, and colours, kinds,
// grouping and deleting reach them all; dragging one of them or the arrow keys
// move them together. What it sends is board/selection.js's: one command per
// note, each checked by the server like any other.

import {
  allowed,
  deleteCommands,
  groupCommand,
  joined,
  kindCommands,
  moveCommands,
  notesInRect,
  present,
  reach,
  recolorCommands,
  toggled,
} from './selection.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { newGroupId } from '../core/sync.js';
import { late } from '../core/page.js';

const NUDGE_SETTLE_MS = 400;

export function mountMultiSelect(page) {
  const { ui, dom, renderer, $ } = page;
  const { currentView, canEdit, scheduleRender, renderNow, send, select, focusNote, revealNote } = late(page);

  const count = $('selection-count');
  const groupButton = $('selection-group');
  const tool = $('select-tool');
  const marquee = h('div', { class: 'marquee', 'data-testid': 'marquee', hidden: true, 'aria-hidden': 'true' });
  dom.viewport.append(marquee);

  const who = () => ({ role: ui.role, memberId: ui.member.member_id });
  const isMulti = () => ui.conn !== null && present(currentView(), ui.selection).length >= 2;

  /** The selection as a list: the multi-selection, or the one selected note. */
  function selectedIds() {
    if (ui.selection.length) return ui.selection;
    return ui.selectedId ? [ui.selectedId] : [];
  }

  /** The selection is `ids`; the focus moves to `focusId` (null: it stays where it is). */
  function setSelection(ids, focusId = null) {
    flushMoves();
    ui.selection = ids.filter((id) => id !== ui.draft?.note_id);
    if (focusId) focusNote(focusId);
    scheduleRender();
  }

  function clearSelection() {
    if (!ui.selection.length) return;
    flushMoves();
    ui.selection = [];
    scheduleRender();
  }

  /** Shift-click or Shift+Space: the note joins the selection, or leaves it. */
  function toggleNote(id) {
    if (!ui.conn || id === ui.draft?.note_id) return;
    const base = ui.selection.length ? ui.selection : ui.selectedId && ui.selectedId !== id ? [ui.selectedId] : [];
    const next = toggled(base, id);
    setSelection(next, next.includes(id) ? id : null);
  }

  /** A rectangle (board units) drawn on the board: its notes join the selection. */
  function selectRect(rect) {
    if (!ui.conn) return;
    const touched = notesInRect(currentView(), rect);
    const ids = joined(selectedIds(), touched);
    // The focus goes to the last note it reached, so the arrow keys move them at once.
    setSelection(ids, ids[ids.length - 1] ?? null);
  }

  /** Draw the rectangle being dragged (screen px relative to the viewport), or hide it (null). */
  function showMarquee(box) {
    marquee.hidden = !box;
    if (!box) return;
    Object.assign(marquee.style, { left: `${box.x}px`, top: `${box.y}px`, width: `${box.w}px`, height: `${box.h}px` });
  }

  /**
   * Send a change to several notes as one undo step (board/undo.js): Ctrl+Z
   * takes back the whole move, recolour or deletion, not its last note. Returns the step.
   */
  function sendAll(commands, options) {
    if (!commands.length) return null;
    return page.undo.history.group(() => {
      for (const command of commands) send(command, options);
    });
  }

  // ---- moving together -------------------------------------------------------------------

  let nudge = null; // {ids, base: view, dx, dy, timer}

  /** Arrow keys on a note of the multi-selection move them all; false when it is not one. */
  function multiNudge(id, dx, dy) {
    if (!isMulti() || !ui.selection.includes(id)) return false;
    if (!nudge) {
      const base = currentView();
      nudge = { ids: allowed(base, ui.selection, who(), 'edit'), base, dx: 0, dy: 0, timer: null };
    }
    clearTimeout(nudge.timer);
    nudge.dx += dx;
    nudge.dy += dy;
    ui.moving = moveCommands(nudge.base, nudge.ids, who(), nudge.dx, nudge.dy);
    nudge.timer = setTimeout(flushMoves, NUDGE_SETTLE_MS);
    renderNow();
    revealNote(id);
    return true;
  }

  let drag = null; // {id, ids, base: view}

  /** A note of the multi-selection is dragged: the others follow. False when it is not one. */
  function dragStart(id) {
    if (!isMulti() || !ui.selection.includes(id)) return false;
    flushMoves();
    const base = currentView();
    drag = { id, ids: allowed(base, ui.selection, who(), 'edit'), base };
    return true;
  }

  /** The dragged note is at `at` (its top-left, board units): the others keep their distance. */
  function dragMove(at) {
    if (!drag) return false;
    const from = drag.base.notes[drag.id];
    const others = drag.ids.filter((x) => x !== drag.id);
    ui.moving = moveCommands(drag.base, others, who(), at.x - from.x, at.y - from.y);
    scheduleRender();
    return true;
  }

  /** Let go with the dragged note at `to`: one note.move per note (null: cancelled, all back). */
  function dragEnd(to) {
    if (!drag) return false;
    const { base, ids, id } = drag;
    drag = null;
    ui.moving = [];
    const from = base.notes[id];
    if (to && (to.x !== from.x || to.y !== from.y)) {
      sendAll(moveCommands(base, ids, who(), to.x - from.x, to.y - from.y));
    }
    scheduleRender();
    return true;
  }

  /** Send what the arrow keys moved, now. */
  function flushMoves() {
    if (!nudge) return;
    clearTimeout(nudge.timer);
    const commands = ui.moving;
    nudge = null;
    ui.moving = [];
    sendAll(commands, { coalesce: true });
    scheduleRender();
  }

  // ---- the selection bar for several notes --------------------------------------------------

  function recolorSelection(color) {
    if (!isMulti()) return false;
    ui.lastColor = color;
    sendAll(recolorCommands(currentView(), ui.selection, who(), color));
    return true;
  }

  function kindSelection(kind) {
    if (!isMulti()) return false;
    sendAll(kindCommands(currentView(), ui.selection, who(), kind));
    return true;
  }

  function groupSelection() {
    if (!isMulti()) return;
    const view = currentView();
    const name = t('group.default', { n: Object.keys(view.groups).length + 1 });
    const command = groupCommand(view, ui.selection, who(), newGroupId(), name);
    if (command) send(command);
  }

  /** Delete every selected note this member may delete; false when there is no multi-selection. */
  function deleteSelection() {
    if (!isMulti()) return false;
    flushMoves();
    page.undo.deleted(sendAll(deleteCommands(currentView(), ui.selection, who())), 'notes');
    ui.selection = [];
    select(null);
    dom.viewport.focus({ preventScroll: true });
    scheduleRender();
    return true;
  }

  groupButton.addEventListener('click', groupSelection);
  tool.addEventListener('click', () => {
    ui.selectTool = !ui.selectTool;
    renderTool();
  });

  function renderTool() {
    tool.setAttribute('aria-pressed', String(ui.selectTool));
    dom.viewport.classList.toggle('select-tool', ui.selectTool);
  }

  let marked = new Set();
  /** Mark the selected notes (after each render: elements come and go). */
  function markSelection(view) {
    const ids = new Set(present(view, ui.selection).length >= 2 ? ui.selection : []);
    for (const id of marked) if (!ids.has(id)) renderer.noteElementKept(id)?.classList.remove('in-selection');
    for (const id of ids) renderer.noteElementKept(id)?.classList.add('in-selection');
    marked = ids;
    tool.hidden = !canEdit() || ui.listMode;
  }

  /** The selection bar for two or more notes; false when the bar is the one-note bar. */
  function renderMulti(view) {
    const ids = present(view, ui.selection);
    const multi = ids.length >= 2 && canEdit() && !ui.listMode;
    count.hidden = !multi;
    groupButton.hidden = true;
    if (!multi) return false;
    const r = reach(view, ids, who());
    count.textContent = t('selection.count', { n: r.count });
    dom.selectionBar.hidden = false;
    dom.swatches.hidden = r.edit === 0;
    for (const b of dom.swatches.children) {
      const all = ids.every((id) => view.notes[id].color === b.dataset.color);
      b.setAttribute('aria-pressed', all ? 'true' : 'false');
    }
    dom.noteKind.parentElement.hidden = r.edit === 0;
    const kinds = new Set(ids.map((id) => view.notes[id].kind));
    dom.noteKind.value = kinds.size === 1 ? [...kinds][0] : '';
    groupButton.hidden = r.group < 2;
    dom.noteDelete.hidden = r.delete === 0;
    for (const b of [dom.noteEdit, dom.noteGroup, dom.noteUngroup, dom.noteLink]) b.hidden = true;
    page.moderation.renderTools(view, null);
    positionMulti();
    return true;
  }

  /** Over the selected notes (their bounding box on screen), or under them near the top. False: no multi-selection. */
  function positionMulti() {
    if (!ui.conn || dom.selectionBar.hidden) return false;
    const ids = present(currentView(), ui.selection);
    if (ids.length < 2) return false;
    const rects = ids.map((id) => renderer.noteElement(id)?.getBoundingClientRect()).filter(Boolean);
    if (!rects.length) return true;
    const box = {
      left: Math.min(...rects.map((r) => r.left)),
      right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
    };
    const host = dom.selectionBar.offsetParent ?? document.body;
    const hostRect = host.getBoundingClientRect();
    const barRect = dom.selectionBar.getBoundingClientRect();
    let left = (box.left + box.right) / 2 - barRect.width / 2 - hostRect.left;
    let top = box.top - barRect.height - 10 - hostRect.top;
    if (top < 4) top = Math.min(box.bottom + 10 - hostRect.top, hostRect.height - barRect.height - 4);
    left = Math.max(4, Math.min(left, hostRect.width - barRect.width - 4));
    dom.selectionBar.style.left = `${left}px`;
    dom.selectionBar.style.top = `${Math.max(4, top)}px`;
    return true;
  }

  return {
    selectedIds,
    isMulti,
    toggleNote,
    selectRect,
    showMarquee,
    clearSelection,
    multiNudge,
    dragStart,
    dragMove,
    dragEnd,
    flushMoves,
    recolorSelection,
    kindSelection,
    deleteSelection,
    markSelection,
    renderMulti,
    positionMulti,
    renderTool,
  };
}
