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

import { predictPlace } from './placement.js';
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

// ---- facilitation (backend/samskapa/domain/facilitation.py, docs/protocol.md §2.3) ----

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
function emptyFacilitation() {
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
    case 'participant.erased': {
      // Their name is gone from the server's log; a former participant keeps an empty name.
      const member = need(state.participants, data.participant_id, 'Participant');
      state.participants[member.id] = { ...member, name: '' };
      break;
    }
    case 'access.link_replaced':
      break; // the links are not part of the board's state
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
    case 'frame.moved': {
      // The frame carries its notes (domain/apply.py FrameMoved): the offset
      // first, then added to each, as the server does, so both land alike.
      const frame = need(state.frames, data.frame_id, 'Frame');
      const dx = data.x - frame.x;
      const dy = data.y - frame.y;
      const moved = (state.frames[frame.id] = { ...frame, x: data.x, y: data.y });
      for (const note of Object.values(state.notes)) {
        if (note.frame_id === frame.id) state.notes[note.id] = { ...note, x: note.x + dx, y: note.y + dy };
      }
      refit(state, [frame.id], moved);
      break;
    }
    case 'frame.deleted': {
      need(state.frames, data.frame_id, 'Frame');
      delete state.frames[data.frame_id];
      // Notes stay where they are, in whatever frame is now under them.
      refit(state, [data.frame_id], null);
      unspotlight(state, data.frame_id);
      break;
    }
    case 'frame.tidied': {
      let frame = need(state.frames, data.frame_id, 'Frame');
      if (data.h !== undefined && data.h !== null) frame = state.frames[frame.id] = { ...frame, h: data.h };
      for (const place of data.places) {
        const note = need(state.notes, place.note_id, 'Note');
        state.notes[note.id] = { ...note, x: place.x, y: place.y };
      }
      refit(state, [frame.id], frame);
      break;
    }
    case 'note.created':
      state.notes[data.note.id] = { ...data.note };
      state.private_count = data.private_count ?? state.private_count + (data.note.private ? 1 : 0);
      break;
    case 'note.edited': {
      const note = need(state.notes, data.note_id, 'Note');
      // A rejected note that its author changes goes back to the queue (moderation.py).
      const back = note.moderation === 'rejected' ? { moderation: 'waiting', reason: '' } : {};
      state.notes[note.id] = { ...note, text: data.text, ...back };
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
    case 'note.kind_changed': {
      const note = need(state.notes, data.note_id, 'Note');
      state.notes[note.id] = { ...note, kind: data.kind };
      break;
    }
    case 'note.deleted': {
      const note = need(state.notes, data.note_id, 'Note');
      delete state.notes[data.note_id];
      state.private_count = data.private_count ?? state.private_count - (note.private ? 1 : 0);
      refundNote(state.votes, data.note_id);
      forgetNote(state, note);
      dropFlags(state, data.note_id);
      break;
    }
    case 'note.withheld':
      break; // about a note this viewer may not see: only its place in the log
    case 'board.moderation_changed':
      if (state.board === null) throw new StateError('board.moderation_changed before board.created');
      state.board = { ...state.board, approval: data.approval, notes_per_minute: data.notes_per_minute ?? null };
      break;
    case 'note.approved':
    case 'note.restored':
      state.notes[data.note.id] = { ...data.note };
      break;
    case 'note.rejected': {
      const note = need(state.notes, data.note_id, 'Note');
      state.notes[note.id] = { ...note, moderation: 'rejected', reason: data.reason };
      break;
    }
    case 'note.hidden': {
      // With `reason`: this viewer may still see the note (its author, a
      // facilitator). Without: it is gone for them. Either way it leaves its
      // group, links and votes, as the server's fold does.
      const note = need(state.notes, data.note_id, 'Note');
      refundNote(state.votes, note.id);
      if (data.reason === undefined) {
        delete state.notes[note.id];
        dropFlags(state, note.id);
      } else {
        state.notes[note.id] = { ...note, moderation: 'hidden', reason: data.reason, group_id: null };
      }
      forgetNote(state, note);
      break;
    }
    case 'note.flagged':
      if (data.mine) state.myFlags = { ...state.myFlags, [data.note_id]: true };
      if (typeof data.count === 'number') state.flags = { ...state.flags, [data.note_id]: data.count };
      break;
    case 'notes.revealed':
      for (const revealed of data.notes) state.notes[revealed.id] = { ...revealed };
      state.private_count = countPrivate(state.notes);
      break;
    case 'note.private':
      // Someone else's private note: only how many there are now, if that changed.
      if (typeof data.count === 'number') state.private_count = data.count;
      break;
    case 'agenda.changed': {
      state.agenda = clone(data.steps);
      state.current_step = data.current_step ?? null;
      // A step that is gone takes its schedule with it.
      const ids = new Set(state.agenda.map((step) => step.id));
      const kept = Object.entries(state.schedules ?? {}).filter(([key]) => key === '' || ids.has(key));
      state.schedules = Object.fromEntries(kept);
      break;
    }
    case 'agenda.step_changed':
      state.current_step = data.step_id ?? null;
      if (data.step_id != null) {
        // Entering a step (again) starts its "I'm done" count afresh.
        state.ready = without(state.ready, data.step_id);
        state.myReady = without(state.myReady, data.step_id);
      }
      break;
    case 'timer.changed':
      state.timer = { ...emptyTimer(), ...data.timer };
      break;
    case 'board.anonymity_changed':
      if (state.board === null) throw new StateError('board.anonymity_changed before board.created');
      state.board = { ...state.board, anonymity: data.mode };
      break;
    case 'board.replay_changed':
      if (state.board === null) throw new StateError('board.replay_changed before board.created');
      state.board = { ...state.board, replay: data.allowed };
      break;
    case 'board.restored':
      // A new board's content from a fork or an import (docs/replay.md).
      for (const frame of data.frames) state.frames[frame.id] = { ...frame };
      for (const note of data.notes) state.notes[note.id] = { ...note };
      for (const group of data.groups) state.groups[group.id] = { ...group };
      for (const link of data.links) state.links[link.id] = { ...link };
      state.agenda = clone(data.agenda);
      break;
    case 'board.lock_changed':
      state.attention = { ...state.attention, locked: data.locked };
      break;
    case 'attention.follow_changed':
      state.attention = { ...state.attention, leader: data.leader ?? null };
      break;
    case 'attention.spotlight_changed':
      state.attention = { ...state.attention, spotlight: data.spotlight ? { ...data.spotlight } : null };
      break;
    case 'attention.summoned':
      break; // a moment, not a state: live clients move their view (app.js)
    case 'group.created':
      for (const id of data.note_ids) need(state.notes, id, 'Note');
      state.groups[data.group.id] = { ...data.group };
      for (const id of data.note_ids) regroup(state, id, data.group.id);
      break;
    case 'group.renamed': {
      const group = need(state.groups, data.group_id, 'Group');
      state.groups[group.id] = { ...group, name: data.name };
      break;
    }
    case 'group.deleted':
      need(state.groups, data.group_id, 'Group');
      deleteGroup(state, data.group_id);
      break;
    case 'note.grouped':
      need(state.notes, data.note_id, 'Note');
      if (data.group_id != null) need(state.groups, data.group_id, 'Group');
      regroup(state, data.note_id, data.group_id ?? null);
      break;
    case 'link.created':
    case 'link.updated':
      state.links[data.link.id] = { ...data.link };
      break;
    case 'link.deleted':
      need(state.links, data.link_id, 'Link');
      delete state.links[data.link_id];
      break;
    case 'step.ready_changed':
      // Everyone gets the step's count; the member themselves also `ready` and `mine`.
      if (typeof data.count === 'number') state.ready = { ...state.ready, [data.step_id]: data.count };
      if (data.mine) {
        state.myReady = data.ready ? { ...state.myReady, [data.step_id]: true } : without(state.myReady, data.step_id);
      }
      break;
    case 'collection.changed': {
      // `schedules` is keyed by step id, '' for the board's own (domain/collection.py).
      const key = data.step_id ?? '';
      const { opens_at = null, closes_at = null, closed_at = null } = data.schedule ?? {};
      const next = { ...state.schedules };
      if (opens_at === null && closes_at === null && closed_at === null) delete next[key];
      else next[key] = { opens_at, closes_at, closed_at };
      state.schedules = next;
      break;
    }
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

// ---- groups, links, spotlight (the fold's helpers, as apply.py) ---------------------

/** `map` without `key` (a new object; the same object when the key is absent). */
function without(map, key) {
  if (!(key in map)) return map;
  const out = { ...map };
  delete out[key];
  return out;
}

function countPrivate(notes) {
  let n = 0;
  for (const note of Object.values(notes)) if (note.private) n += 1;
  return n;
}

/** Move a note into `groupId` (or out of any); a group left empty goes. */
function regroup(state, noteId, groupId) {
  const note = state.notes[noteId];
  const before = note.group_id ?? null;
  if (before === groupId) return;
  state.notes[noteId] = { ...note, group_id: groupId };
  if (before !== null) dropIfEmpty(state, before);
}

function dropIfEmpty(state, groupId) {
  if (!(groupId in state.groups)) return;
  for (const note of Object.values(state.notes)) if (note.group_id === groupId) return;
  delete state.groups[groupId];
  unspotlight(state, groupId);
}

/** A group goes; its notes stay, out of any group. */
function deleteGroup(state, groupId) {
  delete state.groups[groupId];
  for (const note of Object.values(state.notes)) {
    if (note.group_id === groupId) state.notes[note.id] = { ...note, group_id: null };
  }
  unspotlight(state, groupId);
}

/** A deleted note takes its links with it, and an emptied group. */
function forgetNote(state, note) {
  for (const link of Object.values(state.links)) {
    if (link.from_id === note.id || link.to_id === note.id) delete state.links[link.id];
  }
  if (note.group_id != null) dropIfEmpty(state, note.group_id);
  unspotlight(state, note.id);
}

function dropFlags(state, noteId) {
  if (state.flags && noteId in state.flags) state.flags = without(state.flags, noteId);
  if (state.myFlags && noteId in state.myFlags) state.myFlags = without(state.myFlags, noteId);
}

function unspotlight(state, targetId) {
  const spot = state.attention?.spotlight;
  if (spot && spot.id === targetId) state.attention = { ...state.attention, spotlight: null };
}

/**
 * Fold an `own_notes` control message (`{notes, mine, ready}`, right after
 * every snapshot): this viewer's private notes join the notes, the shared notes
 * that are theirs on an anonymous board get `mine: true`, and `myReady` is set.
 */
export function applyOwnNotes(state, msg) {
  for (const [id, note] of Object.entries(msg.notes ?? {})) state.notes[id] = { ...note };
  for (const id of msg.mine ?? []) {
    const note = state.notes[id];
    if (note && !note.mine) state.notes[id] = { ...note, mine: true };
  }
  state.myReady = {};
  for (const stepId of msg.ready ?? []) state.myReady[stepId] = true;
  state.myFlags = {};
  for (const noteId of msg.flagged ?? []) state.myFlags[noteId] = true;
  return state;
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
/**
 * After `board.anonymity_changed`: if `member` may no longer see authors (the
 * rule of backend/samskapa/domain/visibility.py `sees_authors`), blank every
 * note's author, marking the member's own notes `mine` as the server would.
 */
export function hideAuthors(state, member) {
  const mode = state.board?.anonymity ?? 'off';
  if (mode === 'off' || (mode === 'facilitators' && member.role === 'facilitator')) return state;
  for (const note of Object.values(state.notes)) {
    if (note.author === '') continue;
    const own = note.author === member.id;
    state.notes[note.id] = own ? { ...note, author: '', mine: true } : { ...note, author: '' };
  }
  return state;
}

export function fromSnapshot(msg) {
  const src = msg.state;
  const copyMap = (map) => {
    const out = {};
    for (const [id, entity] of Object.entries(map || {})) out[id] = { ...entity };
    return out;
  };
  // Notes and the board keep the fields they came with: a missing `private`,
  // `group_id` or `anonymity` reads as false, null and 'off' everywhere.
  const empty = emptyFacilitation();
  return {
    board: src.board ? { ...src.board, mission: { ...src.board.mission } } : null,
    seq: msg.seq,
    participants: copyMap(src.participants),
    frames: copyMap(src.frames),
    notes: copyMap(src.notes),
    votes: votesFromSnapshot(src.votes),
    groups: copyMap(src.groups),
    links: copyMap(src.links),
    agenda: clone(src.agenda ?? []),
    current_step: src.current_step ?? null,
    timer: { ...empty.timer, ...(src.timer ?? {}) },
    attention: { ...empty.attention, ...clone(src.attention ?? {}) },
    ready: { ...(src.ready ?? {}) },
    private_count: src.private_count ?? 0,
    myReady: {},
    schedules: clone(src.schedules ?? {}),
    flags: { ...(src.flags ?? {}) },
    myFlags: {},
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
      // No position: the server picks a free place (domain/placement.py); show
      // the note where it will most likely land until the event comes.
      const at = cmd.x == null ? predictPlace(state, cmd.frame_id, currentStep(state)?.frame_id) : cmd;
      writable(draft, 'notes')[cmd.note_id] = {
        id: cmd.note_id,
        text: cmd.text ?? '',
        x: at.x,
        y: at.y,
        color: cmd.color ?? 'yellow',
        kind: cmd.kind ?? 'idea',
        frame_id: frameAt(state, at.x, at.y),
        author: memberId,
        origin: role === 'facilitator' ? 'facilitator' : 'participant',
        // As decide.py: a participant's note in a silent-writing step stays with them.
        private: role === 'participant' && stepRules(state).write === 'private',
        group_id: null,
        // As moderation.py: with approval on, a participant's note waits for it.
        moderation: role === 'participant' && state.board?.approval === true ? 'waiting' : 'published',
        reason: '',
        mine: true,
        pending: true,
      };
      return;
    }
    case 'note.flag':
      if (!state.notes[cmd.note_id] || state.myFlags?.[cmd.note_id]) return;
      state.myFlags = { ...state.myFlags, [cmd.note_id]: true };
      return;
    case 'note.kind': {
      const note = state.notes[cmd.note_id];
      if (note) writable(draft, 'notes')[note.id] = { ...note, kind: cmd.kind, pending: true };
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
    case 'note.delete': {
      const note = state.notes[cmd.note_id];
      if (!note) return;
      delete writableAll(draft)[cmd.note_id];
      forgetNote(draft.next, note);
      return;
    }
    case 'group.create': {
      if (state.groups[cmd.group_id] || !cmd.note_ids?.every((id) => state.notes[id])) return;
      writableAll(draft);
      draft.next.groups[cmd.group_id] = { id: cmd.group_id, name: cmd.name ?? '', pending: true };
      for (const id of cmd.note_ids) regroup(draft.next, id, cmd.group_id);
      return;
    }
    case 'group.rename': {
      const group = state.groups[cmd.group_id];
      if (group) writable(draft, 'groups')[group.id] = { ...group, name: cmd.name, pending: true };
      return;
    }
    case 'group.delete':
      if (!state.groups[cmd.group_id]) return;
      writableAll(draft);
      deleteGroup(draft.next, cmd.group_id);
      return;
    case 'note.group': {
      const groupId = cmd.group_id ?? null;
      if (!state.notes[cmd.note_id] || (groupId !== null && !state.groups[groupId])) return;
      writableAll(draft);
      regroup(draft.next, cmd.note_id, groupId);
      return;
    }
    case 'link.create':
      if (state.links[cmd.link_id] || !state.notes[cmd.from_id] || !state.notes[cmd.to_id]) return;
      writable(draft, 'links')[cmd.link_id] = {
        id: cmd.link_id,
        from_id: cmd.from_id,
        to_id: cmd.to_id,
        kind: cmd.kind ?? 'conflicts',
        status: 'open',
        resolution: '',
        pending: true,
      };
      return;
    case 'link.update': {
      const link = state.links[cmd.link_id];
      if (!link) return;
      const fields = present(cmd, 'link_id');
      delete fields.type;
      writable(draft, 'links')[link.id] = { ...link, ...fields, pending: true };
      return;
    }
    case 'link.delete':
      if (state.links[cmd.link_id]) delete writable(draft, 'links')[cmd.link_id];
      return;
    case 'step.ready': {
      const stepId = state.current_step;
      if (!stepId || Boolean(state.myReady[stepId]) === Boolean(cmd.ready)) return;
      const count = Math.max(0, (state.ready[stepId] ?? 0) + (cmd.ready ? 1 : -1));
      state.ready = { ...state.ready, [stepId]: count };
      state.myReady = cmd.ready ? { ...state.myReady, [stepId]: true } : without(state.myReady, stepId);
      state.readyPending = true;
      return;
    }
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
    case 'frame.move': {
      const frame = state.frames[cmd.frame_id];
      if (!frame) return;
      const dx = cmd.x - frame.x;
      const dy = cmd.y - frame.y;
      writable(draft, 'frames')[frame.id] = { ...frame, x: cmd.x, y: cmd.y, pending: true };
      for (const note of Object.values(state.notes)) {
        if (note.frame_id === frame.id) {
          writable(draft, 'notes')[note.id] = { ...note, x: note.x + dx, y: note.y + dy };
        }
      }
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

/** Notes, groups and links of the draft, writable (the group and link helpers change all three). */
function writableAll(draft) {
  writable(draft, 'groups');
  writable(draft, 'links');
  return writable(draft, 'notes');
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
  const same = ['board', 'ready', 'myReady', 'myFlags', 'attention'].every((key) => draft.next[key] === state[key]);
  return draft.copied.size === 0 && same ? state : draft.next;
}

/** Did this viewer write `note`? (On an anonymous board their notes say `mine: true`.) */
export function isMine(note, memberId) {
  return note.mine === true || (Boolean(note.author) && note.author === memberId);
}

/** May `role`/`memberId` delete `note`? The role rule of backend policy.py (see `permission` for steps). */
export function canDeleteNote(role, memberId, note) {
  if (role === 'facilitator') return true;
  return role === 'participant' && isMine(note, memberId);
}

// ---- what the current step allows (mirrors backend/samskapa/domain/policy.py) -------

/** The agenda step that runs now, or null (a free board). */
export function currentStep(state) {
  const id = state.current_step;
  return id ? (state.agenda ?? []).find((step) => step.id === id) ?? null : null;
}

/** The participants' rules now: the current step's (with StepRules defaults), else FREE_RULES. */
export function stepRules(state) {
  const step = currentStep(state);
  return step ? { ...STEP_RULE_DEFAULTS, ...(step.rules ?? {}) } : FREE_RULES;
}

/**
 * Why `role`/`memberId` may not do `action` now, as the server would answer
 * (`forbidden`, `board_locked`, `step_forbids`, `note_private`, `no_step`), or
 * null when it is allowed. `action`: `write`, `edit` (edit, move, recolour,
 * kind), `delete`, `group`, `link`, `vote`, `ready` or `facilitate`; `note` is
 * the note concerned for `edit`, `delete`, `group`, `link` and `vote`.
 */
export function permission(state, role, memberId, action, note = null) {
  if (role !== 'facilitator' && role !== 'participant') return 'forbidden';
  if (note?.private && ['group', 'link', 'vote'].includes(action)) return 'note_private';
  if (isWithheld(note) && ['group', 'link', 'vote'].includes(action)) return 'note_withheld';
  if (action === 'ready') return state.current_step ? null : 'no_step';
  if (role === 'facilitator') return null;
  if (action === 'facilitate') return 'forbidden';
  if (state.attention?.locked) return 'board_locked';
  const rules = stepRules(state);
  switch (action) {
    case 'write':
      return rules.write === 'none' ? 'step_forbids' : null;
    case 'edit':
    case 'delete': {
      const own = !note || isMine(note, memberId);
      if (rules.edit === 'none' || (rules.edit === 'own' && !own)) return 'step_forbids';
      return action === 'delete' && !own ? 'forbidden' : null;
    }
    case 'group':
    case 'link':
    case 'vote':
      return rules[action] ? null : 'step_forbids';
    default:
      return 'forbidden';
  }
}

/** `permission(...) === null`: may this member do `action` now? */
export function may(state, role, memberId, action, note = null) {
  return permission(state, role, memberId, action, note) === null;
}

/**
 * The server timer as seen now: `{running, paused, remainingMs, durationMs}`,
 * or null when it is stopped. `nowMs` is this clock; `offset` = server − local
 * (Connection.serverOffset). Never below 0, nor above the duration.
 */
export function timerLeft(timer, nowMs, offset = 0) {
  if (!timer) return null;
  if (timer.ends_at != null) {
    // Never above the duration: a clock offset estimated a little late must
    // not show 10:01 for a timer of ten minutes.
    const left = Math.max(0, Math.min(timer.ends_at - (nowMs + offset), timer.duration_ms || Infinity));
    return { running: true, paused: false, remainingMs: left, durationMs: timer.duration_ms };
  }
  if (timer.remaining_ms != null) {
    return { running: false, paused: true, remainingMs: timer.remaining_ms, durationMs: timer.duration_ms };
  }
  return null;
}

/** mm:ss (or h:mm:ss) for a number of milliseconds, rounded up to the second. */
export function formatClock(ms) {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${String(m).padStart(2, '0')}:${sec}`;
}

export function canEditNotes(role) {
  return role === 'facilitator' || role === 'participant';
}

/**
 * What the spotlight lights (everything else is dimmed): `{active, notes,
 * frames, groups}` (Sets of ids). A frame lights its notes, a group its notes.
 */
export function spotlightTargets(state) {
  const spot = state.attention?.spotlight;
  const lit = { active: false, notes: new Set(), frames: new Set(), groups: new Set() };
  if (!spot) return lit;
  lit.active = true;
  if (spot.kind === 'note') lit.notes.add(spot.id);
  if (spot.kind === 'frame') lit.frames.add(spot.id);
  if (spot.kind === 'group') lit.groups.add(spot.id);
  for (const note of Object.values(state.notes)) {
    if ((spot.kind === 'frame' && note.frame_id === spot.id) || (spot.kind === 'group' && note.group_id === spot.id)) {
      lit.notes.add(note.id);
      if (note.group_id && spot.kind === 'frame') lit.groups.add(note.group_id);
    }
  }
  return lit;
}
