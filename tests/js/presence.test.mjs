// Presence for hundreds: the sector counts of the top bar and the panel's search.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { STRINGS } from '../../frontend/js/core/i18n.js';
import { filterOnline, sectorCounts } from '../../frontend/js/board/presence.js';

const member = (id, name, sector, role = 'participant') => ({ id, name, sector, role });
const ONLINE = [
  member('m1', 'Åsa Lind', 'public'),
  member('m2', 'Olle Berg', 'business'),
  member('m3', 'Amira Haddad', 'public', 'facilitator'),
  member('m4', 'Lina Ek', 'academia'),
  member('m5', 'Bo', 'citizen', 'observer'),
  member('m6', 'Kim', 'martian'), // a sector this page does not know counts as other
];
const sv = (key) => STRINGS.sv[key] ?? key;
const en = (key) => STRINGS.en[key] ?? key;

describe('sectorCounts', () => {
  test('the total and a count per sector with someone online, in the sector order', () => {
    assert.deepEqual(sectorCounts(ONLINE), {
      total: 6,
      sectors: [
        { sector: 'public', n: 2 },
        { sector: 'business', n: 1 },
        { sector: 'academia', n: 1 },
        { sector: 'citizen', n: 1 },
        { sector: 'other', n: 1 },
      ],
    });
  });
  test('nobody online: no sectors', () => {
    assert.deepEqual(sectorCounts([]), { total: 0, sectors: [] });
  });
  test('three hundred people add up', () => {
    const many = Array.from({ length: 300 }, (_, i) => member(`m${i}`, `P${i}`, ['public', 'business', 'academia'][i % 3]));
    const { total, sectors } = sectorCounts(many);
    assert.equal(total, 300);
    assert.deepEqual(
      sectors.map((s) => s.n),
      [100, 100, 100],
    );
  });
});

describe('filterOnline', () => {
  const names = (list) => list.map((m) => m.name);
  test('no query: everyone, by name', () => {
    assert.deepEqual(names(filterOnline(ONLINE, '')), ['Amira Haddad', 'Åsa Lind', 'Bo', 'Kim', 'Lina Ek', 'Olle Berg']);
  });
  test('by sector: grouped in the sector order, by name within', () => {
    assert.deepEqual(names(filterOnline(ONLINE, '', { by: 'sector' })), [
      'Amira Haddad',
      'Åsa Lind',
      'Olle Berg',
      'Lina Ek',
      'Bo',
      'Kim',
    ]);
  });
  test('a name, whatever the case and accents', () => {
    assert.deepEqual(names(filterOnline(ONLINE, 'ASA')), ['Åsa Lind']);
    assert.deepEqual(names(filterOnline(ONLINE, 'lin')), ['Åsa Lind', 'Lina Ek']);
  });
  test('a sector or role in the page language', () => {
    assert.deepEqual(names(filterOnline(ONLINE, 'offentlig', { label: sv })), ['Amira Haddad', 'Åsa Lind']);
    assert.deepEqual(names(filterOnline(ONLINE, 'public', { label: en })), ['Amira Haddad', 'Åsa Lind']);
    assert.deepEqual(names(filterOnline(ONLINE, 'processledare', { label: sv })), ['Amira Haddad']);
    assert.deepEqual(names(filterOnline(ONLINE, 'näringsliv', { label: sv })), ['Olle Berg']);
  });
  test('every word must match', () => {
    assert.deepEqual(names(filterOnline(ONLINE, 'public lind', { label: en })), ['Åsa Lind']);
    assert.deepEqual(names(filterOnline(ONLINE, 'public berg', { label: en })), []);
  });
  test('does not change the list it was given', () => {
    const copy = [...ONLINE];
    filterOnline(ONLINE, 'a', { by: 'sector' });
    assert.deepEqual(ONLINE, copy);
  });
});
