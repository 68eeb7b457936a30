// An idea collection over days, on the page (docs/collection.md):
// - CollectionBanner: open until when, in the reader's local time, with a
//   countdown in days and hours, and "Add to calendar" (.ics);
// - RefusedTray: notes the server did not accept because the collection had
//   closed, kept and shown until sent again or let go;
// - NewsBar: "N new since your last visit", previous / next through them;
// - DeviceDialog: the member's personal link and QR code, for another device;
// - CollectionSection: the facilitator's dates, in the facilitator panel.
//
// DOM only; what to do goes back to app.js through callbacks. User text only
// ever through textContent (dom.js). The rules are in collection.js.

import {
  activeSchedule,
  countdownParts,
  datesProblem,
  fromLocalInput,
  stepThrough,
  stillThere,
  toLocalInput,
} from './collection.js';
import { copyText, h, saveFile, setText, svgDataUrl } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';

const LOCALES = { sv: 'sv-SE', en: 'en-GB' };

/** A date and time in the reader's own time zone and language. */
export function localDate(ms) {
  return new Intl.DateTimeFormat(LOCALES[getLang()] ?? 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms));
}

/** "3 d 4 h" / "4 h 10 min" / "10 min". */
export function countdownText(ms) {
  const { days, hours, minutes } = countdownParts(ms);
  if (days > 0) return t('collection.left.dh', { d: days, h: hours });
  if (hours > 0) return t('collection.left.hm', { h: hours, m: minutes });
  return t('collection.left.m', { m: minutes });
}

export class CollectionBanner {
  /** `onCalendar(stepKey)`: download the deadline as .ics. */
  constructor(el, { onCalendar }) {
    this.el = el;
    this.text = h('span', { class: 'collection-text', 'data-testid': 'collection-text' });
    this.left = h('strong', { class: 'collection-left', 'data-testid': 'collection-countdown' });
    this.calendar = h('button', {
      type: 'button',
      class: 'btn btn-small btn-ghost collection-calendar',
      'data-testid': 'collection-calendar',
      on: { click: () => onCalendar(this.key) },
    });
    this.key = '';
    el.append(this.text, this.left, this.calendar);
  }

  render(view, now) {
    const found = activeSchedule(view, now);
    this.el.hidden = !found;
    if (!found) return;
    const { key, schedule, status } = found;
    this.key = key;
    this.el.dataset.status = status;
    const step = key ? (view.agenda ?? []).find((s) => s.id === key) : null;
    const what = step ? t('collection.what.step', { step: step.title }) : t('collection.what.board');
    let text;
    let left = '';
    if (status === 'closed') {
      text = t('collection.closed', { what, at: localDate(schedule.closed_at ?? schedule.closes_at) });
    } else if (status === 'not_open') {
      text = t('collection.opens', { what, at: localDate(schedule.opens_at) });
      left = t('collection.opens.in', { left: countdownText(schedule.opens_at - now) });
    } else if (schedule.closes_at != null) {
      text = t('collection.open_until', { what, at: localDate(schedule.closes_at) });
      left = t('collection.left', { left: countdownText(schedule.closes_at - now) });
    } else {
      text = t('collection.open', { what });
    }
    setText(this.text, text);
    setText(this.left, left);
    this.left.hidden = !left;
    this.calendar.hidden = status === 'closed' || schedule.closes_at == null;
    setText(this.calendar, t('collection.calendar'));
    this.calendar.title = t('collection.calendar.hint'); // named by its words: voice control says what it sees
  }
}

export class RefusedTray {
  /** `onRetry(opId)`, `onDiscard(opId)`. */
  constructor(el, { onRetry, onDiscard }) {
    this.el = el;
    this.onRetry = onRetry;
    this.onDiscard = onDiscard;
    this.heading = h('h2', { class: 'refused-heading', id: 'refused-heading' });
    this.hint = h('p', { class: 'refused-hint' });
    this.list = h('ul', { class: 'refused-list' });
    el.setAttribute('aria-labelledby', 'refused-heading');
    el.append(this.heading, this.hint, this.list);
  }

  render(refused) {
    this.el.hidden = refused.length === 0;
    if (refused.length === 0) return;
    setText(this.heading, t('refused.heading', { n: refused.length }));
    const codes = new Set(refused.map((op) => op.code));
    // The notes-per-minute limit (moderation) only asks for a moment's patience.
    let hint = 'refused.hint.too_many_notes';
    if (codes.has('collection_closed')) hint = 'refused.hint.closed';
    else if (codes.has('collection_not_open')) hint = 'refused.hint.not_open';
    setText(this.hint, t(hint));
    this.list.replaceChildren(
      ...refused.map((op) => {
        const text = op.command.text || t('note.empty');
        return h(
          'li',
          { class: 'refused-item', 'data-testid': 'refused-note', 'data-op': op.op_id },
          h('span', { class: 'refused-mark', text: t('refused.mark') }),
          h('span', { class: 'refused-text', text }),
          h('button', {
            type: 'button',
            class: 'btn btn-small',
            'data-testid': 'refused-retry',
            text: t('refused.retry'),
            'aria-label': t('refused.retry.aria', { text }),
            on: { click: () => this.onRetry(op.op_id) },
          }),
          h('button', {
            type: 'button',
            class: 'btn btn-small btn-ghost',
            'data-testid': 'refused-discard',
            text: t('refused.discard'),
            'aria-label': t('refused.discard.aria', { text }),
            on: { click: () => this.onDiscard(op.op_id) },
          }),
        );
      }),
    );
  }
}

export class NewsBar {
  /** `onStep(delta)`: go to the previous (-1) or next (1) new note; `onDone()`. */
  constructor(el, { onStep, onDone }) {
    this.el = el;
    this.text = h('span', { class: 'news-text', 'data-testid': 'news-count', 'aria-live': 'polite' });
    this.position = h('span', { class: 'news-position', 'data-testid': 'news-position' });
    this.prev = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'news-prev', on: { click: () => onStep(-1) } });
    this.next = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'news-next', on: { click: () => onStep(1) } });
    this.done = h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'news-done', on: { click: () => onDone() } });
    el.append(this.text, this.position, this.prev, this.next, this.done);
  }

  render(count, index) {
    this.el.hidden = count === 0;
    if (count === 0) return;
    setText(this.text, t(count === 1 ? 'news.count.one' : 'news.count', { n: count }));
    setText(this.position, index >= 0 ? t('news.position', { i: index + 1, n: count }) : '');
    setText(this.prev, t('news.prev'));
    setText(this.next, t('news.next'));
    setText(this.done, t('news.done'));
    this.prev.setAttribute('aria-label', t('news.prev.aria'));
    this.next.setAttribute('aria-label', t('news.next.aria'));
  }
}

export class DeviceDialog {
  /** `fetchQr()` resolves to a URL of the QR code's SVG. */
  constructor({ fetchQr }) {
    this.fetchQr = fetchQr;
    this.link = '';
    this.input = h('input', { type: 'text', readonly: true, id: 'device-link', 'data-testid': 'device-link', class: 'device-link' });
    this.img = h('img', { class: 'device-qr', 'data-testid': 'device-qr', width: '220', height: '220', alt: '' });
    this.status = h('p', { class: 'muted', role: 'status' });
    this.heading = h('h2', { id: 'device-heading' });
    this.intro = h('p', {});
    this.warning = h('p', { class: 'device-warning' });
    this.label = h('label', { for: 'device-link' });
    this.copy = h('button', {
      type: 'button',
      class: 'btn btn-small',
      'data-testid': 'device-copy',
      on: {
        click: async () => setText(this.status, (await copyText(this.link)) ? t('device.copied') : t('device.copy_failed')),
      },
    });
    this.close = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'device-close', on: { click: () => this.el.close() } });
    this.el = h(
      'dialog',
      { class: 'dialog device-dialog', 'data-testid': 'device-dialog', 'aria-labelledby': 'device-heading' },
      this.heading,
      this.intro,
      h('div', { class: 'field' }, this.label, h('div', { class: 'device-row' }, this.input, this.copy)),
      this.img,
      this.warning,
      this.status,
      h('div', { class: 'actions' }, this.close),
    );
    document.body.append(this.el);
  }

  async open(link) {
    this.link = link;
    this.input.value = link;
    setText(this.heading, t('device.heading'));
    setText(this.intro, t('device.intro'));
    setText(this.warning, t('device.warning'));
    setText(this.label, t('device.link'));
    setText(this.copy, t('device.copy'));
    setText(this.close, t('device.close'));
    setText(this.status, t('device.loading'));
    this.img.alt = t('device.qr.alt');
    this.img.hidden = true;
    this.el.showModal();
    this.input.focus();
    this.input.select();
    try {
      this.img.src = await this.fetchQr();
      this.img.hidden = false;
      setText(this.status, '');
    } catch {
      setText(this.status, t('device.qr.failed'));
    }
  }
}

export class CollectionSection {
  /**
   * The facilitator's dates, as a section of the facilitator panel.
   * `send(command)`, `now()` (server time, ms).
   */
  constructor({ send, now }) {
    this.sendCommand = send;
    this.now = now;
    this.target = h('select', { id: 'collection-target', 'data-testid': 'collection-target' });
    this.opens = h('input', { type: 'datetime-local', id: 'collection-opens', 'data-testid': 'collection-opens' });
    this.closes = h('input', { type: 'datetime-local', id: 'collection-closes', 'data-testid': 'collection-closes' });
    this.state = h('p', { class: 'fac-now', 'data-testid': 'collection-state', 'aria-live': 'polite' });
    this.error = h('p', { class: 'form-error', 'data-testid': 'collection-error', role: 'alert', hidden: true });
    this.save = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'collection-save', on: { click: () => this._save() } });
    this.closeNow = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'collection-close', on: { click: () => this._close() } });
    this.clear = h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'collection-clear', on: { click: () => this._clear() } });
    this.labels = {
      target: h('label', { for: 'collection-target' }),
      opens: h('label', { for: 'collection-opens' }),
      closes: h('label', { for: 'collection-closes' }),
    };
    this.heading = h('h3', {});
    this.hint = h('p', { class: 'muted fac-hint' });
    this.el = h(
      'details',
      { class: 'fac-section fac-collection', 'data-testid': 'fac-section-collection', open: true },
      h('summary', {}, this.heading),
      this.state,
      h('div', { class: 'field' }, this.labels.target, this.target),
      h('div', { class: 'field' }, this.labels.opens, this.opens),
      h('div', { class: 'field' }, this.labels.closes, this.closes),
      h('div', { class: 'fac-row' }, this.save, this.closeNow, this.clear),
      this.hint,
      this.error,
    );
    this.target.addEventListener('change', () => this._fill());
    this.view = null;
    this.filledFor = null;
  }

  _key() {
    return this.target.value || '';
  }

  _fill() {
    const schedule = this.view?.schedules?.[this._key()] ?? null;
    this.opens.value = toLocalInput(schedule?.opens_at ?? null);
    this.closes.value = toLocalInput(schedule?.closes_at ?? null);
    this.filledFor = JSON.stringify([this._key(), schedule]);
  }

  _send(command) {
    this.showError(null);
    this.sendCommand(command);
  }

  showError(text) {
    this.error.hidden = !text;
    setText(this.error, text ?? '');
  }

  _stepId() {
    return this._key() || null;
  }

  _save() {
    const opensAt = fromLocalInput(this.opens.value);
    const closesAt = fromLocalInput(this.closes.value);
    const problem = datesProblem(opensAt, closesAt, this.now());
    if (problem) {
      this.showError(t(`error.${problem}`));
      return;
    }
    const command = { type: 'collection.schedule', step_id: this._stepId() };
    if (opensAt !== null) command.opens_at = opensAt;
    if (closesAt !== null) command.closes_at = closesAt;
    this._send(command);
  }

  _close() {
    this._send({ type: 'collection.close', step_id: this._stepId() });
  }

  _clear() {
    this._send({ type: 'collection.schedule', step_id: this._stepId() });
  }

  render(view) {
    this.view = view;
    setText(this.heading, t('fac.collection'));
    setText(this.labels.target, t('fac.collection.target'));
    setText(this.labels.opens, t('fac.collection.opens'));
    setText(this.labels.closes, t('fac.collection.closes'));
    setText(this.save, t('fac.collection.save'));
    setText(this.closeNow, t('fac.collection.close'));
    setText(this.clear, t('fac.collection.clear'));
    setText(this.hint, t('fac.collection.hint'));
    const choices = [['', t('collection.what.board')], ...(view.agenda ?? []).map((s) => [s.id, t('collection.what.step', { step: s.title })])];
    const wanted = JSON.stringify(choices);
    if (this.target.dataset.choices !== wanted) {
      const keep = this.target.value;
      this.target.replaceChildren(...choices.map(([value, label]) => h('option', { value, text: label })));
      this.target.value = choices.some(([v]) => v === keep) ? keep : '';
      this.target.dataset.choices = wanted;
    }
    const schedule = view.schedules?.[this._key()] ?? null;
    const closed = schedule?.closed_at != null;
    const now = this.now();
    let state = t('fac.collection.none');
    if (closed) state = t('fac.collection.state.closed', { at: localDate(schedule.closed_at) });
    else if (schedule?.closes_at != null) state = t('fac.collection.state.until', { at: localDate(schedule.closes_at), left: countdownText(schedule.closes_at - now) });
    else if (schedule) state = t('fac.collection.state.open');
    setText(this.state, state);
    setText(this.save, t(closed ? 'fac.collection.reopen' : 'fac.collection.save'));
    this.closeNow.disabled = closed;
    this.clear.hidden = !schedule;
    // Refill the fields when the schedule changed on the server, not while typing.
    const key = JSON.stringify([this._key(), schedule]);
    const typing = document.activeElement === this.opens || document.activeElement === this.closes;
    if (key !== this.filledFor && !typing) this._fill();
  }
}

/**
 * Everything above, mounted on the board page. `page`: `{boardId, conn()
 * (the Connection or null), member() (the stored member), serverNow(),
 * send(command), showNote(id), rerender(), toast(text), errorText(code),
 * facPanelEl, isFacilitator()}`. Returns what app.js calls: `render(view)`
 * on every render, `welcome({lastSeenSeq})` on each welcome, `rejected(command,
 * code)` (true when handled here) and `refused()`.
 */
export function mountCollection(page) {
  const byId = (id) => document.getElementById(id);
  const api = (what) => `/api/boards/${encodeURIComponent(page.boardId)}/${what}`;
  const auth = () => ({ Authorization: `Bearer ${page.member().credential}` });
  const news = { ids: [], index: -1, asked: false };

  const download = async (path, name) => {
    try {
      const response = await fetch(api(path), { headers: auth() });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        page.toast(page.errorText(body.code, t('collection.calendar.failed')));
        return;
      }
      saveFile(await response.blob(), name);
    } catch {
      page.toast(t('error.network'));
    }
  };

  const banner = new CollectionBanner(byId('collection-banner'), {
    onCalendar: (key) => download(key ? `deadline.ics?step=${encodeURIComponent(key)}` : 'deadline.ics', `deadline-${page.boardId}.ics`),
  });
  const tray = new RefusedTray(byId('refused-tray'), {
    onRetry: (opId) => {
      page.conn()?.retryRefused(opId);
      page.rerender();
    },
    onDiscard: (opId) => {
      page.conn()?.discardRefused(opId);
      page.rerender();
    },
  });
  byId('refused-tray').setAttribute('aria-label', t('refused.label'));
  const step = (delta) => {
    news.ids = stillThere(news.ids, page.view().notes);
    if (news.ids.length === 0) return;
    news.index = stepThrough(news.ids.length, news.index, delta);
    page.showNote(news.ids[news.index]);
    page.rerender();
  };
  const bar = new NewsBar(byId('news-bar'), {
    onStep: step,
    onDone: () => {
      news.ids = [];
      news.index = -1;
      page.rerender();
    },
  });
  const device = new DeviceDialog({
    fetchQr: async () => {
      const response = await fetch(api('device-qr.svg'), { headers: auth() });
      if (!response.ok) throw new Error(`QR ${response.status}`);
      return svgDataUrl(response);
    },
  });
  const deviceToggle = byId('device-toggle');
  deviceToggle.addEventListener('click', () => {
    const link = `${location.origin}/b/${encodeURIComponent(page.boardId)}#m=${encodeURIComponent(page.member().credential)}`;
    device.open(link);
  });
  const section = new CollectionSection({ send: page.send, now: page.serverNow });
  page.facPanelEl.insertBefore(section.el, page.facPanelEl.querySelector('.fac-agenda'));
  // The countdown is in minutes: a look twice a minute keeps it right.
  setInterval(() => page.rerender(), 30_000);

  return {
    async welcome({ lastSeenSeq }) {
      deviceToggle.hidden = false;
      // Only the first welcome of the page is a visit; a reconnect is not.
      if (news.asked || lastSeenSeq === null || lastSeenSeq === undefined) {
        news.asked = true;
        return;
      }
      news.asked = true;
      try {
        const response = await fetch(`${api('news')}?after=${lastSeenSeq}`, { headers: auth() });
        if (!response.ok) return;
        news.ids = (await response.json()).notes ?? [];
        news.index = -1;
        page.rerender();
      } catch {
        // Not worth a message: the board itself is all there.
      }
    },
    render(view, renderer) {
      banner.render(view, page.serverNow());
      tray.render(page.conn()?.refused ?? []);
      news.ids = stillThere(news.ids, view.notes);
      if (news.index >= news.ids.length) news.index = news.ids.length - 1;
      bar.render(news.ids.length, news.index);
      const fresh = new Set(news.ids);
      for (const id of Object.keys(view.notes)) {
        const el = renderer.noteElement(id);
        if (!el) continue;
        el.classList.toggle('note-new', fresh.has(id));
        el.classList.toggle('note-new-current', news.index >= 0 && news.ids[news.index] === id);
      }
      page.markNew(fresh, news.index >= 0 ? news.ids[news.index] : null);
      if (page.isFacilitator()) section.render(view);
      section.el.hidden = !page.isFacilitator();
    },
    rejected(command, code) {
      if (!command?.type?.startsWith('collection.') || !page.isFacilitator()) return false;
      section.showError(page.errorText(code));
      return true;
    },
    refused() {
      // The tray itself is the message (and is announced: aria-live).
      page.rerender();
    },
  };
}
