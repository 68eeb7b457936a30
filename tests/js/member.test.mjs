// Reading the board page's address and deciding whether to come back as the stored member.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { boardIdIn, forgetMember, loadMember, memberKey, parseLocation, personalLink, reusesStoredMember, saveMember } from '../../frontend/js/core/member.js';

describe('parseLocation', () => {
  test('board id from the path, token from the fragment', () => {
    assert.deepEqual(parseLocation({ pathname: '/b/b_Qx2f8LmZ1c', hash: '#k=3bXk-_9' }), {
      boardId: 'b_Qx2f8LmZ1c',
      token: '3bXk-_9',
      device: null,
    });
  });
  test('a personal link carries the credential in the fragment', () => {
    assert.deepEqual(parseLocation({ pathname: '/b/b_1', hash: '#m=Cred-_9' }), { boardId: 'b_1', token: null, device: 'Cred-_9' });
    assert.equal(personalLink('https://x.example', 'b_1', 'Cred-_9'), 'https://x.example/b/b_1#m=Cred-_9');
  });
  test('no fragment, or another fragment: no token', () => {
    assert.deepEqual(parseLocation({ pathname: '/b/b_1', hash: '' }), { boardId: 'b_1', token: null, device: null });
    assert.deepEqual(parseLocation({ pathname: '/b/b_1/', hash: '#x=1' }), { boardId: 'b_1', token: null, device: null });
  });
  test('anything else: no board', () => {
    assert.equal(parseLocation({ pathname: '/', hash: '' }).boardId, '');
    assert.equal(parseLocation({ pathname: '/b/', hash: '' }).boardId, '');
    assert.equal(parseLocation({ pathname: '/b/%E0%A4%A', hash: '' }).boardId, '');
    assert.equal(parseLocation({ pathname: '/b/b_1/replay', hash: '' }).boardId, '');
  });
  test('the replay and report pages name their board the same way', () => {
    assert.equal(boardIdIn('/b/b_1/replay', '/replay'), 'b_1');
    assert.equal(boardIdIn('/b/b%201/report/', '/report'), 'b 1');
    assert.equal(boardIdIn('/b/b_1/report', '/replay'), '');
    assert.equal(boardIdIn('/b/b_1', '/replay'), '');
    assert.equal(boardIdIn('/b/%E0%A4%A/replay', '/replay'), '');
  });
});

describe('the stored member', () => {
  const stored = { member_id: 'm_1', credential: 'c', role: 'participant', name: 'A', sector: 'other' };

  test('is reused without a link, or with a link of the same role', () => {
    assert.equal(reusesStoredMember(stored, null), true);
    assert.equal(reusesStoredMember(stored, 'participant'), true);
    assert.equal(reusesStoredMember(stored, 'facilitator'), false);
    assert.equal(reusesStoredMember(null, 'participant'), false);
  });

  test('is kept per board in storage', () => {
    const items = new Map();
    const storage = {
      getItem: (k) => items.get(k) ?? null,
      setItem: (k, v) => items.set(k, v),
      removeItem: (k) => items.delete(k),
    };
    assert.equal(memberKey('b_1'), 'samskapa:member:b_1');
    assert.equal(loadMember(storage, 'b_1'), null);
    saveMember(storage, 'b_1', stored);
    assert.deepEqual(loadMember(storage, 'b_1'), stored);
    assert.equal(loadMember(storage, 'b_2'), null);
    items.set('samskapa:member:b_3', '{broken');
    assert.equal(loadMember(storage, 'b_3'), null);
    items.set('samskapa:member:b_4', '{"member_id":"m"}');
    assert.equal(loadMember(storage, 'b_4'), null, 'incomplete entries are ignored');
    forgetMember(storage, 'b_1');
    assert.equal(loadMember(storage, 'b_1'), null);
  });
});
