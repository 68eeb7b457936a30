// The websocket to one board (docs/protocol.md §2–3).
//
//   connecting → awaiting-welcome → catching-up → live
//        ↑                                         │
//        └──────── offline (backoff) ←─────────────┘   (or: stopped, for good)
//
// The connection owns the confirmed state (what the server has said, folded
// with state.js) and the outbox (what this browser asked for and has no answer
// to yet). It tells app.js about changes through a tiny event emitter. What
// the server sends is taken in by incoming.js; what this browser sends goes
// out through outgoing.js; what is kept in localStorage, by outbox-store.js.
// The first socket may have been opened by core/boot.js before the page's
// modules arrived: the connection takes it over (`early`).
//
// Everything the browser provides (WebSocket, timers, clock, storage) can be
// handed in, so tests/js/ drive this module with fakes.
//
// Live cursors (§2.5) ride on the same socket but never touch the outbox: a
// pointer position is worth sending only now, so while the connection is not
// live it is dropped, not kept.

import { CURSOR_EVERY_MS, Throttle, VIEW_EVERY_MS } from '../board/cursors.js';
import { receive } from './incoming.js';
import { flush, moveCursor, scheduleFlush, sendCursor, sendRaw, sendView, stopEphemeral } from './outgoing.js';
import { OutboxStore } from './outbox-store.js';
import { emptyState } from './state.js';
import { backoffDelay, newOpId, Outbox, TokenBucket } from './sync.js';
import { CLOSE_CODES, PROTOCOL_VERSION } from './vocabulary.js';

export { PROTOCOL_VERSION };
export { outboxKey } from './outbox-store.js';

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
// §2.8: after 4029 (too many messages) wait at least this long, or the
// `retry_after` of the server's last warning, before coming back.
export const OVER_BUDGET_WAIT_MS = 30_000;
// How many settled op_ids to remember for the multi-tab outbox merge.
const SETTLED_MEMORY = 1_000;

export function websocketUrl(location, boardId) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws/boards/${encodeURIComponent(boardId)}`;
}

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
   * @param {object} [opts.early]     a socket core/boot.js opened for this member (`firstSocket`)
   */
  constructor(opts) {
    this.url = opts.url;
    this.boardId = opts.boardId;
    this.memberId = opts.member.member_id;
    this.credential = opts.member.credential;
    this.storage = opts.storage ?? null;
    this.store = new OutboxStore(this.storage, this.boardId, this.memberId);
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
    this.early = opts.early?.credential === this.credential ? opts.early : null;
    if (opts.early && !this.early) opts.early.ws.close(1000); // someone else's: not ours to use

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
    this.cursorThrottle = new Throttle(CURSOR_EVERY_MS, this.clock, (p) => sendCursor(this, p));
    this.viewThrottle = new Throttle(VIEW_EVERY_MS, this.clock, (v) => sendView(this, v));

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
    moveCursor(this, x, y);
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
    const early = this.early;
    this.early = null; // the first socket only: a reconnect opens its own
    let ws = early?.ws;
    try {
      ws ??= new this.WebSocket(this.url);
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
    ws.onmessage = (ev) => receive(this, ws, ev);
    ws.onclose = (ev) => this._onClose(ws, ev);
    ws.onerror = () => {}; // a close event always follows
    this._startHeartbeat();
    if (early) this._takeOver(ws, early);
  }

  /**
   * The socket boot.js opened (and greeted, once open): what it heard so far
   * is taken in now, in order, as if it had just arrived.
   */
  _takeOver(ws, early) {
    if (early.opened) this._setState(ConnState.AWAITING_WELCOME);
    for (const ev of early.messages) receive(this, ws, ev);
    if (early.closed && ws === this.ws) this._onClose(ws, early.closed);
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
    stopEphemeral(this);
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
    stopEphemeral(this);
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

  // ---- incoming (the messages themselves: incoming.js) ------------------------------

  /** Milliseconds on the server's clock now (`serverOffset` from welcome and pong). */
  serverNow() {
    return this.clock.now() + this.serverOffset;
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
    return sendRaw(this, msg);
  }

  /** After welcome on the current socket (catching up or live). */
  _welcomed() {
    return Boolean(this.ws) && (this.state === ConnState.CATCHING_UP || this.state === ConnState.LIVE);
  }

  _scheduleFlush(ms) {
    scheduleFlush(this, ms);
  }

  /** Send every unsent outbox op (outgoing.js). */
  _flush() {
    flush(this);
  }

  // ---- persistence (outbox-store.js) ---------------------------------------------

  _loadOutbox() {
    return this.store.loadOutbox();
  }

  _loadRefused() {
    return this.store.loadRefused();
  }

  _saveRefused() {
    try {
      this.store.saveRefused(this.refused);
    } catch (err) {
      this.emit('log', { message: `could not save the refused notes: ${err}` });
    }
  }

  _saveOutbox() {
    try {
      this.store.saveOutbox(this.outbox.list(), this.settledHere);
    } catch (err) {
      // Storage full or disabled: the ops are still in memory and will be sent.
      this.emit('log', { message: `could not save the outbox: ${err}` });
    }
  }
}
