// A page's first request, sent as soon as this module arrives: the one answer
// the first frame waits for. Both board pages load it as an async module script
// at the top of their head, so the request goes out while the style sheets and
// the other modules are still on their way (docs/architecture.md, "The first
// render"). The page's own modules, once loaded, take the request over (a
// module is evaluated once per page, so they import the same `first`).
// No imports, so it needs no other request first.
//
// - The board (`/b/<id>`): its websocket, opened and greeted with `hello`;
//   whatever the server answers (welcome, snapshot…) waits here for the
//   page's Connection (core/connection.js, `early`).
// - The replay page (`/b/<id>/replay`): `GET …/state`, the board at the head.
//
// Only for a member this browser keeps for that board (member.js,
// `samskapa:member:<board_id>`), and on the board only without a link in the
// address (`#k=`, `#m=`): a link may make someone else of this browser, so the
// page looks at it first.

// The protocol's version, as vocabulary.json says (importing it would cost a
// request before this one); tests/js/boot.test.mjs fails when they differ.
export const BOOT_PROTOCOL_VERSION = 1;

/** The board id in a page's path with `suffix` after it ('' or '/replay'), or null. */
function boardIn(pathname, suffix) {
  const match = new RegExp(`^/b/([^/]+)${suffix}/?$`).exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** The member this browser keeps for `boardId` (`{member_id, credential, …}`), or null. */
function keptMember(storage, boardId) {
  try {
    const member = JSON.parse(storage.getItem(`samskapa:member:${boardId}`) ?? 'null');
    return typeof member?.credential === 'string' && member.credential ? member : null;
  } catch {
    return null;
  }
}

/**
 * For the replay page at `location`, with a kept member: `{boardId,
 * credential, response}`, `response` the promise of `GET …/state`'s Response.
 * Otherwise null.
 */
export function firstState(location, storage) {
  const boardId = boardIn(location.pathname, '/replay');
  const member = boardId === null ? null : keptMember(storage, boardId);
  if (!member) return null;
  const { credential } = member;
  const response = fetch(`/api/boards/${encodeURIComponent(boardId)}/state`, {
    headers: { Authorization: `Bearer ${credential}` },
  });
  response.catch(() => {}); // the page reports a failure when it reads the answer
  return { boardId, credential, response };
}

/**
 * For the board page at `location`, with a kept member and no link in the
 * address: `{boardId, credential, ws, opened, messages, closed}`, the socket
 * opened at once and greeted when it opens; `messages` are its message events
 * so far, `closed` its close event (null while open). Otherwise null.
 */
export function firstSocket(location, storage, WebSocketImpl) {
  const boardId = boardIn(location.pathname, '');
  if (boardId === null || /(^|[#&])(k|m)=/.test(location.hash ?? '')) return null;
  const member = keptMember(storage, boardId);
  if (!member) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  let ws;
  try {
    ws = new WebSocketImpl(`${scheme}://${location.host}/ws/boards/${encodeURIComponent(boardId)}`);
  } catch {
    return null; // the page's Connection tries again, and says what went wrong
  }
  const early = { boardId, credential: member.credential, ws, opened: false, messages: [], closed: null };
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    early.opened = true;
    const hello = { type: 'hello', protocol: BOOT_PROTOCOL_VERSION, credential: member.credential, last_seq: null };
    ws.send(JSON.stringify(hello));
  };
  ws.onmessage = (ev) => early.messages.push(ev);
  ws.onclose = (ev) => {
    early.closed = ev;
  };
  ws.onerror = () => {}; // a close event follows
  return early;
}

function firstRequest(g) {
  if (!g.location) return null; // not in a browser
  try {
    return firstSocket(g.location, g.localStorage, g.WebSocket) ?? firstState(g.location, g.localStorage);
  } catch {
    return null; // storage disabled: the page finds its member (or not) itself
  }
}

/** This page's first request, sent as this module is evaluated. */
export const first = firstRequest(globalThis);
