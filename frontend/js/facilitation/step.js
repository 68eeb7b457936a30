// The step banner on the board page (step-banner.js draws it): "I'm done",
// going to the step's frame, and its clock.

import { fitBounds } from '../board/camera.js';
import { StepBanner } from './step-banner.js';
import { late } from '../core/page.js';

export function mountStepBanner(page) {
  const { $, ui } = page;
  const { refused, send, currentView, viewportSize, setCamera, overlayInsets } = late(page);

  const stepBanner = new StepBanner($('step-banner'), {
    onReady(ready) {
      if (!refused('ready')) send({ type: 'step.ready', ready });
    },
    onGoToFrame(frameId) {
      const frame = ui.conn ? currentView().frames[frameId] : null;
      if (!frame) return;
      const { width, height, rect } = viewportSize();
      setCamera(fitBounds(frame, width, height, overlayInsets(rect)));
    },
  });
  setInterval(() => {
    if (ui.conn) stepBanner.tick(ui.conn.board.timer, ui.conn.serverNow());
  }, 500);

  return { stepBanner };
}
