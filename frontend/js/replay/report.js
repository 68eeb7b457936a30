// The workshop report at /b/{board_id}/report: the server renders it
// (GET /api/boards/{id}/report.html, docs/replay.md); this page fetches it with
// the member's credential (links carry no secrets) and shows it as the page
// itself, so the browser's print makes the PDF and a reload fetches it afresh.
// The report holds no script (the pages' CSP), so the few controls a reader
// needs — print, the Markdown file, the way to the board — are added here, in
// the reader's language, and left off the paper (report.css).

import { errorText } from '../core/dialogs.js';
import { h, setText } from '../core/dom.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t } from '../core/i18n.js';
import { boardIdIn, loadMember } from '../core/member.js';
import { boardApi } from './api.js';
import { downloadAs } from './record.js';

/** The bar above the report: back to the board, print (the PDF), Markdown. */
function addTools(boardId, api) {
  const status = h('span', { class: 'report-tools-status', role: 'status', 'data-testid': 'report-tools-status' });
  const say = (text) => setText(status, text);
  const nav = h(
    'nav',
    { class: 'report-tools', lang: getLang(), 'aria-label': t('report.tools'), 'data-testid': 'report-tools' },
    h('a', { href: `/b/${encodeURIComponent(boardId)}`, text: `← ${t('replay.back')}` }),
    h('span', { class: 'report-tools-actions' },
      h('button', { type: 'button', class: 'primary', text: t('report.print'), title: t('report.print.hint'), on: { click: () => window.print() } }),
      h('button', {
        type: 'button',
        text: t('report.markdown'),
        title: t('report.markdown.hint'),
        on: { click: () => downloadAs(api, 'report.md', { what: t('report.markdown'), fallback: `report-${boardId}.md`, say }) },
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
  const api = boardApi(boardId, member.credential);
  let html;
  try {
    html = await (await api.fetch('report.html')).text();
  } catch (err) {
    status.textContent = err.code === 'network' ? err.message : `${t('report.failed')} ${errorText(err.code, err.message)}`;
    back.hidden = false;
    return;
  }
  // The report replaces this page (same address, same security policy, and
  // the same window: this module's handlers keep working in it).
  document.open();
  document.write(html);
  document.close();
  addTools(boardId, api);
}

show();
