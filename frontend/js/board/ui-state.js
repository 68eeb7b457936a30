// The board page's own state (what is selected, edited, dragged, which panel
// is open, the camera…): one object, `ui`, that app.js makes and every
// feature reads and changes through the page object. Not the board's state:
// that is the connection's (core/state.js).

import { initialCamera } from './camera.js';

/** A fresh `ui`; `explicitLang`: the person chose a language with the toggle. */
export function newUiState({ explicitLang }) {
  return {
    member: null, // {member_id, credential, role, name, sector}
    role: null,
    conn: null,
    camera: initialCamera(),
    kept: null, // the board rectangle whose notes are in the DOM (board/cull.js)
    voteScale: null, // the vote buttons' size on notes, as last written
    resting: null, // timer: the camera has stopped moving
    fitted: false,
    selectedId: null,
    selection: [], // note ids selected together (board/multiselect.js); two or more: a multi-selection
    selectTool: false, // the Select tool: a drag on the empty board draws a selecting rectangle
    moving: [], // note commands shown as if sent: a drag of several notes, arrow keys not settled
    frameMoving: [], // the same for a frame moved or resized by hand (board/frame-handles.js)
    editing: null, // {id, isDraft, editor}
    draggingId: null,
    draft: null, // note.create command not sent yet (being written)
    nudge: null, // {command, timer}: arrow-key moves not sent yet
    lastColor: 'yellow',
    listMode: false,
    explicitLang,
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
}

/** What the browser tests read of the page: the state, the outbox, the camera, the selection. */
export function exposeForTests(ui, cursors) {
  window.samskapa = {
    state: () => ui.conn?.board ?? null,
    lastSeq: () => ui.conn?.lastSeq ?? null,
    outbox: () => ui.conn?.outbox.list() ?? [],
    connState: () => ui.conn?.state ?? 'offline',
    camera: () => ({ ...ui.camera }),
    selection: () => [...ui.selection],
    cursors: () => cursors.shown(),
    votes: () => ui.conn?.board.votes ?? null,
    serverOffset: () => ui.conn?.serverOffset ?? 0,
  };
}
