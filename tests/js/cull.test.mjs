// Which notes a large board keeps in the DOM (cull.js).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CULL_MARGIN_PX, FAR_SCALE, isFar, keptRect, needsCull, noteMeets } from '../../frontend/js/board/cull.js';
import { NOTE_HEIGHT, NOTE_WIDTH } from '../../frontend/js/core/state.js';

describe('cull', () => {
  test('the kept rectangle is the screen in board units grown by the margin', () => {
    const rect = keptRect({ x: -200, y: 100, scale: 0.5 }, 1000, 600, 100);
    assert.deepEqual(rect, { x: 400 - 200, y: -200 - 200, w: 2000 + 400, h: 1200 + 400 });
    assert.equal(keptRect({ x: 0, y: 0, scale: 1 }, 0, 600), null);
  });

  test('a note is kept when its box meets the rectangle, and always without one', () => {
    const rect = { x: 0, y: 0, w: 1000, h: 1000 };
    assert.ok(noteMeets({ x: 500, y: 500 }, rect));
    assert.ok(noteMeets({ x: -NOTE_WIDTH + 1, y: 0 }, rect)); // its right edge is inside
    assert.ok(!noteMeets({ x: -NOTE_WIDTH - 1, y: 0 }, rect));
    assert.ok(!noteMeets({ x: 1000, y: 0 }, rect));
    assert.ok(noteMeets({ x: 0, y: -NOTE_HEIGHT - 10 }, rect), 'a long note is taller than NOTE_HEIGHT');
    assert.ok(!noteMeets({ x: 0, y: -10_000 }, rect));
    assert.ok(noteMeets({ x: 1e6, y: 1e6 }, null));
  });

  test('a pan within half the margin keeps what is kept; further asks for a new cull', () => {
    const cam = { x: 0, y: 0, scale: 1 };
    const kept = keptRect(cam, 1280, 800);
    assert.equal(needsCull(kept, cam, 1280, 800), false);
    const near = CULL_MARGIN_PX / 2 - 1;
    assert.equal(needsCull(kept, { ...cam, x: near }, 1280, 800), false);
    assert.equal(needsCull(kept, { ...cam, x: CULL_MARGIN_PX / 2 + 1 }, 1280, 800), true);
    assert.equal(needsCull(null, cam, 1280, 800), true);
    assert.equal(needsCull(kept, cam, 0, 0), false, 'no viewport yet: nothing to do');
  });

  test('zooming out past the margin, or far in, asks for a new cull', () => {
    const cam = { x: 0, y: 0, scale: 1 };
    const kept = keptRect(cam, 1280, 800);
    assert.equal(needsCull(kept, { x: 0, y: 0, scale: 0.7 }, 1280, 800), true);
    // Zoomed in 4×: the screen is well inside, but the kept part is much larger than needed.
    assert.equal(needsCull(kept, { x: -1920, y: -1200, scale: 4 }, 1280, 800), true);
    // Zoomed in a little: what is kept stays, so zooming out again moves nothing.
    assert.equal(needsCull(kept, { x: -320, y: -200, scale: 1.5 }, 1280, 800), false);
  });

  test('notes draw in their far form below FAR_SCALE', () => {
    assert.ok(isFar(FAR_SCALE - 0.01));
    assert.ok(!isFar(FAR_SCALE));
    assert.ok(!isFar(1));
  });
});
