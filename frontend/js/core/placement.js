// Where a note without a position goes: the mirror of
// backend/samskapa/domain/placement.py `free_place`. The server decides the
// place inside the append (so twenty phones adding at once never share a
// spot); the browser uses this only to show a pending note where it will most
// likely land, until the server's event arrives. Pure: node --test checks it,
// and tests/domain/test_placement_mirror.py compares it with the server's.

import { NOTE_HEIGHT, NOTE_WIDTH } from './model.js';

export const GAP = 16;
export const PAD = 24;
export const HEADER = 96;
const STEP_X = NOTE_WIDTH + GAP;
const STEP_Y = NOTE_HEIGHT + GAP;
const LOOSE_COLUMNS = 6;
const LOOSE_MARGIN = 80;
const LOOSE_ROWS = 10_000;

export function frameGrid(frame) {
  const header = frame.h >= HEADER + NOTE_HEIGHT + PAD ? HEADER : 0;
  const cols = Math.max(1, Math.floor((frame.w - 2 * PAD + GAP) / STEP_X));
  const rows = Math.max(1, Math.floor((frame.h - header - PAD + GAP) / STEP_Y));
  return { x: frame.x + PAD, y: frame.y + header, cols, rows };
}

export function looseGrid(frames) {
  const list = Object.values(frames);
  if (!list.length) return { x: 0, y: 0, cols: LOOSE_COLUMNS, rows: LOOSE_ROWS };
  const right = Math.max(...list.map((f) => f.x + f.w));
  const top = Math.min(...list.map((f) => f.y));
  return { x: right + LOOSE_MARGIN, y: top, cols: LOOSE_COLUMNS, rows: LOOSE_ROWS };
}

function taken(grid, notes) {
  const cells = new Set();
  for (const note of notes) {
    const dx = note.x - grid.x;
    const dy = note.y - grid.y;
    const c0 = Math.max(0, Math.floor((dx - NOTE_WIDTH) / STEP_X) + 1);
    const c1 = Math.min(grid.cols - 1, Math.ceil((dx + NOTE_WIDTH) / STEP_X) - 1);
    const r0 = Math.max(0, Math.floor((dy - NOTE_HEIGHT) / STEP_Y) + 1);
    const r1 = Math.min(grid.rows - 1, Math.ceil((dy + NOTE_HEIGHT) / STEP_Y) - 1);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) cells.add(r * grid.cols + c);
  }
  return cells;
}

const cell = (grid, index) => ({
  x: grid.x + (index % grid.cols) * STEP_X,
  y: grid.y + Math.floor(index / grid.cols) * STEP_Y,
});

/** The first cell of `grid` no note overlaps (a full grid: round again). */
export function freePlace(grid, notes) {
  const list = Array.isArray(notes) ? notes : Object.values(notes);
  const used = taken(grid, list);
  const total = grid.cols * grid.rows;
  for (let i = 0; i < total; i++) if (!used.has(i)) return cell(grid, i);
  return cell(grid, list.length % total);
}

/**
 * Where the server will most likely put a note created without a position in
 * `frameId` (or the current step's frame, or beside all frames) — as
 * decide.py `_place`, over the notes this viewer sees.
 */
export function predictPlace(state, frameId, stepFrameId) {
  const frame = state.frames[frameId ?? stepFrameId ?? ''] ?? null;
  const grid = frame ? frameGrid(frame) : looseGrid(state.frames);
  return freePlace(grid, Object.values(state.notes));
}
