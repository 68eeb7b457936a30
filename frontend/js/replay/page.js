// The replay page (/b/{board_id}/replay): the board as it was at any moment,
// drawn read-only by the board's own renderers, with the activity strip, the
// scrubber, playback and the workshop's record (docs/replay.md).
//
// `mount(page)` wires it: the time axis and playback are pure (timeline.js),
// the board comes from the source (source.js: the server's state at a seq,
// folded forward with state.js while playing).

import { boardBounds, fitBounds, initialCamera } from '../board/camera.js';
import { block, errorText, toast } from '../core/dialogs.js';
import { isFar as isBlock } from '../board/cull.js';
import { installGestures } from '../board/gestures.js';
import { applyI18n, browserLang, getLang, setLang, storedLang, t, toggleLang } from '../core/i18n.js';
import { boardIdIn, loadMember } from '../core/member.js';
import { BoardRenderer } from '../board/render.js';
import { currentStep } from '../core/state.js';
import { StepBanner } from '../facilitation/step-banner.js';
import { StructureRenderer } from '../board/structure.js';
import { boardApi } from './api.js';
import { boardDrawer } from './draw.js';
import { installKeys } from './keys.js';
import { drawWait } from './pacing.js';
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

/** Below this zoom notes show only their text and colour, flat (replay.css `.world.far`). */
export const FAR_SCALE = 0.5;

/** Wire the page; `first`: the request for the board at the head that core/boot.js sent, if any. */
export function mount(page = document, { first = null } = {}) {
  const $ = (id) => page.getElementById(id);
  const boardId = boardIdIn(location.pathname, '/replay');
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

  const draw = boardDrawer({ page, dom, ui, member, renderer, structure, banner, fitTo, nowAt: () => nowAt(), relabel: (o) => relabel(o) });


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
      // The board at most BOARD_FPS times a second, the playhead every frame (pacing.js).
      if (now - ui.drewAt >= drawWait(ui, now, dt) || next.ended) {
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

  // ---- keys (keys.js) ------------------------------------------------------------------------

  installKeys(page, {
    playOrPause: () => (ui.playing ? pause() : play()),
    stepBy,
    markerBy,
    toEnd(last) {
      if (!ui.tl) return false;
      pause();
      seekTo(last ? ui.tl.lastSeq : ui.tl.firstSeq);
      return true;
    },
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
