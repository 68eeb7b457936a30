// What this browser sends on a board's websocket (docs/protocol.md §2): the
// outbox's ops, as fast as the send rate allows — several in one `ops` frame
// when more than one waits (after a reconnect, a burst of moves) — and the
// pointer and the board rectangle on screen, which are worth sending only now.
// Each function gets the Connection (core/connection.js), which owns the
// socket, the outbox and the timers; what arrives is incoming.js's.

import { cursorPoint, sameRect } from '../board/cursors.js';
// connection.js imports this module too; only functions here read ConnState
// (never while the modules load), so the cycle is harmless.
import { ConnState } from './connection.js';

// §2: client frames are at most 64 KiB; an `ops` frame holds 1 to 100 ops.
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_OPS_PER_FRAME = 100;

const encoder = new TextEncoder();
const byteLength = (text) => encoder.encode(text).length;

/** Send `msg` now if the socket is open; true when it went. */
export function sendRaw(conn, msg) {
  return sendText(conn, JSON.stringify(msg));
}

function sendText(conn, text) {
  if (!conn.ws || conn.ws.readyState !== 1) return false;
  try {
    conn.ws.send(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Send every unsent outbox op, oldest first, as fast as the rate limit allows:
 * one `op` frame when one is waiting, `ops` frames (in order, each within the
 * frame limits) when more are.
 */
export function flush(conn) {
  if (conn.state !== ConnState.LIVE || !conn.ws) return;
  let batch = []; // [{op, text}] of the frame being filled
  let bytes = 0;
  const sendBatch = () => {
    if (batch.length === 0) return true;
    const text =
      batch.length === 1
        ? JSON.stringify({ type: 'op', ...batch[0].entry })
        : `{"type":"ops","ops":[${batch.map((b) => b.text).join(',')}]}`;
    const went = sendText(conn, text);
    if (went) for (const { entry } of batch) conn.outbox.markSent(entry.op_id);
    batch = [];
    bytes = 0;
    return went; // if not, the close event will bring us back
  };
  for (const op of conn.outbox.unsent()) {
    const now = conn.clock.now();
    if (!conn.bucket.take(now)) {
      scheduleFlush(conn, conn.bucket.waitMs(now));
      break;
    }
    const entry = { op_id: op.op_id, command: op.command };
    const text = JSON.stringify(entry);
    const size = byteLength(text);
    // The frame around one entry: `{"type":"op",` … or `{"type":"ops","ops":[` … `]}`.
    if (size + 32 > MAX_MESSAGE_BYTES) {
      // The server would close the socket with 1009; refuse it here instead.
      conn._settle(op.op_id);
      conn.emit('rejected', { op, code: 'message_too_large', message: 'Too large.' });
      continue;
    }
    if (batch.length === MAX_OPS_PER_FRAME || bytes + size + 1 + 32 > MAX_MESSAGE_BYTES) {
      if (!sendBatch()) return;
    }
    batch.push({ entry, text });
    bytes += size + 1;
  }
  sendBatch();
}

/** Flush again in `ms` (once: a flush already waiting covers it). */
export function scheduleFlush(conn, ms) {
  if (conn.timers.flush !== null) return;
  conn.timers.flush = conn.clock.setTimeout(() => {
    conn.timers.flush = null;
    flush(conn);
  }, ms);
}

/** The pointer, while live (the throttle calls this at most every 100 ms). */
export function sendCursor(conn, point) {
  if (conn.state !== ConnState.LIVE) return;
  sendRaw(conn, { type: 'cursor', x: point.x, y: point.y });
}

/** The board rectangle on screen, after welcome and when it changed. */
export function sendView(conn, view) {
  if (!conn._welcomed() || sameRect(view, conn.sentView)) return;
  if (sendRaw(conn, { type: 'view', x: view.x, y: view.y, w: view.w, h: view.h })) conn.sentView = view;
}

/** Where this person's pointer is: to the throttle while live, dropped otherwise. */
export function moveCursor(conn, x, y) {
  const point = cursorPoint(x, y);
  if (!point) return;
  if (conn.state !== ConnState.LIVE || !conn.ws) {
    conn.cursorThrottle.cancel();
    return;
  }
  conn.cursorThrottle.push(point);
}

/** The socket is gone: whatever pointer or view was waiting is worthless now. */
export function stopEphemeral(conn) {
  conn.cursorThrottle.cancel();
  conn.viewThrottle.cancel();
  conn.sentView = null;
}
