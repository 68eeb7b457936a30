// The phone view: the board as one column for contributing from a phone (and,
// on request, on a wide screen — it is the board's list view). The mission and
// the current step (the step banner, "I'm done") and the open vote (the vote
// banner, the votes left) are the board's own elements, moved into the column
// while it shows; below them one large composer, the person's own ideas (edit,
// delete) and everyone's ideas (three orders, voting with large buttons).
//
// Nothing here decides anything: commands go out through the board's own
// `send` (the same outbox, offline included), the server decides, and the view
// drawn is the board's predicted state (state.js). Where a new idea goes is
// the server's choice too (domain/placement.py): the composer sends the frame,
// never a position.

import { errorText } from '../core/dialogs.js';
import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { currentStep, may, NOTE_TEXT_MAX, permission, stepRules } from '../core/state.js';
import { canVote, myStatus, noteVoteInfo, openRound } from '../voting/voting.js';
import { btn, count, drawMark, drawModeration, metaText, modMark, paint, place, shorten } from './note-item.js';
import { defaultFrame, myNotes, shownVotes, SORTS, sortedNotes } from './view.js';

const SORT_KEY = 'samskapa.phone.sort';

/**
 * `page`: {root (the element the column fills), adopt (elements shown at the
 * top of the column while it is on), send(command), vote(noteId, delta),
 * flag(noteId) (true when sent), decide(decision, noteId) (a facilitator's
 * moderation), newNoteId(), isOnline(), storage}. Returns {show(on), render(view, me),
 * relabel()}; `me`: {memberId, role}.
 */
export function mount(page) {
  const ui = {
    on: false,
    view: null,
    me: null,
    sort: SORTS.includes(page.storage?.getItem(SORT_KEY)) ? page.storage.getItem(SORT_KEY) : 'newest',
    editing: null, // note id whose text is being changed
    deleting: null, // note id waiting for "Delete for good"
    homes: new Map(), // adopted element -> {parent, next}: where it goes back to
    news: { ids: new Set(), current: null }, // collection-ui.js: new since the last visit
  };

  // ---- the composer ----
  const text = h('textarea', {
    id: 'phone-text',
    class: 'phone-text',
    'data-testid': 'phone-text',
    rows: '3',
    maxlength: String(NOTE_TEXT_MAX),
    'aria-describedby': 'phone-prompt phone-add-error phone-add-note',
  });
  const where = h('select', { id: 'phone-frame', class: 'phone-select', 'data-testid': 'phone-frame' });
  const whereField = h('div', { class: 'phone-field' }, h('label', { for: 'phone-frame', class: 'phone-label' }), where);
  const addBtn = h('button', { type: 'submit', class: 'btn btn-primary phone-add', 'data-testid': 'phone-add' });
  const addNote = h('p', { id: 'phone-add-note', class: 'phone-add-note', 'data-testid': 'phone-add-note' });
  // Said where the eyes are, not only to a screen reader: Add on an empty field did nothing visible.
  const addError = h('p', { id: 'phone-add-error', class: 'form-error', 'data-testid': 'phone-add-error', hidden: true });
  // The chosen frame's prompt: what the facilitator asks for there.
  const prompt = h('p', { id: 'phone-prompt', class: 'phone-prompt', 'data-testid': 'phone-prompt' });
  const composer = h(
    'form',
    { class: 'phone-card phone-composer', 'data-testid': 'phone-composer', 'aria-labelledby': 'phone-add-heading', novalidate: true },
    h('h2', { id: 'phone-add-heading', class: 'phone-heading' }),
    prompt,
    h('label', { for: 'phone-text', class: 'visually-hidden', id: 'phone-text-label' }),
    text,
    addError,
    addNote,
    whereField,
    addBtn,
  );
  where.addEventListener('change', () => draw());
  text.addEventListener('input', () => showAddError(false));

  function showAddError(shown) {
    if (shown) setText(addError, t('phone.add.empty'));
    addError.hidden = !shown;
    if (shown) text.setAttribute('aria-invalid', 'true');
    else text.removeAttribute('aria-invalid');
  }
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    add();
  });
  // Ctrl+Enter (⌘+Enter) adds, as in the board's note editor; Enter is a new line.
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      add();
    }
  });

  // ---- the lists ----
  const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'data-testid': 'phone-live' });
  const mineList = h('ul', { class: 'phone-list', 'data-testid': 'phone-mine' });
  const mineEmpty = h('p', { class: 'muted phone-empty' });
  const mine = h(
    'section',
    { class: 'phone-card', 'aria-labelledby': 'phone-mine-heading' },
    h('h2', { id: 'phone-mine-heading', class: 'phone-heading' }),
    mineEmpty,
    mineList,
  );
  const sort = h('select', { id: 'phone-sort', class: 'phone-select', 'data-testid': 'phone-sort' });
  sort.addEventListener('change', () => {
    ui.sort = sort.value;
    page.storage?.setItem(SORT_KEY, ui.sort);
    draw();
  });
  const allCount = h('span', { class: 'phone-count', 'data-testid': 'phone-all-count' });
  const allList = h('ul', { class: 'phone-list', 'data-testid': 'phone-all' });
  const allEmpty = h('p', { class: 'muted phone-empty' });
  const all = h(
    'section',
    { class: 'phone-card', 'aria-labelledby': 'phone-all-heading' },
    h('div', { class: 'phone-all-head' }, h('h2', { id: 'phone-all-heading', class: 'phone-heading' }), allCount),
    h('div', { class: 'phone-field' }, h('label', { for: 'phone-sort', class: 'phone-label' }), sort),
    allEmpty,
    allList,
  );
  const top = h('div', { class: 'phone-top' });
  const column = h('div', { class: 'phone-column', 'data-testid': 'phone-view' }, top, composer, mine, all, live);
  page.root.replaceChildren(column);

  // Each note's list items, kept between renders so that a tap or the focus
  // never lands on an element that was just replaced.
  const mineItems = new Map();
  const allItems = new Map();

  function add() {
    const view = ui.view;
    if (!view) return;
    const value = text.value.trim();
    if (!value) {
      setText(live, t('phone.add.empty'));
      showAddError(true);
      text.focus();
      return;
    }
    showAddError(false);
    const frameId = where.value || null;
    page.send({
      type: 'note.create',
      note_id: page.newNoteId(),
      text: value,
      ...(frameId ? { frame_id: frameId } : {}),
      color: 'yellow',
      kind: currentStep(view)?.note_kind ?? 'idea',
    });
    text.value = '';
    setText(live, t(page.isOnline() ? 'phone.added' : 'phone.added.offline', { text: shorten(value) }));
    text.focus();
  }

  // ---- one of my ideas ----
  function mineItem(id) {
    const textEl = h('p', { class: 'phone-note-text list-note-text' });
    const meta = h('p', { class: 'phone-note-meta' });
    const mod = modMark();
    const editArea = h('textarea', { class: 'phone-text', rows: '3', maxlength: String(NOTE_TEXT_MAX), 'data-testid': 'phone-edit-text' });
    const editLabel = h('label', { class: 'visually-hidden' });
    const editBox = h('div', { class: 'phone-edit', hidden: true }, editLabel, editArea);
    const edit = btn('phone-edit', 'phone-btn', () => startEdit(id));
    const del = btn('phone-delete', 'btn-danger phone-btn', () => {
      ui.deleting = id;
      draw();
      item.confirm.focus();
    });
    const save = btn('phone-save', 'btn-primary phone-btn', () => saveEdit(id));
    const cancel = btn('phone-cancel', 'phone-btn', () => endEdit(id));
    const confirm = btn('phone-delete-confirm', 'btn-danger phone-btn', () => remove(id));
    const keep = btn('phone-delete-keep', 'phone-btn', () => {
      ui.deleting = null;
      draw();
      item.del.focus();
    });
    const actions = h('div', { class: 'phone-actions' }, edit, del, save, cancel, confirm, keep);
    const el = h('li', { class: 'phone-note', 'data-testid': 'phone-mine-item', 'data-id': id }, mod.el, textEl, editBox, meta, actions);
    editArea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        saveEdit(id);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        endEdit(id);
      }
    });
    const item = { el, textEl, meta, mod, editBox, editArea, editLabel, edit, del, save, cancel, confirm, keep };
    return item;
  }

  function startEdit(id) {
    const note = ui.view?.notes[id];
    const item = mineItems.get(id);
    if (!note || !item) return;
    ui.editing = id;
    ui.deleting = null;
    item.editArea.value = note.text;
    draw();
    item.editArea.focus();
  }

  function endEdit(id) {
    ui.editing = null;
    draw();
    mineItems.get(id)?.edit.focus();
  }

  function saveEdit(id) {
    const note = ui.view?.notes[id];
    const item = mineItems.get(id);
    if (note && item && item.editArea.value !== note.text) {
      page.send({ type: 'note.edit', note_id: id, text: item.editArea.value });
    }
    endEdit(id);
  }

  function remove(id) {
    const note = ui.view?.notes[id];
    ui.deleting = null;
    if (!note) return;
    page.send({ type: 'note.delete', note_id: id });
    setText(live, t('phone.deleted', { text: shorten(note.text || t('note.empty')) }));
    text.focus();
  }

  function drawMine(view, me) {
    const notes = myNotes(view, me.memberId);
    mineEmpty.hidden = notes.length > 0;
    setText(mineEmpty, t('phone.mine.empty'));
    const els = [];
    for (const note of notes) {
      let item = mineItems.get(note.id);
      if (!item) mineItems.set(note.id, (item = mineItem(note.id)));
      const label = shorten(note.text || t('note.empty'));
      setText(item.textEl, note.text || t('note.empty'));
      setText(item.meta, metaText(view, note, true));
      drawMark(item.mod, note, me);
      const editing = ui.editing === note.id;
      const deleting = ui.deleting === note.id;
      const canChange = may(view, me.role, me.memberId, 'edit', note);
      const canDelete = may(view, me.role, me.memberId, 'delete', note);
      item.textEl.hidden = editing;
      item.editBox.hidden = !editing;
      setText(item.editLabel, t('phone.edit.label'));
      item.edit.hidden = editing || deleting || !canChange;
      item.del.hidden = editing || deleting || !canDelete;
      item.save.hidden = !editing;
      item.cancel.hidden = !editing;
      item.confirm.hidden = !deleting;
      item.keep.hidden = !deleting;
      setText(item.edit, t('phone.edit'));
      item.edit.setAttribute('aria-label', t('phone.edit.aria', { text: label }));
      setText(item.del, t('phone.delete'));
      item.del.setAttribute('aria-label', t('phone.delete.aria', { text: label }));
      setText(item.save, t('phone.save'));
      setText(item.cancel, t('phone.cancel'));
      setText(item.confirm, t('phone.delete.confirm'));
      setText(item.keep, t('phone.delete.keep'));
      paint(item.el, note);
      els.push(item.el);
    }
    for (const id of mineItems.keys()) if (!view.notes[id]) mineItems.delete(id);
    if (ui.editing && !view.notes[ui.editing]) ui.editing = null;
    place(mineList, els);
  }

  // ---- everyone's ideas ----
  function allItem(id) {
    const textEl = h('p', { class: 'phone-note-text list-note-text' });
    const meta = h('p', { class: 'phone-note-meta' });
    const voteInfo = h('span', { class: 'phone-vote-info', 'data-testid': 'phone-vote-info' });
    const minus = btn('phone-unvote', 'phone-btn phone-vote-btn', () => page.vote(id, -1));
    const plus = btn('phone-vote', 'btn-primary phone-btn phone-vote-btn', () => page.vote(id, 1));
    const voteRow = h('div', { class: 'phone-vote' }, voteInfo, h('div', { class: 'phone-actions' }, minus, plus));
    const mod = modMark();
    // Moderation: a participant flags, a facilitator decides (moderation/queue.js).
    const flag = btn('phone-flag', 'phone-btn phone-flag', () => {
      const note = ui.view?.notes[id];
      if (note && page.flag(id)) setText(live, t('mod.flag.sent'));
    });
    const deciders = {};
    for (const decision of ['approve', 'reject', 'hide', 'restore']) {
      const cls = decision === 'approve' || decision === 'restore' ? 'btn-primary phone-btn' : 'phone-btn';
      deciders[decision] = btn(`phone-${decision}`, cls, () => page.decide(decision, id));
    }
    const modRow = h('div', { class: 'phone-actions phone-mod-actions' }, flag, ...Object.values(deciders));
    // "New since your last visit" (collection-ui.js NewsBar): a badge, not only a colour.
    const badge = h('span', { class: 'phone-new-badge', 'data-testid': 'phone-new-badge', hidden: true });
    // tabindex -1: "next new idea" (collection-ui.js) brings the focus here.
    const el = h('li', { class: 'phone-note', 'data-testid': 'phone-all-item', 'data-id': id, tabindex: '-1' }, badge, mod.el, textEl, meta, voteRow, modRow);
    return { el, textEl, meta, voteRow, voteInfo, minus, plus, mod, flag, deciders, modRow, badge };
  }

  function drawAll(view, me) {
    const notes = sortedNotes(view, ui.sort);
    setText(allCount, count(notes.length, 'phone.all.count'));
    allEmpty.hidden = notes.length > 0;
    setText(allEmpty, t('phone.all.empty'));
    const round = openRound(view.votes);
    const shown = round ? null : shownVotes(view.votes);
    const opts = { role: me.role, shownRound: null, resultsOnNotes: false };
    const voting = round && canVote(me.role) && myStatus(view.votes, round.id) === 'voting';
    const els = [];
    for (const note of notes) {
      let item = allItems.get(note.id);
      if (!item) allItems.set(note.id, (item = allItem(note.id)));
      const label = shorten(note.text || t('note.empty'));
      setText(item.textEl, note.text || t('note.empty'));
      setText(item.meta, metaText(view, note, false, me));
      const info = round ? noteVoteInfo(view, note, opts) : null;
      let words = '';
      if (info?.inScope) {
        const parts = [t('phone.vote.mine', { n: info.mine })];
        if (info.total !== null) parts.push(count(info.total, 'phone.vote.total'));
        words = parts.join(' · ');
      } else if (round) {
        words = t('phone.vote.out');
      } else if (shown && note.id in shown) {
        words = count(shown[note.id], 'phone.vote.result');
      }
      setText(item.voteInfo, words);
      item.voteRow.hidden = !words;
      const controls = Boolean(voting && info?.inScope);
      item.minus.hidden = !controls;
      item.plus.hidden = !controls;
      if (controls) {
        setText(item.minus, '−');
        setText(item.plus, `+ ${t('phone.vote.add')}`);
        item.minus.setAttribute('aria-label', t('phone.vote.remove.aria', { text: label }));
        item.plus.setAttribute('aria-label', t('phone.vote.add.aria', { text: label }));
        // Disabled looks would hide why: the board's vote() says why instead.
        item.minus.setAttribute('aria-disabled', info.mine > 0 ? 'false' : 'true');
        item.plus.setAttribute('aria-disabled', info.full || info.capped ? 'true' : 'false');
        item.voteRow.classList.toggle('pending', Boolean(info.pending));
      }
      drawMark(item.mod, note, me);
      drawModeration(view, item, note, me, label);
      paint(item.el, note);
      item.el.classList.toggle('voted', Boolean(info?.mine));
      markOne(item, note.id);
      els.push(item.el);
    }
    for (const id of allItems.keys()) if (!view.notes[id]) allItems.delete(id);
    place(allList, els);
  }

  function drawComposer(view, me) {
    const code = permission(view, me.role, me.memberId, 'write');
    composer.hidden = me.role === 'observer';
    text.disabled = Boolean(code);
    addBtn.disabled = Boolean(code);
    if (!addError.hidden) setText(addError, t('phone.add.empty')); // in the language shown now
    const chosen = where.value;
    const frames = Object.values(view.frames);
    const step = defaultFrame(view);
    const options = frames.map((f) => {
      const title = f.title || t('frame.untitled');
      return h('option', { value: f.id, text: f.id === step ? t('phone.add.step_frame', { title }) : title });
    });
    options.push(h('option', { value: '', text: t('phone.add.loose') }));
    const key = JSON.stringify([frames.map((f) => [f.id, f.title]), step, ui.lang]);
    if (where.dataset.key !== key) {
      where.replaceChildren(...options);
      where.dataset.key = key;
      // The step's frame when the step changes, else what the person chose.
      const changed = where.dataset.step !== String(step);
      where.dataset.step = String(step);
      where.value = !changed && [...where.options].some((o) => o.value === chosen) ? chosen : (step ?? frames[0]?.id ?? '');
    }
    whereField.hidden = frames.length === 0;
    const target = view.frames[where.value];
    setText(prompt, target?.prompt ?? '');
    prompt.hidden = !target?.prompt;
    const notes = [];
    if (code) notes.push(errorText(code));
    else if (stepRules(view).write === 'private' && me.role === 'participant') notes.push(t('phone.add.private'));
    setText(addNote, notes.join(' '));
    addNote.hidden = notes.length === 0;
  }

  function draw() {
    if (!ui.on || !ui.view) return;
    drawComposer(ui.view, ui.me);
    drawMine(ui.view, ui.me);
    drawAll(ui.view, ui.me);
  }

  function relabel() {
    ui.lang = t('phone.add.heading');
    setText(composer.querySelector('#phone-add-heading'), t('phone.add.heading'));
    setText(composer.querySelector('#phone-text-label'), t('phone.add.label'));
    text.placeholder = t('phone.add.placeholder');
    setText(whereField.firstChild, t('phone.add.where'));
    setText(addBtn, t('phone.add.submit'));
    setText(mine.querySelector('#phone-mine-heading'), t('phone.mine.heading'));
    setText(all.querySelector('#phone-all-heading'), t('phone.all.heading'));
    setText(sort.previousSibling, t('phone.sort'));
    sort.replaceChildren(...SORTS.map((s) => h('option', { value: s, text: t(`phone.sort.${s}`) })));
    sort.value = ui.sort;
    draw();
  }

  function show(on) {
    ui.on = on;
    for (const el of page.adopt) {
      if (on && !ui.homes.has(el)) {
        ui.homes.set(el, { parent: el.parentNode, next: el.nextSibling });
        top.append(el);
      } else if (!on && ui.homes.has(el)) {
        const home = ui.homes.get(el);
        home.parent.insertBefore(el, home.next);
        ui.homes.delete(el);
      }
    }
    draw();
  }

  function markOne(item, id) {
    const fresh = ui.news.ids.has(id);
    item.el.classList.toggle('phone-new', fresh);
    item.el.classList.toggle('current', fresh && ui.news.current === id);
    item.badge.hidden = !fresh;
    setText(item.badge, t('news.new'));
  }

  relabel();
  return {
    show,
    relabel,
    /** Highlight the notes new since the last visit (`ids`, a Set) and the one stepped to. */
    markNew(ids, current) {
      ui.news = { ids, current };
      for (const [id, item] of allItems) markOne(item, id);
    },
    /** Bring one note of everyone's ideas into view and give it the focus. */
    reveal(id) {
      draw();
      const el = allItems.get(id)?.el;
      if (!el) return;
      for (const item of allItems.values()) item.el.classList.toggle('current', item.el === el);
      el.scrollIntoView({ block: 'center' });
      el.focus({ preventScroll: true });
    },
    /** Draw for `view` (the board's predicted state); `me`: {memberId, role}. */
    render(view, me) {
      ui.view = view;
      ui.me = me;
      draw();
    },
  };
}
