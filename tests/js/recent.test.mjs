// The start page's "Your boards": read from the members kept in storage, the last visit first.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { rememberVisit, saveMember } from '../../frontend/js/core/member.js';
import { recentBoards } from '../../frontend/js/start/recent.js';

/** The part of the Storage interface the start page uses. */
function storage(entries = {}) {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
  };
}

const member = (role, name) => ({ member_id: `m_${name}`, credential: `c_${name}`, role, name, sector: 'public' });

describe('recentBoards', () => {
  test('every kept member, the last visit first, with title and role', () => {
    const s = storage({ 'samskapa:lang': 'sv', 'samskapa:outbox:b_1:m_x': '[]' });
    rememberVisit(s, 'b_old', member('facilitator', 'Lina'), 'Freight', 1000);
    rememberVisit(s, 'b_new', member('participant', 'Omar'), 'Rail', 2000);
    assert.deepEqual(recentBoards(s), [
      { boardId: 'b_new', role: 'participant', title: 'Rail', name: 'Omar', seenAt: 2000 },
      { boardId: 'b_old', role: 'facilitator', title: 'Freight', name: 'Lina', seenAt: 1000 },
    ]);
  });
  test('a member kept before titles were: listed, without a title, after the others', () => {
    const s = storage();
    saveMember(s, 'b_plain', member('observer', 'Bo'));
    rememberVisit(s, 'b_seen', member('participant', 'Omar'), 'Rail', 5);
    assert.deepEqual(
      recentBoards(s).map((b) => [b.boardId, b.title, b.seenAt]),
      [
        ['b_seen', 'Rail', 5],
        ['b_plain', '', 0],
      ],
    );
  });
  test('broken entries are left out; storage that throws gives nothing', () => {
    const s = storage({ 'samskapa:member:b_bad': '{not json', 'samskapa:member:b_half': '{"member_id":"m"}' });
    assert.deepEqual(recentBoards(s), []);
    const refusing = { get length() { throw new Error('denied'); } };
    assert.deepEqual(recentBoards(refusing), []);
  });
});
