// The facilitator panel's pure parts (frontend/js/facilitation/panel.js): presets and
// rules, the agenda editor's list operations and checks, step navigation,
// the timer's phases and seconds, the summon rectangle, the conflict register.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { STRINGS } from '../../frontend/js/core/i18n.js';
import {
  agendaProblem,
  cleanStep,
  fullRules,
  linkRegister,
  moveItem,
  neighbourStep,
  newStepId,
  PRESETS,
  readiness,
  RULE_FLAGS,
  sectionOf,
  summonRect,
  timerPhase,
  timerSeconds,
} from '../../frontend/js/facilitation/panel.js';

const step = (id, extra = {}) => cleanStep({ id, title: `Step ${id}`, minutes: 5, rules: {}, ...extra });

describe('steps and rules', () => {
  test('a new step id fits the server (letters, digits, _ and -, at most 64)', () => {
    const id = newStepId();
    assert.match(id, /^s_[a-z0-9]{10}$/);
    assert.notEqual(newStepId(), id);
  });

  test('rules get the StepRules defaults for what is missing or wrong', () => {
    assert.deepEqual(fullRules({}), { write: 'open', edit: 'own', group: true, link: true, vote: true });
    assert.deepEqual(fullRules({ write: 'private', edit: 'bogus', vote: false }), {
      write: 'private',
      edit: 'own',
      group: true,
      link: true,
      vote: false,
    });
  });

  test('a clean step has exactly the fields agenda.set takes', () => {
    const s = cleanStep({ id: 's1', title: 'Ideas', extra: 1, frame_id: '', minutes: '7' });
    assert.deepEqual(Object.keys(s), ['id', 'title', 'instructions', 'minutes', 'rules', 'frame_id', 'note_kind']);
    assert.equal(s.frame_id, null);
    assert.equal(s.note_kind, null);
    // A step's kind for new notes (set by a template) survives an edit in the panel.
    assert.equal(cleanStep({ id: 's2', title: 'Commit', note_kind: 'commitment' }).note_kind, 'commitment');
    assert.equal(s.minutes, 7);
  });

  test('presets: read only forbids everything, silent writing is private, each has both languages', () => {
    const byId = Object.fromEntries(PRESETS.map((p) => [p.id, p]));
    assert.deepEqual(byId.read_only.rules, { write: 'none', edit: 'none', group: false, link: false, vote: false });
    assert.equal(byId.silent.rules.write, 'private');
    assert.equal(byId.vote.rules.vote, true);
    assert.equal(byId.conflicts.rules.link, true);
    assert.equal(byId.cluster.rules.group, true);
    for (const p of PRESETS) {
      for (const lang of ['en', 'sv']) {
        for (const key of [`fac.preset.${p.id}`, `fac.preset.${p.id}.title`, `fac.preset.${p.id}.instructions`]) {
          assert.ok(STRINGS[lang][key], `${lang} ${key}`);
        }
      }
    }
    for (const flag of RULE_FLAGS) assert.ok(STRINGS.sv[`fac.rules.${flag}`]);
  });
});

describe('the agenda editor', () => {
  test('move up and down, unchanged at the ends, never in place', () => {
    const list = ['a', 'b', 'c'];
    assert.deepEqual(moveItem(list, 0, 1), ['b', 'a', 'c']);
    assert.deepEqual(moveItem(list, 2, -1), ['a', 'c', 'b']);
    assert.deepEqual(moveItem(list, 0, -1), ['a', 'b', 'c']);
    assert.deepEqual(moveItem(list, 2, 1), ['a', 'b', 'c']);
    assert.deepEqual(list, ['a', 'b', 'c']);
  });

  test('problems name the step: empty title, minutes out of range, too many steps', () => {
    assert.equal(agendaProblem([step('a'), step('b')]), null);
    assert.deepEqual(agendaProblem([step('a'), step('b', { title: '  ' })]), { key: 'fac.agenda.error.title', index: 1 });
    assert.deepEqual(agendaProblem([{ ...step('a'), minutes: 601 }]), { key: 'fac.agenda.error.minutes', index: 0 });
    assert.deepEqual(agendaProblem([{ ...step('a'), minutes: 1.5 }]), { key: 'fac.agenda.error.minutes', index: 0 });
    const many = Array.from({ length: 31 }, (_, i) => step(`s${i}`));
    assert.equal(agendaProblem(many).key, 'fac.agenda.error.too_many');
  });

  test('next and previous from a step, from a free board, at the ends', () => {
    const agenda = [step('a'), step('b'), step('c')];
    assert.equal(neighbourStep(agenda, null, 1), 'a');
    assert.equal(neighbourStep(agenda, null, -1), undefined);
    assert.equal(neighbourStep(agenda, 'b', 1), 'c');
    assert.equal(neighbourStep(agenda, 'b', -1), 'a');
    assert.equal(neighbourStep(agenda, 'c', 1), undefined);
    assert.equal(neighbourStep([], null, 1), undefined);
  });
});

describe('the timer', () => {
  const now = 1_764_281_000_000;
  test('phases: stopped, running, over (running past zero), paused', () => {
    assert.equal(timerPhase({ duration_ms: 0, ends_at: null, remaining_ms: null }, now), 'stopped');
    assert.equal(timerPhase({ duration_ms: 60_000, ends_at: now + 1, remaining_ms: null }, now), 'running');
    assert.equal(timerPhase({ duration_ms: 60_000, ends_at: now, remaining_ms: null }, now), 'over');
    assert.equal(timerPhase({ duration_ms: 60_000, ends_at: null, remaining_ms: 5 }, now), 'paused');
    assert.equal(timerPhase(undefined, now), 'stopped');
  });

  test('minutes to seconds within 1–21,600, decimal comma allowed', () => {
    assert.equal(timerSeconds('8'), 480);
    assert.equal(timerSeconds('1,5'), 90);
    assert.equal(timerSeconds('0'), null);
    assert.equal(timerSeconds('361'), null);
    assert.equal(timerSeconds('x'), null);
  });
});

describe('attention, readiness, the register', () => {
  test('the summon rectangle keeps its centre and stays within 40–20,000', () => {
    assert.deepEqual(summonRect({ x: 0, y: 0, w: 1600, h: 900 }), { x: 0, y: 0, w: 1600, h: 900 });
    const big = summonRect({ x: -20_000, y: -10_000, w: 40_000, h: 20_000 });
    assert.deepEqual(big, { x: -10_000, y: -5_000, w: 20_000, h: 10_000 });
    const small = summonRect({ x: 100, y: 100, w: 20, h: 10 });
    assert.ok(small.w >= 40 && small.h >= 40);
  });

  test('readiness counts against those online, never fewer than the count', () => {
    const view = { agenda: [step('a')], current_step: 'a', ready: { a: 3 } };
    assert.deepEqual(readiness(view, 10), { step: view.agenda[0], count: 3, of: 10 });
    assert.equal(readiness(view, 2).of, 3);
    assert.equal(readiness({ ...view, current_step: null }, 10), null);
  });

  test('conflicts are counted by status; other links apart; deleted notes are null', () => {
    const notes = { n1: { id: 'n1', text: 'A' }, n2: { id: 'n2', text: 'B' } };
    const links = {
      l1: { id: 'l1', from_id: 'n1', to_id: 'n2', kind: 'conflicts', status: 'balanced', resolution: '' },
      l2: { id: 'l2', from_id: 'n2', to_id: 'n1', kind: 'conflicts', status: 'open', resolution: '' },
      l3: { id: 'l3', from_id: 'n1', to_id: 'gone', kind: 'supports', status: 'open', resolution: '' },
    };
    const r = linkRegister(links, notes);
    assert.deepEqual(r.counts, { open: 1, balanced: 1, accepted: 0 });
    assert.deepEqual(r.conflicts.map((c) => c.link.id), ['l1', 'l2']);
    assert.equal(r.others[0].to, null);
  });

  test('errors go to the section of their command', () => {
    assert.equal(sectionOf('agenda.set'), 'agenda');
    assert.equal(sectionOf('timer.pause'), 'timer');
    assert.equal(sectionOf('notes.reveal'), 'writing');
    assert.equal(sectionOf('board.lock'), 'attention');
    assert.equal(sectionOf('attention.summon'), 'attention');
    assert.equal(sectionOf('board.anonymity'), 'anonymity');
    assert.equal(sectionOf('link.update'), 'conflicts');
    assert.equal(sectionOf('note.create'), null);
  });
});
