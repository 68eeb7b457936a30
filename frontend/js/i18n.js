// Swedish and English for every label. The words follow the project glossary
// (shared vocabulary of Vinnova's mission-oriented innovation method), so
// Swedish facilitators recognise their own method.
//
// The dictionaries are plain data (tests check that both languages have the
// same keys); `applyI18n` is the only function that touches the DOM.

export const STRINGS = {
  en: {
    'app.name': 'Samskapa',
    'app.tagline':
      'Samskapa is a shared board for mission-oriented innovation workshops: many actors, one bold goal, sticky notes and frames that everyone sees change in real time.',
    'lang.toggle': 'Svenska',
    'lang.toggle.aria': 'Byt språk till svenska',

    'create.heading': 'Create a board',
    'create.title': 'Workshop title',
    'create.title.placeholder': 'Fossil-free freight transport',
    'create.mission': 'Mission — the bold goal',
    'create.mission.placeholder': 'Fossil-free freight transport in Västra Götaland by 2030',
    'create.measure': 'How progress is measured',
    'create.measure.placeholder': 'Share of fossil-free tonne-km: 22 % → 100 %',
    'create.deadline': 'By when',
    'create.deadline.placeholder': '2030',
    'create.language': 'Board language',
    'create.submit': 'Create board',
    'create.busy': 'Creating…',
    'create.failed': 'The board could not be created.',
    'links.heading': 'Your board is ready',
    'links.intro':
      'Each link gives its own role. Anyone holding a link can join as that role, so share each one only with the right people. The links are shown only now: copy them before you leave this page.',
    'links.facilitator': 'Facilitator',
    'links.facilitator.help': 'For you and co-facilitators: create frames, seed notes, rename and delete.',
    'links.participant': 'Participant',
    'links.participant.help': 'For the actors taking part: write, move and colour notes.',
    'links.observer': 'Observer',
    'links.observer.help': 'For people who watch: read only.',
    'links.copy': 'Copy',
    'links.copy.aria': 'Copy the {role} link',
    'links.copied': 'Copied',
    'links.open': 'Open as facilitator',
    'links.another': 'Create another board',

    'lang.sv': 'Swedish',
    'lang.en': 'English',

    'role.facilitator': 'Facilitator',
    'role.participant': 'Participant',
    'role.observer': 'Observer — read only',
    'cursor.facilitator': 'Facilitator',

    'sector.public': 'Public sector',
    'sector.business': 'Business',
    'sector.academia': 'Academia',
    'sector.civil_society': 'Civil society',
    'sector.citizen': 'Citizen',
    'sector.other': 'Other',
    'sector.public.short': 'Public',
    'sector.business.short': 'Business',
    'sector.academia.short': 'Academia',
    'sector.civil_society.short': 'Civil soc.',
    'sector.citizen.short': 'Citizen',
    'sector.other.short': 'Other',

    'join.heading': 'Join the board',
    'join.as': 'You are joining “{title}” as {role}.',
    'join.name': 'Your name',
    'join.name.placeholder': 'Name shown to others',
    'join.sector': 'Actor sector',
    'join.submit': 'Join',
    'join.busy': 'Joining…',
    'join.failed': 'Could not join the board.',
    'join.again': 'Your saved membership is no longer valid. Join again with your link.',

    'board.loading': 'Loading board…',
    'board.mission': 'Mission — bold goal',
    'board.measure': 'Measured by',
    'board.deadline': 'By',
    'board.online': 'Online',
    'board.online.count': '{n} online',
    'board.online.count.one': '1 online',
    'board.no_link': 'To open this board you need a link from the facilitator.',
    'board.not_found': 'This board does not exist.',
    'board.invalid_link': 'This link is not valid for this board (any more).',
    'board.reload': 'This page is out of date. Reload it to continue.',
    'board.reload.button': 'Reload',
    'board.unauthorized': 'You are no longer a member of this board. Open your link again to join.',
    'board.error': 'Something went wrong: {message}',

    'conn.live': 'Live',
    'conn.connecting': 'Connecting…',
    'conn.offline': 'Offline — changes are kept',
    'conn.stopped': 'Disconnected',
    'outbox.label': 'unsent',

    'tool.bar': 'Board tools',
    'note.tools': 'Note tools',
    'tool.new_note': 'New note',
    'tool.new_note.aria': 'Add a new note in the middle of the view',
    'tool.new_frame': 'Add frame',
    'tool.new_frame.aria': 'Add a frame in the middle of the view',
    'tool.zoom_in': 'Zoom in',
    'tool.zoom_out': 'Zoom out',
    'tool.fit': 'Fit',
    'tool.fit.aria': 'Fit the whole board in view',
    'tool.list': 'List view',
    'tool.canvas': 'Board view',
    'tool.list.aria': 'Show the board as a list',
    'tool.canvas.aria': 'Show the board as a canvas',

    'note': 'Note',
    'note.empty': '(empty note)',
    'note.edit': 'Edit',
    'note.edit.aria': 'Edit the note text',
    'note.delete': 'Delete',
    'note.delete.aria': 'Delete the note',
    'note.color.aria': 'Colour: {color}',
    'note.editor.aria': 'Note text. Enter saves, Shift+Enter adds a line, Escape cancels.',
    'note.by': 'by {name}',
    'note.seeded': 'seeded by the facilitator',
    'note.help':
      'Double-click the board to add a note. Select a note to colour or delete it; arrow keys move it, Enter edits it.',

    'color.yellow': 'yellow',
    'color.orange': 'orange',
    'color.pink': 'pink',
    'color.green': 'green',
    'color.blue': 'blue',
    'color.purple': 'purple',
    'color.grey': 'grey',

    'frame': 'Frame',
    'frame.new.heading': 'New frame',
    'frame.edit.heading': 'Edit frame',
    'frame.title': 'Title',
    'frame.title.placeholder': 'Ideas',
    'frame.prompt': 'Prompt',
    'frame.prompt.placeholder': 'What could bring us closer to the mission?',
    'frame.submit': 'Save frame',
    'frame.cancel': 'Cancel',
    'frame.edit.aria': 'Rename the frame {title}',
    'frame.delete.aria': 'Delete the frame {title}',
    'frame.delete.confirm': 'Delete the frame “{title}”? Its notes stay on the board.',
    'frame.untitled': 'Untitled frame',

    'list.heading': 'The board as a list',
    'list.loose': 'Not in a frame',
    'list.empty': 'No notes yet.',
    'list.notes': '{n} notes',

    'error.forbidden': 'You may not do that.',
    'error.not_found': 'That note or frame does not exist any more.',
    'error.already_exists': 'That already exists.',
    'error.limit_reached': 'The board is full.',
    'error.text_too_long': 'The text is too long.',
    'error.invalid_message': 'The server did not accept the change.',
    'error.message_too_large': 'The change is too large.',
    'error.invalid_link': 'This link is not valid for this board.',
    'error.board_not_found': 'This board does not exist.',
    'error.unauthorized': 'You are not a member of this board.',
    'error.network': 'The server could not be reached. Try again.',
    'error.generic': 'The change was not accepted.',
    'dismiss': 'Dismiss',
    'form.required': 'Please fill in: {field}',
  },

  sv: {
    'app.name': 'Samskapa',
    'app.tagline':
      'Samskapa är en gemensam tavla för workshoppar i missionsorienterad innovation: många aktörer, ett djärvt mål, lappar och ramar som alla ser ändras i realtid.',
    'lang.toggle': 'English',
    'lang.toggle.aria': 'Switch the language to English',

    'create.heading': 'Skapa en tavla',
    'create.title': 'Workshoppens titel',
    'create.title.placeholder': 'Fossilfria godstransporter',
    'create.mission': 'Mission — det djärva målet',
    'create.mission.placeholder': 'Fossilfria godstransporter i Västra Götaland 2030',
    'create.measure': 'Hur framstegen mäts',
    'create.measure.placeholder': 'Andel fossilfria tonkm: 22 % → 100 %',
    'create.deadline': 'Till när',
    'create.deadline.placeholder': '2030',
    'create.language': 'Tavlans språk',
    'create.submit': 'Skapa tavla',
    'create.busy': 'Skapar…',
    'create.failed': 'Tavlan kunde inte skapas.',
    'links.heading': 'Din tavla är klar',
    'links.intro':
      'Varje länk ger sin egen roll. Den som har en länk kan gå med i den rollen, så dela varje länk bara med rätt personer. Länkarna visas bara nu: kopiera dem innan du lämnar sidan.',
    'links.facilitator': 'Processledare',
    'links.facilitator.help': 'För dig och andra processledare: skapa ramar, lägg in lappar, byt namn och ta bort.',
    'links.participant': 'Deltagare',
    'links.participant.help': 'För aktörerna som deltar: skriva, flytta och färga lappar.',
    'links.observer': 'Observatör',
    'links.observer.help': 'För den som följer arbetet: endast läsning.',
    'links.copy': 'Kopiera',
    'links.copy.aria': 'Kopiera länken för {role}',
    'links.copied': 'Kopierad',
    'links.open': 'Öppna som processledare',
    'links.another': 'Skapa en tavla till',

    'lang.sv': 'Svenska',
    'lang.en': 'Engelska',

    'role.facilitator': 'Processledare',
    'role.participant': 'Deltagare',
    'role.observer': 'Observatör — endast läsning',
    'cursor.facilitator': 'Processledare',

    'sector.public': 'Offentlig sektor',
    'sector.business': 'Näringsliv',
    'sector.academia': 'Akademi',
    'sector.civil_society': 'Civilsamhälle',
    'sector.citizen': 'Medborgare',
    'sector.other': 'Annan',
    'sector.public.short': 'Offentlig',
    'sector.business.short': 'Näringsliv',
    'sector.academia.short': 'Akademi',
    'sector.civil_society.short': 'Civilsamh.',
    'sector.citizen.short': 'Medborgare',
    'sector.other.short': 'Annan',

    'join.heading': 'Gå med i tavlan',
    'join.as': 'Du går med i ”{title}” som {role}.',
    'join.name': 'Ditt namn',
    'join.name.placeholder': 'Namnet som andra ser',
    'join.sector': 'Aktörstyp',
    'join.submit': 'Gå med',
    'join.busy': 'Går med…',
    'join.failed': 'Det gick inte att gå med i tavlan.',
    'join.again': 'Ditt sparade medlemskap gäller inte längre. Gå med igen med din länk.',

    'board.loading': 'Laddar tavlan…',
    'board.mission': 'Mission — djärvt mål',
    'board.measure': 'Mäts som',
    'board.deadline': 'Senast',
    'board.online': 'Anslutna',
    'board.online.count': '{n} anslutna',
    'board.online.count.one': '1 ansluten',
    'board.no_link': 'För att öppna tavlan behöver du en länk från processledaren.',
    'board.not_found': 'Tavlan finns inte.',
    'board.invalid_link': 'Länken gäller inte (längre) för den här tavlan.',
    'board.reload': 'Sidan är inaktuell. Ladda om den för att fortsätta.',
    'board.reload.button': 'Ladda om',
    'board.unauthorized': 'Du är inte längre med i tavlan. Öppna din länk igen för att gå med.',
    'board.error': 'Något gick fel: {message}',

    'conn.live': 'Ansluten',
    'conn.connecting': 'Ansluter…',
    'conn.offline': 'Offline — ändringar sparas',
    'conn.stopped': 'Frånkopplad',
    'outbox.label': 'ej skickade',

    'tool.bar': 'Tavelverktyg',
    'note.tools': 'Lappverktyg',
    'tool.new_note': 'Ny lapp',
    'tool.new_note.aria': 'Lägg till en ny lapp mitt i vyn',
    'tool.new_frame': 'Ny ram',
    'tool.new_frame.aria': 'Lägg till en ram mitt i vyn',
    'tool.zoom_in': 'Zooma in',
    'tool.zoom_out': 'Zooma ut',
    'tool.fit': 'Anpassa',
    'tool.fit.aria': 'Visa hela tavlan',
    'tool.list': 'Listvy',
    'tool.canvas': 'Tavelvy',
    'tool.list.aria': 'Visa tavlan som en lista',
    'tool.canvas.aria': 'Visa tavlan som en yta',

    'note': 'Lapp',
    'note.empty': '(tom lapp)',
    'note.edit': 'Redigera',
    'note.edit.aria': 'Redigera lappens text',
    'note.delete': 'Ta bort',
    'note.delete.aria': 'Ta bort lappen',
    'note.color.aria': 'Färg: {color}',
    'note.editor.aria': 'Lappens text. Enter sparar, Skift+Enter ger ny rad, Escape avbryter.',
    'note.by': 'av {name}',
    'note.seeded': 'inlagd av processledaren',
    'note.help':
      'Dubbelklicka på tavlan för att lägga till en lapp. Markera en lapp för att färga eller ta bort den; piltangenterna flyttar den, Enter redigerar.',

    'color.yellow': 'gul',
    'color.orange': 'orange',
    'color.pink': 'rosa',
    'color.green': 'grön',
    'color.blue': 'blå',
    'color.purple': 'lila',
    'color.grey': 'grå',

    'frame': 'Ram',
    'frame.new.heading': 'Ny ram',
    'frame.edit.heading': 'Redigera ram',
    'frame.title': 'Rubrik',
    'frame.title.placeholder': 'Idéer',
    'frame.prompt': 'Fråga / instruktion',
    'frame.prompt.placeholder': 'Vad kan föra oss närmare missionen?',
    'frame.submit': 'Spara ram',
    'frame.cancel': 'Avbryt',
    'frame.edit.aria': 'Byt namn på ramen {title}',
    'frame.delete.aria': 'Ta bort ramen {title}',
    'frame.delete.confirm': 'Ta bort ramen ”{title}”? Lapparna ligger kvar på tavlan.',
    'frame.untitled': 'Ram utan rubrik',

    'list.heading': 'Tavlan som lista',
    'list.loose': 'Utanför ramar',
    'list.empty': 'Inga lappar än.',
    'list.notes': '{n} lappar',

    'error.forbidden': 'Det får du inte göra.',
    'error.not_found': 'Lappen eller ramen finns inte längre.',
    'error.already_exists': 'Den finns redan.',
    'error.limit_reached': 'Tavlan är full.',
    'error.text_too_long': 'Texten är för lång.',
    'error.invalid_message': 'Servern godtog inte ändringen.',
    'error.message_too_large': 'Ändringen är för stor.',
    'error.invalid_link': 'Länken gäller inte för den här tavlan.',
    'error.board_not_found': 'Tavlan finns inte.',
    'error.unauthorized': 'Du är inte med i den här tavlan.',
    'error.network': 'Servern gick inte att nå. Försök igen.',
    'error.generic': 'Ändringen godtogs inte.',
    'dismiss': 'Stäng',
    'form.required': 'Fyll i: {field}',
  },
};

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
