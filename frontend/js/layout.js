// Where a new note goes: the first free place near a point, so that notes made
// one after another from the "New note" button sit side by side instead of on
// top of each other. Pure: tested in tests/js/layout.test.mjs.

import { NOTE_HEIGHT, NOTE_WIDTH } from './state.js';

const GAP = 16;

function overlaps(notes, x, y) {
  for (const n of notes) {
    if (Math.abs(n.x - x) < NOTE_WIDTH + GAP / 2 && Math.abs(n.y - y) < NOTE_HEIGHT + GAP / 2) return true;
  }
  return false;
}

/**
 * The top-left corner for a new note as close as possible to (x, y): (x, y)
 * itself if free, else the nearest free cell of a grid of note-sized steps
 * around it (rings outwards, at most `rings` of them).
 */
export function freeSpot(notes, x, y, rings = 6) {
  const list = Array.isArray(notes) ? notes : Object.values(notes);
  if (!overlaps(list, x, y)) return { x, y };
  const dx = NOTE_WIDTH + GAP;
  const dy = NOTE_HEIGHT + GAP;
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
      const cx = x + i * dx;
      const cy = y + j * dy;
      if (!overlaps(list, cx, cy)) return { x: cx, y: cy };
    }
  }
  return { x, y };
}
