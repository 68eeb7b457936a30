// The inside of a note on the canvas, for render.js: its kind, text and author
// line, the marks it shows now and then (seeded, private, moderation, flags)
// and its dot-voting controls or result. DOM only; user text only through
// textContent (dom.js).
//
// A note's inside is the dear part of drawing it, and a large board builds
// hundreds of them while the zoom settles. So a mark gets its element the
// first time the note shows it, not with the note: most notes never show
// most marks, and an element that is not there costs no style, layout or
// paint. Once made, a mark's element stays (hidden when not shown).

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';

/** The note's kind, text and author line (marks and vote controls come when they show). */
export function buildBody(entry) {
  const kindIcon = h('span', { class: 'note-kind-icon', 'aria-hidden': 'true' });
  const kindName = h('span', { class: 'note-kind-name' });
  const kind = h('span', { class: 'note-kind', 'data-testid': 'note-kind' }, kindIcon, kindName);
  const head = h('div', { class: 'note-head', 'aria-hidden': 'true' }, kind);
  const text = h('div', { class: 'note-text' });
  const sector = h('span', { class: 'sector-dot', 'aria-hidden': 'true' });
  const author = h('span', { class: 'note-author' });
  const foot = h('div', { class: 'note-foot' }, sector, author);
  entry.el.prepend(head, text, foot);
  Object.assign(entry, { head, kind, text, foot, author, sector, kindIcon, kindName });
  Object.assign(entry, { seeded: null, flagMark: null, privateMark: null, modMark: null });
}

/**
 * Show the note's marks: `seeded` (bool), `isPrivate` (bool), `mark`
 * (moderation/queue.js moderationMark, or null), `flagText` (the flag badge's
 * text, '' for none) and `flagTitle`. Labels are written every time (the
 * language may have changed); render.js calls this only when something did.
 */
export function drawMarks(entry, { seeded, isPrivate, mark, flagText, flagTitle }) {
  if (seeded || entry.seeded) {
    entry.seeded ??= place(h('span', { class: 'note-seeded', 'data-testid': 'note-seeded' }), entry.head, entry.kind);
    entry.seeded.hidden = !seeded;
    setText(entry.seeded, t('note.seeded.short'));
    entry.seeded.title = t('note.seeded');
  }
  if (flagText || entry.flagMark) {
    // After the seeded badge (moderation.css spaces the two).
    entry.flagMark ??= place(h('span', { class: 'note-flags', 'data-testid': 'note-flags' }), entry.head, entry.head.lastChild);
    entry.flagMark.hidden = !flagText;
    setText(entry.flagMark, flagText);
    entry.flagMark.title = flagTitle;
  }
  if (mark || entry.modMark) {
    // Waiting for review, rejected or hidden, with the facilitator's reason: above the text.
    if (!entry.modMark) {
      entry.modStatus = h('strong', { class: 'note-moderation-status' });
      entry.modReason = h('span', { class: 'note-moderation-reason', 'data-testid': 'note-moderation-reason' });
      const el = h('div', { class: 'note-moderation', 'data-testid': 'note-moderation', 'aria-hidden': 'true' }, entry.modStatus, entry.modReason);
      entry.modMark = place(el, entry.el, entry.head);
    }
    entry.modMark.hidden = !mark;
    if (mark) {
      entry.modMark.dataset.status = mark.status;
      setText(entry.modStatus, t(mark.key));
      setText(entry.modReason, mark.reason);
      entry.modReason.hidden = !mark.reason;
    }
  }
  if (isPrivate || entry.privateMark) {
    // Below the text, above the author line.
    if (!entry.privateMark) {
      entry.privateText = h('span', {});
      const el = h('div', { class: 'note-private', 'data-testid': 'note-private', 'aria-hidden': 'true' }, h('span', { class: 'lock-icon' }), entry.privateText);
      entry.privateMark = place(el, entry.el, entry.text);
    }
    entry.privateMark.hidden = !isPrivate;
    setText(entry.privateText, t('note.private'));
  }
}

/** Insert `el` into `parent` right after `before`; returns `el`. */
function place(el, parent, before) {
  parent.insertBefore(el, before.nextSibling);
  return el;
}

// ---- dot voting on a note ---------------------------------------------------------

/** Show `vote` (voting.js noteVoteInfo) on the note: controls, dots, total or result bar. */
export function drawVote(entry, vote) {
  const { el } = entry;
  const voting = vote?.mode === 'vote';
  el.classList.toggle('vote-out', voting && !vote.inScope);
  el.classList.toggle('vote-in', voting && vote.inScope);
  el.title = voting && !vote.inScope ? t('vote.out_of_scope') : '';

  const pill = voting && vote.inScope && (vote.controls || vote.mine > 0 || vote.total !== null);
  if (pill) {
    entry.vote ??= createVotePill(entry);
    const v = entry.vote;
    v.el.hidden = false;
    v.add.hidden = !vote.controls;
    v.remove.hidden = !vote.controls;
    v.remove.disabled = vote.mine === 0;
    v.add.setAttribute('aria-disabled', vote.full || vote.capped ? 'true' : 'false');
    v.add.setAttribute('aria-label', t('vote.add.aria'));
    v.add.title = t('vote.add.aria');
    v.remove.setAttribute('aria-label', t('vote.remove.aria'));
    v.remove.title = t('vote.remove.aria');
    v.dots.dataset.count = String(vote.mine);
    v.dots.setAttribute('aria-label', t('vote.mine.aria', { n: vote.mine }));
    v.dots.title = t('vote.mine.aria', { n: vote.mine });
    v.dots.classList.toggle('pending', Boolean(vote.pending));
    v.dots.hidden = !vote.controls && vote.mine === 0;
    // One dot per vote; empty rings for what this note may still take (small caps only).
    const rings = vote.controls && vote.cap <= 5 && !vote.full ? vote.cap - vote.mine : 0;
    const dots = [];
    if (vote.mine <= 5) for (let i = 0; i < vote.mine; i++) dots.push(h('span', { class: 'dot' }));
    else dots.push(h('span', { class: 'dot' }), h('span', { class: 'dot-times', text: `×${vote.mine}` }));
    for (let i = 0; i < rings; i++) dots.push(h('span', { class: 'dot ring' }));
    v.dots.replaceChildren(...dots);
    v.total.hidden = vote.total === null;
    if (vote.total !== null) {
      v.total.dataset.count = String(vote.total);
      setText(v.total, `Σ ${vote.total}`);
      v.total.setAttribute('aria-label', t('vote.total.aria', { n: vote.total }));
      v.total.title = t('vote.total.aria', { n: vote.total });
    }
  } else if (entry.vote) {
    entry.vote.el.hidden = true;
  }

  if (vote?.mode === 'result') {
    entry.result ??= createResult(entry);
    const r = entry.result;
    r.el.hidden = false;
    r.el.dataset.votes = String(vote.votes);
    r.el.dataset.rank = String(vote.rank);
    r.fill.style.width = `${Math.round(vote.fraction * 100)}%`;
    const votes = vote.votes === 1 ? t('vote.results.votes.one') : t('vote.results.votes', { n: vote.votes });
    setText(r.count, String(vote.votes));
    r.badge.hidden = vote.votes === 0;
    r.bar.hidden = vote.votes === 0;
    r.badge.classList.toggle('top', vote.rank === 1 && vote.votes > 0);
    r.el.title = t('vote.result.aria', { votes, rank: vote.rank });
    r.badge.setAttribute('aria-label', t('vote.result.aria', { votes, rank: vote.rank }));
  } else if (entry.result) {
    entry.result.el.hidden = true;
  }
}

function createVotePill(entry) {
  const remove = h('button', {
    type: 'button',
    class: 'vote-btn vote-remove',
    'data-testid': 'note-vote-remove',
    'data-vote': '-1',
    text: '−',
  });
  const add = h('button', {
    type: 'button',
    class: 'vote-btn vote-add',
    'data-testid': 'note-vote-add',
    'data-vote': '1',
    text: '+',
  });
  const dots = h('span', { class: 'vote-dots', 'data-testid': 'note-my-dots', 'data-vote': '1', role: 'img' });
  const total = h('span', { class: 'vote-total', 'data-testid': 'note-total', role: 'img' });
  const el = h('div', { class: 'note-vote', 'data-testid': 'note-vote' }, remove, dots, add, total);
  entry.el.append(el);
  return { el, remove, add, dots, total };
}

function createResult(entry) {
  const fill = h('span', { class: 'note-result-fill' });
  const count = h('span', { class: 'note-result-count' });
  const badge = h('span', { class: 'note-result-badge', role: 'img' }, count);
  const bar = h('span', { class: 'note-result-bar' }, fill);
  const el = h('div', { class: 'note-result', 'data-testid': 'note-result' }, bar, badge);
  entry.el.append(el);
  return { el, bar, fill, count, badge };
}

/** Two noteVoteInfo results draw the same (flat objects of plain values). */
export function sameVote(a, b) {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => a[k] === b[k]);
}
