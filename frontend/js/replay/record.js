// The workshop's record, from the replay page (facilitators): start a new
// board from the moment shown, download the board as JSON or as a template,
// and open the printable report. DOM and network; the server does the work
// (docs/replay.md).

import { errorText } from '../core/dialogs.js';
import { h, saveFile, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { linkItems } from '../share/links.js';

const $ = (id) => document.getElementById(id);

/** A file name from `Content-Disposition`, else `fallback`. */
export function fileName(disposition, fallback) {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? '');
  if (!match) return fallback;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * Download `path` of the board's API (`api`: replay/api.js) as a file named
 * as the server says, else `fallback`; `say` tells the progress and how it
 * ended, naming it `what`.
 */
export async function downloadAs(api, path, { what, fallback, say }) {
  say(t('replay.working', { what }));
  try {
    const response = await api.fetch(path);
    saveFile(await response.blob(), fileName(response.headers.get('Content-Disposition'), fallback));
    say(t('replay.downloaded', { what }));
  } catch (err) {
    say(t('replay.action.failed', { what, reason: errorText(err.code, err.message) }));
  }
}

export class RecordActions {
  /**
   * `api`: the page's API (`post`, `fetch`); `moment()`: `{seq, at, title}`
   * of the board shown; `clock(at)`: time of day.
   */
  constructor({ boardId, api, moment, clock }) {
    this.boardId = boardId;
    this.api = api;
    this.moment = moment;
    this.clock = clock;
    this.status = $('replay-action-status');
    this.dialog = $('fork-dialog');
    $('replay-fork').addEventListener('click', () => this.openFork());
    $('replay-export').addEventListener('click', () => this.download('export.json', t('replay.export'), 'board'));
    $('replay-template').addEventListener('click', () => this.download('template.json', t('replay.template'), 'template'));
    $('replay-report').addEventListener('click', () => this.report());
    $('fork-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.fork();
    });
    $('fork-cancel').addEventListener('click', () => this.dialog.close());
  }

  _say(text) {
    setText(this.status, text);
  }

  /** Download `path` (export.json, template.json) with the credential, as a file. */
  download(path, what, kind) {
    return downloadAs(this.api, path, { what, fallback: `${kind}-${this.boardId}.json`, say: (text) => this._say(text) });
  }

  /** The printable report in a new tab (report.js fetches it with the credential). */
  report() {
    const url = `/b/${encodeURIComponent(this.boardId)}/report`;
    const tab = window.open(url, '_blank');
    if (tab) {
      tab.opener = null; // (the 'noopener' feature would hide whether it opened)
      this._say(t('replay.report.opened'));
    } else {
      this.status.replaceChildren(
        h('span', { text: `${t('replay.report.blocked')} ` }),
        h('a', { href: url, target: '_blank', rel: 'noopener', 'data-testid': 'report-link', text: t('replay.report.link') }),
      );
    }
  }

  openFork() {
    const { at, title } = this.moment();
    $('fork-title').value = t('replay.fork.title.default', { title, clock: this.clock(at) }).slice(0, 120);
    setText($('fork-when'), this.clock(at));
    $('fork-title-field').hidden = false;
    $('fork-result').hidden = true;
    $('fork-error').hidden = true;
    $('fork-submit').hidden = false;
    $('fork-open').hidden = true;
    this.dialog.showModal();
    $('fork-title').select();
  }

  async fork() {
    const submit = $('fork-submit');
    const error = $('fork-error');
    const title = $('fork-title').value.trim();
    const body = { seq: this.moment().seq };
    if (title) body.title = title;
    submit.disabled = true;
    setText(submit, t('replay.fork.busy'));
    error.hidden = true;
    try {
      const created = await this.api.post('fork', body);
      $('fork-links').replaceChildren(...linkItems(created.links));
      $('fork-title-field').hidden = true;
      $('fork-result').hidden = false;
      submit.hidden = true;
      const open = $('fork-open');
      open.href = created.links.facilitator;
      open.hidden = false;
      open.focus();
    } catch (err) {
      setText(error, `${t('replay.fork.failed')} ${errorText(err.code, err.message)}`);
      error.hidden = false;
    } finally {
      submit.disabled = false;
      setText(submit, t('replay.fork.submit'));
    }
  }
}
