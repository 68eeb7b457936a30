// A frame moved or resized by hand (frontend/js/board/frame-shape.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { changes, moveCommand, resizeCommand } from '../../frontend/js/board/frame-shape.js';

const frame = { id: 'f1', title: 'Idéer', prompt: '', x: 100, y: 50, w: 800, h: 500 };

test('a move is one frame.move to whole units on the board', () => {
  assert.deepEqual(moveCommand(frame, 20.4, -40.6), { type: 'frame.move', frame_id: 'f1', x: 120, y: 9 });
  assert.equal(moveCommand(frame, 5_000_000, 0).x, 1_000_000);
});

test('a resize is a frame.update of the size only, within the limits', () => {
  assert.deepEqual(resizeCommand(frame, 40, -20), { type: 'frame.update', frame_id: 'f1', w: 840, h: 480 });
  assert.deepEqual(resizeCommand(frame, -5000, 30_000), { type: 'frame.update', frame_id: 'f1', w: 40, h: 20_000 });
});

test('nothing changed: nothing to send', () => {
  assert.equal(changes(frame, moveCommand(frame, 0.2, 0)), false);
  assert.equal(changes(frame, resizeCommand(frame, 0, 1)), true);
});
