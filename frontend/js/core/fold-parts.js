// What the fold (core/state.js) and the prediction (core/predict.js) both
// do to a state, as backend/samskapa/domain/apply.py does: notes into and out
// of groups, a deleted note's links and flags, the spotlight on something
// gone, notes kept in the frame under them. Pure; each changes the maps of the
// state it is given in place and replaces the entities it changes.

import { frameAt, NOTE_HEIGHT, NOTE_WIDTH } from './model.js';

/** Keep only the keys of `obj` that are present and not null (partial updates). */
export function present(obj, skip) {
  const out = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key !== skip && value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

export const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** `map[key]` += delta, dropping keys that reach 0 (as the server's ballot book). */
export function bump(map, key, delta) {
  const value = (map[key] ?? 0) + delta;
  if (value) map[key] = value;
  else delete map[key];
}

/** `map` without `key` (a new object; the same object when the key is absent). */
export function without(map, key) {
  if (!(key in map)) return map;
  const out = { ...map };
  delete out[key];
  return out;
}

export function countPrivate(notes) {
  let n = 0;
  for (const note of Object.values(notes)) if (note.private) n += 1;
  return n;
}

/** Move a note into `groupId` (or out of any); a group left empty goes. */
export function regroup(state, noteId, groupId) {
  const note = state.notes[noteId];
  const before = note.group_id ?? null;
  if (before === groupId) return;
  state.notes[noteId] = { ...note, group_id: groupId };
  if (before !== null) dropIfEmpty(state, before);
}

export function dropIfEmpty(state, groupId) {
  if (!(groupId in state.groups)) return;
  for (const note of Object.values(state.notes)) if (note.group_id === groupId) return;
  delete state.groups[groupId];
  unspotlight(state, groupId);
}

/** A group goes; its notes stay, out of any group. */
export function deleteGroup(state, groupId) {
  delete state.groups[groupId];
  for (const note of Object.values(state.notes)) {
    if (note.group_id === groupId) state.notes[note.id] = { ...note, group_id: null };
  }
  unspotlight(state, groupId);
}

/** A deleted note takes its links with it, and an emptied group. */
export function forgetNote(state, note) {
  for (const link of Object.values(state.links)) {
    if (link.from_id === note.id || link.to_id === note.id) delete state.links[link.id];
  }
  if (note.group_id != null) dropIfEmpty(state, note.group_id);
  unspotlight(state, note.id);
}

export function dropFlags(state, noteId) {
  if (state.flags && noteId in state.flags) state.flags = without(state.flags, noteId);
  if (state.myFlags && noteId in state.myFlags) state.myFlags = without(state.myFlags, noteId);
}

export function unspotlight(state, targetId) {
  const spot = state.attention?.spotlight;
  if (spot && spot.id === targetId) state.attention = { ...state.attention, spotlight: null };
}

/**
 * Keep notes in the frame under them when frames appear, move or go (mirrors
 * `_refit` in domain/apply.py): only notes that were in one of `frameIds` or
 * whose centre lies in `area` can change.
 */
export function refit(state, frameIds, area) {
  for (const note of Object.values(state.notes)) {
    const cx = note.x + NOTE_WIDTH / 2;
    const cy = note.y + NOTE_HEIGHT / 2;
    const inArea = area && area.x <= cx && cx <= area.x + area.w && area.y <= cy && cy <= area.y + area.h;
    if (frameIds.includes(note.frame_id) || inArea) {
      const frameId = frameAt(state, note.x, note.y);
      if (frameId !== note.frame_id) state.notes[note.id] = { ...note, frame_id: frameId };
    }
  }
}
