// The canvas's pointer, wheel and keyboard input (gestures.js) wired to what
// the page does with it: select, drag and drop (maybe onto a group), edit,
// nudge, vote, pan and zoom.

import { installGestures } from './gestures.js';
import { installNoteTabbing } from './note-tabbing.js';
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
    toggleNote,
    showMarquee,
    selectRect,
    clearSelection,
    dragStart,
    dragMove,
    dragEnd,
    frameDragStart,
    frameDragMove,
    frameDragEnd,
  } = late(page);

  installNoteTabbing($('notes-layer'), {
    order: () => (ui.conn ? Object.keys(currentView().notes) : []),
    showNote: (id) => renderer.showNote(id),
  });

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
      select(id) {
        // A click on the empty board (or Escape) lets the whole selection go.
        if (id === null) clearSelection();
        select(id);
      },
      focusNote(id) {
        if (ui.pick) return completePick(id);
        // A plain click picks this one note; Shift-click adds (toggleNote).
        if (!ui.selection.includes(id)) clearSelection();
        focusNote(id);
      },
      beginDrag(id) {
        if (ui.nudge?.command.note_id === id) flushNudge();
        // A note of a multi-selection takes the others along (multiselect.js).
        if (!dragStart(id)) clearSelection();
        ui.draggingId = id;
        select(id);
        renderNow();
      },
      endDrag(id, to) {
        ui.draggingId = null;
        markDropTarget(null);
        if (dragEnd(to && { x: clampCoord(to.x), y: clampCoord(to.y) })) {
          renderNow();
          return;
        }
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
        const at = el && { x: parseFloat(el.style.left), y: parseFloat(el.style.top) };
        // Several notes move together; only a single note is dropped onto a group.
        if (dragMove(at)) return;
        markDropTarget(note ? dropTarget(note, at.x, at.y) : null);
      },
      createNoteAt: startNewNote,
      startEdit: (id) => (ui.pick ? completePick(id) : startEdit(id)),
      openFrameDialog,
      nudge,
      deleteNote,
      revealNote,
      vote,
      toggleNote,
      selectTool: () => ui.selectTool,
      showMarquee,
      selectRect,
      frameDragStart,
      frameDragMove,
      frameDragEnd,
    },
  );
}
