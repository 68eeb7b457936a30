// The idea collection on the board page (collection-ui.js draws it): dates,
// countdown, refused notes, news, the other device.

import { errorText, toast } from '../core/dialogs.js';
import { late } from '../core/page.js';
import { mountCollection } from './collection-ui.js';

export function mountCollectionOnBoard(page) {
  const { boardId, ui, $ } = page;
  const { currentView, isFacilitator, send, bringNote, scheduleRender } = late(page);
  return mountCollection({
    boardId,
    conn: () => ui.conn,
    member: () => ui.member,
    view: currentView,
    serverNow: () => Date.now() + (ui.conn?.serverOffset ?? 0),
    send(command) {
      if (isFacilitator()) send(command);
    },
    showNote: bringNote,
    rerender: scheduleRender,
    markNew: (ids, current) => page.phone.markNew(ids, current),
    toast,
    errorText,
    facPanelEl: $('fac-panel'),
    isFacilitator,
  });
}
