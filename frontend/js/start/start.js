// The start page: create a board (empty or from a workshop template), then hand
// out its three access links.

import { byTestId, h, readError } from '../core/dom.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t, toggleLang } from '../core/i18n.js';
import { linkItems } from '../share/links.js';
import { recentBoards } from './recent.js';
import { mountImport } from '../replay/import.js';
import { applyLimits } from '../core/vocabulary.js';

// The form's fields take the server's limits (data-limit in index.html).
applyLimits(document);

const form = byTestId('create-form');
const errorBox = document.getElementById('create-error');
const submit = byTestId('create-submit');
const languageSelect = byTestId('create-language');
const linksSection = document.getElementById('links-section');
const createSection = document.getElementById('create-section');
const templateList = document.getElementById('template-list');
const missionInput = byTestId('create-mission');
const missionDefault = byTestId('mission-default');
// The template chosen when the page opens (and after "Create another board").
const DEFAULT_TEMPLATE = 'mission-workshop';
let templates = [];
let lastLinks = null;

function render() {
  applyI18n(document);
  renderRecent();
  renderTemplates();
  if (lastLinks) renderLinks(lastLinks);
}

/** "Your boards": every board this browser has joined, with Open (and Replay for facilitators). */
function renderRecent() {
  const boards = recentBoards(localStorage);
  document.getElementById('recent-section').hidden = boards.length === 0;
  document.getElementById('recent-list').replaceChildren(...boards.map(recentItem));
}

function recentItem(board) {
  const title = board.title || t('recent.untitled');
  const path = `/b/${encodeURIComponent(board.boardId)}`;
  const role = t(`links.${board.role}`);
  return h(
    'li',
    { class: 'recent-item', 'data-testid': 'recent-board', 'data-board-id': board.boardId },
    h(
      'div',
      { class: 'recent-texts' },
      h('span', { class: 'recent-title', 'data-testid': 'recent-title', text: title }),
      h('span', { class: 'recent-meta muted', text: board.name ? t('recent.as', { role, name: board.name }) : role }),
    ),
    h(
      'div',
      { class: 'recent-actions' },
      h('a', { class: 'btn', href: path, 'data-testid': 'recent-open', text: t('recent.open'), 'aria-label': t('recent.open.aria', { title }) }),
      // Replay is the facilitator's (docs/replay.md); others reach it from the board when allowed.
      board.role === 'facilitator'
        ? h('a', {
            class: 'btn btn-ghost',
            href: `${path}/replay`,
            'data-testid': 'recent-replay',
            text: t('recent.replay'),
            'aria-label': t('recent.replay.aria', { title }),
          })
        : null,
    ),
  );
}

async function loadTemplates() {
  const status = document.getElementById('template-status');
  try {
    const response = await fetch('/api/templates');
    if (!response.ok) throw new Error(String(response.status));
    templates = await response.json();
  } catch {
    status.textContent = t('create.template.failed');
    return;
  }
  renderTemplates();
  selectTemplate(DEFAULT_TEMPLATE);
}

function selectedTemplate() {
  const id = new FormData(form).get('template');
  return templates.find((tpl) => tpl.id === id) ?? null;
}

function selectTemplate(id) {
  const radios = [...form.querySelectorAll('input[name="template"]')];
  (radios.find((r) => r.value === id) ?? radios[0]).checked = true;
  showMissionDefault();
}

/** One radio card per template, before the "Empty board" card; texts in the page language. */
function renderTemplates() {
  const lang = getLang();
  const chosen = String(new FormData(form).get('template') ?? '');
  const cards = templates.map((tpl) =>
    h(
      'label',
      { class: 'template-card' },
      h('input', {
        type: 'radio',
        name: 'template',
        value: tpl.id,
        'data-testid': `template-${tpl.id}`,
      }),
      h('span', { class: 'template-name', text: tpl.name[lang] }),
      h('span', { class: 'template-desc', text: tpl.description[lang] }),
      h('span', { class: 'template-meta', text: t('create.template.steps', { steps: tpl.steps }) }),
    ),
  );
  const empty = templateList.querySelector('[data-testid="template-empty"]').closest('label');
  templateList.replaceChildren(...cards, empty);
  selectTemplate(chosen);
}

/** With a template that has a mission of its own, the form's mission may stay empty. */
function showMissionDefault() {
  const text = selectedTemplate()?.mission?.[languageSelect.value] ?? '';
  missionInput.required = !text;
  missionInput.placeholder = text || t('create.mission.placeholder');
  missionDefault.hidden = !text;
  missionDefault.textContent = text ? t('create.mission.default', { text }) : '';
}

function initLanguage() {
  setLang(storedLang(localStorage) ?? browserLang(navigator.languages ?? [navigator.language]));
  languageSelect.value = getLang();
  render();
  form.addEventListener('change', (event) => {
    if (event.target.name === 'template' || event.target === languageSelect) showMissionDefault();
  });
  document.getElementById('lang-toggle').addEventListener('click', () => {
    toggleLang(localStorage);
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
  const template = selectedTemplate();
  if (!statement && !template?.mission) {
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
  if (template) body.template = template.id;
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
  document.getElementById('links-list').replaceChildren(...linkItems(links));
  document.getElementById('open-facilitator').href = links.facilitator;
}

form.addEventListener('submit', createBoard);
document.getElementById('create-another').addEventListener('click', () => {
  lastLinks = null;
  form.reset();
  languageSelect.value = getLang();
  selectTemplate(DEFAULT_TEMPLATE);
  linksSection.hidden = true;
  createSection.hidden = false;
  document.getElementById('import-section').hidden = false;
  byTestId('create-title').focus();
});
// A board file (Replay → Export JSON) becomes a new board: its links as after creating one.
mountImport(document, {
  onImported(created) {
    lastLinks = created.links;
    renderLinks(created.links);
    createSection.hidden = true;
    document.getElementById('import-section').hidden = true;
    linksSection.hidden = false;
    document.getElementById('links-heading').focus();
  },
});
initLanguage();
loadTemplates();
