// The view onto the board: pan and zoom as pure arithmetic (tested in
// tests/js/). The world div is drawn with
//   transform: translate(camera.x px, camera.y px) scale(camera.scale)
// so a world point (wx, wy) appears on screen (relative to the viewport) at
//   (camera.x + wx * scale, camera.y + wy * scale).

import { NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';

export const MIN_SCALE = 0.1;
export const MAX_SCALE = 3;

const clampScale = (s) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

export function initialCamera() {
  return { x: 40, y: 40, scale: 1 };
}

export function screenToWorld(camera, sx, sy) {
  return { x: (sx - camera.x) / camera.scale, y: (sy - camera.y) / camera.scale };
}

export function worldToScreen(camera, wx, wy) {
  return { x: camera.x + wx * camera.scale, y: camera.y + wy * camera.scale };
}

/** Zoom by `factor` keeping the world point under screen point (sx, sy) in place. */
export function zoomAt(camera, factor, sx, sy) {
  const scale = clampScale(camera.scale * factor);
  const w = screenToWorld(camera, sx, sy);
  return { x: sx - w.x * scale, y: sy - w.y * scale, scale };
}

export function panBy(camera, dx, dy) {
  return { ...camera, x: camera.x + dx, y: camera.y + dy };
}

/** The world point in the middle of a viewport of `width` × `height`. */
export function viewCentre(camera, width, height) {
  return screenToWorld(camera, width / 2, height / 2);
}

/** Bounding box of every frame and note, or null for an empty board. */
export function boardBounds(state) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (x, y, w, h) => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + w);
    maxY = Math.max(maxY, y + h);
  };
  for (const f of Object.values(state.frames)) grow(f.x, f.y, f.w, f.h);
  for (const n of Object.values(state.notes)) grow(n.x, n.y, NOTE_WIDTH, NOTE_HEIGHT);
  if (minX === Infinity) return null;
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

/** `insets` as {top, right, bottom, left} (px); one number stands for all four. */
function padOf(insets) {
  return typeof insets === 'number' ? { top: insets, right: insets, bottom: insets, left: insets } : insets;
}

/**
 * A camera that shows `bounds` whole in a `width` × `height` viewport, never
 * zoomed in past 100 %. `insets` ({top, right, bottom, left} in px, or one
 * number for all) keep the board clear of what floats over it (the mission
 * card, the toolbar).
 */
export function fitBounds(bounds, width, height, insets = 40) {
  const pad = padOf(insets);
  const availW = Math.max(1, width - pad.left - pad.right);
  const availH = Math.max(1, height - pad.top - pad.bottom);
  const cx = pad.left + availW / 2;
  const cy = pad.top + availH / 2;
  if (!bounds) return { x: cx - NOTE_WIDTH / 2, y: cy - NOTE_HEIGHT / 2, scale: 1 };
  const scale = clampScale(Math.min(1, availW / Math.max(1, bounds.w), availH / Math.max(1, bounds.h)));
  return {
    x: cx - (bounds.x + bounds.w / 2) * scale,
    y: cy - (bounds.y + bounds.h / 2) * scale,
    scale,
  };
}

/**
 * The smallest zoom at which a note's words can be read: its 15 px text is
 * 9 px on screen. Below FAR_SCALE (30 %, cull.js) notes are blocks of colour
 * without words at all, and just above it the words are too small to read.
 */
export const READABLE_SCALE = 0.6;

/** Board units around the notes that make "where the work is": the title of a frame above its first notes. */
const WORK_MARGIN = 60;

/** The notes' bounding box with a margin (where the work is), or null for a board without notes. */
export function workBounds(state) {
  const notes = boardBounds({ frames: {}, notes: state.notes });
  if (!notes) return null;
  const m = WORK_MARGIN;
  return { x: notes.x - m, y: notes.y - m, w: notes.w + 2 * m, h: notes.h + 2 * m };
}

/**
 * The camera a board opens with. The whole board when it fits at a readable
 * zoom (READABLE_SCALE); otherwise, at that zoom, as much of the board as the
 * screen holds, centred on `focus` (the current step's frame), else on the
 * notes, else on the board, and kept within the board's edges (no empty
 * margin where there is board to show). Where the focus is larger than the
 * screen, its top left shows: a frame's title and its first notes. Panning
 * and zooming reach the rest; "Fit" still shows the whole board.
 */
export function firstView(state, focus, width, height, insets = 40) {
  const board = boardBounds(state);
  const whole = fitBounds(board, width, height, insets);
  if (!board || whole.scale >= READABLE_SCALE) return whole;
  const target = focus ?? workBounds(state) ?? board;
  const pad = padOf(insets);
  const scale = READABLE_SCALE;
  // The part of the board the screen holds at that zoom, in board units.
  const viewW = Math.max(1, width - pad.left - pad.right) / scale;
  const viewH = Math.max(1, height - pad.top - pad.bottom) / scale;
  const start = (at, size, view, boardAt, boardSize) => {
    if (boardSize <= view) return boardAt + boardSize / 2 - view / 2; // the board fits this way: centred
    const s = size <= view ? at + size / 2 - view / 2 : at;
    return Math.max(boardAt, Math.min(s, boardAt + boardSize - view));
  };
  const left = start(target.x, target.w, viewW, board.x, board.w);
  const top = start(target.y, target.h, viewH, board.y, board.h);
  return { x: pad.left - left * scale, y: pad.top - top * scale, scale };
}

/**
 * A camera that shows the board rectangle `rect` ({x, y, w, h}) as large as
 * fits a `width` × `height` viewport, centred (following a facilitator's view).
 */
export function cameraForRect(rect, width, height) {
  const scale = clampScale(Math.min(width / Math.max(1, rect.w), height / Math.max(1, rect.h)));
  return {
    x: width / 2 - (rect.x + rect.w / 2) * scale,
    y: height / 2 - (rect.y + rect.h / 2) * scale,
    scale,
  };
}
