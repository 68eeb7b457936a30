// Frames on the canvas: the facilitator's form to add or change one, its
// buttons (edit, delete, tidy), and "New note" (into the step's frame, or the
// nearest free place in view).

import { freeSpot } from './layout.js';
import { askFrame } from '../core/dialogs.js';
import { currentStep, NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';
import { newFrameId } from '../core/sync.js';
import { late } from '../core/page.js';

export function mountFrames(page) {
  const { dom, ui } = page;
  const { isFacilitator, centreOfView, send, clampCoord, currentView, startNewNote } = late(page);

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
      send({
        type: 'frame.create',
        frame_id: newFrameId(),
        ...fields,
        x: clampCoord(centre.x - FRAME_W / 2),
        y: clampCoord(centre.y - FRAME_H / 2),
        w: FRAME_W,
        h: FRAME_H,
      });
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
    else if (button.dataset.action === 'frame-delete') send({ type: 'frame.delete', frame_id: frame.id });
    else if (button.dataset.action === 'frame-tidy') send({ type: 'frame.tidy', frame_id: frame.id });
  });

  return { openFrameDialog };
}
