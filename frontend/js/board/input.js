// The canvas's pointer, wheel and keyboard input (gestures.js) wired to what
// the page does with it: select, drag and drop (maybe onto a group), edit,
// nudge, vote, pan and zoom.

import { installGestures } from './gestures.js';
import { late } from '../core/page.js';

export function mountInput(page) {
  const { dom, $, ui, renderer } = page;
  const {
    mayNow,
    noteInView,
    canEdit,
    isFacilitator,
    userCamera,
    currentView,
    select,
    completePick,
    focusNote,
    flushNudge,
    renderNow,
    markDropTarget,
    clampCoord,
    dropNote,
    positionSelectionBar,
    dropTarget,
    startNewNote,
    startEdit,
    openFrameDialog,
    nudge,
    deleteNote,
    revealNote,
    vote,
  } = late(page);

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
}
