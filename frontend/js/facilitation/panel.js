// The facilitator's panel: the agenda and its editor, the timer, silent
// writing and the reveal, readiness, attention (summon, follow, spotlight,
// lock), anonymity and the goal-conflict register. Shown to facilitators only.
//
// Like voting/panel.js: DOM only, what to do goes back to app.js through
// `actions`, user text only ever through textContent (dom.js). One class whose
// sections live in their own files (panel-agenda.js, panel-editor.js,
// panel-step.js, panel-attention.js, panel-conflicts.js) and are mixed in
// below; the pure rules are rules.js (tested by tests/js/panel.test.mjs).

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { AgendaSection } from './panel-agenda.js';
import { AttentionSections } from './panel-attention.js';
import { ConflictSections } from './panel-conflicts.js';
import { AgendaEditorSection } from './panel-editor.js';
import { errorLine } from './panel-parts.js';
import { StepSections } from './panel-step.js';
import { sectionOf } from './rules.js';

export { keepFocus } from './panel-parts.js';
export * from './rules.js';

// ---- the panel ---------------------------------------------------------------------------

export class FacilitatorPanel {
  /**
   * `el`: the <aside>; `toggle`: the button that opens it (it also shows the
   * timer while the panel is closed). `actions`: send(command), summon(),
   * showNotes(noteIds), now() (server time, ms), hide(), errorText(code, message).
   */
  constructor(el, toggle, actions) {
    this.el = el;
    this.toggle = toggle;
    this.actions = actions;
    this.model = null;
    this.drawn = {};
    this.draft = null; // the agenda being edited (a list of steps), or null
    this.draftBase = null; // the server's agenda (JSON) when the draft began
    this.editing = null; // id of the draft step whose form is open
    this.minutesFor = undefined; // the step whose planned minutes fill the timer field
    this.ticker = null;
    this.errors = {};
    this.errorTexts = {};
    this.toggleClock = toggle.querySelector('.fac-toggle-clock');

    const heading = h('h2', { id: 'fac-panel-heading', 'data-i18n': 'fac.heading', text: t('fac.heading') });
    const hide = h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small fac-panel-hide',
      'data-testid': 'fac-panel-close',
      'data-i18n-aria': 'fac.close',
      'aria-label': t('fac.close'),
      'data-i18n-title': 'fac.close',
      title: t('fac.close'),
      text: '×',
      on: { click: () => actions.hide() },
    });
    const head = h('header', { class: 'fac-panel-head' }, heading, hide);
    el.append(
      head,
      this._buildAgenda(),
      this._buildTimer(),
      this._buildWriting(),
      this._buildReady(),
      this._buildAttention(),
      this._buildAnonymity(),
      this._buildReplay(),
      this._buildConflicts(),
      this._buildExport(),
    );
    el.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      if (!this.revealConfirm.hidden) this._cancelReveal();
      else actions.hide();
    });
  }

  _section(id, key, ...children) {
    const details = h(
      'details',
      { class: `fac-section fac-${id}`, 'data-testid': `fac-section-${id}`, open: true },
      h('summary', {}, h('h3', { 'data-i18n': key, text: t(key) })),
      ...children,
    );
    this.errors[id] = errorLine(`fac-${id}-error`);
    details.append(this.errors[id]);
    return details;
  }

  _send(section, command) {
    this.showError(section, null);
    this.actions.send(command);
  }

  // -- errors ------------------------------------------------------------------------------------

  /**
   * Show a message under a section (null hides it). `text`: a string, or a
   * function giving it (so it follows a change of language).
   */
  showError(section, text) {
    const line = this.errors[section];
    if (!line) return;
    this.errorTexts[section] = text;
    const value = typeof text === 'function' ? text() : text;
    line.hidden = !value;
    setText(line, value ?? '');
    if (value) {
      const details = line.closest('details');
      if (details) details.open = true;
      if (!this.el.hidden) line.scrollIntoView({ block: 'nearest' });
    }
  }

  /**
   * A command from this panel was refused: say why in its section. Returns
   * whether the panel took the error (false: not a panel command).
   */
  rejected(command, code, message) {
    const section = sectionOf(command?.type ?? '');
    if (!section) return false;
    const text = () => {
      if (code === 'anonymity_locked') return t('fac.anonymity.locked');
      if (code === 'timer_state') return t('fac.timer.state_error');
      return this.actions.errorText(code, message);
    };
    if (command.type === 'agenda.set') this.saving = null;
    this.showError(section, text);
    if (this.model) this._renderEditor(this.model.view, true);
    return true;
  }

  // -- the whole -----------------------------------------------------------------------------------

  /**
   * `model`: {view, me (member id), onlineParticipants, joinedParticipants,
   * selectedId, open}.
   */
  render(model) {
    this.model = model;
    this.el.hidden = !model.open;
    const { view } = model;
    // The clock runs (and shows on the toggle) whether the panel is open or not.
    this._renderTimer(view);
    if (!model.open) return;
    this._renderAgenda(view);
    this._renderWriting(view);
    this._renderReady(view, model.onlineParticipants, model.joinedParticipants);
    this._renderAttention(view, model.me, model.selectedId);
    this._renderAnonymity(view);
    this._renderReplay(view);
    this._renderConflicts(view);
  }

  /** After a language change: every drawn part again. */
  relabel() {
    this.drawn = {};
    for (const [section, text] of Object.entries(this.errorTexts)) if (text) this.showError(section, text);
    if (this.model) this.render(this.model);
  }

  /** Put the focus in the panel (after it opens). */
  focus() {
    this.el.querySelector('.fac-panel-head h2')?.setAttribute('tabindex', '-1');
    (this.el.querySelector('.fac-panel-head h2') ?? this.el).focus({ preventScroll: true });
  }
}

// The sections' methods join the panel's, as if written in its class body.
for (const section of [AgendaSection, AgendaEditorSection, StepSections, AttentionSections, ConflictSections]) {
  for (const name of Object.getOwnPropertyNames(section.prototype)) {
    if (name !== 'constructor') FacilitatorPanel.prototype[name] = section.prototype[name];
  }
}
