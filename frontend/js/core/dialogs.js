// Small pieces of page chrome: toasts, the blocking message, the frame form.

import { byTestId, h } from './dom.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

/** A short message in the corner that goes away by itself. */
export function toast(message) {
  const item = h('div', { class: 'toast', role: 'status' }, h('span', { text: message }));
  item.append(
    h('button', {
      type: 'button',
      class: 'toast-close',
      'aria-label': t('dismiss'),
      text: '×',
      on: { click: () => item.remove() },
    }),
  );
  $('toasts').append(item);
  setTimeout(() => item.remove(), 6000);
}

/** A message over the whole page: the board cannot be used (not found, no link…). */
export function block(message, { reload = false } = {}) {
  $('blocker-text').textContent = message;
  $('blocker-reload').hidden = !reload;
  $('blocker').hidden = false;
}

/** The text for an error `code` (docs/protocol.md §2.5), or `fallback`. */
export function errorText(code, fallback) {
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? fallback || t('error.generic') : text;
}

/**
 * Ask for a frame's title and prompt (empty for a new frame). Resolves to
 * `{title, prompt}` (trimmed), or null when cancelled.
 */
export function askFrame(frame = null) {
  const dialog = byTestId('frame-dialog');
  const form = $('frame-form');
  const cancel = $('frame-cancel');
  const title = byTestId('frame-title-input');
  const prompt = byTestId('frame-prompt-input');
  $('frame-dialog-heading').textContent = t(frame ? 'frame.edit.heading' : 'frame.new.heading');
  title.value = frame?.title ?? '';
  prompt.value = frame?.prompt ?? '';
  return new Promise((resolve) => {
    let answer = null;
    const onSubmit = (e) => {
      e.preventDefault();
      answer = { title: title.value.trim(), prompt: prompt.value.trim() };
      dialog.close();
    };
    const onCancel = () => dialog.close();
    const onClose = () => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      resolve(answer);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    title.focus();
  });
}

$('blocker-reload')?.addEventListener('click', () => location.reload());
