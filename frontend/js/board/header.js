// The top bar: the board's title, the role badge (and the tools a role
// has), the connection state and the outbox count.

import { renderConnection, renderMission } from './render.js';
import { t } from '../core/i18n.js';
import { rememberVisit } from '../core/member.js';
import { canEditNotes } from '../core/state.js';
import { late } from '../core/page.js';

export function mountHeader(page) {
  const { dom, ui, boardId, $ } = page;
  const { isFacilitator, scheduleRender, renderMenuRole } = late(page);

  function setTitle(text) {
    // From now on the heading holds the board's title, not the "loading" label.
    dom.title.removeAttribute('data-i18n');
    dom.title.textContent = text ?? '';
  }

  function renderHeader() {
    const board = ui.conn?.board.board;
    if (!board) return;
    setTitle(board.title);
    document.title = `${board.title} · Samskapa`;
    if (ui.member && ui.visited !== board.title) {
      // The start page's "Your boards" lists it, under its latest title.
      ui.visited = board.title;
      ui.member = rememberVisit(localStorage, boardId, ui.member, board.title, Date.now());
    }
    renderMission(dom.mission, board, isFacilitator());
    // Replay (frontend/js/replay/): facilitators always, others when the board allows it.
    const replay = $('replay-link');
    replay.href = `/b/${encodeURIComponent(boardId)}/replay`;
    replay.hidden = !(isFacilitator() || board.replay === true);
  }

  function renderRole() {
    const role = ui.role;
    dom.roleBadge.hidden = !role;
    renderMenuRole(role);
    if (!role) return;
    dom.roleBadge.textContent = t(`role.${role}`);
    dom.roleBadge.className = `role-badge role-${role}`;
    dom.editTools.hidden = !canEditNotes(role);
    dom.newFrame.hidden = role !== 'facilitator';
    page.shareToggle.hidden = role !== 'facilitator';
    dom.help.hidden = !canEditNotes(role);
    document.body.classList.toggle('read-only', !canEditNotes(role));
    scheduleRender();
  }

  function renderStatus() {
    const conn = ui.conn;
    renderConnection(
      { badge: dom.badge, text: dom.badgeText, outbox: dom.outbox, count: dom.outboxCount },
      conn ? conn.state : 'connecting',
      conn ? conn.outbox.size : 0,
    );
  }

  return { setTitle, renderHeader, renderRole, renderStatus };
}
