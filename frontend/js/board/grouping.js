// Grouping and picking on the canvas: what dropping a note means (onto a note,
// into a group, out of its group), "Group with…" and "Link" (the next note
// picked completes it; G and L on the keyboard), renaming a group and
// "Ungroup".

import { freeSpot } from './layout.js';
import { boxAround, GROUP_PAD, inBox } from './structure.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { GROUP_NAME_MAX, may, NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';
import { newGroupId } from '../core/sync.js';
import { late } from '../core/page.js';

/** A note's words cut to fit a hint or a label. */
export const shorten = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function mountGrouping(page) {
  const { renderer, ui, structure, dom, $ } = page;
  const {
    currentView,
    noteInView,
    clampCoord,
    send,
    refused,
    finishEdit,
    openLinkDialog,
    focusNote,
    select,
  } = late(page);

  /** A note's box in board units: as tall as its element is drawn. */
  function noteBox(note) {
    return { x: note.x, y: note.y, w: NOTE_WIDTH, h: Math.max(NOTE_HEIGHT, renderer.noteHeight(note.id)) };
  }

  /**
   * What dropping `note` with its top-left at (x, y) means: onto another note
   * (`{kind: 'note', id}`), into a group's outline (`{kind: 'group', id}`), out
   * of its own group (`{kind: 'leave'}`), or just a move (null). Only what this
   * member may do now.
   */
  function dropTarget(note, x, y) {
    const view = currentView();
    if (note.private || !may(view, ui.role, ui.member.member_id, 'group', note)) return null;
    const cx = x + NOTE_WIDTH / 2;
    const cy = y + NOTE_HEIGHT / 2;
    const notes = Object.values(view.notes);
    for (let i = notes.length - 1; i >= 0; i--) {
      const other = notes[i];
      if (other.id === note.id || other.private) continue;
      if (inBox(noteBox(other), cx, cy)) {
        return other.group_id && other.group_id === note.group_id ? null : { kind: 'note', id: other.id };
      }
    }
    for (const group of Object.values(view.groups)) {
      if (group.id !== note.group_id && inBox(structure.groupBox(group.id), cx, cy)) return { kind: 'group', id: group.id };
    }
    if (note.group_id) {
      const rest = notes.filter((n) => n.group_id === note.group_id && n.id !== note.id).map(noteBox);
      // Dragged well clear of the rest of its group: out of the group.
      if (rest.length && !inBox(boxAround(rest, GROUP_PAD + NOTE_WIDTH / 2), cx, cy)) return { kind: 'leave' };
    }
    return null;
  }

  let dropMarked = null;
  function markDropTarget(target) {
    const el = !target
      ? null
      : target.kind === 'note'
        ? renderer.noteElement(target.id)
        : target.kind === 'group'
          ? document.querySelector(`.group[data-id="${CSS.escape(target.id)}"]`)
          : null;
    if (dropMarked === el) return;
    dropMarked?.classList.remove('drop-target');
    el?.classList.add('drop-target');
    dropMarked = el;
  }

  /** A dragged note let go at (x, y): a move, and maybe a group (see dropTarget). */
  function dropNote(note, x, y) {
    const target = dropTarget(note, x, y);
    let to = { x, y };
    if (target?.kind === 'note') {
      // Side by side with the note it was dropped on, not on top of it.
      const other = noteInView(target.id);
      const rest = { ...currentView().notes };
      delete rest[note.id];
      to = freeSpot(rest, other.x, other.y);
      to = { x: clampCoord(to.x), y: clampCoord(to.y) };
    }
    if (to.x !== note.x || to.y !== note.y) send({ type: 'note.move', note_id: note.id, x: to.x, y: to.y });
    if (target) groupWith(note, target);
  }

  let groupNumber = 0;
  /** Put `note` together with `target` ({kind: 'note' | 'group' | 'leave', id}). */
  function groupWith(note, target) {
    if (target.kind === 'leave') {
      send({ type: 'note.group', note_id: note.id, group_id: null });
      return;
    }
    if (target.kind === 'group') {
      send({ type: 'note.group', note_id: note.id, group_id: target.id });
      return;
    }
    const other = noteInView(target.id);
    if (!other || refused('group', other)) return;
    if (other.group_id) send({ type: 'note.group', note_id: note.id, group_id: other.group_id });
    else if (note.group_id) send({ type: 'note.group', note_id: other.id, group_id: note.group_id });
    else {
      groupNumber = Math.max(groupNumber, Object.keys(currentView().groups).length) + 1;
      send({ type: 'group.create', group_id: newGroupId(), name: t('group.default', { n: groupNumber }), note_ids: [other.id, note.id] });
    }
  }

  /** "Group with…" / "Link": the next note picked (click, or Enter on it) completes it. */
  function startPick(mode) {
    const note = ui.selectedId && noteInView(ui.selectedId);
    if (!note || ui.draft?.note_id === note.id || refused(mode, note)) return;
    if (ui.editing) finishEdit(true);
    ui.pick = { mode, from: note.id };
    dom.pickHintText.textContent = t(mode === 'link' ? 'pick.link' : 'pick.group', { text: shorten(note.text || t('note.empty')) });
    dom.pickHint.hidden = false;
    document.body.classList.add('picking');
    renderer.noteElement(note.id)?.classList.add('pick-source');
  }

  function cancelPick() {
    if (!ui.pick) return;
    renderer.noteElement(ui.pick.from)?.classList.remove('pick-source');
    ui.pick = null;
    dom.pickHint.hidden = true;
    document.body.classList.remove('picking');
  }

  function completePick(id) {
    const pick = ui.pick;
    const from = noteInView(pick.from);
    const to = noteInView(id);
    if (id === pick.from || !to) return;
    cancelPick();
    if (!from || refused(pick.mode, to)) return;
    if (pick.mode === 'group') groupWith(from, { kind: 'note', id });
    else openLinkDialog(null, from, to);
    focusNote(id);
  }

  dom.pickHint.querySelector('#pick-cancel').addEventListener('click', cancelPick);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && ui.pick) {
      e.preventDefault();
      cancelPick();
    }
  });
  // L: link the focused note to another; G: group it with another.
  $('notes-layer').addEventListener('keydown', (e) => {
    if (e.target.closest('.note-editor, button') || e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key !== 'l' && key !== 'g') return;
    e.preventDefault();
    select(e.target.closest('[data-testid="note"]')?.dataset.id ?? ui.selectedId);
    startPick(key === 'l' ? 'link' : 'group');
  });

  // ---- group names and "Ungroup" ----

  function renameGroup(nameEl) {
    const groupEl = nameEl.closest('[data-testid="group"]');
    const group = groupEl && ui.conn && currentView().groups[groupEl.dataset.id];
    if (!group || refused('group') || groupEl.querySelector('.group-name-input')) return;
    const input = h('input', {
      class: 'group-name-input',
      'data-testid': 'group-name-input',
      type: 'text',
      maxlength: String(GROUP_NAME_MAX),
      'aria-label': t('group.rename.aria', { name: group.name }),
    });
    input.value = group.name;
    nameEl.hidden = true;
    nameEl.after(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const name = input.value.trim();
      input.remove();
      nameEl.hidden = false;
      if (save && name && name !== group.name) send({ type: 'group.rename', group_id: group.id, name });
      nameEl.focus({ preventScroll: true });
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') finish(true);
      else if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
  }

  const groupsLayer = $('groups-layer');
  groupsLayer.addEventListener('dblclick', (e) => {
    const name = e.target.closest('[data-action="group-rename"]');
    if (!name) return;
    e.stopPropagation();
    renameGroup(name);
  });
  groupsLayer.addEventListener('keydown', (e) => {
    const name = e.target.closest('[data-action="group-rename"]');
    if (name && (e.key === 'Enter' || e.key === 'F2' || e.key === ' ')) {
      e.preventDefault();
      renameGroup(name);
    }
  });
  groupsLayer.addEventListener('click', (e) => {
    const button = e.target.closest('[data-action="group-ungroup"]');
    const id = button?.closest('[data-testid="group"]')?.dataset.id;
    if (id && !refused('group')) send({ type: 'group.delete', group_id: id });
  });

  return { noteBox, dropTarget, markDropTarget, dropNote, groupWith, startPick, cancelPick, completePick };
}
