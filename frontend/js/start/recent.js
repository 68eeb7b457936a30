// The boards this browser has joined, for the start page's "Your boards": read
// from the members kept in localStorage (member.js), newest visit first. No DOM.

import { loadMember, MEMBER_PREFIX } from '../core/member.js';

/**
 * `[{boardId, role, title, name, seenAt}]` of every board a member is kept for
 * in `storage`, the last opened first (boards never opened since this list
 * existed last, by title).
 */
export function recentBoards(storage) {
  const out = [];
  let keys = [];
  try {
    keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
  } catch {
    return out; // storage disabled: nothing was kept
  }
  for (const key of keys) {
    if (!key?.startsWith(MEMBER_PREFIX)) continue;
    const boardId = key.slice(MEMBER_PREFIX.length);
    const member = loadMember(storage, boardId);
    if (!boardId || !member) continue;
    out.push({
      boardId,
      role: member.role,
      title: typeof member.title === 'string' ? member.title : '',
      name: member.name ?? '',
      seenAt: Number.isFinite(member.seen_at) ? member.seen_at : 0,
    });
  }
  return out.sort((a, b) => b.seenAt - a.seenAt || a.title.localeCompare(b.title) || a.boardId.localeCompare(b.boardId));
}
