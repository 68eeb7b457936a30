// Who I am on this board and the connection: join or come back
// (member.js), open the socket (connection.js), and hand what arrives to the
// page's features (a change, a refused or rejected op, presence, cursors, the
// leader's view).

import { cameraForRect } from './camera.js';
import { Connection, ConnState, websocketUrl } from '../core/connection.js';
import { block, errorText, toast } from '../core/dialogs.js';
import { t } from '../core/i18n.js';
import { forgetMember, resolveMember, saveMember } from '../core/member.js';
import { late } from '../core/page.js';

export function mountSession(page) {
  const { boardId, token, device, ui, cursors, presence, viewportBox } = page;
  const {
    useBoardLanguage,
    setTitle,
    publishView,
    renderStatus,
    scheduleRender,
    renderRole,
    onLeaderView,
    flyTo,
    voteRejected,
    setFacPanel,
    isFacilitator,
    renderHeader,
    firstView,
    onVoteEvent,
    followLeader,
  } = late(page);

  function findMember(note = '') {
    return resolveMember({
      boardId,
      token,
      device,
      storage: localStorage,
      note,
      block,
      toast,
      errorText,
      onAccess: (access) => {
        useBoardLanguage(access.language);
        setTitle(access.title);
      },
    });
  }

  function connect(member) {
    ui.member = member;
    ui.role = member.role;
    // The token has done its job: keep it out of the address bar, history and screenshots.
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    const conn = new Connection({
      url: websocketUrl(location, boardId),
      boardId,
      member,
      storage: localStorage,
      early: page.early, // the socket boot.js opened, if it is this member's
    });
    page.early = null; // the first connection only
    ui.conn = conn;
    cursors.clear();
    cursors.setSelf(member.member_id);
    publishView();
    conn.on('status', ({ state }) => {
      renderStatus();
      // Pointers seen on a connection that is gone say nothing any more.
      if (state !== ConnState.LIVE && state !== ConnState.CATCHING_UP) cursors.clear();
    });
    conn.on('outbox', () => {
      renderStatus();
      scheduleRender();
    });
    conn.on('welcome', ({ member: me, lastSeenSeq }) => {
      page.collection.welcome({ lastSeenSeq });
      if (me.role !== ui.role) {
        ui.role = me.role;
        renderRole();
      }
      const updated = { ...ui.member, role: me.role, name: me.name, sector: me.sector };
      ui.member = updated;
      saveMember(localStorage, boardId, updated);
    });
    conn.on('presence', ({ online, left = [] }) => {
      presence.render(online);
      for (const id of left) cursors.remove(id);
      scheduleRender(); // the vote progress counts who is online
    });
    conn.on('cursors', ({ entries }) => cursors.update(entries, performance.now()));
    conn.on('cursor_rate', ({ everyMs }) => cursors.setGlide(everyMs));
    conn.on('leader_view', onLeaderView);
    conn.on('summoned', (rect) => flyTo(cameraForRect(rect, viewportBox.width, viewportBox.height)));
    conn.on('change', onChange);
    conn.on('refused', () => page.collection.refused());
    conn.on('rejected', ({ op, code, message }) => {
      // An undo or redo says why it was not done (undo_conflict: someone changed it since).
      if (page.undo.rejected(op?.op_id, code, message)) scheduleRender();
      else if (op?.command?.type?.startsWith('vote.')) voteRejected(op.command, code, message);
      else if (page.collection.rejected(op?.command, code)) setFacPanel(true);
      else if (page.moderation.rejected(op?.command, code, message)) setFacPanel(true);
      else if (!(isFacilitator() && page.facPanel.rejected(op?.command, code, message) && ui.facPanelOpen)) {
        toast(errorText(code, message));
      }
      scheduleRender();
    });
    conn.on('servererror', ({ code, message }) => toast(errorText(code, message)));
    conn.on('fatal', onFatal);
    conn.on('log', ({ message }) => console.info('[samskapa]', message));
    renderRole();
    renderStatus();
    conn.start();
  }

  window.addEventListener('online', () => ui.conn?.retryNow());
  // Opening another link of this board in the same tab changes only the
  // fragment: start over, so the new link is looked at (and maybe joined).
  window.addEventListener('hashchange', () => {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (params.get('k') || params.get('m')) location.reload();
  });
  window.addEventListener('offline', () => ui.conn?.networkLost());

  function onChange(change) {
    const board = ui.conn.board.board;
    if (board) useBoardLanguage(board.language);
    renderHeader();
    // The first view, once the canvas is shown (a phone opening in the list
    // view has it measured when it switches to the canvas, phone/list-mode.js).
    if (change.reset && !ui.fitted && board && !ui.listMode) {
      ui.fitted = true;
      // After the header and the mission card have their size, so the view keeps
      // the board clear of them.
      requestAnimationFrame(firstView);
    }
    for (const event of change.events) if (event.type.startsWith('vote.')) onVoteEvent(event);
    if (change.reset || change.events.some((e) => e.type === 'attention.follow_changed')) {
      // A new call to follow: follow again, from the leader's latest view.
      ui.following = true;
      followLeader();
    }
    scheduleRender();
    if (change.reset || change.events.some((e) => e.type.startsWith('participant.'))) cursors.relabel();
  }

  async function onFatal({ reason }) {
    if (reason === 'unauthorized') {
      // The stored credential is unknown to the server: forget it and join again.
      forgetMember(localStorage, boardId);
      ui.conn = null;
      if (!token) {
        block(t('board.unauthorized'));
        return;
      }
      const member = await findMember(t('join.again'));
      if (member) connect(member);
      return;
    }
    if (reason === 'board_not_found') block(t('board.not_found'));
    else if (reason === 'board_deleted') block(t('board.deleted'));
    else block(t('board.reload'), { reload: true });
  }

  return { findMember, connect };
}
