// DOM only: the board's structure around the notes. Groups are rounded
// outlines around their notes with the group's name; links are lines between
// note centres in an SVG layer, each with a marker button at its middle (a
// conflict: ⚡ and its status). Drawn after the notes, whose sizes it reads.
//
// The geometry (outline boxes, where a line leaves a note) is pure and exported
// for the gestures in app.js.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { NOTE_HEIGHT, NOTE_WIDTH } from '../core/state.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Board units between a group's notes and its outline. */
export const GROUP_PAD = 18;

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** The box `{x, y, w, h}` around boxes (`[{x, y, w, h}]`) with `pad` around, or null. */
export function boxAround(boxes, pad = GROUP_PAD) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  if (minX === Infinity) return null;
  return { x: minX - pad, y: minY - pad, w: maxX - minX + 2 * pad, h: maxY - minY + 2 * pad };
}

export const inBox = (box, x, y) => Boolean(box) && x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;

/**
 * Where the segment from the centre of box `a` to the centre of box `b`
 * leaves `a` and enters `b` (plus `gap`), so that arrowheads stay visible.
 */
export function linkEnds(a, b, gap = 6) {
  const ax = a.x + a.w / 2;
  const ay = a.y + a.h / 2;
  const bx = b.x + b.w / 2;
  const by = b.y + b.h / 2;
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.hypot(dx, dy) || 1;
  // How far along the unit direction the centre-to-edge distance of a box is.
  const edge = (box) => Math.min(Math.abs(box.w / 2 / (dx / len || 1e-9)), Math.abs(box.h / 2 / (dy / len || 1e-9)));
  const from = Math.min(len / 2, edge(a) + gap);
  const to = Math.max(len / 2, len - edge(b) - gap);
  return {
    x1: ax + (dx / len) * from,
    y1: ay + (dy / len) * from,
    x2: ax + (dx / len) * to,
    y2: ay + (dy / len) * to,
    mx: (ax + bx) / 2,
    my: (ay + by) / 2,
  };
}

const LINK_ICON = { conflicts: '⚡', supports: '+', depends: '→' };

export class StructureRenderer {
  /** `groupsLayer`, `linksLayer` (HTML, for the markers) and `linksSvg` inside the world. */
  constructor({ groupsLayer, linksSvg, linksLayer }) {
    this.groupsLayer = groupsLayer;
    this.linksSvg = linksSvg;
    this.linksLayer = linksLayer;
    this.groups = new Map(); // id → {el, name, ungroup}
    this.links = new Map(); // id → {line, marker, icon, status}
    this.boxes = new Map(); // group id → its outline box, as last drawn
    const defs = svg('defs');
    defs.append(this._arrow('arrow-supports'), this._arrow('arrow-depends'));
    linksSvg.append(defs);
  }

  _arrow(id) {
    const marker = svg('marker', {
      id,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
      class: id,
    });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
    return marker;
  }

  /** The outline box of group `id` as last drawn (board units), or null. */
  groupBox(id) {
    return this.boxes.get(id) ?? null;
  }

  /**
   * Draw groups and links of `view`. `noteBox(note)` gives a note's box in
   * board units; `ctx`: {canGroup, spot ({active, groups: Set}), lang, noteLabel(note)}.
   */
  render(view, noteBox, ctx) {
    this._renderGroups(view, noteBox, ctx);
    this._renderLinks(view, noteBox, ctx);
  }

  _renderGroups(view, noteBox, ctx) {
    const members = new Map();
    for (const note of Object.values(view.notes)) {
      if (note.group_id && view.groups[note.group_id]) {
        if (!members.has(note.group_id)) members.set(note.group_id, []);
        members.get(note.group_id).push(noteBox(note));
      }
    }
    this.boxes.clear();
    for (const group of Object.values(view.groups)) {
      const box = boxAround(members.get(group.id) ?? []);
      if (!box) continue;
      this.boxes.set(group.id, box);
      let entry = this.groups.get(group.id);
      if (!entry) {
        entry = this._createGroup(group);
        this.groups.set(group.id, entry);
        this.groupsLayer.append(entry.el);
      }
      const { el } = entry;
      el.style.left = `${box.x}px`;
      el.style.top = `${box.y}px`;
      el.style.width = `${box.w}px`;
      el.style.height = `${box.h}px`;
      const name = group.name || t('group.unnamed');
      setText(entry.name, name);
      entry.name.classList.toggle('unnamed', !group.name);
      el.classList.toggle('pending', Boolean(group.pending));
      el.classList.toggle('spotlit', ctx.spot.groups.has(group.id));
      el.setAttribute('aria-label', t('group.aria', { name }));
      entry.name.setAttribute('aria-label', ctx.canGroup ? t('group.rename.aria', { name }) : name);
      entry.name.title = ctx.canGroup ? t('group.rename.hint') : '';
      entry.name.tabIndex = ctx.canGroup ? 0 : -1;
      entry.ungroup.hidden = !ctx.canGroup;
      entry.ungroup.setAttribute('aria-label', t('group.ungroup.aria', { name }));
      setText(entry.ungroupText, t('group.ungroup'));
    }
    for (const [id, entry] of this.groups) {
      if (!this.boxes.has(id)) {
        entry.el.remove();
        this.groups.delete(id);
      }
    }
  }

  _createGroup(group) {
    const name = h('span', { class: 'group-name', 'data-action': 'group-rename', 'data-testid': 'group-name', role: 'button' });
    const ungroupText = h('span', { class: 'group-ungroup-text' });
    const ungroup = h(
      'button',
      { type: 'button', class: 'group-ungroup', 'data-action': 'group-ungroup', 'data-testid': 'group-ungroup' },
      h('span', { 'aria-hidden': 'true', text: '✕ ' }),
      ungroupText,
    );
    const el = h(
      'div',
      { class: 'group', 'data-testid': 'group', 'data-id': group.id, role: 'group' },
      h('div', { class: 'group-head' }, name, ungroup),
    );
    return { el, name, ungroup, ungroupText };
  }

  _renderLinks(view, noteBox, ctx) {
    const seen = new Set();
    for (const link of Object.values(view.links)) {
      const from = view.notes[link.from_id];
      const to = view.notes[link.to_id];
      if (!from || !to) continue;
      seen.add(link.id);
      let entry = this.links.get(link.id);
      if (!entry) {
        entry = this._createLink(link);
        this.links.set(link.id, entry);
      }
      const ends = linkEnds(noteBox(from), noteBox(to));
      const { line, marker } = entry;
      line.setAttribute('x1', ends.x1);
      line.setAttribute('y1', ends.y1);
      line.setAttribute('x2', ends.x2);
      line.setAttribute('y2', ends.y2);
      line.setAttribute('class', `link-line link-${link.kind}${link.pending ? ' pending' : ''}`);
      if (link.kind === 'conflicts') line.removeAttribute('marker-end');
      else line.setAttribute('marker-end', `url(#arrow-${link.kind})`);
      marker.style.left = `${ends.mx}px`;
      marker.style.top = `${ends.my}px`;
      marker.className = `link-marker link-${link.kind} status-${link.status}`;
      marker.dataset.kind = link.kind;
      marker.dataset.status = link.status;
      setText(entry.icon, LINK_ICON[link.kind] ?? '•');
      const conflict = link.kind === 'conflicts';
      setText(entry.status, conflict ? t(`link.status.${link.status}`) : '');
      entry.status.hidden = !conflict;
      const words = {
        from: ctx.noteLabel(from),
        to: ctx.noteLabel(to),
        kind: t(`link.kind.${link.kind}`),
        status: t(`link.status.${link.status}`),
      };
      marker.setAttribute('aria-label', t(conflict ? 'link.conflict.aria' : 'link.aria', words));
      marker.title = link.resolution ? `${t(`link.kind.${link.kind}`)}: ${link.resolution}` : t(`link.kind.${link.kind}`);
      const dim = ctx.spot.active && !(ctx.spot.notes.has(from.id) && ctx.spot.notes.has(to.id));
      line.classList.toggle('dimmed', dim);
      marker.classList.toggle('dimmed', dim);
    }
    for (const [id, entry] of this.links) {
      if (!seen.has(id)) {
        entry.line.remove();
        entry.marker.remove();
        this.links.delete(id);
      }
    }
  }

  _createLink(link) {
    const line = svg('line', { class: 'link-line' });
    this.linksSvg.append(line);
    const icon = h('span', { class: 'link-icon', 'aria-hidden': 'true' });
    const status = h('span', { class: 'link-status' });
    const marker = h(
      'button',
      { type: 'button', class: 'link-marker', 'data-testid': 'link-marker', 'data-id': link.id },
      icon,
      status,
    );
    this.linksLayer.append(marker);
    return { line, marker, icon, status };
  }
}

/** The nominal box of a note (its element may be taller: see app.js noteBox). */
export const nominalBox = (note) => ({ x: note.x, y: note.y, w: NOTE_WIDTH, h: NOTE_HEIGHT });
