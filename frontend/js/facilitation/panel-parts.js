// Small pieces the facilitator panel's sections are built from: labels,
// buttons, fields, error lines, a note's words, and keeping the focus on a
// control while a list is drawn again.

import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';

// ---- small DOM helpers ----------------------------------------------------------------

export const label = (key, attrs = {}) => h('span', { 'data-i18n': key, text: t(key), ...attrs });

export const button = (key, testid, onClick, cls = 'btn btn-small') =>
  h('button', { type: 'button', class: cls, 'data-testid': testid, 'data-i18n': key, text: t(key), on: { click: onClick } });

export const fieldFor = (key, control, hint = null) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: control.id, 'data-i18n': key, text: t(key) }),
    control,
    hint ? h('p', { class: 'muted fac-hint', 'data-i18n': hint, text: t(hint) }) : null,
  );

export const options = (select, items) => {
  const value = select.value;
  select.replaceChildren(...items.map(([v, text]) => h('option', { value: v, text })));
  if (items.some(([v]) => v === value)) select.value = value;
};

export const errorLine = (testid) => h('p', { class: 'form-error fac-error', 'data-testid': testid, role: 'alert', hidden: true });

/** A note's text for a list: its words, or a placeholder when it is empty or gone. */
export const noteText = (note) => (note ? note.text.trim() || t('note.empty') : t('fac.links.note_gone'));

export const minutesText = (m) => (m ? t('fac.step.minutes', { n: m }) : t('fac.step.no_minutes'));


export const clip = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Run `redraw` (which replaces children of `root`) and give the focus back to the same control. */
export function keepFocus(root, redraw) {
  const active = document.activeElement;
  const had = root.contains(active) ? { testid: active.dataset.testid, id: active.dataset.id } : null;
  redraw();
  if (!had?.testid) return;
  const selector = had.id ? `[data-testid="${had.testid}"][data-id="${had.id}"]` : `[data-testid="${had.testid}"]`;
  root.querySelector(selector)?.focus({ preventScroll: true });
}
