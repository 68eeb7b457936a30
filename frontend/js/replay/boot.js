// The replay page's first request, the board at the log's head: the one answer
// the first frame waits for. Sent as soon as this module arrives: the page
// loads it as an async module script at the top of its head, so the request
// goes out while the style sheets and the other modules are still on their way
// (main.js, a deferred module script, runs only once every style sheet has
// loaded, and hands the same request to the page: a module is evaluated once
// per page). No imports, so it needs no other request first.

/**
 * For the replay page at `location`, with a member this browser keeps for that
 * board (member.js, `samskapa:member:<board_id>`): `{boardId, credential,
 * response}`, `response` the promise of `GET …/state`'s Response. Otherwise null.
 */
export function firstState(location, storage) {
  const match = /^\/b\/([^/]+)\/replay\/?$/.exec(location.pathname);
  if (!match) return null;
  let boardId;
  let credential;
  try {
    boardId = decodeURIComponent(match[1]);
    credential = JSON.parse(storage.getItem(`samskapa:member:${boardId}`) ?? 'null')?.credential;
  } catch {
    return null;
  }
  if (typeof credential !== 'string' || !credential) return null;
  const response = fetch(`/api/boards/${encodeURIComponent(boardId)}/state`, {
    headers: { Authorization: `Bearer ${credential}` },
  });
  response.catch(() => {}); // the page reports a failure when it reads the answer
  return { boardId, credential, response };
}

/** `firstState` for this page, sent as this module is evaluated (nothing outside a browser). */
export const first = globalThis.location ? firstState(globalThis.location, globalThis.localStorage) : null;
