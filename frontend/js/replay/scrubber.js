// The scrubber: a slider over the session's time axis (timeline.js), with the
// markers (agenda steps, reveal, vote rounds, timer, sectors joining) and the
// skipped quiet stretches drawn on it. DOM only; the page decides what a key
// or a click means (page.js).

import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { PixelSteps } from './pixels.js';
import { fraction, formatElapsed, markerText } from './timeline.js';

const MARKER_ICONS = {
  step: '▍',
  reveal: '◎',
  vote_opened: '●',
  vote_closed: '■',
  timer_started: '▸',
  sector_joined: '+',
};

export class Scrubber {
  /**
   * `el`: the track's container; `onSeekFraction(f, {dragging})`: the person
   * pointed at fraction `f` of the axis; `onMarker(marker)`: a marker was
   * clicked; `clock(at)`: an instant as a time of day.
   */
  constructor(el, { onSeekFraction, onMarker, clock }) {
    this.el = el;
    this.onSeekFraction = onSeekFraction;
    this.onMarker = onMarker;
    this.clock = clock;
    this.tl = null;
    this.fill = h('div', { class: 'track-fill' });
    this.bands = h('div', { class: 'track-bands' });
    this.thumb = h('div', { class: 'track-thumb' });
    // The thumb rides a full-width carrier moved by a transform: playing moves it
    // every frame without a layout.
    this.head = h('div', { class: 'track-head' }, this.thumb);
    this.slider = h(
      'div',
      { class: 'track-slider', role: 'slider', tabindex: '0', 'data-testid': 'replay-slider', 'aria-keyshortcuts': 'ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight Home End Space' },
      h('div', { class: 'track-rail' }, this.fill, this.bands),
      this.head,
    );
    this.markers = h('div', { class: 'track-markers', 'data-testid': 'replay-markers' });
    this.steps = new PixelSteps(this.slider);
    el.replaceChildren(this.slider, this.markers);
    this._pointer();
    this.markers.addEventListener('click', (e) => {
      const button = e.target.closest('[data-marker]');
      if (button && this.tl) this.onMarker(this.tl.markers[Number(button.dataset.marker)]);
    });
  }

  _pointer() {
    let dragging = null;
    const at = (e) => {
      const rect = this.slider.getBoundingClientRect();
      return rect.width > 0 ? Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) : 0;
    };
    this.slider.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 && e.pointerType === 'mouse') return;
      dragging = e.pointerId;
      this.slider.setPointerCapture(e.pointerId);
      this.slider.focus({ preventScroll: true });
      this.onSeekFraction(at(e), { dragging: true });
    });
    this.slider.addEventListener('pointermove', (e) => {
      if (dragging === e.pointerId) this.onSeekFraction(at(e), { dragging: true });
    });
    const end = (e) => {
      if (dragging !== e.pointerId) return;
      dragging = null;
      this.onSeekFraction(at(e), { dragging: false });
    };
    this.slider.addEventListener('pointerup', end);
    this.slider.addEventListener('pointercancel', end);
  }

  /** Draw the markers and quiet stretches of timeline `tl`. */
  setTimeline(tl) {
    this.tl = tl;
    this.slider.setAttribute('aria-valuemin', String(tl.firstSeq));
    this.slider.setAttribute('aria-valuemax', String(tl.lastSeq));
    this.relabel();
  }

  /** Redraw everything that has words (after a language change). */
  relabel() {
    this.slider.setAttribute('aria-label', t('replay.timeline'));
    const tl = this.tl;
    if (!tl) return;
    const pct = (at) => `${(fraction(tl, at) * 100).toFixed(3)}%`;
    this.bands.replaceChildren(
      ...tl.quiet.map((q) => {
        const left = fraction(tl, q.fromAt);
        const width = fraction(tl, q.toAt) - left;
        return h('div', {
          class: 'track-quiet',
          'data-testid': 'replay-quiet',
          title: t('replay.quiet', { time: formatElapsed(q.ms) }),
          dataset: { left: String(left), width: String(width) },
        });
      }),
    );
    // Positions through style properties (the CSP allows no inline style attributes).
    for (const band of this.bands.children) {
      band.style.left = `${(Number(band.dataset.left) * 100).toFixed(3)}%`;
      band.style.width = `${Math.max(0.4, Number(band.dataset.width) * 100).toFixed(3)}%`;
    }
    this.markers.replaceChildren(
      ...tl.markers.map((m, i) => {
        const what = markerText(m, t);
        const label = t('replay.marker.go', { what, clock: this.clock(m.at) });
        const button = h(
          'button',
          {
            type: 'button',
            class: `track-marker marker-${m.kind}`,
            tabindex: '-1',
            'data-testid': `marker-${m.kind}`,
            'data-marker': String(i),
            'data-seq': String(m.seq),
            'aria-label': label,
            title: label,
          },
          h('span', { class: 'marker-icon', 'aria-hidden': 'true', text: MARKER_ICONS[m.kind] ?? '•' }),
        );
        button.style.left = pct(m.at);
        return button;
      }),
    );
  }

  /** Show the playhead at axis fraction `f`, for change `seq`, described as `text`. */
  show(f, seq, text) {
    const k = Math.min(1, Math.max(0, f));
    if (this.steps.moved(k)) {
      this.head.style.transform = `translateX(${(k * 100).toFixed(3)}%)`;
      this.fill.style.transform = `scaleX(${k.toFixed(5)})`;
    }
    if (this.shownSeq !== seq || this.shownText !== text) {
      this.shownSeq = seq;
      this.shownText = text;
      this.slider.setAttribute('aria-valuenow', String(seq));
      this.slider.setAttribute('aria-valuetext', text);
    }
  }

  focus() {
    this.slider.focus({ preventScroll: true });
  }
}
