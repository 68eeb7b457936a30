// The replay page's first request, sent before the style sheets and the rest
// of the page's modules have loaded (first.js sends it, main.js hands it to the
// page). The board at the log's head is the one answer the first frame waits
// for. No imports, so it runs at once.

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
