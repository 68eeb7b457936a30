// Who is online, on the page: the top bar's one-line summary (total and a chip
// per actor sector) and the dialog with everyone, searchable and in name or
// sector order. The counting and searching are in presence.js.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { filterOnline, sectorCounts, sectorOf } from './presence.js';

const $ = (id) => document.getElementById(id);

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
        { class: 'online-chip', 'data-sector': sector },
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
