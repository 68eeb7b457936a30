// An idea collection over days, in the browser: which schedule applies, its
// status now, the countdown in days and hours, and the date fields of the
// facilitator's form. Pure (no DOM): tests/js/collection.test.mjs checks it.
// Mirrors backend/samskapa/domain/collection.py; docs/protocol.md §2.9.

/** Codes after which a note stays in the sender's outbox, marked "not accepted". */
// `too_many_notes`: the board's notes-per-minute limit (moderation); send it again later.
export const KEPT_WHEN_REFUSED = new Set(['collection_closed', 'collection_not_open', 'too_many_notes']);

/** The commands a closed collection refuses from participants. */
export const CONTRIBUTIONS = new Set(['note.create', 'note.edit']);

/** 'not_open' | 'open' | 'closed' for one schedule at server time `now` (ms). */
export function scheduleStatus(schedule, now) {
  if (!schedule) return 'open';
  if (schedule.closed_at != null || (schedule.closes_at != null && now >= schedule.closes_at)) return 'closed';
  if (schedule.opens_at != null && now < schedule.opens_at) return 'not_open';
  return 'open';
}

/**
 * The schedule that decides for participants now, with its key: the board's
 * ('') and the current step's both apply; a closed or not-yet-open one wins,
 * else the one that closes first. Null when neither exists.
 */
export function activeSchedule(state, now) {
  const found = [];
  for (const key of ['', state.current_step]) {
    if (key === null || key === undefined) continue;
    const schedule = state.schedules?.[key];
    if (schedule) found.push({ key, schedule, status: scheduleStatus(schedule, now) });
  }
  if (found.length === 0) return null;
  const rank = { closed: 0, not_open: 1, open: 2 };
  found.sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      (a.schedule.closes_at ?? Infinity) - (b.schedule.closes_at ?? Infinity),
  );
  return found[0];
}

/** `{days, hours, minutes}` left in `ms` (never negative), rounded up to the minute. */
export function countdownParts(ms) {
  const minutes = Math.ceil(Math.max(0, ms) / 60_000);
  return { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 };
}

/** A `datetime-local` value (local time, to the minute) for an instant in ms. */
export function toLocalInput(ms) {
  if (ms == null) return '';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant (ms) of a `datetime-local` value in local time; null when empty or invalid. */
export function fromLocalInput(value) {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/**
 * What is wrong with the dates of the form before they are sent (the server
 * says the same with the same codes): `date_in_past`, `dates_reversed`, or null.
 */
export function datesProblem(opensAt, closesAt, now) {
  if (closesAt !== null && closesAt <= now) return 'date_in_past';
  if (opensAt !== null && closesAt !== null && opensAt >= closesAt) return 'dates_reversed';
  return null;
}

/**
 * "N new since your last visit": the ids still on the board (someone may have
 * deleted one since the list came), and the step from `index` by `delta`
 * (wrapping round).
 */
export function stillThere(ids, notes) {
  return ids.filter((id) => notes[id]);
}

export function stepThrough(length, index, delta) {
  if (length === 0) return -1;
  if (index < 0) return delta > 0 ? 0 : length - 1;
  return (((index + delta) % length) + length) % length;
}
