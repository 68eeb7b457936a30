// The dot-vote panel (facilitator: open, follow, change limits, close,
// export; everyone: results) and the banner over the board while a round is
// open. DOM only; what to show comes from voting.js, what to do goes back to
// app.js through `actions`. User text only ever through textContent (dom.js).

import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { BUDGET_DEFAULT, BUDGET_MAX, CAP_DEFAULT, KINDS, TITLE_MAX } from '../core/state.js';
import {
  canVote,
  checkLimits,
  closedRounds,
  myStatus,
  openRound,
  progress,
  roundNumber,
  sectorColumns,
  splitRanking,
  votesLeft,
} from './voting.js';

/** A round's name: its title, or "Round 2". */
export function roundTitle(votes, round) {
  return round.title || t('vote.untitled', { n: roundNumber(votes, round.id) });
}

const votesText = (n) => (n === 1 ? t('vote.results.votes.one') : t('vote.results.votes', { n }));

function rulesText(view, round) {
  const parts = [t('vote.rules', { budget: round.budget, cap: round.cap })];
  parts.push(t(round.blind ? 'vote.rules.blind' : 'vote.rules.live'));
  parts.push(t(round.anonymous ? 'vote.rules.anonymous' : 'vote.rules.named'));
  const frame = round.frame_id ? view.frames[round.frame_id] : null;
  if (round.frame_id) parts.push(t('vote.scope.frame', { title: frame?.title || t('frame.untitled') }));
  else parts.push(t('vote.rules.scope.board'));
  if (round.kinds) parts.push(round.kinds.map((k) => t(`kind.${k}`)).join(', '));
  return parts.join(' · ');
}

const field = (label, control) =>
  h('div', { class: 'field' }, h('label', { for: control.id, 'data-i18n': label, text: t(label) }), control);

const checkbox = (id, testid, label, checked) => {
  const input = h('input', { type: 'checkbox', id, 'data-testid': testid });
  input.checked = checked;
  return h('label', { class: 'check', for: id }, input, h('span', { 'data-i18n': label, text: t(label) }));
};

const numberInput = (id, testid, value) => {
  const input = h('input', {
    type: 'number',
    id,
    'data-testid': testid,
    min: '1',
    max: String(BUDGET_MAX),
    step: '1',
    inputmode: 'numeric',
    required: true,
  });
  input.value = String(value);
  return input;
};

// ---- the banner ------------------------------------------------------------------

export class VoteBanner {
  /** `actions`: setStatus(status). */
  constructor(el, actions) {
    this.el = el;
    this.hintTimer = null;
    this.label = h('strong', { class: 'vote-banner-label' });
    this.title = h('span', { class: 'vote-banner-title', 'data-testid': 'vote-banner-title' });
    this.left = h('span', { class: 'vote-left', 'data-testid': 'vote-left' });
    this.status = h('span', { class: 'vote-status', 'data-testid': 'vote-status' });
    this.note = h('span', { class: 'vote-banner-note' });
    const button = (testid, status, primary = false) =>
      h('button', {
        type: 'button',
        class: `btn btn-small ${primary ? 'btn-primary' : ''}`,
        'data-testid': testid,
        on: { click: () => actions.setStatus(status) },
      });
    this.done = button('vote-done', 'done', true);
    this.abstain = button('vote-abstain', 'abstain');
    this.back = button('vote-back', 'voting');
    this.hint = h('p', { class: 'vote-hint', 'data-testid': 'vote-hint', role: 'status', 'aria-live': 'polite' });
    el.append(
      h(
        'div',
        { class: 'vote-banner-main' },
        h(
          'div',
          { class: 'vote-banner-text' },
          h(
            'div',
            { class: 'vote-banner-head' },
            h('span', { class: 'vote-banner-dot', 'aria-hidden': 'true' }),
            this.label,
            ' ',
            this.title,
          ),
          h('div', { class: 'vote-banner-sub' }, this.left, this.status, this.note),
        ),
        h('div', { class: 'vote-banner-actions' }, this.done, this.abstain, this.back),
      ),
      this.hint,
    );
  }

  /** `model`: {view, role}. Shown while a round is open. */
  render({ view, role }) {
    const votes = view.votes;
    const round = openRound(votes);
    this.el.hidden = !round;
    if (!round) return;
    setText(this.label, `${t('vote.banner.label')}:`);
    setText(this.title, roundTitle(votes, round));
    const voter = canVote(role);
    const status = myStatus(votes, round.id);
    this.left.hidden = !voter;
    if (voter) {
      const left = votesLeft(votes, round);
      setText(this.left, t('vote.left', { left, budget: round.budget }));
      this.left.dataset.left = String(left);
    }
    this.status.hidden = !voter || status === 'voting';
    setText(this.status, status === 'voting' ? '' : t(`vote.status.${status}`));
    this.status.dataset.status = status;
    const notes = [];
    if (voter && status === 'voting') notes.push(t('vote.left.cap', { cap: round.cap }));
    if (!voter) notes.push(t('vote.banner.observer'));
    if (round.blind) notes.push(t('vote.banner.blind'));
    setText(this.note, notes.join(' · '));
    this.note.hidden = notes.length === 0;
    this.done.hidden = !voter || status !== 'voting';
    this.abstain.hidden = !voter || status !== 'voting';
    this.back.hidden = !voter || status === 'voting';
    setText(this.done, t('vote.done'));
    setText(this.abstain, t('vote.abstain'));
    setText(this.back, t('vote.back'));
    const pending = Boolean(votes.mine?.statusPending);
    for (const b of [this.done, this.abstain, this.back]) b.classList.toggle('pending', pending);
  }

  /** A gentle message under the banner that goes away by itself. */
  showHint(text) {
    setText(this.hint, text);
    this.hint.classList.add('shown');
    clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => {
      this.hint.classList.remove('shown');
      setText(this.hint, '');
    }, 4500);
  }
}

// ---- the panel ---------------------------------------------------------------------

export class VotePanel {
  /**
   * `actions`: open({title, frame_id, kinds, budget, cap, blind, anonymous}),
   * limits(budget, cap), close(), selectRound(id), toggleBySector(),
   * toggleOnNotes(on), exportCsv(), hide().
   */
  constructor(el, actions) {
    this.el = el;
    this.actions = actions;
    this.drawn = {};

    const heading = h('h2', {
      id: 'vote-panel-heading',
      'data-i18n': 'vote.panel.heading',
      text: t('vote.panel.heading'),
    });
    const hide = h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small vote-panel-hide',
      'data-testid': 'vote-panel-close',
      'data-i18n-aria': 'vote.panel.close',
      'aria-label': t('vote.panel.close'),
      text: '×',
      on: { click: () => actions.hide() },
    });
    this.openSection = this._buildOpenForm();
    this.live = this._buildLive();
    this.results = h('section', {
      class: 'vote-section vote-results',
      'data-testid': 'vote-results',
      'aria-live': 'polite',
    });
    this.empty = h('p', { class: 'muted vote-empty', 'data-testid': 'vote-empty' });
    const head = h('header', { class: 'vote-panel-head' }, heading, hide);
    el.append(head, this.live, this.results, this.openSection, this.empty);
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        actions.hide();
      }
    });
  }

  // -- open a round (facilitator) --

  _buildOpenForm() {
    this.titleInput = h('input', {
      type: 'text',
      id: 'vote-title',
      'data-testid': 'vote-title',
      maxlength: String(TITLE_MAX),
      autocomplete: 'off',
      'data-i18n-placeholder': 'vote.title.placeholder',
      placeholder: t('vote.title.placeholder'),
    });
    this.scope = h('select', { id: 'vote-scope', 'data-testid': 'vote-scope' });
    this.kindBoxes = KINDS.map((kind) => {
      const id = `vote-kind-${kind}`;
      const input = h('input', { type: 'checkbox', id, value: kind, 'data-testid': id });
      const text = h('span', { 'data-i18n': `kind.${kind}`, text: t(`kind.${kind}`) });
      return { kind, input, label: h('label', { class: 'check', for: id }, input, text) };
    });
    const kinds = h(
      'fieldset',
      { class: 'vote-kinds' },
      h('legend', { 'data-i18n': 'vote.kinds', text: t('vote.kinds') }),
      h('div', { class: 'vote-kind-list' }, this.kindBoxes.map((k) => k.label)),
    );
    this.budget = numberInput('vote-budget', 'vote-budget', BUDGET_DEFAULT);
    this.cap = numberInput('vote-cap', 'vote-cap', CAP_DEFAULT);
    this.budget.addEventListener('input', () => {
      const b = Number(this.budget.value);
      if (Number.isInteger(b) && b >= 1) this.cap.max = String(Math.min(BUDGET_MAX, b));
    });
    const blind = checkbox('vote-blind', 'vote-blind', 'vote.blind', true);
    const anonymous = checkbox('vote-anonymous', 'vote-anonymous', 'vote.anonymous', true);
    this.blind = blind.querySelector('input');
    this.anonymous = anonymous.querySelector('input');
    this.openError = h('p', { class: 'form-error', 'data-testid': 'vote-open-error', role: 'alert', hidden: true });
    const submit = h('button', {
      type: 'submit',
      class: 'btn btn-primary',
      'data-testid': 'vote-open-submit',
      'data-i18n': 'vote.open.submit',
      text: t('vote.open.submit'),
    });
    const form = h(
      'form',
      { class: 'vote-open-form', 'data-testid': 'vote-open-form', novalidate: true },
      h('h3', { 'data-i18n': 'vote.open.heading', text: t('vote.open.heading') }),
      field('vote.title', this.titleInput),
      field('vote.scope', this.scope),
      kinds,
      h('div', { class: 'field-row vote-numbers' }, field('vote.budget', this.budget), field('vote.cap', this.cap)),
      blind,
      anonymous,
      this.openError,
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const budget = Number(this.budget.value);
      const cap = Number(this.cap.value);
      const problem = checkLimits(budget, cap);
      if (problem) {
        this.showOpenError(t(problem));
        (problem === 'vote.budget.range' ? this.budget : this.cap).focus();
        return;
      }
      this.showOpenError(null);
      const kindsChosen = this.kindBoxes.filter((k) => k.input.checked).map((k) => k.kind);
      this.actions.open({
        title: this.titleInput.value.trim(),
        frame_id: this.scope.value || null,
        kinds: kindsChosen.length ? kindsChosen : null,
        budget,
        cap,
        blind: this.blind.checked,
        anonymous: this.anonymous.checked,
      });
    });
    return h('section', { class: 'vote-section vote-open' }, form);
  }

  showOpenError(text) {
    this.openError.hidden = !text;
    setText(this.openError, text ?? '');
  }

  _renderScope(view) {
    const frames = Object.values(view.frames);
    const key = `${getLang()}|${frames.map((f) => `${f.id}:${f.title}`).join('|')}`;
    if (this.drawn.scope === key) return;
    this.drawn.scope = key;
    const chosen = this.scope.value;
    this.scope.replaceChildren(
      h('option', { value: '', text: t('vote.scope.board') }),
      ...frames.map((f) =>
        h('option', { value: f.id, text: t('vote.scope.frame', { title: f.title || t('frame.untitled') }) }),
      ),
    );
    this.scope.value = frames.some((f) => f.id === chosen) ? chosen : '';
  }

  // -- the open round --

  _buildLive() {
    this.liveTitle = h('h3', { class: 'vote-live-title', 'data-testid': 'vote-live-title' });
    this.liveBadge = h('span', { class: 'vote-live-badge' });
    this.liveRules = h('p', { class: 'vote-rules muted', 'data-testid': 'vote-rules' });
    this.progressText = h('p', { class: 'vote-progress', 'data-testid': 'vote-progress', 'aria-live': 'polite' });
    this.progressBar = h('span', { class: 'vote-progress-fill' });
    this.progressTotal = h('p', { class: 'muted vote-progress-total', 'data-testid': 'vote-total' });
    this.help = h('p', { class: 'muted vote-help' });

    this.limitBudget = numberInput('vote-limit-budget', 'vote-limit-budget', BUDGET_DEFAULT);
    this.limitCap = numberInput('vote-limit-cap', 'vote-limit-cap', CAP_DEFAULT);
    this.limitsMessage = h('p', {
      class: 'form-error',
      'data-testid': 'vote-limits-error',
      role: 'alert',
      hidden: true,
    });
    this.limitsOk = h('p', { class: 'vote-ok', 'data-testid': 'vote-limits-ok', role: 'status', hidden: true });
    this.limitsForm = h(
      'form',
      { class: 'vote-limits', 'data-testid': 'vote-limits-form', novalidate: true },
      h('h4', { 'data-i18n': 'vote.limits.heading', text: t('vote.limits.heading') }),
      h('div', { class: 'field-row vote-numbers' }, field('vote.budget', this.limitBudget), field('vote.cap', this.limitCap)),
      this.limitsMessage,
      this.limitsOk,
      h(
        'div',
        { class: 'actions' },
        h('button', {
          type: 'submit',
          class: 'btn btn-small',
          'data-testid': 'vote-limits-submit',
          'data-i18n': 'vote.limits.submit',
          text: t('vote.limits.submit'),
        }),
      ),
    );
    this.limitsForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const budget = Number(this.limitBudget.value);
      const cap = Number(this.limitCap.value);
      const problem = checkLimits(budget, cap);
      if (problem) {
        this.showLimitsError(t(problem));
        return;
      }
      this.showLimitsError(null);
      this.actions.limits(budget, cap);
    });
    this.closeButton = h('button', {
      type: 'button',
      class: 'btn btn-primary vote-close',
      'data-testid': 'vote-close',
      'data-i18n': 'vote.close',
      text: t('vote.close'),
      on: { click: () => this.actions.close() },
    });
    return h(
      'section',
      { class: 'vote-section vote-live', 'data-testid': 'vote-live' },
      h('div', { class: 'vote-live-head' }, this.liveBadge, this.liveTitle),
      this.liveRules,
      this.progressText,
      h('span', { class: 'vote-progress-bar', 'aria-hidden': 'true' }, this.progressBar),
      this.progressTotal,
      this.help,
      this.limitsForm,
      this.closeButton,
    );
  }

  /** The server refused new limits (or the form did): say why, with the server's own words. */
  showLimitsError(text, detail = '') {
    this.limitsMessage.hidden = !text;
    this.limitsOk.hidden = true;
    this.limitsMessage.replaceChildren();
    if (!text) return;
    this.limitsMessage.append(h('strong', { text }));
    if (detail) this.limitsMessage.append(h('span', { class: 'vote-error-detail', text: ` ${detail}` }));
  }

  limitsChanged(round) {
    this.limitsMessage.hidden = true;
    this.limitsOk.hidden = false;
    setText(this.limitsOk, t('vote.limits.sent', { budget: round.budget, cap: round.cap }));
  }

  _renderLive(model, round) {
    const { view, role, onlineParticipants } = model;
    const facilitator = role === 'facilitator';
    setText(this.liveTitle, roundTitle(view.votes, round));
    setText(this.liveBadge, t('vote.open.now'));
    setText(this.liveRules, rulesText(view, round));
    const p = progress(view.votes, round.id, onlineParticipants);
    setText(this.progressText, t('vote.progress', p));
    this.progressText.dataset.voters = String(p.voters);
    this.progressText.dataset.done = String(p.done);
    this.progressText.dataset.abstained = String(p.abstained);
    this.progressBar.style.width = `${p.of ? Math.round(((p.done + p.abstained) / p.of) * 100) : 0}%`;
    const total = p.total === 1 ? t('vote.progress.total.one') : t('vote.progress.total', { total: p.total });
    setText(this.progressTotal, total);
    setText(this.help, canVote(role) ? t('vote.participant.help') : '');
    this.help.hidden = !canVote(role);
    this.limitsForm.hidden = !facilitator;
    this.closeButton.hidden = !facilitator;
    // Fill the limit fields with the round's limits, unless someone is typing there.
    const limitsKey = `${round.id}|${round.budget}|${round.cap}`;
    if (this.drawn.limits !== limitsKey) {
      const typing = this.limitsForm.contains(document.activeElement);
      if (!typing || this.drawn.limitsRound !== round.id) {
        this.limitBudget.value = String(round.budget);
        this.limitCap.value = String(round.cap);
      }
      if (this.drawn.limitsRound !== round.id) {
        this.limitsMessage.hidden = true;
        this.limitsOk.hidden = true;
      }
      this.drawn.limits = limitsKey;
      this.drawn.limitsRound = round.id;
    }
  }

  // -- results --

  _renderResults(model, round) {
    const { view, role, bySector, onNotes } = model;
    const votes = view.votes;
    const rounds = closedRounds(votes);
    const results = round.results ?? { ranking: [], voters: 0, abstained: 0, by_sector: {} };
    const { rows, zero } = splitRanking(results.ranking);
    const texts = rows.map((r) => view.notes[r.note_id]?.text ?? null);
    const roundList = rounds.map((r) => [r.id, r.title]);
    const key = JSON.stringify([getLang(), role, round.id, roundList, bySector, onNotes, texts, results.voters]);
    if (this.drawn.results === key) return;
    this.drawn.results = key;
    const hadFocus = this.results.contains(document.activeElement) ? document.activeElement.dataset.testid : null;

    const select = h('select', {
      id: 'vote-round-select',
      'data-testid': 'vote-round-select',
      on: { change: (e) => this.actions.selectRound(e.target.value) },
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
      on: { click: () => this.actions.toggleBySector() },
    });
    const onNotesBox = h('input', {
      type: 'checkbox',
      id: 'vote-on-notes',
      'data-testid': 'vote-on-notes',
      on: { change: (e) => this.actions.toggleOnNotes(e.target.checked) },
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
            on: { click: () => this.actions.exportCsv() },
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
    this.results.replaceChildren(...parts.filter(Boolean));
    if (hadFocus) this.results.querySelector(`[data-testid="${hadFocus}"]`)?.focus({ preventScroll: true });
  }

  /**
   * `model`: {view, role, onlineParticipants, shownRound (closed round or
   * null), bySector, onNotes, open (panel shown)}.
   */
  render(model) {
    this.el.hidden = !model.open;
    this.el.classList.toggle('wide', Boolean(model.bySector && model.shownRound));
    if (!model.open) return;
    const { view, role } = model;
    const round = openRound(view.votes);
    const facilitator = role === 'facilitator';
    this.openSection.hidden = !facilitator || Boolean(round);
    if (!this.openSection.hidden) this._renderScope(view);
    this.live.hidden = !round;
    if (round) this._renderLive(model, round);
    this.results.hidden = !model.shownRound;
    if (model.shownRound) this._renderResults(model, model.shownRound);
    else this.drawn.results = null;
    const nothing = !round && !model.shownRound;
    this.empty.hidden = !nothing || facilitator;
    setText(this.empty, t('vote.none'));
  }

  /** Put the focus in the panel (after it opens). */
  focus() {
    const controls = this.el.querySelectorAll('input, select, button:not(.vote-panel-hide)');
    const first = [...controls].find((c) => c.offsetParent !== null);
    (first ?? this.el).focus({ preventScroll: true });
  }

  /** The form's fields back to their defaults (after a round was opened). */
  resetOpenForm() {
    this.titleInput.value = '';
    this.budget.value = String(BUDGET_DEFAULT);
    this.cap.value = String(CAP_DEFAULT);
    this.cap.max = String(BUDGET_MAX);
    this.blind.checked = true;
    this.anonymous.checked = true;
    for (const k of this.kindBoxes) k.input.checked = false;
    this.showOpenError(null);
  }
}
