// The banner over the board while a dot-vote round is open: the round, the
// votes left, "I'm done" / "I abstain" / "Back to voting" and a hint. DOM only;
// what to do goes back through `actions`.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { roundTitle } from './results.js';
import { canVote, myStatus, openRound, votesLeft } from './voting.js';

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
