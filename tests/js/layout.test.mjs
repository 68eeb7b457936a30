import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freeSpot } from '../../frontend/js/layout.js';

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
