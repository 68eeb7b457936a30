// Dot voting in the fold: the vote events as this viewer receives them
// (projected by the server, docs/protocol.md §2.3), a deleted note's votes
// given back, and the pure questions about a round (visible totals, votes
// spent, which notes take part) that the fold, the prediction and voting/ ask.
// Mirrors backend/samskapa/domain/voting.py.

import { bump, clone } from './fold-parts.js';
import { StateError, UnknownEventError } from './model.js';

function needRound(votes, roundId) {
  const round = votes.rounds[roundId];
  if (round === undefined) throw new StateError(`Vote round ${roundId} does not exist`);
  return round;
}

/** Are the round's totals visible now? Not for a blind round while it is open. */
export function tallyVisible(round) {
  return Boolean(round) && !(round.blind && round.closed_at == null);
}

/** Votes in one ballot (`{note: n}`). */
export function spentOf(ballot) {
  let n = 0;
  for (const count of Object.values(ballot ?? {})) n += count;
  return n;
}

/** Is `note` part of `round` (its frame, or the whole board; its kinds)? As decide.py. */
export function inRound(round, note) {
  if (round.frame_id !== null && round.frame_id !== undefined && note.frame_id !== round.frame_id) return false;
  return !round.kinds || round.kinds.includes(note.kind);
}

/**
 * Fold one vote event as this viewer received it (projected by the server:
 * docs/protocol.md §2.3). `votes` is changed in place; rounds are replaced,
 * never mutated.
 */
export function applyVoteEvent(votes, event) {
  const data = event.data;
  switch (event.type) {
    case 'vote.opened': {
      const round = clone(data.round);
      votes.rounds[round.id] = round;
      votes.open_round = round.id;
      votes.counts[round.id] = { voters: 0, total: 0, done: 0, abstained: 0 };
      if (tallyVisible(round)) {
        votes.tally[round.id] = {};
        if (!round.anonymous) votes.named[round.id] = {};
      }
      return;
    }
    case 'vote.cast':
    case 'vote.withdrawn': {
      const round = needRound(votes, data.round_id);
      const delta = event.type === 'vote.cast' ? 1 : -1;
      const id = round.id;
      if (data.mine) {
        // The voter's own event always names the note, blind or not.
        votes.mine.ballots[id] = { ...(votes.mine.ballots[id] ?? {}) };
        bump(votes.mine.ballots[id], data.note_id, delta);
        if (Object.keys(votes.mine.ballots[id]).length === 0) delete votes.mine.ballots[id];
      }
      votes.counts[id] = { ...(votes.counts[id] ?? { done: 0, abstained: 0 }), voters: data.voters, total: data.total };
      if (data.note_id !== undefined && data.note_id !== null && tallyVisible(round)) {
        votes.tally[id] = { ...(votes.tally[id] ?? {}) };
        bump(votes.tally[id], data.note_id, delta);
        // Named rounds: everyone else gets `voter`; the voter's own event has
        // `mine`, and its actor is the member (only anonymous rounds hide it).
        const voter = data.voter ?? (data.mine && !round.anonymous ? event.actor : null);
        if (voter && !round.anonymous) {
          const named = (votes.named[id] = { ...(votes.named[id] ?? {}) });
          named[voter] = { ...(named[voter] ?? {}) };
          bump(named[voter], data.note_id, delta);
          if (Object.keys(named[voter]).length === 0) delete named[voter];
        }
      }
      return;
    }
    case 'vote.limits_changed': {
      const round = needRound(votes, data.round_id);
      votes.rounds[round.id] = { ...round, budget: data.budget, cap: data.cap };
      return;
    }
    case 'vote.status_changed': {
      const round = needRound(votes, data.round_id);
      const id = round.id;
      votes.counts[id] = {
        ...(votes.counts[id] ?? { voters: 0, total: 0 }),
        done: data.done,
        abstained: data.abstained,
      };
      if (data.mine) {
        const mine = { ...votes.mine.status };
        if (data.status === 'voting') delete mine[id];
        else mine[id] = data.status;
        votes.mine.status = mine;
      }
      const voter = data.voter ?? (data.mine && !round.anonymous ? event.actor : null);
      if (voter && !round.anonymous) {
        const named = { ...(votes.named_status[id] ?? {}) };
        if (data.status === 'voting') delete named[voter];
        else named[voter] = data.status;
        if (Object.keys(named).length) votes.named_status[id] = named;
        else delete votes.named_status[id];
      }
      return;
    }
    case 'vote.closed': {
      const round = needRound(votes, data.round_id);
      const results = clone(data.results);
      votes.rounds[round.id] = { ...round, closed_at: data.closed_at, results };
      if (votes.open_round === round.id) votes.open_round = null;
      const tally = {};
      for (const row of results?.ranking ?? []) if (row.votes) tally[row.note_id] = row.votes;
      votes.tally[round.id] = tally;
      if (results && votes.counts[round.id]) {
        votes.counts[round.id] = { ...votes.counts[round.id], voters: results.voters };
      }
      return;
    }
    default:
      throw new UnknownEventError(event.type);
  }
}

/**
 * A note deleted while a round is open gives its votes back (the server's
 * `BallotBook.refund_note`): out of this viewer's ballot, and out of the
 * tally and named ballots where they are visible. The counts follow as well
 * as this viewer can know them (the total, when the tally is visible); the
 * next vote event brings the server's exact counts.
 */
export function refundNote(votes, noteId) {
  const id = votes.open_round;
  if (!id) return;
  const ballot = votes.mine.ballots[id];
  if (ballot && noteId in ballot) {
    const rest = { ...ballot };
    delete rest[noteId];
    if (Object.keys(rest).length) votes.mine.ballots[id] = rest;
    else delete votes.mine.ballots[id];
  }
  const tally = votes.tally[id];
  if (tally && noteId in tally) {
    const count = votes.counts[id];
    if (count) votes.counts[id] = { ...count, total: Math.max(0, count.total - tally[noteId]) };
    votes.tally[id] = { ...tally };
    delete votes.tally[id][noteId];
  }
  const named = votes.named[id];
  if (named) {
    const next = {};
    let voters = 0;
    for (const [voter, marks] of Object.entries(named)) {
      const rest = { ...marks };
      delete rest[noteId];
      if (Object.keys(rest).length) {
        next[voter] = rest;
        voters += 1;
      }
    }
    votes.named[id] = next;
    // In a named, visible round every ballot is known: so is the voter count.
    if (votes.counts[id]) votes.counts[id] = { ...votes.counts[id], voters };
  }
}
