// The golden log (tests/golden/golden_log.json, made by the Python domain with
// tests/golden/make_golden.py): every event type, as a facilitator and a
// participant received it. The browser's fold (core/state.js), event by event
// from an empty state, must hold after every seq exactly what the server's
// snapshot for that member says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { emptyState } from '../../frontend/js/core/state.js';
import { EVENT_TYPES } from '../../frontend/js/core/vocabulary.js';
import { foldLive, fromReset, sorted } from './fold-compare.mjs';

const golden = JSON.parse(readFileSync(new URL('../golden/golden_log.json', import.meta.url), 'utf8'));

test('the golden log holds every event type the server has', () => {
  const seen = new Set();
  for (const board of Object.values(golden)) for (const log of Object.values(board)) for (const e of log.events) seen.add(e.type);
  assert.deepEqual(EVENT_TYPES.filter((type) => !seen.has(type)), []);
});

for (const [boardName, board] of Object.entries(golden)) {
  for (const [viewerName, log] of Object.entries(board)) {
    test(`${boardName}, as the ${viewerName} received it: the fold equals the snapshot at every seq`, () => {
      const member = { id: log.member_id, role: log.role };
      const state = emptyState();
      let compared = 0;
      for (const event of log.events) {
        foldLive(state, event, member);
        const reset = log.snapshots[String(event.seq)];
        const expected = sorted(fromReset(reset.snapshot, reset.own_votes, reset.own_notes));
        assert.deepEqual(sorted(JSON.parse(JSON.stringify(state))), expected, `after ${event.type} (seq ${event.seq})`);
        compared += 1;
      }
      assert.equal(compared, Object.keys(log.snapshots).length);
    });
  }
}
