// The results of a closed dot-vote round in the panel: the ranking (or one
// column per actor sector, small groups suppressed), the round picker and the
// tools (by sector, on the notes, CSV). DOM only; what to do goes back through
// `actions`. User text only ever through textContent (dom.js).

import { h } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { closedRounds, roundNumber, sectorColumns, splitRanking } from './voting.js';

/** A round's name: its title, or "Round 2". */
export function roundTitle(votes, round) {
  return round.title || t('vote.untitled', { n: roundNumber(votes, round.id) });
}

const votesText = (n) => (n === 1 ? t('vote.results.votes.one') : t('vote.results.votes', { n }));

/**
 * Draw `round`'s results into `container` (replacing what was there).
 * `model`: {view, role, bySector, onNotes}; `actions`: {selectRound,
 * toggleBySector, toggleOnNotes, exportCsv}.
 */
export function drawResults(container, model, round, actions) {
  const { view, role, bySector, onNotes } = model;
  const votes = view.votes;
  const rounds = closedRounds(votes);
  const results = round.results ?? { ranking: [], voters: 0, abstained: 0, by_sector: {} };
  const { rows, zero } = splitRanking(results.ranking);

  const select = h('select', {
    id: 'vote-round-select',
    'data-testid': 'vote-round-select',
    on: { change: (e) => actions.selectRound(e.target.value) },
  });
  for (const r of rounds.slice().reverse()) {
    const at = new Date(r.closed_at).toLocaleTimeString(getLang() === 'sv' ? 'sv-SE' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
    });
    select.append(h('option', { value: r.id, text: `${at} · ${roundTitle(votes, r)}` }));
  }
  select.value = round.id;

  const noteText = (id) => {
    const text = view.notes[id]?.text;
    return text === undefined ? t('vote.note.deleted') : text || t('note.empty');
  };
  const list = (items, testid) =>
    h(
      'ol',
      { class: 'vote-ranking' },
      items.map((r) =>
        h(
          'li',
          {
            class: `vote-row ${r.tie ? 'tie' : ''}`,
            'data-testid': testid,
            'data-note-id': r.note_id,
            'data-rank': String(r.rank),
            'data-votes': String(r.votes),
          },
          h(
            'span',
            { class: 'vote-rank', 'aria-label': t('vote.results.rank.aria', { rank: r.rank }) },
            String(r.rank),
            r.tie ? h('span', { class: 'vote-tie', text: t('vote.results.tie') }) : null,
          ),
          h('span', { class: 'vote-row-text', text: noteText(r.note_id), title: noteText(r.note_id) }),
          h('span', { class: 'vote-row-votes', text: votesText(r.votes) }),
          (() => {
            const fill = h('span', { class: 'vote-bar-fill' });
            fill.style.width = `${Math.round(r.fraction * 100)}%`;
            return h('span', { class: 'vote-bar', 'aria-hidden': 'true' }, fill);
          })(),
        ),
      ),
    );
  const zeroLine = (n) => {
    if (!n) return null;
    return h('p', { class: 'muted vote-zero', text: n === 1 ? t('vote.results.zero.one') : t('vote.results.zero', { n }) });
  };

  const sectorToggle = h('button', {
    type: 'button',
    class: 'btn btn-small',
    'data-testid': 'vote-by-sector-toggle',
    'aria-pressed': bySector ? 'true' : 'false',
    text: t('vote.by_sector'),
    on: { click: () => actions.toggleBySector() },
  });
  const onNotesBox = h('input', {
    type: 'checkbox',
    id: 'vote-on-notes',
    'data-testid': 'vote-on-notes',
    on: { change: (e) => actions.toggleOnNotes(e.target.checked) },
  });
  onNotesBox.checked = onNotes;

  let body;
  let footnote = null;
  if (bySector) {
    const columns = sectorColumns(results);
    if (columns.some((c) => c.suppressed)) {
      const text = `${t('vote.sector.suppressed')}: ${t('vote.sector.suppressed.help')}`;
      footnote = h('p', { class: 'muted vote-footnote', text });
    }
    body = h(
      'div',
      { class: 'vote-sectors', 'data-testid': 'vote-sectors' },
      columns.map((col) =>
        h(
          'section',
          {
            class: `vote-sector ${col.suppressed ? 'suppressed' : ''}`,
            'data-testid': 'vote-sector',
            'data-sector': col.sector,
            'data-suppressed': col.suppressed ? 'true' : 'false',
          },
          h(
            'h4',
            {},
            h('span', { class: `sector-dot sector-${col.sector}`, 'aria-hidden': 'true' }),
            ` ${t(`sector.${col.sector}`)}`,
          ),
          col.suppressed
            ? h('p', { class: 'vote-suppressed', text: t('vote.sector.suppressed') })
            : h('p', { class: 'muted', text: t('vote.sector.voters', { n: col.voters }) }),
          col.suppressed
            ? null
            : col.rows.length
              ? list(col.rows, 'vote-sector-row')
              : h('p', { class: 'muted', text: t('vote.sector.empty') }),
        ),
      ),
    );
  } else {
    body = rows.length ? list(rows, 'vote-result-row') : h('p', { class: 'muted', text: t('vote.results.none') });
  }

  const exportButton =
    role === 'facilitator'
      ? h('button', {
          type: 'button',
          class: 'btn btn-small',
          'data-testid': 'vote-export',
          text: t('vote.export'),
          on: { click: () => actions.exportCsv() },
        })
      : null;

  const parts = [
    h('h3', { text: t('vote.results.heading') }),
    h(
      'div',
      { class: 'field vote-round-field' },
      h('label', { for: 'vote-round-select', text: t('vote.results.round') }),
      select,
    ),
    h('p', {
      class: 'muted vote-summary',
      'data-testid': 'vote-summary',
      text: t('vote.results.summary', { voters: results.voters, abstained: results.abstained }),
    }),
    body,
    bySector ? footnote : zeroLine(zero),
    h(
      'div',
      { class: 'vote-results-tools' },
      sectorToggle,
      h(
        'label',
        { class: 'check', for: 'vote-on-notes' },
        onNotesBox,
        h('span', { text: t('vote.results.on_notes') }),
      ),
      exportButton,
    ),
  ];
  container.replaceChildren(...parts.filter(Boolean));
}
