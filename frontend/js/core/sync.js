// Pure bookkeeping for the websocket client (docs/protocol.md §2–3): sequence
// checks, the outbox of unacknowledged ops, reconnect backoff, a send-rate
// limiter and ids. No DOM, no sockets, no timers: connection.js drives these,
// and tests/js/ checks them with `node --test`.

/**
 * What to do with an event whose `seq` arrives when `lastSeq` is the highest
 * seq applied (`null`: nothing applied yet, a snapshot must come first).
 * - 'apply': the next one (lastSeq + 1)
 * - 'stale': already applied (seq ≤ lastSeq) — ignore it
 * - 'gap':   something is missing — reconnect with lastSeq (§2.2)
 */
export function classifySeq(lastSeq, seq) {
  if (!Number.isInteger(seq)) return 'gap';
  if (lastSeq === null || lastSeq === undefined) return 'gap';
  if (seq === lastSeq + 1) return 'apply';
  if (seq <= lastSeq) return 'stale';
  return 'gap';
}

// Reconnect waits 0.5 s, 1 s, 2 s … up to 15 s (§3), each ±20 % so that a
// room full of browsers does not come back in the same millisecond after a
// server restart.
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 15_000;

/** Milliseconds to wait before reconnect attempt number `attempt` (0, 1, 2 …). */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS * 0.8, jittered)));
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `prefix` + `length` random base-36 characters from crypto.getRandomValues
 * (rejection sampling, so every character is equally likely). 16 characters
 * are about 82 bits: op_ids and note ids never collide in practice.
 */
export function randomId(prefix, length = 16) {
  let out = prefix;
  const bytes = new Uint8Array(length * 2);
  while (out.length < prefix.length + length) {
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 252 && out.length < prefix.length + length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export const newOpId = () => randomId('o_');
export const newNoteId = () => randomId('n_');
export const newFrameId = () => randomId('f_');
export const newRoundId = () => randomId('r_');
export const newGroupId = () => randomId('g_');
export const newLinkId = () => randomId('l_');

/** Errors after which the same op may be tried again (same op_id, §2.5). */
export const RETRYABLE_ERRORS = new Set(['rate_limited', 'internal_error']);

/**
 * The ops that have no `ack` or `error` yet, in the order they were made.
 * Each op is `{op_id, command}`. `sent` remembers which ops went out on the
 * current connection; it is not saved, because after a reload or reconnect
 * every op is sent again with its original op_id (the server answers a
 * duplicate with `"duplicate": true` and never applies it twice).
 */
export class Outbox {
  constructor(ops = []) {
    this.ops = [];
    for (const op of ops) {
      if (op && typeof op.op_id === 'string' && op.command && typeof op.command.type === 'string') {
        this.ops.push({ op_id: op.op_id, command: op.command });
      }
    }
    this.sent = new Set();
    // Ops whose event has come back (matched by op_id) but whose ack has not:
    // the confirmed state already holds them, so they are not predicted again.
    this.echoed = new Set();
  }

  get size() {
    return this.ops.length;
  }

  /** Append a new op; returns it. */
  add(command, opId) {
    const op = { op_id: opId, command };
    this.ops.push(op);
    return op;
  }

  /**
   * Add a `note.move`, folding it into the last op when that op moves the same
   * note and has not been sent yet (so arrow-key nudges made while offline
   * cost one op, not fifty). An op that went out is never changed: the server
   * may have applied it, and its op_id now stands for that command.
   * Returns the op that holds the move.
   */
  addMove(command, opId) {
    const last = this.ops[this.ops.length - 1];
    if (
      last &&
      !this.sent.has(last.op_id) &&
      last.command.type === 'note.move' &&
      last.command.note_id === command.note_id
    ) {
      last.command = command;
      return last;
    }
    return this.add(command, opId);
  }

  has(opId) {
    return this.ops.some((op) => op.op_id === opId);
  }

  /** Remove the op answered by an ack or a final error; returns it or null. */
  settle(opId) {
    const index = this.ops.findIndex((op) => op.op_id === opId);
    this.sent.delete(opId);
    this.echoed.delete(opId);
    if (index < 0) return null;
    return this.ops.splice(index, 1)[0];
  }

  /** The op's event is in the confirmed state; returns whether the op is ours. */
  markEchoed(opId) {
    if (!this.has(opId)) return false;
    this.echoed.add(opId);
    return true;
  }

  /** Ops to show on top of the confirmed state: those not echoed yet. */
  pending() {
    return this.ops.filter((op) => !this.echoed.has(op.op_id));
  }

  markSent(opId) {
    this.sent.add(opId);
  }

  /** The op may go out again (after a retryable error). */
  markUnsent(opId) {
    this.sent.delete(opId);
  }

  /** A new connection: nothing has been sent on it yet. */
  resetSent() {
    this.sent.clear();
  }

  /** Ops still to send on this connection, oldest first. */
  unsent() {
    return this.ops.filter((op) => !this.sent.has(op.op_id));
  }

  list() {
    return this.ops.map((op) => ({ op_id: op.op_id, command: op.command }));
  }

  toJSON() {
    return this.list();
  }
}

/**
 * A token bucket that keeps the client under the server's rate limit
 * (default 30 ops/s with bursts of 60, §2.5). Resending a large outbox after
 * a long offline spell would otherwise earn `rate_limited` errors.
 */
export class TokenBucket {
  constructor(ratePerSecond, burst, now) {
    this.rate = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.at = now;
  }

  refill(now) {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.at = now;
  }

  /** Take one token if there is one. */
  take(now) {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until a token is there. */
  waitMs(now) {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}

/** Parse a saved outbox (localStorage text); anything broken gives an empty list. */
export function parseSavedOutbox(text) {
  if (!text) return [];
  try {
    const ops = JSON.parse(text);
    return Array.isArray(ops) ? ops : [];
  } catch {
    return [];
  }
}

/**
 * The outbox list to save when several tabs of the same member share one
 * localStorage key: keep what another tab saved (unless this tab has settled
 * it), and put this tab's own ops, as they are now, after it. Without the merge
 * the last tab to write would drop the other tabs' unsent ops.
 */
export function mergeSavedOutbox(savedOps, myOps, settledHere) {
  const mine = new Set(myOps.map((op) => op.op_id));
  const others = savedOps.filter(
    (op) => op && !mine.has(op.op_id) && !settledHere.has(op.op_id),
  );
  return [...others, ...myOps];
}
