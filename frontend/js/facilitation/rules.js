// The rules of the game as the facilitator's panel needs them: step rules and
// presets, the agenda editor's checks, the timer's phases, the summon
// rectangle, the goal-conflict register, readiness. Pure (tested by
// tests/js/panel.test.mjs); the server's rules are backend/samskapa/domain/
// values.py and facilitation.py.

import { t } from '../core/i18n.js';
import { CONFLICT_STATUSES, currentStep, STEP_RULE_DEFAULTS, TITLE_MAX } from '../core/state.js';
import { ENUMS, LIMITS } from '../core/vocabulary.js';

// ---- the rules of the game (backend/samskapa/domain/values.py, facilitation.py) -----

export const WRITE_MODES = ENUMS.write_modes;
export const EDIT_SCOPES = ENUMS.edit_scopes;
export const RULE_FLAGS = ['group', 'link', 'vote'];
export const { MAX_STEPS, INSTRUCTIONS_MAX } = LIMITS;
export const MINUTES_MAX = LIMITS.STEP_MINUTES_MAX;
export const { TIMER_SECONDS_MAX } = LIMITS;
// attention.summon takes a rectangle whose sides are a frame's (FRAME_MIN–FRAME_MAX board units).
const SUMMON_MIN = LIMITS.FRAME_MIN;
const SUMMON_MAX = LIMITS.FRAME_MAX;
const COORD = LIMITS.COORD_LIMIT;

const rules = (write, edit, group = false, link = false, vote = false) => ({ write, edit, group, link, vote });

/** Common steps of a mission workshop: what participants may do, and a usual length. */
export const PRESETS = [
  { id: 'read_only', minutes: 5, rules: rules('none', 'none') },
  { id: 'silent', minutes: 8, rules: rules('private', 'own') },
  { id: 'open', minutes: 10, rules: rules('open', 'own') },
  { id: 'cluster', minutes: 15, rules: rules('none', 'all', true) },
  { id: 'vote', minutes: 5, rules: rules('none', 'none', false, false, true) },
  { id: 'conflicts', minutes: 20, rules: rules('open', 'own', false, true) },
  { id: 'commitments', minutes: 15, rules: rules('open', 'own') },
];

/** A step's rules with every field present (StepRules defaults), in the server's order. */
export function fullRules(r = {}) {
  const d = STEP_RULE_DEFAULTS;
  return {
    write: WRITE_MODES.includes(r.write) ? r.write : d.write,
    edit: EDIT_SCOPES.includes(r.edit) ? r.edit : d.edit,
    group: typeof r.group === 'boolean' ? r.group : d.group,
    link: typeof r.link === 'boolean' ? r.link : d.link,
    vote: typeof r.vote === 'boolean' ? r.vote : d.vote,
  };
}

/** A new step id, `s_` and 10 random letters or digits. */
export function newStepId(random = Math.random) {
  let id = 's_';
  for (let i = 0; i < 10; i++) id += Math.floor(random() * 36).toString(36);
  return id;
}

/** A step as agenda.set takes it: only the known fields, every one present. */
export function cleanStep(step) {
  return {
    id: step.id,
    title: String(step.title ?? ''),
    instructions: String(step.instructions ?? ''),
    minutes: Number(step.minutes) || 0,
    rules: fullRules(step.rules),
    frame_id: step.frame_id || null,
    note_kind: step.note_kind || null,
  };
}

/** `list` with the item at `index` moved by `delta` places (a copy; unchanged at the ends). */
export function moveItem(list, index, delta) {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return list.slice();
  const copy = list.slice();
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item);
  return copy;
}

/** What is wrong with a draft agenda, as an i18n key and the step's index, or null. */
export function agendaProblem(steps) {
  if (steps.length > MAX_STEPS) return { key: 'fac.agenda.error.too_many', index: -1 };
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!String(s.title ?? '').trim()) return { key: 'fac.agenda.error.title', index: i };
    if (String(s.title).length > TITLE_MAX) return { key: 'fac.agenda.error.title_long', index: i };
    if (String(s.instructions ?? '').length > INSTRUCTIONS_MAX) {
      return { key: 'fac.agenda.error.instructions', index: i };
    }
    const m = Number(s.minutes);
    if (!Number.isInteger(m) || m < 0 || m > MINUTES_MAX) return { key: 'fac.agenda.error.minutes', index: i };
  }
  return null;
}

/** The step `delta` places from the current one (the first from a free board), or undefined. */
export function neighbourStep(agenda, current, delta) {
  if (!agenda.length) return undefined;
  const index = agenda.findIndex((s) => s.id === current);
  if (index < 0) return delta > 0 ? agenda[0].id : undefined;
  return agenda[index + delta]?.id;
}

/** `stopped`, `running`, `over` (running, past zero) or `paused`. */
export function timerPhase(timer, now) {
  if (timer?.ends_at != null) return timer.ends_at <= now ? 'over' : 'running';
  if (timer?.remaining_ms != null) return 'paused';
  return 'stopped';
}

/** Timer seconds from a minutes field (decimals allowed), or null when out of range. */
export function timerSeconds(minutes) {
  const value = Number(String(minutes).replace(',', '.'));
  if (!Number.isFinite(value)) return null;
  const seconds = Math.round(value * 60);
  return seconds >= 1 && seconds <= TIMER_SECONDS_MAX ? seconds : null;
}

/**
 * The view rectangle attention.summon may carry: sides within 40–20,000 board
 * units (scaled together, around the same centre) and a corner on the board.
 */
export function summonRect(rect) {
  const big = Math.max(rect.w, rect.h);
  const small = Math.min(rect.w, rect.h);
  let k = 1;
  if (big > SUMMON_MAX) k = SUMMON_MAX / big;
  else if (small < SUMMON_MIN) k = SUMMON_MIN / Math.max(1, small);
  const side = (v) => Math.round(Math.min(SUMMON_MAX, Math.max(SUMMON_MIN, v * k)));
  const w = side(rect.w);
  const hh = side(rect.h);
  const corner = (start, size, to) => Math.round(Math.min(COORD, Math.max(-COORD, start + (size - to) / 2)));
  return { x: corner(rect.x, rect.w, w), y: corner(rect.y, rect.h, hh), w, h: hh };
}

/** The links as the register shows them: goal conflicts first, counted by status. */
export function linkRegister(links, notes) {
  const conflicts = [];
  const others = [];
  const counts = { open: 0, balanced: 0, accepted: 0 };
  for (const link of Object.values(links ?? {})) {
    const row = { link, from: notes[link.from_id] ?? null, to: notes[link.to_id] ?? null };
    if (link.kind === 'conflicts') {
      conflicts.push(row);
      const status = CONFLICT_STATUSES.includes(link.status) ? link.status : 'open';
      counts[status] += 1;
    } else {
      others.push(row);
    }
  }
  return { conflicts, others, counts };
}

/** "I'm done" for the current step: the count, out of the participants online (never fewer than the count). */
export function readiness(view, onlineParticipants) {
  const step = currentStep(view);
  if (!step) return null;
  const count = view.ready?.[step.id] ?? 0;
  return { step, count, of: Math.max(count, onlineParticipants) };
}

// The CSV files a facilitator can download (backend/samskapa/api/export.py).
export const EXPORTS = ['notes', 'links', 'votes'];

/** "Write privately · change own notes · vote" for a step's rules. */
export function rulesSummary(r) {
  const full = fullRules(r);
  const parts = [t(`fac.rules.write.${full.write}.short`), t(`fac.rules.edit.${full.edit}.short`)];
  for (const flag of RULE_FLAGS) if (full[flag]) parts.push(t(`fac.rules.${flag}.short`));
  return parts.join(' · ');
}

/** Which panel section a command belongs to (where its errors are shown), or null. */
export function sectionOf(type) {
  if (type.startsWith('agenda.')) return 'agenda';
  if (type.startsWith('timer.')) return 'timer';
  if (type === 'notes.reveal') return 'writing';
  if (type.startsWith('attention.') || type === 'board.lock') return 'attention';
  if (type === 'board.anonymity') return 'anonymity';
  if (type === 'board.replay') return 'replay';
  if (type === 'link.update') return 'conflicts';
  return null;
}
