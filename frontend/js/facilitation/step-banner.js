// The step banner under the mission card: the agenda step that runs now, its
// instructions, what a participant may do in it, the shared countdown, how
// many notes are being written privately, and "I'm done".
//
// It never takes the focus and never touches the note editor: a step change
// while someone types only changes these words.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { currentStep, formatClock, may, stepRules, timerLeft } from '../core/state.js';

/** The words for what participants may do under `rules` (an array, in order). */
export function allowedWords(rules) {
  const words = [];
  if (rules.write === 'open') words.push(t('step.may.write'));
  if (rules.write === 'private') words.push(t('step.may.write_private'));
  if (rules.edit === 'all') words.push(t('step.may.edit_all'));
  if (rules.edit === 'own') words.push(t('step.may.edit_own'));
  if (rules.group) words.push(t('step.may.group'));
  if (rules.link) words.push(t('step.may.link'));
  if (rules.vote) words.push(t('step.may.vote'));
  return words;
}

export class StepBanner {
  /**
   * `el`: the banner element; `onReady(ready)`: the person pressed "I'm done";
   * `onGoToFrame(frameId)`: they asked to see the frame the step is about.
   */
  constructor(el, { onReady, onGoToFrame }) {
    this.el = el;
    this.onReady = onReady;
    this.onGoToFrame = onGoToFrame;
    this.timerEndsAt = null; // the ends_at the "time is up" was announced for
    this.announced = null;
    this.build();
  }

  build() {
    this.position = h('span', { class: 'step-position' });
    this.title = h('h2', { class: 'step-title', 'data-testid': 'step-title' });
    this.clock = h('span', { class: 'step-timer', 'data-testid': 'step-timer', role: 'timer' });
    this.lock = h(
      'span',
      { class: 'lock-badge', 'data-testid': 'lock-badge', hidden: true },
      h('span', { class: 'lock-icon', 'aria-hidden': 'true' }),
      h('span', { class: 'lock-text' }),
    );
    this.instructions = h('p', { class: 'step-instructions', 'data-testid': 'step-instructions' });
    this.allowed = h('p', { class: 'step-allowed', 'data-testid': 'step-allowed' });
    this.goToFrame = h('button', {
      type: 'button',
      class: 'btn btn-small btn-ghost step-frame',
      'data-testid': 'step-frame',
      on: { click: () => this.frameId && this.onGoToFrame(this.frameId) },
    });
    this.privateCount = h('p', { class: 'step-private', 'data-testid': 'private-count' });
    this.readyCount = h('span', { class: 'step-ready-count', 'data-testid': 'ready-count' });
    this.readyBtn = h('button', {
      type: 'button',
      class: 'btn btn-small step-ready',
      'data-testid': 'step-ready',
      'aria-pressed': 'false',
      on: { click: () => this.onReady(this.readyBtn.getAttribute('aria-pressed') !== 'true') },
    });
    // Said once when the time is up; the clock itself is not read aloud every second.
    this.foot = h('div', { class: 'step-foot' }, this.privateCount, h('div', { class: 'step-ready-row' }, this.readyCount, this.readyBtn));
    this.live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'step-live' });
    this.el.replaceChildren(
      h('div', { class: 'step-top' }, h('div', { class: 'step-heading' }, this.position, this.title), this.clock, this.lock),
      this.instructions,
      this.allowed,
      this.goToFrame,
      this.foot,
      this.live,
    );
  }

  /** Draw for `view` (a state); `me`: {memberId, role}; `serverNow`: ms on the server's clock. */
  render(view, me, serverNow) {
    const step = currentStep(view);
    const locked = Boolean(view.attention?.locked);
    const timer = timerLeft(view.timer, serverNow, 0);
    const show = Boolean(step) || Boolean(timer) || locked || view.private_count > 0;
    this.el.hidden = !show;
    document.body.classList.toggle('has-step', show);
    if (!show) return;
    const index = step ? view.agenda.findIndex((s) => s.id === step.id) : -1;
    setText(this.position, step ? t('step.position', { n: index + 1, of: view.agenda.length }) : '');
    this.position.hidden = !step;
    setText(this.title, step ? step.title : locked ? t('step.locked.title') : t('step.free'));
    setText(this.instructions, step?.instructions ?? '');
    this.instructions.hidden = !step?.instructions;

    const participant = me.role === 'participant';
    let allowed = '';
    if (me.role === 'observer') allowed = t('step.observer');
    else if (locked && participant) allowed = t('step.locked');
    else if (participant && step) {
      const words = allowedWords(stepRules(view));
      allowed = words.length ? `${t('step.may')} ${words.join(' · ')}` : t('step.read_only');
    } else if (me.role === 'facilitator' && step) {
      const words = allowedWords(stepRules(view));
      allowed = `${t('step.participants_may')} ${words.length ? words.join(' · ') : t('step.nothing')}`;
    }
    setText(this.allowed, allowed);
    this.allowed.hidden = !allowed;

    // The step is about one frame: offer to go there (never move anyone's view unasked).
    const frame = step?.frame_id ? view.frames[step.frame_id] : null;
    this.frameId = frame ? frame.id : null;
    setText(this.goToFrame, frame ? `→ ${t('step.frame.go', { title: frame.title || t('step.frame.untitled') })}` : '');
    this.goToFrame.hidden = !frame;

    setText(this.lock.lastChild, t('board.locked'));
    this.lock.hidden = !locked;
    this.lock.title = t('board.locked.help');

    const writing = view.private_count;
    setText(this.privateCount, writing === 1 ? t('step.private.one') : t('step.private', { n: writing }));
    this.privateCount.hidden = !(writing > 0);

    const ready = step ? (view.ready?.[step.id] ?? 0) : 0;
    const mine = Boolean(step && view.myReady?.[step.id]);
    setText(this.readyCount, step ? t('step.ready.count', { n: ready }) : '');
    this.readyCount.hidden = !step || (participant && ready === 0);
    this.readyBtn.hidden = !step || !participant || !may(view, me.role, me.memberId, 'ready');
    this.readyBtn.setAttribute('aria-pressed', mine ? 'true' : 'false');
    this.readyBtn.classList.toggle('pending', Boolean(view.readyPending));
    setText(this.readyBtn, mine ? `✔ ${t('step.ready.done')}` : t('step.ready'));
    this.readyBtn.title = mine ? t('step.ready.undo') : '';
    this.foot.hidden = this.privateCount.hidden && this.readyCount.hidden && this.readyBtn.hidden;
    this.el.dataset.step = step?.id ?? '';
    this.tick(view.timer, serverNow);
  }

  /** Update the countdown only (call every second). */
  tick(timerState, serverNow) {
    const timer = timerLeft(timerState, serverNow, 0);
    this.clock.hidden = !timer;
    if (!timer) {
      this.el.classList.remove('time-up', 'timer-paused');
      return;
    }
    setText(this.clock, formatClock(timer.remainingMs));
    this.clock.setAttribute('aria-label', t(timer.paused ? 'step.timer.paused.aria' : 'step.timer.aria', { time: formatClock(timer.remainingMs) }));
    this.el.classList.toggle('timer-paused', timer.paused);
    const up = timer.running && timer.remainingMs <= 0;
    this.el.classList.toggle('time-up', up);
    if (up && this.announced !== timerState.ends_at) {
      this.announced = timerState.ends_at;
      setText(this.live, t('step.timer.up'));
    } else if (!up && this.live.textContent) {
      setText(this.live, '');
    }
  }
}
