// The workshop report at /b/{board_id}/report: the server renders it
// (GET /api/boards/{id}/report.html, docs/replay.md); this page fetches it with
// the member's credential (links carry no secrets) and shows it as the page
// itself, so the browser's print makes the PDF and a reload fetches it afresh.

import { errorText } from '../core/dialogs.js';
import { readError } from '../core/dom.js';
import { applyI18n, browserLang, setLang, storedLang, t } from '../core/i18n.js';
import { boardIdIn, loadMember } from '../core/member.js';

async function show() {
  setLang(storedLang(localStorage) ?? browserLang(navigator.languages ?? [navigator.language]));
  applyI18n(document);
  const status = document.getElementById('report-status');
  const back = document.getElementById('report-back');
  const boardId = boardIdIn(location.pathname, '/report');
  const member = boardId ? loadMember(localStorage, boardId) : null;
  if (!member) {
    status.textContent = boardId ? t('replay.no_member') : t('board.not_found');
    return;
  }
  back.href = `/b/${encodeURIComponent(boardId)}`;
  try {
    const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/report.html`, {
      headers: { Authorization: `Bearer ${member.credential}` },
    });
    if (!response.ok) {
      const err = await readError(response);
      status.textContent = `${t('report.failed')} ${errorText(err.code, err.message)}`;
      back.hidden = false;
      return;
    }
    const html = await response.text();
    // The report replaces this page (same address, same security policy).
    document.open();
    document.write(html);
    document.close();
  } catch {
    status.textContent = t('error.network');
    back.hidden = false;
  }
}

show();
