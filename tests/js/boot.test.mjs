// The pages' first request (core/boot.js), sent before their modules load, and
// the board's Connection taking the early socket over.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { BOOT_PROTOCOL_VERSION, firstSocket, firstState } from '../../frontend/js/core/boot.js';
import { Connection, ConnState } from '../../frontend/js/core/connection.js';

const storage = (items) => ({ getItem: (key) => items[key] ?? null });
const kept = { 'samskapa:member:b_1': JSON.stringify({ member_id: 'm_me', role: 'facilitator', credential: 'c1' }) };
const at = (pathname, hash = '') => ({ pathname, hash, protocol: 'http:', host: 'h:8000' });

class FakeSocket {
  static made = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.made.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code) {
    this.readyState = 3;
    this.closedWith = code;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(...messages) {
    this.onmessage?.({ data: new TextEncoder().encode(JSON.stringify(messages)).buffer });
  }
}

const ME = { id: 'm_me', name: 'Lina', role: 'facilitator', sector: 'public' };
const BOARD = { id: 'b_1', title: 'T', language: 'sv', mission: { statement: '', measure: '', deadline: '' }, created_at: 1 };
const welcome = { type: 'welcome', protocol: 1, board_id: 'b_1', member: ME, resume: 'reset', head_seq: 3, server_time: 5, online: [ME] };
const snapshot = { type: 'snapshot', seq: 3, state: { board: BOARD, seq: 3, participants: { m_me: ME }, frames: {}, notes: {} } };

describe('the first request (core/boot.js)', () => {
  test('the replay page asks for the board at the head with the kept member', () => {
    const calls = [];
    const saved = globalThis.fetch;
    globalThis.fetch = (url, init) => {
      calls.push({ url, auth: init.headers.Authorization });
      return Promise.resolve({ ok: true });
    };
    try {
      const first = firstState(at('/b/b_1/replay'), storage(kept));
      assert.equal(first.boardId, 'b_1');
      assert.equal(first.credential, 'c1');
      assert.deepEqual(calls, [{ url: '/api/boards/b_1/state', auth: 'Bearer c1' }]);
      // Not a replay page, no member kept, or a broken entry: nothing is sent.
      assert.equal(firstState(at('/b/b_1'), storage(kept)), null);
      assert.equal(firstState(at('/b/b_2/replay'), storage(kept)), null);
      assert.equal(firstState(at('/b/b_1/replay'), storage({ 'samskapa:member:b_1': '{' })), null);
      assert.equal(calls.length, 1);
    } finally {
      globalThis.fetch = saved;
    }
  });

  test('the board page opens its socket at once and says hello when it opens', () => {
    FakeSocket.made = [];
    const early = firstSocket(at('/b/b_1'), storage(kept), FakeSocket);
    const [ws] = FakeSocket.made;
    assert.equal(ws.url, 'ws://h:8000/ws/boards/b_1');
    assert.equal(ws.binaryType, 'arraybuffer');
    assert.deepEqual(ws.sent, []);
    ws.open();
    assert.deepEqual(ws.sent, [{ type: 'hello', protocol: 1, credential: 'c1', last_seq: null }]);
    ws.receive(welcome);
    assert.equal(early.messages.length, 1, 'kept for the page');
    // Not the board page, a link in the address, no member kept: no socket.
    for (const [where, items] of [
      [at('/b/b_1/replay'), kept],
      [at('/b/b_1', '#k=tok'), kept],
      [at('/b/b_1', '#m=cred'), kept],
      [at('/b/b_2'), kept],
      [at('/b/b_1'), { 'samskapa:member:b_1': '{' }],
    ]) {
      assert.equal(firstSocket(where, storage(items), FakeSocket), null, where.pathname + where.hash);
    }
    assert.equal(FakeSocket.made.length, 1);
  });

  test('its protocol version is the vocabulary’s', () => {
    const vocabulary = JSON.parse(readFileSync(new URL('../../frontend/js/core/vocabulary.json', import.meta.url)));
    assert.equal(BOOT_PROTOCOL_VERSION, vocabulary.protocol_version);
  });
});

describe('the Connection takes the early socket over', () => {
  const make = (early) =>
    new Connection({ url: 'ws://h:8000/ws/boards/b_1', boardId: 'b_1', member: { member_id: 'm_me', credential: 'c1' }, WebSocket: FakeSocket, early });

  test('what arrived before the page loaded is taken in, and no second socket is opened', () => {
    FakeSocket.made = [];
    const early = firstSocket(at('/b/b_1'), storage(kept), FakeSocket);
    FakeSocket.made[0].open();
    FakeSocket.made[0].receive(welcome, snapshot);
    const conn = make(early);
    const changes = [];
    conn.on('change', (c) => changes.push(c));
    conn.start();
    assert.equal(FakeSocket.made.length, 1);
    assert.equal(conn.state, ConnState.LIVE);
    assert.equal(conn.board.board.title, 'T');
    assert.equal(changes.length, 1);
    assert.equal(FakeSocket.made[0].sent.filter((m) => m.type === 'hello').length, 1, 'one hello');
    conn.stop();
  });

  test('a socket still opening is greeted by the Connection', () => {
    FakeSocket.made = [];
    const early = firstSocket(at('/b/b_1'), storage(kept), FakeSocket);
    const conn = make(early);
    conn.start();
    assert.equal(conn.state, ConnState.CONNECTING);
    FakeSocket.made[0].open();
    assert.deepEqual(FakeSocket.made[0].sent.map((m) => m.type), ['hello']);
    FakeSocket.made[0].receive(welcome, snapshot);
    assert.equal(conn.state, ConnState.LIVE);
    conn.stop();
  });

  test('an early socket that closed, or is for another member, is not used', () => {
    FakeSocket.made = [];
    const early = firstSocket(at('/b/b_1'), storage(kept), FakeSocket);
    FakeSocket.made[0].open();
    early.closed = { code: 1006 };
    const conn = make(early);
    conn.start();
    assert.equal(conn.state, ConnState.OFFLINE, 'comes back later, as after any lost socket');
    conn.stop();
    FakeSocket.made = [];
    const other = firstSocket(at('/b/b_1'), storage(kept), FakeSocket);
    const stranger = new Connection({ url: 'ws://x', boardId: 'b_1', member: { member_id: 'm_2', credential: 'c2' }, WebSocket: FakeSocket, early: other });
    assert.equal(other.ws.closedWith, 1000);
    stranger.start();
    assert.equal(FakeSocket.made.length, 2, 'its own socket');
    stranger.stop();
  });
});
