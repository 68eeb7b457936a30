import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freePlace, frameGrid, predictPlace } from '../../frontend/js/core/placement.js';
import { applyEvent, emptyState, predict } from '../../frontend/js/core/state.js';

const frame = { id: 'f1', title: '', prompt: '', x: 100, y: 50, w: 1200, h: 800 };

test('notes fill a frame left to right below its title, never on each other', () => {
  const grid = frameGrid(frame);
  const notes = [];
  for (let i = 0; i < 12; i++) notes.push(freePlace(grid, notes));
  assert.deepEqual(notes[0], { x: 124, y: 146 });
  assert.deepEqual(notes[1], { x: 300, y: 146 });
  assert.deepEqual(notes[6], { x: 124, y: 282 });
  for (const [i, a] of notes.entries()) {
    for (const b of notes.slice(i + 1)) assert.ok(Math.abs(a.x - b.x) >= 160 || Math.abs(a.y - b.y) >= 120);
  }
});

test('a pending note without a position is shown in the step frame; a tidied frame moves its notes', () => {
  let state = emptyState();
  state = applyEvent(state, { seq: 1, type: 'frame.created', data: { frame } });
  const note = { id: 'n1', text: '', x: 124, y: 146, color: 'yellow', kind: 'idea', frame_id: 'f1', author: 'm', origin: 'participant', private: false, group_id: null };
  state = applyEvent(state, { seq: 2, type: 'note.created', data: { note } });
  const next = predict(state, { type: 'note.create', note_id: 'n2', frame_id: 'f1' }, 'm');
  assert.deepEqual([next.notes.n2.x, next.notes.n2.y, next.notes.n2.frame_id], [300, 146, 'f1']);
  assert.deepEqual(predictPlace(state, null, 'f1'), { x: 300, y: 146 });
  state = applyEvent(state, {
    seq: 3,
    type: 'frame.tidied',
    data: { frame_id: 'f1', h: 900, places: [{ note_id: 'n1', x: 300, y: 146 }] },
  });
  assert.equal(state.frames.f1.h, 900);
  assert.deepEqual([state.notes.n1.x, state.notes.n1.y, state.notes.n1.frame_id], [300, 146, 'f1']);
});
