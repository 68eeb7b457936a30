// Import a board file (exported from a replay as JSON) on the start page: the
// server makes a new board of it (POST /api/boards/import, docs/replay.md).
// Progress while the file is read and sent; errors in words, chosen by code.

import { errorText } from '../core/dialogs.js';
import { t } from '../core/i18n.js';

/** The words for an import refused with `code` (the import's own, else the general ones). */
export function importErrorText(code, message) {
  const key = `import.error.${code}`;
  const own = t(key);
  if (own !== key) return own;
  return errorText(code, message || t('import.failed'));
}

/** POST `body` with upload progress (fetch cannot report it); resolves to `{status, json}`. */
function upload(body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/boards/import');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.upload.addEventListener('load', () => onProgress(1));
    xhr.addEventListener('load', () => {
      let json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = null;
      }
      resolve({ status: xhr.status, json });
    });
    xhr.addEventListener('error', () => reject(new Error('network')));
    xhr.send(body);
  });
}

/**
 * Wire the import form of `page`. `onImported(created)` gets the answer
 * (`{board_id, links}`) once the board exists.
 */
export function mountImport(page, { onImported }) {
  const $ = (id) => page.getElementById(id);
  const form = $('import-form');
  const file = $('import-file');
  const submit = $('import-submit');
  const progress = $('import-progress');
  const bar = $('import-bar');
  const status = $('import-status');
  const error = $('import-error');

  const show = (text, fraction = null) => {
    progress.hidden = false;
    status.textContent = text;
    if (fraction === null) bar.removeAttribute('value');
    else bar.value = Math.round(fraction * 100);
  };
  const fail = (text) => {
    progress.hidden = true;
    error.textContent = text;
    error.hidden = false;
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) {
      fail(t('import.none'));
      file.focus();
      return;
    }
    submit.disabled = true;
    try {
      show(t('import.reading'));
      const text = await chosen.text();
      try {
        JSON.parse(text); // a cut-off or wrong file is said at once, before uploading it
      } catch {
        fail(t('import.not_json'));
        return;
      }
      show(t('import.sending', { percent: 0 }), 0);
      const answer = await upload(text, (f) => {
        if (f < 1) show(t('import.sending', { percent: Math.round(f * 100) }), f);
        else show(t('import.creating'));
      });
      if (answer.status !== 201 && answer.status !== 200) {
        const code = typeof answer.json?.code === 'string' ? answer.json.code : `http_${answer.status}`;
        fail(`${t('import.failed')} ${importErrorText(code, answer.json?.message)}`);
        return;
      }
      progress.hidden = true;
      form.reset();
      onImported(answer.json);
    } catch {
      fail(t('error.network'));
    } finally {
      submit.disabled = false;
    }
  });
}
