// Pure connection bookkeeping: seq checks, outbox, backoff, rate limit, ids.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  backoffDelay,
  BACKOFF_MAX_MS,
  classifySeq,
  mergeSavedOutbox,
  newFrameId,
  newNoteId,
  newOpId,
  Outbox,
  parseSavedOutbox,
  randomId,
  RETRYABLE_ERRORS,
  TokenBucket,
} from '../../frontend/js/core/sync.js';

describe('classifySeq', () => {
  test('the next seq is applied', () => {
    assert.equal(classifySeq(41, 42), 'apply');
    assert.equal(classifySeq(0, 1), 'apply');
  });
  test('seq ≤ last is stale (ignored)', () => {
    assert.equal(classifySeq(41, 41), 'stale');
    assert.equal(classifySeq(41, 3), 'stale');
  });
  test('a jump is a gap', () => {
    assert.equal(classifySeq(41, 43), 'gap');
    assert.equal(classifySeq(0, 2), 'gap');
  });
  test('before any snapshot every event is a gap', () => {
    assert.equal(classifySeq(null, 1), 'gap');
    assert.equal(classifySeq(undefined, 5), 'gap');
  });
  test('a non-integer seq is a gap', () => {
    assert.equal(classifySeq(1, 2.5), 'gap');
    assert.equal(classifySeq(1, '2'), 'gap');
  });
});

describe('backoffDelay', () => {
  test('doubles from 0.5 s and stops at 15 s', () => {
    const mid = () => 0.5; // no jitter
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, mid)),
      [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000],
    );
  });
  test('jitter stays within ±20 % and never over the cap', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      for (const r of [0, 0.25, 0.999]) {
        const d = backoffDelay(attempt, () => r);
        const base = Math.min(15000, 500 * 2 ** attempt);
        assert.ok(d >= Math.floor(base * 0.8) && d <= Math.min(BACKOFF_MAX_MS, Math.ceil(base * 1.2)), `${attempt} ${r} ${d}`);
      }
    }
  });
});

describe('ids', () => {
  test('prefix + 16 base-36 characters, valid op_ids for the server', () => {
    for (const [id, prefix] of [[newOpId(), 'o_'], [newNoteId(), 'n_'], [newFrameId(), 'f_']]) {
      assert.ok(id.startsWith(prefix));
      assert.match(id, /^[a-z]_[0-9a-z]{16}$/);
      assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
    }
  });
  test('do not repeat', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => randomId('x_')));
    assert.equal(ids.size, 5000);
  });
  test('length is configurable', () => {
    assert.equal(randomId('p', 5).length, 6);
  });
});

const move = (note_id, x, y) => ({ type: 'note.move', note_id, x, y });

describe('Outbox', () => {
  test('keeps ops in order and removes them on settle (ack or error)', () => {
    const box = new Outbox();
    box.add(move('n_1', 1, 1), 'o_1');
    box.add({ type: 'note.edit', note_id: 'n_1', text: 'a' }, 'o_2');
    box.add(move('n_2', 2, 2), 'o_3');
    assert.equal(box.size, 3);
    assert.deepEqual(box.list().map((op) => op.op_id), ['o_1', 'o_2', 'o_3']);
    assert.equal(box.settle('o_2').op_id, 'o_2');
    assert.equal(box.settle('o_2'), null, 'a second ack (duplicate) is harmless');
    assert.equal(box.settle('o_unknown'), null);
    assert.deepEqual(box.list().map((op) => op.op_id), ['o_1', 'o_3']);
  });

  test('resend order after reconnect: every op, oldest first, original op_ids', () => {
    const box = new Outbox();
    box.add(move('n_1', 1, 1), 'o_1');
    box.add(move('n_2', 2, 2), 'o_2');
    box.markSent('o_1');
    box.markSent('o_2');
    assert.deepEqual(box.unsent(), []);
    box.resetSent(); // a new connection
    assert.deepEqual(box.unsent().map((op) => op.op_id), ['o_1', 'o_2']);
  });

  test('a retryable error puts the op back in line', () => {
    const box = new Outbox();
    box.add(move('n_1', 1, 1), 'o_1');
    box.markSent('o_1');
    box.markUnsent('o_1');
    assert.deepEqual(box.unsent().map((op) => op.op_id), ['o_1']);
    assert.ok(RETRYABLE_ERRORS.has('rate_limited'));
    assert.ok(RETRYABLE_ERRORS.has('internal_error'));
    assert.ok(!RETRYABLE_ERRORS.has('forbidden'));
  });

  test('addMove folds into an unsent move of the same note only', () => {
    const box = new Outbox();
    const a = box.addMove(move('n_1', 10, 0), 'o_1');
    const b = box.addMove(move('n_1', 20, 0), 'o_2');
    assert.equal(a, b);
    assert.equal(box.size, 1);
    assert.equal(box.list()[0].command.x, 20);
    assert.equal(box.list()[0].op_id, 'o_1');
    box.addMove(move('n_2', 5, 5), 'o_3');
    assert.equal(box.size, 2, 'another note: a new op');
    box.markSent('o_3');
    box.addMove(move('n_2', 6, 6), 'o_4');
    assert.equal(box.size, 3, 'a sent op is never changed');
    assert.equal(box.list()[1].command.x, 5);
  });

  test('echoed ops stay in the outbox but are no longer predicted', () => {
    const box = new Outbox();
    box.add(move('n_1', 1, 1), 'o_1');
    box.add(move('n_1', 2, 2), 'o_2');
    assert.equal(box.markEchoed('o_1'), true);
    assert.equal(box.markEchoed('o_other'), false);
    assert.deepEqual(box.pending().map((op) => op.op_id), ['o_2']);
    assert.equal(box.size, 2);
    box.settle('o_1');
    assert.deepEqual(box.pending().map((op) => op.op_id), ['o_2']);
  });

  test('loads saved ops, skipping broken entries', () => {
    const box = new Outbox([
      { op_id: 'o_1', command: move('n_1', 1, 1) },
      null,
      { op_id: 3, command: move('n_1', 1, 1) },
      { op_id: 'o_2' },
      { op_id: 'o_3', command: { type: 'note.delete', note_id: 'n_1' } },
    ]);
    assert.deepEqual(box.list().map((op) => op.op_id), ['o_1', 'o_3']);
    assert.deepEqual(JSON.parse(JSON.stringify(box)), box.list());
  });

  test('parseSavedOutbox never throws', () => {
    assert.deepEqual(parseSavedOutbox(null), []);
    assert.deepEqual(parseSavedOutbox('{not json'), []);
    assert.deepEqual(parseSavedOutbox('{"a":1}'), []);
    assert.deepEqual(parseSavedOutbox('[{"op_id":"o_1"}]'), [{ op_id: 'o_1' }]);
  });

  test('mergeSavedOutbox keeps other tabs’ ops and drops what this tab settled', () => {
    const op = (id) => ({ op_id: id, command: move('n', 0, 0) });
    const saved = [op('o_other'), op('o_mine'), op('o_done')];
    const mine = [{ op_id: 'o_mine', command: move('n', 9, 9) }, op('o_new')];
    const merged = mergeSavedOutbox(saved, mine, new Set(['o_done']));
    assert.deepEqual(merged.map((o) => o.op_id), ['o_other', 'o_mine', 'o_new']);
    assert.equal(merged[1].command.x, 9, "this tab's version of its own op wins");
  });
});

describe('TokenBucket', () => {
  test('allows a burst, then the rate', () => {
    const bucket = new TokenBucket(25, 50, 0);
    let sent = 0;
    while (bucket.take(0)) sent++;
    assert.equal(sent, 50);
    assert.equal(bucket.waitMs(0), 40);
    assert.equal(bucket.take(39), false);
    assert.equal(bucket.take(40), true);
    assert.equal(bucket.take(40), false);
    // a second later: 25 more, never more than the burst
    let more = 0;
    while (bucket.take(1040)) more++;
    assert.equal(more, 25);
    bucket.refill(1_000_000);
    assert.equal(bucket.tokens, 50);
  });
});
