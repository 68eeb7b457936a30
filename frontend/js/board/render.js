// DOM only: draws a (predicted) board state. User text only ever goes through
// textContent (dom.js), never innerHTML.
//
// Incremental: every frame and note keeps its element (map id → element) and
// remembers what it last drew. A render pass walks the state once and touches
// only elements whose entity object changed (state.js replaces an entity on
// every change, so `!==` is the test), plus those whose selection or author
// label changed. Boards hold thousands of notes; nothing is rebuilt wholesale.
//
// Culled: with `ctx.keptRect` (cull.js) only the notes that meet that board
// rectangle (the screen and a margin around it) are in the DOM, plus the ones a
// person is working with (selected, edited, dragged, focused, or just asked for
// with showNote). A note that leaves keeps its element, detached, and comes
// back with it. Attached notes stay in board order, which is their drawing
// order. Without `keptRect` every note is drawn (the replay page).
//
// A cull (`cull`: only the camera moved) redraws with what the last render
// drew: a note it already drew is left alone, and the DOM changes it makes are
// budgeted per frame (MOUNT_BUDGET notes in, REMOVE_BUDGET out, BODY_BUDGET
// insides built), so a zoom over a large board spreads its work over frames
// instead of stalling one. While the zoom changes (and ZOOM_SETTLE_MS after),
// no insides are built at all: notes that come in are blocks of their colour
// until it rests. `behind` says how much waits; the page asks for another cull
// while it is not 0. A note's inside, marks and vote controls: note-parts.js.

import { h, setText } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { moderationMark } from '../moderation/queue.js';
import { canDeleteNote, isMine } from '../core/state.js';
import { noteMeets } from './cull.js';
import { buildBody, drawMarks, drawVote, sameVote } from './note-parts.js';

/** Notes off screen (in the margin; in a cull, on screen too) whose inside is built in one pass. */
const BODY_BUDGET = 24;
/** Notes in the margin put into the DOM in one cull (those on screen come at once). */
const MOUNT_BUDGET = 48;
/** Notes that left the kept rectangle taken out of the DOM in one cull. */
const REMOVE_BUDGET = 96;
/**
 * How long the zoom must have stayed the same before note insides are built
 * again (ms): a note that comes in while the board is zoomed is a block of its
 * colour until then, so a zoom gesture brings in no text to lay out and paint.
 */
const ZOOM_SETTLE_MS = 200;
/** How long a note asked for with showNote stays in the DOM off screen (ms). */
const SHOWN_MS = 2000;
const COLOR_CLASSES = ['yellow', 'orange', 'pink', 'green', 'blue', 'purple', 'grey'];
/** A small sign per note kind, beside its name (the shape differs too: css/facilitation/note-kinds.css). */
export const KIND_ICONS = {
  idea: '✦',
  goal: '◎',
  challenge: '▲',
  conflict: '⚡',
  initiative: '➜',
  commitment: '✔',
  question: '?',
};

export class BoardRenderer {
  constructor({ framesLayer, notesLayer }) {
    this.framesLayer = framesLayer;
    this.notesLayer = notesLayer;
    this.notes = new Map(); // id → {el, text, foot, drawn: {...}}; el detached when culled
    this.frames = new Map(); // id → {el, title, prompt, actions, drawn: {...}}
    this.shown = new Map(); // id → when showNote asked for it (kept in the DOM a while)
    this.last = null; // {view, ctx} of the last render, for showNote and cull
    this.pass = 0; // counts renders (not culls): what a note drew in this pass is current
    this.behind = 0; // notes still to build, put in or take out (a cull budget ran out)
    this.screenWidth = 0; // board units across the screen at the last draw: changes when the zoom does
    this.zoomedAt = -Infinity; // when the zoom last changed (performance.now())
  }


  /** The note's element even while it is culled (marks that must stay right when it comes back). */
  noteElementKept(id) {
    return this.notes.get(id)?.el ?? null;
  }

  /** The note's element if it is on the board (in the DOM), else null. */
  noteElement(id) {
    const el = this.notes.get(id)?.el;
    return el?.parentNode ? el : null;
  }

  /**
   * The note's height as drawn up close (px): measured while it is in the DOM
   * with its text, remembered while it is not (0: never drawn so).
   */
  noteHeight(id) {
    const entry = this.notes.get(id);
    if (!entry) return 0;
    if (entry.el.parentNode && entry.text && !this.last?.ctx.far && !this._blocks()) entry.height = entry.el.offsetHeight;
    return entry.height ?? 0;
  }

  /** Whether notes are drawn as blocks now (the world's far form: css/board/board-render.css). */
  _blocks() {
    return Boolean(this.notesLayer.parentElement?.classList.contains('far'));
  }

  /**
   * Put the note's element into the DOM even if it is far from the screen (to
   * focus or edit it) and return it; it stays at least SHOWN_MS, and as long as
   * it is selected, edited or focused.
   */
  showNote(id) {
    if (this.noteElement(id) || !this.last?.view.notes[id]) return this.noteElement(id);
    this.shown.set(id, performance.now());
    this.render(this.last.view, this.last.ctx);
    return this.noteElement(id);
  }

  frameElement(id) {
    return this.frames.get(id)?.el ?? null;
  }

  /**
   * Draw `view` (a state). `ctx`: {memberId, role, selectedId, editingId,
   * draggingId, lang, voteInfo(note) (voting.js noteVoteInfo, or absent)}.
   * Returns nothing; call as often as you like.
   */
  render(view, ctx) {
    this.last = { view, ctx };
    this.pass += 1;
    this._renderFrames(view, ctx);
    this._renderNotes(view, ctx, false);
  }

  /**
   * Only the camera moved: draw the last render's view again for the new kept
   * and screen rectangles and form (`far`), within the per-frame budgets.
   */
  cull({ keptRect, screenRect, far }) {
    if (!this.last) return;
    const ctx = { ...this.last.ctx, keptRect, screenRect, far };
    this.last = { view: this.last.view, ctx };
    this._renderNotes(this.last.view, ctx, true);
  }

  /** Forget every element (the language changed: labels must be redrawn). */
  invalidate() {
    for (const entry of this.notes.values()) entry.drawn = {};
    for (const entry of this.frames.values()) entry.drawn = {};
  }

  // ---- frames -------------------------------------------------------------------

  _renderFrames(view, ctx) {
    const seen = new Set();
    const facilitator = ctx.role === 'facilitator';
    for (const frame of Object.values(view.frames)) {
      seen.add(frame.id);
      let entry = this.frames.get(frame.id);
      if (!entry) {
        entry = this._createFrame(frame);
        this.frames.set(frame.id, entry);
        this.framesLayer.append(entry.el); // creation order = drawing order
      }
      const d = entry.drawn;
      const lit = !ctx.spot?.active || ctx.spot.frames.has(frame.id);
      entry.el.classList.toggle('dimmed', !lit);
      if (d.frame === frame && d.facilitator === facilitator && d.lang === ctx.lang) continue;
      const { el } = entry;
      el.style.left = `${frame.x}px`;
      el.style.top = `${frame.y}px`;
      el.style.width = `${frame.w}px`;
      el.style.height = `${frame.h}px`;
      const title = frame.title || t('frame.untitled');
      setText(entry.title, title);
      entry.title.classList.toggle('untitled', !frame.title);
      setText(entry.prompt, frame.prompt);
      entry.prompt.hidden = !frame.prompt;
      el.classList.toggle('pending', Boolean(frame.pending));
      el.setAttribute('aria-label', `${t('frame')}: ${title}`);
      entry.actions.hidden = !facilitator;
      // Facilitators move a frame by its head or its ✥ button, resize it by the grip (frame-handles.js).
      el.classList.toggle('movable', facilitator);
      entry.grip.hidden = !facilitator;
      entry.grip.title = t('frame.resize.grip');
      entry.moveBtn.setAttribute('aria-label', t('frame.move.aria', { title }));
      entry.moveBtn.title = t('frame.move.aria', { title });
      entry.editBtn.setAttribute('aria-label', t('frame.edit.aria', { title }));
      entry.editBtn.title = t('frame.edit.aria', { title });
      entry.deleteBtn.setAttribute('aria-label', t('frame.delete.aria', { title }));
      entry.deleteBtn.title = t('frame.delete.aria', { title });
      entry.tidyBtn.setAttribute('aria-label', t('frame.tidy.aria', { title }));
      entry.tidyBtn.title = t('frame.tidy.aria', { title });
      entry.drawn = { frame, facilitator, lang: ctx.lang };
    }
    for (const [id, entry] of this.frames) {
      if (!seen.has(id)) {
        entry.el.remove();
        this.frames.delete(id);
      }
    }
  }

  _createFrame(frame) {
    const title = h('h2', { class: 'frame-title' });
    const prompt = h('p', { class: 'frame-prompt' });
    const editBtn = h('button', {
      type: 'button',
      class: 'frame-btn',
      'data-action': 'frame-edit',
      'data-testid': 'frame-edit',
      text: '✎',
    });
    const deleteBtn = h('button', {
      type: 'button',
      class: 'frame-btn',
      'data-action': 'frame-delete',
      'data-testid': 'frame-delete',
      text: '✕',
    });
    // Pack the frame's notes in a grid, groups together (frame.tidy).
    const tidyBtn = h('button', {
      type: 'button',
      class: 'frame-btn',
      'data-action': 'frame-tidy',
      'data-testid': 'frame-tidy',
      text: '▦',
    });
    // Move (arrow keys) and resize (Shift+arrow keys) by keyboard; a drag of the head moves too.
    const moveBtn = h('button', {
      type: 'button',
      class: 'frame-btn frame-move',
      'data-action': 'frame-move',
      'data-testid': 'frame-move',
      'aria-keyshortcuts': 'ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowLeft Shift+ArrowRight Shift+ArrowUp Shift+ArrowDown',
      text: '✥',
    });
    const actions = h('div', { class: 'frame-actions', hidden: true }, moveBtn, tidyBtn, editBtn, deleteBtn);
    const grip = h('div', { class: 'frame-grip', 'data-testid': 'frame-resize', 'aria-hidden': 'true', hidden: true });
    const el = h(
      'section',
      { class: 'frame', 'data-testid': 'frame', 'data-id': frame.id },
      h('header', { class: 'frame-head' }, h('div', { class: 'frame-texts' }, title, prompt), actions),
      grip,
    );
    return { el, title, prompt, actions, moveBtn, editBtn, deleteBtn, tidyBtn, grip, drawn: {} };
  }

  // ---- notes --------------------------------------------------------------------

  _renderNotes(view, ctx, culling) {
    const seen = new Set();
    const facilitator = ctx.role === 'facilitator';
    const rect = ctx.keptRect ?? null;
    const now = performance.now();
    for (const [id, at] of this.shown) if (now - at > SHOWN_MS) this.shown.delete(id);
    const focused = document.activeElement?.closest?.('[data-testid="note"]') ?? null;
    const far = Boolean(ctx.far);
    // Building a note's inside is the dear part of drawing it: in a render,
    // notes on screen get theirs at once, those in the margin BODY_BUDGET a
    // frame; in a cull, BODY_BUDGET in all (until then a note on screen is a
    // block of its colour). `behind` says how many wait.
    let budget = BODY_BUDGET;
    let mounts = culling ? MOUNT_BUDGET : Infinity;
    let removals = culling ? REMOVE_BUDGET : Infinity;
    const screen = ctx.screenRect ?? null;
    if (screen && screen.w !== this.screenWidth) {
      if (this.screenWidth) this.zoomedAt = now;
      this.screenWidth = screen.w;
    }
    const zooming = now - this.zoomedAt < ZOOM_SETTLE_MS;
    this.behind = 0;
    let prev = null; // the last note element placed: the next one goes right after it
    for (const note of Object.values(view.notes)) {
      seen.add(note.id);
      let entry = this.notes.get(note.id);
      const pinned =
        note.id === ctx.selectedId ||
        note.id === ctx.editingId ||
        note.id === ctx.draggingId ||
        this.shown.has(note.id) ||
        (entry !== undefined && entry.el === focused);
      const attached = Boolean(entry?.el.parentNode);
      if (!pinned && !noteMeets(note, rect)) {
        if (attached) {
          if (removals-- > 0) entry.el.remove();
          else {
            this.behind += 1; // out in a later frame; until then it stays in its place
            prev = entry.el;
          }
        }
        continue;
      }
      if (!attached && !pinned && !noteMeets(note, screen) && mounts-- <= 0) {
        this.behind += 1; // in the margin: comes in a later frame
        continue;
      }
      if (!entry) {
        entry = this._createNote(note);
        this.notes.set(note.id, entry);
      }
      prev = this._place(entry.el, prev);
      // Far out a note is a coloured block (board-render.css): its inside is
      // built only once it is seen up close.
      if (!far && !entry.text) {
        const atOnce = pinned || (!culling && !zooming && (!rect || noteMeets(note, screen)));
        if (atOnce || (!zooming && budget-- > 0)) buildBody(entry);
        else this.behind += 1;
      }
      const body = Boolean(entry.text);
      // A cull draws the last render's view: a note drawn in that render, in the same form, is as it should be.
      if (culling && entry.drawn.pass === this.pass && entry.drawn.body === body) continue;
      const author = view.participants[note.author];
      const mine = isMine(note, ctx.memberId);
      // On an anonymous board notes come without author; one's own say `mine`.
      // An erased member keeps an empty name: a former participant.
      const authorLabel = author ? author.name || t('member.former') : mine ? t('note.you') : '';
      const dimmed = Boolean(ctx.spot?.active) && !ctx.spot.notes.has(note.id);
      const sector = author ? author.sector : '';
      const selected = ctx.selectedId === note.id;
      const editing = ctx.editingId === note.id;
      const dragging = ctx.draggingId === note.id;
      const deletable = canDeleteNote(ctx.role, ctx.memberId, note);
      const vote = ctx.voteInfo ? ctx.voteInfo(note) : null;
      // Moderation (docs/collection.md §7): facilitators see how many flagged
      // a note, a member their own flag.
      const flags = facilitator ? (view.flags?.[note.id] ?? 0) : 0;
      const myFlag = Boolean(view.myFlags?.[note.id]);
      const d = entry.drawn;
      if (!sameVote(d.vote, vote) || d.voteLang !== ctx.lang) {
        drawVote(entry, vote);
        d.vote = vote;
        d.voteLang = ctx.lang;
      }
      if (
        d.note === note &&
        d.authorLabel === authorLabel &&
        d.sector === sector &&
        d.selected === selected &&
        d.editing === editing &&
        d.dragging === dragging &&
        d.deletable === deletable &&
        d.mine === mine &&
        d.dimmed === dimmed &&
        d.flags === flags &&
        d.myFlag === myFlag &&
        d.facilitator === facilitator &&
        d.lang === ctx.lang &&
        d.body === body
      ) {
        d.pass = this.pass;
        continue;
      }
      const { el } = entry;
      // While dragged, the pointer owns the position; while edited, the
      // textarea owns the text. Everything else follows the state.
      if (!dragging) {
        el.style.left = `${note.x}px`;
        el.style.top = `${note.y}px`;
      }
      if (!editing) {
        if (body) {
          setText(entry.text, note.text || t('note.empty'));
          entry.text.classList.toggle('empty', !note.text);
        }
        const length = note.text.length;
        el.classList.toggle('note-long', length > 120 && length <= 280);
        el.classList.toggle('note-xlong', length > 280);
      }
      for (const c of COLOR_CLASSES) el.classList.toggle(`note-${c}`, note.color === c);
      el.dataset.color = note.color;
      el.dataset.kind = note.kind;
      el.dataset.author = note.author;
      const seeded = note.origin === 'facilitator';
      el.classList.toggle('seeded', seeded);
      el.classList.toggle('mine', mine);
      el.classList.toggle('private', Boolean(note.private));
      el.classList.toggle('dimmed', dimmed);
      el.classList.toggle('grouped', Boolean(note.group_id));
      const mark = moderationMark(note, { facilitator });
      el.classList.toggle('withheld', Boolean(mark));
      el.dataset.moderation = note.moderation ?? 'published';
      const flagTitle = flags ? t('mod.flag.count', { n: flags }) : myFlag ? t('mod.mark.flagged') : '';
      if (body) {
        setText(entry.kindIcon, KIND_ICONS[note.kind] ?? '•');
        setText(entry.kindName, t(`kind.${note.kind}`));
        const flagText = flags ? t('mod.mark.flags', { n: flags }) : myFlag ? '⚑' : '';
        drawMarks(entry, { seeded, isPrivate: Boolean(note.private), mark, flagText, flagTitle });
      }
      el.classList.toggle('pending', Boolean(note.pending));
      el.classList.toggle('selected', selected);
      el.classList.toggle('editing', editing);
      el.classList.toggle('dragging', dragging);
      el.dataset.deletable = deletable ? 'true' : 'false';
      if (body) {
        setText(entry.author, authorLabel);
        entry.author.title = authorLabel && sector ? `${authorLabel} · ${t(`sector.${sector}`)}` : '';
        entry.sector.className = `sector-dot sector-${sector || 'none'}`;
      }
      const who = authorLabel ? `, ${t('note.by', { name: authorLabel })}` : '';
      const marks = [
        t(`kind.${note.kind}`),
        seeded ? t('note.seeded') : '',
        note.private ? t('note.private') : '',
        mark ? [t(mark.key), mark.reason].filter(Boolean).join(': ') : '',
        flagTitle,
      ]
        .filter(Boolean)
        .join(', ');
      el.setAttribute('aria-label', `${marks}: ${note.text || t('note.empty')}${who}`);
      el.setAttribute('aria-roledescription', t('note'));
      entry.drawn = {
        note,
        authorLabel,
        sector,
        selected,
        editing,
        dragging,
        deletable,
        mine,
        dimmed,
        flags,
        myFlag,
        facilitator,
        lang: ctx.lang,
        body,
        pass: this.pass,
        vote: d.vote,
        voteLang: d.voteLang,
      };
    }
    for (const [id, entry] of this.notes) {
      if (!seen.has(id)) {
        entry.el.remove();
        this.notes.delete(id);
      }
    }
  }

  /** Attach `el` right after `prev` (board order) unless it is there already. */
  _place(el, prev) {
    const want = prev ? prev.nextSibling : this.notesLayer.firstChild;
    // Moving the focused element would blur it: leave it where it is.
    if (el !== want && !(el.parentNode && el.contains(document.activeElement))) {
      this.notesLayer.insertBefore(el, want);
    }
    return el;
  }

  /** The note's own element; its inside comes with buildBody (note-parts.js). */
  _createNote(note) {
    const el = h('div', {
      class: 'note',
      'data-testid': 'note',
      'data-id': note.id,
      tabindex: '0',
      role: 'group',
    });
    return { el, text: null, drawn: {} };
  }
}

// ---- header pieces ------------------------------------------------------------------

const CONN_BADGE = {
  live: ['live', 'conn.live'],
  connecting: ['connecting', 'conn.connecting'],
  'awaiting-welcome': ['connecting', 'conn.connecting'],
  'catching-up': ['connecting', 'conn.connecting'],
  offline: ['offline', 'conn.offline'],
  stopped: ['offline', 'conn.stopped'],
};

/** The connection badge (`data-state` live|connecting|offline) and the unsent count. */
export function renderConnection({ badge, text, outbox, count }, connState, outboxSize) {
  const [state, key] = CONN_BADGE[connState] ?? CONN_BADGE.connecting;
  badge.dataset.state = state;
  badge.dataset.detail = connState;
  setText(text, t(key));
  setText(count, String(outboxSize));
  outbox.title = outboxSize ? t('outbox.title', { count: outboxSize }) : '';
  outbox.hidden = outboxSize === 0;
}

/** The pinned mission card (the bold goal, how it is measured, by when). */
export function renderMission({ card, statement, measure, deadline, edit }, board, facilitator = false) {
  const mission = board?.mission ?? { statement: '', measure: '', deadline: '' };
  setText(statement, mission.statement);
  setText(measure, mission.measure);
  setText(deadline, mission.deadline);
  measure.parentElement.hidden = !mission.measure;
  deadline.parentElement.hidden = !mission.deadline;
  if (edit) edit.hidden = !facilitator;
  card.hidden = !facilitator && !mission.statement && !mission.measure && !mission.deadline;
}
