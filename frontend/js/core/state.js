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
//
// This module is the entry for the rest of the page: it also passes on the
// state's shape (model.js), the prediction (predict.js), what a member may do
// (policy.js) and the vote helpers (fold-votes.js), so a feature imports the
// state from one place whatever part it needs.

import { clone, countPrivate, deleteGroup, dropFlags, forgetNote, present, refit, regroup, unspotlight, without } from './fold-parts.js';
import { applyVoteEvent, refundNote } from './fold-votes.js';
import { emptyFacilitation, emptyTimer, emptyVotes, StateError, UnknownEventError } from './model.js';

export * from './model.js';
export { inRound, spentOf, tallyVisible } from './fold-votes.js';
export { predict, predictAll, undeleteCommand } from './predict.js';
export * from './policy.js';

function need(map, id, what) {
  const entity = map[id];
  if (entity === undefined) throw new StateError(`${what} ${id} does not exist`);
  return entity;
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
      // Hidden, the note was gone for this viewer, and their flag with it;
      // restored, it comes back marked if they had flagged it (visibility.py FLAGGED).
      if (data.flagged) state.myFlags = { ...state.myFlags, [data.note.id]: true };
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

/** The state from a `{"type": "snapshot", "seq", "state"}` message (a fresh copy). */
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
