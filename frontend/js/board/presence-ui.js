// Who is online, on the page: the top bar's one-line summary (total and a chip
// per actor sector) and the dialog with everyone, searchable and in name or
// sector order. The counting and searching are in presence.js.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { filterOnline, sectorCounts, sectorOf } from './presence.js';

const $ = (id) => document.getElementById(id);

/** Below this width (px) a cut board title yields its room to the chips' names. */
const TITLE_MIN_PX = 96;

const PHONE = window.matchMedia('(max-width: 40rem)');

const countText = (n) => (n === 1 ? t('board.online.count.one') : t('board.online.count', { n }));

export class PresenceView {
  constructor() {
    this.toggle = $('online-toggle');
    this.total = $('online-total');
    this.totalNumber = $('online-total-n');
    this.sectors = $('online-sectors');
    this.dialog = $('online-dialog');
    this.summary = $('online-summary');
    this.search = $('online-search');
    this.sort = $('online-sort');
    this.found = $('online-found');
    this.list = $('online-list');
    this.online = [];
    this.toggle.addEventListener('click', () => this.open());
    $('online-close').addEventListener('click', () => this.dialog.close());
    this.search.addEventListener('input', () => this._renderList());
    this.sort.addEventListener('change', () => this._renderList());
    // Escape closes a modal dialog by itself; focus goes back to what opened it.
    this.dialog.addEventListener('close', () => this.toggle.focus());
    this.title = document.querySelector('.board-title');
    // A narrower or wider window: the chips may need their compact form, or have room again.
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.fit()).observe(this.toggle.closest('.topbar'));
  }

  open() {
    if (this.dialog.open) return;
    this.dialog.showModal();
    this.search.focus();
  }

  /** `online`: the members as the server announces them ({id, name, sector, role}). */
  render(online) {
    this.online = online;
    this.relabel();
  }

  relabel() {
    const counts = sectorCounts(this.online);
    const chips = counts.sectors.map(({ sector, n }) =>
      h(
        'span',
        // The full name on hover: the compact form shows only the colour and the count.
        { class: 'online-chip', 'data-sector': sector, title: `${t(`sector.${sector}`)}: ${n}` },
        h('span', { class: `sector-dot sector-${sector}`, 'aria-hidden': 'true' }),
        h('span', { class: 'online-chip-label', text: t(`sector.${sector}.short`) }),
        ' ',
        h('span', { class: 'online-chip-count', text: String(n) }),
      ),
    );
    setText(this.total, countText(counts.total));
    setText(this.totalNumber, String(counts.total)); // a phone's top bar has room for the number only
    this.sectors.replaceChildren(...chips);
    this.summary.replaceChildren(...chips.map((chip) => chip.cloneNode(true)));
    this._renderList();
    this.fit();
  }

  /**
   * The chips in one line of the top bar, whole: with their sectors' names
   * where there is room, else compact (colour and count; the names stay in
   * the button's accessible name and in each chip's tooltip), and faded at
   * the edge only if even that does not fit. Compact too when the board's
   * title would be squeezed to a few letters (a long language, a narrow window).
   */
  fit() {
    const { toggle, sectors, title } = this;
    const overflows = () => sectors.scrollWidth > sectors.clientWidth;
    const squeezed = () => title && title.clientWidth < TITLE_MIN_PX && title.scrollWidth > title.clientWidth;
    // A phone's top bar has room for the numbers only (css/board/presence.css).
    const narrow = PHONE.matches;
    toggle.classList.toggle('narrow', narrow);
    toggle.classList.remove('compact', 'cut');
    if (narrow || overflows() || squeezed()) toggle.classList.add('compact');
    toggle.classList.toggle('cut', overflows());
  }

  _renderList() {
    const by = this.sort.value;
    const shown = filterOnline(this.online, this.search.value, { label: t, by });
    setText(
      this.found,
      shown.length === this.online.length ? '' : t('online.found', { n: shown.length, total: this.online.length }),
    );
    const items = [];
    let group = null;
    for (const m of shown) {
      const sector = sectorOf(m);
      if (by === 'sector' && sector !== group) {
        group = sector;
        items.push(h('li', { class: 'online-group', role: 'presentation', text: t(`sector.${sector}`) }));
      }
      items.push(
        h(
          'li',
          { class: `online-member role-${m.role}`, 'data-member-id': m.id },
          h('span', { class: `sector-dot sector-${sector}`, 'aria-hidden': 'true' }),
          h('span', { class: 'online-name', text: m.name }),
          h('span', { class: `sector-badge sector-${sector}`, text: t(`sector.${sector}.short`) }),
          h('span', { class: 'online-role', text: t(`online.role.${m.role}`) }),
        ),
      );
    }
    if (!shown.length && this.online.length) items.push(h('li', { class: 'online-none', text: t('online.none') }));
    this.list.replaceChildren(...items);
  }
}
