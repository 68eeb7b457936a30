// Tab and Shift+Tab from note to note in board order, also to notes that are
// not in the DOM because they are far from the screen (render.js culls them):
// the browser's own tab order only knows the elements that exist. The next
// note is put into the DOM (showNote) and focused; focusing a note brings it
// into view (gestures.js).

const NOTE = '[data-testid="note"]';

/** The controls inside a note that Tab reaches (vote buttons), in order. */
function controls(noteEl) {
  return [...noteEl.querySelectorAll('button, input, textarea')].filter(
    (c) => !c.disabled && c.getClientRects().length > 0,
  );
}

/**
 * `board`: order() (note ids in board order), showNote(id) (its element, put
 * into the DOM if it was not).
 */
export function installNoteTabbing(notesLayer, board) {
  notesLayer.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    const noteEl = e.target.closest?.(NOTE);
    if (!noteEl || e.target.closest('.note-editor')) return;
    const inside = controls(noteEl);
    // Within a note the browser's order is right: the note, then its controls.
    if (e.shiftKey ? e.target !== noteEl : inside.length && e.target !== inside.at(-1)) return;
    const ids = board.order();
    const i = ids.indexOf(noteEl.dataset.id);
    const next = i < 0 ? undefined : ids[i + (e.shiftKey ? -1 : 1)];
    if (next === undefined) return; // the first or last note: leave the notes as usual
    const el = board.showNote(next);
    if (!el) return;
    e.preventDefault();
    el.focus({ preventScroll: true });
  });
}
