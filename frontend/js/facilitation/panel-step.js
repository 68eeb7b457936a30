// The panel's sections about the step under way: the timer (and its clock on
// the panel's button), silent writing and the reveal, readiness.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { currentStep, formatClock, timerLeft } from '../core/state.js';
import { button } from './panel-parts.js';
import { fullRules, readiness, TIMER_SECONDS_MAX, timerPhase, timerSeconds } from './rules.js';

/** Methods of FacilitatorPanel (panel.js mixes them in). */
export class StepSections {
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
}
