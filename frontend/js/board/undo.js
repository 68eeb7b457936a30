// Undo and redo of this person's own changes (docs/protocol.md §2.11).
//
// An undo is a new command, the inverse of the change, that the server decides
// like any other: it obeys the step's rules and the lock, and it carries
// `expect` — the values the change left — so the server refuses it with
// `undo_conflict` when someone else has changed the note or frame since,
// instead of overwriting their change. This module keeps the stacks and works
// out the inverses; it never touches the page. Pure but for the `send` it is
// given.
//
// Use (the page):
//   const history = new UndoHistory({ send: (command) => conn.send(command) });
//   history.record(command, view)   after sending an own change; `view` is the
//                                   board as this person saw it just before
//   history.undo() / history.redo() Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y, the buttons
//   history.rejected(opId, code)    a refused op: true when it was an undo or redo
// Several changes as one step (a multi-select move or delete):
//   history.push(entryFor(commands, view))   after sending `commands`, or
//   history.group(() => { ...send each... })  where the page's send records

import { undeleteCommand } from '../core/state.js';

/** How many steps back one can go. */
export const UNDO_LIMIT = 100;

// The fields each note change sets, and so what its undo sets back and expects.
const NOTE_FIELDS = {
  'note.edit': ['text'],
  'note.move': ['x', 'y'],
  'note.recolor': ['color'],
  'note.kind': ['kind'],
  'note.group': ['group_id'],
};
const FRAME_FIELDS = ['title', 'prompt', 'x', 'y', 'w', 'h'];
// A link's fields a change may set (and an undo expects).
const LINK_FIELDS = ['kind', 'status', 'resolution'];
const NEW_LINK = { kind: 'conflicts', status: 'open', resolution: '' };
// What an undo of a creation expects of the note: unchanged since.
const CREATED_FIELDS = ['text', 'x', 'y', 'color', 'kind'];

function pick(entity, fields) {
  const out = {};
  for (const field of fields) {
    if (entity[field] !== undefined) out[field] = entity[field] ?? null;
  }
  return out;
}

function frameCreate(frame) {
  return { type: 'frame.create', frame_id: frame.id, ...pick(frame, FRAME_FIELDS) };
}

/** A changed entity set back, expecting what the change left; null when it changed nothing. */
function setBack(base, before, after) {
  if (Object.keys(after).every((f) => before[f] === after[f])) return null;
  return { undo: { ...base, ...before, expect: after }, redo: { ...base, ...after, expect: before } };
}

/** A deleted link again: the same id between the same notes, then how a conflict was handled. */
function linkAgain(link) {
  const again = [{ type: 'link.create', link_id: link.id, from_id: link.from_id, to_id: link.to_id, kind: link.kind }];
  const handled = pick(link, ['status', 'resolution']);
  if (handled.status !== NEW_LINK.status || handled.resolution !== NEW_LINK.resolution) {
    again.push({ type: 'link.update', link_id: link.id, ...handled });
  }
  return again;
}

/**
 * The undo and redo of one own change, `{undo, redo}` (each a command or a
 * list of commands, sent in order), or null when it is not undoable (votes,
 * the agenda and the timer, a reveal…) or changes nothing. `view` is the board
 * as the sender saw it just before (`{notes, frames, groups, links}`).
 */
export function inverseOf(command, view) {
  const notes = view.notes ?? {};
  const frames = view.frames ?? {};
  const groups = view.groups ?? {};
  const links = view.links ?? {};
  const type = command.type;
  if (NOTE_FIELDS[type]) {
    const note = notes[command.note_id];
    if (!note) return null;
    const fields = NOTE_FIELDS[type];
    const before = pick({ group_id: null, ...note }, fields);
    const after = pick({ ...before, ...command }, fields);
    if (fields.every((f) => before[f] === after[f])) return null;
    const base = { type, note_id: note.id };
    return {
      undo: { ...base, ...before, expect: after },
      redo: { ...base, ...after, expect: before },
    };
  }
  switch (type) {
    case 'note.create': {
      // Placed by the server when it has no position: the place is not expected.
      const made = { text: '', color: 'yellow', kind: 'idea', ...command };
      const expect = pick(made, command.x == null ? ['text', 'color', 'kind'] : CREATED_FIELDS);
      return {
        undo: { type: 'note.delete', note_id: command.note_id, expect },
        redo: undeleteCommand({ id: command.note_id, group_id: null, ...pick(made, CREATED_FIELDS), mine: true }),
      };
    }
    case 'note.delete': {
      const note = notes[command.note_id];
      if (!note) return null;
      return {
        // Carries the note, so the page shows it back at once (core/predict.js).
        undo: undeleteCommand(note),
        redo: { type: 'note.delete', note_id: note.id, expect: pick(note, CREATED_FIELDS) },
      };
    }
    case 'group.create': {
      // Each note back to the group it was in (a group emptied by this goes
      // with it, and an undo into it is then refused as a conflict).
      const undo = command.note_ids
        .filter((id) => notes[id])
        .map((id) => ({
          type: 'note.group',
          note_id: id,
          group_id: notes[id].group_id ?? null,
          expect: { group_id: command.group_id },
        }));
      return undo.length ? { undo, redo: [command] } : null;
    }
    case 'frame.create':
      return {
        undo: { type: 'frame.delete', frame_id: command.frame_id, expect: pick(command, FRAME_FIELDS) },
        redo: command,
      };
    case 'frame.update': {
      const frame = frames[command.frame_id];
      if (!frame) return null;
      const fields = FRAME_FIELDS.filter((f) => command[f] !== undefined && command[f] !== null);
      const before = pick(frame, fields);
      const after = pick(command, fields);
      if (fields.every((f) => before[f] === after[f])) return null;
      const base = { type, frame_id: frame.id };
      return {
        undo: { ...base, ...before, expect: after },
        redo: { ...base, ...after, expect: before },
      };
    }
    case 'frame.delete': {
      const frame = frames[command.frame_id];
      if (!frame) return null;
      return {
        // The frame again, same id and place: its notes are in it again.
        undo: frameCreate(frame),
        redo: { type: 'frame.delete', frame_id: frame.id, expect: pick(frame, FRAME_FIELDS) },
      };
    }
    case 'frame.move': {
      // Its notes go back with it: those in it when the undo arrives.
      const frame = frames[command.frame_id];
      if (!frame) return null;
      return setBack({ type, frame_id: frame.id }, pick(frame, ['x', 'y']), pick(command, ['x', 'y']));
    }
    case 'group.rename': {
      const group = groups[command.group_id];
      if (!group) return null;
      return setBack({ type, group_id: group.id }, { name: group.name ?? '' }, { name: command.name });
    }
    case 'link.create':
      return {
        undo: { type: 'link.delete', link_id: command.link_id, expect: { ...NEW_LINK, ...pick(command, ['kind']) } },
        redo: command,
      };
    case 'link.update': {
      const link = links[command.link_id];
      if (!link) return null;
      const fields = LINK_FIELDS.filter((f) => command[f] !== undefined && command[f] !== null);
      return setBack({ type, link_id: link.id }, pick({ ...NEW_LINK, ...link }, fields), pick(command, fields));
    }
    case 'link.delete': {
      const link = links[command.link_id];
      if (!link) return null;
      const was = pick({ ...NEW_LINK, ...link }, LINK_FIELDS);
      return {
        undo: linkAgain({ ...link, ...was }),
        redo: { type: 'link.delete', link_id: link.id, expect: was },
      };
    }
    default:
      return null;
  }
}

/** `view` as it is after `command` (only what later inverses of the same step read). */
function viewAfter(view, command) {
  const notes = { ...view.notes };
  const frames = { ...view.frames };
  const groups = { ...view.groups };
  const links = { ...view.links };
  const fields = NOTE_FIELDS[command.type];
  if (fields && notes[command.note_id]) {
    notes[command.note_id] = { ...notes[command.note_id], ...pick(command, fields) };
  } else if (command.type === 'note.delete') {
    delete notes[command.note_id];
  } else if (command.type === 'note.create') {
    notes[command.note_id] = { id: command.note_id, group_id: null, ...pick(command, CREATED_FIELDS) };
  } else if (command.type === 'group.create') {
    for (const id of command.note_ids) if (notes[id]) notes[id] = { ...notes[id], group_id: command.group_id };
  } else if ((command.type === 'frame.update' || command.type === 'frame.move') && frames[command.frame_id]) {
    frames[command.frame_id] = { ...frames[command.frame_id], ...pick(command, FRAME_FIELDS) };
  } else if (command.type === 'frame.delete') {
    delete frames[command.frame_id];
  } else if (command.type === 'group.rename' && groups[command.group_id]) {
    groups[command.group_id] = { ...groups[command.group_id], name: command.name };
  } else if (command.type === 'link.create') {
    links[command.link_id] = { id: command.link_id, from_id: command.from_id, to_id: command.to_id, ...NEW_LINK, ...pick(command, ['kind']) };
  } else if (command.type === 'link.update' && links[command.link_id]) {
    links[command.link_id] = { ...links[command.link_id], ...pick(command, LINK_FIELDS) };
  } else if (command.type === 'link.delete') {
    delete links[command.link_id];
  }
  return { notes, frames, groups, links };
}

/**
 * One undo step for several own changes sent in this order (`commands`),
 * from the board as it was before the first: `{undo, redo}`, each a list of
 * commands in the order to send, or null when none of them is undoable.
 */
export function entryFor(commands, view) {
  const undo = [];
  const redo = [];
  let seen = view;
  for (const command of commands) {
    const inverse = inverseOf(command, seen);
    if (inverse) {
      // The last change is undone first; each inverse's own commands stay in
      // their order (a link made again before how it was handled).
      undo.unshift(...[].concat(inverse.undo));
      redo.push(...[].concat(inverse.redo));
    }
    seen = viewAfter(seen, command);
  }
  return undo.length ? { undo, redo } : null;
}

/** The stacks of one person's undoable steps, and the sending of undo and redo. */
export class UndoHistory {
  /**
   * `send(command)` sends one command and returns its op_id (the connection's
   * send: not the page's, which would record it as a new change). `onChange`
   * is called whenever what can be undone or redone changes.
   */
  constructor({ send, onChange = () => {}, limit = UNDO_LIMIT }) {
    this.send = send;
    this.onChange = onChange;
    this.limit = limit;
    this.done = [];
    this.undone = [];
    this._group = null;
    // op_id of an undo or redo command -> the entry it belongs to.
    this._ops = new Map();
  }

  get canUndo() {
    return this.done.length > 0;
  }

  get canRedo() {
    return this.undone.length > 0;
  }

  /** The latest step (e.g. for "Deleted — Undo"), or null. */
  get last() {
    return this.done.at(-1) ?? null;
  }

  /**
   * An own change was just sent; `view` is the board as the sender saw it
   * before. Returns the step it belongs to (or null: not undoable).
   */
  record(command, view) {
    if (this._group) {
      this._group.commands.push(command);
      if (!this._group.view) this._group.view = view;
      return null;
    }
    return this.push(entryFor([command], view));
  }

  /** Run `fn`; every change recorded during it becomes one step (returned). */
  group(fn) {
    const outer = this._group;
    const group = outer ?? { commands: [], view: null };
    this._group = group;
    try {
      fn();
    } finally {
      this._group = outer;
    }
    if (outer || !group.view) return null;
    return this.push(entryFor(group.commands, group.view));
  }

  /**
   * Add a step made elsewhere: `{undo: [commands], redo: [commands]}` (see
   * `entryFor`), after its changes were sent. A new step ends what could be redone.
   */
  push(entry) {
    if (!entry || !entry.undo?.length) return null;
    const step = { undo: [...entry.undo], redo: [...(entry.redo ?? [])] };
    this.done.push(step);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
    this.onChange();
    return step;
  }

  /** Undo the latest step, or `step` (e.g. the deletion a toast offers to undo). */
  undo(step = this.last) {
    const at = this.done.lastIndexOf(step);
    if (!step || at < 0) return false;
    this.done.splice(at, 1);
    this._sendAll(step.undo, step);
    if (step.redo.length) this.undone.push(step);
    this.onChange();
    return true;
  }

  redo() {
    const step = this.undone.pop();
    if (!step) return false;
    this._sendAll(step.redo, step);
    this.done.push(step);
    this.onChange();
    return true;
  }

  /**
   * A refused op. True when it was part of an undo or redo: the step no longer
   * says what the board holds, so it leaves both stacks (the page shows why:
   * `undo_conflict` — someone changed it since — or a step rule, the lock…).
   */
  rejected(opId) {
    const step = this._ops.get(opId);
    if (!step) return false;
    this._ops.delete(opId);
    for (const stack of [this.done, this.undone]) {
      const at = stack.indexOf(step);
      if (at >= 0) stack.splice(at, 1);
    }
    this.onChange();
    return true;
  }

  clear() {
    this.done = [];
    this.undone = [];
    this._ops.clear();
    this.onChange();
  }

  _sendAll(commands, step) {
    if (this._ops.size > 4 * this.limit) {
      // Answers come in order; ops of steps that are on neither stack any more need no answer.
      for (const [opId, known] of this._ops) {
        if (!this.done.includes(known) && !this.undone.includes(known)) this._ops.delete(opId);
      }
    }
    for (const command of commands) {
      const opId = this.send(command);
      if (opId) this._ops.set(opId, step);
    }
  }
}
