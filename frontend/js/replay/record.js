// The workshop's record, from the replay page (facilitators): start a new
// board from the moment shown. DOM and network; the server does the work
// (docs/replay.md).

import { errorText } from '../dialogs.js';
import { setText } from '../dom.js';
import { t } from '../i18n.js';
import { linkItems } from '../links.js';

const $ = (id) => document.getElementById(id);

export class RecordActions {
  /**
   * `api`: the page's API (`post`); `moment()`: `{seq, at, title}`
   * of the board shown; `clock(at)`: time of day.
   */
  constructor({ boardId, api, moment, clock }) {
    this.boardId = boardId;
    this.api = api;
    this.moment = moment;
    this.clock = clock;
    this.dialog = $('fork-dialog');
    $('replay-fork').addEventListener('click', () => this.openFork());
    $('fork-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.fork();
    });
    $('fork-cancel').addEventListener('click', () => this.dialog.close());
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
