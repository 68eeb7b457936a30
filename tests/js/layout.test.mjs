import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freeFrameSpot, freeSpot } from '../../frontend/js/board/layout.js';

test('a free point is used as it is', () => {
  assert.deepEqual(freeSpot({}, 10, 20), { x: 10, y: 20 });
});

test('notes made one after another do not cover each other', () => {
  const notes = [];
  for (let i = 0; i < 12; i++) {
    const spot = freeSpot(notes, 0, 0);
    for (const n of notes) {
      assert.ok(Math.abs(n.x - spot.x) >= 160 || Math.abs(n.y - spot.y) >= 120, `note ${i} overlaps`);
    }
    notes.push(spot);
  }
  // The second goes right next to the first.
  assert.deepEqual(notes[1], { x: 176, y: 0 });
});

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const asBox = (n) => ({ x: n.x, y: n.y, w: n.w ?? 160, h: n.h ?? 120 });

test('a new frame on an empty board goes where the person looks', () => {
  assert.deepEqual(freeFrameSpot({ frames: {}, notes: {} }, -400, -250, 800, 500), { x: -400, y: -250 });
});

test('a new frame dropped on a frame and its notes goes beside them, covering nothing', () => {
  const state = {
    frames: { f1: { id: 'f1', x: -400, y: -250, w: 800, h: 500 } },
    notes: { n1: { id: 'n1', x: -300, y: -100 }, n2: { id: 'n2', x: 500, y: -250 } },
  };
  const spot = freeFrameSpot(state, -400, -250, 800, 500);
  const box = { ...spot, w: 800, h: 500 };
  for (const item of [...Object.values(state.frames), ...Object.values(state.notes)]) {
    assert.ok(!overlap(box, asBox(item)), `covers ${item.id}`);
  }
  // Near: within two frame sizes of where the person looked.
  assert.ok(Math.abs(spot.x + 400) <= 1700 && Math.abs(spot.y + 250) <= 1100, JSON.stringify(spot));
});

test('frames made one after another at the same place never cover each other', () => {
  const state = { frames: {}, notes: {} };
  for (let i = 0; i < 30; i++) {
    const spot = freeFrameSpot(state, 0, 0, 800, 500);
    const box = { ...spot, w: 800, h: 500 };
    for (const f of Object.values(state.frames)) assert.ok(!overlap(box, f), `frame ${i} covers ${f.id}`);
    state.frames[`f${i}`] = { id: `f${i}`, ...box };
  }
});

test('a crowded view: the frame goes right of everything', () => {
  const notes = {};
  for (let i = -40; i < 40; i++) for (let j = -40; j < 40; j++) notes[`n${i}_${j}`] = { x: i * 170, y: j * 130 };
  const spot = freeFrameSpot({ frames: {}, notes }, 0, 0, 800, 500, 2);
  assert.deepEqual(spot, { x: 39 * 170 + 160 + 48, y: -40 * 130 });
});
