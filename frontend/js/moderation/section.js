// Moderation on the page (docs/collection.md §7), DOM only:
// - ModerationSection: the facilitator panel's section — the approval switch,
//   the notes-per-minute limit, the queue ("N waiting") with approve / reject,
//   rejected and hidden notes (approve, restore) and flagged notes (hide);
// - ReasonDialog: asks for the reason the author will read (reject, hide).
// What to do goes back through callbacks; user text only ever through
// textContent (dom.js). What to offer is decided in queue.js.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { keepFocus } from '../facilitation/panel.js';
import { NOTES_PER_MINUTE_MAX, REASON_MAX } from '../core/state.js';
import { decisions, moderationLists, parseRate, reasonTooLong } from './queue.js';

const count = (n, key) => (n === 1 ? t(`${key}.one`) : t(key, { n }));
const clip = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** A note's words for a list or a label. */
export const noteWords = (note) => note.text.trim() || t('note.empty');

/** Frame · author (sector) — as far as this facilitator may see the author. */
export function noteWhere(view, note) {
  const parts = [];
  const frame = note.frame_id ? view.frames[note.frame_id] : null;
  parts.push(frame ? frame.title || t('frame.untitled') : t('list.loose'));
  const author = view.participants[note.author];
  if (author) parts.push(t('mod.by', { name: `${author.name} (${t(`sector.${author.sector}`)})` }));
  return parts.join(' · ');
}

export class ReasonDialog {
  constructor() {
    this.heading = h('h2', { id: 'mod-dialog-heading' });
    this.intro = h('p', { class: 'muted' });
    this.quote = h('blockquote', { class: 'mod-quote', 'data-testid': 'mod-dialog-note' });
    this.label = h('label', { for: 'mod-reason' });
    this.reason = h('textarea', {
      id: 'mod-reason',
      'data-testid': 'mod-reason',
      rows: '3',
      maxlength: String(REASON_MAX),
      autocomplete: 'off',
    });
    this.error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'mod-reason-error', hidden: true });
    this.cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'mod-dialog-cancel' });
    this.submit = h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'mod-dialog-submit' });
    this.form = h(
      'form',
      { method: 'dialog', novalidate: true },
      this.heading,
      this.quote,
      this.intro,
      h('div', { class: 'field' }, this.label, this.reason),
      this.error,
      h('div', { class: 'actions' }, this.cancel, this.submit),
    );
    this.el = h('dialog', { class: 'dialog mod-dialog', 'data-testid': 'mod-dialog', 'aria-labelledby': 'mod-dialog-heading' }, this.form);
    document.body.append(this.el);
    this.answer = null;
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (reasonTooLong(this.reason.value)) {
        this.error.hidden = false;
        setText(this.error, t('mod.dialog.reason.long'));
        return;
      }
      this.answer = this.reason.value.trim();
      this.el.close();
    });
    this.cancel.addEventListener('click', () => this.el.close());
    // Ctrl+Enter sends from the text field, as in the note editor.
    this.reason.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.form.requestSubmit();
      }
    });
  }

  /** Ask for the reason to `decision` (`reject` or `hide`) `note`; resolves to it, or null when cancelled. */
  ask(decision, note) {
    setText(this.heading, t(`mod.dialog.${decision}`));
    setText(this.intro, t(`mod.dialog.${decision}.intro`));
    setText(this.quote, noteWords(note));
    setText(this.label, t('mod.dialog.reason'));
    this.reason.placeholder = t('mod.dialog.reason.placeholder');
    setText(this.cancel, t('mod.dialog.cancel'));
    setText(this.submit, t(`mod.dialog.${decision}.submit`));
    this.el.dataset.decision = decision;
    this.reason.value = '';
    this.error.hidden = true;
    this.answer = null;
    return new Promise((resolve) => {
      this.el.addEventListener('close', () => resolve(this.answer), { once: true });
      this.el.showModal();
      this.reason.focus();
    });
  }
}

export class ModerationSection {
  /**
   * The facilitator's moderation, as a section of the facilitator panel.
   * `send(command)`; `decide(decision, noteId)` (asks for a reason where one
   * is needed); `show(noteId)`: bring the note into view on the board.
   */
  constructor({ send, decide, show }) {
    this.send = send;
    this.decide = decide;
    this.showNote = show;
    this.view = null;
    this.drawn = '';
    this.approval = h('input', {
      type: 'checkbox',
      id: 'mod-approval',
      'data-testid': 'mod-approval',
      on: { change: () => this._setting({ approval: this.approval.checked }) },
    });
    this.approvalLabel = h('span', {});
    this.approvalHint = h('p', { class: 'muted fac-hint' });
    this.rate = h('input', {
      type: 'number',
      id: 'mod-rate',
      'data-testid': 'mod-rate',
      min: '1',
      max: String(NOTES_PER_MINUTE_MAX),
      step: '1',
      inputmode: 'numeric',
      on: {
        keydown: (e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            this._applyRate();
          }
        },
      },
    });
    this.rateLabel = h('label', { for: 'mod-rate' });
    this.rateApply = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'mod-rate-apply', on: { click: () => this._applyRate() } });
    this.rateState = h('p', { class: 'muted fac-hint', 'data-testid': 'mod-rate-state' });
    this.rateHint = h('p', { class: 'muted fac-hint' });
    this.state = h('p', { class: 'fac-big-line', 'data-testid': 'mod-count', 'aria-live': 'polite' });
    this.lists = h('div', { class: 'mod-lists' });
    this.error = h('p', { class: 'form-error fac-error', 'data-testid': 'mod-error', role: 'alert', hidden: true });
    this.heading = h('h3', {});
    this.el = h(
      'details',
      { class: 'fac-section fac-moderation', 'data-testid': 'fac-section-moderation', open: true },
      h('summary', {}, this.heading),
      this.state,
      h('label', { class: 'check', for: 'mod-approval' }, this.approval, this.approvalLabel),
      this.approvalHint,
      h('div', { class: 'field' }, this.rateLabel, h('div', { class: 'fac-row fac-inline' }, this.rate, this.rateApply)),
      this.rateState,
      this.rateHint,
      this.error,
      this.lists,
    );
  }

  _board() {
    return this.view?.board ?? {};
  }

  _setting(change) {
    const board = this._board();
    this.showError(null);
    this.send({
      type: 'board.moderation',
      approval: board.approval === true,
      notes_per_minute: board.notes_per_minute ?? null,
      ...change,
    });
  }

  _applyRate() {
    const parsed = parseRate(this.rate.value);
    if (parsed.problem) {
      this.showError(t('mod.rate.error'));
      return;
    }
    if (parsed.value !== (this._board().notes_per_minute ?? null)) this._setting({ notes_per_minute: parsed.value });
  }

  showError(text) {
    this.error.hidden = !text;
    setText(this.error, text ?? '');
  }

  render(view) {
    this.view = view;
    const board = view.board ?? {};
    const lists = moderationLists(view);
    const waiting = lists.waiting.length;
    setText(this.heading, waiting ? t('mod.heading.count', { n: waiting }) : t('mod.heading'));
    setText(this.state, waiting ? count(waiting, 'mod.count') : t('mod.count.none'));
    this.state.dataset.count = String(waiting);
    setText(this.approvalLabel, t('mod.approval'));
    setText(this.approvalHint, t('mod.approval.hint'));
    setText(this.rateLabel, t('mod.rate'));
    setText(this.rateApply, t('mod.rate.apply'));
    setText(this.rateHint, t('mod.rate.hint'));
    const limit = board.notes_per_minute ?? null;
    setText(this.rateState, limit ? t('mod.rate.now', { n: limit }) : t('mod.rate.none'));
    if (document.activeElement !== this.approval) this.approval.checked = board.approval === true;
    // The field follows the server, but never under the person typing in it.
    if (document.activeElement !== this.rate && this.rate.dataset.shown !== String(limit)) {
      this.rate.value = limit ? String(limit) : '';
      this.rate.dataset.shown = String(limit);
    }

    const key = JSON.stringify([
      t('mod.heading'),
      ['waiting', 'rejected', 'hidden'].map((k) => lists[k].map((n) => [n.id, n.text, n.reason, n.frame_id, n.author])),
      lists.flagged.map(({ note, count: c }) => [note.id, note.text, c]),
      Object.values(view.frames).map((f) => [f.id, f.title]),
    ]);
    if (key === this.drawn) return;
    this.drawn = key;
    keepFocus(this.lists, () =>
      this.lists.replaceChildren(
        this._list('waiting', lists.waiting, t('mod.waiting', { n: waiting }), t('mod.waiting.none')),
        this._list('rejected', lists.rejected, t('mod.rejected', { n: lists.rejected.length })),
        this._list('hidden', lists.hidden, t('mod.hidden', { n: lists.hidden.length })),
        this._list(
          'flagged',
          lists.flagged.map((f) => f.note),
          t('mod.flagged', { n: lists.flagged.length }),
          t('mod.flagged.none'),
          Object.fromEntries(lists.flagged.map((f) => [f.note.id, f.count])),
        ),
      ),
    );
  }

  /** One list under its heading; an empty one shows `empty`, or nothing without it. */
  _list(kind, notes, heading, empty = null, flags = {}) {
    if (notes.length === 0 && !empty) return h('div', { hidden: true });
    const items = notes.map((note) => this._row(kind, note, flags[note.id] ?? 0));
    return h(
      'section',
      { class: `mod-list mod-${kind}`, 'data-testid': `mod-${kind}` },
      h('h4', { class: 'mod-list-heading', text: heading }),
      notes.length ? h('ul', { class: 'mod-items' }, ...items) : h('p', { class: 'muted', text: empty }),
    );
  }

  _row(kind, note, flags) {
    const words = noteWords(note);
    const label = clip(words);
    const meta = [noteWhere(this.view, note)];
    if (flags) meta.push(count(flags, 'mod.flag.count'));
    const buttons = decisions('facilitator', note).map((decision) =>
      h('button', {
        type: 'button',
        class: `btn btn-small ${decision === 'approve' || decision === 'restore' ? 'btn-primary' : ''}`,
        'data-testid': `mod-${decision}`,
        'data-id': note.id,
        text: t(`mod.${decision}`),
        'aria-label': t(`mod.${decision}.aria`, { text: label }),
        on: { click: () => this.decide(decision, note.id) },
      }),
    );
    buttons.push(
      h('button', {
        type: 'button',
        class: 'btn btn-small btn-ghost',
        'data-testid': 'mod-show',
        'data-id': note.id,
        text: t('mod.show'),
        'aria-label': t('mod.show.aria', { text: label }),
        on: { click: () => this.showNote(note.id) },
      }),
    );
    return h(
      'li',
      { class: `mod-item mod-item-${kind}`, 'data-testid': 'mod-item', 'data-id': note.id, 'data-status': note.moderation ?? 'published' },
      h('p', { class: 'mod-item-text', text: words }),
      h('p', { class: 'muted mod-item-meta', text: meta.join(' · ') }),
      note.reason ? h('p', { class: 'mod-item-reason', 'data-testid': 'mod-item-reason', text: t('mod.reason.given', { reason: note.reason }) }) : null,
      h('div', { class: 'fac-row' }, ...buttons),
    );
  }
}
