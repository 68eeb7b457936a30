// The undo stack and the inverse of each own change (frontend undo module,
// docs/protocol.md §2.11): what is sent back, with which `expect`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { entryFor, inverseOf, UNDO_LIMIT, UndoHistory } from '../../frontend/js/board/undo.js';
import { emptyState, predict } from '../../frontend/js/core/state.js';

const note = (id, more = {}) => ({ id, text: 'Elvägar', x: 10, y: 20, color: 'yellow', kind: 'idea', group_id: null, ...more });
const view = {
  notes: { n1: note('n1'), n2: note('n2', { group_id: 'g1' }) },
  frames: { f1: { id: 'f1', title: 'Idéer', prompt: '', x: 0, y: 0, w: 800, h: 600 } },
  groups: { g1: { id: 'g1', name: 'Laddning' } },
  links: { l1: { id: 'l1', from_id: 'n1', to_id: 'n2', kind: 'conflicts', status: 'balanced', resolution: 'Båda' } },
};

describe('inverseOf', () => {
  test('a note change is set back, expecting what it left', () => {
    const move = { type: 'note.move', note_id: 'n1', x: 300, y: 40 };
    assert.deepEqual(inverseOf(move, view), {
      undo: { type: 'note.move', note_id: 'n1', x: 10, y: 20, expect: { x: 300, y: 40 } },
      redo: { type: 'note.move', note_id: 'n1', x: 300, y: 40, expect: { x: 10, y: 20 } },
    });
    const edit = inverseOf({ type: 'note.edit', note_id: 'n1', text: 'Laddning' }, view);
    assert.deepEqual(edit.undo, { type: 'note.edit', note_id: 'n1', text: 'Elvägar', expect: { text: 'Laddning' } });
    const colour = inverseOf({ type: 'note.recolor', note_id: 'n1', color: 'pink' }, view);
    assert.deepEqual(colour.undo.expect, { color: 'pink' });
    const kind = inverseOf({ type: 'note.kind', note_id: 'n1', kind: 'goal' }, view);
    assert.deepEqual(kind.undo, { type: 'note.kind', note_id: 'n1', kind: 'idea', expect: { kind: 'goal' } });
  });

  test('leaving a group is undone into it, joining one out of it', () => {
    const out = inverseOf({ type: 'note.group', note_id: 'n2', group_id: null }, view);
    assert.deepEqual(out.undo, { type: 'note.group', note_id: 'n2', group_id: 'g1', expect: { group_id: null } });
    const into = inverseOf({ type: 'note.group', note_id: 'n1', group_id: 'g1' }, view);
    assert.deepEqual(into.undo, { type: 'note.group', note_id: 'n1', group_id: null, expect: { group_id: 'g1' } });
  });

  test('a change that changes nothing, or of an unknown note, is no step', () => {
    assert.equal(inverseOf({ type: 'note.move', note_id: 'n1', x: 10, y: 20 }, view), null);
    assert.equal(inverseOf({ type: 'note.edit', note_id: 'n_x', text: 'a' }, view), null);
    assert.equal(inverseOf({ type: 'vote.cast', round_id: 'r', note_id: 'n1' }, view), null);
    assert.equal(inverseOf({ type: 'group.rename', group_id: 'g1', name: 'Laddning' }, view), null);
    assert.equal(inverseOf({ type: 'frame.move', frame_id: 'f_x', x: 1, y: 1 }, view), null);
  });

  test('a creation is undone by a deletion that expects the note unchanged; redo brings it back', () => {
    const create = { type: 'note.create', note_id: 'n3', text: 'Ny', x: 5, y: 6, color: 'green', kind: 'idea' };
    assert.deepEqual(inverseOf(create, view), {
      undo: { type: 'note.delete', note_id: 'n3', expect: { text: 'Ny', x: 5, y: 6, color: 'green', kind: 'idea' } },
      redo: { type: 'note.undelete', note_id: 'n3' },
    });
    // Placed by the server: its place is not expected.
    const placed = inverseOf({ type: 'note.create', note_id: 'n4', text: 'Idé', frame_id: 'f1' }, view);
    assert.deepEqual(placed.undo.expect, { text: 'Idé', color: 'yellow', kind: 'idea' });
  });

  test('a deletion is undone by note.undelete; redo deletes it again if unchanged', () => {
    assert.deepEqual(inverseOf({ type: 'note.delete', note_id: 'n1' }, view), {
      undo: { type: 'note.undelete', note_id: 'n1' },
      redo: { type: 'note.delete', note_id: 'n1', expect: { text: 'Elvägar', x: 10, y: 20, color: 'yellow', kind: 'idea' } },
    });
  });

  test('frames: an update set back, a deletion undone by the frame again', () => {
    const update = inverseOf({ type: 'frame.update', frame_id: 'f1', title: 'Mål', x: 100 }, view);
    assert.deepEqual(update.undo, { type: 'frame.update', frame_id: 'f1', title: 'Idéer', x: 0, expect: { title: 'Mål', x: 100 } });
    const gone = inverseOf({ type: 'frame.delete', frame_id: 'f1' }, view);
    assert.deepEqual(gone.undo, { type: 'frame.create', frame_id: 'f1', title: 'Idéer', prompt: '', x: 0, y: 0, w: 800, h: 600 });
    assert.equal(gone.redo.expect.w, 800);
    const made = inverseOf({ type: 'frame.create', frame_id: 'f2', title: 'T', x: 1, y: 2, w: 300, h: 200 }, view);
    assert.deepEqual(made.undo, { type: 'frame.delete', frame_id: 'f2', expect: { title: 'T', x: 1, y: 2, w: 300, h: 200 } });
  });
});

describe('inverseOf: frames moved, groups renamed, links', () => {
  test('a frame move goes back, expecting the frame where the move left it', () => {
    assert.deepEqual(inverseOf({ type: 'frame.move', frame_id: 'f1', x: 500, y: 0 }, view), {
      undo: { type: 'frame.move', frame_id: 'f1', x: 0, y: 0, expect: { x: 500, y: 0 } },
      redo: { type: 'frame.move', frame_id: 'f1', x: 500, y: 0, expect: { x: 0, y: 0 } },
    });
    // A resize is a frame.update of its size.
    const resize = inverseOf({ type: 'frame.update', frame_id: 'f1', w: 1000, h: 700 }, view);
    assert.deepEqual(resize.undo, { type: 'frame.update', frame_id: 'f1', w: 800, h: 600, expect: { w: 1000, h: 700 } });
  });

  test('a group rename goes back to the old name, if nobody renamed it since', () => {
    assert.deepEqual(inverseOf({ type: 'group.rename', group_id: 'g1', name: 'Depåer' }, view), {
      undo: { type: 'group.rename', group_id: 'g1', name: 'Laddning', expect: { name: 'Depåer' } },
      redo: { type: 'group.rename', group_id: 'g1', name: 'Depåer', expect: { name: 'Laddning' } },
    });
  });

  test('a link added is removed if unchanged; a link removed comes back as it was handled', () => {
    const add = { type: 'link.create', link_id: 'l2', from_id: 'n1', to_id: 'n2', kind: 'supports' };
    assert.deepEqual(inverseOf(add, view), {
      undo: { type: 'link.delete', link_id: 'l2', expect: { kind: 'supports', status: 'open', resolution: '' } },
      redo: add,
    });
    const removed = inverseOf({ type: 'link.delete', link_id: 'l1' }, view);
    assert.deepEqual(removed.undo, [
      { type: 'link.create', link_id: 'l1', from_id: 'n1', to_id: 'n2', kind: 'conflicts' },
      { type: 'link.update', link_id: 'l1', status: 'balanced', resolution: 'Båda' },
    ]);
    assert.deepEqual(removed.redo.expect, { kind: 'conflicts', status: 'balanced', resolution: 'Båda' });
    const handled = inverseOf({ type: 'link.update', link_id: 'l1', status: 'accepted' }, view);
    assert.deepEqual(handled.undo, { type: 'link.update', link_id: 'l1', status: 'balanced', expect: { status: 'accepted' } });
    // In one step, the commands of one inverse keep their order.
    const entry = entryFor([{ type: 'link.delete', link_id: 'l1' }], view);
    assert.deepEqual(entry.undo.map((c) => c.type), ['link.create', 'link.update']);
  });

  test('an undelete shows the note back at once, before the server answers', () => {
    const state = emptyState();
    state.notes.n2 = note('n2');
    state.groups.g1 = { id: 'g1', name: 'Laddning' };
    const deletion = inverseOf({ type: 'note.delete', note_id: 'n1' }, view);
    assert.equal(JSON.stringify(deletion.undo), '{"type":"note.undelete","note_id":"n1"}', 'the wire form is the id only');
    const shown = predict(state, deletion.undo, 'm_me');
    assert.equal(shown.notes.n1.text, 'Elvägar');
    assert.equal(shown.notes.n1.pending, true);
    assert.equal(state.notes.n1, undefined, 'the state itself is not changed');
    // Its group went meanwhile: it comes back in none (as the server decides).
    const grouped = inverseOf({ type: 'note.delete', note_id: 'n2' }, { ...view, notes: { n2: note('n2', { group_id: 'g_gone' }) } });
    delete state.notes.n2;
    assert.equal(predict(state, grouped.undo, 'm_me').notes.n2.group_id, null);
    // Without the note (a reload: the saved outbox is JSON) nothing is predicted.
    assert.equal(predict(state, JSON.parse(JSON.stringify(deletion.undo)), 'm_me'), state);
  });
});

describe('entryFor', () => {
  test('several changes: undone last first, redone in order', () => {
    const commands = [
      { type: 'note.move', note_id: 'n1', x: 100, y: 20 },
      { type: 'note.move', note_id: 'n2', x: 300, y: 20 },
      { type: 'note.move', note_id: 'n1', x: 200, y: 20 },
    ];
    const entry = entryFor(commands, view);
    assert.deepEqual(
      entry.undo.map((c) => [c.note_id, c.x, c.expect.x]),
      [['n1', 100, 200], ['n2', 10, 300], ['n1', 10, 100]],
    );
    assert.deepEqual(entry.redo.map((c) => [c.note_id, c.x]), [['n1', 100], ['n2', 300], ['n1', 200]]);
    assert.equal(entryFor([{ type: 'vote.cast', round_id: 'r', note_id: 'n1' }], view), null);
  });
});

function history() {
  const sent = [];
  let changes = 0;
  const h = new UndoHistory({
    send: (command) => {
      sent.push(command);
      return `o${sent.length}`;
    },
    onChange: () => changes++,
  });
  return { h, sent, changes: () => changes };
}

describe('UndoHistory', () => {
  test('undo, redo, and a new change ends what could be redone', () => {
    const { h, sent } = history();
    assert.equal(h.canUndo, false);
    assert.equal(h.undo(), false);
    h.record({ type: 'note.move', note_id: 'n1', x: 300, y: 40 }, view);
    assert.equal(h.canUndo, true);
    assert.equal(h.undo(), true);
    assert.deepEqual(sent.at(-1), { type: 'note.move', note_id: 'n1', x: 10, y: 20, expect: { x: 300, y: 40 } });
    assert.equal(h.canRedo, true);
    assert.equal(h.redo(), true);
    assert.deepEqual(sent.at(-1).expect, { x: 10, y: 20 });
    h.undo();
    h.record({ type: 'note.recolor', note_id: 'n1', color: 'pink' }, view);
    assert.equal(h.canRedo, false);
  });

  test('a refused undo (someone changed it since) leaves both stacks', () => {
    const { h } = history();
    h.record({ type: 'note.edit', note_id: 'n1', text: 'Mitt' }, view);
    h.undo();
    assert.equal(h.canRedo, true);
    assert.equal(h.rejected('o1'), true);
    assert.equal(h.canRedo, false);
    assert.equal(h.rejected('o_other'), false);
  });

  test('a toast can undo its own step even after later ones', () => {
    const { h, sent } = history();
    const deletion = h.record({ type: 'note.delete', note_id: 'n1' }, view);
    h.record({ type: 'note.move', note_id: 'n2', x: 0, y: 0 }, view);
    assert.equal(h.undo(deletion), true);
    assert.deepEqual(sent.at(-1), { type: 'note.undelete', note_id: 'n1' });
    assert.equal(h.undo(deletion), false); // once
    assert.equal(h.done.length, 1);
  });

  test('group() makes one step of several recorded changes; push() takes one made elsewhere', () => {
    const { h, sent } = history();
    const step = h.group(() => {
      h.record({ type: 'note.delete', note_id: 'n1' }, view);
      h.record({ type: 'note.delete', note_id: 'n2' }, view);
    });
    assert.equal(h.done.length, 1);
    h.undo(step);
    assert.deepEqual(sent.map((c) => [c.type, c.note_id]), [['note.undelete', 'n2'], ['note.undelete', 'n1']]);
    h.push({ undo: [{ type: 'note.move', note_id: 'n1', x: 1, y: 1, expect: { x: 2, y: 2 } }], redo: [] });
    assert.equal(h.canRedo, false);
    assert.equal(h.push(null), null);
  });

  test('the stack keeps the latest UNDO_LIMIT steps', () => {
    const { h } = history();
    for (let i = 0; i < UNDO_LIMIT + 5; i++) h.record({ type: 'note.move', note_id: 'n1', x: i + 100, y: 0 }, view);
    assert.equal(h.done.length, UNDO_LIMIT);
  });
});
