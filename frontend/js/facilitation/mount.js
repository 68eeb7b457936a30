// The facilitator's side of the board page: the panel (open or closed,
// remembered per browser; Alt+Shift+F) and the Share panel. Shown to
// facilitators only; the server checks every command again.

import { viewRect } from '../board/cursors.js';
import { errorText } from '../core/dialogs.js';
import { svgDataUrl } from '../core/dom.js';
import { FacilitatorPanel, summonRect } from './panel.js';
import { ShareDialog } from '../share/share.js';
import { late } from '../core/page.js';

export function mountFacilitation(page) {
  const { dom, $, ui, viewportBox, boardId } = page;
  const { isFacilitator, send, showNotes, exportCsv, renderNow, focusInBar } = late(page);

  const FAC_PANEL_KEY = 'samskapa:fac-panel';
  dom.facToggle = $('fac-toggle');
  ui.facPanelOpen = (() => {
    try {
      return localStorage.getItem(FAC_PANEL_KEY) === 'open';
    } catch {
      return false;
    }
  })();

  const facPanel = new FacilitatorPanel($('fac-panel'), dom.facToggle, {
    send(command) {
      if (isFacilitator()) send(command);
    },
    summon() {
      const rect = viewRect(ui.camera, viewportBox.width, viewportBox.height);
      if (rect && isFacilitator()) send({ type: 'attention.summon', ...summonRect(rect) });
    },
    showNotes,
    exportCsv,
    now: () => Date.now() + (ui.conn?.serverOffset ?? 0),
    hide() {
      setFacPanel(false);
      focusInBar(dom.facToggle);
    },
    errorText,
  });

  // The facilitators' Share panel: links, QR codes, replacing a leaked link.
  const shareToggle = $('share-toggle');
  const share = new ShareDialog({
    api: (path, init = {}) =>
      fetch(`/api/boards/${encodeURIComponent(boardId)}/${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${ui.member?.credential ?? ''}` },
      }),
    async qr(role) {
      const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/links/${role}/qr.svg`, {
        headers: { Authorization: `Bearer ${ui.member?.credential ?? ''}` },
      });
      return response.ok ? svgDataUrl(response) : null;
    },
  });
  shareToggle.addEventListener('click', () => {
    if (isFacilitator()) share.open();
  });

  function setFacPanel(open) {
    ui.facPanelOpen = open;
    try {
      localStorage.setItem(FAC_PANEL_KEY, open ? 'open' : 'closed');
    } catch {
      // private mode: remembered for this page only
    }
    renderNow();
    if (open) facPanel.focus();
  }

  dom.facToggle.addEventListener('click', () => setFacPanel(!ui.facPanelOpen));
  // Alt+Shift+F opens and closes the panel from anywhere on the page.
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey || e.code !== 'KeyF' || !isFacilitator()) return;
    e.preventDefault();
    const closing = ui.facPanelOpen;
    setFacPanel(!closing);
    if (closing) focusInBar(dom.facToggle);
  });

  function renderFacilitation(view) {
    const facilitator = isFacilitator();
    const open = facilitator && ui.facPanelOpen;
    dom.facToggle.hidden = !facilitator;
    dom.facToggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    document.body.classList.toggle('fac-open', open);
    if (!facilitator) {
      facPanel.el.hidden = true;
      return;
    }
    const participants = (list) => list.filter((m) => m.role === 'participant').length;
    facPanel.render({
      view,
      me: ui.member.member_id,
      onlineParticipants: participants(ui.conn.onlineList()),
      joinedParticipants: participants(Object.values(view.participants)),
      selectedId: ui.selectedId,
      open,
    });
  }

  return { facPanel, share, shareToggle, setFacPanel, renderFacilitation };
}
