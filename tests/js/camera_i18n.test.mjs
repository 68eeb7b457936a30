// Pan/zoom arithmetic and the two dictionaries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  boardBounds,
  firstView,
  fitBounds,
  MAX_SCALE,
  READABLE_SCALE,
  MIN_SCALE,
  screenToWorld,
  viewCentre,
  worldToScreen,
  zoomAt,
} from '../../frontend/js/board/camera.js';
import { browserLang, getLang, setLang, STRINGS, t } from '../../frontend/js/core/i18n.js';
import { emptyState } from '../../frontend/js/core/state.js';

describe('camera', () => {
  test('screen and world coordinates are inverse', () => {
    const cam = { x: 120, y: -40, scale: 0.5 };
    const w = screenToWorld(cam, 300, 200);
    assert.deepEqual(worldToScreen(cam, w.x, w.y), { x: 300, y: 200 });
  });

  test('zoomAt keeps the point under the pointer in place and clamps the scale', () => {
    const cam = { x: 10, y: 20, scale: 1 };
    const before = screenToWorld(cam, 400, 300);
    const zoomed = zoomAt(cam, 2, 400, 300);
    assert.equal(zoomed.scale, 2);
    const after = screenToWorld(zoomed, 400, 300);
    assert.ok(Math.abs(after.x - before.x) < 1e-9 && Math.abs(after.y - before.y) < 1e-9);
    assert.equal(zoomAt(cam, 100, 0, 0).scale, MAX_SCALE);
    assert.equal(zoomAt(cam, 0.0001, 0, 0).scale, MIN_SCALE);
  });

  test('fitBounds shows the whole board, never zooming in past 100 %', () => {
    const s = emptyState();
    assert.equal(boardBounds(s), null);
    s.frames.f = { id: 'f', x: 0, y: 0, w: 2000, h: 1000 };
    s.notes.n = { id: 'n', x: -100, y: 900, color: 'yellow' };
    const b = boardBounds(s);
    assert.deepEqual(b, { x: -100, y: 0, w: 2100, h: 1020 });
    const cam = fitBounds(b, 1000, 600);
    const tl = worldToScreen(cam, b.x, b.y);
    const br = worldToScreen(cam, b.x + b.w, b.y + b.h);
    assert.ok(tl.x >= 0 && tl.y >= 0 && br.x <= 1000 && br.y <= 600);
    assert.equal(fitBounds({ x: 0, y: 0, w: 10, h: 10 }, 1000, 600).scale, 1);
    const centre = viewCentre(fitBounds(null, 1000, 600), 1000, 600);
    assert.deepEqual(centre, { x: 80, y: 60 }, 'an empty board: a note-sized box at the centre');
    const insets = { top: 200, right: 0, bottom: 100, left: 0 };
    const below = fitBounds(b, 1000, 600, insets);
    const top = worldToScreen(below, b.x, b.y);
    const bottom = worldToScreen(below, b.x + b.w, b.y + b.h);
    assert.ok(top.y >= 200 - 1e-9 && bottom.y <= 500 + 1e-9, 'the board stays clear of the overlays');
  });

  test('firstView shows a small board whole, a large one readable around its notes or the step frame', () => {
    const s = emptyState();
    s.frames.f = { id: 'f', x: 0, y: 0, w: 600, h: 400 };
    s.notes.n = { id: 'n', x: 20, y: 60, color: 'yellow' };
    assert.deepEqual(firstView(s, null, 1000, 600), fitBounds(boardBounds(s), 1000, 600), 'fits readably: whole');
    // A board far larger than the screen, with its notes in one corner.
    s.frames.g = { id: 'g', x: 3000, y: 2000, w: 800, h: 600 };
    s.notes.m = { id: 'm', x: 3100, y: 2100, color: 'blue' };
    delete s.notes.n;
    assert.ok(fitBounds(boardBounds(s), 1000, 600).scale < READABLE_SCALE);
    const cam = firstView(s, null, 1000, 600);
    assert.equal(cam.scale, READABLE_SCALE);
    const note = worldToScreen(cam, 3100, 2100);
    assert.ok(note.x >= 40 && note.x + 160 * cam.scale <= 960, 'the note is on screen');
    assert.ok(note.y >= 40 && note.y + 120 * cam.scale <= 560);
    const corner = worldToScreen(cam, 3800, 2600);
    assert.ok(corner.x >= 960 - 1e-9 && corner.y >= 560 - 1e-9, 'no empty margin past the board edge');
    // The current step's frame is where the work is.
    const onFrame = firstView(s, s.frames.f, 1000, 600);
    const tl = worldToScreen(onFrame, 0, 0);
    assert.deepEqual([tl.x, tl.y], [40, 40], "the step frame's top left, at the board's edge");
    // A focus larger than the screen: its top left (a frame's title) shows.
    const big = { x: 1000, y: 500, w: 3000, h: 2000 };
    const topLeft = worldToScreen(firstView(s, big, 1000, 600), big.x, big.y);
    assert.deepEqual([topLeft.x, topLeft.y], [40, 40]);
  });
});

describe('i18n', () => {
  test('Swedish and English have the same keys and no empty strings', () => {
    assert.deepEqual(Object.keys(STRINGS.sv).sort(), Object.keys(STRINGS.en).sort());
    for (const lang of ['sv', 'en']) {
      for (const [key, value] of Object.entries(STRINGS[lang])) assert.ok(value.length > 0, `${lang} ${key}`);
    }
  });

  test('the glossary words are used', () => {
    assert.equal(STRINGS.sv['tool.new_note'], 'Ny lapp');
    assert.equal(STRINGS.en['tool.new_note'], 'New note');
    assert.equal(STRINGS.sv['tool.new_frame'], 'Ny ram');
    assert.equal(STRINGS.sv['role.observer'], 'Observatör — endast läsning');
    assert.equal(STRINGS.en['role.observer'], 'Observer — read only');
    assert.equal(STRINGS.sv['conn.live'], 'Ansluten');
    assert.equal(STRINGS.sv['conn.offline'], 'Offline — ändringar sparas');
    assert.equal(STRINGS.sv['tool.list'], 'Listvy');
    assert.match(STRINGS.sv['create.mission'], /djärva mål/);
    assert.equal(STRINGS.sv['sector.civil_society'], 'Civilsamhälle');
  });

  test('t fills placeholders and falls back to the key', () => {
    const before = getLang();
    setLang('sv');
    assert.equal(t('board.online.count', { n: 3 }), '3 anslutna');
    setLang('en');
    assert.equal(t('board.online.count', { n: 3 }), '3 online');
    assert.equal(t('no.such.key'), 'no.such.key');
    assert.equal(setLang('de'), 'en', 'unknown languages are ignored');
    setLang(before);
  });

  test('browser language: Swedish for sv*, else English', () => {
    assert.equal(browserLang(['sv-SE', 'en']), 'sv');
    assert.equal(browserLang(['SV']), 'sv');
    assert.equal(browserLang(['en-GB', 'sv']), 'en');
    assert.equal(browserLang([]), 'en');
  });
});
