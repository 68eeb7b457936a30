// Undo and redo on the board page: the Undo and Redo buttons, Ctrl/Cmd+Z,
// Ctrl/Cmd+Shift+Z and Ctrl+Y, "Deleted — Undo" for a few seconds after a
// deletion, and what an undo the server refused says. The stacks and the
// inverse commands live in undo.js; the server decides every undo
// (backend/samskapa/domain/undo.py).

import { errorText, toast } from '../core/dialogs.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { UndoHistory } from './undo.js';

/** How long "Deleted — Undo" stays. */
export const UNDO_TOAST_MS = 8000;

/** True when the key goes to a text field, whose own undo it is. */
function typing(target) {
  const el = target instanceof Element ? target : null;
  return Boolean(el?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

/**
 * The key's meaning: 'undo', 'redo' or null. Ctrl on Windows and Linux, Cmd on
 * a Mac; Ctrl+Y is redo where people expect it.
 */
export function undoKey(e) {
  if (e.altKey) return null;
  const key = e.key?.toLowerCase();
  if ((e.ctrlKey || e.metaKey) && key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (e.ctrlKey && !e.metaKey && !e.shiftKey && key === 'y') return 'redo';
  return null;
}

/**
 * Mounted on the board page (app.js): the buttons go into its edit tools
 * (shown to those who may change notes); undo and redo commands go straight to
 * the connection (`ui.conn.send`), not through the page's `send`, which records
 * each own change here (`record`). Returns {history, record(command,
 * viewBefore), deleted(step, what), rejected(opId, code, message), render(),
 * undo(), redo()}. Another feature that changes several notes at once makes
 * one step of them with `history.group(fn)` or `history.push(entryFor(…))`
 * (board/undo.js).
 */
export function mountUndo(page) {
  const { ui, dom } = page;
  const undoButton = toolButton('undo', '↶', 'Control+Z Meta+Z');
  const redoButton = toolButton('redo', '↷', 'Control+Shift+Z Meta+Shift+Z Control+Y');
  dom.editTools.append(h('span', { class: 'undo-tools' }, undoButton, redoButton));
  const canEdit = () => Boolean(ui.conn) && page.canEdit();

  const history = new UndoHistory({ send: (command) => ui.conn?.send(command) ?? null, onChange: render });
  let notice = null; // the "Deleted — Undo" toast on screen

  function render() {
    undoButton.disabled = !history.canUndo;
    redoButton.disabled = !history.canRedo;
    undoButton.title = `${t('undo.undo')} (${t('undo.undo.keys')})`;
    redoButton.title = `${t('undo.redo')} (${t('undo.redo.keys')})`;
    for (const [button, key] of [
      [undoButton, 'undo.undo'],
      [redoButton, 'undo.redo'],
    ]) {
      button.querySelector('.undo-label').textContent = t(key);
    }
  }

  function undo() {
    if (!canEdit()) return false;
    dismiss();
    return history.undo();
  }

  function redo() {
    if (!canEdit()) return false;
    dismiss();
    return history.redo();
  }

  undoButton.addEventListener('click', undo);
  redoButton.addEventListener('click', redo);
  document.addEventListener('keydown', (e) => {
    const which = undoKey(e);
    if (!which || typing(e.target) || e.target?.closest?.('dialog')) return;
    e.preventDefault();
    if (which === 'undo') undo();
    else redo();
  });

  function dismiss() {
    notice?.remove();
    notice = null;
  }

  /** "Deleted — Undo" for `step` (a deletion just sent); `what`: 'note', 'notes' or 'frame'. */
  function deleted(step, what = 'note') {
    if (!step) return;
    dismiss();
    const item = h(
      'div',
      { class: 'toast undo-toast', role: 'status', 'data-testid': 'undo-toast' },
      h('span', { text: t({ frame: 'undo.deleted.frame', notes: 'undo.deleted.notes' }[what] ?? 'undo.deleted') }),
      h('button', {
        type: 'button',
        class: 'btn btn-small undo-toast-action',
        'data-testid': 'undo-toast-undo',
        text: t('undo.undo'),
        on: {
          click: () => {
            dismiss();
            history.undo(step);
          },
        },
      }),
      h('button', {
        type: 'button',
        class: 'toast-close',
        'aria-label': t('dismiss'),
        text: '×',
        on: { click: dismiss },
      }),
    );
    notice = item;
    document.getElementById('toasts').append(item);
    setTimeout(() => {
      if (notice === item) dismiss();
    }, UNDO_TOAST_MS);
  }

  /** A refused op: true (and said why) when it was an undo or redo. */
  function rejected(opId, code, message) {
    if (!history.rejected(opId)) return false;
    toast(code === 'undo_conflict' ? t('undo.conflict') : errorText(code, message));
    return true;
  }

  render();
  return {
    history,
    record: (command, viewBefore) => history.record(command, viewBefore),
    deleted,
    rejected,
    render,
    undo,
    redo,
  };
}

function toolButton(which, icon, keys) {
  return h(
    'button',
    {
      type: 'button',
      class: `btn undo-button undo-${which}`,
      id: `${which}-button`,
      'data-testid': which,
      'aria-keyshortcuts': keys,
      disabled: true,
    },
    h('span', { class: 'tool-icon', 'aria-hidden': 'true', text: icon }),
    h('span', { class: 'undo-label' }),
  );
}
