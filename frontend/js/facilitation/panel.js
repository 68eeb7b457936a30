// The facilitator's panel: the agenda and its editor, the timer, silent
// writing and the reveal, readiness, attention (summon, follow, spotlight,
// lock), anonymity and the goal-conflict register. Shown to facilitators only.
//
// Like votes-ui.js: DOM only, what to do goes back to app.js through
// `actions`, user text only ever through textContent (dom.js). The pure
// helpers at the top are tested with `node --test` (tests/js/panel.test.mjs).

import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import {
  ANONYMITY_MODES,
  CONFLICT_STATUSES,
  currentStep,
  formatClock,
  RESOLUTION_MAX,
  STEP_RULE_DEFAULTS,
  timerLeft,
  TITLE_MAX,
} from '../core/state.js';
import { ENUMS, LIMITS } from '../core/vocabulary.js';

// ---- the rules of the game (backend/samskapa/domain/values.py, facilitation.py) -----

export const WRITE_MODES = ENUMS.write_modes;
export const EDIT_SCOPES = ENUMS.edit_scopes;
export const RULE_FLAGS = ['group', 'link', 'vote'];
export const { MAX_STEPS, INSTRUCTIONS_MAX } = LIMITS;
export const MINUTES_MAX = LIMITS.STEP_MINUTES_MAX;
const { TIMER_SECONDS_MAX } = LIMITS;
// attention.summon takes a rectangle whose sides are a frame's (FRAME_MIN–FRAME_MAX board units).
const SUMMON_MIN = LIMITS.FRAME_MIN;
const SUMMON_MAX = LIMITS.FRAME_MAX;
const COORD = LIMITS.COORD_LIMIT;

const rules = (write, edit, group = false, link = false, vote = false) => ({ write, edit, group, link, vote });

/** Common steps of a mission workshop: what participants may do, and a usual length. */
export const PRESETS = [
  { id: 'read_only', minutes: 5, rules: rules('none', 'none') },
  { id: 'silent', minutes: 8, rules: rules('private', 'own') },
  { id: 'open', minutes: 10, rules: rules('open', 'own') },
  { id: 'cluster', minutes: 15, rules: rules('none', 'all', true) },
  { id: 'vote', minutes: 5, rules: rules('none', 'none', false, false, true) },
  { id: 'conflicts', minutes: 20, rules: rules('open', 'own', false, true) },
  { id: 'commitments', minutes: 15, rules: rules('open', 'own') },
];

/** A step's rules with every field present (StepRules defaults), in the server's order. */
export function fullRules(r = {}) {
  const d = STEP_RULE_DEFAULTS;
  return {
    write: WRITE_MODES.includes(r.write) ? r.write : d.write,
    edit: EDIT_SCOPES.includes(r.edit) ? r.edit : d.edit,
    group: typeof r.group === 'boolean' ? r.group : d.group,
    link: typeof r.link === 'boolean' ? r.link : d.link,
    vote: typeof r.vote === 'boolean' ? r.vote : d.vote,
  };
}

/** A new step id, `s_` and 10 random letters or digits. */
export function newStepId(random = Math.random) {
  let id = 's_';
  for (let i = 0; i < 10; i++) id += Math.floor(random() * 36).toString(36);
  return id;
}

/** A step as agenda.set takes it: only the known fields, every one present. */
export function cleanStep(step) {
  return {
    id: step.id,
    title: String(step.title ?? ''),
    instructions: String(step.instructions ?? ''),
    minutes: Number(step.minutes) || 0,
    rules: fullRules(step.rules),
    frame_id: step.frame_id || null,
    note_kind: step.note_kind || null,
  };
}

/** `list` with the item at `index` moved by `delta` places (a copy; unchanged at the ends). */
export function moveItem(list, index, delta) {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return list.slice();
  const copy = list.slice();
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item);
  return copy;
}

/** What is wrong with a draft agenda, as an i18n key and the step's index, or null. */
export function agendaProblem(steps) {
  if (steps.length > MAX_STEPS) return { key: 'fac.agenda.error.too_many', index: -1 };
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!String(s.title ?? '').trim()) return { key: 'fac.agenda.error.title', index: i };
    if (String(s.title).length > TITLE_MAX) return { key: 'fac.agenda.error.title_long', index: i };
    if (String(s.instructions ?? '').length > INSTRUCTIONS_MAX) {
      return { key: 'fac.agenda.error.instructions', index: i };
    }
    const m = Number(s.minutes);
    if (!Number.isInteger(m) || m < 0 || m > MINUTES_MAX) return { key: 'fac.agenda.error.minutes', index: i };
  }
  return null;
}

/** The step `delta` places from the current one (the first from a free board), or undefined. */
export function neighbourStep(agenda, current, delta) {
  if (!agenda.length) return undefined;
  const index = agenda.findIndex((s) => s.id === current);
  if (index < 0) return delta > 0 ? agenda[0].id : undefined;
  return agenda[index + delta]?.id;
}

/** `stopped`, `running`, `over` (running, past zero) or `paused`. */
export function timerPhase(timer, now) {
  if (timer?.ends_at != null) return timer.ends_at <= now ? 'over' : 'running';
  if (timer?.remaining_ms != null) return 'paused';
  return 'stopped';
}

/** Timer seconds from a minutes field (decimals allowed), or null when out of range. */
export function timerSeconds(minutes) {
  const value = Number(String(minutes).replace(',', '.'));
  if (!Number.isFinite(value)) return null;
  const seconds = Math.round(value * 60);
  return seconds >= 1 && seconds <= TIMER_SECONDS_MAX ? seconds : null;
}

/**
 * The view rectangle attention.summon may carry: sides within 40–20,000 board
 * units (scaled together, around the same centre) and a corner on the board.
 */
export function summonRect(rect) {
  const big = Math.max(rect.w, rect.h);
  const small = Math.min(rect.w, rect.h);
  let k = 1;
  if (big > SUMMON_MAX) k = SUMMON_MAX / big;
  else if (small < SUMMON_MIN) k = SUMMON_MIN / Math.max(1, small);
  const side = (v) => Math.round(Math.min(SUMMON_MAX, Math.max(SUMMON_MIN, v * k)));
  const w = side(rect.w);
  const hh = side(rect.h);
  const corner = (start, size, to) => Math.round(Math.min(COORD, Math.max(-COORD, start + (size - to) / 2)));
  return { x: corner(rect.x, rect.w, w), y: corner(rect.y, rect.h, hh), w, h: hh };
}

/** The links as the register shows them: goal conflicts first, counted by status. */
export function linkRegister(links, notes) {
  const conflicts = [];
  const others = [];
  const counts = { open: 0, balanced: 0, accepted: 0 };
  for (const link of Object.values(links ?? {})) {
    const row = { link, from: notes[link.from_id] ?? null, to: notes[link.to_id] ?? null };
    if (link.kind === 'conflicts') {
      conflicts.push(row);
      const status = CONFLICT_STATUSES.includes(link.status) ? link.status : 'open';
      counts[status] += 1;
    } else {
      others.push(row);
    }
  }
  return { conflicts, others, counts };
}

/** "I'm done" for the current step: the count, out of the participants online (never fewer than the count). */
export function readiness(view, onlineParticipants) {
  const step = currentStep(view);
  if (!step) return null;
  const count = view.ready?.[step.id] ?? 0;
  return { step, count, of: Math.max(count, onlineParticipants) };
}

// The CSV files a facilitator can download (backend/samskapa/api/export.py).
export const EXPORTS = ['notes', 'links', 'votes'];

// ---- small DOM helpers ----------------------------------------------------------------

const label = (key, attrs = {}) => h('span', { 'data-i18n': key, text: t(key), ...attrs });

const button = (key, testid, onClick, cls = 'btn btn-small') =>
  h('button', { type: 'button', class: cls, 'data-testid': testid, 'data-i18n': key, text: t(key), on: { click: onClick } });

const fieldFor = (key, control, hint = null) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: control.id, 'data-i18n': key, text: t(key) }),
    control,
    hint ? h('p', { class: 'muted fac-hint', 'data-i18n': hint, text: t(hint) }) : null,
  );

const options = (select, items) => {
  const value = select.value;
  select.replaceChildren(...items.map(([v, text]) => h('option', { value: v, text })));
  if (items.some(([v]) => v === value)) select.value = value;
};

const errorLine = (testid) => h('p', { class: 'form-error fac-error', 'data-testid': testid, role: 'alert', hidden: true });

/** A note's text for a list: its words, or a placeholder when it is empty or gone. */
const noteText = (note) => (note ? note.text.trim() || t('note.empty') : t('fac.links.note_gone'));

const minutesText = (m) => (m ? t('fac.step.minutes', { n: m }) : t('fac.step.no_minutes'));

/** "Write privately · change own notes · vote" for a step's rules. */
export function rulesSummary(r) {
  const full = fullRules(r);
  const parts = [t(`fac.rules.write.${full.write}.short`), t(`fac.rules.edit.${full.edit}.short`)];
  for (const flag of RULE_FLAGS) if (full[flag]) parts.push(t(`fac.rules.${flag}.short`));
  return parts.join(' · ');
}

/** Which panel section a command belongs to (where its errors are shown), or null. */
export function sectionOf(type) {
  if (type.startsWith('agenda.')) return 'agenda';
  if (type.startsWith('timer.')) return 'timer';
  if (type === 'notes.reveal') return 'writing';
  if (type.startsWith('attention.') || type === 'board.lock') return 'attention';
  if (type === 'board.anonymity') return 'anonymity';
  if (type === 'board.replay') return 'replay';
  if (type === 'link.update') return 'conflicts';
  return null;
}

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

  // -- 1. agenda -------------------------------------------------------------------------

  _buildAgenda() {
    this.stepList = h('ol', { class: 'fac-steps', 'data-testid': 'fac-steps' });
    this.agendaEmpty = h('p', { class: 'muted', 'data-i18n': 'fac.agenda.empty', text: t('fac.agenda.empty') });
    this.nowLine = h('p', { class: 'fac-now', 'data-testid': 'fac-now', 'aria-live': 'polite' });
    this.instructions = h('p', { class: 'fac-instructions', 'data-testid': 'fac-instructions' });
    this.prevButton = button('fac.agenda.prev', 'fac-prev', () => this._goBy(-1));
    this.nextButton = button('fac.agenda.next', 'fac-next', () => this._goBy(1), 'btn btn-small btn-primary');
    this.freeButton = button('fac.agenda.free', 'fac-free', () => this._go(null));
    const nav = h('div', { class: 'fac-row' }, this.prevButton, this.nextButton, this.freeButton);
    this.editor = this._buildEditor();
    return this._section('agenda', 'fac.agenda', this.nowLine, this.instructions, nav, this.stepList, this.agendaEmpty, this.editor);
  }

  _go(stepId) {
    this._send('agenda', { type: 'agenda.go', step_id: stepId });
  }

  _goBy(delta) {
    const view = this.model?.view;
    if (!view) return;
    const id = neighbourStep(view.agenda ?? [], view.current_step, delta);
    if (id !== undefined) this._go(id);
  }

  _renderAgenda(view) {
    const agenda = view.agenda ?? [];
    const current = agenda.find((s) => s.id === view.current_step) ?? null;
    const index = current ? agenda.indexOf(current) : -1;
    setText(
      this.nowLine,
      current
        ? t('fac.agenda.now', { n: index + 1, of: agenda.length, title: current.title || t('fac.step.untitled') })
        : t('fac.agenda.now.free'),
    );
    this.nowLine.dataset.step = current?.id ?? '';
    setText(this.instructions, current?.instructions ?? '');
    this.instructions.hidden = !current?.instructions;
    this.prevButton.disabled = neighbourStep(agenda, view.current_step, -1) === undefined;
    this.nextButton.disabled = neighbourStep(agenda, view.current_step, 1) === undefined;
    this.freeButton.disabled = !current;
    this.agendaEmpty.hidden = agenda.length > 0;

    const key = JSON.stringify([getLang(), agenda, view.current_step, Object.keys(view.frames)]);
    if (this.drawn.agenda !== key) {
      this.drawn.agenda = key;
      keepFocus(this.stepList, () =>
        this.stepList.replaceChildren(
          ...agenda.map((step, i) => {
            const isNow = step.id === view.current_step;
            const title = step.title || t('fac.step.untitled');
            const frame = step.frame_id ? view.frames[step.frame_id] : null;
            const meta = [minutesText(step.minutes), rulesSummary(step.rules)];
            if (frame) meta.push(t('fac.step.frame', { title: frame.title || t('frame.untitled') }));
            return h(
              'li',
              {
                class: `fac-step ${isNow ? 'current' : ''}`,
                'data-testid': 'fac-step',
                'data-id': step.id,
                'aria-current': isNow ? 'step' : null,
              },
              h('span', { class: 'fac-step-num', 'aria-hidden': 'true', text: String(i + 1) }),
              h(
                'div',
                { class: 'fac-step-text' },
                h('strong', { class: 'fac-step-title', text: title }),
                h('span', { class: 'muted fac-step-meta', text: meta.join(' · ') }),
              ),
              isNow
                ? h('span', { class: 'fac-step-badge', text: t('fac.agenda.current') })
                : h('button', {
                    type: 'button',
                    class: 'btn btn-small fac-step-go',
                    'data-testid': 'fac-step-go',
                    'data-id': step.id,
                    'aria-label': t('fac.agenda.go.aria', { n: i + 1, title }),
                    text: t('fac.agenda.go'),
                    on: { click: () => this._go(step.id) },
                  }),
            );
          }),
        ),
      );
    }
    this._renderEditor(view);
  }

  // -- 1b. the agenda editor ---------------------------------------------------------------

  _buildEditor() {
    this.draftList = h('ol', { class: 'fac-draft', 'data-testid': 'fac-draft' });
    this.addStep = button('fac.editor.add', 'fac-step-add', () => this._addStep());
    this.stepForm = this._buildStepForm();
    this.editorStatus = h('p', { class: 'muted fac-editor-status', 'data-testid': 'fac-editor-status', 'aria-live': 'polite' });
    this.editorError = errorLine('fac-editor-error');
    this.saveAgenda = button('fac.editor.save', 'fac-agenda-save', () => this._saveDraft(), 'btn btn-small btn-primary');
    this.discardAgenda = button('fac.editor.discard', 'fac-agenda-discard', () => this._discardDraft());
    const details = h(
      'details',
      { class: 'fac-editor', 'data-testid': 'fac-editor' },
      h('summary', { 'data-i18n': 'fac.editor', text: t('fac.editor') }),
      this.draftList,
      this.addStep,
      this.stepForm,
      this.editorError,
      this.editorStatus,
      h('div', { class: 'fac-row' }, this.saveAgenda, this.discardAgenda),
    );
    return details;
  }

  _buildStepForm() {
    const f = {};
    f.preset = h('select', { id: 'fac-step-preset', 'data-testid': 'fac-step-preset' });
    f.applyPreset = button('fac.preset.apply', 'fac-step-preset-apply', () => this._applyPreset(f.preset.value));
    f.title = h('input', { type: 'text', id: 'fac-step-title', 'data-testid': 'fac-step-title', maxlength: String(TITLE_MAX), autocomplete: 'off' });
    f.instructions = h('textarea', { id: 'fac-step-instructions', 'data-testid': 'fac-step-instructions', rows: '3', maxlength: String(INSTRUCTIONS_MAX) });
    f.minutes = h('input', {
      type: 'number',
      id: 'fac-step-minutes',
      'data-testid': 'fac-step-minutes',
      min: '0',
      max: String(MINUTES_MAX),
      step: '1',
      inputmode: 'numeric',
    });
    f.write = h('select', { id: 'fac-step-write', 'data-testid': 'fac-step-write' });
    f.edit = h('select', { id: 'fac-step-edit', 'data-testid': 'fac-step-edit' });
    f.flags = {};
    const flagBoxes = RULE_FLAGS.map((flag) => {
      const id = `fac-step-${flag}`;
      const input = h('input', { type: 'checkbox', id, 'data-testid': id });
      f.flags[flag] = input;
      return h('label', { class: 'check', for: id }, input, label(`fac.rules.${flag}`));
    });
    f.frame = h('select', { id: 'fac-step-frame', 'data-testid': 'fac-step-frame' });
    f.heading = h('h4', { class: 'fac-form-heading', id: 'fac-step-form-heading' });
    f.done = button('fac.editor.done', 'fac-step-done', () => this._closeStepForm(), 'btn btn-small');
    this.form = f;

    const update = () => this._formChanged();
    for (const control of [f.title, f.instructions, f.minutes]) control.addEventListener('input', update);
    for (const control of [f.write, f.edit, f.frame, ...Object.values(f.flags)]) control.addEventListener('change', update);

    const form = h(
      'form',
      { class: 'fac-step-form', 'data-testid': 'fac-step-form', novalidate: true, 'aria-labelledby': 'fac-step-form-heading', hidden: true },
      f.heading,
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'fac-step-preset', 'data-i18n': 'fac.preset', text: t('fac.preset') }),
        h('div', { class: 'fac-row fac-inline' }, f.preset, f.applyPreset),
        h('p', { class: 'muted fac-hint', 'data-i18n': 'fac.preset.hint', text: t('fac.preset.hint') }),
      ),
      fieldFor('fac.step.title', f.title),
      fieldFor('fac.step.instructions', f.instructions),
      fieldFor('fac.step.planned', f.minutes),
      h(
        'fieldset',
        { class: 'fac-rules' },
        h('legend', { 'data-i18n': 'fac.rules', text: t('fac.rules') }),
        fieldFor('fac.rules.write', f.write),
        fieldFor('fac.rules.edit', f.edit),
        flagBoxes,
      ),
      fieldFor('fac.step.frame_field', f.frame, 'fac.step.frame.hint'),
      h('div', { class: 'fac-row' }, f.done),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this._closeStepForm();
    });
    return form;
  }

  /** The agenda being edited: the draft, or (not editing) the server's. */
  _editorSteps() {
    return this.draft ?? (this.model?.view.agenda ?? []).map(cleanStep);
  }

  /** Start a draft from the server's agenda, if there is none yet. */
  _ensureDraft() {
    if (this.draft) return this.draft;
    const agenda = (this.model?.view.agenda ?? []).map(cleanStep);
    this.draft = agenda;
    this.draftBase = JSON.stringify(agenda);
    return this.draft;
  }

  _setDraft(steps) {
    this._ensureDraft();
    this.draft = steps;
    this.editorError.hidden = true;
    this._renderEditor(this.model.view, true);
  }

  _addStep() {
    const steps = this._ensureDraft();
    if (steps.length >= MAX_STEPS) {
      this._editorProblem({ key: 'fac.agenda.error.too_many', index: -1 });
      return;
    }
    const open = PRESETS.find((p) => p.id === 'open');
    const step = cleanStep({ id: newStepId(), title: '', minutes: open.minutes, rules: open.rules });
    this.editing = step.id;
    this._setDraft([...steps, step]);
    this.form.title.focus();
  }

  _moveStep(id, delta) {
    const steps = this._ensureDraft();
    const index = steps.findIndex((s) => s.id === id);
    this._setDraft(moveItem(steps, index, delta));
    // Keep the focus on the same button of the moved row (or its other arrow at an end).
    const row = this.draftList.querySelector(`[data-id="${id}"]`);
    const same = row?.querySelector(`[data-testid="fac-draft-${delta < 0 ? 'up' : 'down'}"]`);
    const other = row?.querySelector(`[data-testid="fac-draft-${delta < 0 ? 'down' : 'up'}"]`);
    (same && !same.disabled ? same : other)?.focus();
  }

  _deleteStep(id) {
    const steps = this._ensureDraft();
    const index = steps.findIndex((s) => s.id === id);
    if (this.editing === id) this.editing = null;
    this._setDraft(steps.filter((s) => s.id !== id));
    const rows = this.draftList.querySelectorAll('[data-testid="fac-draft-edit"]');
    (rows[Math.min(index, rows.length - 1)] ?? this.addStep).focus();
  }

  _editStep(id) {
    this.editing = this.editing === id ? null : id;
    this._renderEditor(this.model.view, true);
    if (this.editing) this.form.title.focus();
  }

  _closeStepForm() {
    const id = this.editing;
    this.editing = null;
    this._renderEditor(this.model.view, true);
    this.draftList.querySelector(`[data-id="${id}"] [data-testid="fac-draft-edit"]`)?.focus();
  }

  _applyPreset(presetId) {
    const preset = PRESETS.find((p) => p.id === presetId);
    if (!preset || !this.editing) return;
    const steps = this._ensureDraft();
    const named = PRESETS.map((p) => t(`fac.preset.${p.id}.title`));
    this._setDraft(
      steps.map((s) => {
        if (s.id !== this.editing) return s;
        // A title still empty or from another preset takes this preset's words too.
        const fresh = !s.title.trim() || named.includes(s.title);
        return cleanStep({
          ...s,
          rules: preset.rules,
          title: fresh ? t(`fac.preset.${preset.id}.title`) : s.title,
          instructions: fresh || !s.instructions ? t(`fac.preset.${preset.id}.instructions`) : s.instructions,
          minutes: fresh || !s.minutes ? preset.minutes : s.minutes,
        });
      }),
    );
  }

  _formChanged() {
    const f = this.form;
    const steps = this._ensureDraft();
    const minutes = f.minutes.value === '' ? 0 : Number(f.minutes.value);
    this._setDraft(
      steps.map((s) =>
        s.id !== this.editing
          ? s
          : {
              ...s,
              title: f.title.value,
              instructions: f.instructions.value,
              minutes,
              rules: {
                write: f.write.value,
                edit: f.edit.value,
                group: f.flags.group.checked,
                link: f.flags.link.checked,
                vote: f.flags.vote.checked,
              },
              frame_id: f.frame.value || null,
            },
      ),
    );
  }

  _editorProblem(problem) {
    this.editorError.hidden = false;
    const where = problem.index >= 0 ? `${t('fac.step.number', { n: problem.index + 1 })}: ` : '';
    setText(this.editorError, where + t(problem.key, { max: MAX_STEPS, minutes: MINUTES_MAX }));
  }

  _saveDraft() {
    const steps = this._editorSteps().map(cleanStep);
    const problem = agendaProblem(steps);
    if (problem) {
      this._editorProblem(problem);
      if (problem.index >= 0) {
        this.editing = steps[problem.index].id;
        this._renderEditor(this.model.view, true);
        (problem.key === 'fac.agenda.error.minutes' ? this.form.minutes : this.form.title).focus();
      }
      return;
    }
    this.editorError.hidden = true;
    this.saving = JSON.stringify(steps);
    this._send('agenda', { type: 'agenda.set', steps });
    this._renderEditor(this.model.view, true);
  }

  _discardDraft() {
    this.draft = null;
    this.draftBase = null;
    this.editing = null;
    this.saving = null;
    this.editorError.hidden = true;
    this._renderEditor(this.model.view, true);
  }

  _renderEditor(view, force = false) {
    const server = JSON.stringify((view.agenda ?? []).map(cleanStep));
    if (this.draft && JSON.stringify(this.draft) === server) {
      // Saved (or edited back to what the server has): nothing to keep.
      this.draft = null;
      this.draftBase = null;
      this.saving = null;
    }
    const steps = this._editorSteps();
    if (this.editing && !steps.some((s) => s.id === this.editing)) this.editing = null;
    const dirty = Boolean(this.draft);
    const changedMeanwhile = dirty && this.draftBase !== server;
    const frames = Object.values(view.frames);
    const key = JSON.stringify([getLang(), steps, this.editing, frames.map((fr) => [fr.id, fr.title])]);
    if (force || this.drawn.editor !== key) {
      this.drawn.editor = key;
      this._renderDraftList(steps);
      this._renderStepForm(steps, frames);
    }
    this.saveAgenda.disabled = !dirty;
    this.discardAgenda.disabled = !dirty;
    let status = '';
    if (this.saving && this.draft && JSON.stringify(this.draft) === this.saving) status = t('fac.editor.saving');
    else if (changedMeanwhile) status = t('fac.editor.changed_meanwhile');
    else if (dirty) status = t('fac.editor.unsaved');
    setText(this.editorStatus, status);
    this.editorStatus.hidden = !status;
    this.editorStatus.classList.toggle('warn', changedMeanwhile);
  }

  _renderDraftList(steps) {
    keepFocus(this.draftList, () =>
      this.draftList.replaceChildren(
        ...steps.map((step, i) => {
          const title = step.title.trim() || t('fac.step.untitled');
          const ctl = (testid, text, aria, onClick, disabled = false) =>
            h('button', {
              type: 'button',
              class: 'btn btn-small btn-ghost',
              'data-testid': testid,
              'data-id': step.id,
              'aria-label': aria,
              title: aria,
              text,
              disabled,
              on: { click: onClick },
            });
          const editing = this.editing === step.id;
          return h(
            'li',
            { class: `fac-draft-step ${editing ? 'editing' : ''}`, 'data-testid': 'fac-draft-step', 'data-id': step.id },
            h('span', { class: 'fac-step-num', 'aria-hidden': 'true', text: String(i + 1) }),
            h(
              'div',
              { class: 'fac-step-text' },
              h('span', { class: 'fac-step-title', text: title }),
              h('span', { class: 'muted fac-step-meta', text: minutesText(step.minutes) }),
            ),
            h(
              'span',
              { class: 'fac-draft-tools' },
              ctl('fac-draft-up', '↑', t('fac.editor.up', { title }), () => this._moveStep(step.id, -1), i === 0),
              ctl('fac-draft-down', '↓', t('fac.editor.down', { title }), () => this._moveStep(step.id, 1), i === steps.length - 1),
              h('button', {
                type: 'button',
                class: `btn btn-small ${editing ? 'btn-primary' : ''}`,
                'data-testid': 'fac-draft-edit',
                'data-id': step.id,
                'aria-expanded': editing ? 'true' : 'false',
                'aria-controls': 'fac-step-form',
                'aria-label': t('fac.editor.edit.aria', { title }),
                text: t('fac.editor.edit'),
                on: { click: () => this._editStep(step.id) },
              }),
              ctl('fac-draft-delete', '×', t('fac.editor.delete', { title }), () => this._deleteStep(step.id)),
            ),
          );
        }),
      ),
    );
  }

  _renderStepForm(steps, frames) {
    const f = this.form;
    const step = steps.find((s) => s.id === this.editing) ?? null;
    this.stepForm.hidden = !step;
    this.stepForm.id = 'fac-step-form';
    if (!step) return;
    const index = steps.indexOf(step);
    setText(f.heading, t('fac.editor.form', { n: index + 1 }));
    options(f.preset, PRESETS.map((p) => [p.id, t(`fac.preset.${p.id}`)]));
    options(f.write, WRITE_MODES.map((m) => [m, t(`fac.rules.write.${m}`)]));
    options(f.edit, EDIT_SCOPES.map((m) => [m, t(`fac.rules.edit.${m}`)]));
    options(f.frame, [['', t('fac.step.frame.none')], ...frames.map((fr) => [fr.id, fr.title || t('frame.untitled')])]);
    // Fill the fields from the draft, leaving alone the one being typed in.
    const set = (control, value) => {
      if (document.activeElement !== control && control.value !== value) control.value = value;
    };
    set(f.title, step.title);
    set(f.instructions, step.instructions);
    set(f.minutes, String(step.minutes));
    f.write.value = step.rules.write;
    f.edit.value = step.rules.edit;
    for (const flag of RULE_FLAGS) f.flags[flag].checked = Boolean(step.rules[flag]);
    f.frame.value = step.frame_id && frames.some((fr) => fr.id === step.frame_id) ? step.frame_id : '';
  }

  // -- 2. timer ------------------------------------------------------------------------------

  _buildTimer() {
    this.clockEl = h('div', { class: 'fac-clock', 'data-testid': 'fac-timer-clock', role: 'timer', 'aria-live': 'off' });
    this.timerState = h('p', { class: 'fac-timer-state', 'data-testid': 'fac-timer-state', 'aria-live': 'polite' });
    this.timerMinutes = h('input', {
      type: 'number',
      id: 'fac-timer-minutes',
      'data-testid': 'fac-timer-minutes',
      min: '0.5',
      max: String(TIMER_SECONDS_MAX / 60),
      step: '0.5',
      inputmode: 'decimal',
    });
    this.timerMinutes.addEventListener('input', () => this._tick());
    this.timerMinutes.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this._timerStart();
      }
    });
    this.timerButtons = {
      start: button('fac.timer.start', 'fac-timer-start', () => this._timerStart(), 'btn btn-small btn-primary'),
      pause: button('fac.timer.pause', 'fac-timer-pause', () => this._send('timer', { type: 'timer.pause' })),
      resume: button('fac.timer.resume', 'fac-timer-resume', () => this._send('timer', { type: 'timer.start' })),
      add: button('fac.timer.add', 'fac-timer-add', () => this._send('timer', { type: 'timer.add', seconds: 60 })),
      stop: button('fac.timer.stop', 'fac-timer-stop', () => this._send('timer', { type: 'timer.stop' })),
    };
    this.timerButtons.add.setAttribute('data-i18n-aria', 'fac.timer.add.aria');
    this.timerButtons.add.setAttribute('aria-label', t('fac.timer.add.aria'));
    const b = this.timerButtons;
    return this._section(
      'timer',
      'fac.timer',
      h('div', { class: 'fac-clock-row' }, this.clockEl, this.timerState),
      h(
        'div',
        { class: 'fac-row fac-inline fac-timer-startrow' },
        h('label', { for: 'fac-timer-minutes', 'data-i18n': 'fac.timer.minutes', text: t('fac.timer.minutes') }),
        this.timerMinutes,
        b.start,
      ),
      h('div', { class: 'fac-row' }, b.pause, b.resume, b.add, b.stop),
    );
  }

  _timerStart() {
    const seconds = timerSeconds(this.timerMinutes.value);
    if (seconds === null) {
      this.showError('timer', () => t('fac.timer.minutes.range'));
      this.timerMinutes.focus();
      return;
    }
    this._send('timer', { type: 'timer.start', seconds });
  }

  _renderTimer(view) {
    const step = currentStep(view);
    // The field offers the current step's planned minutes (until someone types).
    if (this.minutesFor !== (step?.id ?? null) && document.activeElement !== this.timerMinutes) {
      this.minutesFor = step?.id ?? null;
      this.timerMinutes.value = String(step?.minutes || 5);
    }
    const phase = timerPhase(view.timer, this.actions.now());
    const b = this.timerButtons;
    const focused = Object.values(b).find((x) => x === document.activeElement);
    setText(b.start, t(phase === 'stopped' ? 'fac.timer.start' : 'fac.timer.restart'));
    b.pause.disabled = phase !== 'running' && phase !== 'over';
    b.resume.disabled = phase !== 'paused';
    b.add.disabled = phase === 'stopped';
    b.stop.disabled = phase === 'stopped';
    // A button that just got disabled must not swallow the keyboard focus.
    if (focused?.disabled) (phase === 'paused' ? b.resume : phase === 'stopped' ? b.start : b.pause).focus();
    this._tick();
    const running = phase === 'running';
    if (running && !this.ticker) this.ticker = setInterval(() => this._tick(), 250);
    if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /** Redraw the clock (every 250 ms while the timer runs). */
  _tick() {
    const view = this.model?.view;
    if (!view) return;
    const now = this.actions.now();
    const phase = timerPhase(view.timer, now);
    const left = timerLeft(view.timer, now)?.remainingMs ?? null;
    // Stopped: the time a start would give, greyed.
    const planned = (timerSeconds(this.timerMinutes.value) ?? 0) * 1000;
    const text = formatClock(left ?? planned);
    setText(this.clockEl, text);
    this.clockEl.dataset.phase = phase;
    this.el.dataset.timer = phase;
    this.clockEl.setAttribute('aria-label', left === null ? t('fac.timer.none') : t('fac.timer.left', { time: text }));
    setText(this.timerState, t(`fac.timer.phase.${phase}`));
    this.timerState.dataset.phase = phase;
    // With the panel closed the button that opens it shows the time.
    if (this.toggleClock) {
      this.toggleClock.hidden = left === null;
      setText(this.toggleClock, left === null ? '' : text);
      this.toggleClock.dataset.phase = phase;
    }
    if (phase === 'over' && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  // -- 3. silent writing --------------------------------------------------------------------

  _buildWriting() {
    this.privateCount = h('p', { class: 'fac-big-line', 'data-testid': 'fac-private-count', 'aria-live': 'polite' });
    this.writingHint = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-writing-hint' });
    this.revealButton = button('fac.writing.reveal', 'fac-reveal', () => this._askReveal(), 'btn btn-small btn-primary');
    this.revealText = h('p', { class: 'fac-confirm-text', id: 'fac-reveal-text' });
    this.revealYes = button('fac.writing.reveal.yes', 'fac-reveal-confirm', () => this._reveal(), 'btn btn-small btn-primary');
    this.revealNo = button('fac.writing.reveal.no', 'fac-reveal-cancel', () => this._cancelReveal());
    this.revealConfirm = h(
      'div',
      { class: 'fac-confirm', 'data-testid': 'fac-reveal-confirm-box', role: 'group', 'aria-labelledby': 'fac-reveal-text', hidden: true },
      this.revealText,
      h('div', { class: 'fac-row' }, this.revealYes, this.revealNo),
    );
    return this._section('writing', 'fac.writing', this.privateCount, this.writingHint, this.revealButton, this.revealConfirm);
  }

  _askReveal() {
    const n = this.model?.view.private_count ?? 0;
    setText(this.revealText, n === 1 ? t('fac.writing.reveal.confirm.one') : t('fac.writing.reveal.confirm', { n }));
    this.revealConfirm.hidden = false;
    this.revealButton.hidden = true;
    this.revealYes.focus();
  }

  _cancelReveal() {
    this.revealConfirm.hidden = true;
    this.revealButton.hidden = false;
    this.revealButton.focus();
  }

  _reveal() {
    this.revealConfirm.hidden = true;
    this.revealButton.hidden = false;
    this._send('writing', { type: 'notes.reveal' });
    this.revealButton.focus();
  }

  _renderWriting(view) {
    const n = view.private_count ?? 0;
    setText(this.privateCount, n === 1 ? t('fac.writing.count.one') : t('fac.writing.count', { n }));
    this.privateCount.dataset.count = String(n);
    const step = currentStep(view);
    const silent = step && fullRules(step.rules).write === 'private';
    setText(this.writingHint, t(silent ? 'fac.writing.hint.now' : n ? 'fac.writing.hint.after' : 'fac.writing.hint.none'));
    this.revealButton.disabled = n === 0;
    if (n === 0 && !this.revealConfirm.hidden) {
      this.revealConfirm.hidden = true;
      this.revealButton.hidden = false;
    }
  }

  // -- 4. readiness ----------------------------------------------------------------------------

  _buildReady() {
    this.readyLine = h('p', { class: 'fac-big-line', 'data-testid': 'fac-ready', 'aria-live': 'polite' });
    this.readyFill = h('span', { class: 'fac-bar-fill' });
    this.readyBar = h('span', { class: 'fac-bar', 'aria-hidden': 'true' }, this.readyFill);
    this.readyHint = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-ready-hint' });
    return this._section('ready', 'fac.ready', this.readyLine, this.readyBar, this.readyHint);
  }

  _renderReady(view, onlineParticipants, joinedParticipants) {
    const r = readiness(view, onlineParticipants);
    this.readyBar.hidden = !r;
    if (!r) {
      setText(this.readyLine, t('fac.ready.no_step'));
      setText(this.readyHint, '');
      this.readyHint.hidden = true;
      this.readyLine.dataset.count = '';
      return;
    }
    setText(this.readyLine, t('fac.ready.count', { count: r.count, of: r.of }));
    this.readyLine.dataset.count = String(r.count);
    this.readyLine.dataset.of = String(r.of);
    this.readyFill.style.width = `${r.of ? Math.round((r.count / r.of) * 100) : 0}%`;
    this.readyHint.hidden = false;
    setText(this.readyHint, t('fac.ready.hint', { online: onlineParticipants, joined: joinedParticipants }));
  }

  // -- 5. attention -----------------------------------------------------------------------------

  _buildAttention() {
    this.summonButton = button('fac.attention.summon', 'fac-summon', () => {
      this.showError('attention', null);
      this.actions.summon();
    });
    this.followButton = button('fac.attention.follow', 'fac-follow', () => {
      const me = this.model?.me;
      const leading = this.model?.view.attention?.leader === me;
      this._send('attention', { type: 'attention.follow', on: !leading });
    });
    this.followState = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-follow-state', 'aria-live': 'polite' });
    this.spotSelected = button('fac.attention.spot_selected', 'fac-spot-selected', () => {
      const id = this.model?.selectedId;
      if (id) this._send('attention', { type: 'attention.spotlight', target: { kind: 'note', id } });
    });
    this.spotTarget = h('select', { id: 'fac-spot-target', 'data-testid': 'fac-spot-target' });
    this.spotButton = button('fac.attention.spot', 'fac-spot', () => {
      const [kind, id] = this.spotTarget.value.split(':');
      if (kind && id) this._send('attention', { type: 'attention.spotlight', target: { kind, id } });
    });
    this.spotClear = button('fac.attention.spot_clear', 'fac-spot-clear', () =>
      this._send('attention', { type: 'attention.spotlight', target: null }),
    );
    this.spotState = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-spot-state', 'aria-live': 'polite' });
    this.lockButton = button('fac.attention.lock', 'fac-lock', () => {
      const locked = Boolean(this.model?.view.attention?.locked);
      this._send('attention', { type: 'board.lock', locked: !locked });
    });
    this.lockState = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-lock-state', 'aria-live': 'polite' });
    return this._section(
      'attention',
      'fac.attention',
      h('div', { class: 'fac-row' }, this.summonButton, this.followButton),
      this.followState,
      h(
        'div',
        { class: 'field fac-spot' },
        h('label', { for: 'fac-spot-target', 'data-i18n': 'fac.attention.spot_target', text: t('fac.attention.spot_target') }),
        h('div', { class: 'fac-row fac-inline' }, this.spotTarget, this.spotButton),
      ),
      h('div', { class: 'fac-row' }, this.spotSelected, this.spotClear),
      this.spotState,
      h('div', { class: 'fac-row' }, this.lockButton),
      this.lockState,
    );
  }

  _spotName(view, spot) {
    if (!spot) return null;
    if (spot.kind === 'note') return t('fac.attention.spot.note', { text: clip(noteText(view.notes[spot.id])) });
    if (spot.kind === 'frame') return t('fac.attention.spot.frame', { title: view.frames[spot.id]?.title || t('frame.untitled') });
    return t('fac.attention.spot.group', { name: view.groups?.[spot.id]?.name || t('fac.group.unnamed') });
  }

  _renderAttention(view, me, selectedId) {
    const attention = view.attention ?? { leader: null, spotlight: null, locked: false };
    const leading = attention.leader === me;
    this.followButton.setAttribute('aria-pressed', leading ? 'true' : 'false');
    const leader = attention.leader ? view.participants[attention.leader] : null;
    setText(
      this.followState,
      leading
        ? t('fac.attention.follow.me')
        : attention.leader
          ? t('fac.attention.follow.other', { name: leader?.name || t('role.facilitator') })
          : t('fac.attention.follow.none'),
    );
    this.followState.dataset.leader = attention.leader ?? '';

    const selected = selectedId ? view.notes[selectedId] : null;
    this.spotSelected.disabled = !selected;
    this.spotSelected.title = selected ? clip(noteText(selected)) : t('fac.attention.spot_selected.none');
    const groups = Object.values(view.groups ?? {});
    const frames = Object.values(view.frames);
    const nothing = frames.length + groups.length === 0;
    options(this.spotTarget, [
      ...(nothing ? [['', t('fac.attention.spot_target.none')]] : []),
      ...frames.map((f) => [`frame:${f.id}`, t('fac.attention.spot.frame', { title: f.title || t('frame.untitled') })]),
      ...groups.map((g) => [`group:${g.id}`, t('fac.attention.spot.group', { name: g.name || t('fac.group.unnamed') })]),
    ]);
    this.spotTarget.disabled = nothing;
    this.spotButton.disabled = nothing;
    const spot = attention.spotlight;
    this.spotClear.disabled = !spot;
    setText(this.spotState, spot ? t('fac.attention.spot.now', { what: this._spotName(view, spot) }) : t('fac.attention.spot.none'));
    this.spotState.dataset.spotlight = spot ? `${spot.kind}:${spot.id}` : '';

    this.lockButton.setAttribute('aria-pressed', attention.locked ? 'true' : 'false');
    setText(this.lockButton, t(attention.locked ? 'fac.attention.unlock' : 'fac.attention.lock'));
    setText(this.lockState, t(attention.locked ? 'fac.attention.locked' : 'fac.attention.unlocked'));
    this.lockState.dataset.locked = attention.locked ? 'true' : 'false';
    this.el.classList.toggle('locked', Boolean(attention.locked));
  }

  // -- 6. anonymity ---------------------------------------------------------------------------

  _buildAnonymity() {
    this.anonSelect = h('select', { id: 'fac-anonymity', 'data-testid': 'fac-anonymity' });
    this.anonApply = button('fac.anonymity.apply', 'fac-anonymity-apply', () => {
      const mode = this.anonSelect.value;
      if (mode && mode !== (this.model?.view.board?.anonymity ?? 'off')) {
        this._send('anonymity', { type: 'board.anonymity', mode });
      }
    });
    this.anonState = h('p', { class: 'fac-anon-state', 'data-testid': 'fac-anonymity-state', 'aria-live': 'polite' });
    this.anonHelp = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-anonymity-help' });
    return this._section(
      'anonymity',
      'fac.anonymity',
      this.anonState,
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'fac-anonymity', 'data-i18n': 'fac.anonymity.choose', text: t('fac.anonymity.choose') }),
        h('div', { class: 'fac-row fac-inline' }, this.anonSelect, this.anonApply),
      ),
      this.anonHelp,
      h('p', { class: 'muted fac-hint', 'data-i18n': 'fac.anonymity.stricter', text: t('fac.anonymity.stricter') }),
    );
  }

  _renderAnonymity(view) {
    const mode = view.board?.anonymity ?? 'off';
    const key = `${getLang()}|${mode}`;
    if (this.drawn.anon !== key) {
      const choosing = document.activeElement === this.anonSelect;
      options(this.anonSelect, ANONYMITY_MODES.map((m) => [m, t(`fac.anonymity.${m}`)]));
      if (!choosing || this.drawn.anonMode !== mode) this.anonSelect.value = mode;
      this.drawn.anon = key;
      this.drawn.anonMode = mode;
    }
    setText(this.anonState, t('fac.anonymity.now', { mode: t(`fac.anonymity.${mode}`) }));
    this.anonState.dataset.mode = mode;
    setText(this.anonHelp, t(`fac.anonymity.${this.anonSelect.value || mode}.help`));
  }

  // -- 6b. replay: may participants and observers replay the session? -------------------

  _buildReplay() {
    this.replayAllowed = h('input', {
      type: 'checkbox',
      id: 'fac-replay',
      'data-testid': 'fac-replay',
      on: {
        change: () => this._send('replay', { type: 'board.replay', allowed: this.replayAllowed.checked }),
      },
    });
    return this._section(
      'replay',
      'fac.replay',
      h(
        'label',
        { class: 'check', for: 'fac-replay' },
        this.replayAllowed,
        h('span', { 'data-i18n': 'fac.replay.allow', text: t('fac.replay.allow') }),
      ),
      h('p', { class: 'muted fac-hint', 'data-i18n': 'fac.replay.hint', text: t('fac.replay.hint') }),
    );
  }

  _renderReplay(view) {
    const allowed = view.board?.replay === true;
    if (document.activeElement !== this.replayAllowed || this.drawn.replay !== allowed) {
      this.replayAllowed.checked = allowed;
    }
    this.drawn.replay = allowed;
  }

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

const clip = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Run `redraw` (which replaces children of `root`) and give the focus back to the same control. */
export function keepFocus(root, redraw) {
  const active = document.activeElement;
  const had = root.contains(active) ? { testid: active.dataset.testid, id: active.dataset.id } : null;
  redraw();
  if (!had?.testid) return;
  const selector = had.id ? `[data-testid="${had.testid}"][data-id="${had.id}"]` : `[data-testid="${had.testid}"]`;
  root.querySelector(selector)?.focus({ preventScroll: true });
}
