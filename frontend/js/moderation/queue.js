// What moderation shows, as pure functions of a (predicted) board state: the
// facilitator's queue, hidden and flagged notes, the mark a note carries for a
// viewer, and who may flag or hide what. No DOM: tests/js/moderation-ui.test.mjs.
// The rules themselves are the server's (backend/samskapa/domain/moderation.py);
// these only decide what to offer, the server decides what happens.

import { isMine, isWithheld, NOTES_PER_MINUTE_MAX, REASON_MAX } from '../core/state.js';

/**
 * The facilitator's lists, each in the board's order (the order notes were
 * made, so the oldest waiting note comes first): `waiting`, `rejected`,
 * `hidden`, and `flagged` ({note, count}: published notes with flags, most first).
 */
export function moderationLists(view) {
  const lists = { waiting: [], rejected: [], hidden: [], flagged: [] };
  for (const note of Object.values(view.notes)) {
    if (note.moderation === 'waiting') lists.waiting.push(note);
    else if (note.moderation === 'rejected') lists.rejected.push(note);
    else if (note.moderation === 'hidden') lists.hidden.push(note);
    const count = view.flags?.[note.id] ?? 0;
    if (count > 0 && !isWithheld(note)) lists.flagged.push({ note, count });
  }
  lists.flagged.sort((a, b) => b.count - a.count);
  return lists;
}

/** How many notes wait for a facilitator's decision. */
export function waitingCount(view) {
  let n = 0;
  for (const note of Object.values(view.notes)) if (note.moderation === 'waiting') n += 1;
  return n;
}

/**
 * The mark a withheld note carries for this viewer, or null for a published
 * one: `{status, key, reason}` (`key`: the i18n key of its words). The author
 * reads why ("Not published", "Hidden by a facilitator"), a facilitator what
 * it is ("Rejected", "Hidden").
 */
export function moderationMark(note, { facilitator }) {
  if (!isWithheld(note)) return null;
  const status = note.moderation;
  const key = status === 'waiting' ? 'mod.mark.waiting' : `mod.mark.${status}${facilitator ? '.fac' : ''}`;
  return { status, key, reason: status === 'waiting' ? '' : (note.reason ?? '') };
}

/** Is `note` one a flag may be sent for (published, shared, confirmed by the server)? */
function flaggable(note) {
  return Boolean(note) && !isWithheld(note) && !note.private && !note.pending;
}

/**
 * Offer "Flag" on `note`? A participant's, on someone else's note (flagging
 * is the participants' way to tell the facilitators; facilitators hide).
 * `flagged`: already flagged by this member (then it shows as done).
 */
export function flagOffer(view, role, memberId, note) {
  if (role !== 'participant' || !flaggable(note) || isMine(note, memberId)) return null;
  return { flagged: Boolean(view.myFlags?.[note.id]) };
}

/** What a facilitator can decide about `note` now: a list of `approve`, `reject`, `hide`, `restore`. */
export function decisions(role, note) {
  if (role !== 'facilitator' || !note || note.pending) return [];
  switch (note.moderation ?? 'published') {
    case 'waiting':
      return ['approve', 'reject'];
    case 'rejected':
      return ['approve'];
    case 'hidden':
      return ['restore'];
    default:
      return note.private ? [] : ['hide'];
  }
}

/** The command for a decision (`reason` for reject and hide). */
export function decisionCommand(decision, noteId, reason = '') {
  const type = `note.${decision}`;
  return decision === 'reject' || decision === 'hide' ? { type, note_id: noteId, reason: reason.trim() } : { type, note_id: noteId };
}

/** Is a reason too long for the server (REASON_MAX characters, counted as Python does)? */
export function reasonTooLong(reason) {
  return [...reason.trim()].length > REASON_MAX;
}

/**
 * The notes-per-minute field: `{value}` (null: no limit) or `{problem: true}`
 * when it is not a whole number from 1 to NOTES_PER_MINUTE_MAX.
 */
export function parseRate(text) {
  const raw = String(text ?? '').trim();
  if (raw === '') return { value: null };
  if (!/^\d+$/.test(raw)) return { problem: true };
  const n = Number(raw);
  return n >= 1 && n <= NOTES_PER_MINUTE_MAX ? { value: n } : { problem: true };
}
