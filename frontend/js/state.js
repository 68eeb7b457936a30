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
  return { board: null, seq: 0, participants: {}, frames: {}, notes: {} };
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
      break;
    default:
      throw new UnknownEventError(event.type);
  }
  state.seq = event.seq;
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
    default:
      // A command this client cannot predict is simply shown when its event comes.
      return;
  }
}

/**
 * `state` with a command that the server has not acknowledged yet applied as
 * the server would most likely decide it, for display only. Never mutates
 * `state` or its entities; returns `state` itself when nothing changes.
 * Entities it changes get `pending: true`. A command that would fail (unknown
 * note, …) leaves the state as it is: the server's answer will settle it.
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
