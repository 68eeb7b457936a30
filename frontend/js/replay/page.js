// The replay page (/b/{board_id}/replay): the board as it was at any moment,
// drawn read-only by the board's own renderers, with the activity strip, the
// scrubber, playback and the workshop's record (docs/replay.md).
//
// `mount(page)` wires it: the time axis and playback are pure (timeline.js),
// the board comes from the source (source.js: the server's state at a seq,
// folded forward with state.js while playing).

import { boardBounds, fitBounds, initialCamera } from '../board/camera.js';
import { block, errorText, toast } from '../core/dialogs.js';
import { readError } from '../core/dom.js';
import { isFar as isBlock } from '../board/cull.js';
import { installGestures } from '../board/gestures.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t, toggleLang } from '../core/i18n.js';
import { loadMember } from '../core/member.js';
import { BoardRenderer, renderMission } from '../board/render.js';
import { currentStep, NOTE_HEIGHT, NOTE_WIDTH, spotlightTargets } from '../core/state.js';
import { StepBanner } from '../facilitation/step-banner.js';
import { StructureRenderer } from '../board/structure.js';
import { closedRounds, noteVoteInfo } from '../voting/voting.js';
import { RecordActions } from './record.js';
import { Scrubber } from './scrubber.js';
import { ReplaySource } from './source.js';
import { ActivityStrip } from './strip.js';
import {
  advance,
  formatElapsed,
  fromAxis,
  lastAtOrBefore,
  makeTimeline,
  markerText,
  seqAtAxis,
  SPEEDS,
  stepChange,
  stepMarker,
  timeOfSeq,
  toAxis,
  valueText,
} from './timeline.js';

/** `/b/{board_id}/replay` → the board id ('' if the path is not a replay page). */
export function replayBoardId(pathname) {
  const match = /^\/b\/([^/]+)\/replay\/?$/.exec(pathname);
  try {
    return match ? decodeURIComponent(match[1]) : '';
  } catch {
    return '';
  }
}

/**
 * GET/POST on the board's API with the member's credential; errors carry `code`.
 * `first` (boot.js): the board at the head, already asked for by boot.js; the
 * first `state()` without a seq answers with it.
 */
function boardApi(boardId, credential, first = null) {
  const base = `/api/boards/${encodeURIComponent(boardId)}/`;
  let early = first && first.boardId === boardId && first.credential === credential ? first.response : null;
  const call = async (path, init = {}, sent = null) => {
    let response;
    try {
      response = await (sent ??
        fetch(base + path, {
          ...init,
          headers: { Authorization: `Bearer ${credential}`, ...(init.headers ?? {}) },
        }));
    } catch {
      throw Object.assign(new Error(t('error.network')), { code: 'network' });
    }
    if (!response.ok) {
      const err = await readError(response);
      throw Object.assign(new Error(err.message), { code: err.code, status: response.status });
    }
    return response;
  };
  const json = async (path, init, sent) => (await call(path, init, sent)).json();
  const taken = () => {
    const response = early;
    early = null;
    return response;
  };
  return {
    fetch: (path, init) => call(path, init),
    // Without a seq: the board at the log's head (its `seq` says which that is).
    state: (seq) => (seq == null ? json('state', undefined, taken()) : json(`state?seq=${seq}`)),
    events: (after, limit) => json(`events?after=${after}&limit=${limit}`),
    timeline: () => json('timeline'),
    post: (path, body) =>
      json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

/** While playing, the board is redrawn at most this often per second (the playhead every frame). */
export const BOARD_FPS = 12;
/** …and at least this often, however slow drawing it is on this machine. */
export const BOARD_FPS_MIN = 4;
/** A frame that took longer than this (ms) is late: drawing the board still holds the page up. */
export const LATE_FRAME_MS = 25;
/** Below this zoom notes show only their text and colour, flat (replay.css `.world.far`). */
export const FAR_SCALE = 0.5;

/** Wire the page; `first`: the request for the board at the head that boot.js sent, if any. */
export function mount(page = document, { first = null } = {}) {
  const $ = (id) => page.getElementById(id);
  const boardId = replayBoardId(location.pathname);
  const member = boardId ? loadMember(localStorage, boardId) : null;
  const dom = {
    title: page.querySelector('[data-testid="board-title"]'),
    viewport: $('viewport'),
    world: $('world'),
    boardTop: $('board-top'),
    play: $('replay-play'),
    speeds: $('replay-speeds'),
    when: $('replay-when'),
    live: $('replay-live'),
    actions: $('replay-actions'),
    back: $('replay-back'),
    mission: {
      card: page.querySelector('[data-testid="mission-card"]'),
      statement: page.querySelector('[data-testid="mission-statement"]'),
      measure: page.querySelector('[data-testid="mission-measure"]'),
      deadline: page.querySelector('[data-testid="mission-deadline"]'),
    },
  };
  const renderer = new BoardRenderer({ framesLayer: $('frames-layer'), notesLayer: $('notes-layer') });
  const structure = new StructureRenderer({ groupsLayer: $('groups-layer'), linksSvg: $('links-svg'), linksLayer: $('links-layer') });
  const banner = new StepBanner($('step-banner'), { onReady() {}, onGoToFrame: (id) => fitTo(ui.source?.state?.frames[id]) });

  const ui = {
    tl: null,
    source: null,
    p: 0, // the playhead, in axis ms (timeline.js)
    playing: false,
    speed: 16,
    last: 0,
    raf: null,
    wanted: null, // a seq asked for while another seek is under way
    seeking: false,
    drawn: { seq: null, lang: null },
    camera: initialCamera(),
    fitted: false,
    selectedId: null,
    explicitLang: storedLang(localStorage) !== null,
    frames: 0,
    boardDraws: 0, // boards drawn while playing (for the benchmark)
    drewAt: 0, // when the board was last drawn while playing
    drawCost: 0, // how long (ms) the page ran late after the last board drawn while playing
    recovered: true, // a frame on time has come since that board
    wordsAt: 0, // when the time line under the controls was last written while playing
  };
  let clockFormat = null;
  const clock = (at) => {
    clockFormat ??= new Intl.DateTimeFormat(getLang() === 'sv' ? 'sv-SE' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return clockFormat.format(new Date(at));
  };

  setLang(storedLang(localStorage) ?? browserLang(navigator.languages ?? [navigator.language]));

  // ---- drawing the board ------------------------------------------------------------

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

  /** The session instant the playhead shows. */
  const nowAt = () => (ui.tl ? fromAxis(ui.tl, ui.p) : (ui.source?.state?.board?.created_at ?? 0));

  // ---- camera (pan and zoom the replayed board; nothing else moves it) -------------------

  function setCamera(camera) {
    const wasBlock = isBlock(ui.camera.scale);
    ui.camera = camera;
    const { x, y, scale } = camera;
    dom.world.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    dom.world.classList.toggle('far', scale < FAR_SCALE);
    dom.world.classList.toggle('blocks', isBlock(scale));
    // Zoomed in from blocks: the notes' insides are made now (once each).
    if (wasBlock && !isBlock(scale)) redrawSoon();
    const step = 24 * scale;
    dom.viewport.style.backgroundSize = `${step}px ${step}px`;
    dom.viewport.style.backgroundPosition = `${x}px ${y}px`;
  }

  let redrawing = null;
  /** Draw the board again in the next frame (however many camera moves ask for it). */
  function redrawSoon() {
    redrawing ??= requestAnimationFrame(() => {
      redrawing = null;
      ui.drawn.seq = null;
      draw();
    });
  }

  function fitTo(bounds) {
    if (!bounds) return;
    const rect = dom.viewport.getBoundingClientRect();
    const top = dom.boardTop.getBoundingClientRect();
    const insets = { top: 24, right: 24, bottom: 24, left: 24 };
    // Keep the board clear of the mission card and step banner: beside them
    // on a wide screen, below them on a narrow one.
    if (top.height) {
      if (rect.width - top.width > rect.width * 0.55) insets.left = top.right - rect.left + 16;
      else insets.top = Math.min(rect.height / 2, top.bottom - rect.top + 16);
    }
    setCamera(fitBounds(bounds, rect.width, rect.height, insets));
  }

  setCamera(ui.camera);
  $('replay-fit').addEventListener('click', () => ui.source?.state && fitTo(boardBounds(ui.source.state)));
  installGestures(
    { viewport: dom.viewport, notesLayer: $('notes-layer') },
    {
      canEdit: () => false,
      isFacilitator: () => false,
      camera: () => ui.camera,
      setCamera,
      noteInView: (id) => ui.source?.state?.notes[id] ?? null,
      frameInView: () => null,
      isEditing: () => false,
      select(id) {
        ui.selectedId = id;
        ui.drawn.seq = null;
        draw();
      },
      focusNote(id) {
        ui.selectedId = id;
        ui.drawn.seq = null;
        draw();
      },
      beginDrag() {},
      endDrag() {},
      afterDragMove() {},
      createNoteAt() {},
      startEdit() {},
      openFrameDialog() {},
      nudge() {},
      deleteNote() {},
      revealNote() {},
      vote: () => false,
    },
  );

  // ---- the controls -------------------------------------------------------------------

  const scrubber = new Scrubber($('replay-track'), {
    clock,
    onSeekFraction(f, { dragging }) {
      if (!ui.tl) return;
      pause();
      ui.p = f * ui.tl.total;
      seekTo(seqAtAxis(ui.tl, ui.p), { keepPosition: true, remember: !dragging });
    },
    onMarker: (marker) => goToMarker(marker),
  });
  const strip = new ActivityStrip($('replay-strip'), {
    clock,
    onPick(at) {
      if (!ui.tl) return;
      pause();
      ui.p = toAxis(ui.tl, at);
      seekTo(seqAtAxis(ui.tl, ui.p), { keepPosition: true });
    },
  });

  for (const n of SPEEDS) {
    const button = page.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-small replay-speed';
    button.dataset.speed = String(n);
    button.dataset.testid = `replay-speed-${n}`;
    button.textContent = `${n}×`;
    button.addEventListener('click', () => {
      ui.speed = n;
      renderControls();
    });
    dom.speeds.append(button);
  }
  dom.play.addEventListener('click', () => (ui.playing ? pause() : play()));

  $('replay-prev').addEventListener('click', () => stepBy(-1));
  $('replay-next').addEventListener('click', () => stepBy(1));
  $('replay-prev-marker').addEventListener('click', () => markerBy(-1));
  $('replay-next-marker').addEventListener('click', () => markerBy(1));

  function renderControls() {
    const playing = ui.playing;
    dom.play.querySelector('.replay-play-icon').textContent = playing ? '❚❚' : '▶';
    dom.play.querySelector('.replay-play-text').textContent = t(playing ? 'replay.pause' : 'replay.play');
    dom.play.setAttribute('aria-label', t(playing ? 'replay.pause.aria' : 'replay.play.aria'));
    dom.play.setAttribute('aria-pressed', playing ? 'true' : 'false');
    for (const b of dom.speeds.children) {
      b.setAttribute('aria-pressed', Number(b.dataset.speed) === ui.speed ? 'true' : 'false');
      b.setAttribute('aria-label', t('replay.speed.aria', { n: b.dataset.speed }));
    }
    page.body.classList.toggle('replay-playing', playing);
    showPosition(true);
  }

  let whenShown = '';
  /** The playhead on the scrubber and strip, and the words for it. */
  function showPosition(force = false) {
    const tl = ui.tl;
    const source = ui.source;
    if (!tl || !source?.state) return;
    const seq = source.seq;
    const f = tl.total > 0 ? ui.p / tl.total : 1;
    const view = source.state;
    const step = currentStep(view);
    const stepIndex = step ? view.agenda.findIndex((s) => s.id === step.id) : -1;
    const at = timeOfSeq(tl, seq);
    if (force || scrubber.shownSeq !== seq) {
      scrubber.show(f, seq, valueText({ at, startAt: tl.startAt, step, stepIndex, steps: view.agenda.length }, t, clock));
    } else {
      scrubber.show(f, seq, scrubber.shownText);
    }
    strip.setCursor(f);
    const shownAt = nowAt();
    const change = Math.max(1, lastAtOrBefore(tl.seqs, seq) + 1);
    const words = [
      clock(shownAt),
      formatElapsed(shownAt - tl.startAt),
      step ? t('replay.value.step', { n: stepIndex + 1, of: view.agenda.length, title: step.title }) : t('replay.value.no_step'),
      t('replay.change', { n: change, of: tl.seqs.length }),
    ].join(' · ');
    // While playing the words change every frame; a few times a second is enough to read.
    if (words !== whenShown && (!ui.playing || performance.now() - ui.wordsAt > 250)) {
      ui.wordsAt = performance.now();
      whenShown = words;
      dom.when.textContent = words;
      banner.tick(view.timer, shownAt);
    }
  }

  function say(text) {
    dom.live.textContent = text;
  }

  // ---- moving the playhead --------------------------------------------------------------

  /** Show the board right after `seq` (the playhead moves to its time unless told to stay). */
  async function seekTo(seq, { keepPosition = false, remember = true } = {}) {
    if (!ui.tl) return;
    if (!keepPosition) ui.p = toAxis(ui.tl, timeOfSeq(ui.tl, seq));
    showPosition();
    ui.wanted = seq;
    if (remember) rememberSeq(seq);
    if (ui.seeking) return;
    ui.seeking = true;
    try {
      // While a request is under way only the latest wish is kept (dragging the thumb).
      while (ui.wanted !== null) {
        const next = ui.wanted;
        ui.wanted = null;
        await ui.source.seek(next);
        draw();
        showPosition(true);
      }
    } catch (err) {
      toast(err.code === 'network' ? t('error.network') : errorText(err.code, err.message));
    } finally {
      ui.seeking = false;
    }
  }

  function stepBy(dir) {
    if (!ui.tl || !ui.source?.state) return;
    pause();
    seekTo(stepChange(ui.tl, ui.source.seq, dir));
  }

  function markerBy(dir) {
    if (!ui.tl || !ui.source?.state) return;
    const marker = stepMarker(ui.tl, ui.source.seq, dir);
    if (marker) goToMarker(marker);
  }

  function goToMarker(marker) {
    pause();
    say(markerText(marker, t));
    seekTo(marker.seq);
  }

  function rememberSeq(seq) {
    // The address says which moment is shown, so it can be reloaded or shared.
    const url = new URL(location.href);
    url.searchParams.set('seq', String(seq));
    history.replaceState(null, '', url.pathname + url.search);
  }

  // ---- playing ----------------------------------------------------------------------------

  function play() {
    if (!ui.tl || ui.playing) return;
    if (ui.p >= ui.tl.total) {
      // At the end: play from the start.
      ui.p = 0;
      seekTo(ui.tl.firstSeq);
    }
    ui.playing = true;
    ui.last = performance.now();
    renderControls();
    ui.raf ??= requestAnimationFrame(tick);
  }

  function pause() {
    if (!ui.playing) return;
    ui.playing = false;
    renderControls();
    if (ui.source?.seq != null) rememberSeq(ui.source.seq);
  }

  function tick(now) {
    ui.raf = null;
    if (!ui.playing) return;
    ui.frames += 1;
    const dt = Math.min(250, now - ui.last); // a hidden tab does not jump ahead
    ui.last = now;
    const tl = ui.tl;
    const source = ui.source;
    if (!ui.seeking && source.state) {
      const next = advance(tl, ui.p, dt, ui.speed);
      const target = seqAtAxis(tl, next.p);
      const reached = source.forward(target);
      // Still on their way: hold the playhead at what is shown.
      const waiting = reached < target;
      page.body.classList.toggle('replay-buffering', waiting);
      if (!waiting) {
        ui.p = next.p;
        if (next.skipped) say(t('replay.skipped', { time: formatElapsed(next.skipped.ms) }));
      }
      // The board at most BOARD_FPS times a second, the playhead every frame:
      // drawing moved and edited notes (layout, paint, rasterising their
      // tiles) costs far more than folding the events. Where that drawing holds
      // the page up for longer than a frame (a slow or busy machine), the board
      // waits twice as long as it last held the page up, so the playhead and
      // the controls stay smooth and the board still moves BOARD_FPS_MIN times
      // a second or more.
      if (!ui.recovered && dt <= LATE_FRAME_MS) {
        ui.recovered = true;
        ui.drawCost = now - dt - ui.drewAt;
      }
      // Not on time again yet: the last board has cost at least this long so far.
      const cost = ui.recovered ? ui.drawCost : now - ui.drewAt;
      const wait = Math.min(1000 / BOARD_FPS_MIN, Math.max(1000 / BOARD_FPS, 2 * cost));
      if (now - ui.drewAt >= wait || next.ended) {
        const before = ui.drawn.seq;
        draw();
        if (ui.drawn.seq !== before) {
          ui.drewAt = now;
          ui.recovered = false;
          ui.boardDraws += 1;
        }
      }
      showPosition();
      if (!waiting && next.ended) pause();
    }
    if (ui.playing) ui.raf = requestAnimationFrame(tick);
  }

  // ---- keys: Space play/pause, ←/→ one change, Shift+←/→ one marker, Home/End -------------

  page.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target;
    if (target.closest?.('input, textarea, select, dialog')) return;
    switch (e.key) {
      case ' ':
        // Space plays and pauses wherever the focus is, as in a media player
        // (buttons still answer Enter).
        e.preventDefault();
        if (ui.playing) pause();
        else play();
        return;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const dir = e.key === 'ArrowRight' ? 1 : -1;
        e.preventDefault();
        if (e.shiftKey) markerBy(dir);
        else stepBy(dir);
        return;
      }
      case 'PageUp':
      case 'PageDown':
        e.preventDefault();
        markerBy(e.key === 'PageDown' ? 1 : -1);
        return;
      case 'Home':
      case 'End':
        if (!ui.tl) return;
        e.preventDefault();
        pause();
        seekTo(e.key === 'Home' ? ui.tl.firstSeq : ui.tl.lastSeq);
        return;
      default:
    }
  });

  // ---- language --------------------------------------------------------------------------

  function relabel({ redraw = true } = {}) {
    clockFormat = null;
    applyI18n(page);
    renderer.invalidate();
    ui.drawn.seq = null;
    scrubber.relabel();
    strip.relabel();
    whenShown = '';
    renderControls();
    if (redraw) draw();
  }

  $('lang-toggle').addEventListener('click', () => {
    toggleLang(localStorage);
    ui.explicitLang = true;
    relabel();
  });

  // ---- start ----------------------------------------------------------------------------------

  function fail(err) {
    const reason =
      err.code === 'replay_off'
        ? t('replay.forbidden')
        : err.code === 'board_not_found'
          ? t('board.not_found')
          : err.code === 'unauthorized'
            ? t('replay.no_member')
            : `${t('replay.failed')} ${errorText(err.code, err.message)}`;
    block(reason);
    const back = $('blocker-board');
    back.href = `/b/${encodeURIComponent(boardId)}`;
    back.hidden = !boardId || err.code === 'board_not_found';
  }

  async function start() {
    // On a phone the mission card starts folded, as on the board: the board needs the room.
    if (window.matchMedia('(max-width: 40rem)').matches) dom.mission.card.open = false;
    applyI18n(page);
    renderControls();
    if (!boardId) {
      block(t('board.not_found'));
      return;
    }
    dom.back.href = `/b/${encodeURIComponent(boardId)}`;
    if (!member) {
      fail({ code: 'unauthorized' });
      return;
    }
    dom.actions.hidden = member.role !== 'facilitator';
    const api = boardApi(boardId, member.credential, first);
    ui.record = new RecordActions({
      boardId,
      api,
      clock,
      moment: () => ({ seq: ui.source.seq, at: timeOfSeq(ui.tl, ui.source.seq), title: ui.source.state?.board?.title ?? '' }),
    });
    const asked = Number.parseInt(new URLSearchParams(location.search).get('seq') ?? '', 10);
    try {
      // The board first, on its own: the timeline (every change of a long log)
      // costs the server far more, so it is asked for once the board is here,
      // and made while the page draws the board.
      const atHead = api.state(null);
      // The moment in the address (a reload, a shared link), else the end; one
      // beyond the log (a shorter board's link) shows the end.
      const wanted =
        Number.isInteger(asked) && asked >= 1
          ? api.state(asked).catch((err) => (err.code === 'seq_out_of_range' ? null : Promise.reject(err)))
          : null;
      const head = await atHead;
      const answer = (await wanted) ?? head;
      ui.source = new ReplaySource({
        api,
        member: { id: member.member_id, role: member.role },
        lastSeq: Math.max(head.seq, answer.seq),
      });
      // The state at the end says whether names are hidden, also at an earlier moment.
      ui.source.learn(head);
      ui.source.adopt(answer);
      const timeline = api.timeline();
      ui.drawn.seq = null;
      draw();
      const tl = makeTimeline(await timeline);
      ui.tl = tl;
      ui.source.lastSeq = tl.lastSeq;
      ui.p = toAxis(tl, timeOfSeq(tl, ui.source.seq));
      scrubber.setTimeline(tl);
      strip.setTimeline(tl);
      page.body.classList.add('replay-ready');
      performance.mark('replay-ready');
      showPosition(true);
    } catch (err) {
      fail(err);
    }
  }

  // What tests and the benchmark look at.
  const handle = {
    state: () => ui.source?.state ?? null,
    seq: () => ui.source?.seq ?? null,
    playing: () => ui.playing,
    frames: () => ui.frames,
    boardDraws: () => ui.boardDraws,
    fetches: () => ui.source?.fetches ?? 0,
    timeline: () => ui.tl,
    seek: (seq) => seekTo(seq),
  };
  window.samskapaReplay = handle;
  start();
  return handle;
}
