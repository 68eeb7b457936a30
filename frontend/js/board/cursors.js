// Live cursors (docs/protocol.md §2.5): where the other people on the board
// point. Ephemeral: never in the outbox, never saved.
//
// - Throttle: at most one send per interval, the latest value always sent in
//   the end (a trailing send), driven by an injectable clock.
// - viewRect / cursorPoint: what the `view` and `cursor` messages carry, kept
//   within what the server accepts.
// - CursorBook: the pointers currently known, their age and fading (pure).
// - CursorLayer: draws the book inside the world transform. One element per
//   member id, kept and reused; a move only writes a transform.
//
// Everything above CursorLayer is pure and tested with `node --test`.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { COORD_LIMIT } from '../core/state.js';

// §2.5: "at most about 10 times a second", or as often as the board says
// (`cursor_every_ms`, `cursor_rate`), between these bounds.
export const CURSOR_EVERY_MS = 100;
export const CURSOR_EVERY_MAX_MS = 1_000;
// Pan and zoom change the view on every frame; the server needs far fewer.
export const VIEW_EVERY_MS = 200;
// A pointer that has not moved for this long fades out.
export const CURSOR_FADE_MS = 5_000;
// Gliding (a CSS transition per move) is cheap for a few dozen pointers a
// tick; starting hundreds of transitions every 100 ms is not. Above this many
// moves in one message the pointers jump instead, until it is calm again.
export const GLIDE_MAX = 100;
const CALM_MESSAGES = 10;

const clampCoord = (v) => Math.min(COORD_LIMIT, Math.max(-COORD_LIMIT, v));
const round1 = (v) => Math.round(v * 10) / 10;
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * Calls `send(value)` at most once every `intervalMs`. The first value after a
 * quiet spell goes out at once; values pushed sooner wait, and only the latest
 * of them is sent when the interval is over (so the last position is never
 * lost). `clock`: {now, setTimeout, clearTimeout}.
 */
export class Throttle {
  constructor(intervalMs, clock, send) {
    this.interval = intervalMs;
    this.clock = clock;
    this.send = send;
    this.lastAt = -Infinity;
    this.timer = null;
    this.hasPending = false;
    this.pending = undefined;
  }

  push(value) {
    const now = this.clock.now();
    const wait = this.lastAt + this.interval - now;
    if (wait <= 0 && this.timer === null) {
      this._fire(value, now);
      return;
    }
    this.pending = value;
    this.hasPending = true;
    if (this.timer === null) {
      this.timer = this.clock.setTimeout(() => this._trail(), Math.max(0, wait));
    }
  }

  /** Send `value` now, whatever the interval, dropping anything waiting. */
  sendNow(value) {
    this.cancel();
    this._fire(value, this.clock.now());
  }

  /** Drop the waiting value (if any) and its timer. */
  cancel() {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.hasPending = false;
    this.pending = undefined;
  }

  _trail() {
    this.timer = null;
    if (!this.hasPending) return;
    const value = this.pending;
    this.hasPending = false;
    this.pending = undefined;
    this._fire(value, this.clock.now());
  }

  _fire(value, now) {
    this.lastAt = now;
    this.send(value);
  }
}

/** The interval the board asks for, kept within bounds; the default when absent or malformed. */
export function cursorEveryMs(everyMs) {
  if (!finite(everyMs)) return CURSOR_EVERY_MS;
  return Math.min(CURSOR_EVERY_MAX_MS, Math.max(CURSOR_EVERY_MS, Math.round(everyMs)));
}

/** A pointer position in board units as the server takes it (finite, ±1,000,000), or null. */
export function cursorPoint(x, y) {
  if (!finite(x) || !finite(y)) return null;
  return { x: round1(clampCoord(x)), y: round1(clampCoord(y)) };
}

/**
 * The board rectangle a `width` × `height` (px) viewport shows through
 * `camera`, in whole board units and within the server's limits; null when
 * the viewport has no size (hidden).
 */
export function viewRect(camera, width, height) {
  if (!(width > 0) || !(height > 0) || !(camera.scale > 0)) return null;
  const x0 = -camera.x / camera.scale;
  const y0 = -camera.y / camera.scale;
  const x = Math.floor(clampCoord(x0));
  const y = Math.floor(clampCoord(y0));
  const size = (origin, start, extent) =>
    Math.min(COORD_LIMIT, Math.max(1, Math.ceil(start + extent / camera.scale - origin)));
  return { x, y, w: size(x, x0, width), h: size(y, y0, height) };
}

export const sameRect = (a, b) =>
  Boolean(a && b) && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

/** A steady colour for a member: a hue from a hash of the id (FNV-1a). */
export function cursorHue(memberId) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memberId.length; i++) {
    hash ^= memberId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

export function cursorColor(memberId) {
  // 27 % lightness: white names on it keep a contrast of at least 4.5:1 at every hue.
  return `hsl(${cursorHue(memberId)} 70% 27%)`;
}

/**
 * The pointers of the others: member id → {x, y, at, shown}. `apply` takes the
 * entries of a `cursors` message (`[[member_id, x, y], …]`), skipping this
 * client's own pointer and anything malformed; `sweep` fades pointers that
 * have not moved for `fadeMs`.
 */
export class CursorBook {
  constructor({ selfId = null, fadeMs = CURSOR_FADE_MS } = {}) {
    this.selfId = selfId;
    this.fadeMs = fadeMs;
    this.members = new Map();
  }

  /** Returns the entries applied: [{id, x, y, revived}] (revived: it was faded or new). */
  apply(entries, now) {
    const applied = [];
    if (!Array.isArray(entries)) return applied;
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length < 3) continue;
      const [id, x, y] = entry;
      if (typeof id !== 'string' || id === this.selfId || !finite(x) || !finite(y)) continue;
      const known = this.members.get(id);
      const revived = !known || !known.shown;
      if (known) {
        known.x = x;
        known.y = y;
        known.at = now;
        known.shown = true;
      } else {
        this.members.set(id, { x, y, at: now, shown: true });
      }
      applied.push({ id, x, y, revived });
    }
    return applied;
  }

  /** Mark pointers quiet for `fadeMs` as not shown; returns their ids. */
  sweep(now) {
    const faded = [];
    for (const [id, m] of this.members) {
      if (m.shown && now - m.at >= this.fadeMs) {
        m.shown = false;
        faded.push(id);
      }
    }
    return faded;
  }

  remove(id) {
    return this.members.delete(id);
  }

  clear() {
    this.members.clear();
  }

  /** member id → {x, y} of every pointer currently shown. */
  shown() {
    const out = {};
    for (const [id, m] of this.members) if (m.shown) out[id] = { x: m.x, y: m.y };
    return out;
  }
}

/**
 * Decides whether pointers may glide: `busy` turns on at once when a message
 * moves more than `max` pointers, and off only after `calm` messages in a row
 * that move at most three quarters of that (so it does not flicker).
 */
export class GlidePacer {
  constructor(max = GLIDE_MAX, calm = CALM_MESSAGES) {
    this.max = max;
    this.calm = calm;
    this.busy = false;
    this.quiet = 0;
  }

  /** Count one message that moved `moved` pointers; returns whether to stop gliding. */
  note(moved) {
    if (moved > this.max) {
      this.busy = true;
      this.quiet = 0;
    } else if (this.busy) {
      this.quiet = moved <= this.max * 0.75 ? this.quiet + 1 : 0;
      if (this.quiet >= this.calm) this.busy = false;
    }
    return this.busy;
  }
}

// ---- DOM ------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
let arrowTemplate = null;

function arrow() {
  if (!arrowTemplate) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'cursor-arrow');
    svg.setAttribute('viewBox', '0 0 16 22');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '22');
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', 'M1 1 L1 18 L5.5 13.8 L8.6 20.6 L11.6 19.3 L8.6 12.6 L14.6 12.6 Z');
    svg.append(path);
    arrowTemplate = svg;
  }
  return arrowTemplate.cloneNode(true);
}

/**
 * The pointers of the others, drawn in `layer` (inside the world transform, so
 * pan and zoom move them for free). `describe(id)` gives `{name, facilitator}`
 * or null. Labels are text only.
 */
export class CursorLayer {
  constructor(layer, { describe, selfId = null, fadeMs = CURSOR_FADE_MS }) {
    this.layer = layer;
    this.describe = describe;
    this.book = new CursorBook({ selfId, fadeMs });
    this.pacer = new GlidePacer();
    this.busy = false;
    this.entries = new Map(); // id → {el, label, name, role, drawn: {name, facilitator}}
    this.scale = null;
    this.jumping = [];
    this.jumpQueued = false;
  }

  setSelf(id) {
    this.book.selfId = id;
    this.remove(id);
  }

  /** Glide between positions over the board's pointer interval, so they move smoothly. */
  setGlide(everyMs) {
    this.layer.style.setProperty('--cursor-glide', `${cursorEveryMs(everyMs)}ms`);
  }

  /** Keep pointers the same size on screen at every zoom. */
  setScale(scale) {
    if (scale === this.scale || !(scale > 0)) return;
    this.scale = scale;
    this.layer.style.setProperty('--cursor-scale', String(1 / scale));
  }

  /** Apply the entries of one `cursors` message. */
  update(entries, now) {
    const applied = this.book.apply(entries, now);
    const busy = this.pacer.note(applied.length);
    if (busy !== this.busy) {
      this.busy = busy;
      this.layer.classList.toggle('cursors-busy', busy);
    }
    for (const { id, x, y, revived } of applied) {
      let entry = this.entries.get(id);
      const created = !entry;
      if (created) {
        entry = this._create(id);
        this.entries.set(id, entry);
      }
      this._label(id, entry);
      entry.el.style.transform = `translate(${x}px, ${y}px)`;
      if (created) {
        this.layer.append(entry.el); // placed before it is first drawn: no slide in
      } else if (revived) {
        // Back after fading: appear where it is now, do not glide from where it was.
        entry.el.classList.add('cursor-jump');
        entry.el.classList.remove('faded');
        this._endJump(entry.el);
      }
    }
  }

  /** Fade the pointers that have been still too long. */
  sweep(now) {
    for (const id of this.book.sweep(now)) this.entries.get(id)?.el.classList.add('faded');
  }

  remove(id) {
    this.book.remove(id);
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.el.remove();
    this.entries.delete(id);
  }

  clear() {
    this.book.clear();
    for (const entry of this.entries.values()) entry.el.remove();
    this.entries.clear();
  }

  /** Redraw every label (the language changed, or names did). */
  relabel() {
    for (const [id, entry] of this.entries) this._label(id, entry, true);
  }

  shown() {
    return this.book.shown();
  }

  _create(id) {
    const name = h('span', { class: 'cursor-name' });
    const role = h('span', { class: 'cursor-role', hidden: true });
    const label = h('span', { class: 'cursor-label', hidden: true }, name, role);
    const body = h('div', { class: 'cursor-body' }, h('span', { class: 'cursor-ring' }), arrow(), label);
    const el = h('div', { class: 'cursor', 'data-testid': 'cursor', 'data-member-id': id }, body);
    el.style.setProperty('--cursor-color', cursorColor(id));
    return { el, label, name, role, drawn: {} };
  }

  _label(id, entry, force = false) {
    const who = this.describe(id);
    const name = who?.name ?? '';
    const facilitator = Boolean(who?.facilitator);
    const d = entry.drawn;
    if (!force && d.name === name && d.facilitator === facilitator) return;
    setText(entry.name, name);
    entry.name.hidden = !name;
    setText(entry.role, facilitator ? t('cursor.facilitator') : '');
    entry.role.hidden = !facilitator;
    entry.label.hidden = !name && !facilitator; // not known yet: just the arrow
    entry.el.classList.toggle('cursor-facilitator', facilitator);
    entry.drawn = { name, facilitator };
  }

  _endJump(el) {
    this.jumping.push(el);
    if (this.jumpQueued) return;
    this.jumpQueued = true;
    // Two frames: the jump must be drawn once without a transition first.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        this.jumpQueued = false;
        for (const jumped of this.jumping) jumped.classList.remove('cursor-jump');
        this.jumping = [];
      }),
    );
  }
}
