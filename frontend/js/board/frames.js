// Frames on the canvas: the facilitator's form to add or change one (a new
// frame goes near the middle of the view where it covers no note or frame),
// its buttons (edit, delete — after asking when it holds notes —, tidy; moving and resizing: frame-handles.js), and
// "New note" (into the step's frame, or the nearest free place in view).

import { fitBounds } from './camera.js';
import { freeFrameSpot, freeSpot } from './layout.js';
import { confirmChange } from '../core/confirm.js';
import { askFrame } from '../core/dialogs.js';
import { t } from '../core/i18n.js';
import { currentStep, NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';
import { newFrameId } from '../core/sync.js';
import { late } from '../core/page.js';

export function mountFrames(page) {
  const { dom, ui } = page;
  const { isFacilitator, centreOfView, send, clampCoord, currentView, startNewNote, viewportSize, overlayInsets, flyTo } =
    late(page);

  const FRAME_W = 800;
  const FRAME_H = 500;

  async function openFrameDialog(frame = null) {
    if (!isFacilitator()) return;
    const centre = centreOfView();
    const fields = await askFrame(frame);
    if (!fields) return;
    if (frame) {
      const changed = {};
      if (fields.title !== frame.title) changed.title = fields.title;
      if (fields.prompt !== frame.prompt) changed.prompt = fields.prompt;
      if (Object.keys(changed).length) send({ type: 'frame.update', frame_id: frame.id, ...changed });
    } else {
      // Dropped on other frames or notes it would take them in: beside them instead.
      const spot = freeFrameSpot(currentView(), centre.x - FRAME_W / 2, centre.y - FRAME_H / 2, FRAME_W, FRAME_H);
      const x = clampCoord(spot.x);
      const y = clampCoord(spot.y);
      send({ type: 'frame.create', frame_id: newFrameId(), ...fields, x, y, w: FRAME_W, h: FRAME_H });
      // Show where it went, when that is not where the person was looking.
      if (spot.x !== centre.x - FRAME_W / 2 || spot.y !== centre.y - FRAME_H / 2) {
        const { width, height, rect } = viewportSize();
        flyTo(fitBounds({ x, y, w: FRAME_W, h: FRAME_H }, width, height, overlayInsets(rect)));
      }
    }
  }

  dom.newFrame.addEventListener('click', () => openFrameDialog());
  dom.newNote.addEventListener('click', () => {
    // During a step with a frame, the note goes to a free place in that frame,
    // chosen by the server (docs/architecture.md, "Where new notes go").
    const stepFrame = currentStep(currentView())?.frame_id;
    if (stepFrame && currentView().frames[stepFrame]) return startNewNote(null, null, stepFrame);
    const c = centreOfView();
    // The nearest free place, so notes made one after another sit side by side.
    const spot = freeSpot(currentView().notes, c.x - NOTE_WIDTH / 2, c.y - NOTE_HEIGHT / 2);
    startNewNote(Math.round(spot.x), Math.round(spot.y));
  });

  document.getElementById('frames-layer').addEventListener('click', (e) => {
    const button = e.target.closest('[data-action]');
    if (!button || !isFacilitator()) return;
    const frameEl = button.closest('[data-testid="frame"]');
    const frame = ui.conn && currentView().frames[frameEl?.dataset.id];
    if (!frame) return;
    if (button.dataset.action === 'frame-edit') openFrameDialog(frame);
    else if (button.dataset.action === 'frame-delete') deleteFrame(frame);
    else if (button.dataset.action === 'frame-tidy') send({ type: 'frame.tidy', frame_id: frame.id });
  });

  /** Delete a frame; one that holds notes only after asking (its notes stay, outside it). */
  async function deleteFrame(frame) {
    const inside = Object.values(currentView().notes).filter((n) => n.frame_id === frame.id).length;
    if (inside > 0) {
      const title = frame.title || t('frame.untitled');
      const yes = await confirmChange({
        title: t('confirm.frame.title'),
        text: t(inside === 1 ? 'confirm.frame.text.one' : 'confirm.frame.text', { title, n: inside }),
        confirm: t('confirm.frame.yes'),
      });
      if (!yes || !currentView().frames[frame.id]) return;
    }
    page.undo.deleted(send({ type: 'frame.delete', frame_id: frame.id }), 'frame');
  }

  return { openFrameDialog };
}
