// Comparing the browser's fold with what the server says a state is: used by
// golden.test.mjs (the golden log) and tests/server/replay_fold.mjs (replay
// against live). Not a test file itself.
import { applyEvent, applyOwnNotes, applyOwnVotes, fromSnapshot, hideAuthors } from '../../frontend/js/core/state.js';

/** `value` with every object's keys in order, so two states compare as JSON text. */
export function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = sorted(value[key]);
    return out;
  }
  return value;
}

/** The state a page builds from a reset: the snapshot, then its own votes and notes. */
export function fromReset(snapshot, ownVotes, ownNotes) {
  const state = fromSnapshot(snapshot);
  applyOwnVotes(state, ownVotes);
  applyOwnNotes(state, ownNotes);
  return state;
}

/** One live event folded as the page folds it (core/connection.js). */
export function foldLive(state, event, member) {
  applyEvent(state, event);
  if (event.type === 'board.anonymity_changed') hideAuthors(state, member);
  return state;
}
