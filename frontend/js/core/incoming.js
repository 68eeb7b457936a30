// What the server sends on a board's websocket, taken in by a Connection
// (core/connection.js; docs/protocol.md §2–3): control messages (welcome,
// snapshot, own votes and notes, acks, errors, presence, cursors, warnings,
// pongs) and events, folded into the confirmed state with core/state.js. Each
// function gets the connection, changes its state and says what changed
// through its emitter; the socket, timers and outbox stay in connection.js.

import { KEPT_WHEN_REFUSED } from '../collection/collection.js';
import { cursorEveryMs } from '../board/cursors.js';
import { applyEvent, applyOwnNotes, applyOwnVotes, fromSnapshot, hideAuthors, StateError, UnknownEventError } from './state.js';
import { classifySeq, RETRYABLE_ERRORS } from './sync.js';
import { PROTOCOL_VERSION } from './vocabulary.js';
// connection.js imports this module too; only functions here read these
// (never while the modules load), so the cycle is harmless.
import { ConnState, OVER_BUDGET_WAIT_MS } from './connection.js';

const utf8 = new TextDecoder();

// After `rate_limited` or `internal_error` the op is tried again this much later.
const RETRY_AFTER_MS = 1_000;

export function receive(conn, ws, ev) {
  if (ws !== conn.ws) return;
  conn.lastHeard = conn.clock.now();
  let messages;
  try {
    messages = JSON.parse(typeof ev.data === 'string' ? ev.data : utf8.decode(ev.data));
  } catch {
    conn.emit('log', { message: 'a frame that is not JSON' });
    return;
  }
  if (!Array.isArray(messages)) messages = [messages];

  // One `change` per frame, however many events it carried.
  const change = { reset: false, events: [], ownVotes: false };
  try {
    for (const msg of messages) {
      if (ws !== conn.ws) break; // handled a gap or a fatal error
      handleMessage(conn, msg, change);
    }
  } finally {
    if (change.reset || change.ownVotes || change.events.length > 0) conn.emit('change', change);
  }
}

function handleMessage(conn, msg, change) {
  // §2: a type with a dot is an event; the rest are control messages
  // (`ack`, `snapshot` and `own_votes` carry a seq too, so never branch on `seq`).
  if (typeof msg?.type === 'string' && msg.type.includes('.')) {
    handleEvent(conn, msg, change);
    return;
  }
  switch (msg?.type) {
    case 'welcome':
      handleWelcome(conn, msg);
      return;
    case 'snapshot':
      handleSnapshot(conn, msg, change);
      return;
    case 'own_votes':
      handleOwnVotes(conn, msg, change);
      return;
    case 'own_notes':
      handleOwnNotes(conn, msg, change);
      return;
    case 'leader_view':
      // §2.3: a facilitator's viewport; app.js follows it while asked to.
      conn.emit('leader_view', { memberId: msg.member_id, x: msg.x, y: msg.y, w: msg.w, h: msg.h });
      return;
    case 'ack':
      conn._settle(msg.op_id);
      return;
    case 'error':
      handleError(conn, msg);
      return;
    case 'presence':
      for (const m of msg.joined ?? []) conn.online.set(m.id, m);
      for (const id of msg.left ?? []) conn.online.delete(id);
      conn.emit('presence', { online: conn.onlineList(), left: msg.left ?? [] });
      return;
    case 'cursors':
      if (Array.isArray(msg.c)) conn.emit('cursors', { entries: msg.c });
      return;
    case 'cursor_rate':
      setCursorRate(conn, msg.every_ms);
      return;
    case 'warning':
      // §2.8: over budget. This page never should be; say so, and keep the
      // server's cooldown for the close that may follow.
      if (typeof msg.retry_after === 'number' && msg.retry_after >= 0) {
        conn.overBudgetWaitMs = Math.max(OVER_BUDGET_WAIT_MS, msg.retry_after * 1000);
      }
      conn.emit('log', { message: `server warning ${msg.code}: ${msg.message}` });
      return;
    case 'pong':
      if (typeof msg.server_time === 'number') {
        conn.serverOffset = msg.server_time - conn.clock.now();
      }
      return;
    default:
      // A control message from a newer server: harmless to skip, but say so.
      conn.emit('log', { message: `unknown message type ${msg?.type}` });
  }
}

/**
 * §2.5: a crowded board asks for pointer moves less often (and sends them
 * less often); the others' pointers glide over the same interval.
 */
function setCursorRate(conn, everyMs) {
  const ms = cursorEveryMs(everyMs);
  if (ms === conn.cursorThrottle.interval) return;
  conn.cursorThrottle.interval = ms;
  conn.emit('cursor_rate', { everyMs: ms });
}

function handleWelcome(conn, msg) {
  if (conn.state !== ConnState.AWAITING_WELCOME) {
    conn.emit('log', { message: 'unexpected welcome' });
    conn._reconnectNow();
    return;
  }
  if (msg.protocol !== PROTOCOL_VERSION) {
    conn.stop();
    conn.emit('fatal', { reason: 'reload', closeCode: null });
    return;
  }
  conn.member = msg.member;
  conn.headSeq = msg.head_seq;
  if (typeof msg.server_time === 'number') conn.serverOffset = msg.server_time - conn.clock.now();
  conn.online = new Map((msg.online ?? []).map((m) => [m.id, m]));
  setCursorRate(conn, msg.cursor_every_ms);
  conn.emit('welcome', {
    member: msg.member,
    resume: msg.resume,
    online: conn.onlineList(),
    lastSeenSeq: msg.last_seen_seq ?? null,
  });
  conn.emit('presence', { online: conn.onlineList() });
  conn._setState(ConnState.CATCHING_UP);
  // §2.5: say once per connection which part of the board is on screen.
  conn.sentView = null;
  if (conn.view) conn.viewThrottle.sendNow(conn.view);
  if (msg.resume === 'incremental') conn._maybeLive();
  // 'reset': a snapshot follows.
}

function handleSnapshot(conn, msg, change) {
  if (conn.state !== ConnState.CATCHING_UP && conn.state !== ConnState.LIVE) {
    conn.emit('log', { message: 'snapshot before welcome' });
    conn._reconnectNow();
    return;
  }
  conn.board = fromSnapshot(msg);
  conn.lastSeq = msg.seq;
  // Ops whose events the old state held are in the snapshot too.
  change.reset = true;
  change.events = [];
  conn._maybeLive();
}

/** §2.3: this viewer's own ballots, right after every snapshot (same seq). */
function handleOwnVotes(conn, msg, change) {
  if (conn.lastSeq === null || (msg.seq !== undefined && msg.seq !== conn.lastSeq)) {
    // Not for the state we hold: the events since carry `mine` themselves.
    conn.emit('log', { message: `own_votes for seq ${msg.seq}, have ${conn.lastSeq}; skipped` });
    return;
  }
  applyOwnVotes(conn.board, msg);
  change.ownVotes = true;
}

/** §2.3: this viewer's private notes, own notes and "I'm done" steps, right after every snapshot. */
function handleOwnNotes(conn, msg, change) {
  if (conn.lastSeq === null || (msg.seq !== undefined && msg.seq !== conn.lastSeq)) {
    conn.emit('log', { message: `own_notes for seq ${msg.seq}, have ${conn.lastSeq}; skipped` });
    return;
  }
  applyOwnNotes(conn.board, msg);
  change.ownVotes = true;
}

function handleEvent(conn, event, change) {
  if (conn.state !== ConnState.CATCHING_UP && conn.state !== ConnState.LIVE) {
    conn.emit('log', { message: 'event before welcome' });
    conn._reconnectNow();
    return;
  }
  const verdict = classifySeq(conn.lastSeq, event.seq);
  if (verdict === 'stale') return;
  if (verdict === 'gap') {
    // §2.2: never paper over a gap; come back with last_seq and let the
    // server send what is missing (or a snapshot).
    conn.emit('log', { message: `gap: have ${conn.lastSeq}, got ${event.seq}` });
    conn._reconnectNow();
    return;
  }
  try {
    applyEvent(conn.board, event);
    if (event.type === 'board.anonymity_changed' && conn.member) {
      // From now on the server sends this page no authors; blank the ones it
      // already holds so the screen follows the new rule at once.
      hideAuthors(conn.board, conn.member);
    }
  } catch (err) {
    if (err instanceof UnknownEventError) {
      // The server speaks events this page does not know: it is out of date.
      conn.stop();
      conn.emit('fatal', { reason: 'reload', closeCode: null, error: err });
      return;
    }
    if (err instanceof StateError) {
      // Our state disagrees with the server's. Ask for a snapshot (hello
      // with last_seq null); the old state stays on screen until it comes.
      conn.emit('log', { message: `state error: ${err.message}; resetting` });
      conn.lastSeq = null;
      conn._reconnectNow();
      return;
    }
    throw err;
  }
  conn.lastSeq = event.seq;
  // Our own vote in an anonymous round has an empty actor but keeps its
  // op_id and says `mine`.
  // On an anonymous board our own events keep only their op_id.
  const ours = event.actor === conn.memberId || event.data?.mine === true || event.actor === '';
  if (ours && event.op_id) conn.outbox.markEchoed(event.op_id);
  change.events.push(event);
  // §2.3: a summons moves the view of live clients only, never on catching up.
  if (event.type === 'attention.summoned' && conn.state === ConnState.LIVE) conn.emit('summoned', { ...event.data });
  if (conn.state === ConnState.CATCHING_UP) conn._maybeLive();
}

function handleError(conn, msg) {
  const opId = msg.op_id;
  if (!opId || !conn.outbox.has(opId)) {
    conn.emit('servererror', { code: msg.code, message: msg.message });
    return;
  }
  if (RETRYABLE_ERRORS.has(msg.code)) {
    // Same op_id again a little later: it is applied at most once.
    conn.outbox.markUnsent(opId);
    conn._scheduleFlush(RETRY_AFTER_MS);
    return;
  }
  const op = conn._settle(opId);
  if (op && KEPT_WHEN_REFUSED.has(msg.code)) {
    conn.refused.push({ op_id: op.op_id, command: op.command, code: msg.code });
    conn._saveRefused();
    conn.emit('refused', { refused: conn.refused, op, code: msg.code });
    return;
  }
  conn.emit('rejected', { op, code: msg.code, message: msg.message });
}
