// Which notes a large board keeps in the DOM, and when they draw in a simpler
// form. Pure arithmetic on the camera (camera.js), tested in tests/js/cull.test.mjs.
//
// A board of 2,000 notes cannot keep all of them in the DOM and still pan at
// 50 frames a second with software rendering: every element costs style,
// layout and paint. So the renderer (render.js) keeps only the notes whose box
// meets the *kept rectangle*: the part of the board on screen grown by a margin
// on every side, so a pan shows notes that are already there. It is worked out
// again only when the screen leaves it (or it has grown far larger than the
// screen after zooming in), not on every frame of a pan.

import { NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';

/** Screen pixels kept beyond every edge of the viewport. */
export const CULL_MARGIN_PX = 320;
/** Below this scale a note draws as a coloured block without text (board-render.css). */
export const FAR_SCALE = 0.3;
/**
 * After zooming in, the kept rectangle is let go of only when it is this many
 * times the area a fresh cull would keep: a zoom in and out again then moves
 * few notes in and out of the DOM.
 */
const TRIM_AREA = 9;
/** A note's text can make it taller than NOTE_HEIGHT: the box tested allows for this. */
const TALL_NOTE = NOTE_HEIGHT * 2.5;

/** The board rectangle {x, y, w, h} on screen, grown by `marginPx` screen pixels. */
export function keptRect(camera, width, height, marginPx = CULL_MARGIN_PX) {
  if (!(width > 0) || !(height > 0) || !(camera.scale > 0)) return null;
  const m = marginPx / camera.scale;
  return {
    x: -camera.x / camera.scale - m,
    y: -camera.y / camera.scale - m,
    w: width / camera.scale + 2 * m,
    h: height / camera.scale + 2 * m,
  };
}

/** Whether a note at (x, y) may show inside `rect` (null: no culling, always). */
export function noteMeets(note, rect) {
  if (!rect) return true;
  return (
    note.x + NOTE_WIDTH > rect.x &&
    note.x < rect.x + rect.w &&
    note.y + TALL_NOTE > rect.y &&
    note.y < rect.y + rect.h
  );
}

/**
 * Whether the notes kept for `kept` (the rectangle of the last cull) must be
 * worked out again for `camera`: the screen comes within half the margin of
 * the edge of `kept`, or `kept` is
 * more than TRIM_AREA times the area a fresh cull would keep (after zooming in).
 */
export function needsCull(kept, camera, width, height, marginPx = CULL_MARGIN_PX) {
  // Half the margin ahead: the notes are there before the screen reaches them.
  const screen = keptRect(camera, width, height, marginPx / 2);
  if (!screen) return false;
  if (!kept) return true;
  const inside =
    screen.x >= kept.x &&
    screen.y >= kept.y &&
    screen.x + screen.w <= kept.x + kept.w &&
    screen.y + screen.h <= kept.y + kept.h;
  if (!inside) return true;
  const fresh = keptRect(camera, width, height, marginPx);
  return kept.w * kept.h > TRIM_AREA * fresh.w * fresh.h;
}

/** Whether notes draw in their far (simple) form at this scale. */
export function isFar(scale) {
  return scale < FAR_SCALE;
}
