// Undo and redo on the board page: the Undo and Redo buttons, Ctrl/Cmd+Z,
// Ctrl/Cmd+Shift+Z and Ctrl+Y, "Deleted — Undo" for a few seconds after a
// deletion, and what an undo the server refused says. Where the toolbar has
// no room for Redo (a phone), an undo offers "Undone — Redo" for a few
// seconds, and a long press on Undo offers it again. The stacks and the
// inverse commands live in undo.js; the server decides every undo
// (backend/samskapa/domain/undo.py).

import { errorText, toast } from '../core/dialogs.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { UndoHistory } from './undo.js';

/** How long "Deleted — Undo" stays. */
export const UNDO_TOAST_MS = 8000;
/** How long a finger rests on Undo to be offered Redo instead. */
export const LONG_PRESS_MS = 550;

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
  let notice = null; // the "Deleted — Undo" or "Undone — Redo" toast on screen

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
    const done = history.undo();
    if (done && !shown(redoButton)) offerRedo();
    return done;
  }

  function redo() {
    if (!canEdit()) return false;
    dismiss();
    return history.redo();
  }

  // A long press on Undo (a finger, where Redo has no room) offers Redo.
  const pressed = { timer: null, long: false };
  undoButton.addEventListener('click', (e) => {
    // The click that ends a long press does not undo as well.
    if (pressed.long) {
      e.preventDefault();
      pressed.long = false;
      return;
    }
    undo();
  });
  redoButton.addEventListener('click', redo);
  document.addEventListener('keydown', (e) => {
    const which = undoKey(e);
    if (!which || typing(e.target) || e.target?.closest?.('dialog')) return;
    e.preventDefault();
    if (which === 'undo') undo();
    else redo();
  });

  const release = () => {
    clearTimeout(pressed.timer);
    pressed.timer = null;
  };
  undoButton.addEventListener('pointerdown', (e) => {
    pressed.long = false;
    if (e.pointerType === 'mouse' || !history.canRedo) return;
    pressed.timer = setTimeout(() => {
      pressed.long = true;
      offerRedo();
    }, LONG_PRESS_MS);
  });
  for (const type of ['pointerup', 'pointercancel', 'pointerleave']) undoButton.addEventListener(type, release);
  // The long press opens no menu of the browser's own over the button.
  undoButton.addEventListener('contextmenu', (e) => {
    if (history.canRedo && !shown(redoButton)) {
      e.preventDefault();
      offerRedo();
    }
  });

  function dismiss() {
    notice?.remove();
    notice = null;
  }

  /** A toast with one action, for a few seconds (or until the next one). */
  function offer(text, testid, actionTestid, actionText, action) {
    dismiss();
    const item = h(
      'div',
      { class: 'toast undo-toast', role: 'status', 'data-testid': testid },
      h('span', { text }),
      h('button', {
        type: 'button',
        class: 'btn btn-small undo-toast-action',
        'data-testid': actionTestid,
        text: actionText,
        on: {
          click: () => {
            dismiss();
            action();
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

  /** "Deleted — Undo" for `step` (a deletion just sent); `what`: 'note', 'notes' or 'frame'. */
  function deleted(step, what = 'note') {
    if (!step) return;
    const text = t({ frame: 'undo.deleted.frame', notes: 'undo.deleted.notes' }[what] ?? 'undo.deleted');
    offer(text, 'undo-toast', 'undo-toast-undo', t('undo.undo'), () => {
      if (history.undo(step) && !shown(redoButton)) offerRedo();
    });
  }

  /** "Undone — Redo": Redo where the toolbar has no room for its button. */
  function offerRedo() {
    if (history.canRedo) offer(t('undo.undone'), 'redo-toast', 'redo-toast-redo', t('undo.redo'), redo);
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

/** Is `el` on screen (not hidden by the narrow-screen rules)? */
function shown(el) {
  return el.getClientRects().length > 0;
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
