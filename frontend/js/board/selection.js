// What a selection of several notes is and what doing something to it sends.
// Pure (no DOM): tested in tests/js/selection.test.mjs; multiselect.js puts it
// on the page.
//
// The server knows no selections: each change goes as one command per note
// over the ordinary protocol, and each is checked there like any other, so a
// note this member may not change is left out here and refused there anyway.

import { COORD_LIMIT, may, NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';

/** A rectangle from two corners in any order (board units). */
export function rectFrom(a, b) {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}

/** The ids of the notes of `view` that a drawn rectangle touches, in board order. */
export function notesInRect(view, rect) {
  const out = [];
  for (const note of Object.values(view.notes)) {
    const touches =
      note.x < rect.x + rect.w && rect.x < note.x + NOTE_WIDTH && note.y < rect.y + rect.h && rect.y < note.y + NOTE_HEIGHT;
    if (touches) out.push(note.id);
  }
  return out;
}

/** `ids` with `id` added, or taken out when it is there (Shift-click). */
export function toggled(ids, id) {
  return ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
}

/** `ids` and `more` together, each once, in the order first seen. */
export function joined(ids, more) {
  return [...new Set([...ids, ...more])];
}

/** The selected ids that still name a note of `view` (others may delete or hide one meanwhile). */
export function present(view, ids) {
  return ids.filter((id) => view.notes[id]);
}

const clamp = (v) => Math.round(Math.min(COORD_LIMIT, Math.max(-COORD_LIMIT, v)));

/**
 * The notes among `ids` that `who` ({role, memberId}) may do `action` to now
 * (core/state.js `may`: role, step rules, lock, authorship).
 */
export function allowed(view, ids, who, action) {
  return present(view, ids).filter((id) => may(view, who.role, who.memberId, action, view.notes[id]));
}

/** One note.move per note that may move, each by (dx, dy), kept on the board. */
export function moveCommands(view, ids, who, dx, dy) {
  return allowed(view, ids, who, 'edit').map((id) => {
    const note = view.notes[id];
    return { type: 'note.move', note_id: id, x: clamp(note.x + dx), y: clamp(note.y + dy) };
  });
}

/** One note.recolor per note that may change and is not that colour yet. */
export function recolorCommands(view, ids, who, color) {
  return allowed(view, ids, who, 'edit')
    .filter((id) => view.notes[id].color !== color)
    .map((id) => ({ type: 'note.recolor', note_id: id, color }));
}

/** One note.kind per note that may change and is not that kind yet. */
export function kindCommands(view, ids, who, kind) {
  return allowed(view, ids, who, 'edit')
    .filter((id) => view.notes[id].kind !== kind)
    .map((id) => ({ type: 'note.kind', note_id: id, kind }));
}

/** One note.delete per note this member may delete (participants: their own). */
export function deleteCommands(view, ids, who) {
  return allowed(view, ids, who, 'delete').map((id) => ({ type: 'note.delete', note_id: id }));
}

/**
 * Grouping a selection: one group.create with every shared note that may be
 * grouped (at most 200, the server's limit) when two or more are left, else null.
 * Private notes cannot be grouped before the reveal.
 */
export function groupCommand(view, ids, who, groupId, name, max = 200) {
  const noteIds = allowed(view, ids, who, 'group')
    .filter((id) => !view.notes[id].private)
    .slice(0, max);
  return noteIds.length >= 2 ? { type: 'group.create', group_id: groupId, name, note_ids: noteIds } : null;
}

/** What the selection bar offers for `ids`: how many of them each action reaches. */
export function reach(view, ids, who) {
  return {
    count: present(view, ids).length,
    edit: allowed(view, ids, who, 'edit').length,
    delete: allowed(view, ids, who, 'delete').length,
    group: allowed(view, ids, who, 'group').filter((id) => !view.notes[id].private).length,
  };
}
