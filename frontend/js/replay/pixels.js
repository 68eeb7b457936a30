// When a playhead has really moved: at 60× a two-hour session crosses a track
// of 1,200 px in two minutes, 10 px a second, so most animation frames would
// set the same place again; every transform set costs the page a pass over the
// whole board's paint chunks (re-layerising a thousand notes), so the
// scrubber and the activity strip move theirs only on another device pixel.
// DOM only through `measure`; no layout is read while playing.

export class PixelSteps {
  /** `measure`: the element whose width the fraction spans. */
  constructor(measure) {
    this.width = 0; // unknown until the first resize report: every change counts
    this.shown = null;
    if (typeof ResizeObserver === 'function' && measure) {
      new ResizeObserver((entries) => {
        this.width = entries[entries.length - 1].contentRect.width;
        this.shown = null;
      }).observe(measure);
    }
  }

  /** Whether fraction `k` (0–1) lands on another device pixel than the last one shown. */
  moved(k) {
    const ratio = globalThis.devicePixelRatio || 1;
    const step = this.width > 0 ? Math.round(k * this.width * ratio) : k;
    if (step === this.shown) return false;
    this.shown = step;
    return true;
  }
}
