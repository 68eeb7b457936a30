// Facilitation in the browser's fold: it must match backend/samskapa/domain/apply.py,
// and the rules helpers must match backend/samskapa/domain/policy.py.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  applyEvent,
  applyOwnNotes,
  currentStep,
  emptyState,
  formatClock,
  fromSnapshot,
  FREE_RULES,
  isMine,
  may,
  permission,
  predict,
  StateError,
  stepRules,
  timerLeft,
} from '../../frontend/js/core/state.js';
import { makeEvents, makeNote } from './fixtures.mjs';

const events = makeEvents();
const ev = events.ev;

const board = {
  id: 'b_1',
  title: 'Godstransporter',
  language: 'sv',
  mission: { statement: 'Fossilfria godstransporter 2030', measure: '22 % → 100 %', deadline: '2030' },
  created_at: 1_764_280_000_000,
  anonymity: 'off',
};
const note = makeNote;
const silent = {
  id: 's1',
  title: 'Tysta idéer',
  instructions: 'En idé per lapp.',
  minutes: 8,
  frame_id: null,
  rules: { write: 'private', edit: 'own', group: false, link: false, vote: false },
};
const clustering = {
  id: 's2',
  title: 'Gruppera',
  instructions: '',
  minutes: 10,
  frame_id: null,
  rules: { write: 'none', edit: 'all', group: true, link: true, vote: false },
};

function seeded() {
  events.reset();
  const s = emptyState();
  applyEvent(s, ev('board.created', { board }));
  applyEvent(s, ev('participant.joined', { participant: { id: 'm_lina', name: 'Lina', sector: 'public', role: 'facilitator' } }));
  applyEvent(s, ev('participant.joined', { participant: { id: 'm_amira', name: 'Amira', sector: 'business', role: 'participant' } }));
  for (const id of ['n_1', 'n_2', 'n_3']) applyEvent(s, ev('note.created', { note: note(id) }));
  return s;
}

describe('facilitation fold', () => {
  test('note.kind_changed replaces the note', () => {
    const s = seeded();
    const before = s.notes.n_1;
    applyEvent(s, ev('note.kind_changed', { note_id: 'n_1', kind: 'conflict' }));
    assert.equal(s.notes.n_1.kind, 'conflict');
    assert.notEqual(s.notes.n_1, before);
    assert.throws(() => applyEvent(s, ev('note.kind_changed', { note_id: 'n_x', kind: 'goal' })), StateError);
  });

  test('groups: created, renamed, regrouped; a group left empty goes', () => {
    const s = seeded();
    applyEvent(s, ev('group.created', { group: { id: 'g_1', name: 'Laddning' }, note_ids: ['n_1', 'n_2'] }));
    assert.deepEqual(s.groups, { g_1: { id: 'g_1', name: 'Laddning' } });
    assert.equal(s.notes.n_1.group_id, 'g_1');
    applyEvent(s, ev('group.renamed', { group_id: 'g_1', name: 'Laddning vid depåer' }));
    assert.equal(s.groups.g_1.name, 'Laddning vid depåer');
    applyEvent(s, ev('group.created', { group: { id: 'g_2', name: 'Tåg' }, note_ids: ['n_3'] }));
    applyEvent(s, ev('note.grouped', { note_id: 'n_3', group_id: 'g_1' }));
    assert.equal(s.notes.n_3.group_id, 'g_1');
    assert.equal(s.groups.g_2, undefined, 'g_2 lost its only note');
    applyEvent(s, ev('note.grouped', { note_id: 'n_1', group_id: null }));
    applyEvent(s, ev('note.grouped', { note_id: 'n_2', group_id: null }));
    assert.ok(s.groups.g_1, 'n_3 is still in g_1');
    applyEvent(s, ev('note.grouped', { note_id: 'n_3', group_id: null }));
    assert.deepEqual(s.groups, {});
  });

  test('group.deleted keeps the notes, out of any group; clears a spotlight on it', () => {
    const s = seeded();
    applyEvent(s, ev('group.created', { group: { id: 'g_1', name: 'A' }, note_ids: ['n_1', 'n_2'] }));
    applyEvent(s, ev('attention.spotlight_changed', { spotlight: { kind: 'group', id: 'g_1' } }));
    assert.deepEqual(s.attention.spotlight, { kind: 'group', id: 'g_1' });
    applyEvent(s, ev('group.deleted', { group_id: 'g_1' }));
    assert.deepEqual(s.groups, {});
    assert.equal(s.notes.n_1.group_id, null);
    assert.equal(s.notes.n_2.group_id, null);
    assert.equal(s.attention.spotlight, null);
  });

  test('deleting a note deletes its links, drops an emptied group and a spotlight on it', () => {
    const s = seeded();
    applyEvent(s, ev('group.created', { group: { id: 'g_1', name: 'A' }, note_ids: ['n_1'] }));
    applyEvent(s, ev('link.created', { link: { id: 'l_1', from_id: 'n_1', to_id: 'n_2', kind: 'conflicts', status: 'open', resolution: '' } }));
    applyEvent(s, ev('link.created', { link: { id: 'l_2', from_id: 'n_2', to_id: 'n_3', kind: 'supports', status: 'open', resolution: '' } }));
    applyEvent(s, ev('attention.spotlight_changed', { spotlight: { kind: 'note', id: 'n_1' } }));
    applyEvent(s, ev('note.deleted', { note_id: 'n_1' }));
    assert.deepEqual(Object.keys(s.links), ['l_2']);
    assert.deepEqual(s.groups, {});
    assert.equal(s.attention.spotlight, null);
  });

  test('links: created, updated, deleted', () => {
    const s = seeded();
    const link = { id: 'l_1', from_id: 'n_1', to_id: 'n_2', kind: 'conflicts', status: 'open', resolution: '' };
    applyEvent(s, ev('link.created', { link }));
    applyEvent(s, ev('link.updated', { link: { ...link, status: 'balanced', resolution: 'Stegvis 2027–2029' } }));
    assert.equal(s.links.l_1.status, 'balanced');
    assert.equal(s.links.l_1.resolution, 'Stegvis 2027–2029');
    applyEvent(s, ev('link.deleted', { link_id: 'l_1' }));
    assert.deepEqual(s.links, {});
    assert.throws(() => applyEvent(s, ev('link.deleted', { link_id: 'l_1' })), StateError);
  });

  test('frame.deleted clears a spotlight on the frame', () => {
    const s = seeded();
    applyEvent(s, ev('frame.created', { frame: { id: 'f_1', title: 'Idéer', prompt: '', x: 0, y: 0, w: 800, h: 600 } }));
    applyEvent(s, ev('attention.spotlight_changed', { spotlight: { kind: 'frame', id: 'f_1' } }));
    applyEvent(s, ev('frame.deleted', { frame_id: 'f_1' }));
    assert.equal(s.attention.spotlight, null);
  });

  test('agenda, step change (resets that step\'s ready count), timer', () => {
    const s = seeded();
    applyEvent(s, ev('agenda.changed', { steps: [silent, clustering], current_step: null }));
    assert.equal(s.agenda.length, 2);
    assert.equal(currentStep(s), null);
    applyEvent(s, ev('agenda.step_changed', { step_id: 's1' }));
    assert.equal(currentStep(s).title, 'Tysta idéer');
    applyEvent(s, ev('step.ready_changed', { step_id: 's1', count: 4 }));
    applyEvent(s, ev('step.ready_changed', { step_id: 's1', count: 5, ready: true, mine: true }, { actor: '' }));
    assert.deepEqual(s.ready, { s1: 5 });
    assert.deepEqual(s.myReady, { s1: true });
    applyEvent(s, ev('agenda.step_changed', { step_id: 's2' }));
    assert.deepEqual(s.ready, { s1: 5 }, 'other steps keep their count');
    applyEvent(s, ev('agenda.step_changed', { step_id: 's1' }));
    assert.deepEqual(s.ready, {});
    assert.deepEqual(s.myReady, {});
    applyEvent(s, ev('agenda.step_changed', { step_id: null }));
    assert.equal(s.current_step, null);
    const timer = { duration_ms: 480000, ends_at: 1_764_281_714_567, remaining_ms: null };
    applyEvent(s, ev('timer.changed', { action: 'started', timer }));
    assert.deepEqual(s.timer, timer);
  });

  test('"I\'m done" withdrawn by me', () => {
    const s = seeded();
    applyEvent(s, ev('agenda.changed', { steps: [silent], current_step: 's1' }));
    applyEvent(s, ev('step.ready_changed', { step_id: 's1', count: 1, ready: true, mine: true }));
    applyEvent(s, ev('step.ready_changed', { step_id: 's1', count: 0, ready: false, mine: true }));
    assert.deepEqual(s.ready, { s1: 0 });
    assert.deepEqual(s.myReady, {});
  });

  test('board anonymity, lock, follow, summon', () => {
    const s = seeded();
    applyEvent(s, ev('board.anonymity_changed', { mode: 'full' }));
    assert.equal(s.board.anonymity, 'full');
    applyEvent(s, ev('board.lock_changed', { locked: true }));
    applyEvent(s, ev('attention.follow_changed', { leader: 'm_lina' }));
    assert.deepEqual(s.attention, { leader: 'm_lina', spotlight: null, locked: true });
    const before = JSON.stringify(s);
    applyEvent(s, ev('attention.summoned', { x: 0, y: 0, w: 100, h: 100 }));
    assert.equal(JSON.stringify({ ...s, seq: 0 }), JSON.stringify({ ...JSON.parse(before), seq: 0 }));
    applyEvent(s, ev('attention.follow_changed', { leader: null }));
    assert.equal(s.attention.leader, null);
  });

  test('replay allowed, and a restored board (fork or import)', () => {
    const frame = { id: 'f_ideas', title: 'Idéer', prompt: '', x: 0, y: 0, w: 800, h: 600 };
    const s = emptyState();
    applyEvent(s, ev('board.created', { board }));
    applyEvent(s, ev('board.replay_changed', { allowed: true }));
    assert.equal(s.board.replay, true);
    const n1 = note('n1', { author: '', group_id: 'g1' });
    const n2 = note('n2', { author: '' });
    const link = { id: 'l1', from_id: 'n1', to_id: 'n2', kind: 'conflicts', status: 'balanced', resolution: 'Stegvis' };
    applyEvent(s, ev('board.restored', {
      frames: [frame], notes: [n1, n2], groups: [{ id: 'g1', name: 'Laddning' }], links: [link], agenda: [silent],
    }));
    assert.deepEqual(Object.keys(s.notes), ['n1', 'n2']);
    assert.deepEqual(s.notes.n1, n1);
    assert.deepEqual(s.groups, { g1: { id: 'g1', name: 'Laddning' } });
    assert.deepEqual(s.links.l1, link);
    assert.deepEqual(s.frames[frame.id], frame);
    assert.deepEqual(s.agenda, [silent]);
    assert.equal(s.current_step, null);
  });

  test('private notes: own ones counted, others only as note.private counts, reveal', () => {
    const s = seeded();
    applyEvent(s, ev('note.created', { note: note('n_p', { private: true }), private_count: 3 }));
    assert.equal(s.private_count, 3);
    applyEvent(s, ev('note.private', { count: 4 }, { actor: '', op_id: '' }));
    assert.equal(s.private_count, 4);
    applyEvent(s, ev('note.private', {}, { actor: '', op_id: '' }));
    assert.equal(s.private_count, 4, 'an edit of a hidden note changes nothing');
    applyEvent(s, ev('note.deleted', { note_id: 'n_p', private: true, private_count: 3 }));
    assert.equal(s.private_count, 3);
    applyEvent(s, ev('note.created', { note: note('n_q', { private: true }) }));
    assert.equal(s.private_count, 4, 'without a count, +1 like apply.py');
    applyEvent(s, ev('notes.revealed', { notes: [note('n_q'), note('n_r', { author: 'm_bo' })] }));
    assert.equal(s.private_count, 0);
    assert.equal(s.notes.n_q.private, false);
    assert.equal(s.notes.n_r.author, 'm_bo');
  });
});

describe('fromSnapshot and own_notes', () => {
  test('an older snapshot gets the defaults', () => {
    const s = fromSnapshot({ seq: 4, state: { board, participants: {}, frames: {}, notes: { n_1: note('n_1') } } });
    assert.deepEqual(s.groups, {});
    assert.deepEqual(s.links, {});
    assert.deepEqual(s.agenda, []);
    assert.equal(s.current_step, null);
    assert.deepEqual(s.timer, { duration_ms: 0, ends_at: null, remaining_ms: null });
    assert.deepEqual(s.attention, { leader: null, spotlight: null, locked: false });
    assert.deepEqual(s.ready, {});
    assert.equal(s.private_count, 0);
    assert.deepEqual(s.myReady, {});
    assert.deepEqual(stepRules(s), FREE_RULES);
  });

  test('a new snapshot is copied, not shared', () => {
    const src = {
      board,
      participants: {},
      frames: {},
      notes: {},
      groups: { g_1: { id: 'g_1', name: 'A' } },
      links: {},
      agenda: [silent],
      current_step: 's1',
      timer: { duration_ms: 1000, ends_at: null, remaining_ms: 500 },
      attention: { leader: 'm_lina', spotlight: { kind: 'note', id: 'n_1' }, locked: true },
      ready: { s1: 12 },
      private_count: 87,
    };
    const s = fromSnapshot({ seq: 9, state: src });
    assert.equal(s.private_count, 87);
    assert.deepEqual(s.ready, { s1: 12 });
    assert.equal(s.attention.spotlight.id, 'n_1');
    s.agenda[0].title = 'x';
    s.attention.spotlight.id = 'y';
    assert.equal(src.agenda[0].title, 'Tysta idéer');
    assert.equal(src.attention.spotlight.id, 'n_1');
  });

  test('applyOwnNotes adds private notes, marks mine, sets myReady', () => {
    const s = fromSnapshot({
      seq: 9,
      state: { board: { ...board, anonymity: 'full' }, participants: {}, frames: {}, notes: { n_1: note('n_1', { author: '' }), n_2: note('n_2', { author: '' }) }, private_count: 2 },
    });
    applyOwnNotes(s, { type: 'own_notes', seq: 9, notes: { n_7: note('n_7', { private: true, author: '', mine: true }) }, mine: ['n_2'], ready: ['s1'] });
    assert.equal(s.notes.n_7.private, true);
    assert.equal(s.private_count, 2, 'the snapshot count already holds them');
    assert.equal(s.notes.n_2.mine, true);
    assert.equal(s.notes.n_1.mine, undefined);
    assert.ok(isMine(s.notes.n_2, 'm_amira'));
    assert.ok(!isMine(s.notes.n_1, 'm_amira'));
    assert.deepEqual(s.myReady, { s1: true });
  });
});

describe('predict (facilitation)', () => {
  const frozen = (s) => {
    for (const key of Object.keys(s)) if (s[key] && typeof s[key] === 'object') Object.freeze(s[key]);
    return Object.freeze(s);
  };

  test('note.kind, group.create, note.group, group.rename, group.delete', () => {
    const s = frozen(seeded());
    let v = predict(s, { type: 'note.kind', note_id: 'n_1', kind: 'goal' }, 'm_amira');
    assert.equal(v.notes.n_1.kind, 'goal');
    assert.ok(v.notes.n_1.pending);
    v = predict(s, { type: 'group.create', group_id: 'g_1', name: 'A', note_ids: ['n_1', 'n_2'] }, 'm_amira');
    assert.equal(v.groups.g_1.name, 'A');
    assert.equal(v.notes.n_2.group_id, 'g_1');
    assert.deepEqual(s.groups, {}, 'the confirmed state is untouched');
    v = predict(v, { type: 'note.group', note_id: 'n_3', group_id: 'g_1' }, 'm_amira');
    assert.equal(v.notes.n_3.group_id, 'g_1');
    v = predict(v, { type: 'group.rename', group_id: 'g_1', name: 'B' }, 'm_amira');
    assert.equal(v.groups.g_1.name, 'B');
    v = predict(v, { type: 'group.delete', group_id: 'g_1' }, 'm_amira');
    assert.deepEqual(v.groups, {});
    assert.equal(v.notes.n_1.group_id, null);
    assert.equal(predict(s, { type: 'note.group', note_id: 'n_1', group_id: 'g_x' }, 'm_amira'), s);
  });

  test('link.create, link.update, link.delete; note.delete takes its links', () => {
    const s = frozen(seeded());
    let v = predict(s, { type: 'link.create', link_id: 'l_1', from_id: 'n_1', to_id: 'n_2', kind: 'conflicts' }, 'm_amira');
    assert.deepEqual({ ...v.links.l_1, pending: undefined }, { id: 'l_1', from_id: 'n_1', to_id: 'n_2', kind: 'conflicts', status: 'open', resolution: '', pending: undefined });
    v = predict(v, { type: 'link.update', link_id: 'l_1', status: 'accepted', resolution: 'OK' }, 'm_amira');
    assert.equal(v.links.l_1.status, 'accepted');
    assert.equal(v.links.l_1.kind, 'conflicts');
    const gone = predict(v, { type: 'note.delete', note_id: 'n_2' }, 'm_amira');
    assert.deepEqual(gone.links, {});
    v = predict(v, { type: 'link.delete', link_id: 'l_1' }, 'm_amira');
    assert.deepEqual(v.links, {});
  });

  test('step.ready counts me in and out; a private step makes my new note private', () => {
    const s = seeded();
    applyEvent(s, ev('agenda.changed', { steps: [silent], current_step: 's1' }));
    applyEvent(s, ev('step.ready_changed', { step_id: 's1', count: 2 }));
    frozen(s);
    const v = predict(s, { type: 'step.ready', ready: true }, 'm_amira');
    assert.deepEqual(v.ready, { s1: 3 });
    assert.deepEqual(v.myReady, { s1: true });
    assert.equal(predict(v, { type: 'step.ready', ready: true }, 'm_amira').ready.s1, 3, 'twice is once');
    assert.deepEqual(s.ready, { s1: 2 });
    const created = predict(s, { type: 'note.create', note_id: 'n_9', text: 'x', x: 0, y: 0, color: 'blue', kind: 'idea' }, 'm_amira');
    assert.equal(created.notes.n_9.private, true);
    assert.equal(created.notes.n_9.mine, true);
    const byLina = predict(s, { type: 'note.create', note_id: 'n_9', text: 'x', x: 0, y: 0 }, 'm_lina');
    assert.equal(byLina.notes.n_9.private, false, "a facilitator's notes are never private");
  });
});

describe('rules helpers (policy.py)', () => {
  const withStep = (step, locked = false) => {
    const s = seeded();
    if (step) applyEvent(s, ev('agenda.changed', { steps: [step], current_step: step.id }));
    if (locked) applyEvent(s, ev('board.lock_changed', { locked: true }));
    return s;
  };
  const mine = note('n_1', { author: 'm_amira' });
  const theirs = note('n_2', { author: 'm_bo' });

  test('no step: the free canvas', () => {
    const s = withStep(null);
    assert.deepEqual(stepRules(s), FREE_RULES);
    for (const action of ['write', 'group', 'link', 'vote', 'ready'].slice(0, 4)) assert.ok(may(s, 'participant', 'm_amira', action));
    assert.ok(may(s, 'participant', 'm_amira', 'edit', theirs));
    assert.equal(permission(s, 'participant', 'm_amira', 'delete', theirs), 'forbidden');
    assert.ok(may(s, 'participant', 'm_amira', 'delete', mine));
    assert.equal(permission(s, 'participant', 'm_amira', 'ready'), 'no_step');
    assert.equal(permission(s, 'participant', 'm_amira', 'facilitate'), 'forbidden');
  });

  test('a silent step: write, change own notes, nothing else', () => {
    const s = withStep(silent);
    assert.ok(may(s, 'participant', 'm_amira', 'write'));
    assert.ok(may(s, 'participant', 'm_amira', 'edit', mine));
    assert.equal(permission(s, 'participant', 'm_amira', 'edit', theirs), 'step_forbids');
    assert.equal(permission(s, 'participant', 'm_amira', 'group'), 'step_forbids');
    assert.equal(permission(s, 'participant', 'm_amira', 'link'), 'step_forbids');
    assert.equal(permission(s, 'participant', 'm_amira', 'vote'), 'step_forbids');
    assert.ok(may(s, 'participant', 'm_amira', 'ready'));
    assert.ok(may(s, 'facilitator', 'm_lina', 'group'), 'facilitators always');
    assert.ok(may(s, 'facilitator', 'm_lina', 'facilitate'));
  });

  test('a step without rules gets StepRules defaults', () => {
    const s = withStep({ id: 's9', title: 'x', instructions: '', minutes: 0, frame_id: null, rules: { write: 'none' } });
    assert.deepEqual(stepRules(s), { write: 'none', edit: 'own', group: true, link: true, vote: true });
  });

  test('observers never; a locked board stops participants except "I\'m done"', () => {
    const s = withStep(clustering, true);
    assert.equal(permission(s, 'observer', 'm_o', 'write'), 'forbidden');
    assert.equal(permission(s, 'observer', 'm_o', 'ready'), 'forbidden');
    assert.equal(permission(s, 'participant', 'm_amira', 'group'), 'board_locked');
    assert.equal(permission(s, 'participant', 'm_amira', 'edit', mine), 'board_locked');
    assert.ok(may(s, 'participant', 'm_amira', 'ready'));
    assert.ok(may(s, 'facilitator', 'm_lina', 'edit', theirs));
  });

  test('private notes cannot be grouped, linked or voted on', () => {
    const s = withStep(null);
    const hidden = note('n_p', { private: true });
    assert.equal(permission(s, 'participant', 'm_amira', 'group', hidden), 'note_private');
    assert.equal(permission(s, 'facilitator', 'm_lina', 'link', hidden), 'note_private');
    assert.ok(may(s, 'participant', 'm_amira', 'edit', hidden));
  });
});

describe('timer', () => {
  test('running, paused, stopped; the server clock offset counts', () => {
    const running = { duration_ms: 480_000, ends_at: 10_000_000, remaining_ms: null };
    assert.deepEqual(timerLeft(running, 9_000_000, 600_000), { running: true, paused: false, remainingMs: 400_000, durationMs: 480_000 });
    // A server clock guessed a little behind never shows more than the duration.
    assert.equal(timerLeft(running, 9_000_000, 500_000).remainingMs, 480_000);
    assert.equal(timerLeft(running, 11_000_000, 0).remainingMs, 0);
    assert.equal(timerLeft({ duration_ms: 5, ends_at: null, remaining_ms: 201_000 }, 0).paused, true);
    assert.equal(timerLeft({ duration_ms: 0, ends_at: null, remaining_ms: null }, 0), null);
  });

  test('formatClock', () => {
    assert.equal(formatClock(0), '00:00');
    assert.equal(formatClock(201_000), '03:21');
    assert.equal(formatClock(1), '00:01');
    assert.equal(formatClock(3_723_000), '1:02:03');
  });
});

describe('spotlightTargets', () => {
  test('a note, a group with its notes, a frame with its notes and their groups', async () => {
    const { spotlightTargets } = await import('../../frontend/js/core/state.js');
    const s = seeded();
    assert.equal(spotlightTargets(s).active, false);
    applyEvent(s, ev('frame.created', { frame: { id: 'f_1', title: '', prompt: '', x: 0, y: 0, w: 800, h: 600 } }));
    applyEvent(s, ev('group.created', { group: { id: 'g_1', name: 'A' }, note_ids: ['n_1', 'n_2'] }));
    applyEvent(s, ev('attention.spotlight_changed', { spotlight: { kind: 'group', id: 'g_1' } }));
    assert.deepEqual([...spotlightTargets(s).notes].sort(), ['n_1', 'n_2']);
    applyEvent(s, ev('attention.spotlight_changed', { spotlight: { kind: 'frame', id: 'f_1' } }));
    const lit = spotlightTargets(s);
    assert.deepEqual([...lit.notes].sort(), ['n_1', 'n_2', 'n_3']);
    assert.deepEqual([...lit.groups], ['g_1']);
    applyEvent(s, ev('attention.spotlight_changed', { spotlight: { kind: 'note', id: 'n_3' } }));
    assert.deepEqual([...spotlightTargets(s).notes], ['n_3']);
  });
});

test('a stricter anonymity blanks the authors a page already holds', async () => {
  const { hideAuthors } = await import('../../frontend/js/core/state.js');
  const state = {
    board: { id: 'b', anonymity: 'facilitators' },
    notes: {
      n1: { id: 'n1', author: 'm_me', text: 'mine' },
      n2: { id: 'n2', author: 'm_other', text: 'theirs' },
    },
  };
  hideAuthors(state, { id: 'm_fac', role: 'facilitator' });
  assert.equal(state.notes.n2.author, 'm_other'); // facilitators still see names
  hideAuthors(state, { id: 'm_me', role: 'participant' });
  assert.deepEqual(state.notes.n1, { id: 'n1', author: '', text: 'mine', mine: true });
  assert.deepEqual(state.notes.n2, { id: 'n2', author: '', text: 'theirs' });
});
