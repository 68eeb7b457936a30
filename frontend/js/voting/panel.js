// The dot-vote panel: a facilitator opens a round, follows it, changes its
// limits and closes it; everyone sees the results (drawn by results.js). DOM
// only; what to show comes from voting.js, what to do goes back to app.js
// through `actions`. User text only ever through textContent (dom.js).

import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { BUDGET_DEFAULT, BUDGET_MAX, CAP_DEFAULT, KINDS, TITLE_MAX } from '../core/state.js';
import { drawResults, roundTitle } from './results.js';
import { canVote, checkLimits, closedRounds, openRound, progress, splitRanking } from './voting.js';

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
    const rounds = closedRounds(view.votes);
    const texts = splitRanking((round.results ?? { ranking: [] }).ranking).rows.map((r) => view.notes[r.note_id]?.text ?? null);
    const roundList = rounds.map((r) => [r.id, r.title]);
    const voters = round.results?.voters ?? 0;
    const key = JSON.stringify([getLang(), role, round.id, roundList, bySector, onNotes, texts, voters]);
    if (this.drawn.results === key) return;
    this.drawn.results = key;
    const hadFocus = this.results.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    drawResults(this.results, model, round, this.actions);
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
