// The board page, wired together: who am I (member.js), the connection
// (connection.js), drawing (render.js), input (gestures.js), and the page
// state that ties them: selection, the note being written, the camera.

import { freeSpot } from './board/layout.js';
import {
  boardBounds,
  cameraForRect,
  fitBounds,
  initialCamera,
  panBy,
  screenToWorld,
  viewCentre,
  worldToScreen,
  zoomAt,
} from './board/camera.js';
import { Connection, ConnState, websocketUrl } from './core/connection.js';
import { mountCollection } from './collection/collection-ui.js';
import { mountNotifications } from './notify/section.js';
import { ShareDialog } from './share/share.js';
import { CursorLayer, viewRect } from './board/cursors.js';
import { askFrame, block, errorText, toast } from './core/dialogs.js';
import { byTestId, h, readError, svgDataUrl } from './core/dom.js';
import { openNoteEditor } from './board/editor.js';
import { installGestures } from './board/gestures.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t, toggleLang } from './core/i18n.js';
import { forgetMember, parseLocation, rememberVisit, resolveMember, saveMember } from './core/member.js';
import { PresenceView } from './board/presence-ui.js';
import { BoardRenderer, KIND_ICONS, renderConnection, renderMission } from './board/render.js';
import {
  canEditNotes,
  COLORS,
  COORD_LIMIT,
  currentStep,
  KINDS,
  may,
  NOTE_HEIGHT,
  NOTE_WIDTH,
  permission,
  predictAll,
  spotlightTargets,
} from './core/state.js';
import { StepBanner } from './facilitation/step-banner.js';
import { boxAround, GROUP_PAD, inBox, StructureRenderer } from './board/structure.js';
import { newFrameId, newGroupId, newLinkId, newNoteId, newRoundId } from './core/sync.js';
import { canVote, closedRounds, myStatus, noteVoteInfo, openRound, voteProblem } from './voting/voting.js';
import { FacilitatorPanel, summonRect } from './facilitation/panel.js';
import { VoteBanner, VotePanel } from './voting/votes-ui.js';
import { mount as mountModeration } from './moderation/mount.js';
import { mount as mountPhone } from './phone/mount.js';
import { mountBannerToggle } from './phone/banners.js';

// ---- where we are -------------------------------------------------------------------

const { boardId, token, device } = parseLocation(location);

const $ = (id) => document.getElementById(id);
const dom = {
  title: byTestId('board-title'),
  roleBadge: byTestId('role-badge'),
  badge: byTestId('conn-state'),
  badgeText: document.querySelector('.conn-text'),
  outbox: $('outbox'),
  outboxCount: byTestId('outbox-count'),
  editTools: $('edit-tools'),
  newNote: $('new-note'),
  newFrame: $('new-frame'),
  viewport: $('viewport'),
  world: $('world'),
  help: $('board-help'),
  listView: $('list-view'),
  listBody: $('list-body'),
  listToggle: $('list-toggle'),
  zoomLevel: $('zoom-reset'),
  selectionBar: $('selection-bar'),
  swatches: $('swatches'),
  noteEdit: $('note-edit'),
  noteDelete: $('note-delete'),
  noteKind: $('note-kind'),
  noteGroup: $('note-group'),
  noteUngroup: $('note-ungroup'),
  noteLink: $('note-link'),
  pickHint: $('pick-hint'),
  pickHintText: $('pick-hint-text'),
  followAgain: $('follow-again'),
  boardTop: $('board-top'),
  voteTools: $('vote-tools'),
  voteToggle: $('vote-toggle'),
  mission: {
    card: byTestId('mission-card'),
    statement: byTestId('mission-statement'),
    measure: byTestId('mission-measure'),
    deadline: byTestId('mission-deadline'),
    edit: $('mission-edit'),
  },
};

const presence = new PresenceView();
const renderer = new BoardRenderer({ framesLayer: $('frames-layer'), notesLayer: $('notes-layer') });
const structure = new StructureRenderer({
  groupsLayer: $('groups-layer'),
  linksSvg: $('links-svg'),
  linksLayer: $('links-layer'),
});

// The others' pointers (§2.5), named from the board's participants.
const cursors = new CursorLayer($('cursors-layer'), {
  describe(id) {
    const who = ui.conn?.board.participants[id] ?? ui.conn?.online.get(id);
    return who ? { name: who.name, facilitator: who.role === 'facilitator' } : null;
  },
});

// ---- page state -------------------------------------------------------------------------

const ui = {
  member: null, // {member_id, credential, role, name, sector}
  role: null,
  conn: null,
  camera: initialCamera(),
  fitted: false,
  selectedId: null,
  editing: null, // {id, isDraft, editor}
  draggingId: null,
  draft: null, // note.create command not sent yet (being written)
  nudge: null, // {command, timer}: arrow-key moves not sent yet
  lastColor: 'yellow',
  listMode: false,
  explicitLang: storedLang(localStorage) !== null,
  // Dot voting: the side panel, which closed round it shows, and how.
  votePanelOpen: false,
  voteRound: null, // the closed round picked in the panel (null: the latest)
  voteBySector: false,
  voteOnNotes: true,
  voteOpening: null, // round id of a vote.open sent from this page
  // Facilitation: picking a second note (to group with or link to), following
  // the facilitator's view, and the camera animation under way.
  pick: null, // {mode: 'group' | 'link', from: note id}
  following: true, // follow attention.leader's view until the person moves themselves
  leaderView: null, // the latest leader_view of the leader
  flight: null, // requestAnimationFrame id of a camera move
};

window.samskapa = {
  state: () => ui.conn?.board ?? null,
  lastSeq: () => ui.conn?.lastSeq ?? null,
  outbox: () => ui.conn?.outbox.list() ?? [],
  connState: () => ui.conn?.state ?? 'offline',
  camera: () => ({ ...ui.camera }),
  cursors: () => cursors.shown(),
  votes: () => ui.conn?.board.votes ?? null,
  serverOffset: () => ui.conn?.serverOffset ?? 0,
};

const canEdit = () => canEditNotes(ui.role);
/** May I do `action` (state.js `permission`) on the board as shown now? */
const mayNow = (action, note = null) => Boolean(ui.conn) && may(currentView(), ui.role, ui.member.member_id, action, note);
const isFacilitator = () => ui.role === 'facilitator';
const clampCoord = (v) => Math.round(Math.min(COORD_LIMIT, Math.max(-COORD_LIMIT, v)));

// ---- language ---------------------------------------------------------------------------

setLang(storedLang(localStorage) ?? browserLang(navigator.languages ?? [navigator.language]));

function useBoardLanguage(lang) {
  if (!ui.explicitLang && lang && lang !== getLang()) {
    setLang(lang);
    relabel();
  }
}

function relabel() {
  applyI18n(document);
  buildSwatches();
  buildKinds();
  renderer.invalidate();
  renderHeader();
  renderRole();
  renderStatus();
  presence.relabel();
  dom.listToggle.textContent = t(ui.listMode ? 'tool.canvas' : 'tool.list');
  dom.listToggle.setAttribute('aria-label', t(ui.listMode ? 'tool.canvas.aria' : 'tool.list.aria'));
  renderZoom();
  cursors.relabel();
  facPanel.relabel();
  phone.relabel();
  bannerToggle.relabel();
  scheduleRender();
}

$('lang-toggle').addEventListener('click', () => {
  toggleLang(localStorage);
  ui.explicitLang = true;
  relabel();
});

// ---- who am I --------------------------------------------------------------------------------

function setTitle(text) {
  // From now on the heading holds the board's title, not the "loading" label.
  dom.title.removeAttribute('data-i18n');
  dom.title.textContent = text ?? '';
}

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

// ---- the connection -----------------------------------------------------------------------

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
  });
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
    collection.welcome({ lastSeenSeq });
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
  conn.on('refused', () => collection.refused());
  conn.on('rejected', ({ op, code, message }) => {
    if (op?.command?.type?.startsWith('vote.')) voteRejected(op.command, code, message);
    else if (collection.rejected(op?.command, code)) setFacPanel(true);
    else if (moderation.rejected(op?.command, code, message)) setFacPanel(true);
    else if (!(isFacilitator() && facPanel.rejected(op?.command, code, message) && ui.facPanelOpen)) {
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
  if (change.reset && !ui.fitted && board) {
    ui.fitted = true;
    // After the header and the mission card have their size, so the fit keeps
    // the board clear of them.
    requestAnimationFrame(fit);
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

// ---- header -----------------------------------------------------------------------------

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
  if (!role) return;
  dom.roleBadge.textContent = t(`role.${role}`);
  dom.roleBadge.className = `role-badge role-${role}`;
  dom.editTools.hidden = !canEditNotes(role);
  dom.newFrame.hidden = role !== 'facilitator';
  shareToggle.hidden = role !== 'facilitator';
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


// ---- the view: confirmed state + outbox + what is being written ---------------------------

function currentView() {
  const conn = ui.conn;
  let view = predictAll(conn.board, conn.pendingOps(), ui.member.member_id);
  const local = [];
  if (ui.nudge) local.push({ command: ui.nudge.command });
  if (ui.draft) local.push({ command: ui.draft });
  if (local.length) view = predictAll(view, local, ui.member.member_id);
  return view;
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderNow();
  });
}

function renderNow() {
  if (!ui.conn || !ui.member) return;
  const view = currentView();
  if (ui.selectedId && !view.notes[ui.selectedId]) ui.selectedId = null;
  if (ui.editing && !view.notes[ui.editing.id]) finishEdit(false);
  const voteOpts = { role: ui.role, shownRound: shownRound(view), resultsOnNotes: ui.voteOnNotes };
  const spot = spotlightTargets(view);
  document.body.classList.toggle('spotlight-on', spot.active);
  renderer.render(view, {
    spot,
    memberId: ui.member.member_id,
    role: ui.role,
    selectedId: ui.selectedId,
    editingId: ui.editing?.id ?? null,
    draggingId: ui.draggingId,
    lang: getLang(),
    voteInfo: (note) => noteVoteInfo(view, note, voteOpts),
  });
  structure.render(view, noteBox, {
    canGroup: may(view, ui.role, ui.member.member_id, 'group'),
    spot,
    noteLabel: (note) => shorten(note.text || t('note.empty')),
  });
  stepBanner.render(view, { role: ui.role, memberId: ui.member.member_id }, ui.conn.serverNow());
  collection.render(view, renderer);
  moderation.render(view);
  notifications.render();
  dom.newNote.disabled = !may(view, ui.role, ui.member.member_id, 'write');
  dom.newNote.title = dom.newNote.disabled ? errorText(permission(view, ui.role, ui.member.member_id, 'write')) : '';
  renderFollow(view);
  renderSelectionBar(view);
  renderVotes(view, voteOpts.shownRound);
  renderFacilitation(view);
  if (ui.listMode) phone.render(view, { memberId: ui.member.member_id, role: ui.role });
}

// ---- camera -------------------------------------------------------------------------------

function applyCamera() {
  const { x, y, scale } = ui.camera;
  dom.world.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
  // The dotted background moves with the board.
  const step = 24 * scale;
  dom.viewport.style.backgroundSize = `${step}px ${step}px`;
  dom.viewport.style.backgroundPosition = `${x}px ${y}px`;
  renderZoom();
  positionSelectionBar();
  cursors.setScale(scale);
  // Vote buttons on notes stay big enough to hit when the board is zoomed out.
  dom.world.style.setProperty('--vote-ui-scale', String(Math.min(1.6, Math.max(1, 1 / scale))));
  publishView();
  sendCursor(); // the board point under a still pointer has changed
}

function renderZoom() {
  dom.zoomLevel.textContent = `${Math.round(ui.camera.scale * 100)}%`;
}

function setCamera(camera) {
  ui.camera = camera;
  applyCamera();
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

/** Writing on a note far zoomed out is unreadable: zoom to 100 % around it first. */
const READABLE_SCALE = 0.6;
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
  setCamera(camera);
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

// ---- commands -------------------------------------------------------------------------------

function send(command, options) {
  if (!ui.conn || !canEdit()) return;
  // Arrow-key moves not sent yet go first, so the server sees the same order.
  if (ui.nudge && command.note_id === ui.nudge.command.note_id) flushNudge();
  ui.conn.send(command, options);
  scheduleRender();
}

function noteInView(id) {
  return ui.conn ? (currentView().notes[id] ?? null) : null;
}

function startNewNote(x, y, frameId = null) {
  if (!canEdit() || !ui.conn) return;
  if (refused('write')) return;
  if (ui.editing) finishEdit(true);
  ui.draft = {
    type: 'note.create',
    note_id: newNoteId(),
    text: '',
    ...(frameId ? { frame_id: frameId } : { x: clampCoord(x), y: clampCoord(y) }),
    color: ui.lastColor,
    // A step may say what its notes are (commitments, conflicts...).
    kind: currentStep(currentView())?.note_kind ?? 'idea',
  };
  select(ui.draft.note_id);
  renderNow(); // the element must exist now, so typing goes straight in
  startEdit(ui.draft.note_id, true);
}

function select(id) {
  if (ui.selectedId === id) return;
  ui.selectedId = id;
  scheduleRender();
}

function deleteNote(id) {
  const note = noteInView(id);
  if (!note || (ui.draft?.note_id !== id && refused('delete', note))) return;
  if (ui.draft?.note_id === id) {
    ui.draft = null;
  } else {
    send({ type: 'note.delete', note_id: id });
  }
  if (ui.selectedId === id) ui.selectedId = null;
  scheduleRender();
  dom.viewport.focus({ preventScroll: true });
}

function recolor(id, color) {
  ui.lastColor = color;
  if (ui.draft?.note_id === id) {
    ui.draft = { ...ui.draft, color };
    scheduleRender();
    return;
  }
  const note = noteInView(id);
  if (note && note.color !== color && !refused('edit', note)) send({ type: 'note.recolor', note_id: id, color });
}

// Arrow keys: move at once on screen, send one note.move when the keys rest.
const NUDGE_SETTLE_MS = 400;
function nudge(id, dx, dy) {
  const note = noteInView(id);
  if (!note || (ui.draft?.note_id !== id && refused('edit', note))) return;
  if (ui.draft?.note_id === id) return;
  if (ui.nudge && ui.nudge.command.note_id !== id) flushNudge();
  const x = clampCoord(note.x + dx);
  const y = clampCoord(note.y + dy);
  if (ui.nudge) clearTimeout(ui.nudge.timer);
  ui.nudge = {
    command: { type: 'note.move', note_id: id, x, y },
    timer: setTimeout(flushNudge, NUDGE_SETTLE_MS),
  };
  renderNow();
  revealNote(id);
}

function flushNudge() {
  const pending = ui.nudge;
  if (!pending) return;
  clearTimeout(pending.timer);
  ui.nudge = null;
  ui.conn?.send(pending.command, { coalesce: true });
  scheduleRender();
}

// ---- editing text in place -------------------------------------------------------------------

function startEdit(id, isDraft = false) {
  if (!canEdit()) return;
  if (!isDraft && refused('edit', noteInView(id))) return;
  if (ui.editing) {
    if (ui.editing.id === id) return;
    finishEdit(true);
  }
  const note = noteInView(id);
  const el = renderer.noteElement(id);
  if (!note || !el) return;
  ui.editing = { id, isDraft, editor: null };
  zoomToNote(id);
  select(id);
  renderNow(); // marks the note as editing, so renders leave its text alone
  ui.editing.editor = openNoteEditor(el, note.text, (save, text, { refocus }) =>
    editDone(id, isDraft, save, text, refocus),
  );
  revealNote(id);
}

/** End the edit in progress (saving or not), e.g. before another gesture. */
function finishEdit(save) {
  ui.editing?.editor?.finish(save);
}

function editDone(id, isDraft, save, text, refocus) {
  if (ui.editing?.id === id) ui.editing = null;
  if (isDraft) {
    const draft = ui.draft;
    ui.draft = null;
    if (save && draft && draft.note_id === id && text.trim() !== '') {
      send({ ...draft, text });
    } else if (ui.selectedId === id) {
      ui.selectedId = null;
    }
  } else if (save) {
    const note = noteInView(id);
    if (note && note.text !== text) send({ type: 'note.edit', note_id: id, text });
  }
  renderNow();
  if (refocus) {
    const el = renderer.noteElement(id);
    if (el) el.focus({ preventScroll: true });
    else dom.viewport.focus({ preventScroll: true });
  }
}

// ---- the selection bar (colours, edit, delete) -------------------------------------------------

function buildKinds() {
  dom.noteKind.replaceChildren(
    ...KINDS.map((kind) => h('option', { value: kind, text: `${KIND_ICONS[kind]}  ${t(`kind.${kind}`)}` })),
  );
  dom.noteKind.setAttribute('aria-label', t('note.kind'));
}

dom.noteKind.addEventListener('change', () => {
  const id = ui.selectedId;
  const kind = dom.noteKind.value;
  if (!id) return;
  if (ui.draft?.note_id === id) {
    ui.draft = { ...ui.draft, kind };
    scheduleRender();
    return;
  }
  const note = noteInView(id);
  if (note && note.kind !== kind && !refused('edit', note)) send({ type: 'note.kind', note_id: id, kind });
});
dom.noteGroup.addEventListener('click', () => startPick('group'));
dom.noteLink.addEventListener('click', () => startPick('link'));
dom.noteUngroup.addEventListener('click', () => {
  const note = ui.selectedId && noteInView(ui.selectedId);
  if (note?.group_id && !refused('group', note)) send({ type: 'note.group', note_id: note.id, group_id: null });
});

function buildSwatches() {
  dom.swatches.replaceChildren(
    ...COLORS.map((color) =>
      h('button', {
        type: 'button',
        class: `swatch note-${color}`,
        'data-testid': `color-${color}`,
        'data-color': color,
        'aria-label': t('note.color.aria', { color: t(`color.${color}`) }),
        title: t(`color.${color}`),
      }),
    ),
  );
}

dom.swatches.addEventListener('click', (e) => {
  const button = e.target.closest('[data-color]');
  if (button && ui.selectedId) recolor(ui.selectedId, button.dataset.color);
});
// Keep the note's editor open while a swatch is pressed (a blur would close it).
dom.selectionBar.addEventListener('pointerdown', (e) => {
  if (!e.target.closest('select')) e.preventDefault();
});
dom.noteEdit.addEventListener('click', () => ui.selectedId && startEdit(ui.selectedId));
dom.noteDelete.addEventListener('click', () => ui.selectedId && deleteNote(ui.selectedId));

function renderSelectionBar(view) {
  const note = ui.selectedId ? view.notes[ui.selectedId] : null;
  const show = Boolean(note) && canEdit() && !ui.listMode;
  dom.selectionBar.hidden = !show;
  if (!show) return;
  for (const b of dom.swatches.children) {
    b.setAttribute('aria-pressed', b.dataset.color === note.color ? 'true' : 'false');
  }
  const me = ui.member.member_id;
  const draft = ui.draft?.note_id === note.id;
  const editable = draft || may(view, ui.role, me, 'edit', note);
  dom.noteDelete.hidden = !draft && !may(view, ui.role, me, 'delete', note);
  dom.noteEdit.hidden = ui.editing?.id === note.id || !editable;
  dom.swatches.hidden = !editable;
  dom.noteKind.parentElement.hidden = !editable;
  dom.noteKind.value = note.kind;
  const shared = !draft && !note.private;
  dom.noteGroup.hidden = !shared || !may(view, ui.role, me, 'group', note);
  dom.noteUngroup.hidden = dom.noteGroup.hidden || !note.group_id;
  dom.noteLink.hidden = !shared || !may(view, ui.role, me, 'link', note);
  moderation.renderTools(view, draft ? null : note);
  const empty = [...dom.selectionBar.children].every((c) => c.hidden);
  dom.selectionBar.hidden = empty;
  positionSelectionBar();
}

function positionSelectionBar() {
  if (dom.selectionBar.hidden || !ui.selectedId) return;
  const el = renderer.noteElement(ui.selectedId);
  if (!el) return;
  const host = dom.selectionBar.offsetParent ?? document.body;
  const hostRect = host.getBoundingClientRect();
  const noteRect = el.getBoundingClientRect();
  const barRect = dom.selectionBar.getBoundingClientRect();
  let left = noteRect.left + noteRect.width / 2 - barRect.width / 2 - hostRect.left;
  let top = noteRect.top - barRect.height - 10 - hostRect.top;
  if (top < 4) top = noteRect.bottom + 10 - hostRect.top;
  left = Math.max(4, Math.min(left, hostRect.width - barRect.width - 4));
  dom.selectionBar.style.left = `${left}px`;
  dom.selectionBar.style.top = `${top}px`;
}

// ---- frames -------------------------------------------------------------------------------------

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

// ---- input on the canvas ----------------------------------------------------------------------------

function focusNote(id) {
  const el = renderer.noteElement(id);
  select(id);
  if (el) el.focus({ preventScroll: true });
}

installGestures(
  { viewport: dom.viewport, notesLayer: $('notes-layer') },
  {
    canEdit: (id) => (id ? mayNow('edit', noteInView(id)) : canEdit()),
    isFacilitator,
    camera: () => ui.camera,
    setCamera: userCamera,
    noteInView,
    frameInView: (id) => (ui.conn && id ? (currentView().frames[id] ?? null) : null),
    isEditing: (id) => ui.editing?.id === id,
    select,
    focusNote: (id) => (ui.pick ? completePick(id) : focusNote(id)),
    beginDrag(id) {
      if (ui.nudge?.command.note_id === id) flushNudge();
      ui.draggingId = id;
      select(id);
      renderNow();
    },
    endDrag(id, to) {
      ui.draggingId = null;
      markDropTarget(null);
      if (to) {
        const x = clampCoord(to.x);
        const y = clampCoord(to.y);
        const note = noteInView(id);
        if (ui.draft?.note_id === id) {
          const { frame_id: _placed, ...draft } = ui.draft; // a place chosen by hand now
          ui.draft = { ...draft, x, y };
        }
        else if (note) dropNote(note, x, y);
      }
      renderNow();
    },
    afterDragMove() {
      positionSelectionBar();
      const el = ui.draggingId && renderer.noteElement(ui.draggingId);
      const note = el && noteInView(ui.draggingId);
      markDropTarget(note ? dropTarget(note, parseFloat(el.style.left), parseFloat(el.style.top)) : null);
    },
    createNoteAt: startNewNote,
    startEdit: (id) => (ui.pick ? completePick(id) : startEdit(id)),
    openFrameDialog,
    nudge,
    deleteNote,
    revealNote,
    vote,
  },
);

// ---- dot voting -----------------------------------------------------------------------------------

const voteBanner = new VoteBanner($('vote-banner'), {
  setStatus(status) {
    const round = ui.conn && openRound(ui.conn.board.votes);
    if (round && canVote(ui.role)) send({ type: 'vote.status', round_id: round.id, status });
  },
});

const votePanel = new VotePanel($('vote-panel'), {
  open(fields) {
    if (!isFacilitator()) return;
    const roundId = newRoundId();
    ui.voteOpening = roundId;
    send({ type: 'vote.open', round_id: roundId, ...fields });
  },
  limits(budget, cap) {
    const round = ui.conn && openRound(ui.conn.board.votes);
    if (round && isFacilitator()) send({ type: 'vote.limits', round_id: round.id, budget, cap });
  },
  close() {
    const round = ui.conn && openRound(ui.conn.board.votes);
    if (round && isFacilitator()) send({ type: 'vote.close', round_id: round.id });
  },
  selectRound(id) {
    ui.voteRound = id;
    scheduleRender();
  },
  toggleBySector() {
    ui.voteBySector = !ui.voteBySector;
    scheduleRender();
  },
  toggleOnNotes(on) {
    ui.voteOnNotes = on;
    scheduleRender();
  },
  exportCsv: () => exportCsv('votes'),
  hide() {
    setVotePanel(false);
    dom.voteToggle.focus();
  },
});

/** The closed round whose results are shown: the one picked, else the latest. */
function shownRound(view) {
  const closed = closedRounds(view.votes);
  return closed.find((r) => r.id === ui.voteRound) ?? closed[closed.length - 1] ?? null;
}

function setVotePanel(open) {
  ui.votePanelOpen = open;
  renderNow();
  if (open) votePanel.focus();
}

dom.voteToggle.addEventListener('click', () => setVotePanel(!ui.votePanelOpen));

function renderVotes(view, shown) {
  const votes = view.votes;
  const round = openRound(votes);
  dom.voteTools.hidden = !isFacilitator() && !round && !shown;
  dom.voteToggle.setAttribute('aria-expanded', ui.votePanelOpen ? 'true' : 'false');
  dom.voteToggle.classList.toggle('vote-running', Boolean(round));
  document.body.classList.toggle('voting', Boolean(round));
  document.body.classList.toggle('vote-panel-open', ui.votePanelOpen);
  voteBanner.render({ view, role: ui.role });
  const online = ui.conn.onlineList().filter((m) => m.role === 'participant').length;
  votePanel.render({
    view,
    role: ui.role,
    onlineParticipants: online,
    shownRound: shown,
    bySector: ui.voteBySector,
    onNotes: ui.voteOnNotes,
    open: ui.votePanelOpen,
  });
}

/** What a vote event means for the page (beyond the state, which the connection folds). */
function onVoteEvent(event) {
  switch (event.type) {
    case 'vote.opened':
      if (event.data.round.id === ui.voteOpening) {
        ui.voteOpening = null;
        votePanel.resetOpenForm();
      }
      return;
    case 'vote.limits_changed': {
      const round = ui.conn.board.votes.rounds[event.data.round_id];
      if (round && isFacilitator()) votePanel.limitsChanged(round);
      return;
    }
    case 'vote.closed':
      // Everyone sees the results as soon as the round closes, from the top.
      ui.voteRound = event.data.round_id;
      votePanel.el.scrollTop = 0;
      if (!ui.votePanelOpen) {
        ui.votePanelOpen = true;
        scheduleRender();
      }
      return;
    default:
      return;
  }
}

/** The gentle words for a vote that cannot be cast or taken back. */
function voteHintText(code, round) {
  const key = `vote.hint.${code}`;
  const text = t(key, { cap: round?.cap ?? '' });
  return text === key ? errorText(code) : text;
}

/**
 * Add (`delta` 1) or take back (-1) one of this person's votes on a note.
 * Returns whether a round is open (the key was about voting).
 */
function vote(id, delta) {
  if (!ui.conn) return false;
  const view = currentView();
  const round = openRound(view.votes);
  if (!round) return false;
  if (!canVote(ui.role) || ui.draft?.note_id === id) return true;
  if (myStatus(view.votes, round.id) !== 'voting') {
    voteBanner.showHint(t('vote.hint.not_voting'));
    return true;
  }
  const problem = voteProblem(view, id, delta);
  if (problem) {
    voteBanner.showHint(voteHintText(problem, round));
    return true;
  }
  send({ type: delta > 0 ? 'vote.cast' : 'vote.withdraw', round_id: round.id, note_id: id });
  return true;
}

function voteRejected(command, code, message) {
  const round = ui.conn?.board.votes.rounds[command.round_id];
  switch (command.type) {
    case 'vote.cast':
    case 'vote.withdraw':
    case 'vote.status':
      voteBanner.showHint(voteHintText(code, round));
      return;
    case 'vote.limits':
      votePanel.showLimitsError(
        code === 'limit_too_low' ? t('vote.limits.too_low') : errorText(code, message),
        message,
      );
      setVotePanel(true);
      return;
    case 'vote.open':
      ui.voteOpening = null;
      votePanel.showOpenError(errorText(code, message));
      return;
    default:
      toast(errorText(code, message));
  }
}

// Clicks on a note's vote controls (the "+", the "−", or the dots themselves).
$('notes-layer').addEventListener('click', (e) => {
  const control = e.target.closest('[data-vote]');
  const noteEl = control?.closest('[data-testid="note"]');
  if (!control || !noteEl) return;
  e.stopPropagation();
  // The dots add a vote only where the "+" is offered.
  if (!control.matches('button') && control.parentElement.querySelector('.vote-add')?.hidden) return;
  vote(noteEl.dataset.id, Number(control.dataset.vote));
});

/**
 * A facilitator's CSV export (`notes`, `links` or `votes`): fetched with the
 * credential, saved from a Blob.
 */
async function exportCsv(kind) {
  if (!ui.member || !isFacilitator()) return;
  try {
    const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/${kind}.csv`, {
      headers: { Authorization: `Bearer ${ui.member.credential}` },
    });
    if (!response.ok) {
      const error = await readError(response);
      toast(errorText(error.code, t('vote.export.failed')));
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: `${kind}-${boardId}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  } catch {
    toast(t('error.network'));
  }
}

// ---- the facilitator's panel ---------------------------------------------------------------------

const FAC_PANEL_KEY = 'samskapa:fac-panel';
dom.facToggle = $('fac-toggle');
ui.facPanelOpen = (() => {
  try {
    return localStorage.getItem(FAC_PANEL_KEY) === 'open';
  } catch {
    return false;
  }
})();

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
    dom.facToggle.focus();
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

// An idea collection over days: dates, countdown, refused notes, news, other device.
const collection = mountCollection({
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
  markNew: (ids, current) => phone.markNew(ids, current),
  toast,
  errorText,
  facPanelEl: $('fac-panel'),
  isFacilitator,
});

// Moderation: the panel's queue, the waiting count on its button, the note tools.
const moderation = mountModeration({
  facPanelEl: $('fac-panel'),
  facToggle: dom.facToggle,
  tools: {
    approve: $('note-approve'),
    reject: $('note-reject'),
    hide: $('note-hide'),
    restore: $('note-restore'),
    flag: $('note-flag'),
  },
  view: () => (ui.conn ? currentView() : null),
  selected: () => ui.selectedId,
  role: () => ui.role,
  memberId: () => ui.member?.member_id ?? null,
  send,
  showNote: bringNote,
  toast,
  errorText,
});

/** Bring one note into view: in the column, or on the canvas with the focus on it. */
function bringNote(id) {
  if (ui.listMode) return phone.reveal(id);
  showNotes([id]);
  focusNote(id);
}

// Where the facilitators hear about the board: webhook and e-mail (docs/collection.md §8).
const notifications = mountNotifications({
  boardId,
  member: () => ui.member,
  errorText,
  facPanelEl: $('fac-panel'),
  isFacilitator,
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
  if (closing) dom.facToggle.focus();
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

// ---- facilitation: step rules, groups, links, follow ---------------------------------------

/** Say why `action` is not allowed now (a toast) and return true; false when it is allowed. */
function refused(action, note = null) {
  if (!ui.conn) return true;
  const code = permission(currentView(), ui.role, ui.member.member_id, action, note);
  if (code) toast(errorText(code));
  return Boolean(code);
}

const shorten = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A note's box in board units: as tall as its element is drawn. */
function noteBox(note) {
  const el = renderer.noteElement(note.id);
  return { x: note.x, y: note.y, w: NOTE_WIDTH, h: Math.max(NOTE_HEIGHT, el?.offsetHeight ?? 0) };
}

/**
 * What dropping `note` with its top-left at (x, y) means: onto another note
 * (`{kind: 'note', id}`), into a group's outline (`{kind: 'group', id}`), out
 * of its own group (`{kind: 'leave'}`), or just a move (null). Only what this
 * member may do now.
 */
function dropTarget(note, x, y) {
  const view = currentView();
  if (note.private || !may(view, ui.role, ui.member.member_id, 'group', note)) return null;
  const cx = x + NOTE_WIDTH / 2;
  const cy = y + NOTE_HEIGHT / 2;
  const notes = Object.values(view.notes);
  for (let i = notes.length - 1; i >= 0; i--) {
    const other = notes[i];
    if (other.id === note.id || other.private) continue;
    if (inBox(noteBox(other), cx, cy)) {
      return other.group_id && other.group_id === note.group_id ? null : { kind: 'note', id: other.id };
    }
  }
  for (const group of Object.values(view.groups)) {
    if (group.id !== note.group_id && inBox(structure.groupBox(group.id), cx, cy)) return { kind: 'group', id: group.id };
  }
  if (note.group_id) {
    const rest = notes.filter((n) => n.group_id === note.group_id && n.id !== note.id).map(noteBox);
    // Dragged well clear of the rest of its group: out of the group.
    if (rest.length && !inBox(boxAround(rest, GROUP_PAD + NOTE_WIDTH / 2), cx, cy)) return { kind: 'leave' };
  }
  return null;
}

let dropMarked = null;
function markDropTarget(target) {
  const el = !target
    ? null
    : target.kind === 'note'
      ? renderer.noteElement(target.id)
      : target.kind === 'group'
        ? document.querySelector(`.group[data-id="${CSS.escape(target.id)}"]`)
        : null;
  if (dropMarked === el) return;
  dropMarked?.classList.remove('drop-target');
  el?.classList.add('drop-target');
  dropMarked = el;
}

/** A dragged note let go at (x, y): a move, and maybe a group (see dropTarget). */
function dropNote(note, x, y) {
  const target = dropTarget(note, x, y);
  let to = { x, y };
  if (target?.kind === 'note') {
    // Side by side with the note it was dropped on, not on top of it.
    const other = noteInView(target.id);
    const rest = { ...currentView().notes };
    delete rest[note.id];
    to = freeSpot(rest, other.x, other.y);
    to = { x: clampCoord(to.x), y: clampCoord(to.y) };
  }
  if (to.x !== note.x || to.y !== note.y) send({ type: 'note.move', note_id: note.id, x: to.x, y: to.y });
  if (target) groupWith(note, target);
}

let groupNumber = 0;
/** Put `note` together with `target` ({kind: 'note' | 'group' | 'leave', id}). */
function groupWith(note, target) {
  if (target.kind === 'leave') {
    send({ type: 'note.group', note_id: note.id, group_id: null });
    return;
  }
  if (target.kind === 'group') {
    send({ type: 'note.group', note_id: note.id, group_id: target.id });
    return;
  }
  const other = noteInView(target.id);
  if (!other || refused('group', other)) return;
  if (other.group_id) send({ type: 'note.group', note_id: note.id, group_id: other.group_id });
  else if (note.group_id) send({ type: 'note.group', note_id: other.id, group_id: note.group_id });
  else {
    groupNumber = Math.max(groupNumber, Object.keys(currentView().groups).length) + 1;
    send({ type: 'group.create', group_id: newGroupId(), name: t('group.default', { n: groupNumber }), note_ids: [other.id, note.id] });
  }
}

/** "Group with…" / "Link": the next note picked (click, or Enter on it) completes it. */
function startPick(mode) {
  const note = ui.selectedId && noteInView(ui.selectedId);
  if (!note || ui.draft?.note_id === note.id || refused(mode, note)) return;
  if (ui.editing) finishEdit(true);
  ui.pick = { mode, from: note.id };
  dom.pickHintText.textContent = t(mode === 'link' ? 'pick.link' : 'pick.group', { text: shorten(note.text || t('note.empty')) });
  dom.pickHint.hidden = false;
  document.body.classList.add('picking');
  renderer.noteElement(note.id)?.classList.add('pick-source');
}

function cancelPick() {
  if (!ui.pick) return;
  renderer.noteElement(ui.pick.from)?.classList.remove('pick-source');
  ui.pick = null;
  dom.pickHint.hidden = true;
  document.body.classList.remove('picking');
}

function completePick(id) {
  const pick = ui.pick;
  const from = noteInView(pick.from);
  const to = noteInView(id);
  if (id === pick.from || !to) return;
  cancelPick();
  if (!from || refused(pick.mode, to)) return;
  if (pick.mode === 'group') groupWith(from, { kind: 'note', id });
  else openLinkDialog(null, from, to);
  focusNote(id);
}

dom.pickHint.querySelector('#pick-cancel').addEventListener('click', cancelPick);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && ui.pick) {
    e.preventDefault();
    cancelPick();
  }
});
// L: link the focused note to another; G: group it with another.
$('notes-layer').addEventListener('keydown', (e) => {
  if (e.target.closest('.note-editor, button') || e.altKey || e.ctrlKey || e.metaKey) return;
  const key = e.key.toLowerCase();
  if (key !== 'l' && key !== 'g') return;
  e.preventDefault();
  select(e.target.closest('[data-testid="note"]')?.dataset.id ?? ui.selectedId);
  startPick(key === 'l' ? 'link' : 'group');
});

// ---- the link dialog ----

const linkDialog = $('link-dialog');
const linkForm = $('link-form');
let linkDialogState = null; // {link} (change one) or {from, to} (a new one)

/** Ask how `from` and `to` are linked (a new link), or change / delete `link`. */
function openLinkDialog(link, from = null, to = null) {
  const view = currentView();
  from = from ?? view.notes[link.from_id];
  to = to ?? view.notes[link.to_id];
  if (!from || !to) return;
  const editable = may(view, ui.role, ui.member.member_id, 'link');
  linkDialogState = { link, from, to };
  $('link-dialog-heading').textContent = t(link ? 'link.edit.heading' : 'link.new.heading');
  $('link-between').textContent = t('link.between', {
    from: shorten(from.text || t('note.empty')),
    to: shorten(to.text || t('note.empty')),
  });
  const kind = link?.kind ?? 'conflicts';
  for (const input of linkForm.elements.kind) input.checked = input.value === kind;
  for (const input of linkForm.elements.status) input.checked = input.value === (link?.status ?? 'open');
  $('link-resolution').value = link?.resolution ?? '';
  for (const el of linkForm.querySelectorAll('input, textarea')) el.disabled = !editable;
  $('link-delete').hidden = !link || !editable;
  $('link-submit').hidden = !editable;
  $('link-submit').textContent = t(link ? 'link.save' : 'link.create');
  showConflictFields();
  linkDialog.showModal();
}

function showConflictFields() {
  const conflict = linkForm.elements.kind.value === 'conflicts' && Boolean(linkDialogState?.link);
  $('link-statuses').hidden = !conflict;
  $('link-resolution-field').hidden = !conflict;
}

linkForm.addEventListener('change', showConflictFields);
$('link-cancel').addEventListener('click', () => linkDialog.close());
$('link-delete').addEventListener('click', () => {
  const link = linkDialogState?.link;
  if (link && !refused('link')) send({ type: 'link.delete', link_id: link.id });
  linkDialog.close();
});
linkForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const st = linkDialogState;
  linkDialog.close();
  if (!st || refused('link')) return;
  const kind = linkForm.elements.kind.value || 'conflicts';
  if (!st.link) {
    send({ type: 'link.create', link_id: newLinkId(), from_id: st.from.id, to_id: st.to.id, kind });
    return;
  }
  const change = {};
  if (kind !== st.link.kind) change.kind = kind;
  if (kind === 'conflicts') {
    const status = linkForm.elements.status.value || 'open';
    const resolution = $('link-resolution').value.trim();
    if (status !== st.link.status) change.status = status;
    if (resolution !== st.link.resolution) change.resolution = resolution;
  }
  if (Object.keys(change).length) send({ type: 'link.update', link_id: st.link.id, ...change });
});

$('links-layer').addEventListener('click', (e) => {
  const marker = e.target.closest('[data-testid="link-marker"]');
  const link = marker && ui.conn && currentView().links[marker.dataset.id];
  if (link) openLinkDialog(link);
});

// ---- group names and "Ungroup" ----

function renameGroup(nameEl) {
  const groupEl = nameEl.closest('[data-testid="group"]');
  const group = groupEl && ui.conn && currentView().groups[groupEl.dataset.id];
  if (!group || refused('group') || groupEl.querySelector('.group-name-input')) return;
  const input = h('input', {
    class: 'group-name-input',
    'data-testid': 'group-name-input',
    type: 'text',
    maxlength: '120',
    'aria-label': t('group.rename.aria', { name: group.name }),
  });
  input.value = group.name;
  nameEl.hidden = true;
  nameEl.after(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    const name = input.value.trim();
    input.remove();
    nameEl.hidden = false;
    if (save && name && name !== group.name) send({ type: 'group.rename', group_id: group.id, name });
    nameEl.focus({ preventScroll: true });
  };
  input.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter') finish(true);
    else if (e.key === 'Escape') finish(false);
  });
  input.addEventListener('blur', () => finish(true));
}

const groupsLayer = $('groups-layer');
groupsLayer.addEventListener('dblclick', (e) => {
  const name = e.target.closest('[data-action="group-rename"]');
  if (!name) return;
  e.stopPropagation();
  renameGroup(name);
});
groupsLayer.addEventListener('keydown', (e) => {
  const name = e.target.closest('[data-action="group-rename"]');
  if (name && (e.key === 'Enter' || e.key === 'F2' || e.key === ' ')) {
    e.preventDefault();
    renameGroup(name);
  }
});
groupsLayer.addEventListener('click', (e) => {
  const button = e.target.closest('[data-action="group-ungroup"]');
  const id = button?.closest('[data-testid="group"]')?.dataset.id;
  if (id && !refused('group')) send({ type: 'group.delete', group_id: id });
});

// ---- the step banner and its clock ----

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

// ---- the mission card (facilitators edit it with board.update) ----

const missionDialog = $('mission-dialog');
dom.mission.edit.addEventListener('click', (e) => {
  e.preventDefault(); // a button in <summary> would fold the card
  const mission = ui.conn?.board.board?.mission;
  if (!mission || !isFacilitator()) return;
  $('mission-statement-input').value = mission.statement;
  $('mission-measure-input').value = mission.measure;
  $('mission-deadline-input').value = mission.deadline;
  missionDialog.showModal();
});
$('mission-cancel').addEventListener('click', () => missionDialog.close());
$('mission-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const old = ui.conn?.board.board?.mission;
  const mission = {
    statement: $('mission-statement-input').value.trim(),
    measure: $('mission-measure-input').value.trim(),
    deadline: $('mission-deadline-input').value.trim(),
  };
  if (!mission.statement) {
    toast(t('form.required', { field: t('create.mission') }));
    return;
  }
  missionDialog.close();
  const same = old && ['statement', 'measure', 'deadline'].every((k) => old[k] === mission[k]);
  if (!same) send({ type: 'board.update', mission });
});

// ---- following the facilitator ----

const leaderId = () => ui.conn?.board.attention.leader ?? null;
const leadingOther = () => Boolean(leaderId()) && leaderId() !== ui.member?.member_id;

function onLeaderView(view) {
  if (view.memberId !== leaderId()) return;
  ui.leaderView = view;
  followLeader();
}

/** Move to the leader's latest view, if following one (never while writing a note). */
function followLeader() {
  const view = ui.leaderView;
  if (!leadingOther() || !ui.following || ui.editing || !view || view.memberId !== leaderId()) return;
  flyTo(cameraForRect(view, viewportBox.width, viewportBox.height));
}

function renderFollow() {
  const show = leadingOther() && !ui.following;
  dom.followAgain.hidden = !show;
  if (show) {
    const leader = ui.conn.board.participants[leaderId()];
    dom.followAgain.textContent = leader ? t('follow.again.name', { name: leader.name }) : t('follow.again');
  }
}

dom.followAgain.addEventListener('click', () => {
  ui.following = true;
  scheduleRender();
  followLeader();
});

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

// ---- list view: the board as one column, for phones (phone/mount.js) ------------------------------

// On a phone's canvas the banners fold to one line each (banners.js).
const bannerToggle = mountBannerToggle(dom.boardTop);

const VIEW_KEY = 'samskapa.view';
const phone = mountPhone({
  root: dom.listBody,
  // The mission, the step ("I'm done") and the open vote head the column.
  adopt: [dom.boardTop, $('vote-banner')],
  send,
  vote,
  flag: (id) => moderation.flag(id),
  decide: (decision, id) => moderation.decide(decision, id),
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
}

dom.listToggle.addEventListener('click', () => {
  setListMode(!ui.listMode);
  // Remembered per browser: a person who chose the board on a phone keeps it.
  localStorage.setItem(VIEW_KEY, ui.listMode ? 'list' : 'canvas');
});

// ---- start ---------------------------------------------------------------------------------------

async function main() {
  // On a phone the board opens as one column (the list view), unless the
  // person chose the canvas before; the mission card starts folded there.
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  const chosen = localStorage.getItem(VIEW_KEY);
  if (chosen ? chosen === 'list' : narrow) setListMode(true);
  else if (narrow) dom.mission.card.open = false;
  relabel();
  applyCamera();
  if (!boardId) {
    block(t('board.not_found'));
    return;
  }
  const member = await findMember();
  if (member) connect(member);
}

main();
