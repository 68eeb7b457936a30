// What moderation offers and shows (frontend/js/moderation/queue.js) and the
// browser's predictions of its commands (state.js).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  decisionCommand,
  decisions,
  flagOffer,
  moderationLists,
  moderationMark,
  parseRate,
  reasonTooLong,
  waitingCount,
} from '../../frontend/js/moderation/queue.js';
import { applyEvent, emptyState, predict } from '../../frontend/js/core/state.js';

const note = (id, extra = {}) => ({
  id, text: id, x: 0, y: 0, color: 'yellow', kind: 'idea', frame_id: null, author: 'm_a',
  origin: 'participant', private: false, group_id: null, moderation: 'published', reason: '', ...extra,
});

function view(notes, extra = {}) {
  return { notes: Object.fromEntries(notes.map((n) => [n.id, n])), flags: {}, myFlags: {}, ...extra };
}

describe('the facilitator lists', () => {
  test('waiting oldest first, rejected, hidden, flagged most first and never withheld', () => {
    const v = view(
      [
        note('w1', { moderation: 'waiting' }),
        note('p1'),
        note('r1', { moderation: 'rejected', reason: 'Off topic' }),
        note('w2', { moderation: 'waiting' }),
        note('h1', { moderation: 'hidden', reason: 'Names a person' }),
        note('p2'),
      ],
      { flags: { p1: 1, p2: 3, h1: 2 } },
    );
    const lists = moderationLists(v);
    assert.deepEqual(lists.waiting.map((n) => n.id), ['w1', 'w2']);
    assert.deepEqual(lists.rejected.map((n) => n.id), ['r1']);
    assert.deepEqual(lists.hidden.map((n) => n.id), ['h1']);
    assert.deepEqual(lists.flagged.map((f) => [f.note.id, f.count]), [['p2', 3], ['p1', 1]]);
    assert.equal(waitingCount(v), 2);
  });
});

describe('the mark on a note', () => {
  test('none on a published note; the author reads why, a facilitator what', () => {
    assert.equal(moderationMark(note('a'), { facilitator: false }), null);
    assert.deepEqual(moderationMark(note('a', { moderation: 'waiting' }), { facilitator: false }), {
      status: 'waiting', key: 'mod.mark.waiting', reason: '',
    });
    const rejected = note('a', { moderation: 'rejected', reason: 'Off topic' });
    assert.equal(moderationMark(rejected, { facilitator: false }).key, 'mod.mark.rejected');
    assert.equal(moderationMark(rejected, { facilitator: true }).key, 'mod.mark.rejected.fac');
    assert.equal(moderationMark(rejected, { facilitator: true }).reason, 'Off topic');
    assert.equal(moderationMark(note('a', { moderation: 'hidden', reason: 'x' }), { facilitator: false }).key, 'mod.mark.hidden');
  });
});

describe('what is offered', () => {
  test('a participant flags someone else’s shared, published, confirmed note', () => {
    const v = view([note('a'), note('mine', { author: 'm_me' })], { myFlags: {} });
    assert.deepEqual(flagOffer(v, 'participant', 'm_me', v.notes.a), { flagged: false });
    assert.equal(flagOffer(v, 'participant', 'm_me', v.notes.mine), null);
    assert.equal(flagOffer(v, 'observer', 'm_me', v.notes.a), null);
    assert.equal(flagOffer(v, 'facilitator', 'm_me', v.notes.a), null);
    assert.equal(flagOffer(v, 'participant', 'm_me', note('b', { private: true })), null);
    assert.equal(flagOffer(v, 'participant', 'm_me', note('b', { pending: true })), null);
    assert.equal(flagOffer(v, 'participant', 'm_me', note('b', { moderation: 'waiting' })), null);
    assert.deepEqual(flagOffer({ ...v, myFlags: { a: true } }, 'participant', 'm_me', v.notes.a), { flagged: true });
  });

  test('a facilitator decides by the note’s state; nobody else', () => {
    assert.deepEqual(decisions('facilitator', note('a', { moderation: 'waiting' })), ['approve', 'reject']);
    assert.deepEqual(decisions('facilitator', note('a', { moderation: 'rejected' })), ['approve']);
    assert.deepEqual(decisions('facilitator', note('a', { moderation: 'hidden' })), ['restore']);
    assert.deepEqual(decisions('facilitator', note('a')), ['hide']);
    assert.deepEqual(decisions('facilitator', note('a', { private: true })), []);
    assert.deepEqual(decisions('facilitator', note('a', { pending: true })), []);
    assert.deepEqual(decisions('participant', note('a', { moderation: 'waiting' })), []);
    assert.deepEqual(decisions('facilitator', null), []);
  });

  test('the commands, with a trimmed reason where one belongs', () => {
    assert.deepEqual(decisionCommand('approve', 'n'), { type: 'note.approve', note_id: 'n' });
    assert.deepEqual(decisionCommand('reject', 'n', '  Off topic '), { type: 'note.reject', note_id: 'n', reason: 'Off topic' });
    assert.deepEqual(decisionCommand('hide', 'n'), { type: 'note.hide', note_id: 'n', reason: '' });
    assert.deepEqual(decisionCommand('restore', 'n', 'ignored'), { type: 'note.restore', note_id: 'n' });
    assert.equal(reasonTooLong('x'.repeat(300)), false);
    assert.equal(reasonTooLong('x'.repeat(301)), true);
    assert.equal(reasonTooLong(`  ${'x'.repeat(300)}  `), false);
  });

  test('the notes-per-minute field', () => {
    assert.deepEqual(parseRate(''), { value: null });
    assert.deepEqual(parseRate(' 5 '), { value: 5 });
    assert.deepEqual(parseRate('120'), { value: 120 });
    for (const bad of ['0', '121', '2.5', '-1', 'ten']) assert.deepEqual(parseRate(bad), { problem: true }, bad);
  });
});

describe('predictions', () => {
  function board(approval) {
    const state = emptyState();
    applyEvent(state, { seq: 1, type: 'board.created', at: 1, actor: '', op_id: '', data: { board: { id: 'b', title: 'B', language: 'en', mission: {}, created_at: 1 } } });
    applyEvent(state, { seq: 2, type: 'participant.joined', at: 2, actor: '', op_id: '', data: { participant: { id: 'm_p', name: 'P', role: 'participant', sector: 'citizen' } } });
    applyEvent(state, { seq: 3, type: 'participant.joined', at: 3, actor: '', op_id: '', data: { participant: { id: 'm_f', name: 'F', role: 'facilitator', sector: 'public' } } });
    applyEvent(state, { seq: 4, type: 'board.moderation_changed', at: 4, actor: '', op_id: '', data: { approval, notes_per_minute: null } });
    return state;
  }
  const create = { type: 'note.create', note_id: 'n_new', text: 'Idea', x: 0, y: 0 };

  test('with approval on, a participant’s new note shows as waiting at once; a facilitator’s does not', () => {
    assert.equal(predict(board(true), create, 'm_p').notes.n_new.moderation, 'waiting');
    assert.equal(predict(board(true), create, 'm_f').notes.n_new.moderation, 'published');
    assert.equal(predict(board(false), create, 'm_p').notes.n_new.moderation, 'published');
  });

  test('a flag shows as the member’s own at once, without touching the state it came from', () => {
    const state = board(false);
    applyEvent(state, { seq: 5, type: 'note.created', at: 5, actor: '', op_id: '', data: { note: note('a') } });
    const next = predict(state, { type: 'note.flag', note_id: 'a' }, 'm_p');
    assert.deepEqual(next.myFlags, { a: true });
    assert.deepEqual(state.myFlags, {});
    assert.equal(predict(state, { type: 'note.flag', note_id: 'gone' }, 'm_p'), state);
  });
});
