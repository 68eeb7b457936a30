// The panel's agenda: the steps, which runs now, going to the previous or next.

import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { button, keepFocus, minutesText } from './panel-parts.js';
import { neighbourStep, rulesSummary } from './rules.js';

/** Methods of FacilitatorPanel (panel.js mixes them in). */
export class AgendaSection {
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
}
