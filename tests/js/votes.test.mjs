// Dot voting in the browser: the fold of every vote event in every shape a
// viewer receives it (docs/protocol.md §2.3, backend/samskapa/domain/visibility.py),
// own_votes, predictions and the numbers the screen shows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  applyEvent,
  applyOwnVotes,
  emptyState,
  emptyVotes,
  fromSnapshot,
  inRound,
  predict,
  predictAll,
  StateError,
  tallyVisible,
} from '../../frontend/js/core/state.js';
import {
  checkLimits,
  closedRounds,
  myStatus,
  noteVoteInfo,
  openRound,
  progress,
  rankingRows,
  roundNumber,
  sectorColumns,
  splitRanking,
  voteProblem,
  votesLeft,
} from '../../frontend/js/voting/voting.js';

let seq = 0;
const ev = (type, data, extra = {}) => ({
  seq: ++seq,
  type,
  at: 1_764_282_000_000 + seq,
  actor: 'm_lina',
  op_id: `o_${seq}`,
  data,
  ...extra,
});
// Anonymous vote events reach everyone with an empty actor; others also get no op_id.
const anon = (type, data, mine = false) => ev(type, data, { actor: '', op_id: mine ? `o_${seq + 1}` : '' });

const board = {
  id: 'b_1',
  title: 'Fossilfria godstransporter',
  language: 'sv',
  mission: { statement: 'Fossilfria godstransporter 2030', measure: '', deadline: '2030' },
  created_at: 1,
};
const lina = { id: 'm_lina', name: 'Lina', sector: 'public', role: 'facilitator' };
const amira = { id: 'm_amira', name: 'Amira', sector: 'business', role: 'participant' };
const bo = { id: 'm_bo', name: 'Bo', sector: 'public', role: 'participant' };
const frame = { id: 'f_ideas', title: 'Idéer', prompt: '', x: 0, y: 0, w: 800, h: 600 };
const note = (id, extra = {}) => ({
  id,
  text: `Lapp ${id}`,
  x: 10,
  y: 20,
  color: 'yellow',
  kind: 'idea',
  frame_id: 'f_ideas',
  author: 'm_lina',
  origin: 'facilitator',
  ...extra,
});
const round = (id, extra = {}) => ({
  id,
  title: 'Vilka idéer?',
  frame_id: null,
  kinds: null,
  budget: 3,
  cap: 2,
  blind: true,
  anonymous: true,
  opened_at: 1_764_282_000_000,
  closed_at: null,
  results: null,
  ...extra,
});

/** A board with three members, a frame, notes X and Y in it and Z outside. */
function seeded() {
  seq = 0;
  const s = emptyState();
  applyEvent(s, ev('board.created', { board }));
  for (const p of [lina, amira, bo]) applyEvent(s, ev('participant.joined', { participant: p }));
  applyEvent(s, ev('frame.created', { frame }));
  applyEvent(s, ev('note.created', { note: note('n_x') }));
  applyEvent(s, ev('note.created', { note: note('n_y', { x: 200 }) }));
  applyEvent(s, ev('note.created', { note: note('n_z', { x: 5000, frame_id: null, kind: 'goal' }) }));
  return s;
}

function opened(extra = {}) {
  const s = seeded();
  applyEvent(s, ev('vote.opened', { round: round('r1', extra) }));
  return s;
}

const cast = (data, extra) => ev('vote.cast', { round_id: 'r1', ...data }, extra);
const withdrawn = (data, extra) => ev('vote.withdrawn', { round_id: 'r1', ...data }, extra);

describe('vote.opened', () => {
  test('adds the round, opens it and starts its counts; a blind round has no tally', () => {
    const s = opened();
    assert.deepEqual(s.votes.rounds.r1, round('r1'));
    assert.equal(s.votes.open_round, 'r1');
    assert.deepEqual(s.votes.counts.r1, { voters: 0, total: 0, done: 0, abstained: 0 });
    assert.equal('r1' in s.votes.tally, false);
    assert.equal('r1' in s.votes.named, false);
  });

  test('a live round starts an empty tally; a live named round empty named ballots', () => {
    assert.deepEqual(opened({ blind: false }).votes.tally, { r1: {} });
    assert.deepEqual(opened({ blind: false }).votes.named, {});
    const named = opened({ blind: false, anonymous: false });
    assert.deepEqual(named.votes.tally, { r1: {} });
    assert.deepEqual(named.votes.named, { r1: {} });
  });

  test('the round is a copy of the event’s', () => {
    const data = { round: round('r1', { kinds: ['idea'] }) };
    const s = seeded();
    applyEvent(s, ev('vote.opened', data));
    data.round.kinds.push('goal');
    assert.deepEqual(s.votes.rounds.r1.kinds, ['idea']);
  });
});

describe('vote.cast and vote.withdrawn, blind round', () => {
  test('the voter (mine): own ballot and counts, never a tally while open', () => {
    const s = opened();
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 2, mine: true }, true));
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_y', voters: 1, total: 3, mine: true }, true));
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_x: 2, n_y: 1 } });
    assert.deepEqual(s.votes.counts.r1, { voters: 1, total: 3, done: 0, abstained: 0 });
    assert.equal('r1' in s.votes.tally, false);
    applyEvent(s, anon('vote.withdrawn', { round_id: 'r1', note_id: 'n_y', voters: 1, total: 2, mine: true }, true));
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_x: 2 } });
    applyEvent(s, anon('vote.withdrawn', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    applyEvent(s, anon('vote.withdrawn', { round_id: 'r1', note_id: 'n_x', voters: 0, total: 0, mine: true }, true));
    assert.deepEqual(s.votes.mine.ballots, {}, 'an empty ballot is dropped, as in own_votes');
    assert.deepEqual(s.votes.counts.r1, { voters: 0, total: 0, done: 0, abstained: 0 });
  });

  test('everyone else: counts only (no note, no voter)', () => {
    const s = opened();
    applyEvent(s, anon('vote.cast', { round_id: 'r1', voters: 1, total: 1 }));
    applyEvent(s, anon('vote.cast', { round_id: 'r1', voters: 2, total: 2 }));
    applyEvent(s, anon('vote.withdrawn', { round_id: 'r1', voters: 1, total: 1 }));
    assert.deepEqual(s.votes.counts.r1, { voters: 1, total: 1, done: 0, abstained: 0 });
    assert.deepEqual(s.votes.mine.ballots, {});
    assert.equal('r1' in s.votes.tally, false);
    assert.deepEqual(s.votes.named, {});
  });

  test('a blind named round: the others still get no note and no voter', () => {
    const s = opened({ anonymous: false });
    applyEvent(s, cast({ voters: 1, total: 1 }, { actor: 'm_amira' }));
    applyEvent(s, cast({ note_id: 'n_x', voters: 2, total: 2, mine: true }));
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_x: 1 } });
    assert.equal('r1' in s.votes.tally, false);
    assert.deepEqual(s.votes.named, {});
  });
});

describe('vote.cast and vote.withdrawn, live rounds', () => {
  test('anonymous: the tally moves, nobody is named', () => {
    const s = opened({ blind: false });
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1 }));
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 2, total: 2, mine: true }, true));
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_y', voters: 2, total: 3 }));
    assert.deepEqual(s.votes.tally.r1, { n_x: 2, n_y: 1 });
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_x: 1 } });
    assert.deepEqual(s.votes.named, {});
    applyEvent(s, anon('vote.withdrawn', { round_id: 'r1', note_id: 'n_y', voters: 2, total: 2 }));
    assert.deepEqual(s.votes.tally.r1, { n_x: 2 }, 'a note back at 0 leaves the tally');
    assert.deepEqual(s.votes.counts.r1, { voters: 2, total: 2, done: 0, abstained: 0 });
  });

  test('named: the others get `voter`; the voter’s own event names the actor', () => {
    const s = opened({ blind: false, anonymous: false });
    applyEvent(s, cast({ note_id: 'n_x', voter: 'm_amira', voters: 1, total: 1 }, { actor: 'm_amira' }));
    applyEvent(s, cast({ note_id: 'n_x', voter: 'm_amira', voters: 1, total: 2 }, { actor: 'm_amira' }));
    applyEvent(s, cast({ note_id: 'n_y', voters: 2, total: 3, mine: true }, { actor: 'm_lina' }));
    assert.deepEqual(s.votes.tally.r1, { n_x: 2, n_y: 1 });
    assert.deepEqual(s.votes.named.r1, { m_amira: { n_x: 2 }, m_lina: { n_y: 1 } });
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_y: 1 } });
    applyEvent(s, withdrawn({ note_id: 'n_y', voters: 1, total: 2, mine: true }, { actor: 'm_lina' }));
    assert.deepEqual(s.votes.named.r1, { m_amira: { n_x: 2 } }, 'an empty ballot leaves named');
    applyEvent(s, withdrawn({ note_id: 'n_x', voter: 'm_amira', voters: 1, total: 1 }, { actor: 'm_amira' }));
    assert.deepEqual(s.votes.named.r1, { m_amira: { n_x: 1 } });
    assert.deepEqual(s.votes.tally.r1, { n_x: 1 });
  });

  test('maps the fold changes are new objects (a rendered view keeps its own)', () => {
    const s = opened({ blind: false });
    const before = s.votes.tally.r1;
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1 }));
    assert.deepEqual(before, {});
    assert.notEqual(s.votes.tally.r1, before);
  });
});

describe('vote.limits_changed, vote.status_changed', () => {
  test('limits replace the round object', () => {
    const s = opened();
    const before = s.votes.rounds.r1;
    applyEvent(s, ev('vote.limits_changed', { round_id: 'r1', budget: 5, cap: 3 }));
    assert.deepEqual(s.votes.rounds.r1, round('r1', { budget: 5, cap: 3 }));
    assert.equal(before.budget, 3, 'the old round is untouched');
  });

  test('anonymous: mine sets my status; others move the counts only', () => {
    const s = opened();
    applyEvent(s, anon('vote.status_changed', { round_id: 'r1', status: 'done', done: 1, abstained: 0, mine: true }, true));
    applyEvent(s, anon('vote.status_changed', { round_id: 'r1', status: 'abstain', done: 1, abstained: 1 }));
    assert.deepEqual(s.votes.mine.status, { r1: 'done' });
    assert.deepEqual(s.votes.counts.r1, { voters: 0, total: 0, done: 1, abstained: 1 });
    assert.deepEqual(s.votes.named_status, {});
    applyEvent(s, anon('vote.status_changed', { round_id: 'r1', status: 'voting', done: 0, abstained: 1, mine: true }, true));
    assert.deepEqual(s.votes.mine.status, {}, 'back to voting removes the status');
    assert.deepEqual(s.votes.counts.r1, { voters: 0, total: 0, done: 0, abstained: 1 });
  });

  test('named: others get `voter`; my own names the actor (blind or not)', () => {
    const s = opened({ anonymous: false });
    applyEvent(s, ev('vote.status_changed', { round_id: 'r1', status: 'done', done: 1, abstained: 0, voter: 'm_bo' }, { actor: 'm_bo' }));
    applyEvent(s, ev('vote.status_changed', { round_id: 'r1', status: 'abstain', done: 1, abstained: 1, mine: true }));
    assert.deepEqual(s.votes.named_status, { r1: { m_bo: 'done', m_lina: 'abstain' } });
    assert.deepEqual(s.votes.mine.status, { r1: 'abstain' });
    applyEvent(s, ev('vote.status_changed', { round_id: 'r1', status: 'voting', done: 0, abstained: 1, voter: 'm_bo' }, { actor: 'm_bo' }));
    applyEvent(s, ev('vote.status_changed', { round_id: 'r1', status: 'voting', done: 0, abstained: 0, mine: true }));
    assert.deepEqual(s.votes.named_status, {});
  });

  test('events about an unknown round are StateErrors', () => {
    const s = seeded();
    for (const [type, data] of [
      ['vote.cast', { round_id: 'r_x', voters: 1, total: 1 }],
      ['vote.withdrawn', { round_id: 'r_x', voters: 0, total: 0 }],
      ['vote.limits_changed', { round_id: 'r_x', budget: 2, cap: 1 }],
      ['vote.status_changed', { round_id: 'r_x', status: 'done', done: 1, abstained: 0 }],
      ['vote.closed', { round_id: 'r_x', closed_at: 2, results: null }],
    ]) {
      assert.throws(() => applyEvent(s, ev(type, data)), StateError, type);
    }
  });
});

const results = {
  ranking: [
    { note_id: 'n_y', votes: 2, rank: 1 },
    { note_id: 'n_x', votes: 2, rank: 1 },
    { note_id: 'n_z', votes: 0, rank: 3 },
  ],
  voters: 2,
  abstained: 0,
  by_sector: {
    public: { voters: null, suppressed: true, ranking: null },
    business: { voters: 3, suppressed: false, ranking: [{ note_id: 'n_x', votes: 2, rank: 1 }, { note_id: 'n_y', votes: 0, rank: 2 }] },
  },
};

describe('vote.closed', () => {
  test('closes the round with its results; the tally comes from the ranking (votes > 0)', () => {
    const s = opened();
    applyEvent(s, anon('vote.cast', { round_id: 'r1', voters: 1, total: 1 }));
    const before = s.votes.rounds.r1;
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 1_764_282_300_000, results }));
    assert.equal(s.votes.open_round, null);
    assert.equal(s.votes.rounds.r1.closed_at, 1_764_282_300_000);
    assert.deepEqual(s.votes.rounds.r1.results, results);
    assert.notEqual(s.votes.rounds.r1.results, results, 'a copy');
    assert.equal(before.closed_at, null);
    assert.deepEqual(s.votes.tally.r1, { n_y: 2, n_x: 2 });
    assert.equal(s.votes.counts.r1.voters, 2, 'the exact voter count comes with the results');
    assert.equal(tallyVisible(s.votes.rounds.r1), true);
  });

  test('closing another round leaves the open one open', () => {
    const s = opened();
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 2, results }));
    applyEvent(s, ev('vote.opened', { round: round('r2') }));
    assert.equal(s.votes.open_round, 'r2');
    assert.deepEqual(Object.keys(s.votes.rounds), ['r1', 'r2']);
  });
});

describe('note.deleted during a round gives its votes back', () => {
  test('from my ballot, the tally, the named ballots and the counts', () => {
    const s = opened({ blind: false, anonymous: false });
    applyEvent(s, cast({ note_id: 'n_x', voters: 1, total: 1, mine: true }));
    applyEvent(s, cast({ note_id: 'n_y', voters: 1, total: 2, mine: true }));
    applyEvent(s, cast({ note_id: 'n_x', voter: 'm_bo', voters: 2, total: 3 }, { actor: 'm_bo' }));
    applyEvent(s, ev('note.deleted', { note_id: 'n_x' }));
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_y: 1 } });
    assert.deepEqual(s.votes.tally.r1, { n_y: 1 });
    assert.deepEqual(s.votes.named.r1, { m_lina: { n_y: 1 } });
    assert.deepEqual(s.votes.counts.r1, { voters: 1, total: 1, done: 0, abstained: 0 });
  });

  test('in a blind round only my own ballot is known', () => {
    const s = opened();
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    applyEvent(s, ev('note.deleted', { note_id: 'n_x' }));
    assert.deepEqual(s.votes.mine.ballots, {});
    assert.equal('r1' in s.votes.tally, false);
  });

  test('closed rounds keep their votes', () => {
    const s = opened({ blind: false });
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 2, results }));
    applyEvent(s, ev('note.deleted', { note_id: 'n_x' }));
    assert.deepEqual(s.votes.mine.ballots, { r1: { n_x: 1 } });
    assert.deepEqual(s.votes.tally.r1, { n_y: 2, n_x: 2 });
  });
});

describe('snapshot and own_votes', () => {
  const shared = {
    rounds: { r1: round('r1', { closed_at: 2, results }), r2: round('r2') },
    open_round: 'r2',
    counts: { r1: { voters: 2, total: 4, done: 2, abstained: 0 }, r2: { voters: 1, total: 2, done: 0, abstained: 0 } },
    tally: { r1: { n_y: 2, n_x: 2 } },
    named: {},
    named_status: {},
  };
  const snapshot = (votes = shared) => ({
    type: 'snapshot',
    seq: 20,
    state: { board, seq: 20, participants: { m_lina: lina }, frames: { f_ideas: frame }, notes: { n_x: note('n_x') }, votes },
  });

  test('fromSnapshot reads state.votes with an empty own part; own_votes fills it', () => {
    const s = fromSnapshot(snapshot());
    assert.deepEqual(s.votes, { ...shared, mine: { ballots: {}, status: {} } });
    assert.notEqual(s.votes.rounds.r1, shared.rounds.r1, 'a copy');
    const own = { type: 'own_votes', seq: 20, ballots: { r2: { n_x: 2 } }, status: { r1: 'done' } };
    const out = applyOwnVotes(s, own);
    assert.equal(out, s);
    assert.deepEqual(s.votes.mine, { ballots: { r2: { n_x: 2 } }, status: { r1: 'done' } });
    own.ballots.r2.n_x = 9;
    assert.equal(s.votes.mine.ballots.r2.n_x, 2, 'a copy');
    assert.deepEqual(s.votes.tally, shared.tally, 'the shared part stays');
  });

  test('a snapshot without votes (an older server) gives empty votes', () => {
    const msg = snapshot();
    delete msg.state.votes;
    assert.deepEqual(fromSnapshot(msg).votes, emptyVotes());
  });

  test('folding the projected log equals the snapshot plus own_votes of the same point', () => {
    // Lina's view: one live named round (closed), then one blind anonymous round (open).
    const s = seeded();
    applyEvent(s, ev('vote.opened', { round: round('r1', { blind: false, anonymous: false }) }));
    applyEvent(s, cast({ note_id: 'n_x', voters: 1, total: 1, mine: true }));
    applyEvent(s, cast({ note_id: 'n_y', voter: 'm_bo', voters: 2, total: 2 }, { actor: 'm_bo' }));
    applyEvent(s, ev('vote.status_changed', { round_id: 'r1', status: 'done', done: 1, abstained: 0, voter: 'm_bo' }, { actor: 'm_bo' }));
    const r1Results = {
      ranking: [
        { note_id: 'n_x', votes: 1, rank: 1 },
        { note_id: 'n_y', votes: 1, rank: 1 },
        { note_id: 'n_z', votes: 0, rank: 3 },
      ],
      voters: 2,
      abstained: 0,
      by_sector: {},
    };
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 99, results: r1Results }));
    applyEvent(s, ev('vote.opened', { round: round('r2') }));
    applyEvent(s, anon('vote.cast', { round_id: 'r2', note_id: 'n_y', voters: 1, total: 1, mine: true }, true));
    applyEvent(s, anon('vote.cast', { round_id: 'r2', voters: 2, total: 2 }));
    applyEvent(s, anon('vote.status_changed', { round_id: 'r2', status: 'abstain', done: 0, abstained: 1 }));

    // What the server's shared_votes and own_votes say at this point.
    const wire = {
      rounds: { r1: round('r1', { blind: false, anonymous: false, closed_at: 99, results: r1Results }), r2: round('r2') },
      open_round: 'r2',
      counts: { r1: { voters: 2, total: 2, done: 1, abstained: 0 }, r2: { voters: 2, total: 2, done: 0, abstained: 1 } },
      tally: { r1: { n_x: 1, n_y: 1 } },
      named: { r1: { m_lina: { n_x: 1 }, m_bo: { n_y: 1 } } },
      named_status: { r1: { m_bo: 'done' } },
    };
    const loaded = applyOwnVotes(
      fromSnapshot({ type: 'snapshot', seq: s.seq, state: { ...JSON.parse(JSON.stringify(s)), votes: wire } }),
      { type: 'own_votes', seq: s.seq, ballots: { r1: { n_x: 1 }, r2: { n_y: 1 } }, status: {} },
    );
    assert.deepEqual(s.votes, loaded.votes);
  });
});

describe('predict (votes)', () => {
  const deepFreeze = (o) => {
    for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
    return Object.freeze(o);
  };
  const castCmd = (note_id, type = 'vote.cast') => ({ type, round_id: 'r1', note_id });

  test('cast and withdraw change only my ballot, marked pending; the state is untouched', () => {
    const s = opened({ blind: false });
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    const confirmed = deepFreeze(s);
    const view = predictAll(
      confirmed,
      [
        { op_id: 'a', command: castCmd('n_x') },
        { op_id: 'b', command: castCmd('n_y') },
        { op_id: 'c', command: castCmd('n_y', 'vote.withdraw') },
        { op_id: 'd', command: castCmd('n_y') },
      ],
      'm_lina',
    );
    assert.deepEqual(view.votes.mine.ballots, { r1: { n_x: 2, n_y: 1 } });
    assert.deepEqual(view.votes.mine.pending, { n_x: true, n_y: true });
    assert.equal(view.votes.tally, confirmed.votes.tally, 'the tally waits for the server');
    assert.equal(view.votes.counts, confirmed.votes.counts);
    assert.equal(view.notes, confirmed.notes);
    assert.deepEqual(confirmed.votes.mine.ballots, { r1: { n_x: 1 } });
  });

  test('what the server would refuse is not predicted', () => {
    const s = opened(); // budget 3, cap 2, whole board, all kinds
    let view = predictAll(s, [1, 2, 3].map((i) => ({ op_id: `o${i}`, command: castCmd('n_x') })), 'm_lina');
    assert.deepEqual(view.votes.mine.ballots, { r1: { n_x: 2 } }, 'cap 2');
    view = predictAll(
      s,
      ['n_x', 'n_x', 'n_y', 'n_z'].map((n, i) => ({ op_id: `o${i}`, command: castCmd(n) })),
      'm_lina',
    );
    assert.deepEqual(view.votes.mine.ballots, { r1: { n_x: 2, n_y: 1 } }, 'budget 3');
    assert.equal(predict(s, castCmd('n_y', 'vote.withdraw'), 'm_lina'), s, 'nothing to take back');
    assert.equal(predict(s, castCmd('n_nope'), 'm_lina'), s, 'unknown note');
    assert.equal(predict(s, { ...castCmd('n_x'), round_id: 'r_x' }, 'm_lina'), s, 'unknown round');
    const scoped = opened({ frame_id: 'f_ideas' });
    assert.equal(predict(scoped, castCmd('n_z'), 'm_lina'), scoped, 'outside the frame');
    const kinds = opened({ kinds: ['goal'] });
    assert.equal(predict(kinds, castCmd('n_x'), 'm_lina'), kinds, 'not of the kinds');
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 2, results }));
    assert.equal(predict(s, castCmd('n_x'), 'm_lina'), s, 'closed');
  });

  test('vote.status is predicted for the open round', () => {
    const s = deepFreeze(opened());
    const view = predict(s, { type: 'vote.status', round_id: 'r1', status: 'done' }, 'm_lina');
    assert.deepEqual(view.votes.mine.status, { r1: 'done' });
    assert.equal(view.votes.mine.statusPending, true);
    assert.deepEqual(s.votes.mine.status, {});
  });
});

describe('what the screen shows (voting.js)', () => {
  test('openRound, closedRounds, roundNumber, myStatus, votesLeft', () => {
    const s = opened();
    assert.equal(openRound(s.votes).id, 'r1');
    assert.deepEqual(closedRounds(s.votes), []);
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 2, results }));
    applyEvent(s, ev('vote.opened', { round: round('r2', { budget: 5 }) }));
    assert.deepEqual(closedRounds(s.votes).map((r) => r.id), ['r1']);
    assert.equal(roundNumber(s.votes, 'r2'), 2);
    assert.equal(myStatus(s.votes, 'r2'), 'voting');
    applyEvent(s, anon('vote.cast', { round_id: 'r2', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    assert.equal(votesLeft(s.votes, s.votes.rounds.r2), 4);
    assert.equal(openRound(emptyVotes()), null);
  });

  test('inRound follows the frame and the kinds', () => {
    assert.equal(inRound(round('r', { frame_id: 'f_ideas' }), note('n')), true);
    assert.equal(inRound(round('r', { frame_id: 'f_other' }), note('n')), false);
    assert.equal(inRound(round('r', { kinds: ['goal', 'idea'] }), note('n')), true);
    assert.equal(inRound(round('r', { kinds: ['goal'] }), note('n')), false);
  });

  test('voteProblem says what the server would', () => {
    const s = opened({ frame_id: 'f_ideas' });
    assert.equal(voteProblem(s, 'n_x', 1), null);
    assert.equal(voteProblem(s, 'n_z', 1), 'not_in_round');
    assert.equal(voteProblem(s, 'n_x', -1), 'nothing_to_withdraw');
    for (let i = 0; i < 2; i++) {
      applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: i + 1, mine: true }, true));
    }
    assert.equal(voteProblem(s, 'n_x', 1), 'cap_reached');
    applyEvent(s, anon('vote.cast', { round_id: 'r1', note_id: 'n_y', voters: 1, total: 3, mine: true }, true));
    assert.equal(voteProblem(s, 'n_y', 1), 'budget_spent');
    assert.equal(voteProblem(s, 'n_x', -1), null);
    applyEvent(s, ev('vote.closed', { round_id: 'r1', closed_at: 2, results }));
    assert.equal(voteProblem(s, 'n_x', 1), 'round_closed');
  });

  test('noteVoteInfo: blind hides the total, live shows it, observers get no controls, results after close', () => {
    const blind = opened({ frame_id: 'f_ideas' });
    applyEvent(blind, anon('vote.cast', { round_id: 'r1', note_id: 'n_x', voters: 1, total: 1, mine: true }, true));
    const opts = { role: 'participant', shownRound: null, resultsOnNotes: true };
    assert.deepEqual(noteVoteInfo(blind, blind.notes.n_x, opts), {
      mode: 'vote',
      inScope: true,
      mine: 1,
      total: null,
      pending: false,
      controls: true,
      cap: 2,
      full: false,
      capped: false,
    });
    assert.deepEqual(noteVoteInfo(blind, blind.notes.n_z, opts), { mode: 'vote', inScope: false });
    assert.equal(noteVoteInfo(blind, blind.notes.n_x, { ...opts, role: 'observer' }).controls, false);

    const live = opened({ blind: false });
    applyEvent(live, anon('vote.cast', { round_id: 'r1', note_id: 'n_y', voters: 1, total: 1 }));
    applyEvent(live, anon('vote.status_changed', { round_id: 'r1', status: 'done', done: 1, abstained: 0, mine: true }, true));
    const info = noteVoteInfo(live, live.notes.n_y, opts);
    assert.equal(info.total, 1);
    assert.equal(info.controls, false, 'done: no controls until back to voting');

    applyEvent(live, ev('vote.closed', { round_id: 'r1', closed_at: 2, results }));
    const shown = live.votes.rounds.r1;
    assert.deepEqual(noteVoteInfo(live, live.notes.n_x, { ...opts, shownRound: shown }), {
      mode: 'result',
      votes: 2,
      rank: 1,
      tie: true,
      fraction: 1,
    });
    assert.equal(noteVoteInfo(live, live.notes.n_x, { ...opts, shownRound: shown, resultsOnNotes: false }), null);
    assert.equal(noteVoteInfo(live, live.notes.n_x, opts), null);
  });

  test('rankingRows marks ties and scales bars to the top; splitRanking keeps rows with votes', () => {
    const rows = rankingRows([
      { note_id: 'a', votes: 4, rank: 1 },
      { note_id: 'b', votes: 2, rank: 2 },
      { note_id: 'c', votes: 2, rank: 2 },
      { note_id: 'd', votes: 0, rank: 4 },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.note_id, r.rank, r.tie, r.fraction]),
      [
        ['a', 1, false, 1],
        ['b', 2, true, 0.5],
        ['c', 2, true, 0.5],
        ['d', 4, false, 0],
      ],
    );
    const { rows: voted, zero } = splitRanking([
      { note_id: 'a', votes: 1, rank: 1 },
      { note_id: 'b', votes: 0, rank: 2 },
      { note_id: 'c', votes: 0, rank: 2 },
    ]);
    assert.deepEqual(voted.map((r) => r.note_id), ['a']);
    assert.equal(zero, 2);
    assert.deepEqual(rankingRows(null), []);
    assert.deepEqual(rankingRows([{ note_id: 'a', votes: 0, rank: 1 }])[0].fraction, 0);
  });

  test('sectorColumns: glossary order, suppressed sectors carry no numbers', () => {
    const cols = sectorColumns(results);
    assert.deepEqual(
      cols.map((c) => [c.sector, c.suppressed, c.voters, c.rows.map((r) => r.note_id), c.zero]),
      [
        ['public', true, null, [], 0],
        ['business', false, 3, ['n_x'], 1],
      ],
    );
    assert.deepEqual(sectorColumns(null), []);
  });

  test('progress counts the participants online, never fewer than have voted', () => {
    const votes = { counts: { r1: { voters: 12, total: 40, done: 9, abstained: 2 } } };
    assert.deepEqual(progress(votes, 'r1', 40), { voters: 12, total: 40, done: 9, abstained: 2, of: 40 });
    assert.equal(progress(votes, 'r1', 5).of, 12);
    assert.deepEqual(progress(emptyVotes(), 'r_x', 3), { voters: 0, total: 0, done: 0, abstained: 0, of: 3 });
  });

  test('checkLimits', () => {
    assert.equal(checkLimits(5, 3), null);
    assert.equal(checkLimits(99, 99), null);
    assert.equal(checkLimits(0, 1), 'vote.budget.range');
    assert.equal(checkLimits(100, 1), 'vote.budget.range');
    assert.equal(checkLimits(2.5, 1), 'vote.budget.range');
    assert.equal(checkLimits(5, 0), 'vote.cap.range');
    assert.equal(checkLimits(3, 4), 'vote.cap.too_high');
  });
});
