// Several notes at once (frontend/js/board/selection.js): what a rectangle
// touches, and the one command per note that each action sends, only for the
// notes this member may change.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  deleteCommands,
  groupCommand,
  joined,
  kindCommands,
  moveCommands,
  notesInRect,
  reach,
  recolorCommands,
  rectFrom,
  toggled,
} from '../../frontend/js/board/selection.js';
import { makeNote } from './fixtures.mjs';

const note = (id, x, y, extra = {}) => makeNote(id, { x, y, moderation: 'published', ...extra });

function board() {
  return {
    board: { id: 'b', anonymity: 'off' },
    participants: {
      m_lina: { id: 'm_lina', role: 'facilitator' },
      m_amira: { id: 'm_amira', role: 'participant' },
      m_bjorn: { id: 'm_bjorn', role: 'participant' },
    },
    frames: {},
    notes: {
      a: note('a', 0, 0),
      b: note('b', 200, 0, { color: 'green' }),
      c: note('c', 0, 300, { author: 'm_bjorn' }),
      far: note('far', 5000, 5000),
    },
    groups: {},
    links: {},
    agenda: [],
    current_step: null,
    attention: { leader: null, spotlight: null, locked: false },
    votes: { rounds: {}, open_round: null, counts: {}, tally: {}, named: {}, named_status: {}, mine: { ballots: {}, status: {} } },
  };
}
const lina = { role: 'facilitator', memberId: 'm_lina' };
const amira = { role: 'participant', memberId: 'm_amira' };

test('a rectangle selects the notes it touches, whichever way it was drawn', () => {
  const view = board();
  assert.deepEqual(rectFrom({ x: 370, y: 130 }, { x: -10, y: -10 }), { x: -10, y: -10, w: 380, h: 140 });
  assert.deepEqual(notesInRect(view, rectFrom({ x: 370, y: 130 }, { x: -10, y: -10 })), ['a', 'b']);
  // Touching a corner is enough; a rectangle beside every note selects none.
  assert.deepEqual(notesInRect(view, { x: 150, y: 110, w: 60, h: 200 }), ['a', 'b', 'c']);
  assert.deepEqual(notesInRect(view, { x: 1000, y: 1000, w: 10, h: 10 }), []);
});

test('Shift-click adds a note or takes it out; a rectangle adds to what is selected', () => {
  assert.deepEqual(toggled(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(toggled(['a', 'b'], 'a'), ['b']);
  assert.deepEqual(joined(['a', 'b'], ['b', 'c']), ['a', 'b', 'c']);
});

test('moving together: one note.move per note, the same offset, kept on the board', () => {
  const view = board();
  assert.deepEqual(moveCommands(view, ['a', 'b', 'gone'], lina, 10.4, -20), [
    { type: 'note.move', note_id: 'a', x: 10, y: -20 },
    { type: 'note.move', note_id: 'b', x: 210, y: -20 },
  ]);
  assert.equal(moveCommands(view, ['far'], lina, 2_000_000, 0)[0].x, 1_000_000);
});

test('colour, kind and delete reach only the notes this member may change', () => {
  const view = board();
  // A free board: participants edit everyone's notes but delete only their own.
  assert.deepEqual(
    recolorCommands(view, ['a', 'b', 'c'], amira, 'green').map((c) => c.note_id),
    ['a', 'c'],
  );
  assert.deepEqual(
    kindCommands(view, ['a', 'b'], amira, 'goal'),
    [
      { type: 'note.kind', note_id: 'a', kind: 'goal' },
      { type: 'note.kind', note_id: 'b', kind: 'goal' },
    ],
  );
  assert.deepEqual(deleteCommands(view, ['a', 'b', 'c'], amira).map((c) => c.note_id), ['a', 'b']);
  assert.deepEqual(deleteCommands(view, ['a', 'b', 'c'], lina).map((c) => c.note_id), ['a', 'b', 'c']);
  assert.deepEqual(reach(view, ['a', 'b', 'c'], amira), { count: 3, edit: 3, delete: 2, group: 3 });
  // A locked board: a participant reaches none of them.
  view.attention.locked = true;
  assert.deepEqual(reach(view, ['a', 'b', 'c'], amira), { count: 3, edit: 0, delete: 0, group: 0 });
  assert.deepEqual(recolorCommands(view, ['a', 'b'], amira, 'pink'), []);
});

test('grouping a selection is one group.create, without private notes, only from two notes on', () => {
  const view = board();
  view.notes.p = note('p', 400, 400, { private: true, mine: true });
  assert.deepEqual(groupCommand(view, ['a', 'b', 'p'], lina, 'g1', 'Grupp 1'), {
    type: 'group.create',
    group_id: 'g1',
    name: 'Grupp 1',
    note_ids: ['a', 'b'],
  });
  assert.equal(groupCommand(view, ['a', 'p'], lina, 'g1', 'Grupp 1'), null);
  assert.equal(groupCommand(view, ['a', 'b', 'c'], lina, 'g', 'G', 2).note_ids.length, 2);
});
