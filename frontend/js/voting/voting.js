// Dot voting as the screen needs it: pure functions of a (predicted) board
// state, no DOM, so `node --test tests/js/` checks them. The rules are the
// server's (backend/samskapa/domain/decide.py); docs/voting.md explains them
// for people.

import { BUDGET_MAX, inRound, SECTORS, spentOf, tallyVisible } from '../core/state.js';

/** The open round, or null. */
export function openRound(votes) {
  const id = votes?.open_round;
  return (id && votes.rounds[id]) || null;
}

/** Closed rounds, oldest first (the order they were opened). */
export function closedRounds(votes) {
  return Object.values(votes?.rounds ?? {}).filter((r) => r.closed_at != null);
}

/** 1-based position of the round among all rounds (for "Round 2" when it has no title). */
export function roundNumber(votes, roundId) {
  return Object.keys(votes?.rounds ?? {}).indexOf(roundId) + 1;
}

/** This viewer's ballot in a round: `{note: n}` (never null). */
export function myBallot(votes, roundId) {
  return votes?.mine?.ballots?.[roundId] ?? {};
}

/** `voting` (the default), `done` or `abstain`. */
export function myStatus(votes, roundId) {
  return votes?.mine?.status?.[roundId] ?? 'voting';
}

export function votesLeft(votes, round) {
  return Math.max(0, round.budget - spentOf(myBallot(votes, round.id)));
}

/** Only facilitators and participants vote (observers watch). */
export const canVote = (role) => role === 'facilitator' || role === 'participant';

/**
 * Why adding (`delta` 1) or taking back (-1) a vote on `noteId` would be
 * refused, as the server would say it (an error code), or null when it is fine.
 */
export function voteProblem(view, noteId, delta) {
  const round = openRound(view.votes);
  if (!round) return 'round_closed';
  const note = view.notes[noteId];
  if (!note) return 'not_found';
  if (!inRound(round, note)) return 'not_in_round';
  const ballot = myBallot(view.votes, round.id);
  const marks = ballot[noteId] ?? 0;
  if (delta < 0) return marks > 0 ? null : 'nothing_to_withdraw';
  if (spentOf(ballot) >= round.budget) return 'budget_spent';
  if (marks >= round.cap) return 'cap_reached';
  return null;
}

/**
 * What a note shows about voting:
 * - `{mode: 'vote', inScope, mine, total, pending, controls, full, capped}`
 *   while a round is open (`total` is null when the round is blind; `controls`
 *   when this viewer may vote now);
 * - `{mode: 'result', votes, rank, tie, fraction}` for the shown closed round;
 * - null otherwise.
 * `opts`: {role, shownRound (a closed round or null), resultsOnNotes}.
 */
export function noteVoteInfo(view, note, opts) {
  const votes = view.votes;
  const round = openRound(votes);
  if (round) {
    if (!inRound(round, note)) return { mode: 'vote', inScope: false };
    const ballot = myBallot(votes, round.id);
    const mine = ballot[note.id] ?? 0;
    const total = tallyVisible(round) ? (votes.tally[round.id]?.[note.id] ?? 0) : null;
    return {
      mode: 'vote',
      inScope: true,
      mine,
      total,
      pending: Boolean(votes.mine?.pending?.[note.id]),
      controls: canVote(opts.role) && myStatus(votes, round.id) === 'voting',
      cap: round.cap,
      full: spentOf(ballot) >= round.budget,
      capped: mine >= round.cap,
    };
  }
  const shown = opts.shownRound;
  if (!shown || !opts.resultsOnNotes || !shown.results) return null;
  const rows = rankingRows(shown.results.ranking);
  const row = rows.find((r) => r.note_id === note.id);
  if (!row) return null;
  return { mode: 'result', votes: row.votes, rank: row.rank, tie: row.tie, fraction: row.fraction };
}

/**
 * A ranking (`[{note_id, votes, rank}]`, ties sharing a rank) with, per row,
 * `tie` (another row has the same rank) and `fraction` (votes / the most votes).
 */
export function rankingRows(ranking) {
  const list = ranking ?? [];
  const top = list.reduce((m, r) => Math.max(m, r.votes), 0);
  const perRank = new Map();
  for (const r of list) perRank.set(r.rank, (perRank.get(r.rank) ?? 0) + 1);
  return list.map((r) => ({
    note_id: r.note_id,
    votes: r.votes,
    rank: r.rank,
    tie: perRank.get(r.rank) > 1,
    fraction: top > 0 ? r.votes / top : 0,
  }));
}

/** The rows worth listing (at least one vote) and how many notes got none. */
export function splitRanking(ranking) {
  const rows = rankingRows(ranking);
  const voted = rows.filter((r) => r.votes > 0);
  return { rows: voted, zero: rows.length - voted.length };
}

/**
 * Each actor sector's part of closed results, in the glossary's order:
 * `[{sector, suppressed, voters, rows, zero}]`. Suppressed sectors (too few
 * voters to show without singling anyone out) carry no numbers at all.
 */
export function sectorColumns(results) {
  const by = results?.by_sector ?? {};
  return SECTORS.filter((s) => s in by).map((sector) => {
    const seg = by[sector];
    if (seg.suppressed) return { sector, suppressed: true, voters: null, rows: [], zero: 0 };
    const { rows, zero } = splitRanking(seg.ranking);
    return { sector, suppressed: false, voters: seg.voters, rows, zero };
  });
}

/**
 * The facilitator's progress line: how many voted, out of how many could
 * (the participants online, never fewer than those who already voted or
 * said they are done), how many are done and how many abstain.
 */
export function progress(votes, roundId, onlineParticipants) {
  const c = votes?.counts?.[roundId] ?? { voters: 0, total: 0, done: 0, abstained: 0 };
  const of = Math.max(onlineParticipants, c.voters, c.done + c.abstained);
  return { voters: c.voters, total: c.total, done: c.done, abstained: c.abstained, of };
}

/** Check the open-round form; returns an error key (i18n) or null. */
export function checkLimits(budget, cap) {
  const whole = (n) => Number.isInteger(n) && n >= 1 && n <= BUDGET_MAX;
  if (!whole(budget)) return 'vote.budget.range';
  if (!whole(cap)) return 'vote.cap.range';
  if (cap > budget) return 'vote.cap.too_high';
  return null;
}
