// One note in the phone column, the parts both lists share: the moderation
// line and buttons (docs/collection.md §7), the meta line (frame, kind,
// author, status), the note's colour, and the list kept in order without
// moving elements that did not move (a moved element loses the focus).

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { decisions, flagOffer, moderationMark } from '../moderation/queue.js';
import { KIND_ICONS } from '../board/render.js';
import { COLORS, isMine } from '../core/state.js';

export const btn = (testid, cls, on) => h('button', { type: 'button', class: `btn ${cls}`, 'data-testid': testid, on: { click: on } });
export const shorten = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
export const count = (n, key) => (n === 1 ? t(`${key}.one`) : t(key, { n }));

/** The line over a withheld note: waiting for review, or why it is not shown to others. */
export function modMark() {
  const status = h('strong', { class: 'phone-mod-status' });
  const reason = h('span', { class: 'phone-mod-reason', 'data-testid': 'phone-mod-reason' });
  const el = h('p', { class: 'phone-mod', 'data-testid': 'phone-mod', hidden: true }, status, reason);
  return { el, status, reason };
}

export function drawMark(mod, note, me) {
  const mark = moderationMark(note, { facilitator: me.role === 'facilitator' });
  mod.el.hidden = !mark;
  if (!mark) return;
  mod.el.dataset.status = mark.status;
  setText(mod.status, t(mark.key));
  setText(mod.reason, mark.reason ? ` ${t('mod.reason.given', { reason: mark.reason })}` : '');
}

/** Flag (a participant, on someone else's note) or the facilitator's decisions. */
export function drawModeration(view, item, note, me, label) {
  const offer = flagOffer(view, me.role, me.memberId, note);
  item.flag.hidden = !offer;
  if (offer) {
    setText(item.flag, offer.flagged ? `⚑ ${t('mod.flag.done')}` : `⚑ ${t('mod.flag')}`);
    item.flag.setAttribute('aria-label', t(offer.flagged ? 'mod.flag.done.aria' : 'mod.flag.aria', { text: label }));
    item.flag.setAttribute('aria-pressed', offer.flagged ? 'true' : 'false');
    item.flag.setAttribute('aria-disabled', offer.flagged ? 'true' : 'false');
  }
  const can = new Set(decisions(me.role, note));
  for (const [decision, button] of Object.entries(item.deciders)) {
    button.hidden = !can.has(decision);
    if (!can.has(decision)) continue;
    setText(button, t(`mod.${decision}`));
    button.setAttribute('aria-label', t(`mod.${decision}.aria`, { text: label }));
  }
  item.modRow.hidden = !offer && can.size === 0;
  const flags = me.role === 'facilitator' ? (view.flags?.[note.id] ?? 0) : 0;
  item.el.dataset.flags = String(flags);
}

/** Frame · kind · author (when shown) · status, for one note. */
export function metaText(view, note, own, me = null) {
  const parts = [];
  const frame = note.frame_id ? view.frames[note.frame_id] : null;
  parts.push(frame ? frame.title || t('frame.untitled') : t('list.loose'));
  if (note.kind !== 'idea') parts.push(`${KIND_ICONS[note.kind] ?? ''} ${t(`kind.${note.kind}`)}`);
  if (!own) {
    const author = view.participants[note.author];
    if (author) parts.push(`${author.name || t('member.former')} (${t(`sector.${author.sector}`)})`);
    if (me && isMine(note, me.memberId)) parts.push(t('phone.yours'));
  }
  if (note.private) parts.push(t('phone.private'));
  const flags = me?.role === 'facilitator' ? (view.flags?.[note.id] ?? 0) : 0;
  if (flags) parts.push(count(flags, 'mod.flag.count'));
  if (note.pending) parts.push(t('phone.unsent'));
  return parts.join(' · ');
}

/** The note's colour (css/board/notes.css .note-*) and whether it is still in the outbox. */
export function paint(el, note) {
  for (const c of COLORS) el.classList.toggle(`note-${c}`, note.color === c);
  el.classList.toggle('pending', Boolean(note.pending));
  el.classList.toggle('withheld', Boolean(note.moderation) && note.moderation !== 'published');
  el.dataset.moderation = note.moderation ?? 'published';
}

/** Put `els` in `list` in this order, moving only when the order changed (a moved element loses the focus). */
export function place(list, els) {
  const now = list.children;
  if (now.length === els.length && els.every((el, i) => now[i] === el)) return;
  list.replaceChildren(...els);
}
