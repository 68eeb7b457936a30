// The replay's pure parts: the time axis (quiet stretches, markers, playback,
// the activity strip) and the source that seeks on the server and folds forward.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { setLang, t } from '../../frontend/js/core/i18n.js';
import {
  activityMinutes,
  advance,
  describeMinute,
  formatElapsed,
  fromAxis,
  layoutActivity,
  makeTimeline,
  markerText,
  QUIET_AXIS_MS,
  quietAt,
  seqAtAxis,
  seqAtTime,
  SKIP_WALL_MS,
  stepChange,
  stepMarker,
  timeOfSeq,
  toAxis,
  valueText,
} from '../../frontend/js/replay/timeline.js';
import { FOLD_LIMIT, ReplaySource, stateFromAnswer } from '../../frontend/js/replay/source.js';
import { applyEvent, emptyState } from '../../frontend/js/core/state.js';
import { makeEvents, makeNote } from './fixtures.mjs';

const T0 = 1_764_281_200_000;
const MIN = 60_000;

/**
 * A timeline of changes at these offsets (ms from T0), seqs 1…n, with the
 * server's quiet markers (two minutes or more without an event).
 */
function timelineAt(offsets, extra = {}) {
  const quiet = [];
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i] - offsets[i - 1] >= 2 * MIN) {
      quiet.push({ seq: i, at: T0 + offsets[i - 1], kind: 'quiet', until_seq: i + 1, until: T0 + offsets[i], label: { sv: 'Tyst period', en: 'Quiet stretch' } });
    }
  }
  return makeTimeline({
    first_seq: 1,
    last_seq: offsets.length,
    start_at: T0 + offsets[0],
    end_at: T0 + offsets[offsets.length - 1],
    changes: offsets.map((o, i) => [i + 1, T0 + o]),
    activity: [],
    ...extra,
    markers: [...quiet, ...(extra.markers ?? [])],
  });
}

describe('the time axis', () => {
  test('runs with the session clock and squeezes quiet stretches', () => {
    // Changes at 0 s, 10 s, 20 s, then 30 minutes of nothing, then 25 min 20 s.
    const tl = timelineAt([0, 10_000, 20_000, 30 * MIN + 20_000, 30 * MIN + 30_000]);
    assert.equal(tl.quiet.length, 1);
    assert.equal(tl.quiet[0].fromSeq, 3);
    assert.equal(tl.quiet[0].toSeq, 4);
    assert.equal(tl.total, 20_000 + QUIET_AXIS_MS + 10_000);
    assert.equal(toAxis(tl, T0 + 10_000), 10_000, 'before the quiet stretch: session time');
    assert.equal(toAxis(tl, T0 + 30 * MIN + 25_000), 20_000 + QUIET_AXIS_MS + 5_000, 'after it: shifted');
    for (const at of [T0, T0 + 15_000, T0 + 10 * MIN, T0 + 30 * MIN + 21_000]) {
      assert.ok(Math.abs(fromAxis(tl, toAxis(tl, at)) - at) < 1e-6, 'fromAxis inverts toAxis');
    }
    assert.equal(quietAt(tl, 20_000 + 1).fromSeq, 3);
    assert.equal(quietAt(tl, 10_000), null);
  });

  test('the seq shown is the last change at or before the moment', () => {
    const tl = timelineAt([0, 10_000, 20_000]);
    assert.equal(seqAtTime(tl, T0 - 5), 1, 'before the start: the first change');
    assert.equal(seqAtTime(tl, T0 + 9_999), 1);
    assert.equal(seqAtTime(tl, T0 + 10_000), 2);
    assert.equal(seqAtAxis(tl, tl.total), 3);
    assert.equal(timeOfSeq(tl, 2), T0 + 10_000);
  });

  test('several events in one millisecond are several changes', () => {
    const tl = makeTimeline({
      first_seq: 1,
      last_seq: 4,
      changes: [[1, T0], [2, T0 + 5], [3, T0 + 5], [4, T0 + 9]],
      markers: [],
      activity: [],
    });
    assert.equal(seqAtTime(tl, T0 + 5), 3, 'the last of the millisecond');
    assert.equal(stepChange(tl, 2, 1), 3);
    assert.equal(stepChange(tl, 3, -1), 2);
  });

  test('one change forward and back stays inside the log', () => {
    const tl = timelineAt([0, 10, 20, 30]);
    assert.equal(stepChange(tl, 1, -1), 1);
    assert.equal(stepChange(tl, 1, 1), 2);
    assert.equal(stepChange(tl, 4, 1), 4);
    assert.equal(stepChange(tl, 4, -1), 3);
  });

  test('markers are sorted by seq; shift-arrows go from marker to marker', () => {
    const tl = timelineAt([0, 10, 20, 30, 40, 50], {
      markers: [
        { seq: 5, at: T0 + 40, kind: 'reveal', label: { sv: 'Lapparna visades', en: 'Notes revealed' } },
        { seq: 2, at: T0 + 10, kind: 'step', label: 'Tysta idéer', step_id: 's2' },
        { seq: 3, at: T0 + 20, kind: 'quiet', until_seq: 4, until: T0 + 30, label: {} },
      ],
    });
    assert.deepEqual(
      tl.markers.map((m) => m.kind),
      ['step', 'reveal'],
      'quiet stretches are the axis’s own business',
    );
    assert.equal(stepMarker(tl, 1, 1).seq, 2);
    assert.equal(stepMarker(tl, 2, 1).seq, 5);
    assert.equal(stepMarker(tl, 5, 1), null);
    assert.equal(stepMarker(tl, 6, -1).seq, 5);
    assert.equal(stepMarker(tl, 5, -1).seq, 2);
    assert.equal(stepMarker(tl, 2, -1), null);
  });

  test('an empty or one-change log gives a usable axis', () => {
    const one = timelineAt([0]);
    assert.equal(one.total, 0);
    assert.equal(seqAtAxis(one, 0), 1);
    assert.deepEqual(advance(one, 0, 16, 60), { p: 0, ended: true, skipped: null });
    const none = makeTimeline({ first_seq: 0, last_seq: 0, changes: [], markers: [], activity: [] });
    assert.equal(none.total, 0);
    assert.equal(stepChange(none, 0, 1), 0);
  });
});

describe('playing', () => {
  test('advances axis time at the speed', () => {
    const tl = timelineAt([0, 10 * MIN]);
    // No quiet stretch above: 10 minutes is more than QUIET_MS, so use a busy log.
    const busy = timelineAt([...Array(11).keys()].map((i) => i * MIN));
    assert.equal(busy.quiet.length, 0);
    assert.equal(advance(busy, 0, 1000, 1).p, 1000);
    assert.equal(advance(busy, 0, 1000, 60).p, 60_000);
    assert.equal(advance(busy, 0, 1000, 16).ended, false);
    const end = advance(busy, busy.total - 100, 1000, 4);
    assert.equal(end.p, busy.total);
    assert.ok(end.ended);
    assert.equal(tl.quiet.length, 1);
  });

  test('skips a quiet stretch in well under a second, at any speed, and says so once', () => {
    const tl = timelineAt([0, 10_000, 60 * MIN, 60 * MIN + 10_000]);
    const q = tl.quiet[0];
    const into = advance(tl, 9_000, 1_000 + SKIP_WALL_MS / 2, 1);
    assert.equal(into.skipped, q, 'entering the stretch reports it');
    assert.ok(into.p > q.p0 && into.p < q.p1);
    const across = advance(tl, into.p, SKIP_WALL_MS, 1);
    assert.equal(across.skipped, null, 'already inside: not reported again');
    assert.ok(across.p >= q.p1, 'crossed within SKIP_WALL_MS of wall time');
    // At 1× crossing takes SKIP_WALL_MS, not the 59 quiet minutes.
    let p = q.p0;
    let wall = 0;
    while (p < q.p1) {
      p = advance(tl, p, 16, 1).p;
      wall += 16;
    }
    assert.ok(wall <= SKIP_WALL_MS + 16, `crossed in ${wall} ms`);
  });
});

describe('the activity strip', () => {
  const activity = [
    { minute_at: T0, sector: 'business', contributions: 3, votes: 0 },
    { minute_at: T0, sector: 'public', contributions: 2, votes: 1 },
    { minute_at: T0 + MIN, sector: 'academia', contributions: 0, votes: 4 },
    { minute_at: T0 + MIN, sector: 'few', contributions: 1, votes: 0 },
  ];

  test('sums each minute and stacks the sectors in the glossary order', () => {
    const minutes = activityMinutes(activity);
    assert.equal(minutes.length, 2);
    assert.equal(minutes[0].contributions, 5);
    assert.equal(minutes[0].votes, 1);
    const tl = timelineAt([0, 2 * MIN]);
    const { bars, max } = layoutActivity(tl, minutes, 200, 60);
    assert.equal(max, 5);
    const first = bars[0].segments;
    assert.deepEqual(
      first.map((s) => [s.sector, s.what, s.count]),
      [
        ['public', 'contributions', 2],
        ['public', 'votes', 1],
        ['business', 'contributions', 3],
      ],
    );
    // Contributions stack up from the middle line, votes down from it.
    const up = first.filter((s) => s.what === 'contributions');
    assert.ok(Math.abs(up[0].y + up[0].h - 30) < 1e-9);
    assert.ok(Math.abs(up[1].y + up[1].h - up[0].y) < 1e-9);
    assert.ok(Math.abs(first[1].y - 30) < 1e-9);
    assert.ok(up.reduce((n, s) => n + s.h, 0) <= 30);
    assert.ok(Math.abs(bars[1].x - 100) < 1e-9, 'the second minute starts half way');
    assert.deepEqual(
      bars[1].segments.map((s) => [s.sector, s.what]),
      [['academia', 'votes'], ['few', 'contributions']],
      'small sectors together come last',
    );
  });

  test('a bar says what it counts, in both languages', () => {
    const [minute] = activityMinutes(activity);
    const clock = () => '14:05';
    setLang('en');
    assert.equal(
      describeMinute(minute, t, clock),
      '14:05 · 5 contributions (Public sector 2, Business 3) · 1 vote (Public sector 1)',
    );
    setLang('sv');
    assert.equal(
      describeMinute(minute, t, clock),
      '14:05 · 5 bidrag (Offentlig sektor 2, Näringsliv 3) · 1 röst (Offentlig sektor 1)',
    );
    const second = activityMinutes(activity)[1];
    assert.equal(describeMinute(second, t, clock), '14:05 · 1 bidrag (Små aktörstyper tillsammans 1) · 4 röster (Akademi 4)');
    setLang('en');
  });
});

describe('words', () => {
  test('elapsed time, markers and the slider value', () => {
    setLang('en');
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(61_999), '1:01');
    assert.equal(formatElapsed(3_723_000), '1:02:03');
    const both = (sv, en) => ({ sv, en });
    assert.equal(markerText({ kind: 'step', label: 'Silent ideas', step_id: 's2' }, t), 'Step: Silent ideas');
    assert.equal(markerText({ kind: 'step', label: both('Inget steg', 'No step'), step_id: null }, t), 'Free board (no step)');
    assert.equal(markerText({ kind: 'sector_joined', sector: 'academia', label: both('Akademi', 'Academia') }, t), 'Academia joined');
    assert.equal(markerText({ kind: 'vote_opened', label: 'Top ideas' }, t), 'Vote opened: Top ideas');
    assert.equal(markerText({ kind: 'vote_opened', label: both('Röstning öppnad', 'Vote opened') }, t), 'Vote opened');
    assert.equal(markerText({ kind: 'reveal', label: both('Lapparna visades', 'Notes revealed') }, t), 'Private notes revealed');
    setLang('sv');
    assert.equal(markerText({ kind: 'sector_joined', sector: 'academia' }, t), 'Akademi anslöt');
    setLang('en');
    const text = valueText(
      { at: T0 + 83_000, startAt: T0, step: { title: 'Silent ideas' }, stepIndex: 2, steps: 9 },
      t,
      () => '14:05:12',
    );
    assert.equal(text, '14:05:12, 1:23 in · Step 3 of 9: Silent ideas');
    assert.match(valueText({ at: T0, startAt: T0, step: null }, t, () => '14:03'), /no agenda step/);
  });
});

// ---- the source: seek on the server, fold forward locally -------------------------------

/**
 * A fake server over a list of events: the state at N is the fold of the first N
 * events (the property the real server's test checks), events pages as the real one.
 */
function fakeApi(events) {
  const calls = { state: [], events: [] };
  const api = {
    calls,
    async state(seq) {
      calls.state.push(seq);
      const state = emptyState();
      for (const e of events.slice(0, seq)) applyEvent(state, e);
      const { myReady, ...shared } = JSON.parse(JSON.stringify(state));
      void myReady;
      return { seq, at: events[seq - 1]?.at ?? 0, state: shared, own_notes: {}, own_votes: {} };
    },
    async events(after, limit) {
      calls.events.push(after);
      const page = events.slice(after, after + limit);
      return { events: JSON.parse(JSON.stringify(page)), head_seq: events.length, more: after + limit < events.length };
    },
  };
  return api;
}

function session(n) {
  const { ev } = makeEvents(T0);
  const events = [ev('board.created', { board: { id: 'b1', title: 'T', language: 'sv', mission: { statement: 'M', measure: '', deadline: '' }, anonymity: 'off' } })];
  for (let i = 1; events.length < n; i++) {
    if (i % 3 === 0) events.push(ev('note.moved', { note_id: `n${i - 1}`, x: i, y: i, frame_id: null }));
    else events.push(ev('note.created', { note: makeNote(`n${i}`, { text: `idea ${i}` }) }));
  }
  return events;
}

const foldOf = (events, seq) => {
  const s = emptyState();
  for (const e of events.slice(0, seq)) applyEvent(s, e);
  return s;
};
const notesOf = (state) => JSON.parse(JSON.stringify(state.notes));

describe('the replay source', () => {
  test('a seek asks the server; playing on folds the prefetched events', async () => {
    const events = session(40);
    const api = fakeApi(events);
    const source = new ReplaySource({ api, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: 40 });
    assert.ok(await source.seek(10));
    assert.deepEqual(api.calls.state, [10]);
    assert.deepEqual(notesOf(source.state), notesOf(foldOf(events, 10)));
    await source.prefetch();
    for (const seq of [11, 12, 20, 40]) {
      assert.equal(source.forward(seq), seq);
      assert.deepEqual(notesOf(source.state), notesOf(foldOf(events, seq)), `fold to ${seq}`);
    }
    assert.deepEqual(api.calls.state, [10], 'no state request while playing');
  });

  test('forward waits for events still on their way', async () => {
    const events = session(20);
    const api = fakeApi(events);
    const source = new ReplaySource({ api, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: 20 });
    await source.seek(5);
    assert.equal(source.forward(15), 5, 'nothing buffered yet');
    await source.pending;
    assert.equal(source.forward(15), 15);
  });

  test('jumping back, or further ahead than is worth folding, asks the server', async () => {
    const events = session(FOLD_LIMIT + 200);
    const api = fakeApi(events);
    const source = new ReplaySource({ api, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: events.length });
    await source.seek(100);
    await source.prefetch();
    await source.seek(150);
    assert.deepEqual(api.calls.state, [100], 'folded forward from the buffer');
    await source.seek(120);
    assert.deepEqual(api.calls.state, [100, 120], 'back: from the server');
    assert.deepEqual(notesOf(source.state), notesOf(foldOf(events, 120)));
    await source.seek(100);
    assert.deepEqual(api.calls.state, [100, 120], 'a state seen before comes from the cache');
    await source.seek(FOLD_LIMIT + 150);
    assert.deepEqual(api.calls.state, [100, 120, FOLD_LIMIT + 150]);
    assert.deepEqual(notesOf(source.state), notesOf(foldOf(events, FOLD_LIMIT + 150)));
  });

  test('the latest of overlapping seeks wins', async () => {
    const events = session(30);
    const api = fakeApi(events);
    const slow = { ...api, state: (seq) => new Promise((r) => setTimeout(() => r(api.state(seq)), seq === 8 ? 30 : 1)) };
    const source = new ReplaySource({ api: slow, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: 30 });
    const first = source.seek(8);
    const second = source.seek(25);
    assert.deepEqual(await Promise.all([first, second]), [false, true]);
    assert.equal(source.seq, 25);
    assert.deepEqual(notesOf(source.state), notesOf(foldOf(events, 25)));
  });

  test('an event that does not fit makes it ask the server instead', async () => {
    const events = session(12);
    const api = fakeApi(events);
    const source = new ReplaySource({ api, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: 12 });
    await source.seek(3);
    await source.prefetch();
    source.buffer[0] = { ...source.buffer[0], type: 'note.edited', data: { note_id: 'nope', text: 'x' } };
    source.forward(12);
    assert.equal(source.state, null, 'the broken fold is dropped');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(source.seq, 12);
    assert.deepEqual(notesOf(source.state), notesOf(foldOf(events, 12)));
  });

  test('where the server’s states hide names, the fold hides the names of the events too', async () => {
    const { ev } = makeEvents(T0);
    const board = { id: 'b1', title: 'T', language: 'sv', mission: { statement: '', measure: '', deadline: '' }, anonymity: 'full' };
    const join = (id, name) => ev('participant.joined', { participant: { id, name, sector: 'public', role: 'participant' } });
    const events = [ev('board.created', { board }), join('m_a', 'Amira'), join('m_b', 'Bo'), join('m_c', 'Cleo')];
    const api = fakeApi(events);
    const anonymous = {
      ...api,
      async state(seq) {
        const answer = await api.state(seq);
        for (const p of Object.values(answer.state.participants)) p.name = '';
        return answer;
      },
    };
    const source = new ReplaySource({ api: anonymous, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: 4 });
    await source.seek(2);
    await source.prefetch();
    source.forward(4);
    assert.deepEqual(
      Object.values(source.state.participants).map((p) => p.name),
      ['', '', ''],
    );
    assert.ok(!JSON.stringify(source.state).includes('Cleo'));
  });

  test('a replay opened before anyone joined learns from the end that names are hidden', async () => {
    const { ev } = makeEvents(T0);
    const board = { id: 'b1', title: 'T', language: 'sv', mission: { statement: '', measure: '', deadline: '' }, anonymity: 'full' };
    const join = (id, name) => ev('participant.joined', { participant: { id, name, sector: 'public', role: 'participant' } });
    const events = [ev('board.created', { board }), join('m_a', 'Amira'), join('m_b', 'Bo')];
    const api = fakeApi(events);
    const hidden = async (seq) => {
      const answer = await api.state(seq);
      for (const p of Object.values(answer.state.participants)) p.name = '';
      return answer;
    };
    const source = new ReplaySource({ api: { ...api, state: hidden }, member: { id: 'm_lina', role: 'facilitator' }, lastSeq: 3 });
    await source.seek(1);
    await source.prefetch();
    source.forward(2);
    source.learn(await hidden(3));
    assert.equal(source.state.participants.m_a.name, '', 'what was folded before is hidden too');
    source.forward(3);
    assert.equal(source.state.participants.m_b.name, '');
  });

  test('the state answer carries the viewer’s own private notes and ballots', () => {
    const state = stateFromAnswer({
      seq: 7,
      at: T0,
      state: { board: { id: 'b', title: 'T', language: 'en', mission: { statement: '', measure: '', deadline: '' } }, participants: {}, frames: {}, notes: {}, private_count: 2 },
      own_notes: { notes: { n9: makeNote('n9', { private: true, author: 'm_amira' }) }, mine: [], ready: ['s1'] },
      own_votes: { ballots: { r1: { n9: 1 } }, status: {} },
    });
    assert.equal(state.seq, 7);
    assert.equal(state.private_count, 2);
    assert.ok(state.notes.n9.private);
    assert.deepEqual(state.myReady, { s1: true });
    assert.deepEqual(state.votes.mine.ballots, { r1: { n9: 1 } });
  });
});
