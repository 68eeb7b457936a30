// The workshop report at /b/{board_id}/report: the server renders it
// (GET /api/boards/{id}/report.html, docs/replay.md); this page fetches it with
// the member's credential (links carry no secrets) and shows it as the page
// itself, so the browser's print makes the PDF and a reload fetches it afresh.
// The report holds no script (the pages' CSP), so the few controls a reader
// needs — print, the Markdown file, the way to the board — are added here, in
// the reader's language, and left off the paper (report.css).

import { errorText } from '../core/dialogs.js';
import { h, readError, saveFile, setText } from '../core/dom.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t } from '../core/i18n.js';
import { boardIdIn, loadMember } from '../core/member.js';
import { fileName } from './record.js';

/** Fetch the board's report in `format` (html, md) with the member's credential. */
function fetchReport(boardId, credential, format) {
  return fetch(`/api/boards/${encodeURIComponent(boardId)}/report.${format}`, {
    headers: { Authorization: `Bearer ${credential}` },
  });
}

/** Save the Markdown report as a file; `say` reports progress and failure. */
async function downloadMarkdown(boardId, credential, say) {
  const what = t('report.markdown');
  say(t('replay.working', { what }));
  try {
    const response = await fetchReport(boardId, credential, 'md');
    if (!response.ok) {
      const err = await readError(response);
      say(t('replay.action.failed', { what, reason: errorText(err.code, err.message) }));
      return;
    }
    const name = fileName(response.headers.get('Content-Disposition'), `report-${boardId}.md`);
    saveFile(await response.blob(), name);
    say(t('replay.downloaded', { what }));
  } catch {
    say(t('error.network'));
  }
}

/** The bar above the report: back to the board, print (the PDF), Markdown. */
function addTools(boardId, credential) {
  const status = h('span', { class: 'report-tools-status', role: 'status', 'data-testid': 'report-tools-status' });
  const say = (text) => setText(status, text);
  const nav = h(
    'nav',
    { class: 'report-tools', lang: getLang(), 'aria-label': t('report.tools'), 'data-testid': 'report-tools' },
    h('a', { href: `/b/${encodeURIComponent(boardId)}`, text: `← ${t('replay.back')}` }),
    h('span', { class: 'report-tools-actions' },
      h('button', { type: 'button', class: 'primary', text: t('report.print'), title: t('report.print.aria'), on: { click: () => window.print() } }),
      h('button', {
        type: 'button',
        text: t('report.markdown'),
        title: t('report.markdown.aria'),
        on: { click: () => downloadMarkdown(boardId, credential, say) },
      })),
    status,
  );
  document.body.prepend(nav);
}

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
    const response = await fetchReport(boardId, member.credential, 'html');
    if (!response.ok) {
      const err = await readError(response);
      status.textContent = `${t('report.failed')} ${errorText(err.code, err.message)}`;
      back.hidden = false;
      return;
    }
    const html = await response.text();
    // The report replaces this page (same address, same security policy, and
    // the same window: this module's handlers keep working in it).
    document.open();
    document.write(html);
    document.close();
    addTools(boardId, member.credential);
  } catch {
    status.textContent = t('error.network');
    back.hidden = false;
  }
}

show();
