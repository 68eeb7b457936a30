// How often the replay page redraws the board while playing. The playhead
// moves every frame; the board at most BOARD_FPS times a second: drawing moved
// and edited notes (layout, paint, rasterising their tiles) costs far more than
// folding the events. Where that drawing holds the page up for longer than a
// frame (a slow or busy machine), the board waits twice as long as it last held
// the page up, so the playhead and the controls stay smooth and the board
// still moves BOARD_FPS_MIN times a second or more.

/** While playing, the board is redrawn at most this often per second (the playhead every frame). */
export const BOARD_FPS = 12;
/** …and at least this often, however slow drawing it is on this machine. */
export const BOARD_FPS_MIN = 4;
/** A frame that took longer than this (ms) is late: drawing the board still holds the page up. */
export const LATE_FRAME_MS = 25;

/**
 * Milliseconds to wait after the last board drawn (`ui.drewAt`) before the
 * next, at animation frame `now`, `dt` after the one before. Keeps in `ui`
 * what the last drawing cost (`recovered`, `drawCost`).
 */
export function drawWait(ui, now, dt) {
  if (!ui.recovered && dt <= LATE_FRAME_MS) {
    ui.recovered = true;
    ui.drawCost = now - dt - ui.drewAt;
  }
  // Not on time again yet: the last board has cost at least this long so far.
  const cost = ui.recovered ? ui.drawCost : now - ui.drewAt;
  return Math.min(1000 / BOARD_FPS_MIN, Math.max(1000 / BOARD_FPS, 2 * cost));
}
