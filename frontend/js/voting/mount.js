// Dot voting on the board page: the banner while a round is open, the side
// panel (open, limits, close, results), votes cast from a note's controls or
// the keyboard, and what a vote event or a refused vote means for the page.
// The rules are voting.js's (the server's, docs/voting.md).

import { errorText, toast } from '../core/dialogs.js';
import { t } from '../core/i18n.js';
import { newRoundId } from '../core/sync.js';
import { VoteBanner } from './banner.js';
import { VotePanel } from './panel.js';
import { canVote, closedRounds, myStatus, openRound, voteProblem } from './voting.js';
import { late } from '../core/page.js';

export function mountVoting(page) {
  const { $, ui, dom } = page;
  const { send, isFacilitator, scheduleRender, exportCsv, renderNow, currentView } = late(page);

  const voteBanner = new VoteBanner($('vote-banner'), {
    setStatus(status) {
      const round = ui.conn && openRound(ui.conn.board.votes);
      if (round && canVote(ui.role)) send({ type: 'vote.status', round_id: round.id, status });
    },
  });

  const votePanel = new VotePanel($('vote-panel'), {
    open(fields) {
      if (!isFacilitator()) return;
      const roundId = newRoundId();
      ui.voteOpening = roundId;
      send({ type: 'vote.open', round_id: roundId, ...fields });
    },
    limits(budget, cap) {
      const round = ui.conn && openRound(ui.conn.board.votes);
      if (round && isFacilitator()) send({ type: 'vote.limits', round_id: round.id, budget, cap });
    },
    close() {
      const round = ui.conn && openRound(ui.conn.board.votes);
      if (round && isFacilitator()) send({ type: 'vote.close', round_id: round.id });
    },
    selectRound(id) {
      ui.voteRound = id;
      scheduleRender();
    },
    toggleBySector() {
      ui.voteBySector = !ui.voteBySector;
      scheduleRender();
    },
    toggleOnNotes(on) {
      ui.voteOnNotes = on;
      scheduleRender();
    },
    exportCsv: () => exportCsv('votes'),
    hide() {
      setVotePanel(false);
      dom.voteToggle.focus();
    },
  });

  /** The closed round whose results are shown: the one picked, else the latest. */
  function shownRound(view) {
    const closed = closedRounds(view.votes);
    return closed.find((r) => r.id === ui.voteRound) ?? closed[closed.length - 1] ?? null;
  }

  function setVotePanel(open) {
    ui.votePanelOpen = open;
    renderNow();
    if (open) votePanel.focus();
  }

  dom.voteToggle.addEventListener('click', () => setVotePanel(!ui.votePanelOpen));

  function renderVotes(view, shown) {
    const votes = view.votes;
    const round = openRound(votes);
    dom.voteTools.hidden = !isFacilitator() && !round && !shown;
    dom.voteToggle.setAttribute('aria-expanded', ui.votePanelOpen ? 'true' : 'false');
    dom.voteToggle.classList.toggle('vote-running', Boolean(round));
    document.body.classList.toggle('voting', Boolean(round));
    document.body.classList.toggle('vote-panel-open', ui.votePanelOpen);
    voteBanner.render({ view, role: ui.role });
    const online = ui.conn.onlineList().filter((m) => m.role === 'participant').length;
    votePanel.render({
      view,
      role: ui.role,
      onlineParticipants: online,
      shownRound: shown,
      bySector: ui.voteBySector,
      onNotes: ui.voteOnNotes,
      open: ui.votePanelOpen,
    });
  }

  /** What a vote event means for the page (beyond the state, which the connection folds). */
  function onVoteEvent(event) {
    switch (event.type) {
      case 'vote.opened':
        if (event.data.round.id === ui.voteOpening) {
          ui.voteOpening = null;
          votePanel.resetOpenForm();
        }
        return;
      case 'vote.limits_changed': {
        const round = ui.conn.board.votes.rounds[event.data.round_id];
        if (round && isFacilitator()) votePanel.limitsChanged(round);
        return;
      }
      case 'vote.closed':
        // Everyone sees the results as soon as the round closes, from the top.
        ui.voteRound = event.data.round_id;
        votePanel.el.scrollTop = 0;
        if (!ui.votePanelOpen) {
          ui.votePanelOpen = true;
          scheduleRender();
        }
        return;
      default:
        return;
    }
  }

  /** The gentle words for a vote that cannot be cast or taken back. */
  function voteHintText(code, round) {
    const key = `vote.hint.${code}`;
    const text = t(key, { cap: round?.cap ?? '' });
    return text === key ? errorText(code) : text;
  }

  /**
   * Add (`delta` 1) or take back (-1) one of this person's votes on a note.
   * Returns whether a round is open (the key was about voting).
   */
  function vote(id, delta) {
    if (!ui.conn) return false;
    const view = currentView();
    const round = openRound(view.votes);
    if (!round) return false;
    if (!canVote(ui.role) || ui.draft?.note_id === id) return true;
    if (myStatus(view.votes, round.id) !== 'voting') {
      voteBanner.showHint(t('vote.hint.not_voting'));
      return true;
    }
    const problem = voteProblem(view, id, delta);
    if (problem) {
      voteBanner.showHint(voteHintText(problem, round));
      return true;
    }
    send({ type: delta > 0 ? 'vote.cast' : 'vote.withdraw', round_id: round.id, note_id: id });
    return true;
  }

  function voteRejected(command, code, message) {
    const round = ui.conn?.board.votes.rounds[command.round_id];
    switch (command.type) {
      case 'vote.cast':
      case 'vote.withdraw':
      case 'vote.status':
        voteBanner.showHint(voteHintText(code, round));
        return;
      case 'vote.limits':
        votePanel.showLimitsError(
          code === 'limit_too_low' ? t('vote.limits.too_low') : errorText(code, message),
          message,
        );
        setVotePanel(true);
        return;
      case 'vote.open':
        ui.voteOpening = null;
        votePanel.showOpenError(errorText(code, message));
        return;
      default:
        toast(errorText(code, message));
    }
  }

  // Clicks on a note's vote controls (the "+", the "−", or the dots themselves).
  $('notes-layer').addEventListener('click', (e) => {
    const control = e.target.closest('[data-vote]');
    const noteEl = control?.closest('[data-testid="note"]');
    if (!control || !noteEl) return;
    e.stopPropagation();
    // The dots add a vote only where the "+" is offered.
    if (!control.matches('button') && control.parentElement.querySelector('.vote-add')?.hidden) return;
    vote(noteEl.dataset.id, Number(control.dataset.vote));
  });

  return { vote, voteRejected, onVoteEvent, renderVotes, shownRound, setVotePanel };
}
