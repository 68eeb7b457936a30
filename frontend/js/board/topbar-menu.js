// The top bar's menu (docs/phone.md, "The top bar"). Up to a laptop's width
// (82rem) Replay, Share, Other device and the language wait behind ☰, with
// their names, instead of standing in the bar as bare icons; a phone's bar keeps
// one row for the title, the connection and who is online, so Facilitate and
// the person's role go behind ☰ too. Wider, board/small-screens.css lets the
// menu's contents stand in the bar and hides ☰: the same buttons (and their
// handlers) serve every width.
//
// A disclosure, not an ARIA menu: the items are ordinary buttons and links,
// reached by Tab; Escape or a press outside folds it, and choosing an item
// folds it too, so a dialog or panel it opens is not hidden under it.

import { t } from '../core/i18n.js';

export function mountTopbarMenu(page) {
  const { $ } = page;
  const bar = document.querySelector('.topbar');
  const more = $('topbar-more');
  const menu = $('topbar-menu');
  const role = $('topbar-menu-role');

  const isOpen = () => more.getAttribute('aria-expanded') === 'true';

  // Facilitate stands in the bar, before ☰, except on a phone: there it heads the menu.
  const facToggle = $('fac-toggle');
  const phone = window.matchMedia('(max-width: 40rem)');
  function placeFacilitate() {
    if (phone.matches) role.after(facToggle);
    else more.before(facToggle);
  }
  placeFacilitate();
  phone.addEventListener('change', placeFacilitate);

  function setOpen(open, { focus = false } = {}) {
    more.setAttribute('aria-expanded', String(open));
    bar.classList.toggle('menu-open', open);
    if (open && focus) {
      const first = [...menu.querySelectorAll('button, a')].find((el) => el.offsetParent !== null);
      first?.focus();
    }
  }

  more.addEventListener('click', () => setOpen(!isOpen(), { focus: !isOpen() }));

  menu.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !isOpen()) return;
    event.stopPropagation();
    setOpen(false);
    more.focus();
  });

  // After an item's own handler: fold, and give the focus back to ☰ unless the
  // item sent it somewhere (the facilitator's panel, a dialog).
  let opened = null; // { item, dialog } while a dialog opened from the menu is open
  menu.addEventListener('click', (event) => {
    const item = event.target.closest('button, a');
    if (!isOpen() || !item) return;
    setOpen(false);
    if (menu.contains(document.activeElement)) more.focus();
    const dialog = document.activeElement?.closest('dialog[open]');
    if (dialog) opened = { item, dialog };
  });

  // A closing dialog gives the focus back to the item that opened it, which is
  // folded away by then on a small screen: ☰ takes it instead of the page.
  // (The browser has already tried the item when 'close' comes.)
  document.addEventListener(
    'close',
    (event) => {
      if (!opened || event.target !== opened.dialog) return;
      const { item } = opened;
      opened = null;
      focusInBar(item);
    },
    true,
  );

  document.addEventListener('pointerdown', (event) => {
    if (isOpen() && !menu.contains(event.target) && !more.contains(event.target)) setOpen(false);
  });

  /** The person's role, said in the menu (the bar's badge is hidden on a phone). */
  function renderMenuRole(roleName) {
    role.hidden = !roleName;
    role.textContent = roleName ? t('topbar.role', { role: t(`role.${roleName}`) }) : '';
  }

  /** Focus a control of the bar, or ☰ when the control waits folded in the menu. */
  function focusInBar(control) {
    (control.getClientRects().length ? control : more).focus();
  }

  return { renderMenuRole, focusInBar };
}
