// On a phone the canvas board's banners (mission, idea collection, step, dot
// vote) fold to one line each, so that the board under them stays free to see
// and touch (docs/phone.md); one button opens their details and folds them
// again. The state is two classes on the body (css/phone/banners.css): `banner-toggle` (the
// page has the button) and `banners-open`.

import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';

/** Put the button first in `boardTop`; returns `{relabel}` (the language changed). */
export function mountBannerToggle(boardTop, body = document.body) {
  const button = h('button', {
    type: 'button',
    class: 'btn banner-details',
    'data-testid': 'banner-details',
    'aria-expanded': 'false',
    'aria-controls': 'board-top vote-banner',
  });
  const icon = h('span', { 'aria-hidden': 'true' });
  button.append(icon);
  function relabel() {
    const open = body.classList.contains('banners-open');
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    icon.textContent = open ? '▴' : '▾';
    button.setAttribute('aria-label', t(open ? 'banners.less' : 'banners.more'));
    button.title = t(open ? 'banners.less' : 'banners.more');
  }
  button.addEventListener('click', () => {
    body.classList.toggle('banners-open');
    relabel();
  });
  body.classList.add('banner-toggle');
  boardTop.prepend(button);
  relabel();
  return { relabel };
}
