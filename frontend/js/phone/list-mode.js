// The list view on the board page: the switch between the canvas and the
// one-column view (phone/mount.js), remembered per browser, and the phone's
// folded banners (banners.js).

import { ConnState } from '../core/connection.js';
import { t } from '../core/i18n.js';
import { newNoteId } from '../core/sync.js';
import { mountBannerToggle } from './banners.js';
import { mount as mountPhone } from './mount.js';
import { late } from '../core/page.js';

export function mountListMode(page) {
  const { dom, $, ui } = page;
  const { send, vote, finishEdit, scheduleRender, firstView } = late(page);

  // On a phone's canvas the banners fold to one line each (banners.js).
  const bannerToggle = mountBannerToggle(dom.boardTop);

  const VIEW_KEY = 'samskapa.view';
  const phone = mountPhone({
    root: dom.listBody,
    // The mission, the step ("I'm done") and the open vote head the column.
    adopt: [dom.boardTop, $('vote-banner')],
    send,
    vote,
    flag: (id) => page.moderation.flag(id),
    decide: (decision, id) => page.moderation.decide(decision, id),
    newNoteId,
    isOnline: () => ui.conn?.state === ConnState.LIVE,
    storage: localStorage,
  });

  function setListMode(on) {
    ui.listMode = on;
    if (ui.editing) finishEdit(true);
    dom.listToggle.setAttribute('aria-pressed', ui.listMode ? 'true' : 'false');
    dom.listToggle.textContent = t(ui.listMode ? 'tool.canvas' : 'tool.list');
    dom.listToggle.setAttribute('aria-label', t(ui.listMode ? 'tool.canvas.aria' : 'tool.list.aria'));
    dom.listView.hidden = !ui.listMode;
    dom.viewport.hidden = ui.listMode;
    document.body.classList.toggle('list-mode', ui.listMode);
    phone.show(ui.listMode);
    scheduleRender();
    // A board opened in the list view gets its first view on the canvas now
    // that the canvas has a size (session.js leaves it until then).
    if (!on && !ui.fitted && ui.conn?.board.board) {
      ui.fitted = true;
      requestAnimationFrame(firstView);
    }
  }

  dom.listToggle.addEventListener('click', () => {
    setListMode(!ui.listMode);
    // Remembered per browser: a person who chose the board on a phone keeps it.
    localStorage.setItem(VIEW_KEY, ui.listMode ? 'list' : 'canvas');
  });

  /**
   * On a phone the board opens as one column (the list view), unless the
   * person chose the canvas before; the mission card starts folded there.
   */
  function openInChosenMode() {
    const narrow = window.matchMedia('(max-width: 40rem)').matches;
    const chosen = localStorage.getItem(VIEW_KEY);
    if (chosen ? chosen === 'list' : narrow) setListMode(true);
    else if (narrow) dom.mission.card.open = false;
  }

  return { phone, bannerToggle, setListMode, openInChosenMode };
}
