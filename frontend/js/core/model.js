// The shape of a board's state in the browser: its empty form, the
// enumerations and limits it uses (from core/vocabulary.js, made from the
// Python source), the errors of the fold, and which frame holds a point.
// Plain data and pure functions; core/state.js folds events into this shape.

import { ENUMS, LIMITS } from './vocabulary.js';

export const COLORS = ENUMS.colors;
export const KINDS = ENUMS.note_kinds;

export const SECTORS = ENUMS.sectors;
export const ROLES = ENUMS.roles;

// Limits from backend/samskapa/domain/values.py (vocabulary.js).
export const { NOTE_TEXT_MAX, TITLE_MAX, PROMPT_MAX, NAME_MAX, MISSION_FIELD_MAX, DEADLINE_MAX } = LIMITS;

export const { COORD_LIMIT, FRAME_MIN, FRAME_MAX } = LIMITS;

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
  return {
    board: null,
    seq: 0,
    participants: {},
    frames: {},
    notes: {},
    votes: emptyVotes(),
    ...emptyFacilitation(),
  };
}

export const LINK_KINDS = ENUMS.link_kinds;
export const CONFLICT_STATUSES = ENUMS.conflict_statuses;

export const ANONYMITY_MODES = ENUMS.anonymity;
export const GROUP_NAME_MAX = LIMITS.TITLE_MAX; // a group's name is a Title

export const { RESOLUTION_MAX } = LIMITS;

/** What participants may do when no step runs (the free canvas, `FREE` in facilitation.py). */
export const FREE_RULES = Object.freeze({ write: 'open', edit: 'all', group: true, link: true, vote: true });

/** A step's rules where the step leaves a field out (`StepRules` defaults). */
export const STEP_RULE_DEFAULTS = Object.freeze({ write: 'open', edit: 'own', group: true, link: true, vote: true });

/** A stopped timer (all empty). */
export const emptyTimer = () => ({ duration_ms: 0, ends_at: null, remaining_ms: null });

/**
 * The facilitation part of a state, empty: the snapshot's fields (§4) plus
 * `myReady` ({step_id: true}: where this viewer said "I'm done", from
 * `own_notes` and the events marked `mine`).
 */
export function emptyFacilitation() {
  return {
    groups: {},
    links: {},
    agenda: [],
    current_step: null,
    timer: emptyTimer(),
    attention: { leader: null, spotlight: null, locked: false },
    ready: {},
    private_count: 0,
    myReady: {},
    schedules: {},
    // Moderation (docs/collection.md): facilitators get each note's flag count,
    // a member the notes they flagged themselves.
    flags: {},
    myFlags: {},
  };
}

/** Where a note stands with the facilitators (backend/samskapa/domain/values.py `Moderation`). */
export const MODERATION = ENUMS.moderation;

export const { REASON_MAX, NOTES_PER_MINUTE_MAX } = LIMITS;

/** Is `note` withheld from everyone but its author and the facilitators? */
export function isWithheld(note) {
  return Boolean(note?.moderation) && note.moderation !== 'published';
}

// Dot-voting limits (backend/samskapa/domain/voting.py, commands.py).
export const { BUDGET_MAX } = LIMITS;

export const BUDGET_DEFAULT = 5;
export const CAP_DEFAULT = 3;

export const VOTE_STATUSES = ENUMS.vote_statuses;

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
