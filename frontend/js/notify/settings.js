// Notifications to the facilitators (docs/collection.md §7): the pure part of
// the panel section. What the server checks again (and alone decides): the
// URL's scheme and address, the addresses, their number. Limits from
// backend/samskapa/api/notifications.py and notify/email.py.

export const MAX_RECIPIENTS = 20;
export const MAX_URL_LENGTH = 2000;
export const DIGEST_HOURS = [24, 6, 1, 0];
export const FORMATS = ['auto', 'slack', 'teams', 'mattermost'];

/** The addresses in a text field: one per line, or separated by commas or spaces. */
export function parseEmails(text) {
  const out = [];
  for (const part of String(text ?? '').split(/[\s,;]+/)) {
    const address = part.trim();
    if (address && !out.includes(address)) out.push(address);
  }
  return out;
}

/** The error code the server would answer for this form, before asking it (or null). */
export function formProblem({ webhookUrl, emails, smtp }) {
  const url = (webhookUrl ?? '').trim();
  if (url.length > MAX_URL_LENGTH) return 'value_too_long';
  if (url && !/^https?:\/\/[^/\s]+/i.test(url)) return 'url_invalid';
  if (emails.length > MAX_RECIPIENTS) return 'too_many_recipients';
  if (emails.some((e) => !/^[^@\s]+@[^@\s]+$/.test(e))) return 'email_invalid';
  if (emails.length && !smtp) return 'smtp_off';
  return null;
}

/**
 * The PUT body. An empty URL field keeps the saved URL (it is never shown, so
 * the field is empty whenever nothing new was typed); `removeUrl` removes it.
 */
export function requestBody({ enabled, webhookUrl, removeUrl, format, emails, digestHours }) {
  const body = { enabled: Boolean(enabled), webhook_format: format, emails, digest_hours: digestHours };
  const url = (webhookUrl ?? '').trim();
  if (removeUrl) body.webhook_url = '';
  else if (url) body.webhook_url = url;
  return body;
}

/**
 * How a channel is doing, as an i18n key and its values (or null when nothing
 * happened yet): waiting, retrying after an error, given up, or last sent.
 */
export function channelState(status) {
  if (!status) return null;
  if (status.pending > 0 && status.last_error) return { key: 'notify.state.retrying', vars: { error: status.last_error } };
  if (status.pending > 0) return { key: 'notify.state.pending', vars: {} };
  const failed = status.last_failed_at ?? 0;
  const sent = status.last_sent_at ?? 0;
  if (failed > sent) return { key: 'notify.state.failed', vars: { error: status.last_error ?? '', at: failed } };
  if (sent) return { key: 'notify.state.sent', vars: { at: sent } };
  return null;
}
