// The state with this browser's unacknowledged commands applied as the
// server would most likely decide them, for display only (the view =
// confirmed state + pending ops). `predict` never mutates the state it is
// given: a copy-on-write draft copies the top-level object and each map it
// touches once. The server's event settles every prediction (core/state.js).

import { bump, deleteGroup, forgetNote, present, regroup, without } from './fold-parts.js';
import { inRound, spentOf } from './fold-votes.js';
import { frameAt, VOTE_STATUSES } from './model.js';
import { predictPlace } from './placement.js';
import { currentStep, stepRules } from './policy.js';

// The note a `note.undelete` brings back, carried on the command for this
// page only: the server keeps its own copy (BoardState.deleted), so the
// command sent is just its id. Not enumerable: JSON (the wire, the saved
// outbox) leaves it out; after a reload the note shows when the event comes.
const UNDELETED = Symbol('the note an undelete brings back');

/** `{type: 'note.undelete', note_id}` for `note`, which the page predicts back at once. */
export function undeleteCommand(note) {
  const command = { type: 'note.undelete', note_id: note.id };
  Object.defineProperty(command, UNDELETED, { value: note, enumerable: false });
  return command;
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
    case 'note.undelete': {
      const note = cmd[UNDELETED];
      if (!note || state.notes[cmd.note_id]) return;
      // As domain/undo.py: where it was, in the frame under it now, in its
      // group if that is still there; its links and votes do not come back.
      const groupId = note.group_id && state.groups[note.group_id] ? note.group_id : null;
      writable(draft, 'notes')[cmd.note_id] = {
        ...note,
        id: cmd.note_id,
        author: note.author ?? memberId,
        frame_id: frameAt(state, note.x, note.y),
        group_id: groupId,
        pending: true,
      };
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
