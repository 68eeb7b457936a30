import assert from 'node:assert/strict';
import { test } from 'node:test';

import { defaultFrame, myNotes, shownVotes, sortedNotes } from '../../frontend/js/phone/view.js';
import { STRINGS } from '../../frontend/js/core/i18n.js';

const note = (id, frame_id, author = 'm_other') => ({ id, text: id, frame_id, author, x: 0, y: 0 });

function view(votes = {}) {
  return {
    frames: { f1: { id: 'f1' }, f2: { id: 'f2' } },
    // Insertion order is the order the notes were made.
    notes: { a: note('a', 'f2'), b: note('b', 'f1', 'm_me'), c: note('c', null), d: note('d', 'f1') },
    agenda: [{ id: 's1', frame_id: 'f2' }],
    current_step: 's1',
    votes: { rounds: {}, open_round: null, tally: {}, ...votes },
  };
}

test('a new idea goes to the step’s frame by default, if that frame exists', () => {
  assert.equal(defaultFrame(view()), 'f2');
  assert.equal(defaultFrame({ ...view(), current_step: null }), null);
  assert.equal(defaultFrame({ ...view(), frames: {} }), null);
});

test('my notes, newest first (also on anonymous boards, where only `mine` says so)', () => {
  assert.deepEqual(myNotes(view(), 'm_me').map((n) => n.id), ['b']);
  const anon = view();
  anon.notes = { ...anon.notes, e: { ...note('e', null, ''), mine: true } };
  assert.deepEqual(myNotes(anon, 'm_me').map((n) => n.id), ['e', 'b']);
});

test('three orders: newest, by frame, most votes', () => {
  const ids = (list) => list.map((n) => n.id);
  assert.deepEqual(ids(sortedNotes(view(), 'newest')), ['d', 'c', 'b', 'a']);
  assert.deepEqual(ids(sortedNotes(view(), 'frame')), ['d', 'b', 'a', 'c']);
  const live = view({
    rounds: { r1: { id: 'r1', blind: false, closed_at: null } },
    open_round: 'r1',
    tally: { r1: { a: 2, c: 5 } },
  });
  assert.deepEqual(ids(sortedNotes(live, 'votes')), ['c', 'a', 'd', 'b']);
});

test('a blind open round shows no votes; a closed one its results', () => {
  const blind = { rounds: { r1: { id: 'r1', blind: true, closed_at: null } }, open_round: 'r1', tally: {} };
  assert.equal(shownVotes(blind), null);
  const closed = {
    rounds: { r1: { id: 'r1', blind: true, closed_at: 5, results: { ranking: [{ note_id: 'a', votes: 3, rank: 1 }] } } },
    open_round: null,
  };
  assert.deepEqual(shownVotes(closed), { a: 3 });
  assert.deepEqual(sortedNotes({ ...view(), votes: closed }, 'votes')[0].id, 'a');
});

test('the phone view speaks both languages', () => {
  const keys = (lang) => Object.keys(STRINGS[lang]).filter((k) => k.startsWith('phone.')).sort();
  assert.ok(keys('en').length > 20);
  assert.deepEqual(keys('sv'), keys('en'));
});
