// The start page: create a board, then hand out its three access links.

import { byTestId, copyText, h, readError } from './dom.js';
import { applyI18n, browserLang, getLang, rememberLang, setLang, storedLang, t } from './i18n.js';

const ROLES = ['facilitator', 'participant', 'observer'];

const form = byTestId('create-form');
const errorBox = document.getElementById('create-error');
const submit = byTestId('create-submit');
const languageSelect = byTestId('create-language');
const linksSection = document.getElementById('links-section');
const createSection = document.getElementById('create-section');
let lastLinks = null;

function render() {
  applyI18n(document);
  if (lastLinks) renderLinks(lastLinks);
}

function initLanguage() {
  setLang(storedLang(localStorage) ?? browserLang(navigator.languages ?? [navigator.language]));
  languageSelect.value = getLang();
  render();
  document.getElementById('lang-toggle').addEventListener('click', () => {
    const next = getLang() === 'sv' ? 'en' : 'sv';
    setLang(next);
    rememberLang(localStorage, next);
    render();
  });
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

async function createBoard(event) {
  event.preventDefault();
  showError('');
  const data = new FormData(form);
  const title = String(data.get('title') ?? '').trim();
  const statement = String(data.get('statement') ?? '').trim();
  if (!title) {
    showError(t('form.required', { field: t('create.title') }));
    byTestId('create-title').focus();
    return;
  }
  if (!statement) {
    showError(t('form.required', { field: t('create.mission') }));
    byTestId('create-mission').focus();
    return;
  }
  const body = {
    title,
    language: String(data.get('language') ?? 'sv'),
    mission: {
      statement,
      measure: String(data.get('measure') ?? '').trim(),
      deadline: String(data.get('deadline') ?? '').trim(),
    },
  };
  submit.disabled = true;
  submit.textContent = t('create.busy');
  try {
    const response = await fetch('/api/boards', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const err = await readError(response);
      showError(`${t('create.failed')} ${err.message ?? ''}`.trim());
      return;
    }
    const created = await response.json();
    lastLinks = created.links;
    renderLinks(created.links);
    createSection.hidden = true;
    linksSection.hidden = false;
    document.getElementById('links-heading').focus();
  } catch {
    showError(t('error.network'));
  } finally {
    submit.disabled = false;
    submit.textContent = t('create.submit');
  }
}

function renderLinks(links) {
  const list = document.getElementById('links-list');
  list.replaceChildren(
    ...ROLES.map((role) => {
      const url = links[role];
      const status = h('span', { class: 'copy-status', role: 'status' });
      const copy = h('button', {
        type: 'button',
        class: 'btn btn-small',
        'data-testid': `copy-${role}`,
        'aria-label': t('links.copy.aria', { role: t(`links.${role}`) }),
        text: t('links.copy'),
        on: {
          click: async () => {
            const ok = await copyText(url);
            status.textContent = ok ? t('links.copied') : '';
            setTimeout(() => {
              status.textContent = '';
            }, 2000);
          },
        },
      });
      return h(
        'li',
        { class: `link link-${role}` },
        h(
          'div',
          { class: 'link-head' },
          h('strong', { text: t(`links.${role}`) }),
          h('span', { class: 'muted', text: t(`links.${role}.help`) }),
        ),
        h(
          'div',
          { class: 'link-row' },
          h('a', { class: 'link-url', href: url, 'data-testid': `link-${role}`, text: url }),
          copy,
          status,
        ),
      );
    }),
  );
  document.getElementById('open-facilitator').href = links.facilitator;
}

form.addEventListener('submit', createBoard);
document.getElementById('create-another').addEventListener('click', () => {
  lastLinks = null;
  form.reset();
  languageSelect.value = getLang();
  linksSection.hidden = true;
  createSection.hidden = false;
  byTestId('create-title').focus();
});
initLanguage();
