// The camera on the page: pan, zoom, fit (clear of what floats over the canvas),
// bringing a note into view, flying to a view; and what the others learn of
// this view and this pointer (live cursors, docs/protocol.md §2.5). The
// arithmetic is camera.js's; this part measures the page and applies it.

import { READABLE_SCALE, boardBounds, firstView as firstCamera, fitBounds, panBy, screenToWorld, viewCentre, worldToScreen, zoomAt } from './camera.js';
import { viewRect } from './cursors.js';
import { isFar, needsCull } from './cull.js';
import { h, setText } from '../core/dom.js';
import { NOTE_HEIGHT, NOTE_WIDTH, currentStep } from '../core/state.js';
import { late } from '../core/page.js';

export function mountViewport(page) {
  const { ui, dom, cursors, $ } = page;
  const { positionSelectionBar, currentView, noteInView, scheduleRender, scheduleCull } = late(page);

  // The dots under the board, on a layer of their own (css/board/board-render.css).
  const grid = h('div', { class: 'board-grid', 'aria-hidden': 'true' });
  dom.viewport.prepend(grid);

  /** How long the camera stays still before the world is drawn sharp again (ms). */
  const REST_MS = 250;
  let shownScale = null; // the zoom of the last camera applied

  /** Draw the camera; `gesture`: a person is zooming or panning (the block form may be held). */
  function applyCamera(gesture = false) {
    const { x, y, scale } = ui.camera;
    // Whole pixels: the compositor then copies the world's pixels instead of
    // filtering them (software compositing).
    dom.world.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px) scale(${scale})`;
    // Far out, notes draw as coloured blocks; while moving, the world is one
    // composited layer (css/board/board-render.css). Zooming in by hand, they
    // keep that form until the zoom rests: every note in the DOM changes form
    // at once, and in the middle of a gesture that is a frame too long.
    const wasFar = dom.world.classList.contains('far');
    const zoomed = shownScale !== null && scale !== shownScale;
    shownScale = scale;
    const far = isFar(scale) || (gesture && wasFar && zoomed);
    dom.world.classList.toggle('far', far);
    dom.world.classList.add('moving');
    clearTimeout(ui.resting);
    ui.resting = setTimeout(rest, REST_MS);
    if (far !== wasFar || needsCull(ui.kept, ui.camera, viewportBox.width, viewportBox.height)) scheduleCull();
    placeGrid(false);
    renderZoom();
    positionSelectionBar();
    // The others' pointers keep their size on screen; while zooming they
    // follow the board's scale and take theirs again when it rests (a new
    // size restyles every pointer, too dear for every frame of a zoom).
    if (!zoomed) cursors.setScale(scale);
    publishView();
    sendCursor(); // the board point under a still pointer has changed
  }

  /** The camera has stopped: the world is drawn sharp, the dots and vote buttons take the new zoom. */
  function rest() {
    dom.world.classList.remove('moving');
    cursors.setScale(ui.camera.scale);
    if (dom.world.classList.contains('far') && !isFar(ui.camera.scale)) {
      dom.world.classList.remove('far');
      scheduleCull();
    }
    placeGrid(true);
    // Vote buttons on notes stay big enough to hit when the board is zoomed out.
    // Written only when the camera rests and the value changed: a custom
    // property on the world restyles every note in the DOM, too dear for
    // every frame of a zoom.
    const voteScale = String(Math.round(Math.min(1.6, Math.max(1, 1 / ui.camera.scale)) * 20) / 20);
    if (voteScale !== ui.voteScale) {
      ui.voteScale = voteScale;
      dom.world.style.setProperty('--vote-ui-scale', voteScale);
    }
  }

  /**
   * The dotted background moves with the board, on its own layer: a pan moves
   * that layer instead of painting the dots again. Their spacing follows the
   * zoom only when the camera rests (`resting`): a new spacing paints the
   * whole layer again, which every frame of a zoom cannot afford.
   */
  function placeGrid(resting) {
    const { x, y, scale } = ui.camera;
    if (resting || !grid.dataset.step) {
      const fresh = String(24 * scale);
      if (grid.dataset.step !== fresh) {
        grid.dataset.step = fresh;
        grid.style.backgroundSize = `${fresh}px ${fresh}px`;
      }
    }
    const step = Number(grid.dataset.step);
    const shift = (v) => Math.round((((v % step) + step) % step) - step);
    grid.style.transform = `translate(${shift(x)}px, ${shift(y)}px)`;
  }

  function renderZoom() {
    setText(dom.zoomLevel, `${Math.round(ui.camera.scale * 100)}%`);
  }

  function setCamera(camera, gesture = false) {
    ui.camera = camera;
    applyCamera(gesture);
  }

  function viewportSize() {
    const rect = dom.viewport.getBoundingClientRect();
    return { width: rect.width, height: rect.height, rect };
  }

  /** Room taken by what floats over the canvas, so "fit" does not hide the board under it. */
  function overlayInsets(rect) {
    const insets = { top: 32, right: 32, bottom: 32, left: 32 };
    const top = dom.boardTop.getBoundingClientRect();
    if (top.height && !ui.listMode) {
      // The mission card and step banner: keep the board below them, or right
      // of them when that leaves more room (a tall column on a wide screen).
      const below = top.bottom - rect.top + 16;
      const beside = top.right - rect.left + 16;
      if ((rect.width - beside) * rect.height > rect.width * (rect.height - below)) {
        insets.left = Math.max(insets.left, beside);
      } else {
        insets.top = Math.max(insets.top, below);
      }
    }
    const toolbar = $('toolbar').getBoundingClientRect();
    if (toolbar.height) insets.bottom = Math.max(insets.bottom, rect.bottom - toolbar.top + 16);
    // Never let the overlays eat more than half the height.
    const spare = rect.height / 2;
    if (insets.top + insets.bottom > spare) {
      const k = spare / (insets.top + insets.bottom);
      insets.top *= k;
      insets.bottom *= k;
    }
    return insets;
  }

  function fit() {
    const { width, height, rect } = viewportSize();
    const view = ui.conn ? currentView() : null;
    setCamera(fitBounds(view ? boardBounds(view) : null, width, height, overlayInsets(rect)));
  }

  /**
   * The view a board opens with: the whole board if its notes can be read so,
   * else a readable part of it around the current step's frame or the notes
   * (camera.js firstView). A large board fitted whole would open as blocks of
   * colour without words.
   */
  function firstView() {
    const { width, height, rect } = viewportSize();
    const view = currentView();
    const step = currentStep(view);
    const focus = (step?.frame_id && view.frames[step.frame_id]) || null;
    setCamera(firstCamera(view, focus, width, height, overlayInsets(rect)));
  }

  /** Writing on a note far zoomed out is unreadable: zoom to 100 % around it first. */
  function zoomToNote(id) {
    const note = noteInView(id);
    if (!note || ui.camera.scale >= READABLE_SCALE) return;
    const { width, height, rect } = viewportSize();
    // Into the part of the board that the mission card, step banner and toolbar
    // leave free (on a phone the banner covers the top third).
    const free = overlayInsets(rect);
    const centre = worldToScreen(ui.camera, note.x + NOTE_WIDTH / 2, note.y + NOTE_HEIGHT / 2);
    const cam = zoomAt(ui.camera, 1 / ui.camera.scale, centre.x, centre.y);
    const to = { x: (free.left + width - free.right) / 2, y: free.top + (height - free.top - free.bottom) / 3 };
    setCamera(panBy(cam, to.x - centre.x, to.y - centre.y));
  }

  function zoomBy(factor) {
    const { width, height } = viewportSize();
    userCamera(zoomAt(ui.camera, factor, width / 2, height / 2));
  }

  function centreOfView() {
    const { width, height } = viewportSize();
    return viewCentre(ui.camera, width, height);
  }

  /** The person moved the board themselves: stop following the facilitator. */
  function userCamera(camera) {
    stopFlight();
    const leader = ui.conn?.board.attention.leader;
    if (leader && leader !== ui.member?.member_id && ui.following) {
      ui.following = false;
      scheduleRender();
    }
    setCamera(camera, true);
  }

  $('zoom-in').addEventListener('click', () => zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => zoomBy(0.8));
  $('zoom-reset').addEventListener('click', () => zoomBy(1 / ui.camera.scale));
  $('zoom-fit').addEventListener('click', () => {
    stopFlight();
    ui.following = !ui.conn?.board.attention.leader;
    fit();
    scheduleRender();
  });

  window.addEventListener('resize', () => positionSelectionBar());

  // ---- live cursors: this pointer and this view, for the others -------------------------------

  // The viewport's box, measured only when it changes size (not on every
  // pointer move), so tracking the pointer never forces a layout.
  const viewportBox = { left: 0, top: 0, width: 0, height: 0 };
  const pointer = { inside: false, x: 0, y: 0 }; // px, relative to the viewport

  function measureViewport() {
    const rect = dom.viewport.getBoundingClientRect();
    viewportBox.left = rect.left;
    viewportBox.top = rect.top;
    viewportBox.width = rect.width;
    viewportBox.height = rect.height;
    publishView();
    if (needsCull(ui.kept, ui.camera, viewportBox.width, viewportBox.height)) scheduleCull();
    // The board got narrower or wider (the facilitator panel opened or closed):
    // the bar over the selected note stays inside it.
    positionSelectionBar();
  }

  /** Tell the server which part of the board is on screen (it throttles and skips repeats). */
  function publishView() {
    const rect = viewRect(ui.camera, viewportBox.width, viewportBox.height);
    if (ui.conn && rect) ui.conn.setView(rect);
  }

  function sendCursor() {
    if (!ui.conn || !pointer.inside) return;
    const at = screenToWorld(ui.camera, pointer.x, pointer.y);
    ui.conn.moveCursor(at.x, at.y);
  }

  if (typeof ResizeObserver === 'function') new ResizeObserver(measureViewport).observe(dom.viewport);
  window.addEventListener('resize', measureViewport);
  dom.viewport.addEventListener(
    'pointermove',
    (e) => {
      pointer.inside = true;
      pointer.x = e.clientX - viewportBox.left;
      pointer.y = e.clientY - viewportBox.top;
      sendCursor();
    },
    { passive: true },
  );
  dom.viewport.addEventListener('pointerleave', () => {
    pointer.inside = false;
  });
  // Pointers that stopped moving fade out (CursorLayer keeps their elements).
  setInterval(() => cursors.sweep(performance.now()), 500);

  /** Pan so that the note is in view (keyboard users tabbing through notes). */
  function revealNote(id) {
    const note = ui.conn && currentView().notes[id];
    if (!note) return;
    const { width, height } = viewportSize();
    const tl = worldToScreen(ui.camera, note.x, note.y);
    const br = worldToScreen(ui.camera, note.x + NOTE_WIDTH, note.y + NOTE_HEIGHT);
    const margin = 24;
    let dx = 0;
    let dy = 0;
    if (tl.x < margin) dx = margin - tl.x;
    else if (br.x > width - margin) dx = width - margin - br.x;
    if (tl.y < margin) dy = margin - tl.y;
    else if (br.y > height - margin) dy = height - margin - br.y;
    if (dx || dy) setCamera(panBy(ui.camera, dx, dy));
  }

  /** Fit the camera around these notes (a goal conflict's two notes, say). */
  function showNotes(ids) {
    if (!ui.conn) return;
    const view = currentView();
    const notes = Object.fromEntries(ids.filter((id) => view.notes[id]).map((id) => [id, view.notes[id]]));
    const bounds = boardBounds({ frames: {}, notes });
    if (!bounds) return;
    const { width, height, rect } = viewportSize();
    setCamera(fitBounds(bounds, width, height, overlayInsets(rect)));
  }

  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  function stopFlight() {
    if (ui.flight) cancelAnimationFrame(ui.flight);
    ui.flight = null;
  }

  /** Move the camera to `target` smoothly (at once with reduced motion). */
  function flyTo(target) {
    if (!(viewportBox.width > 0)) return;
    stopFlight();
    const from = { ...ui.camera };
    if (reducedMotion.matches) {
      setCamera(target);
      return;
    }
    const start = performance.now();
    const DURATION = 450;
    const step = (now) => {
      const k = Math.min(1, (now - start) / DURATION);
      const e = 1 - (1 - k) ** 3;
      const scale = from.scale * (target.scale / from.scale) ** e;
      setCamera({ x: from.x + (target.x - from.x) * e, y: from.y + (target.y - from.y) * e, scale });
      ui.flight = k < 1 ? requestAnimationFrame(step) : null;
    };
    ui.flight = requestAnimationFrame(step);
  }

  return { applyCamera, renderZoom, setCamera, measureViewport, viewportSize, overlayInsets, fit, firstView, zoomToNote, zoomBy, centreOfView, userCamera, publishView, sendCursor, revealNote, showNotes, stopFlight, flyTo, viewportBox };
}
