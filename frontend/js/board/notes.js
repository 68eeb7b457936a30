// What a person does to notes on the canvas: select, create (a draft until its
// first words), recolour, nudge with the arrow keys, delete, and edit the text
// in place. Every rule is asked of the page (`refused`, the step's rules in
// core/state.js) before a command is sent.

import { openNoteEditor } from './editor.js';
import { currentStep } from '../core/state.js';
import { newNoteId } from '../core/sync.js';
import { late } from '../core/page.js';

export function mountNotes(page) {
  const { ui, dom, renderer } = page;
  const {
    currentView,
    canEdit,
    refused,
    clampCoord,
    renderNow,
    scheduleRender,
    send,
    revealNote,
    zoomToNote,
    showNotes,
    multiNudge,
    deleteSelection,
  } = late(page);

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
    // Delete on a note of a multi-selection deletes them all (multiselect.js).
    if (ui.selection.includes(id) && deleteSelection()) return;
    const note = noteInView(id);
    if (!note || (ui.draft?.note_id !== id && refused('delete', note))) return;
    if (ui.draft?.note_id === id) {
      ui.draft = null;
    } else {
      // "Deleted — Undo" for a few seconds (board/undo-ui.js).
      page.undo.deleted(send({ type: 'note.delete', note_id: id }), 'note');
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
    if (multiNudge(id, dx, dy)) return;
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
    if (!ui.conn) return;
    const before = page.sentView(); // the note where it was before the keys moved it
    ui.conn.send(pending.command, { coalesce: true });
    page.undo.record(pending.command, before);
    scheduleRender();
  }

  function startEdit(id, isDraft = false) {
    if (!canEdit()) return;
    if (!isDraft && refused('edit', noteInView(id))) return;
    if (ui.editing) {
      if (ui.editing.id === id) return;
      finishEdit(true);
    }
    const note = noteInView(id);
    const el = renderer.showNote(id);
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

  function focusNote(id) {
    const el = renderer.showNote(id);
    select(id);
    if (el) el.focus({ preventScroll: true });
  }

  /** Bring one note into view: in the column, or on the canvas with the focus on it. */
  function bringNote(id) {
    if (ui.listMode) return page.phone.reveal(id);
    showNotes([id]);
    focusNote(id);
  }

  return { noteInView, startNewNote, select, deleteNote, recolor, nudge, flushNudge, startEdit, finishEdit, focusNote, bringNote };
}
