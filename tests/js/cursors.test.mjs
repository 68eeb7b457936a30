// Live cursors, the pure parts: throttling on a fake clock, the view and
// cursor messages' numbers, colours, and the book of pointers that fade.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CURSOR_EVERY_MS,
  CURSOR_FADE_MS,
  CursorBook,
  cursorColor,
  GLIDE_MAX,
  GlidePacer,
  cursorHue,
  cursorPoint,
  sameRect,
  Throttle,
  VIEW_EVERY_MS,
  viewRect,
} from '../../frontend/js/board/cursors.js';
import { screenToWorld } from '../../frontend/js/board/camera.js';

/** Timers that run only when the test moves time forward. */
class FakeClock {
  constructor() {
    this.t = 0;
    this.timers = new Map();
    this.nextId = 1;
  }
  now = () => this.t;
  setTimeout = (fn, ms) => {
    const id = this.nextId++;
    this.timers.set(id, { fn, at: this.t + ms });
    return id;
  };
  clearTimeout = (id) => this.timers.delete(id);
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const [id, timer] of this.timers) {
        if (timer.at <= end && (next === null || timer.at < next[1].at)) next = [id, timer];
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

function throttled(interval = 100) {
  const clock = new FakeClock();
  const sent = [];
  const throttle = new Throttle(interval, clock, (v) => sent.push([clock.t, v]));
  return { clock, sent, throttle };
}

describe('Throttle', () => {
  test('the first value goes out at once', () => {
    const { sent, throttle } = throttled();
    throttle.push(1);
    assert.deepEqual(sent, [[0, 1]]);
  });

  test('a stream of values: at most one per interval, the latest one, and the last is never lost', () => {
    const clock = new FakeClock();
    const sent = []; // [time, value, newest value pushed by then]
    let newest = null;
    const throttle = new Throttle(100, clock, (v) => sent.push([clock.t, v, newest]));
    // A pointer event every 16 ms for half a second (a 60 Hz mouse).
    for (let i = 0; i <= 30; i++) {
      newest = i;
      throttle.push(i);
      clock.advance(16);
    }
    clock.advance(500);
    const times = sent.map(([t]) => t);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] - times[i - 1] >= 100, `sends ${times[i - 1]} and ${times[i]} too close`);
    }
    assert.ok(sent.length <= Math.ceil((31 * 16) / 100) + 1, `${sent.length} sends`);
    assert.equal(sent.at(-1)[1], 30, 'the last position is sent (trailing)');
    // Every send carries the newest value pushed by then.
    for (const [t, v, latest] of sent) assert.equal(v, latest, `at ${t}`);
  });

  test('the trailing send comes at the end of the interval, with the latest value', () => {
    const { clock, sent, throttle } = throttled(100);
    throttle.push('a');
    clock.advance(10);
    throttle.push('b');
    clock.advance(10);
    throttle.push('c');
    assert.deepEqual(sent, [[0, 'a']]);
    clock.advance(79);
    assert.equal(sent.length, 1);
    clock.advance(1);
    assert.deepEqual(sent, [[0, 'a'], [100, 'c']]);
    clock.advance(1000);
    assert.equal(sent.length, 2, 'nothing more without new values');
  });

  test('after a quiet spell the next value goes out at once again', () => {
    const { clock, sent, throttle } = throttled(100);
    throttle.push(1);
    clock.advance(250);
    throttle.push(2);
    assert.deepEqual(sent, [[0, 1], [250, 2]]);
  });

  test('cancel drops the waiting value; sendNow sends at once and restarts the interval', () => {
    const { clock, sent, throttle } = throttled(200);
    throttle.push('a');
    throttle.push('b');
    throttle.cancel();
    clock.advance(1000);
    assert.deepEqual(sent, [[0, 'a']]);
    throttle.push('c');
    throttle.push('d');
    throttle.sendNow('now');
    clock.advance(100);
    throttle.push('e');
    clock.advance(99);
    assert.deepEqual(sent.map(([, v]) => v), ['a', 'c', 'now']);
    clock.advance(1);
    assert.deepEqual(sent.map(([, v]) => v), ['a', 'c', 'now', 'e']);
    assert.equal(sent.at(-1)[0], 1200);
  });

  test('the protocol rates', () => {
    assert.equal(CURSOR_EVERY_MS, 100, '§2.5: at most about 10 a second');
    assert.ok(VIEW_EVERY_MS >= 100);
    assert.equal(CURSOR_FADE_MS, 5000);
  });
});

describe('view and cursor numbers', () => {
  test('viewRect covers exactly what the viewport shows, in whole board units', () => {
    const cam = { x: 40, y: -60, scale: 0.5 };
    const r = viewRect(cam, 1000, 600);
    const tl = screenToWorld(cam, 0, 0);
    const br = screenToWorld(cam, 1000, 600);
    assert.deepEqual(r, { x: -80, y: 120, w: 2000, h: 1200 });
    assert.ok(r.x <= tl.x && r.y <= tl.y && r.x + r.w >= br.x && r.y + r.h >= br.y);
    const odd = viewRect({ x: 13.3, y: 7.7, scale: 1.3 }, 333, 222);
    for (const v of Object.values(odd)) assert.ok(Number.isInteger(v));
    const a = screenToWorld({ x: 13.3, y: 7.7, scale: 1.3 }, 0, 0);
    const b = screenToWorld({ x: 13.3, y: 7.7, scale: 1.3 }, 333, 222);
    assert.ok(odd.x <= a.x && odd.y <= a.y && odd.x + odd.w >= b.x && odd.y + odd.h >= b.y);
  });

  test('viewRect stays within what the server accepts and is null for a hidden viewport', () => {
    assert.equal(viewRect({ x: 0, y: 0, scale: 1 }, 0, 600), null);
    assert.equal(viewRect({ x: 0, y: 0, scale: 1 }, 800, 0), null);
    const far = viewRect({ x: 5e9, y: -5e9, scale: 0.1 }, 1e6, 1e6);
    assert.ok(Math.abs(far.x) <= 1e6 && Math.abs(far.y) <= 1e6);
    assert.ok(far.w > 0 && far.w <= 1e6 && far.h > 0 && far.h <= 1e6);
  });

  test('sameRect', () => {
    assert.ok(sameRect({ x: 1, y: 2, w: 3, h: 4 }, { x: 1, y: 2, w: 3, h: 4 }));
    assert.ok(!sameRect({ x: 1, y: 2, w: 3, h: 4 }, { x: 1, y: 2, w: 3, h: 5 }));
    assert.ok(!sameRect(null, { x: 1, y: 2, w: 3, h: 4 }));
  });

  test('cursorPoint rounds to a tenth, clamps to ±1,000,000 and refuses non-numbers', () => {
    assert.deepEqual(cursorPoint(412.5432, -180.06), { x: 412.5, y: -180.1 });
    assert.deepEqual(cursorPoint(2e6, -3e6), { x: 1e6, y: -1e6 });
    assert.equal(cursorPoint(Number.NaN, 1), null);
    assert.equal(cursorPoint(1, Infinity), null);
    assert.equal(cursorPoint('1', 2), null);
  });

  test('a member keeps one colour; different members mostly differ', () => {
    assert.equal(cursorColor('m_abc'), cursorColor('m_abc'));
    assert.match(cursorColor('m_abc'), /^hsl\(\d+ 70% 27%\)$/);
    const hues = new Set(Array.from({ length: 200 }, (_, i) => cursorHue(`m_member${i}`)));
    assert.ok(hues.size > 120, `${hues.size} distinct hues`);
    for (const hue of hues) assert.ok(hue >= 0 && hue < 360);
  });
});

describe('CursorBook', () => {
  test('applies entries, ignores its own pointer and malformed ones', () => {
    const book = new CursorBook({ selfId: 'm_me' });
    const applied = book.apply(
      [
        ['m_lina', -90000, 3],
        ['m_me', 1, 1],
        ['m_amira', 109, 100],
        ['m_bad', 'x', 1],
        [42, 1, 1],
        'junk',
        ['m_short', 1],
        ['m_inf', Infinity, 1],
      ],
      1000,
    );
    assert.deepEqual(
      applied.map((a) => a.id),
      ['m_lina', 'm_amira'],
    );
    assert.ok(applied.every((a) => a.revived), 'new pointers appear (no glide from elsewhere)');
    assert.deepEqual(book.shown(), { m_lina: { x: -90000, y: 3 }, m_amira: { x: 109, y: 100 } });
    assert.deepEqual(book.apply(null, 1000), []);
    assert.deepEqual(book.apply([['m_amira', 110, 101]], 1100), [{ id: 'm_amira', x: 110, y: 101, revived: false }]);
  });

  test('a pointer that has not moved for 5 s fades; moving brings it back', () => {
    const book = new CursorBook({ selfId: 'm_me' });
    book.apply([['m_a', 1, 1], ['m_b', 2, 2]], 0);
    book.apply([['m_b', 3, 3]], 3000);
    assert.deepEqual(book.sweep(4999), []);
    assert.deepEqual(book.sweep(5000), ['m_a']);
    assert.deepEqual(book.sweep(6000), [], 'faded once');
    assert.deepEqual(Object.keys(book.shown()), ['m_b']);
    assert.deepEqual(book.sweep(8000), ['m_b']);
    assert.deepEqual(book.shown(), {});
    const [back] = book.apply([['m_a', 50, 60]], 9000);
    assert.equal(back.revived, true);
    assert.deepEqual(book.shown(), { m_a: { x: 50, y: 60 } });
  });

  test('remove (presence left) and clear (disconnected)', () => {
    const book = new CursorBook();
    book.apply([['m_a', 1, 1], ['m_b', 2, 2]], 0);
    assert.equal(book.remove('m_a'), true);
    assert.equal(book.remove('m_a'), false);
    assert.deepEqual(Object.keys(book.shown()), ['m_b']);
    book.clear();
    assert.deepEqual(book.shown(), {});
  });

  test('300 members moving: one entry per member, updated in place', () => {
    const book = new CursorBook({ selfId: 'm_0' });
    for (let tick = 0; tick < 50; tick++) {
      const entries = Array.from({ length: 300 }, (_, i) => [`m_${i}`, tick * 10 + i, i]);
      book.apply(entries, tick * 100);
    }
    const shown = book.shown();
    assert.equal(Object.keys(shown).length, 299);
    assert.deepEqual(shown.m_7, { x: 497, y: 7 });
    assert.equal(book.members.size, 299);
  });
});

describe('GlidePacer', () => {
  test('gliding stops at once when too many pointers move, and resumes only after calm', () => {
    const pacer = new GlidePacer(100, 3);
    assert.equal(pacer.note(50), false, 'the server sends at most 50 a tick: glide');
    assert.equal(pacer.note(100), false);
    assert.equal(pacer.note(300), true, '300 at once: jump');
    assert.equal(pacer.note(80), true, 'not calm enough (over three quarters)');
    assert.equal(pacer.note(10), true);
    assert.equal(pacer.note(10), true);
    assert.equal(pacer.note(150), true, 'busy again: the count starts over');
    assert.equal(pacer.note(10), true);
    assert.equal(pacer.note(10), true);
    assert.equal(pacer.note(10), false, 'calm for 3 messages');
    assert.equal(GLIDE_MAX, 100);
  });
});
