// The websocket to one board (docs/protocol.md §2–3).
//
//   connecting → awaiting-welcome → catching-up → live
//        ↑                                         │
//        └──────── offline (backoff) ←─────────────┘   (or: stopped, for good)
//
// The connection owns the confirmed state (what the server has said, folded
// with state.js) and the outbox (what this browser asked for and has no answer
// to yet). It tells app.js about changes through a tiny event emitter.
//
// Everything the browser provides (WebSocket, timers, clock, storage) can be
// handed in, so tests/js/ drive this module with fakes.
//
// Live cursors (§2.5) ride on the same socket but never touch the outbox: a
// pointer position is worth sending only now, so while the connection is not
// live it is dropped, not kept.

import { KEPT_WHEN_REFUSED } from '../collection/collection.js';
import { CURSOR_EVERY_MS, cursorEveryMs, cursorPoint, sameRect, Throttle, VIEW_EVERY_MS } from '../board/cursors.js';
import { applyEvent, applyOwnNotes, applyOwnVotes, emptyState, hideAuthors, fromSnapshot, StateError, UnknownEventError } from './state.js';
import {
  backoffDelay,
  classifySeq,
  mergeSavedOutbox,
  newOpId,
  Outbox,
  parseSavedOutbox,
  RETRYABLE_ERRORS,
  TokenBucket,
} from './sync.js';
import { CLOSE_CODES, PROTOCOL_VERSION } from './vocabulary.js';


const utf8 = new TextDecoder();

export { PROTOCOL_VERSION };

export const ConnState = Object.freeze({
  CONNECTING: 'connecting',
  AWAITING_WELCOME: 'awaiting-welcome',
  CATCHING_UP: 'catching-up',
  LIVE: 'live',
  OFFLINE: 'offline',
  // Will not reconnect on its own: unauthorized, board gone, page too old.
  STOPPED: 'stopped',
});

// §2.4: ping every 15 s; a client that hears nothing for 40 s reconnects.
const PING_EVERY_MS = 15_000;
const SILENCE_LIMIT_MS = 40_000;
const WATCHDOG_EVERY_MS = 5_000;
// Stay under the server's 30 ops/s with bursts of 60.
const SEND_RATE = 25;
const SEND_BURST = 50;
// After `rate_limited` or `internal_error` the op is tried again this much later.
const RETRY_AFTER_MS = 1_000;
// §2: client frames are at most 64 KiB.
const MAX_MESSAGE_BYTES = 64 * 1024;
// §2.8: after 4029 (too many messages) wait at least this long, or the
// `retry_after` of the server's last warning, before coming back.
export const OVER_BUDGET_WAIT_MS = 30_000;
// How many settled op_ids to remember for the multi-tab outbox merge.
const SETTLED_MEMORY = 1_000;

export function outboxKey(boardId, memberId) {
  return `samskapa:outbox:${boardId}:${memberId}`;
}

/** Where refused contributions are kept ("not accepted"), per board and member. */
export function refusedKey(boardId, memberId) {
  return `samskapa:refused:${boardId}:${memberId}`;
}

export function websocketUrl(location, boardId) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws/boards/${encodeURIComponent(boardId)}`;
}

const byteLength = (text) => new TextEncoder().encode(text).length;

export class Connection {
  /**
   * @param {object} opts
   * @param {string} opts.url         websocket URL
   * @param {string} opts.boardId
   * @param {{member_id: string, credential: string}} opts.member
   * @param {Storage} [opts.storage]  localStorage or a fake
   * @param {Function} [opts.WebSocket]
   * @param {object} [opts.clock]     {now, setTimeout, clearTimeout, setInterval, clearInterval}
   * @param {Function} [opts.random]
   */
  constructor(opts) {
    this.url = opts.url;
    this.boardId = opts.boardId;
    this.memberId = opts.member.member_id;
    this.credential = opts.member.credential;
    this.storage = opts.storage ?? null;
    this.WebSocket = opts.WebSocket ?? globalThis.WebSocket;
    const g = globalThis;
    this.clock = opts.clock ?? {
      now: () => Date.now(),
      setTimeout: (fn, ms) => g.setTimeout(fn, ms),
      clearTimeout: (id) => g.clearTimeout(id),
      setInterval: (fn, ms) => g.setInterval(fn, ms),
      clearInterval: (id) => g.clearInterval(id),
    };
    this.random = opts.random ?? Math.random;

    this.state = ConnState.OFFLINE;
    this.board = emptyState(); // the confirmed state
    this.lastSeq = null; // highest seq applied; null until a snapshot
    this.headSeq = null; // head_seq from the last welcome
    this.member = null; // welcome.member
    this.online = new Map(); // member id → {id, name, role, sector}
    this.serverOffset = 0; // server_time − local time, ms

    this.outbox = new Outbox(this._loadOutbox());
    // Ops the server refused because the collection was closed (or not open
    // yet): `{op_id, command, code}`. Kept, saved and shown, never dropped
    // silently; the person sends them again or lets them go (§2.9).
    this.refused = this._loadRefused();
    this.settledHere = new Set();
    this.bucket = new TokenBucket(SEND_RATE, SEND_BURST, this.clock.now());

    // Ephemeral: the pointer (to send at most every 100 ms) and the board
    // rectangle on screen (the latest is kept and sent after every welcome).
    this.view = null;
    this.sentView = null;
    this.cursorThrottle = new Throttle(CURSOR_EVERY_MS, this.clock, (p) => this._sendCursor(p));
    this.viewThrottle = new Throttle(VIEW_EVERY_MS, this.clock, (v) => this._sendView(v));

    this.ws = null;
    this.attempt = 0;
    this.retryAt = null;
    this.overBudgetWaitMs = OVER_BUDGET_WAIT_MS;
    this.lastHeard = 0;
    this.timers = { reconnect: null, flush: null, ping: null, watchdog: null };
    this.listeners = new Map();
    this.stopped = false;
  }

  // ---- tiny event emitter ---------------------------------------------------

  /** Listen to `type`; returns a function that stops listening. */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }

  emit(type, detail) {
    for (const fn of this.listeners.get(type) ?? []) fn(detail);
  }

  // ---- public API -------------------------------------------------------------

  start() {
    this.stopped = false;
    this._connect();
  }

  /** Close for good (no reconnect). */
  stop() {
    this.stopped = true;
    this._drop();
    this._clearTimer('reconnect');
    this._setState(ConnState.STOPPED);
  }

  /** Reconnect now if we are waiting for a backoff timer (e.g. the network is back). */
  retryNow() {
    if (this.state === ConnState.OFFLINE && !this.stopped) {
      this._clearTimer('reconnect');
      this._connect();
    }
  }

  /** The network went away (browser `offline` event): do not wait for the heartbeat. */
  networkLost() {
    if (this.ws && !this.stopped) this._lost();
  }

  /**
   * Ask the server for `command`. The op goes into the outbox (and
   * localStorage) first, so it survives being offline and reloads. With
   * `{coalesce: true}` a `note.move` may be folded into an unsent move of the
   * same note. Returns the op_id.
   */
  send(command, { coalesce = false } = {}) {
    const op =
      coalesce && command.type === 'note.move'
        ? this.outbox.addMove(command, newOpId())
        : this.outbox.add(command, newOpId());
    this._saveOutbox();
    this.emit('outbox', { size: this.outbox.size });
    this._flush();
    return op.op_id;
  }

  /** Send a refused op again (a new op_id: the old one has its answer); returns it. */
  retryRefused(opId) {
    const op = this._dropRefused(opId);
    return op ? this.send(op.command) : null;
  }

  /** Let a refused op go, for good. */
  discardRefused(opId) {
    this._dropRefused(opId);
  }

  _dropRefused(opId) {
    const index = this.refused.findIndex((op) => op.op_id === opId);
    if (index < 0) return null;
    const [op] = this.refused.splice(index, 1);
    this._saveRefused();
    this.emit('refused', { refused: this.refused });
    return op;
  }

  /** Ops to show on top of the confirmed state (not yet echoed by the server). */
  pendingOps() {
    return this.outbox.pending();
  }

  onlineList() {
    return [...this.online.values()];
  }

  /**
   * Where this person's pointer is, in board units. Sent at most every 100 ms
   * (the latest position last), and only while live: offline it is dropped.
   */
  moveCursor(x, y) {
    const point = cursorPoint(x, y);
    if (!point) return;
    if (this.state !== ConnState.LIVE || !this.ws) {
      this.cursorThrottle.cancel();
      return;
    }
    this.cursorThrottle.push(point);
  }

  /**
   * The board rectangle `{x, y, w, h}` on screen (null: nothing shown). Kept,
   * sent at most every 200 ms when it changes, and again after every welcome.
   */
  setView(rect) {
    this.view = rect ? { x: rect.x, y: rect.y, w: rect.w, h: rect.h } : null;
    if (this.view && this._welcomed()) this.viewThrottle.push(this.view);
  }

  // ---- socket lifecycle -----------------------------------------------------------

  _connect() {
    if (this.stopped) return;
    this._drop();
    this.retryAt = null;
    this.outbox.resetSent();
    this.lastHeard = this.clock.now();
    let ws;
    try {
      ws = new this.WebSocket(this.url);
    } catch (err) {
      this.emit('log', { message: `websocket failed: ${err}` });
      this._scheduleReconnect();
      return;
    }
    this.ws = ws;
    this._setState(ConnState.CONNECTING);
    ws.onopen = () => this._onOpen(ws);
    // The server sends UTF-8 JSON in binary frames (it saves a decode and an
    // encode per frame per receiver on the server); text frames work too.
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev) => this._onMessage(ws, ev);
    ws.onclose = (ev) => this._onClose(ws, ev);
    ws.onerror = () => {}; // a close event always follows
    this._startHeartbeat();
  }

  _onOpen(ws) {
    if (ws !== this.ws) return;
    this.lastHeard = this.clock.now();
    this._setState(ConnState.AWAITING_WELCOME);
    this._sendRaw({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      credential: this.credential,
      last_seq: this.lastSeq,
    });
  }

  _onClose(ws, ev) {
    if (ws !== this.ws) return; // a socket we already gave up on
    this.ws = null;
    this._stopHeartbeat();
    this._clearTimer('flush');
    this._stopEphemeral();
    this.online.clear();
    const code = ev?.code ?? 1006;
    const fatal = {
      [CLOSE_CODES.UNAUTHORIZED]: 'unauthorized',
      [CLOSE_CODES.BOARD_NOT_FOUND]: 'board_not_found',
      [CLOSE_CODES.BOARD_DELETED]: 'board_deleted',
      [CLOSE_CODES.UNSUPPORTED_PROTOCOL]: 'reload',
    }[code];
    if (fatal) {
      this.stopped = true;
      this._setState(ConnState.STOPPED);
      this.emit('fatal', { reason: fatal, closeCode: code });
      return;
    }
    // 4000 (our bug), 1009 (too big: we never send that), 1012 (restart),
    // 4008 (resync), 4009 (heartbeat), 1006 (network, refused handshake) …
    // all mean: come back with last_seq.
    this.emit('presence', { online: [] });
    if (code === CLOSE_CODES.OVER_BUDGET) {
      // §2.8: this page sent far more than its budget (a bug, or a stuck
      // loop). The server refuses us for a while; coming back sooner would
      // only be refused again, so wait it out instead of retrying in a loop.
      this.emit('log', { message: 'closed for sending too many messages' });
      this._scheduleReconnect(this.overBudgetWaitMs);
      return;
    }
    this._scheduleReconnect();
  }

  /** Forget the current socket without waiting for its close handshake. */
  _drop() {
    const ws = this.ws;
    this.ws = null;
    this._stopHeartbeat();
    this._clearTimer('flush');
    this._stopEphemeral();
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
  }

  /** The connection is dead or unusable: drop it and come back later. */
  _lost() {
    this._drop();
    this.online.clear();
    this.emit('presence', { online: [] });
    this._scheduleReconnect();
  }

  /** Reconnect at once (a gap or a resync), without waiting for a close. */
  _reconnectNow() {
    this._drop();
    this._connect();
  }

  _scheduleReconnect(atLeastMs = 0) {
    if (this.stopped) return;
    const delay = Math.max(atLeastMs, backoffDelay(this.attempt, this.random));
    this.attempt += 1;
    this.retryAt = this.clock.now() + delay;
    this._setState(ConnState.OFFLINE);
    this._clearTimer('reconnect');
    this.timers.reconnect = this.clock.setTimeout(() => {
      this.timers.reconnect = null;
      this._connect();
    }, delay);
  }

  _startHeartbeat() {
    this._stopHeartbeat();
    this.timers.ping = this.clock.setInterval(() => {
      if (this.ws && this.state !== ConnState.CONNECTING) this._sendRaw({ type: 'ping' });
    }, PING_EVERY_MS);
    this.timers.watchdog = this.clock.setInterval(() => {
      if (this.ws && this.clock.now() - this.lastHeard > SILENCE_LIMIT_MS) {
        this.emit('log', { message: 'heartbeat lost' });
        this._lost();
      }
    }, WATCHDOG_EVERY_MS);
  }

  _stopHeartbeat() {
    if (this.timers.ping !== null) this.clock.clearInterval(this.timers.ping);
    if (this.timers.watchdog !== null) this.clock.clearInterval(this.timers.watchdog);
    this.timers.ping = this.timers.watchdog = null;
  }

  _clearTimer(name) {
    if (this.timers[name] !== null) this.clock.clearTimeout(this.timers[name]);
    this.timers[name] = null;
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('status', { state, retryAt: this.retryAt });
  }

  // ---- incoming -------------------------------------------------------------------

  _onMessage(ws, ev) {
    if (ws !== this.ws) return;
    this.lastHeard = this.clock.now();
    let messages;
    try {
      messages = JSON.parse(typeof ev.data === 'string' ? ev.data : utf8.decode(ev.data));
    } catch {
      this.emit('log', { message: 'a frame that is not JSON' });
      return;
    }
    if (!Array.isArray(messages)) messages = [messages];

    // One `change` per frame, however many events it carried.
    const change = { reset: false, events: [], ownVotes: false };
    try {
      for (const msg of messages) {
        if (ws !== this.ws) break; // handled a gap or a fatal error
        this._handle(msg, change);
      }
    } finally {
      if (change.reset || change.ownVotes || change.events.length > 0) this.emit('change', change);
    }
  }

  _handle(msg, change) {
    // §2: a type with a dot is an event; the rest are control messages
    // (`ack`, `snapshot` and `own_votes` carry a seq too, so never branch on `seq`).
    if (typeof msg?.type === 'string' && msg.type.includes('.')) {
      this._handleEvent(msg, change);
      return;
    }
    switch (msg?.type) {
      case 'welcome':
        this._handleWelcome(msg);
        return;
      case 'snapshot':
        this._handleSnapshot(msg, change);
        return;
      case 'own_votes':
        this._handleOwnVotes(msg, change);
        return;
      case 'own_notes':
        this._handleOwnNotes(msg, change);
        return;
      case 'leader_view':
        // §2.3: a facilitator's viewport; app.js follows it while asked to.
        this.emit('leader_view', { memberId: msg.member_id, x: msg.x, y: msg.y, w: msg.w, h: msg.h });
        return;
      case 'ack':
        this._settle(msg.op_id);
        return;
      case 'error':
        this._handleError(msg);
        return;
      case 'presence':
        for (const m of msg.joined ?? []) this.online.set(m.id, m);
        for (const id of msg.left ?? []) this.online.delete(id);
        this.emit('presence', { online: this.onlineList(), left: msg.left ?? [] });
        return;
      case 'cursors':
        if (Array.isArray(msg.c)) this.emit('cursors', { entries: msg.c });
        return;
      case 'cursor_rate':
        this._setCursorRate(msg.every_ms);
        return;
      case 'warning':
        // §2.8: over budget. This page never should be; say so, and keep the
        // server's cooldown for the close that may follow.
        if (typeof msg.retry_after === 'number' && msg.retry_after >= 0) {
          this.overBudgetWaitMs = Math.max(OVER_BUDGET_WAIT_MS, msg.retry_after * 1000);
        }
        this.emit('log', { message: `server warning ${msg.code}: ${msg.message}` });
        return;
      case 'pong':
        if (typeof msg.server_time === 'number') {
          this.serverOffset = msg.server_time - this.clock.now();
        }
        return;
      default:
        // A control message from a newer server: harmless to skip, but say so.
        this.emit('log', { message: `unknown message type ${msg?.type}` });
    }
  }

  /**
   * §2.5: a crowded board asks for pointer moves less often (and sends them
   * less often); the others' pointers glide over the same interval.
   */
  _setCursorRate(everyMs) {
    const ms = cursorEveryMs(everyMs);
    if (ms === this.cursorThrottle.interval) return;
    this.cursorThrottle.interval = ms;
    this.emit('cursor_rate', { everyMs: ms });
  }

  _handleWelcome(msg) {
    if (this.state !== ConnState.AWAITING_WELCOME) {
      this.emit('log', { message: 'unexpected welcome' });
      this._reconnectNow();
      return;
    }
    if (msg.protocol !== PROTOCOL_VERSION) {
      this.stop();
      this.emit('fatal', { reason: 'reload', closeCode: null });
      return;
    }
    this.member = msg.member;
    this.headSeq = msg.head_seq;
    if (typeof msg.server_time === 'number') this.serverOffset = msg.server_time - this.clock.now();
    this.online = new Map((msg.online ?? []).map((m) => [m.id, m]));
    this._setCursorRate(msg.cursor_every_ms);
    this.emit('welcome', {
      member: msg.member,
      resume: msg.resume,
      online: this.onlineList(),
      lastSeenSeq: msg.last_seen_seq ?? null,
    });
    this.emit('presence', { online: this.onlineList() });
    this._setState(ConnState.CATCHING_UP);
    // §2.5: say once per connection which part of the board is on screen.
    this.sentView = null;
    if (this.view) this.viewThrottle.sendNow(this.view);
    if (msg.resume === 'incremental') this._maybeLive();
    // 'reset': a snapshot follows.
  }

  _handleSnapshot(msg, change) {
    if (this.state !== ConnState.CATCHING_UP && this.state !== ConnState.LIVE) {
      this.emit('log', { message: 'snapshot before welcome' });
      this._reconnectNow();
      return;
    }
    this.board = fromSnapshot(msg);
    this.lastSeq = msg.seq;
    // Ops whose events the old state held are in the snapshot too.
    change.reset = true;
    change.events = [];
    this._maybeLive();
  }

  /** §2.3: this viewer's own ballots, right after every snapshot (same seq). */
  _handleOwnVotes(msg, change) {
    if (this.lastSeq === null || (msg.seq !== undefined && msg.seq !== this.lastSeq)) {
      // Not for the state we hold: the events since carry `mine` themselves.
      this.emit('log', { message: `own_votes for seq ${msg.seq}, have ${this.lastSeq}; skipped` });
      return;
    }
    applyOwnVotes(this.board, msg);
    change.ownVotes = true;
  }

  /** §2.3: this viewer's private notes, own notes and "I'm done" steps, right after every snapshot. */
  _handleOwnNotes(msg, change) {
    if (this.lastSeq === null || (msg.seq !== undefined && msg.seq !== this.lastSeq)) {
      this.emit('log', { message: `own_notes for seq ${msg.seq}, have ${this.lastSeq}; skipped` });
      return;
    }
    applyOwnNotes(this.board, msg);
    change.ownVotes = true;
  }

  /** Milliseconds on the server's clock now (`serverOffset` from welcome and pong). */
  serverNow() {
    return this.clock.now() + this.serverOffset;
  }

  _handleEvent(event, change) {
    if (this.state !== ConnState.CATCHING_UP && this.state !== ConnState.LIVE) {
      this.emit('log', { message: 'event before welcome' });
      this._reconnectNow();
      return;
    }
    const verdict = classifySeq(this.lastSeq, event.seq);
    if (verdict === 'stale') return;
    if (verdict === 'gap') {
      // §2.2: never paper over a gap; come back with last_seq and let the
      // server send what is missing (or a snapshot).
      this.emit('log', { message: `gap: have ${this.lastSeq}, got ${event.seq}` });
      this._reconnectNow();
      return;
    }
    try {
      applyEvent(this.board, event);
      if (event.type === 'board.anonymity_changed' && this.member) {
        // From now on the server sends this page no authors; blank the ones it
        // already holds so the screen follows the new rule at once.
        hideAuthors(this.board, this.member);
      }
    } catch (err) {
      if (err instanceof UnknownEventError) {
        // The server speaks events this page does not know: it is out of date.
        this.stop();
        this.emit('fatal', { reason: 'reload', closeCode: null, error: err });
        return;
      }
      if (err instanceof StateError) {
        // Our state disagrees with the server's. Ask for a snapshot (hello
        // with last_seq null); the old state stays on screen until it comes.
        this.emit('log', { message: `state error: ${err.message}; resetting` });
        this.lastSeq = null;
        this._reconnectNow();
        return;
      }
      throw err;
    }
    this.lastSeq = event.seq;
    // Our own vote in an anonymous round has an empty actor but keeps its
    // op_id and says `mine`.
    // On an anonymous board our own events keep only their op_id.
    const ours = event.actor === this.memberId || event.data?.mine === true || event.actor === '';
    if (ours && event.op_id) this.outbox.markEchoed(event.op_id);
    change.events.push(event);
    // §2.3: a summons moves the view of live clients only, never on catching up.
    if (event.type === 'attention.summoned' && this.state === ConnState.LIVE) this.emit('summoned', { ...event.data });
    if (this.state === ConnState.CATCHING_UP) this._maybeLive();
  }

  _maybeLive() {
    if (this.state !== ConnState.CATCHING_UP) return;
    if (this.lastSeq === null || this.lastSeq < this.headSeq) return;
    this.attempt = 0;
    this.retryAt = null;
    this._setState(ConnState.LIVE);
    // §3: after welcome (and snapshot), resend every outbox op with its original op_id.
    this._flush();
  }

  _handleError(msg) {
    const opId = msg.op_id;
    if (!opId || !this.outbox.has(opId)) {
      this.emit('servererror', { code: msg.code, message: msg.message });
      return;
    }
    if (RETRYABLE_ERRORS.has(msg.code)) {
      // Same op_id again a little later: it is applied at most once.
      this.outbox.markUnsent(opId);
      this._scheduleFlush(RETRY_AFTER_MS);
      return;
    }
    const op = this._settle(opId);
    if (op && KEPT_WHEN_REFUSED.has(msg.code)) {
      this.refused.push({ op_id: op.op_id, command: op.command, code: msg.code });
      this._saveRefused();
      this.emit('refused', { refused: this.refused, op, code: msg.code });
      return;
    }
    this.emit('rejected', { op, code: msg.code, message: msg.message });
  }

  _settle(opId) {
    const op = this.outbox.settle(opId);
    if (!op) return null;
    this.settledHere.add(opId);
    if (this.settledHere.size > SETTLED_MEMORY) {
      this.settledHere.delete(this.settledHere.values().next().value);
    }
    this._saveOutbox();
    this.emit('outbox', { size: this.outbox.size, settled: op });
    return op;
  }

  // ---- outgoing -------------------------------------------------------------------

  _sendRaw(msg) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  /** After welcome on the current socket (catching up or live). */
  _welcomed() {
    return Boolean(this.ws) && (this.state === ConnState.CATCHING_UP || this.state === ConnState.LIVE);
  }

  _sendCursor(point) {
    if (this.state !== ConnState.LIVE) return;
    this._sendRaw({ type: 'cursor', x: point.x, y: point.y });
  }

  _sendView(view) {
    if (!this._welcomed() || sameRect(view, this.sentView)) return;
    if (this._sendRaw({ type: 'view', x: view.x, y: view.y, w: view.w, h: view.h })) this.sentView = view;
  }

  /** The socket is gone: whatever pointer or view was waiting is worthless now. */
  _stopEphemeral() {
    this.cursorThrottle.cancel();
    this.viewThrottle.cancel();
    this.sentView = null;
  }

  _scheduleFlush(ms) {
    if (this.timers.flush !== null) return;
    this.timers.flush = this.clock.setTimeout(() => {
      this.timers.flush = null;
      this._flush();
    }, ms);
  }

  /** Send every unsent outbox op, oldest first, as fast as the rate limit allows. */
  _flush() {
    if (this.state !== ConnState.LIVE || !this.ws) return;
    for (const op of this.outbox.unsent()) {
      const now = this.clock.now();
      if (!this.bucket.take(now)) {
        this._scheduleFlush(this.bucket.waitMs(now));
        return;
      }
      const text = JSON.stringify({ type: 'op', op_id: op.op_id, command: op.command });
      if (byteLength(text) > MAX_MESSAGE_BYTES) {
        // The server would close the socket with 1009; refuse it here instead.
        this._settle(op.op_id);
        this.emit('rejected', { op, code: 'message_too_large', message: 'Too large.' });
        continue;
      }
      try {
        this.ws.send(text);
      } catch {
        return; // the close event will bring us back
      }
      this.outbox.markSent(op.op_id);
    }
  }

  // ---- persistence --------------------------------------------------------------

  _loadOutbox() {
    if (!this.storage) return [];
    try {
      return parseSavedOutbox(this.storage.getItem(outboxKey(this.boardId, this.memberId)));
    } catch {
      return [];
    }
  }

  _loadRefused() {
    if (!this.storage) return [];
    try {
      return parseSavedOutbox(this.storage.getItem(refusedKey(this.boardId, this.memberId))).filter(
        (op) => op && typeof op.op_id === 'string' && op.command && typeof op.command.type === 'string',
      );
    } catch {
      return [];
    }
  }

  _saveRefused() {
    if (!this.storage) return;
    const key = refusedKey(this.boardId, this.memberId);
    try {
      if (this.refused.length === 0) this.storage.removeItem(key);
      else this.storage.setItem(key, JSON.stringify(this.refused));
    } catch (err) {
      this.emit('log', { message: `could not save the refused notes: ${err}` });
    }
  }

  _saveOutbox() {
    if (!this.storage) return;
    const key = outboxKey(this.boardId, this.memberId);
    try {
      const saved = parseSavedOutbox(this.storage.getItem(key));
      const merged = mergeSavedOutbox(saved, this.outbox.list(), this.settledHere);
      if (merged.length === 0) this.storage.removeItem(key);
      else this.storage.setItem(key, JSON.stringify(merged));
    } catch (err) {
      // Storage full or disabled: the ops are still in memory and will be sent.
      this.emit('log', { message: `could not save the outbox: ${err}` });
    }
  }
}
