// The board state in the browser: a pure mirror of the server's fold
// (backend/samskapa/domain/apply.py, docs/protocol.md §4). No DOM, no network,
// so `node --test tests/js/` can check it.
//
// Ownership rule, the same as the server's:
// - `applyEvent` updates the maps of the state it is given IN PLACE and returns
//   that same state (a board can hold thousands of notes; copying the maps on
//   every event would cost more than the rest of the client together).
// - Entities (board, participant, frame, note objects) are never mutated: a
//   change replaces the entity with a new object. So "did this note change?" is
//   an identity check (`old !== new`), which the renderer uses to touch only the
//   DOM elements that changed.
// - `predict` never mutates the state it is given: it copies the top-level
//   object and the one map it touches.

export const COLORS = ['yellow', 'orange', 'pink', 'green', 'blue', 'purple', 'grey'];
export const KINDS = ['idea', 'goal', 'challenge', 'conflict', 'initiative', 'commitment', 'question'];
export const SECTORS = ['public', 'business', 'academia', 'civil_society', 'citizen', 'other'];
export const ROLES = ['facilitator', 'participant', 'observer'];

// Limits from backend/samskapa/domain/values.py.
export const NOTE_TEXT_MAX = 500;
export const TITLE_MAX = 120;
export const PROMPT_MAX = 500;
export const NAME_MAX = 60;
export const MISSION_FIELD_MAX = 500;
export const DEADLINE_MAX = 40;
export const COORD_LIMIT = 1_000_000;
export const FRAME_MIN = 40;
export const FRAME_MAX = 20_000;

// The nominal size of a note in board units. The server decides frame
// membership by the point at the centre of this box (BoardState.frame_at).
export const NOTE_WIDTH = 160;
export const NOTE_HEIGHT = 120;

/** An event type this client does not know: the page is older than the server. */
export class UnknownEventError extends Error {
  constructor(type) {
    super(`Unknown event type: ${type}`);
    this.name = 'UnknownEventError';
    this.eventType = type;
  }
}

/** An event that does not fit the state (e.g. it names a note that is not there). */
export class StateError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StateError';
  }
}

export function emptyState() {
  return { board: null, seq: 0, participants: {}, frames: {}, notes: {}, votes: emptyVotes() };
}

// Dot-voting limits (backend/samskapa/domain/voting.py, commands.py).
export const BUDGET_MAX = 99;
export const BUDGET_DEFAULT = 5;
export const CAP_DEFAULT = 3;
export const VOTE_STATUSES = ['voting', 'done', 'abstain'];

/**
 * The votes as this browser may know them (docs/protocol.md §2.3): the
 * snapshot's shared part `{rounds, open_round, counts, tally, named,
 * named_status}` and this viewer's own part `mine: {ballots: {round: {note:
 * n}}, status: {round: status}}` (from `own_votes` and from the events marked
 * `mine`). `tally` has no entry for a blind round while it is open.
 */
export function emptyVotes() {
  return {
    rounds: {},
    open_round: null,
    counts: {},
    tally: {},
    named: {},
    named_status: {},
    mine: { ballots: {}, status: {} },
  };
}

function need(map, id, what) {
  const entity = map[id];
  if (entity === undefined) throw new StateError(`${what} ${id} does not exist`);
  return entity;
}

/** Keep only the keys of `obj` that are present and not null (partial updates). */
function present(obj, skip) {
  const out = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key !== skip && value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Fold one event (`{seq, type, at, actor, op_id, data}`) into `state`.
 * Mutates `state`'s maps in place and returns `state` (see the header).
 * Throws UnknownEventError for an unknown type and StateError when the event
 * names an entity that does not exist, like the server's fold.
 */
export function applyEvent(state, event) {
  const data = event.data;
  switch (event.type) {
    case 'board.created':
      state.board = { ...data.board };
      break;
    case 'board.updated': {
      if (state.board === null) throw new StateError('board.updated before board.created');
      // `mission` is always a whole Mission object: it replaces the old one.
      state.board = { ...state.board, ...present(data) };
      break;
    }
    case 'participant.joined':
      state.participants[data.participant.id] = { ...data.participant };
      break;
    case 'participant.updated': {
      const member = need(state.participants, data.participant_id, 'Participant');
      state.participants[member.id] = { ...member, ...present(data, 'participant_id') };
      break;
    }
    case 'frame.created':
      state.frames[data.frame.id] = { ...data.frame };
      refit(state, [], state.frames[data.frame.id]);
      break;
    case 'frame.updated': {
      const frame = need(state.frames, data.frame_id, 'Frame');
      state.frames[frame.id] = { ...frame, ...present(data, 'frame_id') };
      refit(state, [frame.id], state.frames[frame.id]);
      break;
    }
    case 'frame.deleted': {
      need(state.frames, data.frame_id, 'Frame');
      delete state.frames[data.frame_id];
      // Notes stay where they are, in whatever frame is now under them.
      refit(state, [data.frame_id], null);
      break;
    }
    case 'note.created':
      state.notes[data.note.id] = { ...data.note };
      break;
    case 'note.edited': {
      const note = need(state.notes, data.note_id, 'Note');
      state.notes[note.id] = { ...note, text: data.text };
      break;
    }
    case 'note.moved': {
      const note = need(state.notes, data.note_id, 'Note');
      state.notes[note.id] = { ...note, x: data.x, y: data.y, frame_id: data.frame_id };
      break;
    }
    case 'note.recolored': {
      const note = need(state.notes, data.note_id, 'Note');
      state.notes[note.id] = { ...note, color: data.color };
      break;
    }
    case 'note.deleted':
      need(state.notes, data.note_id, 'Note');
      delete state.notes[data.note_id];
      refundNote(state.votes, data.note_id);
      break;
    case 'vote.opened':
    case 'vote.cast':
    case 'vote.withdrawn':
    case 'vote.limits_changed':
    case 'vote.status_changed':
    case 'vote.closed':
      applyVoteEvent(state.votes, event);
      break;
    default:
      throw new UnknownEventError(event.type);
  }
  state.seq = event.seq;
  return state;
}

// ---- dot-voting ------------------------------------------------------------------

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function needRound(votes, roundId) {
  const round = votes.rounds[roundId];
  if (round === undefined) throw new StateError(`Vote round ${roundId} does not exist`);
  return round;
}

/** `map[key]` += delta, dropping keys that reach 0 (as the server's ballot book). */
function bump(map, key, delta) {
  const value = (map[key] ?? 0) + delta;
  if (value) map[key] = value;
  else delete map[key];
}

/** Are the round's totals visible now? Not for a blind round while it is open. */
export function tallyVisible(round) {
  return Boolean(round) && !(round.blind && round.closed_at == null);
}

/**
 * Fold one vote event as this viewer received it (projected by the server:
 * docs/protocol.md §2.3). `votes` is changed in place; rounds are replaced,
 * never mutated.
 */
function applyVoteEvent(votes, event) {
  const data = event.data;
  switch (event.type) {
    case 'vote.opened': {
      const round = clone(data.round);
      votes.rounds[round.id] = round;
      votes.open_round = round.id;
      votes.counts[round.id] = { voters: 0, total: 0, done: 0, abstained: 0 };
      if (tallyVisible(round)) {
        votes.tally[round.id] = {};
        if (!round.anonymous) votes.named[round.id] = {};
      }
      return;
    }
    case 'vote.cast':
    case 'vote.withdrawn': {
      const round = needRound(votes, data.round_id);
      const delta = event.type === 'vote.cast' ? 1 : -1;
      const id = round.id;
      if (data.mine) {
        // The voter's own event always names the note, blind or not.
        votes.mine.ballots[id] = { ...(votes.mine.ballots[id] ?? {}) };
        bump(votes.mine.ballots[id], data.note_id, delta);
        if (Object.keys(votes.mine.ballots[id]).length === 0) delete votes.mine.ballots[id];
      }
      votes.counts[id] = { ...(votes.counts[id] ?? { done: 0, abstained: 0 }), voters: data.voters, total: data.total };
      if (data.note_id !== undefined && data.note_id !== null && tallyVisible(round)) {
        votes.tally[id] = { ...(votes.tally[id] ?? {}) };
        bump(votes.tally[id], data.note_id, delta);
        // Named rounds: everyone else gets `voter`; the voter's own event has
        // `mine`, and its actor is the member (only anonymous rounds hide it).
        const voter = data.voter ?? (data.mine && !round.anonymous ? event.actor : null);
        if (voter && !round.anonymous) {
          const named = (votes.named[id] = { ...(votes.named[id] ?? {}) });
          named[voter] = { ...(named[voter] ?? {}) };
          bump(named[voter], data.note_id, delta);
          if (Object.keys(named[voter]).length === 0) delete named[voter];
        }
      }
      return;
    }
    case 'vote.limits_changed': {
      const round = needRound(votes, data.round_id);
      votes.rounds[round.id] = { ...round, budget: data.budget, cap: data.cap };
      return;
    }
    case 'vote.status_changed': {
      const round = needRound(votes, data.round_id);
      const id = round.id;
      votes.counts[id] = {
        ...(votes.counts[id] ?? { voters: 0, total: 0 }),
        done: data.done,
        abstained: data.abstained,
      };
      if (data.mine) {
        const mine = { ...votes.mine.status };
        if (data.status === 'voting') delete mine[id];
        else mine[id] = data.status;
        votes.mine.status = mine;
      }
      const voter = data.voter ?? (data.mine && !round.anonymous ? event.actor : null);
      if (voter && !round.anonymous) {
        const named = { ...(votes.named_status[id] ?? {}) };
        if (data.status === 'voting') delete named[voter];
        else named[voter] = data.status;
        if (Object.keys(named).length) votes.named_status[id] = named;
        else delete votes.named_status[id];
      }
      return;
    }
    case 'vote.closed': {
      const round = needRound(votes, data.round_id);
      const results = clone(data.results);
      votes.rounds[round.id] = { ...round, closed_at: data.closed_at, results };
      if (votes.open_round === round.id) votes.open_round = null;
      const tally = {};
      for (const row of results?.ranking ?? []) if (row.votes) tally[row.note_id] = row.votes;
      votes.tally[round.id] = tally;
      if (results && votes.counts[round.id]) {
        votes.counts[round.id] = { ...votes.counts[round.id], voters: results.voters };
      }
      return;
    }
    default:
      throw new UnknownEventError(event.type);
  }
}

/**
 * A note deleted while a round is open gives its votes back (the server's
 * `BallotBook.refund_note`): out of this viewer's ballot, and out of the
 * tally and named ballots where they are visible. The counts follow as well
 * as this viewer can know them (the total, when the tally is visible); the
 * next vote event brings the server's exact counts.
 */
function refundNote(votes, noteId) {
  const id = votes.open_round;
  if (!id) return;
  const ballot = votes.mine.ballots[id];
  if (ballot && noteId in ballot) {
    const rest = { ...ballot };
    delete rest[noteId];
    if (Object.keys(rest).length) votes.mine.ballots[id] = rest;
    else delete votes.mine.ballots[id];
  }
  const tally = votes.tally[id];
  if (tally && noteId in tally) {
    const count = votes.counts[id];
    if (count) votes.counts[id] = { ...count, total: Math.max(0, count.total - tally[noteId]) };
    votes.tally[id] = { ...tally };
    delete votes.tally[id][noteId];
  }
  const named = votes.named[id];
  if (named) {
    const next = {};
    let voters = 0;
    for (const [voter, marks] of Object.entries(named)) {
      const rest = { ...marks };
      delete rest[noteId];
      if (Object.keys(rest).length) {
        next[voter] = rest;
        voters += 1;
      }
    }
    votes.named[id] = next;
    // In a named, visible round every ballot is known: so is the voter count.
    if (votes.counts[id]) votes.counts[id] = { ...votes.counts[id], voters };
  }
}

/** The snapshot's `state.votes` (shared part) with an empty own part. */
function votesFromSnapshot(src) {
  const votes = emptyVotes();
  if (!src) return votes;
  for (const key of ['rounds', 'counts', 'tally', 'named', 'named_status']) votes[key] = clone(src[key] ?? {});
  votes.open_round = src.open_round ?? null;
  return votes;
}

/**
 * Fold an `own_votes` control message (`{ballots, status}`, sent right after
 * every snapshot) into `state`: this viewer's own ballots and statuses.
 */
export function applyOwnVotes(state, msg) {
  state.votes = {
    ...(state.votes ?? emptyVotes()),
    mine: { ballots: clone(msg.ballots ?? {}), status: clone(msg.status ?? {}) },
  };
  return state;
}

/** The state from a `{"type": "snapshot", "seq", "state"}` message (a fresh copy). */
export function fromSnapshot(msg) {
  const src = msg.state;
  const copyMap = (map) => {
    const out = {};
    for (const [id, entity] of Object.entries(map || {})) out[id] = { ...entity };
    return out;
  };
  return {
    board: src.board ? { ...src.board, mission: { ...src.board.mission } } : null,
    seq: msg.seq,
    participants: copyMap(src.participants),
    frames: copyMap(src.frames),
    notes: copyMap(src.notes),
    votes: votesFromSnapshot(src.votes),
  };
}

/**
 * Keep notes in the frame under them when frames appear, move or go (mirrors
 * `_refit` in domain/apply.py): only notes that were in one of `frameIds` or
 * whose centre lies in `area` can change.
 */
function refit(state, frameIds, area) {
  for (const note of Object.values(state.notes)) {
    const cx = note.x + NOTE_WIDTH / 2;
    const cy = note.y + NOTE_HEIGHT / 2;
    const inArea = area && area.x <= cx && cx <= area.x + area.w && area.y <= cy && cy <= area.y + area.h;
    if (frameIds.includes(note.frame_id) || inArea) {
      const frameId = frameAt(state, note.x, note.y);
      if (frameId !== note.frame_id) state.notes[note.id] = { ...note, frame_id: frameId };
    }
  }
}

/** The topmost (most recently created) frame holding a note whose top-left is (x, y). */
export function frameAt(state, x, y) {
  const cx = x + NOTE_WIDTH / 2;
  const cy = y + NOTE_HEIGHT / 2;
  const frames = Object.values(state.frames);
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (f.x <= cx && cx <= f.x + f.w && f.y <= cy && cy <= f.y + f.h) return f.id;
  }
  return null;
}

/**
 * A copy-on-write draft of a state: the top level is copied at once, each map
 * the first time it is written. So predicting many commands copies each map at
 * most once, and the state the draft was made from is never touched.
 */
function makeDraft(state) {
  return { next: { ...state }, copied: new Set() };
}

function writable(draft, key) {
  if (!draft.copied.has(key)) {
    draft.next[key] = { ...draft.next[key] };
    draft.copied.add(key);
  }
  return draft.next[key];
}

function predictInto(draft, cmd, memberId) {
  const state = draft.next;
  switch (cmd.type) {
    case 'note.create': {
      if (state.notes[cmd.note_id]) return;
      const role = state.participants[memberId]?.role;
      writable(draft, 'notes')[cmd.note_id] = {
        id: cmd.note_id,
        text: cmd.text ?? '',
        x: cmd.x,
        y: cmd.y,
        color: cmd.color ?? 'yellow',
        kind: cmd.kind ?? 'idea',
        frame_id: frameAt(state, cmd.x, cmd.y),
        author: memberId,
        origin: role === 'facilitator' ? 'facilitator' : 'participant',
        pending: true,
      };
      return;
    }
    case 'note.edit':
    case 'note.move':
    case 'note.recolor': {
      const note = state.notes[cmd.note_id];
      if (!note) return;
      const change =
        cmd.type === 'note.edit'
          ? { text: cmd.text }
          : cmd.type === 'note.move'
            ? { x: cmd.x, y: cmd.y, frame_id: frameAt(state, cmd.x, cmd.y) }
            : { color: cmd.color };
      writable(draft, 'notes')[note.id] = { ...note, ...change, pending: true };
      return;
    }
    case 'note.delete':
      if (state.notes[cmd.note_id]) delete writable(draft, 'notes')[cmd.note_id];
      return;
    case 'frame.create':
      if (state.frames[cmd.frame_id]) return;
      writable(draft, 'frames')[cmd.frame_id] = {
        id: cmd.frame_id,
        title: cmd.title ?? '',
        prompt: cmd.prompt ?? '',
        x: cmd.x,
        y: cmd.y,
        w: cmd.w,
        h: cmd.h,
        pending: true,
      };
      return;
    case 'frame.update': {
      const frame = state.frames[cmd.frame_id];
      if (!frame) return;
      const fields = present(cmd, 'frame_id');
      delete fields.type;
      writable(draft, 'frames')[frame.id] = { ...frame, ...fields, pending: true };
      return;
    }
    case 'frame.delete': {
      if (!state.frames[cmd.frame_id]) return;
      delete writable(draft, 'frames')[cmd.frame_id];
      for (const note of Object.values(state.notes)) {
        if (note.frame_id === cmd.frame_id) {
          writable(draft, 'notes')[note.id] = { ...note, frame_id: null };
        }
      }
      return;
    }
    case 'board.update': {
      if (!state.board) return;
      const fields = present(cmd, 'type');
      state.board = { ...state.board, ...fields };
      return;
    }
    case 'participant.update': {
      const member = state.participants[memberId];
      if (!member) return;
      writable(draft, 'participants')[memberId] = { ...member, ...present(cmd, 'type') };
      return;
    }
    case 'vote.cast':
    case 'vote.withdraw': {
      const votes = state.votes;
      const round = votes?.rounds[cmd.round_id];
      const note = state.notes[cmd.note_id];
      if (!round || round.closed_at != null || !note || !inRound(round, note)) return;
      const ballot = votes.mine.ballots[round.id] ?? {};
      const marks = ballot[note.id] ?? 0;
      const delta = cmd.type === 'vote.cast' ? 1 : -1;
      if (delta > 0 && (spentOf(ballot) >= round.budget || marks >= round.cap)) return;
      if (delta < 0 && marks <= 0) return;
      const mine = writableMine(draft);
      mine.ballots = { ...mine.ballots, [round.id]: { ...ballot } };
      bump(mine.ballots[round.id], note.id, delta);
      mine.pending = { ...(mine.pending ?? {}), [note.id]: true };
      return;
    }
    case 'vote.status': {
      const round = state.votes?.rounds[cmd.round_id];
      if (!round || round.closed_at != null || !VOTE_STATUSES.includes(cmd.status)) return;
      const mine = writableMine(draft);
      mine.status = { ...mine.status };
      if (cmd.status === 'voting') delete mine.status[round.id];
      else mine.status[round.id] = cmd.status;
      mine.statusPending = true;
      return;
    }
    default:
      // A command this client cannot predict is simply shown when its event comes.
      return;
  }
}

/** The draft's own votes, copied once (the rest of `votes` stays shared). */
function writableMine(draft) {
  if (!draft.copied.has('votes')) {
    draft.next.votes = { ...draft.next.votes, mine: { ...draft.next.votes.mine } };
    draft.copied.add('votes');
  }
  return draft.next.votes.mine;
}

/** Votes in one ballot (`{note: n}`). */
export function spentOf(ballot) {
  let n = 0;
  for (const count of Object.values(ballot ?? {})) n += count;
  return n;
}

/** Is `note` part of `round` (its frame, or the whole board; its kinds)? As decide.py. */
export function inRound(round, note) {
  if (round.frame_id !== null && round.frame_id !== undefined && note.frame_id !== round.frame_id) return false;
  return !round.kinds || round.kinds.includes(note.kind);
}

/**
 * `state` with a command that the server has not acknowledged yet applied as
 * the server would most likely decide it, for display only. Never mutates
 * `state` or its entities; returns `state` itself when nothing changes.
 * Entities it changes get `pending: true`. Votes: only this viewer's own
 * ballot and status are predicted (`votes.mine`), with the notes concerned in
 * `votes.mine.pending` ({note: true}) and `votes.mine.statusPending`; counts
 * and totals wait for the server. A command that would fail (unknown note,
 * budget spent, …) leaves the state as it is: the server's answer will settle it.
 */
export function predict(state, command, memberId) {
  return predictAll(state, [{ command }], memberId);
}

/** `state` with every command of `ops` (`[{op_id, command}]`) predicted in order. */
export function predictAll(state, ops, memberId) {
  if (ops.length === 0) return state;
  const draft = makeDraft(state);
  for (const op of ops) predictInto(draft, op.command, memberId);
  return draft.copied.size === 0 && draft.next.board === state.board ? state : draft.next;
}

/** May `role`/`memberId` delete `note`? The same rule as backend policy.py. */
export function canDeleteNote(role, memberId, note) {
  if (role === 'facilitator') return true;
  return role === 'participant' && note.author === memberId;
}

export function canEditNotes(role) {
  return role === 'facilitator' || role === 'participant';
}
