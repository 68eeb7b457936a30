// The facilitators' Share panel (docs/facilitation.md, "Sharing the board"):
// the participant and observer links with copy buttons and QR codes (SVG from
// the server, segno), and "Replace link" for a leaked one, after a confirmation
// that says what happens. The links come from GET /api/boards/{id}/links, which
// only facilitators may read; replacing answers with the new link.
//
// DOM only; user text only ever through textContent (dom.js).

import { copyText, h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';

const ROLES = ['participant', 'observer'];

/** One role's link: label, the link with Copy, its QR code, Replace. */
class LinkCard {
  constructor(role, { onCopy, onReplace }) {
    this.role = role;
    this.link = null;
    const id = `share-link-${role}`;
    this.heading = h('h3', { class: 'share-role' });
    this.label = h('label', { for: id, class: 'visually-hidden' });
    this.input = h('input', { type: 'text', readonly: true, id, class: 'share-link', 'data-testid': `share-link-${role}` });
    this.copy = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `share-copy-${role}`, on: { click: () => onCopy(this) } });
    this.img = h('img', { class: 'share-qr', 'data-testid': `share-qr-${role}`, width: '180', height: '180', alt: '' });
    this.note = h('p', { class: 'muted share-note' });
    this.replace = h('button', {
      type: 'button',
      class: 'btn btn-small btn-ghost share-replace',
      'data-testid': `share-replace-${role}`,
      on: { click: () => onReplace(this) },
    });
    this.el = h(
      'section',
      { class: 'share-card', 'data-testid': `share-card-${role}`, 'aria-labelledby': `share-heading-${role}` },
      this.heading,
      this.label,
      h('div', { class: 'share-row' }, this.input, this.copy),
      this.img,
      this.note,
      this.replace,
    );
    this.heading.id = `share-heading-${role}`;
  }

  texts() {
    setText(this.heading, t(`share.role.${this.role}`));
    setText(this.label, t('share.link.label', { role: t(`share.role.${this.role}`) }));
    setText(this.copy, t('device.copy'));
    setText(this.replace, t('share.replace'));
    this.img.alt = t('share.qr.alt', { role: t(`share.role.${this.role}`).toLowerCase() });
  }

  show(link, qr) {
    this.link = link;
    this.input.value = link ?? '';
    this.copy.disabled = !link;
    this.img.hidden = !qr;
    if (qr) this.img.src = qr;
    setText(this.note, link ? '' : t('share.unknown'));
  }
}

export class ShareDialog {
  /**
   * `api(path, init)` calls the board's REST API as this member and resolves
   * to the Response; `qr(role)` to a data: URL of the role's QR code.
   */
  constructor({ api, qr }) {
    this.api = api;
    this.qr = qr;
    this.pending = null; // the card whose link waits for "Replace" to be confirmed
    this.heading = h('h2', { id: 'share-heading' });
    this.intro = h('p', {});
    this.status = h('p', { class: 'muted', role: 'status', 'data-testid': 'share-status' });
    this.cards = ROLES.map(
      (role) => new LinkCard(role, { onCopy: (card) => this.copy(card), onReplace: (card) => this.ask(card) }),
    );
    this.confirmText = h('p', { 'data-testid': 'share-confirm-text' });
    this.confirmYes = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'share-confirm', on: { click: () => this.replace() } });
    this.confirmNo = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'share-cancel', on: { click: () => this.cancel() } });
    this.confirm = h(
      'div',
      { class: 'share-confirm', role: 'alertdialog', 'aria-labelledby': 'share-confirm-text', hidden: true, 'data-testid': 'share-confirm-box' },
      this.confirmText,
      h('div', { class: 'actions' }, this.confirmNo, this.confirmYes),
    );
    this.close = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'share-close', on: { click: () => this.el.close() } });
    this.el = h(
      'dialog',
      { class: 'dialog share-dialog', 'data-testid': 'share-dialog', 'aria-labelledby': 'share-heading' },
      this.heading,
      this.intro,
      h('div', { class: 'share-cards' }, ...this.cards.map((c) => c.el)),
      this.confirm,
      this.status,
      h('div', { class: 'actions' }, this.close),
    );
    document.body.append(this.el);
  }

  async open() {
    setText(this.heading, t('share.heading'));
    setText(this.intro, t('share.intro'));
    setText(this.close, t('device.close'));
    setText(this.confirmNo, t('share.cancel'));
    setText(this.confirmYes, t('share.confirm'));
    for (const card of this.cards) card.texts();
    this.cancel();
    setText(this.status, t('device.loading'));
    this.el.showModal();
    try {
      const response = await this.api('links');
      if (!response.ok) throw new Error(`links ${response.status}`);
      const links = await response.json();
      await Promise.all(this.cards.map(async (card) => card.show(links[card.role], links[card.role] ? await this.qr(card.role) : null)));
      setText(this.status, '');
      this.cards[0].copy.focus();
    } catch {
      setText(this.status, t('share.failed'));
    }
  }

  async copy(card) {
    setText(this.status, (await copyText(card.link)) ? t('device.copied') : t('device.copy_failed'));
  }

  ask(card) {
    this.pending = card;
    setText(this.confirmText, t('share.confirm.text', { role: t(`share.role.${card.role}`).toLowerCase() }));
    setText(this.status, '');
    this.confirm.hidden = false;
    this.confirm.scrollIntoView({ block: 'nearest' });
    this.confirmNo.focus();
  }

  cancel() {
    const card = this.pending;
    this.pending = null;
    this.confirm.hidden = true;
    card?.replace.focus();
  }

  async replace() {
    const card = this.pending;
    if (!card) return;
    this.pending = null;
    this.confirm.hidden = true;
    setText(this.status, t('device.loading'));
    try {
      const response = await this.api(`links/${card.role}/replace`, { method: 'POST' });
      if (!response.ok) throw new Error(`replace ${response.status}`);
      const { link } = await response.json();
      card.show(link, await this.qr(card.role));
      setText(this.status, t('share.replaced', { role: t(`share.role.${card.role}`) }));
      card.copy.focus();
    } catch {
      setText(this.status, t('share.failed'));
    }
  }
}
