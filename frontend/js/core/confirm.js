// "Are you sure?" before a change that is hard to take back (deleting a frame
// that holds notes, making anonymity stricter). A modal <dialog>: focus moves
// into it (to Cancel, the safe answer), Tab stays inside, Escape cancels, and
// screen readers hear it as an alert dialog with its question.

import { h } from './dom.js';
import { t } from './i18n.js';

let open = null; // one question at a time

/**
 * Ask `text` under `title`; `confirm` is the label of the button that goes
 * ahead (say what it does: "Delete frame", not "OK"). Resolves true or false.
 */
export function confirmChange({ title, text, confirm, danger = true }) {
  open?.close();
  const heading = h('h2', { id: 'confirm-heading', text: title });
  const body = h('p', { id: 'confirm-text', text });
  const no = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'confirm-cancel', text: t('confirm.cancel') });
  const yes = h('button', {
    type: 'button',
    class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`,
    'data-testid': 'confirm-yes',
    text: confirm,
  });
  const dialog = h(
    'dialog',
    {
      class: 'dialog confirm-dialog',
      role: 'alertdialog',
      'aria-labelledby': 'confirm-heading',
      'aria-describedby': 'confirm-text',
      'data-testid': 'confirm-dialog',
    },
    heading,
    body,
    h('div', { class: 'actions' }, no, yes),
  );
  const back = document.activeElement;
  document.body.append(dialog);
  open = dialog;
  return new Promise((resolve) => {
    let answer = false;
    no.addEventListener('click', () => dialog.close());
    yes.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (open === dialog) open = null;
      back?.focus?.({ preventScroll: true });
      resolve(answer);
    });
    dialog.showModal();
    no.focus();
  });
}
