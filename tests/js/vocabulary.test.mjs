// The browser's names for the protocol come from core/vocabulary.json (made
// from the Python source, tests/test_vocabulary.py): the modules that use a
// limit, an enumeration or a close code read it from there, and the words for
// errors name only codes the server has.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as state from '../../frontend/js/core/state.js';
import * as panel from '../../frontend/js/facilitation/panel.js';
import { PROTOCOL_VERSION } from '../../frontend/js/core/connection.js';
import { STRINGS } from '../../frontend/js/core/i18n.js';
import {
  applyLimits,
  CLOSE_CODES,
  ENUMS,
  ERROR_CODES,
  EVENT_TYPES,
  LIMITS,
  PROTOCOL_VERSION as VOCABULARY_PROTOCOL,
} from '../../frontend/js/core/vocabulary.js';

test('limits and enumerations are the vocabulary’s', () => {
  for (const name of ['NOTE_TEXT_MAX', 'TITLE_MAX', 'PROMPT_MAX', 'NAME_MAX', 'MISSION_FIELD_MAX', 'DEADLINE_MAX']) {
    assert.equal(state[name], LIMITS[name], name);
  }
  for (const name of ['COORD_LIMIT', 'FRAME_MIN', 'FRAME_MAX', 'RESOLUTION_MAX', 'REASON_MAX', 'BUDGET_MAX']) {
    assert.equal(state[name], LIMITS[name], name);
  }
  assert.equal(state.GROUP_NAME_MAX, LIMITS.TITLE_MAX);
  assert.equal(panel.MAX_STEPS, LIMITS.MAX_STEPS);
  assert.equal(panel.MINUTES_MAX, LIMITS.STEP_MINUTES_MAX);
  assert.equal(panel.INSTRUCTIONS_MAX, LIMITS.INSTRUCTIONS_MAX);
  assert.deepEqual(state.KINDS, ENUMS.note_kinds);
  assert.deepEqual(state.COLORS, ENUMS.colors);
  assert.deepEqual(state.SECTORS, ENUMS.sectors);
  assert.deepEqual(state.MODERATION, ENUMS.moderation);
  assert.deepEqual(panel.WRITE_MODES, ENUMS.write_modes);
  assert.equal(PROTOCOL_VERSION, VOCABULARY_PROTOCOL);
});

test('the fold knows every event type the server has', () => {
  // An unknown type throws UnknownEventError; a known one may throw a StateError
  // on an empty state (it names a note that is not there), never the former.
  for (const type of EVENT_TYPES) {
    try {
      state.applyEvent(state.emptyState(), { seq: 1, at: 0, type, actor: 'm', data: {} });
    } catch (error) {
      assert.ok(!(error instanceof state.UnknownEventError), `the fold does not know ${type}`);
    }
  }
});

test('close codes and error words name what the server has', () => {
  assert.equal(CLOSE_CODES.UNAUTHORIZED, 4001);
  assert.equal(CLOSE_CODES.OVER_BUDGET, 4029);
  for (const [lang, words] of Object.entries(STRINGS)) {
    const stale = Object.keys(words)
      .filter((key) => key.startsWith('error.') && !['error.network', 'error.generic'].includes(key))
      .filter((key) => !ERROR_CODES.includes(key.slice('error.'.length)));
    assert.deepEqual(stale, [], `${lang}: words for codes the server does not have`);
  }
});

test('every error code the server has is put into words, in Swedish and in English', () => {
  // A code without words would reach a person as the server's English
  // message, or as 'The change was not accepted.' (dialogs.js errorText).
  for (const [lang, words] of Object.entries(STRINGS)) {
    const silent = ERROR_CODES.filter((code) => !words[`error.${code}`]);
    assert.deepEqual(silent, [], `${lang}: error codes without words (core/i18n/errors.js)`);
  }
});

test('applyLimits gives each marked field its limit', () => {
  const field = { dataset: { limit: 'NAME_MAX' }, maxLength: -1 };
  applyLimits({ querySelectorAll: () => [field] });
  assert.equal(field.maxLength, LIMITS.NAME_MAX);
  assert.throws(() => applyLimits({ querySelectorAll: () => [{ dataset: { limit: 'NOPE' } }] }), /unknown limit/);
});
