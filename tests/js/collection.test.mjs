import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  activeSchedule,
  countdownParts,
  datesProblem,
  fromLocalInput,
  scheduleStatus,
  stepThrough,
  stillThere,
  toLocalInput,
} from '../../frontend/js/collection/collection.js';
import { applyEvent, emptyState, fromSnapshot } from '../../frontend/js/core/state.js';

const DAY = 86_400_000;
const T0 = 1_800_000_000_000;
let seq = 0;
const changed = (data) => ({ seq: ++seq, type: 'collection.changed', at: T0, actor: 'system', op_id: 'o', data });

describe('collection', () => {
  test('collection.changed folds into schedules like the server (a cleared one goes)', () => {
    const s = emptyState();
    seq = 0;
    applyEvent(s, changed({ step_id: null, action: 'scheduled', schedule: { opens_at: null, closes_at: T0 + DAY, closed_at: null } }));
    assert.deepEqual(s.schedules, { '': { opens_at: null, closes_at: T0 + DAY, closed_at: null } });
    applyEvent(s, changed({ step_id: null, action: 'closed', automatic: true, schedule: { opens_at: null, closes_at: T0 + DAY, closed_at: T0 + DAY + 5 } }));
    assert.equal(s.schedules[''].closed_at, T0 + DAY + 5);
    applyEvent(s, changed({ step_id: null, action: 'reopened', schedule: { opens_at: null, closes_at: null, closed_at: null } }));
    assert.deepEqual(s.schedules, {});
    assert.deepEqual(fromSnapshot({ seq: 3, state: { schedules: { s1: { opens_at: 1, closes_at: 2, closed_at: null } } } }).schedules, {
      s1: { opens_at: 1, closes_at: 2, closed_at: null },
    });
  });

  test('status: not open, open, closed from the deadline on or once closed', () => {
    const sch = { opens_at: T0, closes_at: T0 + DAY, closed_at: null };
    assert.equal(scheduleStatus(sch, T0 - 1), 'not_open');
    assert.equal(scheduleStatus(sch, T0), 'open');
    assert.equal(scheduleStatus(sch, T0 + DAY), 'closed');
    assert.equal(scheduleStatus({ ...sch, closed_at: T0 + 1 }, T0 + 2), 'closed');
    assert.equal(scheduleStatus(null, T0), 'open');
  });

  test('the current step and the board both apply; the stricter one shows', () => {
    const state = {
      current_step: 's1',
      schedules: { '': { opens_at: null, closes_at: T0 + 7 * DAY, closed_at: null }, s1: { opens_at: null, closes_at: T0 + DAY, closed_at: null } },
    };
    assert.equal(activeSchedule(state, T0).key, 's1');
    assert.equal(activeSchedule({ ...state, current_step: null }, T0).key, '');
    assert.equal(activeSchedule({ current_step: null, schedules: {} }, T0), null);
  });

  test('countdown in days and hours, never negative', () => {
    assert.deepEqual(countdownParts(3 * DAY + 4 * 3_600_000 + 1), { days: 3, hours: 4, minutes: 1 });
    assert.deepEqual(countdownParts(-5), { days: 0, hours: 0, minutes: 0 });
  });

  test('datetime-local round trip and the checks the server makes too', () => {
    const ms = new Date(2031, 4, 6, 17, 30).getTime();
    assert.equal(toLocalInput(ms), '2031-05-06T17:30');
    assert.equal(fromLocalInput('2031-05-06T17:30'), ms);
    assert.equal(fromLocalInput(''), null);
    assert.equal(datesProblem(null, T0 - 1, T0), 'date_in_past');
    assert.equal(datesProblem(T0 + 2, T0 + 1, T0), 'dates_reversed');
    assert.equal(datesProblem(null, T0 + 1, T0), null);
  });

  test('next and previous wrap round; deleted notes drop out', () => {
    assert.equal(stepThrough(3, -1, 1), 0);
    assert.equal(stepThrough(3, -1, -1), 2);
    assert.equal(stepThrough(3, 2, 1), 0);
    assert.equal(stepThrough(3, 0, -1), 2);
    assert.equal(stepThrough(0, 0, 1), -1);
    assert.deepEqual(stillThere(['a', 'b', 'c'], { a: {}, c: {} }), ['a', 'c']);
  });
});
