// The activity strip above the scrubber: contributions (up) and votes (down)
// per minute, stacked by actor sector, as SVG bars on the same time axis as
// the scrubber. Hovering or focusing a minute says what it counts; arrow keys
// move between minutes (one tab stop for the whole strip), Enter goes there.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { PixelSteps } from './pixels.js';
import { activityMinutes, BUCKETS, bucketName, describeMinute, layoutActivity } from './timeline.js';

const SVG = 'http://www.w3.org/2000/svg';
// The drawing's own units: the SVG stretches to the strip's width (preserveAspectRatio none).
const WIDTH = 1000;
const HEIGHT = 60;

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export class ActivityStrip {
  /** `el`: the strip's container; `onPick(at)`: go to that instant; `clock(at)`: time of day. */
  constructor(el, { onPick, clock }) {
    this.el = el;
    this.onPick = onPick;
    this.clock = clock;
    this.tl = null;
    this.bars = [];
    this.focused = 0;
    this.svg = svg('svg', {
      class: 'strip-svg',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: 'none',
      role: 'group',
      'data-testid': 'activity-svg',
    });
    this.cursor = h('div', { class: 'strip-cursor', 'aria-hidden': 'true' });
    this.head = h('div', { class: 'strip-head' }, this.cursor); // moved by a transform, as the scrubber's
    this.steps = new PixelSteps(this.svg);
    this.tip = h('p', { class: 'strip-tip', 'data-testid': 'activity-tip', 'aria-live': 'polite' });
    this.legend = h('p', { class: 'strip-legend', 'aria-hidden': 'true' });
    el.replaceChildren(h('div', { class: 'strip-plot' }, this.svg, this.head), h('div', { class: 'strip-foot' }, this.tip, this.legend));
    this.svg.addEventListener('pointerover', (e) => {
      const bar = e.target.closest?.('[data-bar]');
      if (bar) this._say(Number(bar.dataset.bar));
    });
    this.svg.addEventListener('pointerleave', () => setText(this.tip, ''));
    this.svg.addEventListener('click', (e) => {
      const bar = e.target.closest?.('[data-bar]');
      if (bar) this.onPick(this.bars[Number(bar.dataset.bar)].minute.minuteAt);
    });
    this.svg.addEventListener('focusin', (e) => {
      const bar = e.target.closest?.('[data-bar]');
      if (bar) this._say(Number(bar.dataset.bar));
    });
    this.svg.addEventListener('keydown', (e) => this._key(e));
  }

  setTimeline(tl) {
    this.tl = tl;
    const minutes = activityMinutes(tl.activity);
    this.bars = layoutActivity(tl, minutes, WIDTH, HEIGHT).bars;
    this.focused = 0;
    this.relabel();
  }

  relabel() {
    this.svg.setAttribute('aria-label', `${t('replay.activity')}. ${t('replay.activity.aria')}`);
    const groups = this.bars.map((bar, i) => {
      const g = svg('g', {
        class: 'strip-bar',
        'data-bar': i,
        'data-testid': 'activity-bar',
        role: 'img',
        tabindex: i === this.focused ? 0 : -1,
        'aria-label': describeMinute(bar.minute, t, this.clock),
      });
      // A full-height target, so a thin bar is easy to hover and click.
      g.append(svg('rect', { class: 'strip-hit', x: bar.x, y: 0, width: bar.w, height: HEIGHT }));
      for (const s of bar.segments) {
        g.append(svg('rect', { class: `strip-seg bucket-${s.sector} ${s.what}`, x: s.x, y: s.y, width: s.w, height: Math.max(0.5, s.h) }));
      }
      return g;
    });
    const mid = svg('line', { class: 'strip-mid', x1: 0, y1: HEIGHT / 2, x2: WIDTH, y2: HEIGHT / 2 });
    this.svg.replaceChildren(mid, ...groups);
    if (this.bars.length === 0) setText(this.tip, t('replay.activity.empty'));
    const present = new Set(this.bars.flatMap((b) => b.segments.map((s) => s.sector)));
    this.legend.replaceChildren(
      h('span', { text: t('replay.activity.legend.up') }),
      h('span', { text: t('replay.activity.legend.down') }),
      ...BUCKETS.filter((b) => present.has(b)).map((b) =>
        h('span', { class: 'legend-item' }, h('span', { class: `legend-dot bucket-${b}` }), bucketName(b, t)),
      ),
    );
  }

  /** The playhead's place on the strip (axis fraction). */
  setCursor(f) {
    const k = Math.min(1, Math.max(0, f));
    if (this.steps.moved(k)) this.head.style.transform = `translateX(${(k * 100).toFixed(3)}%)`;
  }

  _say(i) {
    const bar = this.bars[i];
    if (bar) setText(this.tip, describeMinute(bar.minute, t, this.clock));
  }

  _key(e) {
    if (!this.bars.length || e.altKey || e.ctrlKey || e.metaKey) return;
    const last = this.bars.length - 1;
    const moves = { ArrowLeft: this.focused - 1, ArrowRight: this.focused + 1, Home: 0, End: last };
    if (e.key in moves) {
      e.preventDefault();
      e.stopPropagation(); // the page's own arrow keys move the playhead
      this._focusBar(Math.max(0, Math.min(last, moves[e.key])));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      this.onPick(this.bars[this.focused].minute.minuteAt);
    }
  }

  _focusBar(i) {
    const groups = this.svg.querySelectorAll('[data-bar]');
    groups[this.focused]?.setAttribute('tabindex', '-1');
    this.focused = i;
    groups[i]?.setAttribute('tabindex', '0');
    groups[i]?.focus();
  }
}
