// The replay page's requests: the board's API with the member's credential,
// the first answer taken from the request core/boot.js sent before the page loaded.

import { readError } from '../core/dom.js';
import { t } from '../core/i18n.js';

/**
 * GET/POST on the board's API with the member's credential; errors carry `code`.
 * `first` (core/boot.js): the board at the head, already asked for; the
 * first `state()` without a seq answers with it.
 */
export function boardApi(boardId, credential, first = null) {
  const base = `/api/boards/${encodeURIComponent(boardId)}/`;
  let early = first && first.boardId === boardId && first.credential === credential ? first.response : null;
  const call = async (path, init = {}, sent = null) => {
    let response;
    try {
      response = await (sent ??
        fetch(base + path, {
          ...init,
          headers: { Authorization: `Bearer ${credential}`, ...(init.headers ?? {}) },
        }));
    } catch {
      throw Object.assign(new Error(t('error.network')), { code: 'network' });
    }
    if (!response.ok) {
      const err = await readError(response);
      throw Object.assign(new Error(err.message), { code: err.code, status: response.status });
    }
    return response;
  };
  const json = async (path, init, sent) => (await call(path, init, sent)).json();
  const taken = () => {
    const response = early;
    early = null;
    return response;
  };
  return {
    fetch: (path, init) => call(path, init),
    // Without a seq: the board at the log's head (its `seq` says which that is).
    state: (seq) => (seq == null ? json('state', undefined, taken()) : json(`state?seq=${seq}`)),
    events: (after, limit) => json(`events?after=${after}&limit=${limit}`),
    timeline: () => json('timeline'),
    post: (path, body) =>
      json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  };
}
