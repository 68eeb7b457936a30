// The replay's time axis, pure: no DOM, no network (tested in tests/js/).
//
// The server's timeline (docs/protocol.md, GET /api/boards/{id}/timeline)
// lists every change as [seq, at] plus markers and per-minute activity. Here
// it becomes an axis that the scrubber, the activity strip and playback share:
//
// - Axis time runs with the session's clock, except that a quiet stretch (the
//   server marks two minutes or more without an event) is squeezed to
//   QUIET_AXIS_MS, so a lunch break does not take half the scrubber, and
//   playing skips it quickly.
// - The board shown at axis time p is the state right after the last change at
//   or before that moment (`seqAtAxis`).

import { SECTORS } from '../core/state.js';

/**
 * The activity strip's buckets, bottom up: the actor sectors, then `few`, the
 * sectors with too few members to show on their own (counted together, as
 * small sectors are in vote results).
 */
export const BUCKETS = [...SECTORS, 'few'];

/** How much axis time a quiet stretch takes (the scrubber shows it as a narrow band). */
export const QUIET_AXIS_MS = 15_000;
/** Playing crosses a quiet stretch in about this many milliseconds, whatever the speed. */
export const SKIP_WALL_MS = 800;
/** The playback speeds offered (session time per wall-clock time). */
export const SPEEDS = [1, 4, 16, 60];
/** The marker kinds drawn on the scrubber, in the order of the legend. */
export const MARKER_KINDS = ['step', 'reveal', 'vote_opened', 'vote_closed', 'timer_started', 'sector_joined'];

const MINUTE = 60_000;

/** Index of the last element of the sorted `values` that is ≤ `x` (-1 if none). */
export function lastAtOrBefore(values, x) {
  let lo = 0;
  let hi = values.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The quiet stretches, from the server's `quiet` markers (no event for two
 * minutes or more: `{seq, at, until_seq, until}`), as `[{fromAt, toAt,
 * fromSeq, toSeq, ms}]` in time order.
 */
export function quietStretches(markers) {
  return (markers ?? [])
    .filter((m) => m.kind === 'quiet' && m.until > m.at)
    .map((m) => ({ fromAt: m.at, toAt: m.until, fromSeq: m.seq, toSeq: m.until_seq, ms: m.until - m.at }))
    .sort((a, b) => a.fromAt - b.fromAt);
}

/**
 * The axis for a server timeline. Returns `{firstSeq, lastSeq, startAt, endAt,
 * seqs, ats, markers, quiet, activity, segments, total}`: `seqs`/`ats` the
 * changes in order, `markers` sorted by seq (quiet ones left to `quiet`),
 * `segments` the piecewise-linear map between session time and axis time,
 * `total` the axis length in ms.
 */
export function makeTimeline(raw, { quietAxisMs = QUIET_AXIS_MS } = {}) {
  const changes = raw.changes ?? [];
  const seqs = changes.map((c) => c[0]);
  const ats = changes.map((c) => c[1]);
  const startAt = raw.start_at ?? ats[0] ?? 0;
  const endAt = Math.max(raw.end_at ?? ats[ats.length - 1] ?? startAt, startAt);
  const quiet = quietStretches(raw.markers);
  // Session time [a0, a1] ↦ axis time [p0, p1]; quiet stretches are squeezed.
  const segments = [];
  let at = startAt;
  let p = 0;
  for (const q of quiet) {
    if (q.fromAt < at) continue; // overlapping or out of order: keep the axis monotonic
    if (q.fromAt > at) segments.push({ a0: at, a1: q.fromAt, p0: p, p1: p + (q.fromAt - at), quiet: null });
    p += Math.max(0, q.fromAt - at);
    segments.push({ a0: q.fromAt, a1: q.toAt, p0: p, p1: p + quietAxisMs, quiet: q });
    q.p0 = p;
    q.p1 = p + quietAxisMs;
    p += quietAxisMs;
    at = q.toAt;
  }
  segments.push({ a0: at, a1: endAt, p0: p, p1: p + (endAt - at), quiet: null });
  p += endAt - at;
  const markers = (raw.markers ?? [])
    .filter((m) => m.kind !== 'quiet')
    .map((m) => ({ ...m }))
    .sort((a, b) => a.seq - b.seq || a.at - b.at);
  return {
    firstSeq: raw.first_seq ?? seqs[0] ?? 0,
    lastSeq: raw.last_seq ?? seqs[seqs.length - 1] ?? 0,
    startAt,
    endAt,
    seqs,
    ats,
    markers,
    quiet,
    activity: raw.activity ?? [],
    segments,
    total: p,
  };
}

function segmentFor(tl, key, value) {
  const segs = tl.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid][key] <= value) lo = mid;
    else hi = mid - 1;
  }
  return segs[lo];
}

/** Axis time (ms from the start, quiet stretches squeezed) of session instant `at`. */
export function toAxis(tl, at) {
  if (at <= tl.startAt) return 0;
  if (at >= tl.endAt) return tl.total;
  const s = segmentFor(tl, 'a0', at);
  const span = s.a1 - s.a0;
  return span > 0 ? s.p0 + ((at - s.a0) / span) * (s.p1 - s.p0) : s.p0;
}

/** The session instant at axis time `p` (the inverse of toAxis). */
export function fromAxis(tl, p) {
  if (p <= 0) return tl.startAt;
  if (p >= tl.total) return tl.endAt;
  const s = segmentFor(tl, 'p0', p);
  const span = s.p1 - s.p0;
  return span > 0 ? s.a0 + ((p - s.p0) / span) * (s.a1 - s.a0) : s.a0;
}

/** Axis position as a fraction 0…1 (for drawing). */
export const fraction = (tl, at) => (tl.total > 0 ? toAxis(tl, at) / tl.total : 0);

/** The seq shown at session instant `at`: the last change at or before it (at least the first). */
export function seqAtTime(tl, at) {
  const i = lastAtOrBefore(tl.ats, at);
  return i < 0 ? tl.firstSeq : tl.seqs[i];
}

export const seqAtAxis = (tl, p) => seqAtTime(tl, fromAxis(tl, p));

/** The instant of change `seq` (or of the last change before it). */
export function timeOfSeq(tl, seq) {
  const i = lastAtOrBefore(tl.seqs, seq);
  return i < 0 ? tl.startAt : tl.ats[i];
}

/** The next (`dir` 1) or previous (-1) change from `seq`, staying inside the log. */
export function stepChange(tl, seq, dir) {
  if (tl.seqs.length === 0) return seq;
  const i = lastAtOrBefore(tl.seqs, seq);
  if (dir > 0) return tl.seqs[Math.min(tl.seqs.length - 1, i + 1)];
  // Between two changes, "back one" is the change at or before `seq`'s predecessor.
  const exact = i >= 0 && tl.seqs[i] === seq;
  return tl.seqs[Math.max(0, exact ? i - 1 : i)];
}

/** The next marker after `seq` (`dir` 1) or the last one before it (-1), or null. */
export function stepMarker(tl, seq, dir) {
  const list = tl.markers;
  if (dir > 0) return list.find((m) => m.seq > seq) ?? null;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].seq < seq) return list[i];
  return null;
}

/** The quiet stretch that axis time `p` lies in, or null. */
export function quietAt(tl, p) {
  for (const q of tl.quiet) if (q.p0 <= p && p < q.p1) return q;
  return null;
}

/**
 * Playing: where axis time `p` is after `wallMs` of wall-clock time at
 * `speed`. Quiet stretches go by at least at QUIET_AXIS_MS per SKIP_WALL_MS.
 * Returns `{p, ended, skipped}` (`skipped`: the quiet stretch entered on the
 * way, if any, so the page says once that it skips it).
 */
export function advance(tl, p, wallMs, speed, { skipWallMs = SKIP_WALL_MS } = {}) {
  let left = Math.max(0, wallMs);
  let pos = Math.max(0, p);
  let skipped = null;
  // At most a few segments per frame; the loop ends when the wall time is spent.
  while (left > 0 && pos < tl.total) {
    const q = quietAt(tl, pos);
    const rate = q ? Math.max(speed, (q.p1 - q.p0) / skipWallMs) : speed;
    const next = q ? q.p1 : nextQuietStart(tl, pos);
    const need = (next - pos) / rate;
    if (need > left) {
      pos += left * rate;
      left = 0;
    } else {
      pos = next;
      left -= need;
      if (!q) {
        const entered = quietAt(tl, pos);
        if (entered && !skipped) skipped = entered;
      }
    }
  }
  pos = Math.min(pos, tl.total);
  return { p: pos, ended: pos >= tl.total, skipped };
}

function nextQuietStart(tl, p) {
  for (const q of tl.quiet) if (q.p0 > p) return q.p0;
  return tl.total;
}

// ---- the activity strip --------------------------------------------------------------

/**
 * The per-minute activity as bars: `[{minuteAt, contributions, votes,
 * bySector: {sector: {contributions, votes}}}]`, one per minute that has any,
 * in time order; sectors in the glossary's order.
 */
export function activityMinutes(activity) {
  const byMinute = new Map();
  for (const row of activity ?? []) {
    let m = byMinute.get(row.minute_at);
    if (!m) {
      m = { minuteAt: row.minute_at, contributions: 0, votes: 0, bySector: {} };
      byMinute.set(row.minute_at, m);
    }
    const c = row.contributions ?? 0;
    const v = row.votes ?? 0;
    m.contributions += c;
    m.votes += v;
    const s = (m.bySector[row.sector] ??= { contributions: 0, votes: 0 });
    s.contributions += c;
    s.votes += v;
  }
  return [...byMinute.values()].sort((a, b) => a.minuteAt - b.minuteAt);
}

/**
 * Lay the minutes out in a `width` × `height` box: contributions stack
 * upwards from the middle line, votes downwards, one scale for both, each
 * sector its own segment. Returns `{bars: [{minute, x, w, segments: [{sector,
 * what, x, y, w, h, count}]}], max}`.
 */
export function layoutActivity(tl, minutes, width, height) {
  const mid = height / 2;
  let max = 0;
  for (const m of minutes) max = Math.max(max, m.contributions, m.votes);
  const unit = max > 0 ? (mid - 1) / max : 0;
  const bars = minutes.map((m) => {
    const x0 = fraction(tl, m.minuteAt) * width;
    const x1 = fraction(tl, m.minuteAt + MINUTE) * width;
    const w = Math.max(1.5, x1 - x0 - 1);
    const x = Math.min(x0, width - w);
    const segments = [];
    let up = mid;
    let down = mid;
    for (const sector of BUCKETS) {
      const s = m.bySector[sector];
      if (!s) continue;
      if (s.contributions > 0) {
        const h = s.contributions * unit;
        up -= h;
        segments.push({ sector, what: 'contributions', x, y: up, w, h, count: s.contributions });
      }
      if (s.votes > 0) {
        const h = s.votes * unit;
        segments.push({ sector, what: 'votes', x, y: down, w, h, count: s.votes });
        down += h;
      }
    }
    return { minute: m, x, w, segments };
  });
  return { bars, max };
}

/**
 * What one minute's bar counts, in words: "14:05 · 12 contributions (Public
 * sector 5, Business 7) · 3 votes (Academia 3)". `t` is i18n's `t`; `clock`
 * formats an instant.
 */
export function describeMinute(minute, t, clock) {
  const parts = (what) =>
    BUCKETS.filter((s) => minute.bySector[s]?.[what] > 0)
      .map((s) => `${bucketName(s, t)} ${minute.bySector[s][what]}`)
      .join(', ');
  const count = (what, n) => (n === 1 ? t(`replay.activity.${what}.one`) : t(`replay.activity.${what}`, { n }));
  const pieces = [clock(minute.minuteAt)];
  pieces.push(minute.contributions ? `${count('contributions', minute.contributions)} (${parts('contributions')})` : count('contributions', 0));
  pieces.push(minute.votes ? `${count('votes', minute.votes)} (${parts('votes')})` : count('votes', 0));
  return pieces.join(' · ');
}

// ---- words ---------------------------------------------------------------------------

/** h:mm:ss or m:ss of a non-negative duration (floored to the second). */
export function formatElapsed(ms) {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** An activity bucket's name: the sector's, or "small sectors together". */
export const bucketName = (bucket, t) => (bucket === 'few' ? t('replay.sector.few') : t(`sector.${bucket}`));

/**
 * A marker in words, in the page's language (the server's labels are a step
 * or round title as written, or `{sv, en}`).
 */
export function markerText(marker, t) {
  const title = typeof marker.label === 'string' ? marker.label : '';
  switch (marker.kind) {
    case 'step':
      return marker.step_id == null ? t('replay.marker.step.none') : t('replay.marker.step', { title });
    case 'sector_joined':
      return t('replay.marker.sector_joined', { sector: t(`sector.${marker.sector}`) });
    case 'vote_opened':
      return title ? t('replay.marker.vote_opened.titled', { title }) : t('replay.marker.vote_opened');
    case 'vote_closed':
    case 'reveal':
    case 'timer_started':
      return t(`replay.marker.${marker.kind}`);
    default:
      return title || marker.kind;
  }
}

/**
 * The slider's aria-valuetext: the time of day, time into the session and the
 * agenda step, e.g. "14:05:12, 23:10 in · Step 3 of 9: Silent ideas".
 */
export function valueText({ at, startAt, step, stepIndex, steps }, t, clock) {
  const when = t('replay.value.time', { clock: clock(at), elapsed: formatElapsed(at - startAt) });
  const where = step ? t('replay.value.step', { n: stepIndex + 1, of: steps, title: step.title }) : t('replay.value.no_step');
  return `${when} · ${where}`;
}
