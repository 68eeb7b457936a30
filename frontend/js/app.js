// The board page, wired together. It builds the page object (who am I, the
// connection, the view: the confirmed state with what is pending and being
// written, `send`, the render loop) and mounts the features on it, each from
// the folder named for what it is: board/ (the canvas), voting/,
// facilitation/, collection/, moderation/, notify/, phone/. A feature's
// `mountX(page)` returns the functions the others call (docs/architecture.md,
// "The frontend").

import { findElements } from './board/elements.js';
import { mountHeader } from './board/header.js';
import { mountFrameHandles } from './board/frame-handles.js';
import { mountFrames } from './board/frames.js';
import { mountGrouping, shorten } from './board/grouping.js';
import { mountInput } from './board/input.js';
import { mountLinkDialog } from './board/link-dialog.js';
import { mountMultiSelect } from './board/multiselect.js';
import { mountNotes } from './board/notes.js';
import { PresenceView } from './board/presence-ui.js';
import { BoardRenderer } from './board/render.js';
import { mountSelectionBar } from './board/selection-bar.js';
import { mountSession } from './board/session.js';
import { StructureRenderer } from './board/structure.js';
import { mountTopbarMenu } from './board/topbar-menu.js';
import { CursorLayer } from './board/cursors.js';
import { isFar, keptRect } from './board/cull.js';
import { exposeForTests, newUiState } from './board/ui-state.js';
import { mountUndo } from './board/undo-ui.js';
import { mountViewport } from './board/viewport.js';
import { mountCollectionOnBoard } from './collection/mount.js';
import { first } from './core/boot.js';
import { block, errorText, toast } from './core/dialogs.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t, toggleLang } from './core/i18n.js';
import { parseLocation } from './core/member.js';
import { late } from './core/page.js';
import { applyLimits } from './core/vocabulary.js';
import { canEditNotes, COORD_LIMIT, may, permission, predictAll, spotlightTargets } from './core/state.js';
import { mountCsv } from './facilitation/csv.js';
import { mountFollow } from './facilitation/follow.js';
import { mountMissionDialog } from './facilitation/mission-dialog.js';
import { mountFacilitation } from './facilitation/mount.js';
import { mountStepBanner } from './facilitation/step.js';
import { mountOnBoard as mountModerationOnBoard } from './moderation/mount.js';
import { mountOnBoard as mountNotificationsOnBoard } from './notify/section.js';
import { mountListMode } from './phone/list-mode.js';
import { mountVoting } from './voting/mount.js';
import { noteVoteInfo } from './voting/voting.js';

// ---- where we are -------------------------------------------------------------------

const { boardId, token, device } = parseLocation(location);
// The board's websocket, when boot.js could open it before this module loaded.
const early = first?.ws ? first : null;
// The dialogs' fields take the server's limits (data-limit in board.html).
applyLimits(document);

const $ = (id) => document.getElementById(id);
const dom = findElements();

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

const ui = newUiState({ explicitLang: storedLang(localStorage) !== null });
// What the browser tests read of the page (window.samskapa).
exposeForTests(ui, cursors);


const canEdit = () => canEditNotes(ui.role);
/** May I do `action` (state.js `permission`) on the board as shown now? */
const mayNow = (action, note = null) => Boolean(ui.conn) && may(currentView(), ui.role, ui.member.member_id, action, note);
const isFacilitator = () => ui.role === 'facilitator';
const clampCoord = (v) => Math.round(Math.min(COORD_LIMIT, Math.max(-COORD_LIMIT, v)));

// The page object every feature is mounted on; app.js's own functions first,
// the features' when they are mounted (below).
const page = { boardId, token, device, early, $, dom, ui, presence, renderer, structure, cursors };
Object.assign(page, { canEdit, mayNow, isFacilitator, clampCoord, useBoardLanguage, relabel });
Object.assign(page, { currentView, sentView, scheduleRender, scheduleCull, renderNow, send, refused });
// What app.js itself calls of the features.
const { buildKinds, buildSwatches, renderHeader, renderRole, renderStatus, renderZoom, applyCamera } = late(page);
const { finishEdit, flushNudge, noteBox, shownRound, renderFollow, renderSelectionBar, renderVotes } = late(page);
const { renderFacilitation, findMember, connect } = late(page);

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
  page.undo?.render();
  renderRole();
  renderStatus();
  presence.relabel();
  dom.listToggle.textContent = t(ui.listMode ? 'tool.canvas' : 'tool.list');
  dom.listToggle.setAttribute('aria-label', t(ui.listMode ? 'tool.canvas.aria' : 'tool.list.aria'));
  renderZoom();
  cursors.relabel();
  page.facPanel.relabel();
  page.phone.relabel();
  page.bannerToggle.relabel();
  // At once rather than in the next frame: labels that the render sets (the
  // selected note's tools name the note) must never speak the old language
  // beside visible text in the new one.
  renderNow();
}

$('lang-toggle').addEventListener('click', () => {
  toggleLang(localStorage);
  ui.explicitLang = true;
  relabel();
});

// ---- the view: confirmed state + outbox + what is being written ---------------------------

function currentView() {
  const conn = ui.conn;
  let view = predictAll(conn.board, conn.pendingOps(), ui.member.member_id);
  const local = [];
  if (ui.nudge) local.push({ command: ui.nudge.command });
  if (ui.draft) local.push({ command: ui.draft });
  // Notes and frames being dragged or moved by the keys, shown before they are sent.
  for (const command of [...ui.moving, ...ui.frameMoving]) local.push({ command });
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

/**
 * Only the camera moved: draw the notes that came near the screen (and let go
 * of those that left) with what the last render drew, in the next frame.
 */
let cullQueued = false;
function scheduleCull() {
  if (cullQueued || renderQueued || !ui.conn) return;
  cullQueued = true;
  requestAnimationFrame(() => {
    cullQueued = false;
    if (renderQueued || !renderer.last) return; // a full render comes in this frame
    const { width, height } = page.viewportBox;
    ui.kept = keptRect(ui.camera, width, height);
    const screenRect = keptRect(ui.camera, width, height, 0);
    renderer.cull({ keptRect: ui.kept, screenRect, far: isFar(ui.camera.scale) });
    page.collection.render(renderer.last.view, renderer); // its marks on notes that just came
    if (renderer.behind) scheduleCull(); // the rest of the notes near the screen
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
  // Only the notes near the screen go into the DOM (board/cull.js); the
  // viewport asks for a cull when the screen nears the edge of what is kept.
  const box = page.viewportBox;
  if (!(box.width > 0) && !ui.listMode) page.measureViewport();
  ui.kept = keptRect(ui.camera, box.width, box.height);
  renderer.render(view, {
    keptRect: ui.kept,
    screenRect: keptRect(ui.camera, box.width, box.height, 0),
    far: isFar(ui.camera.scale),
    spot,
    memberId: ui.member.member_id,
    role: ui.role,
    selectedId: ui.selectedId,
    editingId: ui.editing?.id ?? null,
    draggingId: ui.draggingId,
    lang: getLang(),
    voteInfo: (note) => noteVoteInfo(view, note, voteOpts),
  });
  page.markSelection(view);
  structure.render(view, noteBox, {
    canGroup: may(view, ui.role, ui.member.member_id, 'group'),
    spot,
    noteLabel: (note) => shorten(note.text || t('note.empty')),
  });
  page.stepBanner.render(view, { role: ui.role, memberId: ui.member.member_id }, ui.conn.serverNow());
  page.collection.render(view, renderer);
  page.moderation.render(view);
  page.notifications.render();
  page.undo.render();
  dom.newNote.disabled = !may(view, ui.role, ui.member.member_id, 'write');
  dom.newNote.title = dom.newNote.disabled ? errorText(permission(view, ui.role, ui.member.member_id, 'write')) : '';
  renderFollow(view);
  renderSelectionBar(view);
  renderVotes(view, voteOpts.shownRound);
  renderFacilitation(view);
  if (ui.listMode) page.phone.render(view, { memberId: ui.member.member_id, role: ui.role });
  if (renderer.behind) scheduleCull(); // the rest of the notes near the screen
}

// ---- commands and the rules they obey ---------------------------------------------------------

/**
 * Send an own change. Returns its undo step (board/undo.js), or null when it
 * cannot be undone (a vote, a link, the facilitator's structure…).
 */
function send(command, options) {
  if (!ui.conn || !canEdit()) return null;
  // Arrow-key moves not sent yet go first, so the server sees the same order.
  if (ui.nudge && command.note_id === ui.nudge.command.note_id) flushNudge();
  const before = sentView();
  ui.conn.send(command, options);
  scheduleRender();
  return page.undo.record(command, before);
}

/** The board as shown, but for what is only on this screen (a draft, keys not yet sent). */
function sentView() {
  return predictAll(ui.conn.board, ui.conn.pendingOps(), ui.member.member_id);
}

/** Say why `action` is not allowed now (a toast) and return true; false when it is allowed. */
function refused(action, note = null) {
  if (!ui.conn) return true;
  const code = permission(currentView(), ui.role, ui.member.member_id, action, note);
  if (code) toast(errorText(code));
  return Boolean(code);
}

// ---- the features, mounted in this order (their listeners are added in it) -----------------------

const mount = (feature) => Object.assign(page, feature);
mount(mountHeader(page));
mount(mountTopbarMenu(page));
mount(mountViewport(page));
mount(mountSession(page));
mount(mountNotes(page));
mount(mountSelectionBar(page));
mount(mountMultiSelect(page));
mount(mountFrames(page));
mount(mountFrameHandles(page));
mount(mountInput(page));
mount(mountVoting(page));
mount(mountCsv(page));
mount(mountFacilitation(page));

page.collection = mountCollectionOnBoard(page);
page.moderation = mountModerationOnBoard(page);
page.notifications = mountNotificationsOnBoard(page);
mount(mountGrouping(page));
mount(mountLinkDialog(page));
mount(mountStepBanner(page));
mount(mountMissionDialog(page));
mount(mountFollow(page));
mount(mountListMode(page));
mount({ undo: mountUndo(page) });

// ---- start ---------------------------------------------------------------------------------------

async function main() {
  page.openInChosenMode();
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
