// Who am I on this board: come back as the stored member, or look at the
// access link and join (docs/protocol.md §1).
//
// The link token is in the URL fragment (#k=…), never sent to the server in a
// URL. The member (with its credential) is kept in localStorage under
// `samskapa:member:<board_id>` so the same person comes back as themself.

import { byTestId, readError } from './dom.js';
import { t } from './i18n.js';
import { NAME_MAX } from './state.js';

/**
 * The board id in a page's path, `/b/<board_id>` followed by `suffix` ('',
 * '/replay', '/report'); '' when the path is not that page.
 */
export function boardIdIn(pathname, suffix = '') {
  const match = /^\/b\/([^/]+)(\/[a-z]+)?\/?$/.exec(pathname);
  if (!match || (match[2] ?? '') !== suffix) return '';
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return '';
  }
}

/**
 * `{boardId, token, device}` from a location: `/b/<board_id>#k=<token>` (an
 * access link) or `#m=<credential>` (a member's personal link to another device).
 */
export function parseLocation(location) {
  const boardId = boardIdIn(location.pathname);
  const params = new URLSearchParams((location.hash ?? '').replace(/^#/, ''));
  const token = params.get('k');
  const device = params.get('m');
  return { boardId, token: token || null, device: device || null };
}

export const MEMBER_PREFIX = 'samskapa:member:';
export const memberKey = (boardId) => `${MEMBER_PREFIX}${boardId}`;

/**
 * The member with the board's title and the time of this visit, saved: the start
 * page lists the boards this browser has joined from them (recent.js).
 */
export function rememberVisit(storage, boardId, member, title, now) {
  const updated = { ...member, title, seen_at: now };
  saveMember(storage, boardId, updated);
  return updated;
}

export function loadMember(storage, boardId) {
  try {
    const m = JSON.parse(storage.getItem(memberKey(boardId)) ?? 'null');
    return m && m.member_id && m.credential && m.role ? m : null;
  } catch {
    return null;
  }
}

export function saveMember(storage, boardId, member) {
  try {
    storage.setItem(memberKey(boardId), JSON.stringify(member));
  } catch {
    // private mode: this tab still works; a reload will ask to join again
  }
}

export function forgetMember(storage, boardId) {
  try {
    storage.removeItem(memberKey(boardId));
  } catch {
    // storage disabled: nothing was kept anyway
  }
}

/**
 * Reuse the stored member when there is no link, or when the link is for the
 * same role (the person "comes back as themself"); a link for another role
 * means joining again in that role.
 */
export function reusesStoredMember(stored, linkRole) {
  if (!stored) return false;
  return linkRole === null || linkRole === stored.role;
}

/** POST JSON; throws an Error with `code` (from the `{code, message}` body) on failure. */
export async function postJSON(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const err = await readError(response);
    throw Object.assign(new Error(err.message), { code: err.code, status: response.status });
  }
  return response.json();
}

const boardApi = (boardId, what) => `/api/boards/${encodeURIComponent(boardId)}/${what}`;

/**
 * Resolve to the member to connect as, or null when the page cannot go on
 * (then `block(message)` has been called). `onAccess(access)` hears what the
 * link said (title, language) before any dialog opens; `note` is shown in the
 * join dialog (e.g. why joining again is needed).
 */
export async function resolveMember({ boardId, token, device = null, storage, note = '', block, toast, onAccess, errorText }) {
  if (device) {
    // A personal link from the member's other device: the same member here.
    const member = await memberOf(boardId, device);
    if (member) {
      saveMember(storage, boardId, member);
      return member;
    }
    block(t('device.invalid'));
    return null;
  }
  const stored = loadMember(storage, boardId);
  if (!token) {
    if (stored) return stored;
    block(t('board.no_link'));
    return null;
  }
  let access;
  try {
    access = await postJSON(boardApi(boardId, 'access'), { link: token });
  } catch (err) {
    if (err.code === 'board_not_found') {
      block(t('board.not_found'));
      return null;
    }
    if (stored) {
      // The link was revoked, or the network hiccupped: the membership may still be good.
      if (err.code === 'invalid_link') toast(t('board.invalid_link'));
      return stored;
    }
    block(err.code === 'invalid_link' ? t('board.invalid_link') : t('error.network'));
    return null;
  }
  onAccess(access);
  if (reusesStoredMember(stored, access.role)) return stored;
  const member = await showJoinDialog({ boardId, token, access, previous: stored, note, errorText });
  saveMember(storage, boardId, member);
  return member;
}

/** The member a credential belongs to (GET /me, the credential in a header), or null. */
async function memberOf(boardId, credential) {
  try {
    const response = await fetch(boardApi(boardId, 'me'), { headers: { Authorization: `Bearer ${credential}` } });
    if (!response.ok) return null;
    const me = await response.json();
    return { member_id: me.member_id, credential, role: me.role, name: me.name, sector: me.sector };
  } catch {
    return null;
  }
}

/** The personal link that signs this member in on another device (credential in the fragment). */
export function personalLink(origin, boardId, credential) {
  return `${origin}/b/${encodeURIComponent(boardId)}#m=${encodeURIComponent(credential)}`;
}

/** The join dialog (name and actor sector); resolves to the new member. */
function showJoinDialog({ boardId, token, access, previous, note, errorText }) {
  const dialog = byTestId('join-dialog');
  const form = document.getElementById('join-form');
  const name = byTestId('join-name');
  const sector = byTestId('join-sector');
  const submit = byTestId('join-submit');
  const error = document.getElementById('join-error');
  const noteBox = document.getElementById('join-note');
  document.getElementById('join-as').textContent = t('join.as', {
    title: access.title,
    role: t(`links.${access.role}`),
  });
  noteBox.textContent = note;
  noteBox.hidden = !note;
  if (previous) {
    name.value = previous.name ?? '';
    sector.value = previous.sector ?? 'other';
  }
  error.hidden = true;
  return new Promise((resolve) => {
    const onCancel = (e) => e.preventDefault(); // joining is the only way on
    const onSubmit = async (e) => {
      e.preventDefault();
      const value = name.value.trim();
      if (!value || value.length > NAME_MAX) {
        error.textContent = t('form.required', { field: t('join.name') });
        error.hidden = false;
        name.focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = t('join.busy');
      try {
        const joined = await postJSON(boardApi(boardId, 'join'), {
          link: token,
          name: value,
          sector: sector.value,
        });
        form.removeEventListener('submit', onSubmit);
        dialog.removeEventListener('cancel', onCancel);
        dialog.close();
        resolve({
          member_id: joined.member_id,
          credential: joined.credential,
          role: joined.role,
          name: joined.name,
          sector: joined.sector,
        });
      } catch (err) {
        error.textContent = `${t('join.failed')} ${errorText(err.code, err.message)}`;
        error.hidden = false;
      } finally {
        submit.disabled = false;
        submit.textContent = t('join.submit');
      }
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    name.focus();
  });
}
