// Moderation on the board page (docs/collection.md §7): the facilitator
// panel's section, the count of waiting notes on the panel's button, and the
// note tools for moderation (approve, reject, hide, restore for facilitators;
// flag for participants) in the board's selection bar. The marks on the notes
// themselves are drawn by render.js (the canvas) and phone/mount.js (the column).
//
// Nothing here decides anything: commands go out through the board's `send`
// and the server decides (backend/samskapa/domain/moderation.py).

import { errorText, toast } from '../core/dialogs.js';
import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { late } from '../core/page.js';
import { decisionCommand, decisions, flagOffer, moderationLists, waitingCount } from './queue.js';
import { ModerationSection, noteWords, ReasonDialog } from './section.js';

const MODERATION_COMMANDS = new Set(['board.moderation', 'note.approve', 'note.reject', 'note.hide', 'note.restore']);
const clip = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * `page`: {facPanelEl, facToggle, tools ({approve, reject, hide, restore, flag}:
 * the selection bar's buttons), view() (the predicted state), selected() (the
 * selected note's id), role(), memberId(), send(command), showNote(id),
 * toast(text), errorText(code, message), rerender()}.
 * Returns {render(view), renderTools(view, note), decide(decision, noteId),
 * flag(noteId), rejected(command, code, message)}.
 */
export function mount(page) {
  const dialog = new ReasonDialog();

  /** Approve, restore at once; reject and hide after asking for the reason the author will read. */
  async function decide(decision, noteId) {
    const note = page.view()?.notes[noteId];
    if (!note || !decisions(page.role(), note).includes(decision)) return;
    let reason = '';
    if (decision === 'reject' || decision === 'hide') {
      const back = document.activeElement;
      reason = await dialog.ask(decision, note);
      back?.focus?.({ preventScroll: true });
      if (reason === null) return;
    }
    section.showError(null);
    page.send(decisionCommand(decision, noteId, reason));
  }

  /** Flag a note for the facilitators; true when sent (the caller says so, in its own place). */
  function flag(noteId) {
    const view = page.view();
    const note = view?.notes[noteId];
    const offer = note ? flagOffer(view, page.role(), page.memberId(), note) : null;
    if (!offer || offer.flagged) return false;
    page.send({ type: 'note.flag', note_id: noteId });
    return true;
  }

  const section = new ModerationSection({
    send: (command) => page.send(command),
    decide,
    show: (id) => page.showNote(id),
  });
  page.facPanelEl.insertBefore(section.el, page.facPanelEl.querySelector('.fac-agenda'));
  let folded = false; // the section's first fold is decided once, on the first render

  // "3" on the panel's button: a facilitator with the panel closed sees that notes wait.
  const badge = h('span', { class: 'fac-toggle-badge', 'data-testid': 'mod-badge', hidden: true });
  page.facToggle.append(badge);

  const { tools } = page;
  for (const decision of ['approve', 'reject', 'hide', 'restore']) {
    tools[decision].addEventListener('click', () => {
      const id = page.selected();
      if (id) decide(decision, id);
    });
  }
  tools.flag.addEventListener('click', () => {
    const id = page.selected();
    if (id && flag(id)) page.toast(t('mod.flag.sent'));
  });

  return {
    decide,
    flag,

    render(view) {
      const facilitator = page.role() === 'facilitator';
      section.el.hidden = !facilitator;
      const waiting = facilitator ? waitingCount(view) : 0;
      badge.hidden = waiting === 0;
      setText(badge, String(waiting));
      badge.dataset.count = String(waiting);
      const badgeLabel = waiting === 1 ? t('mod.toggle.badge.one') : t('mod.toggle.badge', { n: waiting });
      badge.title = waiting ? badgeLabel : '';
      // The button's name says it too, for a screen reader.
      if (waiting) page.facToggle.setAttribute('aria-description', badgeLabel);
      else page.facToggle.removeAttribute('aria-description');
      if (!facilitator) return;
      if (!folded && view.board) {
        folded = true;
        const lists = moderationLists(view);
        const busy = view.board.approval === true || Object.values(lists).some((list) => list.length > 0);
        section.el.open = busy;
      }
      section.render(view);
    },

    /** Show the moderation tools that fit `note` (the selected one) in the selection bar. */
    renderTools(view, note) {
      const can = new Set(decisions(page.role(), note));
      for (const decision of ['approve', 'reject', 'hide', 'restore']) tools[decision].hidden = !can.has(decision);
      const offer = note ? flagOffer(view, page.role(), page.memberId(), note) : null;
      tools.flag.hidden = !offer;
      if (offer) {
        const text = clip(noteWords(note));
        setText(tools.flag, t(offer.flagged ? 'mod.flag.done' : 'mod.flag'));
        tools.flag.setAttribute('aria-pressed', offer.flagged ? 'true' : 'false');
        tools.flag.setAttribute('aria-label', t(offer.flagged ? 'mod.flag.done.aria' : 'mod.flag.aria', { text }));
        tools.flag.setAttribute('aria-disabled', offer.flagged ? 'true' : 'false');
      }
      if (note) {
        const text = clip(noteWords(note));
        for (const decision of can) tools[decision].setAttribute('aria-label', t(`mod.${decision}.aria`, { text }));
      }
    },

    /** A refused moderation command: say why in the section (true), else leave it to the page (false). */
    rejected(command, code, message) {
      if (!MODERATION_COMMANDS.has(command?.type) || page.role() !== 'facilitator') return false;
      section.showError(page.errorText(code, message));
      section.el.open = true;
      return true;
    },
  };
}

/** Moderation on the board page: the panel's queue, the waiting count on its button, the note tools. */
export function mountOnBoard(page) {
  const { ui, dom, $ } = page;
  const { currentView, send, bringNote } = late(page);
  return mount({
    facPanelEl: $('fac-panel'),
    facToggle: dom.facToggle,
    tools: {
      approve: $('note-approve'),
      reject: $('note-reject'),
      hide: $('note-hide'),
      restore: $('note-restore'),
      flag: $('note-flag'),
    },
    view: () => (ui.conn ? currentView() : null),
    selected: () => ui.selectedId,
    role: () => ui.role,
    memberId: () => ui.member?.member_id ?? null,
    send,
    showNote: bringNote,
    toast,
    errorText,
  });
}
