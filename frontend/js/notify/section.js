// "Notifications" in the facilitator panel (docs/collection.md §7): where a
// digest, a reminder before the deadline and the close are sent, and a test.
// Talks to REST (/api/boards/{id}/notifications), not the websocket: the
// settings are not part of the board. The saved webhook URL is never shown
// (the server does not send it back): only that one is set and its host.
// DOM only; user text through textContent (dom.js). Rules in settings.js.

import { errorText } from '../core/dialogs.js';
import { h, readError, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { DIGEST_HOURS, FORMATS, channelState, formProblem, parseEmails, requestBody } from './settings.js';

const LOCALES = { sv: 'sv-SE', en: 'en-GB' };
// After a save or a test, look again this often and this many times to show how delivery went.
const FOLLOW_MS = 1500;
const FOLLOW_TIMES = 8;

function timeOf(ms) {
  return new Intl.DateTimeFormat(LOCALES[getLang()] ?? 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));
}

function field(id, labelKey, control) {
  const label = h('label', { for: id, 'data-i18n': labelKey, text: t(labelKey) });
  return h('div', { class: 'field' }, label, control);
}

function btn(key, testid, onClick, cls = 'btn btn-small') {
  return h('button', { type: 'button', class: cls, 'data-testid': testid, 'data-i18n': key, text: t(key), on: { click: onClick } });
}

export class NotificationsSection {
  /** `api(path, init)`: fetch on this board with the member's credential; `errorText(code, message)`. */
  constructor({ api, errorText }) {
    this.api = api;
    this.errorText = errorText;
    this.settings = null;
    this.follow = null;
    this.enabled = h('input', { type: 'checkbox', id: 'notify-enabled', 'data-testid': 'notify-enabled' });
    this.url = h('input', {
      type: 'url',
      id: 'notify-webhook',
      'data-testid': 'notify-webhook',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'https://hooks.slack.com/services/…',
    });
    this.saved = h('p', { class: 'fac-hint', 'data-testid': 'notify-webhook-saved' });
    this.remove = btn('notify.webhook.remove', 'notify-webhook-remove', () => this._save({ removeUrl: true }), 'btn btn-small btn-ghost');
    this.format = h('select', { id: 'notify-format', 'data-testid': 'notify-format' });
    this.emails = h('textarea', { id: 'notify-emails', 'data-testid': 'notify-emails', rows: '2', autocomplete: 'off', spellcheck: 'false' });
    this.emailsField = field('notify-emails', 'notify.emails', this.emails);
    this.noSmtp = h('p', { class: 'muted fac-hint', 'data-testid': 'notify-no-smtp', 'data-i18n': 'notify.emails.off', text: t('notify.emails.off') });
    this.digest = h('select', { id: 'notify-digest', 'data-testid': 'notify-digest' });
    this.save = btn('notify.save', 'notify-save', () => this._save({}), 'btn btn-small btn-primary');
    this.test = btn('notify.test', 'notify-test', () => this._test());
    this.state = h('ul', { class: 'notify-state', 'data-testid': 'notify-state', 'aria-live': 'polite' });
    this.error = h('p', { class: 'form-error', 'data-testid': 'notify-error', role: 'alert', hidden: true });
    const enabledLabel = h(
      'label',
      { class: 'check', for: 'notify-enabled' },
      this.enabled,
      h('span', { 'data-i18n': 'notify.enabled', text: t('notify.enabled') }),
    );
    this.el = h(
      'details',
      { class: 'fac-section fac-notify', 'data-testid': 'fac-section-notify' },
      h('summary', {}, h('h3', { 'data-i18n': 'notify.heading', text: t('notify.heading') })),
      h('p', { class: 'muted fac-hint', 'data-i18n': 'notify.hint', text: t('notify.hint') }),
      enabledLabel,
      field('notify-webhook', 'notify.webhook', this.url),
      h('div', { class: 'fac-row' }, this.saved, this.remove),
      field('notify-format', 'notify.format', this.format),
      this.emailsField,
      this.noSmtp,
      field('notify-digest', 'notify.digest', this.digest),
      h('div', { class: 'fac-row' }, this.save, this.test),
      this.state,
      this.error,
    );
    // Loaded when first opened: most visits to the panel are not about this.
    this.el.addEventListener('toggle', () => {
      if (this.el.open && this.settings === null) this.load();
    });
  }

  showError(text) {
    this.error.hidden = !text;
    setText(this.error, text ?? '');
  }

  async _call(path, init) {
    try {
      const response = await this.api(path, init);
      if (!response.ok) {
        const body = await readError(response);
        this.showError(this.errorText(body.code, body.message));
        return null;
      }
      return await response.json();
    } catch {
      this.showError(t('error.network'));
      return null;
    }
  }

  async load() {
    const settings = await this._call('notifications');
    if (settings) this._show(settings, true);
  }

  async _save({ removeUrl = false }) {
    const emails = parseEmails(this.emails.value);
    const form = { webhookUrl: removeUrl ? '' : this.url.value, emails, smtp: this.settings?.smtp ?? false };
    const problem = formProblem(form);
    if (problem) {
      this.showError(this.errorText(problem));
      return;
    }
    this.showError(null);
    const body = requestBody({
      enabled: this.enabled.checked,
      webhookUrl: this.url.value,
      removeUrl,
      format: this.format.value,
      emails,
      digestHours: Number(this.digest.value),
    });
    const settings = await this._call('notifications', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!settings) return;
    this.url.value = '';
    this._show(settings, true);
  }

  async _test() {
    this.showError(null);
    const sent = await this._call('notifications/test', { method: 'POST' });
    if (sent) this._followDelivery();
  }

  /** Look again a few times, so the facilitator sees the test arrive (or fail). */
  _followDelivery() {
    clearInterval(this.follow);
    let left = FOLLOW_TIMES;
    this.follow = setInterval(async () => {
      left -= 1;
      const settings = await this._call('notifications');
      if (settings) this._show(settings, false);
      const waiting = settings && Object.values(settings.status).some((s) => s.pending > 0);
      if (left <= 0 || !waiting) clearInterval(this.follow);
    }, FOLLOW_MS);
  }

  _show(settings, fill) {
    this.settings = settings;
    if (fill) {
      this.enabled.checked = settings.enabled;
      this.emails.value = settings.emails.join('\n');
      this.format.value = settings.webhook.format;
      this.digest.value = String(settings.digest_hours);
    }
    this.render();
  }

  /** Words in the current language (also after switching it). */
  render() {
    const s = this.settings;
    const keep = { format: this.format.value || s?.webhook.format || 'auto', digest: this.digest.value || String(s?.digest_hours ?? 24) };
    this.format.replaceChildren(...FORMATS.map((f) => h('option', { value: f, text: t(`notify.format.${f}`) })));
    this.digest.replaceChildren(...DIGEST_HOURS.map((n) => h('option', { value: String(n), text: t(`notify.digest.${n}`) })));
    this.format.value = keep.format;
    this.digest.value = keep.digest;
    const hook = s?.webhook;
    setText(this.saved, hook?.configured ? t('notify.webhook.saved', { host: hook.host }) : t('notify.webhook.none'));
    this.remove.hidden = !hook?.configured;
    this.url.placeholder = hook?.configured ? t('notify.webhook.replace') : 'https://hooks.slack.com/services/…';
    const smtp = s?.smtp ?? false;
    this.emailsField.hidden = !smtp;
    this.noSmtp.hidden = smtp || s === null;
    this.test.disabled = !s?.enabled;
    const lines = [];
    for (const channel of ['webhook', 'email']) {
      const state = channelState(s?.status?.[channel]);
      if (!state) continue;
      const vars = { ...state.vars };
      if (vars.at) vars.at = timeOf(vars.at);
      lines.push(h('li', { 'data-channel': channel, text: `${t(`notify.channel.${channel}`)}: ${t(state.key, vars)}` }));
    }
    this.state.replaceChildren(...lines);
  }
}

/**
 * The section in the facilitator panel. `page`: `{boardId, member(), facPanelEl,
 * errorText(code, message), isFacilitator()}`. Returns `render()`, for every render.
 */
export function mountNotifications(page) {
  const api = (path, init = {}) =>
    fetch(`/api/boards/${encodeURIComponent(page.boardId)}/${path}`, {
      ...init,
      headers: { ...(init.headers ?? {}), Authorization: `Bearer ${page.member().credential}` },
    });
  const section = new NotificationsSection({ api, errorText: page.errorText });
  // After the collection's dates: what is sent is about them.
  const export_ = page.facPanelEl.querySelector('.fac-export');
  page.facPanelEl.insertBefore(section.el, export_);
  let lang = null;
  return {
    render() {
      const facilitator = page.isFacilitator();
      section.el.hidden = !facilitator;
      if (facilitator && lang !== getLang()) {
        lang = getLang();
        section.render();
      }
    },
  };
}

/** Where the facilitators hear about the board (webhook and e-mail), on the board page. */
export function mountOnBoard(page) {
  return mountNotifications({
    boardId: page.boardId,
    member: () => page.ui.member,
    errorText,
    facPanelEl: page.$('fac-panel'),
    isFacilitator: () => page.isFacilitator(),
  });
}
