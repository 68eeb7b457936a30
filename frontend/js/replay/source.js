// Where the replayed board comes from: the server's state at a seq, folded
// forward locally with the same pure fold as the live board (state.js).
// No DOM; the network is the injected `api`, so tests/js/ can drive it.
//
// Why both: `GET …/state?seq=N` is the board exactly as this viewer could see
// it right after event N; `GET …/events?after=N` gives the events after it in
// the same projection (private notes as counts until their reveal, authors
// hidden by the board's anonymity, votes as each viewer saw them). Folding
// them forward is therefore the same board, and costs no request per frame:
// playing at 60× folds a few events per frame from a buffer kept ahead of the
// playhead. A jump backwards, or far forwards, asks the server (which seeks
// from its snapshots) instead.

import {
  applyEvent,
  applyOwnNotes,
  applyOwnVotes,
  fromSnapshot,
  hideAuthors,
  StateError,
  UnknownEventError,
} from '../core/state.js';

/** Events per request (the server's most for one page). */
export const PAGE = 1000;
/** Further ahead than this, asking the server for the state beats folding the events. */
export const FOLD_LIMIT = 3000;
/** While playing, keep at least this many events fetched ahead of the board shown. */
export const PREFETCH_AHEAD = 1500;
/** States kept for jumping back and forth (their server answers, by seq). */
export const CACHE_SIZE = 12;

/** The board at a seq from a `state?seq=N` answer (a fresh state, ready to fold). */
export function stateFromAnswer(answer) {
  const state = fromSnapshot({ seq: answer.seq, state: answer.state });
  applyOwnVotes(state, answer.own_votes ?? {});
  applyOwnNotes(state, answer.own_notes ?? {});
  return state;
}

export class ReplaySource {
  /**
   * `api.state(seq)` → Promise of the state answer; `api.events(after, limit)`
   * → Promise of `{events, head_seq, more}`. `member`: `{id, role}` (whose
   * projection this is; authors are hidden as on the live board). `lastSeq`:
   * the last seq of the timeline.
   */
  constructor({ api, member, lastSeq }) {
    this.api = api;
    this.member = member;
    this.lastSeq = lastSeq;
    this.state = null;
    this.seq = null;
    this.buffer = []; // events after this.seq, consecutive, in order
    this.generation = 0; // the latest seek; older answers are dropped
    this.pending = null; // the events request under way, if any
    this.cache = new Map(); // seq → state answer (insertion order = age)
    this.fetches = 0; // state requests made (for the benchmark and tests)
    // Replay keeps the strictest anonymity the board ever had: where it hides
    // authors from this viewer the server's states carry no names and no named
    // ballots, while the events of the time still do. The first state that
    // shows it says so, and the fold then drops them too (redact below).
    this.anonymous = false;
  }

  /** The last seq we hold an event for (the state's, when the buffer is empty). */
  get bufferedTo() {
    return this.buffer.length ? this.buffer[this.buffer.length - 1].seq : (this.seq ?? 0);
  }

  /**
   * Show the board right after event `seq`. Folds forward when the events are
   * at hand, else asks the server. Resolves to true when this seek is the one
   * shown (false: a later seek overtook it).
   */
  async seek(seq, { fresh = false } = {}) {
    const target = Math.max(0, Math.min(seq, this.lastSeq));
    if (!fresh && this.state && target >= this.seq && target <= this.bufferedTo && target - this.seq <= FOLD_LIMIT) {
      this.generation += 1;
      if (this.forward(target) === target) return true;
    }
    const generation = ++this.generation;
    const answer = await this._stateAnswer(target);
    if (generation !== this.generation) return false;
    this._adopt(answer);
    return true;
  }

  /**
   * Fold buffered events up to `seq` (synchronously: called every animation
   * frame while playing) and top up the buffer. Returns the seq reached,
   * which is below `seq` while the events are still on their way.
   */
  forward(seq) {
    const target = Math.min(seq, this.lastSeq);
    while (this.state && this.seq < target && this.buffer.length) {
      const event = this.buffer.shift();
      try {
        applyEvent(this.state, event);
        if (event.type === 'board.anonymity_changed') hideAuthors(this.state, this.member);
        if (this.anonymous) redact(this.state, event);
      } catch (err) {
        if (!(err instanceof UnknownEventError || err instanceof StateError)) throw err;
        // The fold disagrees with the server: drop what we hold and ask for the state.
        this.buffer = [];
        this.state = null;
        this.seek(target, { fresh: true }).catch(() => {});
        return this.seq;
      }
      this.seq = event.seq;
    }
    this.prefetch();
    return this.seq;
  }

  /** Fetch the next page of events when fewer than `ahead` are buffered. */
  prefetch(ahead = PREFETCH_AHEAD) {
    if (this.pending || this.state === null) return this.pending;
    const from = this.bufferedTo;
    if (from >= this.lastSeq || from - this.seq >= ahead) return null;
    const request = this.api
      .events(from, PAGE)
      .then((page) => {
        // A seek may have replaced the state meanwhile: keep only events that connect.
        let events = page.events.filter((e) => e.seq > this.bufferedTo);
        if (events.length && events[0].seq !== this.bufferedTo + 1) events = [];
        for (const e of events) {
          if (e.seq !== this.bufferedTo + 1) break;
          this.buffer.push(e);
        }
      })
      .finally(() => {
        if (this.pending === request) this.pending = null;
      });
    this.pending = request;
    request.catch(() => {}); // the next frame asks again
    return request;
  }

  async _stateAnswer(seq) {
    const cached = this.cache.get(seq);
    if (cached) {
      this.cache.delete(seq);
      this.cache.set(seq, cached);
      return cached;
    }
    this.fetches += 1;
    const answer = await this.api.state(seq);
    this.cache.set(seq, answer);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value);
    return answer;
  }

  /**
   * Learn from a state answer whether this viewer's replay hides names (the
   * page asks for the state at the end for it, since an early moment may have
   * no members to tell); from then on the fold hides them too.
   */
  learn(answer) {
    if (this.anonymous || !Object.values(answer.state.participants ?? {}).some((p) => p.name === '')) return;
    this.anonymous = true;
    if (this.state) {
      for (const member of Object.values(this.state.participants)) {
        if (member.name !== '') this.state.participants[member.id] = { ...member, name: '' };
      }
      this.state.votes.named = {};
      this.state.votes.named_status = {};
    }
  }

  /** Show a state answer the page asked for itself (the first board). */
  adopt(answer) {
    this.generation += 1;
    this.cache.set(answer.seq, answer);
    this._adopt(answer);
  }

  _adopt(answer) {
    this.learn(answer);
    this.state = stateFromAnswer(answer);
    this.seq = answer.seq;
    // Keep the buffered events that follow on from the new state.
    const rest = this.buffer.filter((e) => e.seq > answer.seq);
    this.buffer = rest.length && rest[0].seq === answer.seq + 1 ? rest : [];
  }
}

/**
 * After folding `event` on a board whose replay hides authors from this
 * viewer: no member's name, no named ballots (as the server's replay state).
 */
function redact(state, event) {
  if (event.type === 'participant.joined' || event.type === 'participant.updated') {
    const id = event.data.participant?.id ?? event.data.participant_id;
    const member = state.participants[id];
    if (member && member.name !== '') state.participants[id] = { ...member, name: '' };
  } else if (event.type.startsWith('vote.')) {
    state.votes.named = {};
    state.votes.named_status = {};
  }
}
