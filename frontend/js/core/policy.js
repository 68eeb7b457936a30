// What a member may do now, and what the step, the timer and the spotlight
// show: the mirror of backend/samskapa/domain/policy.py, so the page hides or
// explains what the server would refuse. Pure.

import { FREE_RULES, isWithheld, STEP_RULE_DEFAULTS } from './model.js';

/** Did this viewer write `note`? (On an anonymous board their notes say `mine: true`.) */
export function isMine(note, memberId) {
  return note.mine === true || (Boolean(note.author) && note.author === memberId);
}

/** May `role`/`memberId` delete `note`? The role rule of backend policy.py (see `permission` for steps). */
export function canDeleteNote(role, memberId, note) {
  if (role === 'facilitator') return true;
  return role === 'participant' && isMine(note, memberId);
}

export function canEditNotes(role) {
  return role === 'facilitator' || role === 'participant';
}

/** The agenda step that runs now, or null (a free board). */
export function currentStep(state) {
  const id = state.current_step;
  return id ? (state.agenda ?? []).find((step) => step.id === id) ?? null : null;
}

/** The participants' rules now: the current step's (with StepRules defaults), else FREE_RULES. */
export function stepRules(state) {
  const step = currentStep(state);
  return step ? { ...STEP_RULE_DEFAULTS, ...(step.rules ?? {}) } : FREE_RULES;
}

/**
 * Why `role`/`memberId` may not do `action` now, as the server would answer
 * (`forbidden`, `board_locked`, `step_forbids`, `note_private`, `no_step`), or
 * null when it is allowed. `action`: `write`, `edit` (edit, move, recolour,
 * kind), `delete`, `group`, `link`, `vote`, `ready` or `facilitate`; `note` is
 * the note concerned for `edit`, `delete`, `group`, `link` and `vote`.
 */
export function permission(state, role, memberId, action, note = null) {
  if (role !== 'facilitator' && role !== 'participant') return 'forbidden';
  if (note?.private && ['group', 'link', 'vote'].includes(action)) return 'note_private';
  if (isWithheld(note) && ['group', 'link', 'vote'].includes(action)) return 'note_withheld';
  if (action === 'ready') return state.current_step ? null : 'no_step';
  if (role === 'facilitator') return null;
  if (action === 'facilitate') return 'forbidden';
  if (state.attention?.locked) return 'board_locked';
  const rules = stepRules(state);
  switch (action) {
    case 'write':
      return rules.write === 'none' ? 'step_forbids' : null;
    case 'edit':
    case 'delete': {
      const own = !note || isMine(note, memberId);
      if (rules.edit === 'none' || (rules.edit === 'own' && !own)) return 'step_forbids';
      return action === 'delete' && !own ? 'forbidden' : null;
    }
    case 'group':
    case 'link':
    case 'vote':
      return rules[action] ? null : 'step_forbids';
    default:
      return 'forbidden';
  }
}

/** `permission(...) === null`: may this member do `action` now? */
export function may(state, role, memberId, action, note = null) {
  return permission(state, role, memberId, action, note) === null;
}

/**
 * The server timer as seen now: `{running, paused, remainingMs, durationMs}`,
 * or null when it is stopped. `nowMs` is this clock; `offset` = server − local
 * (Connection.serverOffset). Never below 0, nor above the duration.
 */
export function timerLeft(timer, nowMs, offset = 0) {
  if (!timer) return null;
  if (timer.ends_at != null) {
    // Never above the duration: a clock offset estimated a little late must
    // not show 10:01 for a timer of ten minutes.
    const left = Math.max(0, Math.min(timer.ends_at - (nowMs + offset), timer.duration_ms || Infinity));
    return { running: true, paused: false, remainingMs: left, durationMs: timer.duration_ms };
  }
  if (timer.remaining_ms != null) {
    return { running: false, paused: true, remainingMs: timer.remaining_ms, durationMs: timer.duration_ms };
  }
  return null;
}

/** mm:ss (or h:mm:ss) for a number of milliseconds, rounded up to the second. */
export function formatClock(ms) {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${String(m).padStart(2, '0')}:${sec}`;
}

/**
 * What the spotlight lights (everything else is dimmed): `{active, notes,
 * frames, groups}` (Sets of ids). A frame lights its notes, a group its notes.
 */
export function spotlightTargets(state) {
  const spot = state.attention?.spotlight;
  const lit = { active: false, notes: new Set(), frames: new Set(), groups: new Set() };
  if (!spot) return lit;
  lit.active = true;
  if (spot.kind === 'note') lit.notes.add(spot.id);
  if (spot.kind === 'frame') lit.frames.add(spot.id);
  if (spot.kind === 'group') lit.groups.add(spot.id);
  for (const note of Object.values(state.notes)) {
    if ((spot.kind === 'frame' && note.frame_id === spot.id) || (spot.kind === 'group' && note.group_id === spot.id)) {
      lit.notes.add(note.id);
      if (note.group_id && spot.kind === 'frame') lit.groups.add(note.group_id);
    }
  }
  return lit;
}
