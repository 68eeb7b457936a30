// A board's three access links as a list with copy buttons: on the start page
// after creating or importing a board, and after starting one from a replay.

import { copyText, h } from '../core/dom.js';
import { t } from '../core/i18n.js';

const ROLES = ['facilitator', 'participant', 'observer'];

/** One `<li>` per role: its name, what it is for, the link and a copy button. */
export function linkItems(links) {
  return ROLES.map((role) => {
    const url = links[role];
    const status = h('span', { class: 'copy-status', role: 'status' });
    const copy = h('button', {
      type: 'button',
      class: 'btn btn-small',
      'data-testid': `copy-${role}`,
      'aria-label': t('links.copy.aria', { role: t(`links.${role}`) }),
      text: t('links.copy'),
      on: {
        click: async () => {
          const ok = await copyText(url);
          status.textContent = ok ? t('links.copied') : '';
          setTimeout(() => {
            status.textContent = '';
          }, 2000);
        },
      },
    });
    return h(
      'li',
      { class: `link link-${role}` },
      h(
        'div',
        { class: 'link-head' },
        h('strong', { text: t(`links.${role}`) }),
        h('span', { class: 'muted', text: t(`links.${role}.help`) }),
      ),
      h(
        'div',
        { class: 'link-row' },
        h('a', { class: 'link-url', href: url, 'data-testid': `link-${role}`, text: url }),
        copy,
        status,
      ),
    );
  });
}
