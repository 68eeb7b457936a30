// Where something new goes on the canvas: the first free place near a point, so
// that notes made one after another from the "New note" button sit side by side
// instead of on top of each other, and a new frame covers no note or frame
// (a frame drawn over notes would take them in). The page decides these places
// itself, as it does for a note put down by hand; only notes created without a
// position are placed by the server (placement.js mirrors that). Pure: tested
// in tests/js/layout.test.mjs.

import { NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';

const GAP = 16;
// Between a new frame and what is already there: frames should not touch.
export const FRAME_MARGIN = 48;

const boxOf = (item) => ({ x: item.x, y: item.y, w: item.w ?? NOTE_WIDTH, h: item.h ?? NOTE_HEIGHT });

/** Does a `w`×`h` box at (x, y) come nearer than `margin` to any of `boxes`? */
function covers(boxes, x, y, w, h, margin) {
  for (const b of boxes) {
    if (x < b.x + b.w + margin && b.x < x + w + margin && y < b.y + b.h + margin && b.y < y + h + margin) return true;
  }
  return false;
}

/**
 * The top-left corner for a `w`×`h` box as close as possible to (x, y) that
 * stays `margin` away from every item of `items` (notes are note-sized, frames
 * have their `w` and `h`): (x, y) itself if free, else the nearest free point
 * of a grid of steps `sx`×`sy` around it (rings outwards, at most `rings`).
 * Null when none of them is free.
 */
function nearestFree(items, x, y, { w, h, margin, sx, sy, rings }) {
  const boxes = items.map(boxOf);
  if (!covers(boxes, x, y, w, h, margin)) return { x, y };
  for (let r = 1; r <= rings; r++) {
    const cells = [];
    for (let i = -r; i <= r; i++) {
      for (let j = -r; j <= r; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) === r) cells.push([i, j]);
      }
    }
    // Nearest first; to the right before the left, below before above.
    cells.sort((a, b) => a[0] ** 2 + a[1] ** 2 - (b[0] ** 2 + b[1] ** 2) || b[0] - a[0] || b[1] - a[1]);
    for (const [i, j] of cells) {
      const cx = x + i * sx;
      const cy = y + j * sy;
      if (!covers(boxes, cx, cy, w, h, margin)) return { x: cx, y: cy };
    }
  }
  return null;
}

const listOf = (map) => (Array.isArray(map) ? map : Object.values(map ?? {}));

/**
 * The top-left corner for a new note as close as possible to (x, y): (x, y)
 * itself if free, else the nearest free cell of a grid of note-sized steps
 * around it (rings outwards, at most `rings` of them).
 */
export function freeSpot(notes, x, y, rings = 6) {
  const spot = nearestFree(listOf(notes), x, y, {
    w: NOTE_WIDTH,
    h: NOTE_HEIGHT,
    margin: GAP / 2,
    sx: NOTE_WIDTH + GAP,
    sy: NOTE_HEIGHT + GAP,
    rings,
  });
  return spot ?? { x, y };
}

/**
 * The top-left corner for a new `w`×`h` frame near (x, y) (where the person is
 * looking) that covers no note and no frame: the nearest free place on a grid
 * of half-frame steps around it, else beside everything on the board, to the
 * right. `state` has `notes` and `frames`.
 */
export function freeFrameSpot(state, x, y, w, h, rings = 8) {
  const items = [...listOf(state.frames), ...listOf(state.notes)];
  const spot = nearestFree(items, x, y, {
    w,
    h,
    margin: FRAME_MARGIN,
    sx: Math.round((w + FRAME_MARGIN) / 2),
    sy: Math.round((h + FRAME_MARGIN) / 2),
    rings,
  });
  if (spot) return spot;
  // A crowded view: right of everything, level with the top of what is there.
  const boxes = items.map(boxOf);
  const right = Math.max(...boxes.map((b) => b.x + b.w));
  return { x: right + FRAME_MARGIN, y: Math.min(...boxes.map((b) => b.y)) };
}
