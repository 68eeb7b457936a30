import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { channelState, formProblem, parseEmails, requestBody } from '../../frontend/js/notify/settings.js';

describe('notification settings', () => {
  test('addresses: one per line or separated by commas, each once', () => {
    assert.deepEqual(parseEmails('a@x.se\nb@x.se, a@x.se ;c@x.se  '), ['a@x.se', 'b@x.se', 'c@x.se']);
    assert.deepEqual(parseEmails(''), []);
  });

  test('the form is checked like the server checks it', () => {
    const ok = { webhookUrl: 'https://hooks.slack.com/services/x', emails: ['a@x.se'], smtp: true };
    assert.equal(formProblem(ok), null);
    assert.equal(formProblem({ ...ok, webhookUrl: 'ftp://x' }), 'url_invalid');
    assert.equal(formProblem({ ...ok, webhookUrl: 'https://' + 'x'.repeat(2000) }), 'value_too_long');
    assert.equal(formProblem({ ...ok, emails: ['nope'] }), 'email_invalid');
    assert.equal(formProblem({ ...ok, smtp: false }), 'smtp_off');
    const many = Array.from({ length: 21 }, (_, i) => `p${i}@x.se`);
    assert.equal(formProblem({ ...ok, emails: many }), 'too_many_recipients');
    assert.equal(formProblem({ ...ok, webhookUrl: '' }), null);
  });

  test('an empty URL field keeps the saved URL; remove sends an empty one', () => {
    const base = { enabled: true, format: 'auto', emails: [], digestHours: 24 };
    assert.equal('webhook_url' in requestBody({ ...base, webhookUrl: '  ' }), false);
    assert.equal(requestBody({ ...base, webhookUrl: ' https://h/x ' }).webhook_url, 'https://h/x');
    assert.equal(requestBody({ ...base, webhookUrl: 'https://h/x', removeUrl: true }).webhook_url, '');
    assert.deepEqual(requestBody({ ...base, webhookUrl: '' }), { enabled: true, webhook_format: 'auto', emails: [], digest_hours: 24 });
  });

  test('a channel: retrying, waiting, given up or last sent', () => {
    assert.equal(channelState({ pending: 1, last_error: 'HTTP 503' }).key, 'notify.state.retrying');
    assert.equal(channelState({ pending: 1, last_error: null }).key, 'notify.state.pending');
    assert.equal(channelState({ pending: 0, last_sent_at: 5, last_failed_at: 9, last_error: 'x' }).key, 'notify.state.failed');
    assert.equal(channelState({ pending: 0, last_sent_at: 9, last_failed_at: 5 }).key, 'notify.state.sent');
    assert.equal(channelState({ pending: 0, last_sent_at: null, last_failed_at: null }), null);
  });
});
