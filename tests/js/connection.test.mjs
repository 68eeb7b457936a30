// The websocket client against a scripted fake server (docs/protocol.md §2–3).
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';

import { Connection, ConnState, outboxKey, websocketUrl } from '../../frontend/js/core/connection.js';

class FakeClock {
  constructor() {
    this.t = 1_000_000;
    this.timers = new Map();
    this.nextId = 1;
  }
  now = () => this.t;
  setTimeout = (fn, ms) => this._add(fn, ms, false);
  setInterval = (fn, ms) => this._add(fn, ms, true);
  clearTimeout = (id) => this.timers.delete(id);
  clearInterval = (id) => this.timers.delete(id);
  _add(fn, ms, repeat) {
    const id = this.nextId++;
    this.timers.set(id, { fn, at: this.t + ms, ms, repeat });
    return id;
  }
  /** Move time forward, running every timer that comes due, in order. */
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const [id, timer] of this.timers) {
        if (timer.at <= end && (next === null || timer.at < next[1].at)) next = [id, timer];
      }
      if (!next) break;
      const [id, timer] = next;
      this.t = timer.at;
      if (timer.repeat) timer.at += timer.ms;
      else this.timers.delete(id);
      timer.fn();
    }
    this.t = end;
  }
}

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(k) {
    return this.items.has(k) ? this.items.get(k) : null;
  }
  setItem(k, v) {
    this.items.set(k, String(v));
  }
  removeItem(k) {
    this.items.delete(k);
  }
}

let sockets = [];
class FakeSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    sockets.push(this);
  }
  send(text) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(text));
  }
  close(code) {
    this.readyState = 3;
    this.closedWith = code ?? 1000;
  }
  // --- the fake server's side ---
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(...messages) {
    this.onmessage?.({ data: JSON.stringify(messages) });
  }
  serverClose(code) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** Every op sent, one by one (an `ops` frame's entries as if each came alone). */
  ops() {
    return this.sent.flatMap((m) => {
      if (m.type === 'op') return [m];
      return m.type === 'ops' ? m.ops.map((entry) => ({ type: 'op', ...entry })) : [];
    });
  }
  /** The frames that carried ops: [type, how many ops]. */
  opFrames() {
    return this.sent.filter((m) => m.type === 'op' || m.type === 'ops').map((m) => [m.type, m.ops?.length ?? 1]);
  }
}

const BOARD = {
  id: 'b_1',
  title: 'Tavla',
  language: 'sv',
  mission: { statement: 'Mål', measure: '', deadline: '2030' },
  created_at: 1,
};
const ME = { id: 'm_me', name: 'Amira', role: 'participant', sector: 'business' };
const snapshotState = (seq, notes = {}) => ({
  board: BOARD,
  seq,
  participants: { m_me: ME },
  frames: {},
  notes,
});
const welcome = (resume, head_seq, online = [ME]) => ({
  type: 'welcome',
  protocol: 1,
  board_id: 'b_1',
  member: ME,
  resume,
  head_seq,
  server_time: 5,
  online,
});
const noteEvent = (seq, id, extra = {}) => ({
  seq,
  type: 'note.created',
  at: seq,
  actor: 'm_other',
  op_id: `o_srv${seq}`,
  data: {
    note: { id, text: 't', x: 0, y: 0, color: 'yellow', kind: 'idea', frame_id: null, author: 'm_other', origin: 'participant' },
  },
  ...extra,
});

let clock;
let storage;
let conn;
let log;

function make(extra = {}) {
  conn = new Connection({
    url: 'ws://test/ws/boards/b_1',
    boardId: 'b_1',
    member: { member_id: 'm_me', credential: 'secret' },
    storage,
    WebSocket: FakeSocket,
    clock,
    random: () => 0.5,
    ...extra,
  });
  log = { status: [], change: [], fatal: [], rejected: [], presence: [], outbox: [] };
  for (const type of Object.keys(log)) conn.on(type, (d) => log[type].push(d));
  return conn;
}

const last = () => sockets[sockets.length - 1];

/** Connect and go live on a fresh board at `seq` (reset + snapshot). */
function goLive(seq = 3, notes = {}) {
  conn.start();
  last().open();
  last().receive(welcome('reset', seq), { type: 'snapshot', seq, state: snapshotState(seq, notes) });
  assert.equal(conn.state, ConnState.LIVE);
}

beforeEach(() => {
  sockets = [];
  clock = new FakeClock();
  storage = new MemoryStorage();
});

describe('handshake and resume', () => {
  test('a fresh client says hello with last_seq null and loads the snapshot', () => {
    make();
    conn.start();
    assert.equal(conn.state, ConnState.CONNECTING);
    assert.equal(last().url, 'ws://test/ws/boards/b_1');
    last().open();
    assert.deepEqual(last().sent[0], { type: 'hello', protocol: 1, credential: 'secret', last_seq: null });
    assert.equal(conn.state, ConnState.AWAITING_WELCOME);
    last().receive(welcome('reset', 3));
    assert.equal(conn.state, ConnState.CATCHING_UP);
    last().receive({ type: 'snapshot', seq: 3, state: snapshotState(3) });
    assert.equal(conn.state, ConnState.LIVE);
    assert.equal(conn.lastSeq, 3);
    assert.equal(conn.board.board.title, 'Tavla');
    assert.equal(log.change.at(-1).reset, true);
    assert.deepEqual(log.presence.at(-1).online, [ME]);
    assert.deepEqual(
      log.status.map((s) => s.state),
      ['connecting', 'awaiting-welcome', 'catching-up', 'live'],
    );
  });

  test('incremental resume: events in the welcome frame, live once at head_seq', () => {
    make();
    goLive(3);
    last().serverClose(1012);
    assert.equal(conn.state, ConnState.OFFLINE);
    clock.advance(500);
    last().open();
    assert.equal(last().sent[0].last_seq, 3);
    last().receive(welcome('incremental', 5), noteEvent(4, 'n_a'));
    assert.equal(conn.state, ConnState.CATCHING_UP);
    last().receive(noteEvent(5, 'n_b'));
    assert.equal(conn.state, ConnState.LIVE);
    assert.deepEqual(Object.keys(conn.board.notes), ['n_a', 'n_b']);
  });

  test('incremental resume with nothing missed is live at once', () => {
    make();
    goLive(3);
    last().serverClose(1006);
    clock.advance(600);
    last().open();
    last().receive(welcome('incremental', 3));
    assert.equal(conn.state, ConnState.LIVE);
  });

  test('one change per frame, however many events it carries', () => {
    make();
    goLive(3);
    const before = log.change.length;
    last().receive(noteEvent(4, 'n_a'), noteEvent(5, 'n_b'), noteEvent(6, 'n_c'));
    assert.equal(log.change.length, before + 1);
    assert.equal(log.change.at(-1).events.length, 3);
  });
});

describe('gaps and stale events', () => {
  test('an event with seq ≤ last is ignored', () => {
    make();
    goLive(3);
    last().receive(noteEvent(4, 'n_a'));
    const socket = last();
    last().receive(noteEvent(4, 'n_again'), noteEvent(2, 'n_old'));
    assert.equal(last(), socket);
    assert.deepEqual(Object.keys(conn.board.notes), ['n_a']);
    assert.equal(conn.lastSeq, 4);
  });

  test('a gap closes the socket and reconnects with last_seq', () => {
    make();
    goLive(3);
    const old = last();
    old.receive(noteEvent(5, 'n_skip'), noteEvent(6, 'n_after'));
    assert.notEqual(old.closedWith, null, 'the old socket is closed');
    assert.equal(sockets.length, 2, 'a new socket at once');
    assert.equal(conn.board.notes.n_skip, undefined);
    assert.equal(conn.board.notes.n_after, undefined, 'nothing after the gap is applied');
    last().open();
    assert.equal(last().sent[0].last_seq, 3);
    // messages that still arrive on the old socket are ignored
    old.receive(noteEvent(4, 'n_late'));
    assert.equal(conn.board.notes.n_late, undefined);
  });

  test('an event that does not fit the state asks for a snapshot', () => {
    make();
    goLive(3);
    last().receive({ seq: 4, type: 'note.edited', at: 4, actor: 'm_x', op_id: 'o', data: { note_id: 'n_missing', text: 'x' } });
    assert.equal(sockets.length, 2);
    last().open();
    assert.equal(last().sent[0].last_seq, null);
  });

  test('an unknown event type stops with a reload message', () => {
    make();
    goLive(3);
    last().receive({ seq: 4, type: 'timer.started', at: 4, actor: 'm_x', op_id: 'o', data: {} });
    assert.equal(conn.state, ConnState.STOPPED);
    assert.equal(log.fatal.at(-1).reason, 'reload');
  });
});

describe('outbox', () => {
  test('ops made offline are saved, then sent after welcome with their op_id; ack removes them', () => {
    make();
    const opId = conn.send({ type: 'note.move', note_id: 'n_1', x: 1, y: 2 });
    assert.match(opId, /^o_[0-9a-z]{16}$/);
    const saved = JSON.parse(storage.getItem(outboxKey('b_1', 'm_me')));
    assert.deepEqual(saved, [{ op_id: opId, command: { type: 'note.move', note_id: 'n_1', x: 1, y: 2 } }]);
    goLive(3, { n_1: { id: 'n_1', text: '', x: 0, y: 0, color: 'yellow', kind: 'idea', frame_id: null, author: 'm_me', origin: 'participant' } });
    assert.deepEqual(last().ops(), [
      { type: 'op', op_id: opId, command: { type: 'note.move', note_id: 'n_1', x: 1, y: 2 } },
    ]);
    last().receive(
      { seq: 4, type: 'note.moved', at: 4, actor: 'm_me', op_id: opId, data: { note_id: 'n_1', x: 1, y: 2, frame_id: null } },
      { type: 'ack', op_id: opId, seq: 4 },
    );
    assert.equal(conn.outbox.size, 0);
    assert.equal(storage.getItem(outboxKey('b_1', 'm_me')), null);
    assert.equal(conn.board.notes.n_1.x, 1);
  });

  test('an op sent but not acked is resent with the same op_id after reconnect; duplicate ack removes it', () => {
    make();
    goLive(3);
    const opId = conn.send({ type: 'note.create', note_id: 'n_x', text: 'a', x: 0, y: 0, color: 'yellow', kind: 'idea' });
    assert.equal(last().ops().length, 1);
    last().serverClose(1006);
    clock.advance(600);
    last().open();
    assert.equal(last().ops().length, 0, 'nothing before welcome');
    last().receive(welcome('incremental', 4), noteEvent(4, 'n_x', { actor: 'm_me', op_id: opId }));
    assert.deepEqual(last().ops().map((m) => m.op_id), [opId]);
    last().receive({ type: 'ack', op_id: opId, seq: 4, duplicate: true });
    assert.equal(conn.outbox.size, 0);
  });

  test('the outbox survives a reload (a new Connection on the same storage)', () => {
    make();
    const opId = conn.send({ type: 'note.delete', note_id: 'n_1' });
    make();
    assert.deepEqual(conn.outbox.list().map((op) => op.op_id), [opId]);
    goLive(3);
    assert.deepEqual(last().ops().map((m) => m.op_id), [opId]);
  });

  test('an echoed op is no longer predicted, even before its ack', () => {
    make();
    goLive(3);
    const opId = conn.send({ type: 'note.create', note_id: 'n_x', text: 'a', x: 0, y: 0, color: 'yellow', kind: 'idea' });
    assert.equal(conn.pendingOps().length, 1);
    last().receive(noteEvent(4, 'n_x', { actor: 'm_me', op_id: opId }));
    assert.equal(conn.pendingOps().length, 0);
    assert.equal(conn.outbox.size, 1, 'kept until the ack');
  });

  test('a refused op is dropped and reported', () => {
    make();
    goLive(3);
    const opId = conn.send({ type: 'note.delete', note_id: 'n_nope' });
    last().receive({ type: 'error', code: 'not_found', message: 'gone', op_id: opId });
    assert.equal(conn.outbox.size, 0);
    assert.equal(log.rejected.at(-1).code, 'not_found');
    assert.equal(log.rejected.at(-1).op.op_id, opId);
  });

  test('a note refused because the collection closed stays, saved and marked, until sent again or let go', () => {
    make();
    goLive(3);
    const command = { type: 'note.create', note_id: 'n_late', text: 'late idea', x: 0, y: 0, color: 'yellow', kind: 'idea' };
    const opId = conn.send(command);
    last().receive({ type: 'error', code: 'collection_closed', message: 'closed', op_id: opId });
    assert.equal(conn.outbox.size, 0);
    assert.equal(log.rejected.length, 0, 'not a passing toast');
    assert.deepEqual(conn.refused, [{ op_id: opId, command, code: 'collection_closed' }]);
    // Kept across a reload of the page.
    make();
    assert.deepEqual(conn.refused.map((op) => op.command.text), ['late idea']);
    goLive(3);
    const again = conn.retryRefused(opId);
    assert.notEqual(again, opId);
    assert.equal(conn.refused.length, 0);
    assert.deepEqual(last().ops().at(-1).command, command);
    last().receive({ type: 'error', code: 'collection_closed', message: 'closed', op_id: again });
    conn.discardRefused(again);
    make();
    assert.deepEqual(conn.refused, []);
  });

  test('rate_limited and internal_error are retried with the same op_id', () => {
    make();
    goLive(3);
    const opId = conn.send({ type: 'note.delete', note_id: 'n_1' });
    last().receive({ type: 'error', code: 'internal_error', message: 'retry', op_id: opId });
    assert.equal(conn.outbox.size, 1);
    assert.equal(last().ops().length, 1);
    clock.advance(1000);
    assert.deepEqual(last().ops().map((m) => m.op_id), [opId, opId]);
    assert.equal(log.rejected.length, 0);
  });

  test('a big outbox is paced under the server rate limit', () => {
    make();
    for (let i = 0; i < 80; i++) conn.send({ type: 'note.delete', note_id: `n_${i}` });
    goLive(3);
    assert.equal(last().ops().length, 50, 'a burst of 50');
    clock.advance(1000);
    assert.equal(last().ops().length, 75, '25 per second after that');
    clock.advance(1000);
    assert.equal(last().ops().length, 80);
    assert.deepEqual(
      last().ops().map((m) => m.command.note_id),
      Array.from({ length: 80 }, (_, i) => `n_${i}`),
      'in order',
    );
  });

  test('several waiting ops go in one `ops` frame, one waiting op in an `op` frame', () => {
    make();
    const ids = [1, 2, 3].map((i) => conn.send({ type: 'note.delete', note_id: `n_${i}` }));
    goLive(3);
    assert.deepEqual(last().opFrames(), [['ops', 3]], 'the outbox after a reconnect, in one frame');
    assert.deepEqual(last().sent.at(-1), {
      type: 'ops',
      ops: ids.map((op_id, i) => ({ op_id, command: { type: 'note.delete', note_id: `n_${i + 1}` } })),
    });
    conn.send({ type: 'note.delete', note_id: 'n_4' });
    assert.deepEqual(last().opFrames().at(-1), ['op', 1]);
    // An ack for each, as the server sends them: the outbox empties.
    last().receive(...[...ids, last().ops().at(-1).op_id].map((op_id, i) => ({ type: 'ack', op_id, seq: 4 + i })));
    assert.equal(conn.outbox.size, 0);
  });

  test('an `ops` frame holds at most 100 ops and 64 KiB', () => {
    make();
    conn.bucket.burst = conn.bucket.tokens = 1000; // beyond the send rate, to fill frames
    for (let i = 0; i < 230; i++) conn.send({ type: 'note.delete', note_id: `n_${i}` });
    goLive(3);
    assert.deepEqual(last().opFrames(), [['ops', 100], ['ops', 100], ['ops', 30]]);
    storage = new MemoryStorage(); // another page, with long edits waiting
    make();
    conn.bucket.burst = conn.bucket.tokens = 1000;
    const text = 'x'.repeat(490);
    for (let i = 0; i < 200; i++) conn.send({ type: 'note.edit', note_id: `n_${i}`, text });
    goLive(3);
    const frames = last().sent.filter((m) => m.type === 'ops');
    assert.ok(frames.length >= 2, 'split by size');
    for (const frame of frames) assert.ok(new TextEncoder().encode(JSON.stringify(frame)).length <= 64 * 1024);
    assert.equal(last().ops().length, 200);
  });

  test('nudges made offline are coalesced into one op', () => {
    make();
    conn.send({ type: 'note.move', note_id: 'n_1', x: 10, y: 0 }, { coalesce: true });
    conn.send({ type: 'note.move', note_id: 'n_1', x: 20, y: 0 }, { coalesce: true });
    conn.send({ type: 'note.move', note_id: 'n_1', x: 30, y: 0 }, { coalesce: true });
    assert.equal(conn.outbox.size, 1);
    goLive(3);
    assert.equal(last().ops()[0].command.x, 30);
  });
});

describe('close codes, heartbeat, backoff', () => {
  for (const [code, reason] of [[4001, 'unauthorized'], [4004, 'board_not_found'], [4005, 'reload']]) {
    test(`${code} stops with ${reason} and does not reconnect`, () => {
      make();
      goLive(3);
      last().serverClose(code);
      assert.equal(conn.state, ConnState.STOPPED);
      assert.equal(log.fatal.at(-1).reason, reason);
      clock.advance(60_000);
      assert.equal(sockets.length, 1);
    });
  }

  for (const code of [1006, 1009, 1012, 4000, 4008, 4009]) {
    test(`${code} reconnects`, () => {
      make();
      goLive(3);
      last().serverClose(code);
      assert.equal(conn.state, ConnState.OFFLINE);
      clock.advance(600);
      assert.equal(sockets.length, 2);
    });
  }

  test('4029 (over budget) waits out the cooldown instead of reconnecting in a loop', () => {
    make();
    goLive(3);
    last().receive({ type: 'warning', code: 'over_budget', message: 'slow down', dropped: { cursor: 9 }, retry_after: 45 });
    assert.equal(conn.state, ConnState.LIVE);
    last().serverClose(4029);
    assert.equal(conn.state, ConnState.OFFLINE);
    clock.advance(44_000);
    assert.equal(sockets.length, 1);
    clock.advance(2_000);
    assert.equal(sockets.length, 2);
  });

  test('4029 without a warning waits at least 30 s', () => {
    make();
    goLive(3);
    last().serverClose(4029);
    clock.advance(29_000);
    assert.equal(sockets.length, 1);
    clock.advance(1_500);
    assert.equal(sockets.length, 2);
  });

  test('backoff grows while the server is away and resets once live', () => {
    make();
    conn.start();
    const waits = [];
    for (let i = 0; i < 7; i++) {
      const before = clock.t;
      last().serverClose(1006);
      const n = sockets.length;
      while (sockets.length === n) clock.advance(50);
      waits.push(clock.t - before);
    }
    assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 15000, 15000]);
    last().open();
    last().receive(welcome('reset', 1), { type: 'snapshot', seq: 1, state: snapshotState(1) });
    last().serverClose(1012);
    const before = clock.t;
    const n = sockets.length;
    while (sockets.length === n) clock.advance(50);
    assert.equal(clock.t - before, 500);
  });

  test('pings every 15 s; 40 s of silence means reconnect', () => {
    make();
    goLive(3);
    clock.advance(15_000);
    assert.deepEqual(last().sent.at(-1), { type: 'ping' });
    last().receive({ type: 'pong', server_time: 1 });
    clock.advance(30_000);
    assert.equal(sockets.length, 1, 'heard 30 s ago: fine');
    clock.advance(15_000);
    assert.equal(conn.state, ConnState.OFFLINE);
    assert.notEqual(sockets[0].closedWith, null);
  });

  test('presence updates the online list', () => {
    make();
    goLive(3);
    const lina = { id: 'm_lina', name: 'Lina', role: 'facilitator', sector: 'public' };
    last().receive({ type: 'presence', joined: [lina], left: [] });
    assert.deepEqual(conn.onlineList().map((m) => m.id), ['m_me', 'm_lina']);
    last().receive({ type: 'presence', joined: [], left: ['m_me'] });
    assert.deepEqual(conn.onlineList().map((m) => m.id), ['m_lina']);
  });

  test('websocketUrl follows the page scheme', () => {
    assert.equal(websocketUrl({ protocol: 'http:', host: 'localhost:8000' }, 'b_1'), 'ws://localhost:8000/ws/boards/b_1');
    assert.equal(websocketUrl({ protocol: 'https:', host: 'x.se' }, 'b_1'), 'wss://x.se/ws/boards/b_1');
  });
});

describe('live cursors (§2.5)', () => {
  const cursorsSent = () => last().sent.filter((m) => m.type === 'cursor');
  const viewsSent = () => last().sent.filter((m) => m.type === 'view');
  const VIEW = { x: -200, y: -100, w: 1600, h: 900 };

  test('cursor moves go out at most every 100 ms, the last position last', () => {
    make();
    goLive(3);
    for (let i = 0; i < 20; i++) {
      conn.moveCursor(100 + i, 50.04);
      clock.advance(16);
    }
    clock.advance(200);
    const sent = cursorsSent();
    assert.ok(sent.length >= 3 && sent.length <= 5, `${sent.length} cursor messages for 320 ms`);
    assert.deepEqual(sent[0], { type: 'cursor', x: 100, y: 50 });
    assert.deepEqual(sent.at(-1), { type: 'cursor', x: 119, y: 50 });
    assert.deepEqual(Object.keys(sent[0]).sort(), ['type', 'x', 'y'], 'no unknown fields');
  });

  test('a crowded board slows the pointer down: cursor_rate sets the interval, within bounds', () => {
    make();
    const rates = [];
    conn.on('cursor_rate', ({ everyMs }) => rates.push(everyMs));
    goLive(3);
    last().receive({ type: 'cursor_rate', every_ms: 300 });
    for (let i = 0; i < 60; i++) {
      conn.moveCursor(100 + i, 50);
      clock.advance(10);
    }
    clock.advance(400);
    // 1,000 ms of moves every 10 ms: about 4 sends at 300 ms, not 10.
    const sent = cursorsSent();
    assert.ok(sent.length >= 3 && sent.length <= 5, `${sent.length} cursor messages at 300 ms`);
    assert.deepEqual(sent.at(-1), { type: 'cursor', x: 159, y: 50 });
    last().receive({ type: 'cursor_rate', every_ms: 'soon' }, { type: 'cursor_rate', every_ms: 99_999 });
    assert.deepEqual(rates, [300, 100, 1000], 'malformed: the default; too slow: the bound');
  });

  test('cursors are never queued: dropped while offline, never in the outbox or storage', () => {
    make();
    conn.moveCursor(1, 2); // not connected yet
    conn.start();
    last().open();
    conn.moveCursor(3, 4); // waiting for welcome
    last().receive(welcome('reset', 3), { type: 'snapshot', seq: 3, state: snapshotState(3) });
    clock.advance(500);
    assert.deepEqual(cursorsSent(), []);
    assert.equal(conn.outbox.size, 0);
    assert.equal(storage.getItem(outboxKey('b_1', 'm_me')), null);

    conn.moveCursor(5, 6);
    conn.moveCursor(7, 8); // waits for the trailing send
    last().serverClose(1006);
    const old = last();
    clock.advance(600); // reconnecting: the waiting position is not sent anywhere
    assert.deepEqual(old.sent.filter((m) => m.type === 'cursor'), [{ type: 'cursor', x: 5, y: 6 }]);
    conn.moveCursor(9, 10);
    last().open();
    last().receive(welcome('incremental', 3));
    clock.advance(500);
    assert.deepEqual(cursorsSent(), [], 'nothing from the offline spell is replayed');
    assert.equal(conn.outbox.size, 0);
  });

  test('the view is sent once after every welcome, even when it did not change', () => {
    make();
    conn.setView(VIEW); // known before connecting
    conn.start();
    last().open();
    assert.deepEqual(viewsSent(), [], 'not before welcome');
    last().receive(welcome('reset', 3), { type: 'snapshot', seq: 3, state: snapshotState(3) });
    assert.deepEqual(viewsSent(), [{ type: 'view', ...VIEW }]);
    const hello = last().sent.findIndex((m) => m.type === 'hello');
    const view = last().sent.findIndex((m) => m.type === 'view');
    assert.ok(hello < view);
    last().serverClose(1012);
    clock.advance(600);
    last().open();
    last().receive(welcome('incremental', 3));
    assert.deepEqual(viewsSent(), [{ type: 'view', ...VIEW }], 'again on the new socket');
  });

  test('view changes are coalesced (at most one per 200 ms, the latest) and repeats skipped', () => {
    make();
    conn.setView(VIEW);
    goLive(3);
    assert.equal(viewsSent().length, 1);
    // A pan: a new view on every animation frame for half a second.
    for (let i = 1; i <= 30; i++) {
      conn.setView({ ...VIEW, x: VIEW.x - i });
      clock.advance(16);
    }
    clock.advance(400);
    const views = viewsSent();
    assert.ok(views.length >= 3 && views.length <= 4, `${views.length} views for a 480 ms pan`);
    assert.equal(views.at(-1).x, VIEW.x - 30, 'the final view is sent');
    conn.setView({ ...VIEW, x: VIEW.x - 30 });
    clock.advance(400);
    assert.equal(viewsSent().length, views.length, 'the same view again is not resent');
    conn.setView(null);
    clock.advance(400);
    assert.equal(viewsSent().length, views.length);
  });

  test('a view set while offline waits for the welcome; nothing goes to the outbox', () => {
    make();
    goLive(3);
    last().serverClose(1006);
    conn.setView(VIEW);
    assert.equal(conn.outbox.size, 0);
    clock.advance(600);
    last().open();
    assert.deepEqual(viewsSent(), []);
    last().receive(welcome('incremental', 3));
    assert.deepEqual(viewsSent(), [{ type: 'view', ...VIEW }]);
  });

  test('cursors messages reach the page; presence says who left', () => {
    make();
    const got = [];
    conn.on('cursors', (d) => got.push(d.entries));
    goLive(3);
    last().receive({ type: 'cursors', c: [['m_lina', -90000.0, 3.0], ['m_me', 1, 1]] });
    last().receive({ type: 'cursors', c: 'nonsense' });
    assert.deepEqual(got, [[['m_lina', -90000, 3], ['m_me', 1, 1]]]);
    last().receive({ type: 'presence', joined: [], left: ['m_lina'] });
    assert.deepEqual(log.presence.at(-1).left, ['m_lina']);
    assert.equal(log.change.length, 1, 'cursors are not board changes');
  });
});

describe('dot voting (own_votes, §2.3)', () => {
  const ROUND = {
    id: 'r1',
    title: '',
    frame_id: null,
    kinds: null,
    budget: 3,
    cap: 2,
    blind: true,
    anonymous: true,
    opened_at: 1,
    closed_at: null,
    results: null,
  };
  const votesState = {
    rounds: { r1: ROUND },
    open_round: 'r1',
    counts: { r1: { voters: 2, total: 3, done: 0, abstained: 0 } },
    tally: {},
    named: {},
    named_status: {},
  };
  const note = { id: 'n_1', text: 't', x: 0, y: 0, color: 'yellow', kind: 'idea', frame_id: null, author: 'm_me', origin: 'participant' };

  test('own_votes right after the snapshot fills this viewer’s ballots, in the same change', () => {
    make();
    conn.start();
    last().open();
    last().receive(
      welcome('reset', 5),
      { type: 'snapshot', seq: 5, state: { ...snapshotState(5, { n_1: note }), votes: votesState } },
      { type: 'own_votes', seq: 5, ballots: { r1: { n_1: 2 } }, status: { r1: 'done' } },
    );
    assert.equal(conn.state, ConnState.LIVE);
    assert.deepEqual(conn.board.votes.mine, { ballots: { r1: { n_1: 2 } }, status: { r1: 'done' } });
    assert.deepEqual(conn.board.votes.counts, votesState.counts);
    assert.equal(log.change.length, 1);
  });

  test('own_votes in a frame of its own is a change too; one for another seq is skipped', () => {
    make();
    goLive(3);
    last().receive({ type: 'own_votes', seq: 3, ballots: { r1: { n_1: 1 } }, status: {} });
    assert.deepEqual(conn.board.votes.mine.ballots, { r1: { n_1: 1 } });
    assert.equal(log.change.length, 2);
    last().receive({ type: 'own_votes', seq: 2, ballots: {}, status: {} });
    assert.deepEqual(conn.board.votes.mine.ballots, { r1: { n_1: 1 } }, 'stale: kept');
    assert.equal(log.change.length, 2);
    assert.equal(conn.state, ConnState.LIVE, 'a control message never breaks the connection');
  });

  test('my own anonymous vote (empty actor, `mine`) is echoed: not predicted twice before its ack', () => {
    make();
    conn.start();
    last().open();
    last().receive(welcome('reset', 5), {
      type: 'snapshot',
      seq: 5,
      state: { ...snapshotState(5, { n_1: note }), votes: votesState },
    });
    const opId = conn.send({ type: 'vote.cast', round_id: 'r1', note_id: 'n_1' });
    assert.equal(conn.pendingOps().length, 1);
    last().receive({
      seq: 6,
      type: 'vote.cast',
      at: 6,
      actor: '',
      op_id: opId,
      data: { round_id: 'r1', note_id: 'n_1', voters: 3, total: 4, mine: true },
    });
    assert.equal(conn.pendingOps().length, 0);
    assert.deepEqual(conn.board.votes.mine.ballots, { r1: { n_1: 1 } });
    // Someone else's anonymous vote has neither actor nor op_id: nothing of ours.
    last().receive({ seq: 7, type: 'vote.cast', at: 7, actor: '', op_id: '', data: { round_id: 'r1', voters: 4, total: 5 } });
    assert.equal(conn.outbox.size, 1, 'kept until the ack');
    last().receive({ type: 'ack', op_id: opId, seq: 6 });
    assert.equal(conn.outbox.size, 0);
    assert.deepEqual(conn.board.votes.counts.r1, { voters: 4, total: 5, done: 0, abstained: 0 });
  });
});

describe('facilitation messages (§2.3)', () => {
  const priv = { id: 'n_7', text: 'tyst', x: 0, y: 0, color: 'yellow', kind: 'idea', frame_id: null, author: 'm_me', origin: 'participant', private: true, group_id: null };

  test('own_notes after the snapshot adds my private notes and my "I\'m done"', () => {
    make();
    conn.start();
    last().open();
    last().receive(
      welcome('reset', 5),
      { type: 'snapshot', seq: 5, state: { ...snapshotState(5), private_count: 3 } },
      { type: 'own_notes', seq: 5, notes: { n_7: priv }, mine: [], ready: ['s1'] },
    );
    assert.equal(conn.board.notes.n_7.private, true);
    assert.deepEqual(conn.board.myReady, { s1: true });
    assert.equal(conn.board.private_count, 3);
    assert.equal(log.change.length, 1);
    last().receive({ type: 'own_notes', seq: 4, notes: {}, mine: [], ready: [] });
    assert.deepEqual(conn.board.myReady, { s1: true }, 'stale: skipped');
  });

  test('note.private events fold the count; leader_view and live summons reach the page', () => {
    make();
    const views = [];
    const summons = [];
    conn.on('leader_view', (v) => views.push(v));
    conn.on('summoned', (v) => summons.push(v));
    goLive(3);
    last().receive({ seq: 4, type: 'note.private', at: 1, actor: '', op_id: '', data: { count: 12 } });
    assert.equal(conn.board.private_count, 12);
    last().receive({ type: 'leader_view', member_id: 'm_lina', x: -400, y: -300, w: 1600, h: 900 });
    assert.deepEqual(views, [{ memberId: 'm_lina', x: -400, y: -300, w: 1600, h: 900 }]);
    last().receive({ seq: 5, type: 'attention.summoned', at: 2, actor: 'm_lina', op_id: 'o', data: { x: 1, y: 2, w: 3, h: 4 } });
    assert.deepEqual(summons, [{ x: 1, y: 2, w: 3, h: 4 }]);
  });

  test('a summons met while catching up is not obeyed', () => {
    make();
    const summons = [];
    conn.on('summoned', (v) => summons.push(v));
    conn.start();
    last().open();
    last().receive(welcome('reset', 6), { type: 'snapshot', seq: 5, state: snapshotState(5) },
      { seq: 6, type: 'attention.summoned', at: 2, actor: 'm_lina', op_id: 'o', data: { x: 1, y: 2, w: 3, h: 4 } });
    assert.equal(conn.state, ConnState.LIVE);
    assert.deepEqual(summons, []);
  });

  test('serverNow adds the offset from the welcome', () => {
    make();
    goLive(3);
    assert.equal(typeof conn.serverNow(), 'number');
    assert.equal(conn.serverNow() - conn.clock.now(), conn.serverOffset);
  });
});
