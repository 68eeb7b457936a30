// Drawing the replayed board: the board's own renderers (notes and frames,
// groups and links, the mission card and the step banner), read-only.

import { boardBounds } from '../board/camera.js';
import { isFar as isBlock } from '../board/cull.js';
import { renderMission } from '../board/render.js';
import { getLang, setLang, t } from '../core/i18n.js';
import { NOTE_HEIGHT, NOTE_WIDTH, spotlightTargets } from '../core/state.js';
import { closedRounds, noteVoteInfo } from '../voting/voting.js';

/**
 * `draw()` for the page (replay/page.js): draws `ui.source.state` unless it is
 * what was drawn last, fitting the first board before its notes are made.
 */
export function boardDrawer({ page, dom, ui, member, renderer, structure, banner, fitTo, nowAt, relabel }) {
  function noteBox(note) {
    const el = renderer.noteElement(note.id);
    return { x: note.x, y: note.y, w: NOTE_WIDTH, h: Math.max(NOTE_HEIGHT, el?.offsetHeight ?? 0) };
  }

  function draw() {
    const view = ui.source?.state;
    if (!view) return;
    // In the board's language unless the viewer chose one: before drawing, so
    // the notes are labelled once.
    if (view.board && !ui.explicitLang && view.board.language !== getLang()) {
      setLang(view.board.language);
      relabel({ redraw: false });
    }
    if (ui.drawn.seq === ui.source.seq && ui.drawn.lang === getLang()) return;
    ui.drawn = { seq: ui.source.seq, lang: getLang() };
    const first = !ui.fitted;
    if (first) {
      // The first board is fitted before its notes are made, so they are laid
      // out and painted once, at the zoom they are seen at (far out: without
      // their kind and author lines). The mission card and step banner come
      // first: the fit keeps the board clear of them.
      ui.fitted = true;
      renderMission(dom.mission, view.board, false);
      banner.render(view, { role: member.role === 'facilitator' ? 'facilitator' : 'replay', memberId: member.member_id }, nowAt());
      fitTo(boardBounds(view));
    }
    const spot = spotlightTargets(view);
    const closed = closedRounds(view.votes);
    const voteOpts = { role: 'observer', shownRound: closed[closed.length - 1] ?? null, resultsOnNotes: true };
    renderer.render(view, {
      spot,
      memberId: member.member_id,
      role: 'observer', // read-only: no edit controls on frames or notes
      selectedId: ui.selectedId,
      editingId: null,
      draggingId: null,
      lang: getLang(),
      voteInfo: (note) => noteVoteInfo(view, note, voteOpts),
      // Farther out than text can be read, as on the live board (cull.js), a
      // note is a block of its colour and its inside is made only once it is
      // seen closer: a fitted board of a thousand notes is drawn (and painted)
      // in a fraction of the time.
      far: isBlock(ui.camera.scale),
    });
    structure.render(view, noteBox, { canGroup: false, spot, noteLabel: (note) => shorten(note.text || t('note.empty')) });
    renderMission(dom.mission, view.board, false);
    // Facilitators read what participants could do in each step; nobody gets "I'm done".
    banner.render(view, { role: member.role === 'facilitator' ? 'facilitator' : 'replay', memberId: member.member_id }, nowAt());
    if (view.board) {
      dom.title.removeAttribute('data-i18n');
      dom.title.textContent = view.board.title;
      page.title = `${view.board.title} · ${t('replay.title')} · Samskapa`;
    }
    if (first) {
      performance.mark('replay-first-frame');
      // …and once the browser has painted it (the task after the next frame).
      requestAnimationFrame(() => setTimeout(() => performance.mark('replay-first-paint')));
    }
  }

  const shorten = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  return draw;
}
