// The panel's agenda editor: a draft of the steps (presets, order, rules,
// minutes, the frame and note kind of a step), checked before it is saved.

import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { TITLE_MAX } from '../core/state.js';
import { button, errorLine, fieldFor, keepFocus, label, minutesText, options } from './panel-parts.js';
import { agendaProblem, cleanStep, EDIT_SCOPES, INSTRUCTIONS_MAX, MAX_STEPS, MINUTES_MAX, moveItem, newStepId, PRESETS, RULE_FLAGS, WRITE_MODES } from './rules.js';

/** Methods of FacilitatorPanel (panel.js mixes them in). */
export class AgendaEditorSection {
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
}
