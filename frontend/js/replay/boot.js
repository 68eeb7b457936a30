// The replay page's first request, sent before the rest of the page's modules
// have loaded: main.js imports only this module, sends it, then imports the
// page (whose modules the HTML preloads meanwhile). The board at the log's head
// is the one answer the first frame waits for. No imports, so it runs at once.

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
