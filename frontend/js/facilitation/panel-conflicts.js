// The panel's goal-conflict register (links of kind "conflicts": status and
// resolution) and the CSV exports.

import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { CONFLICT_STATUSES, RESOLUTION_MAX } from '../core/state.js';
import { button, clip, keepFocus, noteText, options } from './panel-parts.js';
import { EXPORTS, linkRegister } from './rules.js';

/** Methods of FacilitatorPanel (panel.js mixes them in). */
export class ConflictSections {
  // -- 7. goal-conflict register ---------------------------------------------------------------

  _buildConflicts() {
    this.conflictCounts = h('p', { class: 'fac-big-line', 'data-testid': 'fac-conflict-counts', 'aria-live': 'polite' });
    this.conflictBody = h('tbody', {});
    this.conflictTable = h(
      'table',
      { class: 'fac-conflicts-table', 'data-testid': 'fac-conflicts' },
      h('caption', { class: 'visually-hidden', 'data-i18n': 'fac.conflicts.caption', text: t('fac.conflicts.caption') }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', 'data-i18n': 'fac.conflicts.col.notes', text: t('fac.conflicts.col.notes') }),
          h('th', { scope: 'col', 'data-i18n': 'fac.conflicts.col.handling', text: t('fac.conflicts.col.handling') }),
        ),
      ),
      this.conflictBody,
    );
    this.conflictEmpty = h('p', { class: 'muted', 'data-i18n': 'fac.conflicts.empty', text: t('fac.conflicts.empty') });
    this.otherLinks = h('ul', { class: 'fac-links', 'data-testid': 'fac-other-links' });
    this.otherSummary = h('summary', {});
    this.otherDetails = h('details', { class: 'fac-other', 'data-testid': 'fac-other' }, this.otherSummary, this.otherLinks);
    this.conflictRows = new Map();
    return this._section('conflicts', 'fac.conflicts', this.conflictCounts, this.conflictTable, this.conflictEmpty, this.otherDetails);
  }

  // -- 8. export --------------------------------------------------------------------------

  _buildExport() {
    const buttons = EXPORTS.map((kind) =>
      button(`fac.export.${kind}`, `fac-export-${kind}`, () => this.actions.exportCsv(kind)),
    );
    const hint = h('p', { class: 'muted fac-hint', 'data-i18n': 'fac.export.hint', text: t('fac.export.hint') });
    return this._section('export', 'fac.export', hint, h('div', { class: 'fac-row' }, ...buttons));
  }

  _conflictRow(id) {
    const select = h('select', { 'data-testid': 'fac-conflict-status', 'data-id': id });
    const input = h('textarea', {
      rows: '2',
      class: 'fac-resolution',
      'data-testid': 'fac-conflict-resolution',
      'data-id': id,
      maxlength: String(RESOLUTION_MAX),
      autocomplete: 'off',
    });
    const from = h('span', { class: 'fac-conflict-note' });
    const to = h('span', { class: 'fac-conflict-note' });
    const go = h('button', { type: 'button', class: 'btn btn-small btn-ghost fac-go', 'data-testid': 'fac-conflict-go', 'data-id': id });
    const row = { id, select, input, from, to, go, link: null };
    select.addEventListener('change', () => {
      if (row.link && select.value !== row.link.status) {
        this._send('conflicts', { type: 'link.update', link_id: id, status: select.value });
      }
    });
    const saveResolution = () => {
      const text = input.value.trim();
      if (row.link && text !== (row.link.resolution ?? '')) {
        this._send('conflicts', { type: 'link.update', link_id: id, resolution: text });
      }
    };
    input.addEventListener('blur', saveResolution);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        saveResolution();
      } else if (e.key === 'Escape' && row.link) {
        e.stopPropagation();
        input.value = row.link.resolution ?? '';
      }
    });
    go.addEventListener('click', () => row.link && this.actions.showNotes([row.link.from_id, row.link.to_id]));
    row.el = h(
      'tr',
      { 'data-testid': 'fac-conflict', 'data-id': id },
      h(
        'td',
        { class: 'fac-conflict-pair' },
        from,
        h('span', { class: 'fac-versus', 'aria-hidden': 'true', text: '⟷' }),
        to,
        go,
      ),
      h('td', { class: 'fac-conflict-handling' }, select, input),
    );
    return row;
  }

  _renderConflicts(view) {
    const { conflicts, others, counts } = linkRegister(view.links, view.notes);
    const total = conflicts.length;
    setText(
      this.conflictCounts,
      total ? t('fac.conflicts.counts', { total, ...counts }) : t('fac.conflicts.counts.none'),
    );
    this.conflictCounts.dataset.total = String(total);
    this.conflictTable.hidden = total === 0;
    this.conflictEmpty.hidden = total > 0;
    const lang = getLang();
    const seen = new Set();
    conflicts.forEach((r, i) => {
      const { link } = r;
      seen.add(link.id);
      let row = this.conflictRows.get(link.id);
      if (!row) {
        row = this._conflictRow(link.id);
        this.conflictRows.set(link.id, row);
      }
      row.link = link;
      if (this.conflictBody.children[i] !== row.el) this.conflictBody.insertBefore(row.el, this.conflictBody.children[i] ?? null);
      const a = noteText(r.from);
      const b = noteText(r.to);
      setText(row.from, a);
      setText(row.to, b);
      row.from.title = a;
      row.to.title = b;
      if (row.lang !== lang) {
        row.lang = lang;
        options(row.select, CONFLICT_STATUSES.map((s) => [s, t(`fac.conflicts.status.${s}`)]));
        setText(row.go, t('fac.conflicts.go'));
        row.input.placeholder = t('fac.conflicts.resolution.placeholder');
      }
      const name = t('fac.conflicts.row', { n: i + 1, a: clip(a), b: clip(b) });
      row.select.setAttribute('aria-label', t('fac.conflicts.status.aria', { conflict: name }));
      row.input.setAttribute('aria-label', t('fac.conflicts.resolution.aria', { conflict: name }));
      row.go.setAttribute('aria-label', t('fac.conflicts.go.aria', { conflict: name }));
      const status = CONFLICT_STATUSES.includes(link.status) ? link.status : 'open';
      if (row.select.value !== status) row.select.value = status;
      row.el.dataset.status = status;
      if (document.activeElement !== row.input && row.input.value !== (link.resolution ?? '')) {
        row.input.value = link.resolution ?? '';
      }
    });
    for (const [id, row] of this.conflictRows) {
      if (!seen.has(id)) {
        row.el.remove();
        this.conflictRows.delete(id);
      }
    }

    this.otherDetails.hidden = others.length === 0;
    setText(this.otherSummary, t('fac.links.other', { n: others.length }));
    const key = JSON.stringify([lang, others.map((r) => [r.link, r.from?.text, r.to?.text])]);
    if (this.drawn.others !== key) {
      this.drawn.others = key;
      keepFocus(this.otherLinks, () =>
        this.otherLinks.replaceChildren(
          ...others.map((r) => {
            const a = noteText(r.from);
            const b = noteText(r.to);
            const text = t(`fac.links.${r.link.kind}`, { a: clip(a), b: clip(b) });
            return h(
              'li',
              { 'data-testid': 'fac-link', 'data-id': r.link.id, 'data-kind': r.link.kind },
              h('span', { class: 'fac-link-text', text }),
              h('button', {
                type: 'button',
                class: 'btn btn-small btn-ghost fac-go',
                'data-testid': 'fac-link-go',
                'data-id': r.link.id,
                'aria-label': t('fac.conflicts.go.aria', { conflict: text }),
                text: t('fac.conflicts.go'),
                on: { click: () => this.actions.showNotes([r.link.from_id, r.link.to_id]) },
              }),
            );
          }),
        ),
      );
    }
  }
}
