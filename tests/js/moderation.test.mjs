// The browser's fold of moderation events, as each viewer receives them
// (backend/samskapa/domain/apply.py and visibility.py, docs/protocol.md §2.10).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { applyEvent, applyOwnNotes, emptyState, isWithheld, permission } from '../../frontend/js/core/state.js';

const board = { id: 'b_1', title: 'B', language: 'sv', mission: {}, created_at: 1 };
const note = (id, extra = {}) => ({
  id, text: id, x: 0, y: 0, color: 'yellow', kind: 'idea', frame_id: null, author: 'm_a',
  origin: 'participant', private: false, group_id: null, moderation: 'published', reason: '', ...extra,
});
let seq = 0;
const ev = (type, data, extra = {}) => ({ seq: ++seq, type, at: seq, actor: '', op_id: '', data, ...extra });

function start() {
  seq = 0;
  const state = emptyState();
  applyEvent(state, ev('board.created', { board }));
  return state;
}

describe('moderation fold', () => {
  test('the setting reaches the board', () => {
    const state = start();
    applyEvent(state, ev('board.moderation_changed', { approval: true, notes_per_minute: 5 }));
    assert.equal(state.board.approval, true);
    assert.equal(state.board.notes_per_minute, 5);
  });

  test('note.withheld only moves the seq', () => {
    const state = start();
    applyEvent(state, ev('note.withheld', {}));
    assert.equal(state.seq, 2);
    assert.deepEqual(state.notes, {});
  });

  test('waiting, rejected, edited back to waiting, approved', () => {
    const state = start();
    applyEvent(state, ev('note.created', { note: note('n', { moderation: 'waiting' }) }));
    assert.ok(isWithheld(state.notes.n));
    assert.equal(permission(state, 'facilitator', 'm_f', 'vote', state.notes.n), 'note_withheld');
    applyEvent(state, ev('note.rejected', { note_id: 'n', reason: 'Off topic' }));
    assert.deepEqual([state.notes.n.moderation, state.notes.n.reason], ['rejected', 'Off topic']);
    applyEvent(state, ev('note.edited', { note_id: 'n', text: 'better' }));
    assert.deepEqual([state.notes.n.moderation, state.notes.n.reason], ['waiting', '']);
    applyEvent(state, ev('note.approved', { note: note('n', { text: 'better' }) }));
    assert.equal(isWithheld(state.notes.n), false);
  });

  test('note.hidden without a reason: gone, with its links and group', () => {
    const state = start();
    applyEvent(state, ev('note.created', { note: note('a') }));
    applyEvent(state, ev('note.created', { note: note('b') }));
    applyEvent(state, ev('group.created', { group: { id: 'g', name: '' }, note_ids: ['a', 'b'] }));
    applyEvent(state, ev('link.created', { link: { id: 'l', from_id: 'a', to_id: 'b', kind: 'supports', status: 'open', resolution: '' } }));
    applyEvent(state, ev('note.hidden', { note_id: 'b' }));
    assert.deepEqual(Object.keys(state.notes), ['a']);
    assert.deepEqual(state.links, {});
    applyEvent(state, ev('note.restored', { note: note('b') }));
    assert.equal(state.notes.b.group_id, null);
  });

  test('note.hidden with a reason: kept and marked, out of its group', () => {
    const state = start();
    applyEvent(state, ev('note.created', { note: note('a') }));
    applyEvent(state, ev('note.created', { note: note('b') }));
    applyEvent(state, ev('group.created', { group: { id: 'g', name: '' }, note_ids: ['a', 'b'] }));
    applyEvent(state, ev('note.hidden', { note_id: 'b', reason: 'Names a person' }));
    assert.deepEqual([state.notes.b.moderation, state.notes.b.reason, state.notes.b.group_id], ['hidden', 'Names a person', null]);
    assert.equal(state.notes.a.group_id, 'g');
  });

  test('flags: the count for facilitators, the mark for the member', () => {
    const state = start();
    applyEvent(state, ev('note.created', { note: note('a') }));
    applyEvent(state, ev('note.flagged', { note_id: 'a', count: 2 }));
    applyEvent(state, ev('note.flagged', { note_id: 'a', mine: true }));
    assert.deepEqual(state.flags, { a: 2 });
    assert.deepEqual(state.myFlags, { a: true });
    applyOwnNotes(state, { notes: {}, mine: [], ready: [], flagged: [] });
    assert.deepEqual(state.myFlags, {});
  });
});
