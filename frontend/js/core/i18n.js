// Swedish and English for every label, and the one lookup (`t`). The words
// follow the project glossary (shared vocabulary of Vinnova's mission-oriented
// innovation method), so Swedish facilitators recognise their own method.
//
// The words live in core/i18n/, one file per part of the page (the same
// folders as the code), both languages side by side. They are plain data:
// tests check that both languages have the same keys; `applyI18n` is the
// only function that touches the DOM.

import { WORDS as board } from './i18n/board.js';
import { WORDS as collection } from './i18n/collection.js';
import { WORDS as errors } from './i18n/errors.js';
import { WORDS as facilitation } from './i18n/facilitation.js';
import { WORDS as moderation } from './i18n/moderation.js';
import { WORDS as notify } from './i18n/notify.js';
import { WORDS as page } from './i18n/page.js';
import { WORDS as phone } from './i18n/phone.js';
import { WORDS as replay } from './i18n/replay.js';
import { WORDS as share } from './i18n/share.js';
import { WORDS as start } from './i18n/start.js';
import { WORDS as voting } from './i18n/voting.js';

const AREAS = { board, collection, errors, facilitation, moderation, notify, page, phone, replay, share, start, voting };

/** {en: {key: text}, sv: {key: text}}: every area's words in one dictionary. */
export const STRINGS = mergeAreas(AREAS);

/** One dictionary per language; a key in two areas is a mistake (one would hide the other). */
export function mergeAreas(areas) {
  const merged = { en: {}, sv: {} };
  const home = {};
  for (const [area, words] of Object.entries(areas)) {
    for (const lang of Object.keys(merged)) {
      for (const [key, text] of Object.entries(words[lang] ?? {})) {
        if (lang === 'en' && key in home) throw new Error(`i18n key ${key} is in both ${home[key]} and ${area}`);
        if (lang === 'en') home[key] = area;
        merged[lang][key] = text;
      }
    }
  }
  return merged;
}

export const LANGUAGES = ['sv', 'en'];
const STORAGE_KEY = 'samskapa:lang';

let current = 'en';

export function getLang() {
  return current;
}

export function setLang(lang) {
  if (LANGUAGES.includes(lang)) current = lang;
  return current;
}

/** `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** The language the person chose with the toggle, if any. */
export function storedLang(storage) {
  try {
    const lang = storage?.getItem(STORAGE_KEY);
    return LANGUAGES.includes(lang) ? lang : null;
  } catch {
    return null;
  }
}

export function rememberLang(storage, lang) {
  try {
    storage?.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** Switch to the other language and remember the choice (the pages' language button). */
export function toggleLang(storage) {
  const next = current === 'sv' ? 'en' : 'sv';
  setLang(next);
  rememberLang(storage, next);
  return next;
}

/** Swedish for a Swedish browser, else English. */
export function browserLang(languages) {
  const first = (languages && languages[0]) || '';
  return first.toLowerCase().startsWith('sv') ? 'sv' : 'en';
}

/**
 * Fill the labels under `root`: `data-i18n` → textContent, `data-i18n-aria`
 * → aria-label, `data-i18n-placeholder` → placeholder, `data-i18n-title` →
 * title. Always text, never HTML.
 */
export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.setAttribute('title', t(el.dataset.i18nTitle));
  }
  if (root.documentElement) root.documentElement.lang = current;
}
