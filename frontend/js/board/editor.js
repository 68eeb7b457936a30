// Editing a note's text in place: a textarea laid over the note, with a
// character counter. Enter saves, Shift+Enter adds a line, Escape cancels,
// leaving the field saves.

import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { NOTE_TEXT_MAX } from '../core/state.js';

/**
 * Put an editor holding `text` into `noteEl` and focus it. `onDone(save,
 * text, {refocus})` is called exactly once: refocus is true when the
 * keyboard ended the edit (the note should get the focus back). Returns
 * `{finish(save)}` to end it from outside (e.g. the note was deleted).
 */
export function openNoteEditor(noteEl, text, onDone) {
  const textarea = h('textarea', {
    class: 'note-editor',
    'data-testid': 'note-editor',
    maxlength: String(NOTE_TEXT_MAX),
    rows: '4',
    'aria-label': t('note.editor.aria'),
    spellcheck: 'true',
  });
  textarea.value = text;
  const counter = h('span', { class: 'note-counter', 'aria-hidden': 'true' });
  const updateCounter = () => {
    counter.textContent = `${textarea.value.length}/${NOTE_TEXT_MAX}`;
    counter.classList.toggle('near-limit', textarea.value.length > NOTE_TEXT_MAX - 50);
  };

  let done = false;
  const finish = (save, refocus = false) => {
    if (done) return;
    done = true;
    const value = textarea.value.slice(0, NOTE_TEXT_MAX);
    // Removing a focused textarea fires blur; `done` makes that a no-op.
    textarea.remove();
    counter.remove();
    onDone(save, value, { refocus });
  };

  updateCounter();
  textarea.addEventListener('input', updateCounter);
  textarea.addEventListener('keydown', (e) => {
    e.stopPropagation(); // arrows and Delete edit text here, they do not move the note
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      finish(true, true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      finish(false, true);
    }
  });
  textarea.addEventListener('blur', () => finish(true));
  // Pointer gestures inside the editor select text; they are not drags.
  textarea.addEventListener('pointerdown', (e) => e.stopPropagation());
  textarea.addEventListener('dblclick', (e) => e.stopPropagation());
  noteEl.append(textarea, counter);
  textarea.focus({ preventScroll: true });
  textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  return { finish };
}
