// Load generator for Samskapa's benchmarks (and for the minimal relay, relay.mjs).
//
// Why Node.js: the generator shares a 2-core machine with the server, so it has
// to cost much less per delivery than the server does. One Node process with
// `ws` holds thousands of connections and counts deliveries by byte search
// (`"op_id":"…`), never parsing a frame as JSON unless it carries an error.
//
// Usage: node loadgen.mjs CONFIG.json   (written by the Python benchmark scripts)
//
// It prints one JSON object per line on stdout:
//   {"event":"connected", ...}       every connection said hello and got its welcome
//   {"event":"measure_start", ...}   a step's measured window begins (after its warm-up)
//   {"event":"measure_end", ...}     the step stops sending; what is in flight drains
//   {"event":"result", ...}          the step's figures
//   {"event":"done"}                 all steps ran (or stopped early), connections closed
//   {"event":"probe", ...}           after SIGUSR2: how many open connections answered a ping
//
// Latency: each op's op_id is PREFIX + index; the send time of every index is kept
// here, and every receiver records when the op's event (or, for the relay, the
// forwarded message) arrives. "Every screen" is when the last expected receiver
// has it. Everything is bounded in count and time.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const PREFIX = config.idPrefix ?? "w";
const PROTOCOL = config.protocol ?? "samskapa"; // "samskapa" | "relay"
const CURSOR_HZ = config.cursorHz ?? 0;
const PING_EVERY_MS = config.pingEveryMs ?? 15000;
const MIX = config.opMix ?? { create: 0.2, move: 0.5, edit: 0.3 };
const MAX_NOTES = config.maxNotesPerBoard ?? 1000;
const STOP_ABOVE = config.stopAboveP99Ms ?? null;
const STOP_AFTER = config.stopAfterFailures ?? 1; // consecutive failing steps before stopping
// Stop at once when the receivers get less than this share of the offered deliveries.
const STOP_BELOW_SHARE = config.stopBelowDeliveryShare ?? 0;
const STEPS = config.steps ?? [];
// At most this many ops in one frame ("ops", docs/protocol.md §2.3): the ops of a
// connection that fall due at the same moment leave together, as a browser
// sends what its outbox holds. 1: one op per frame.
const BATCH_OPS = config.batchOps ?? 1;
// One sender whose ops every receiver gets in order, each in full (raw fan-out):
// a receiver's frame then holds a run of consecutive ops, and reading its first
// and last op id tells which (two searches per frame instead of one per event;
// see onRun). Off: every op id in a frame is looked for (several senders, votes).
const CONSECUTIVE_OPS = Boolean(config.consecutiveOps);
// No event of the benchmarks' is shorter than this many bytes: a run longer than
// its frame could hold is not believed, and the frame is read op id by op id.
const MIN_EVENT_BYTES = 40;
const HARD_LIMIT_MS = config.hardLimitMs ?? 30 * 60 * 1000;
const now = () => performance.now();

function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

// Nothing runs forever, whatever happens.
setTimeout(() => {
  emit({ event: "error", message: "hard time limit reached" });
  process.exit(3);
}, HARD_LIMIT_MS).unref();

// A small deterministic PRNG (mulberry32).
let seed = (config.seed ?? 1) >>> 0;
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const WORDS = ["elvägar", "depåer", "biogas", "hamnar", "vätgas", "laddning", "kommuner", "åkerier"];
const COLORS = ["yellow", "orange", "pink", "green", "blue", "purple", "grey"];
const KINDS = ["idea", "goal", "challenge", "question"];
function words(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(" ");
}

// -- op bookkeeping, indexed by op number --------------------------------------------------------

const MAX_OPS = Math.max(
  1000,
  Math.ceil(STEPS.reduce((n, s) => n + (s.rate * (s.warmupMs + s.durationMs)) / 1000, 0) * 1.05) + 1000,
);
const sendT = new Float64Array(MAX_OPS); // when each op was sent
const ackT = new Float64Array(MAX_OPS); // when its sender got the ack (Samskapa)
const lastT = new Float64Array(MAX_OPS); // when its event reached the last receiver so far
const seen = new Uint32Array(MAX_OPS); // receivers that have its event
const opBoard = new Uint16Array(MAX_OPS);
const opKind = new Uint8Array(MAX_OPS); // 1 create, 2 move, 3 edit, 4 cast, 5 withdraw, 6 setup
const opConn = new Int32Array(MAX_OPS);
const opNote = new Array(MAX_OPS); // note id of casts (for later withdrawals)
const opFailed = new Uint8Array(MAX_OPS);
let opsSent = 0;

// -- boards and connections ----------------------------------------------------------------------

const boardIndex = new Map();
const boards = []; // {id, receivers, notes: [], pendingCreates}
function boardOf(id) {
  let i = boardIndex.get(id);
  if (i === undefined) {
    i = boards.length;
    boardIndex.set(id, i);
    boards.push({ id, receivers: 0, notes: [], pendingCreates: 0 });
  }
  return i;
}

const conns = config.connections.map((c, i) => ({
  i,
  url: c.url,
  credential: c.credential ?? null,
  lastSeq: c.lastSeq ?? null,
  sender: Boolean(c.sender),
  receiver: c.receiver !== false,
  board: boardOf(c.board ?? "relay"),
  view: c.view ?? null, // [x, y, w, h] in board units
  ws: null,
  live: false,
  closedCode: null,
  cx: 0,
  cy: 0,
  votes: [], // note ids this member has a vote on (acknowledged casts)
}));
for (const c of conns) {
  if (c.receiver) boards[c.board].receivers += 1;
  if (c.view) {
    c.cx = c.view[0] + rand() * c.view[2];
    c.cy = c.view[1] + rand() * c.view[3];
  }
}
// For the relay the sender's own message does not come back.
const expectedFor = (b) => boards[b].receivers;
const senders = conns.filter((c) => c.sender);

// -- the measured window -------------------------------------------------------------------------

const HIST_RES = 20; // buckets per ms (50 µs)
const HIST_MAX = 30000 * HIST_RES; // 30 s
let hist = new Uint32Array(HIST_MAX + 1);
let measuring = false;
let win = null;
function newWindow() {
  return {
    deliveries: 0,
    cursorMsgs: 0,
    bytes: 0,
    frames: 0,
    errors: {},
    firstErrors: [],
    closes: {},
    sendLagMax: 0,
    sendLags: [],
    loopLagMax: 0,
  };
}
win = newWindow();
const closesTotal = {};

// -- receiving -----------------------------------------------------------------------------------

const OPID = Buffer.from('"op_id":"');
const ACK_BEFORE = Buffer.from('"ack",');
const ERROR_MARK = Buffer.from('"type":"error"');
const CURSORS_MARK = Buffer.from('{"type":"cursors"');
const WELCOME_MARK = Buffer.from('"type":"welcome"');
// The board's pointer rate (welcome's cursor_every_ms, then cursor_rate
// messages): clients send no more often than that, as the browser does.
const RATE_MARKS = [Buffer.from('"cursor_every_ms":'), Buffer.from('"type":"cursor_rate","every_ms":')];
function noteCursorRate(conn, data) {
  for (const mark of RATE_MARKS) {
    const at = data.indexOf(mark);
    if (at < 0) continue;
    const ms = Number.parseInt(data.toString("latin1", at + mark.length, at + mark.length + 8), 10);
    if (ms > 0) conn.cursorEveryMs = ms;
  }
}
const PREFIX_BYTES = Buffer.from(PREFIX);

function parseIndex(buf, pos) {
  // pos: first byte after `"op_id":"`; returns the op number or -1.
  for (let k = 0; k < PREFIX_BYTES.length; k++) {
    if (buf[pos + k] !== PREFIX_BYTES[k]) return -1;
  }
  let p = pos + PREFIX_BYTES.length;
  let n = 0;
  let digits = 0;
  for (;;) {
    const b = buf[p];
    if (b >= 48 && b <= 57) {
      n = n * 10 + (b - 48);
      digits += 1;
      p += 1;
    } else break;
  }
  return digits > 0 && buf[p] === 34 && n < MAX_OPS ? n : -1;
}

function onEvent(conn, idx, t, counted = false) {
  if (!conn.receiver) return;
  seen[idx] += 1;
  if (t > lastT[idx]) lastT[idx] = t;
  if (measuring) {
    if (!counted) win.deliveries += 1;
    const lat = t - sendT[idx];
    const b = lat < 0 ? 0 : Math.min(HIST_MAX, Math.floor(lat * HIST_RES));
    hist[b] += 1;
  }
}

// Vote events reach everyone but the voter without an op_id (anonymous rounds),
// so they are matched by (board, seq): the voter's ack says which seq an op got.
// Arrivals that come before that ack wait here.
const SEQ_MARK = Buffer.from('{"seq":');
const seqToOp = new Map(); // "board:seq" -> op index
const waiting = new Map(); // "board:seq" -> [[conn, t], ...]
function readNumber(buf, p) {
  let n = 0;
  let digits = 0;
  while (buf[p] >= 48 && buf[p] <= 57) {
    n = n * 10 + (buf[p] - 48);
    p += 1;
    digits += 1;
  }
  return digits > 0 ? n : -1;
}
function onAnonymousEvent(conn, data, pos, t) {
  const start = data.lastIndexOf(SEQ_MARK, pos);
  if (start < 0 || !conn.receiver) return;
  const seq = readNumber(data, start + SEQ_MARK.length);
  if (seq < 0) return;
  const key = `${conn.board}:${seq}`;
  const idx = seqToOp.get(key);
  if (idx !== undefined) {
    onEvent(conn, idx, t);
    return;
  }
  if (measuring) win.deliveries += 1;
  let list = waiting.get(key);
  if (list === undefined) waiting.set(key, (list = []));
  list.push([conn, t]);
}
function learnSeq(idx, seq) {
  const key = `${opBoard[idx]}:${seq}`;
  seqToOp.set(key, idx);
  const list = waiting.get(key);
  if (list !== undefined) {
    waiting.delete(key);
    for (const [conn, t] of list) onEvent(conn, idx, t, true);
  }
}
const ACK_SEQ = Buffer.from('"seq":');

function onAck(conn, idx, t, seq = -1) {
  if (!conn.sender || ackT[idx]) return;
  ackT[idx] = t;
  if ((opKind[idx] === 4 || opKind[idx] === 5) && seq >= 0) learnSeq(idx, seq);
  if (opKind[idx] === 1) {
    const board = boards[opBoard[idx]];
    board.pendingCreates -= 1;
    board.notes.push(`n${PREFIX}${idx}`);
  } else if (opKind[idx] === 4) {
    conns[opConn[idx]].votes.push(opNote[idx]);
  }
}

function onError(conn, msg) {
  const code = msg.code ?? "?";
  win.errors[code] = (win.errors[code] ?? 0) + 1;
  if (win.firstErrors.length < 5) win.firstErrors.push(msg);
  const id = typeof msg.op_id === "string" ? msg.op_id : "";
  if (id.startsWith(PREFIX)) {
    const idx = Number(id.slice(PREFIX.length));
    if (Number.isInteger(idx) && idx < MAX_OPS) {
      opFailed[idx] = 1;
      if (opKind[idx] === 1) boards[opBoard[idx]].pendingCreates -= 1;
    }
  }
}

// A receiver's frame of consecutive ops (CONSECUTIVE_OPS): the ops from its
// first op id to its last, all arrived now. False when the frame is not such a
// run (no op id, someone else's vote, an error, a run too long for the frame).
function onRun(conn, data, t) {
  const first = data.indexOf(OPID);
  if (first < 0) return false;
  const a = parseIndex(data, first + OPID.length);
  if (a < 0) return false;
  const last = data.lastIndexOf(OPID);
  const b = last === first ? a : parseIndex(data, last + OPID.length);
  if (b < a || (b - a + 1) * MIN_EVENT_BYTES > data.length || data.indexOf(ERROR_MARK) >= 0) return false;
  for (let idx = a; idx <= b; idx++) onEvent(conn, idx, t);
  return true;
}

function onFrame(conn, data) {
  const t = now();
  if (measuring) {
    win.bytes += data.length;
    win.frames += 1;
  }
  if (CONSECUTIVE_OPS && conn.live && conn.receiver && !conn.sender && onRun(conn, data, t)) return;
  if (!conn.live) {
    if (PROTOCOL === "samskapa" && data.indexOf(WELCOME_MARK) >= 0) conn.live = true;
    if (PROTOCOL === "samskapa" && CURSOR_HZ > 0) noteCursorRate(conn, data);
    return;
  }
  if (conn.probing && data.indexOf(PONG_MARK) >= 0) onProbeAnswer(conn);
  if (data.indexOf(ERROR_MARK) >= 0) {
    // Slow path, rare: parse the frame and handle each message in order.
    for (const msg of JSON.parse(data.toString())) {
      const type = msg.type ?? "";
      if (type === "error") onError(conn, msg);
      else if (type === "ack" || type.includes(".")) {
        const id = typeof msg.op_id === "string" ? msg.op_id : "";
        if (id === "" && type !== "ack") {
          const key = `${conn.board}:${msg.seq}`;
          const idx = seqToOp.get(key);
          if (idx !== undefined) onEvent(conn, idx, t);
          else if (conn.receiver) {
            if (measuring) win.deliveries += 1;
            if (!waiting.has(key)) waiting.set(key, []);
            waiting.get(key).push([conn, t]);
          }
          continue;
        }
        const idx = id.startsWith(PREFIX) ? Number(id.slice(PREFIX.length)) : -1;
        if (Number.isInteger(idx) && idx >= 0 && idx < MAX_OPS) {
          if (type === "ack") onAck(conn, idx, t, msg.seq ?? -1);
          else onEvent(conn, idx, t);
        }
      } else if (type === "cursors" && measuring) win.cursorMsgs += 1;
    }
    return;
  }
  let pos = data.indexOf(OPID);
  while (pos >= 0) {
    const at = pos + OPID.length;
    if (data[at] === 34) {
      onAnonymousEvent(conn, data, pos, t); // `"op_id":""`: someone else's vote
    } else {
      const idx = parseIndex(data, at);
      if (idx >= 0) {
        const isAck = pos >= 6 && data.compare(ACK_BEFORE, 0, 6, pos - 6, pos) === 0;
        if (isAck) {
          const s = data.indexOf(ACK_SEQ, at);
          onAck(conn, idx, t, s >= 0 ? readNumber(data, s + ACK_SEQ.length) : -1);
        } else onEvent(conn, idx, t);
      }
    }
    pos = data.indexOf(OPID, at);
  }
  if (measuring && CURSOR_HZ > 0) {
    let c = data.indexOf(CURSORS_MARK);
    while (c >= 0) {
      win.cursorMsgs += 1;
      c = data.indexOf(CURSORS_MARK, c + CURSORS_MARK.length);
    }
  }
}

// -- connecting ----------------------------------------------------------------------------------

function open(conn) {
  return new Promise((resolve) => {
    const ws = new WebSocket(conn.url, {
      perMessageDeflate: config.perMessageDeflate ?? false,
      skipUTF8Validation: true,
      handshakeTimeout: 30000,
      maxPayload: 256 * 1024 * 1024,
    });
    conn.ws = ws;
    let settled = false;
    const done = (ok) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const timer = setTimeout(() => done(false), config.connectTimeoutMs ?? 60000);
    ws.on("open", () => {
      if (PROTOCOL === "relay") {
        conn.live = true;
        clearTimeout(timer);
        done(true);
        return;
      }
      ws.send(
        JSON.stringify({ type: "hello", protocol: 1, credential: conn.credential, last_seq: conn.lastSeq }),
      );
    });
    ws.on("message", (data) => {
      const wasLive = conn.live;
      onFrame(conn, data);
      if (!wasLive && conn.live) {
        if (conn.view) {
          const [x, y, w, h] = conn.view;
          ws.send(JSON.stringify({ type: "view", x, y, w, h }));
        }
        clearTimeout(timer);
        done(true);
      }
    });
    ws.on("close", (code) => {
      conn.closedCode = code;
      conn.live = false;
      closesTotal[code] = (closesTotal[code] ?? 0) + 1;
      if (measuring) win.closes[code] = (win.closes[code] ?? 0) + 1;
      clearTimeout(timer);
      done(false);
    });
    ws.on("error", () => {});
  });
}

async function connectAll() {
  const started = now();
  const limit = config.connectConcurrency ?? 100;
  let next = 0;
  let failed = 0;
  async function worker() {
    while (next < conns.length) {
      const conn = conns[next++];
      if (!(await open(conn))) failed += 1;
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, conns.length) }, worker));
  return { ms: now() - started, failed };
}

// -- sending -------------------------------------------------------------------------------------

const VOTE_ROUND = config.voteRound ?? null;
const VOTE_SHARE = VOTE_ROUND ? (MIX.vote ?? 0) : 0;

function nextOp(conn, idx) {
  const board = boards[conn.board];
  opBoard[idx] = conn.board;
  opConn[idx] = conn.i;
  const v = conn.view ?? [-2000, -1500, 4000, 3000];
  const x = Math.round((v[0] + rand() * v[2]) * 10) / 10;
  const y = Math.round((v[1] + rand() * v[3]) * 10) / 10;
  const draw = rand();
  const full = board.notes.length + board.pendingCreates >= MAX_NOTES;
  // No acknowledged note yet (the server may be far behind): only a create makes sense.
  if (PROTOCOL === "relay" || board.notes.length === 0 || (!full && draw < MIX.create)) {
    if (PROTOCOL === "samskapa") {
      opKind[idx] = 1;
      board.pendingCreates += 1;
    }
    const color = COLORS[Math.floor(rand() * COLORS.length)];
    const kind = KINDS[Math.floor(rand() * KINDS.length)];
    const text = words(2 + Math.floor(rand() * 4));
    return { type: "note.create", note_id: `n${PREFIX}${idx}`, text, x, y, color, kind };
  }
  const noteId = board.notes[Math.floor(rand() * board.notes.length)];
  if (VOTE_SHARE > 0 && draw >= 1 - VOTE_SHARE) {
    // A third of the votes take one back, if this member has one.
    if (conn.votes.length > 0 && rand() < 1 / 3) {
      const k = Math.floor(rand() * conn.votes.length);
      const note = conn.votes[k];
      conn.votes.splice(k, 1);
      opKind[idx] = 5;
      return { type: "vote.withdraw", round_id: VOTE_ROUND, note_id: note };
    }
    opKind[idx] = 4;
    opNote[idx] = noteId;
    return { type: "vote.cast", round_id: VOTE_ROUND, note_id: noteId };
  }
  if (full ? draw < 0.6 : draw < MIX.create + MIX.move) {
    opKind[idx] = 2;
    return { type: "note.move", note_id: noteId, x, y };
  }
  opKind[idx] = 3;
  return { type: "note.edit", note_id: noteId, text: words(2 + Math.floor(rand() * 6)) };
}

// Ops of one connection waiting to leave together (BATCH_OPS > 1), until flushOps.
const queued = new Map(); // conn -> [entry JSON]

function flushOps(conn) {
  const entries = queued.get(conn);
  if (!entries || entries.length === 0) return;
  queued.delete(conn);
  if (!conn.live || conn.ws.readyState !== WebSocket.OPEN) return;
  conn.ws.send(
    entries.length === 1
      ? `{"type":"op",${entries[0].slice(1)}`
      : `{"type":"ops","ops":[${entries.join(",")}]}`,
  );
}

function flushAllOps() {
  for (const conn of [...queued.keys()]) flushOps(conn);
}

function sendOp(conn, due) {
  if (opsSent >= MAX_OPS) return;
  if (!conn.live || conn.ws.readyState !== WebSocket.OPEN) return;
  const idx = opsSent++;
  const command = nextOp(conn, idx);
  const entry = `{"op_id":"${PREFIX}${idx}","command":${JSON.stringify(command)}}`;
  const payload = `{"type":"op",${entry.slice(1)}`;
  const t = now();
  sendT[idx] = t;
  if (PROTOCOL === "relay") ackT[idx] = t;
  if (measuring) {
    const lag = t - due;
    if (lag > win.sendLagMax) win.sendLagMax = lag;
    if (win.sendLags.length < 200000) win.sendLags.push(lag);
  }
  if (BATCH_OPS > 1) {
    const entries = queued.get(conn) ?? [];
    entries.push(entry);
    queued.set(conn, entries);
    if (entries.length >= BATCH_OPS) flushOps(conn);
    return;
  }
  conn.ws.send(payload);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Cursors: every connection 10 times a second (CURSOR_HZ), spread over 10 ms slots,
// or less often when the server asks for it (cursor_every_ms, cursor_rate).
let cursorTimer = null;
function startCursors() {
  if (CURSOR_HZ <= 0) return;
  const slots = Math.max(1, Math.round(1000 / CURSOR_HZ / 10));
  let slot = 0;
  cursorTimer = setInterval(() => {
    const t = now();
    for (let i = slot; i < conns.length; i += slots) {
      const c = conns[i];
      if (!c.live || !c.view) continue;
      // Slower when the board asks for it (a crowded board, §2.5).
      if (c.cursorEveryMs > 1000 / CURSOR_HZ && t - (c.cursorAt ?? -Infinity) < c.cursorEveryMs - 5) continue;
      c.cursorAt = t;
      const [x, y, w, h] = c.view;
      c.cx = Math.min(x + w, Math.max(x, c.cx + (rand() - 0.5) * 40));
      c.cy = Math.min(y + h, Math.max(y, c.cy + (rand() - 0.5) * 40));
      c.ws.send(`{"type":"cursor","x":${c.cx.toFixed(1)},"y":${c.cy.toFixed(1)}}`);
    }
    slot = (slot + 1) % slots;
  }, 10);
}

// A liveness probe, on SIGUSR2: every connection that is open sends one ping,
// and the answer says how many got their pong back (within PROBE_TIMEOUT_MS).
// It shows that connections held for a long time are live both ways, not just
// counted as open on either side.
const PONG_MARK = Buffer.from('"type":"pong"');
const PROBE_TIMEOUT_MS = 60000;
let probe = null;
function startProbe() {
  if (probe) return;
  const live = conns.filter((c) => c.live);
  probe = { sent: live.length, answered: 0, started: now(), timer: null };
  probe.timer = setTimeout(endProbe, PROBE_TIMEOUT_MS);
  for (const c of live) {
    c.probing = true;
    c.ws.send('{"type":"ping"}');
  }
  if (live.length === 0) endProbe();
}
function onProbeAnswer(conn) {
  conn.probing = false;
  probe.answered += 1;
  if (probe.answered === probe.sent) endProbe();
}
function endProbe() {
  clearTimeout(probe.timer);
  for (const c of conns) c.probing = false;
  emit({ event: "probe", sent: probe.sent, answered: probe.answered, ms: now() - probe.started, total: conns.length });
  probe = null;
}
process.on("SIGUSR2", startProbe);

let pingTimer = null;
function startPings() {
  if (PROTOCOL !== "samskapa") return;
  const slots = Math.max(1, Math.round(PING_EVERY_MS / 100));
  let slot = 0;
  pingTimer = setInterval(() => {
    for (let i = slot; i < conns.length; i += slots) {
      const c = conns[i];
      if (c.live) c.ws.send('{"type":"ping"}');
    }
    slot = (slot + 1) % slots;
  }, 100);
}

// Event-loop lag: how late a 20 ms timer fires; a busy generator shows here.
let lastTick = now();
const lagTimer = setInterval(() => {
  const t = now();
  const lag = t - lastTick - 20;
  lastTick = t;
  if (measuring && lag > win.loopLagMax) win.loopLagMax = lag;
}, 20);

function pct(sorted, q) {
  if (sorted.length === 0) return null;
  const rank = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

function histPct(q) {
  let total = 0;
  for (let i = 0; i <= HIST_MAX; i++) total += hist[i];
  if (total === 0) return null;
  const target = Math.ceil((total * q) / 100);
  let acc = 0;
  for (let i = 0; i <= HIST_MAX; i++) {
    acc += hist[i];
    if (acc >= target) return (i + 0.5) / HIST_RES;
  }
  return HIST_MAX / HIST_RES;
}

async function runStep(step, n) {
  const senderList = step.senders ? senders.slice(0, step.senders) : senders;
  const interval = step.rate > 0 ? 1000 / step.rate : Infinity;
  const t0 = now() + 50;
  const measureFrom = t0 + step.warmupMs;
  const end = measureFrom + step.durationMs;
  let k = 0;
  let firstMeasured = -1;
  let lastMeasured = -1;
  const cpu0 = { value: null };
  for (;;) {
    const t = now();
    if (!measuring && t >= measureFrom) {
      hist = new Uint32Array(HIST_MAX + 1);
      win = newWindow();
      measuring = true;
      cpu0.value = process.cpuUsage();
      win.start = t;
      firstMeasured = opsSent;
      emit({ event: "measure_start", step: n });
    }
    if (t >= end) break;
    if (senderList.length > 0 && step.rate > 0) {
      while (t0 + k * interval <= t && opsSent < MAX_OPS) {
        const conn = senderList[Math.floor(rand() * senderList.length)];
        sendOp(conn, t0 + k * interval);
        k += 1;
      }
      flushAllOps();
    }
    const nextDue = step.rate > 0 ? t0 + k * interval : end;
    await sleep(Math.max(0, Math.min(nextDue, end, measuring ? end : measureFrom) - now()));
  }
  lastMeasured = opsSent;
  const winEnd = now();
  const cpu = process.cpuUsage(cpu0.value ?? undefined);
  win.end = winEnd;
  emit({ event: "measure_end", step: n });
  // Drain: wait (bounded) until every measured op reached every receiver and its ack came.
  const drainUntil = now() + (step.drainMs ?? 10000);
  const complete = (i) =>
    opFailed[i] || (seen[i] >= expectedFor(opBoard[i]) && (ackT[i] > 0 || PROTOCOL === "relay"));
  for (;;) {
    let open = 0;
    for (let i = firstMeasured; i < lastMeasured; i++) if (!complete(i)) open += 1;
    if (open === 0 || now() >= drainUntil) break;
    await sleep(20);
  }
  // Deliveries that arrive while draining still count for latency, not for the rate.
  measuring = false;
  const every = [];
  const acks = [];
  let lost = 0;
  let failed = 0;
  for (let i = firstMeasured; i < lastMeasured; i++) {
    if (opFailed[i]) {
      failed += 1;
      continue;
    }
    if (seen[i] >= expectedFor(opBoard[i]) && (ackT[i] > 0 || PROTOCOL === "relay")) {
      every.push(lastT[i] - sendT[i]);
      if (PROTOCOL === "samskapa") acks.push(ackT[i] - sendT[i]);
    } else lost += 1;
  }
  every.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  win.sendLags.sort((a, b) => a - b);
  const seconds = (win.end - win.start) / 1000;
  const receivers = conns.filter((c) => c.receiver).length;
  const measured = lastMeasured - firstMeasured;
  const result = {
    event: "result",
    step: n,
    name: step.name ?? `${step.rate}/s`,
    rate: step.rate,
    seconds,
    opsMeasured: measured,
    opsPerSecond: measured / seconds,
    ackedOps: acks.length,
    lost,
    failed,
    every: { p50: pct(every, 50), p95: pct(every, 95), p99: pct(every, 99), max: pct(every, 100) },
    ack: { p50: pct(acks, 50), p95: pct(acks, 95), p99: pct(acks, 99), max: pct(acks, 100) },
    delivery: { p50: histPct(50), p95: histPct(95), p99: histPct(99) },
    deliveries: win.deliveries,
    deliveriesPerSecond: win.deliveries / seconds,
    cursorMsgsPerClientPerSecond: win.cursorMsgs / receivers / seconds,
    bytesPerClientPerSecond: win.bytes / conns.length / seconds,
    framesPerClientPerSecond: win.frames / conns.length / seconds,
    errors: win.errors,
    firstErrors: win.firstErrors,
    closes: win.closes,
    closesTotal,
    open: conns.filter((c) => c.live).length,
    sendLag: { p99: pct(win.sendLags, 99), max: win.sendLagMax },
    loopLagMax: win.loopLagMax,
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  emit(result);
  return result;
}

async function main() {
  startPings(); // from the start: connecting thousands may take longer than the server's 45 s
  const { ms, failed } = await connectAll();
  emit({ event: "connected", ms, failed, open: conns.filter((c) => c.live).length });
  if (failed > 0 && !config.allowConnectFailures) {
    emit({ event: "error", message: `${failed} connections failed` });
  }
  // Ops that must be acknowledged before anything is measured (e.g. opening a vote round).
  for (const op of config.setup ?? []) {
    const conn = conns[op.conn];
    const idx = opsSent++;
    opKind[idx] = 6;
    opBoard[idx] = conn.board;
    sendT[idx] = now();
    conn.ws.send(JSON.stringify({ type: "op", op_id: `${PREFIX}${idx}`, command: op.command }));
    const until = now() + 10000;
    while (!ackT[idx] && !opFailed[idx] && now() < until) await sleep(10);
    emit({ event: "setup", type: op.command.type, ok: ackT[idx] > 0 });
    if (!ackT[idx]) {
      emit({ event: "error", message: `setup op ${op.command.type} failed: ${JSON.stringify(win.firstErrors)}` });
      process.exit(4);
    }
  }
  win = newWindow();
  startCursors();
  await sleep(config.settleMs ?? 2000);
  let failures = 0;
  for (let n = 0; n < STEPS.length; n++) {
    const r = await runStep(STEPS[n], n);
    const failed = r.every.p99 === null || r.every.p99 > STOP_ABOVE || r.lost > 0;
    failures = STOP_ABOVE !== null && failed ? failures + 1 : 0;
    if (failures >= STOP_AFTER) break;
    const receivers = conns.filter((c) => c.receiver).length;
    if (STOP_BELOW_SHARE > 0 && r.deliveriesPerSecond < STOP_BELOW_SHARE * r.rate * receivers) break;
    if (r.open < conns.length && !config.allowConnectFailures) break;
    if (STEPS[n].pauseMs) await sleep(STEPS[n].pauseMs);
  }
  if (config.holdMs) await sleep(config.holdMs);
  clearInterval(cursorTimer);
  clearInterval(pingTimer);
  clearInterval(lagTimer);
  for (const c of conns) if (c.ws) c.ws.terminate();
  emit({ event: "done" });
  process.exit(0);
}

main().catch((err) => {
  emit({ event: "error", message: String(err?.stack ?? err) });
  process.exit(2);
});
