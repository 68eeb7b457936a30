// A frame's outline changed by hand: moved (with its notes, frame.move) or
// resized (frame.update), by a drag or by the arrow keys. Pure: tested in
// tests/js/frames.test.mjs; frames.js puts it on the page.

import { COORD_LIMIT, FRAME_MAX, FRAME_MIN } from '../core/state.js';

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** Arrow keys: how far one press moves or resizes a frame (board units). */
export const FRAME_STEP = 20;

/** The keys that move (and with Shift resize) a focused frame: [dx, dy] per press. */
export const FRAME_KEYS = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The frame.move that puts `frame`'s corner (dx, dy) further, on the board's grid of whole units. */
export function moveCommand(frame, dx, dy) {
  const x = Math.round(clamp(frame.x + dx, -COORD_LIMIT, COORD_LIMIT));
  const y = Math.round(clamp(frame.y + dy, -COORD_LIMIT, COORD_LIMIT));
  return { type: 'frame.move', frame_id: frame.id, x, y };
}

/** The frame.update that makes `frame` (dw, dh) bigger from its bottom-right corner, within the size limits. */
export function resizeCommand(frame, dw, dh) {
  const w = Math.round(clamp(frame.w + dw, FRAME_MIN, FRAME_MAX));
  const h = Math.round(clamp(frame.h + dh, FRAME_MIN, FRAME_MAX));
  return { type: 'frame.update', frame_id: frame.id, w, h };
}

/** Did `command` change anything about `frame`? */
export function changes(frame, command) {
  return ['x', 'y', 'w', 'h'].some((key) => key in command && command[key] !== frame[key]);
}
