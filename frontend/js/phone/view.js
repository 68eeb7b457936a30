// What the phone view shows, as pure functions of a (predicted) board state:
// which frame a new idea goes to, whose ideas are whose, and the three orders
// of the list. No DOM: tests/js/phone.test.mjs checks them.

import { currentStep, isMine, tallyVisible } from '../core/state.js';
import { closedRounds, openRound } from '../voting/voting.js';

export const SORTS = ['newest', 'frame', 'votes'];

/** The frame a new idea goes to by default: the current step's, if it exists. */
export function defaultFrame(view) {
  const id = currentStep(view)?.frame_id;
  return id && view.frames[id] ? id : null;
}

/** This member's notes, newest first. */
export function myNotes(view, memberId) {
  return Object.values(view.notes)
    .filter((note) => isMine(note, memberId))
    .reverse();
}

/**
 * The votes a note shows to everyone: the open round's total when the round is
 * live, else the latest closed round's result; null when nothing is shown
 * (no round, or a blind round still open).
 */
export function shownVotes(votes) {
  const round = openRound(votes);
  if (round) return tallyVisible(round) ? (votes.tally?.[round.id] ?? {}) : null;
  const last = closedRounds(votes).at(-1);
  if (!last?.results) return null;
  return Object.fromEntries(last.results.ranking.map((r) => [r.note_id, r.votes]));
}

/**
 * Every note this viewer may see, in one of SORTS: `newest` (the order notes
 * were made, last first), `frame` (the board's frames in order, then notes
 * outside them; newest first within each), `votes` (most shown votes first,
 * then newest).
 */
export function sortedNotes(view, sort) {
  const newest = Object.values(view.notes).reverse();
  if (sort === 'frame') {
    const order = new Map(Object.keys(view.frames).map((id, i) => [id, i]));
    const rank = (note) => order.get(note.frame_id) ?? order.size;
    return newest
      .map((note, i) => ({ note, i }))
      .sort((a, b) => rank(a.note) - rank(b.note) || a.i - b.i)
      .map(({ note }) => note);
  }
  if (sort === 'votes') {
    const shown = shownVotes(view.votes) ?? {};
    return newest
      .map((note, i) => ({ note, i, n: shown[note.id] ?? 0 }))
      .sort((a, b) => b.n - a.n || a.i - b.i)
      .map(({ note }) => note);
  }
  return newest;
}
