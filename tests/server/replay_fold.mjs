// The browser's own fold (frontend/js/core/state.js) over what live clients received,
// against what `GET /state?seq=N` answers: used by test_replay_live.py.
//
// stdin: {"strictest": mode, "clients": [{"member": {id, role}, "messages": [...],
//          "replays": {"<seq>": answer}}]}
//          ("events": what GET /events gave that client)
// stdout: [{"client": i, "compared": n, "mismatches": [{seq, live, replay}],
//           "forward": [{seq, folded, replay}]}]
//
// A live client's state after event N is what its page held; the replay shows it
// under the strictest anonymity the board ever had, so the live state is seen
// under that rule too (authors blanked as the page does on a change of
// anonymity, names and named ballots left out where authors are hidden).
import { readFileSync } from 'node:fs';
import { applyOwnNotes, applyOwnVotes, fromSnapshot, hideAuthors } from '../../frontend/js/core/state.js';
import { foldLive, fromReset, sorted } from '../js/fold-compare.mjs';

const input = JSON.parse(readFileSync(0, 'utf8'));

function seesAuthors(mode, member) {
  return mode === 'off' || (mode === 'facilitators' && member.role === 'facilitator');
}

function underStrictest(state, member, mode) {
  const copy = JSON.parse(JSON.stringify(state));
  if (seesAuthors(mode, member)) return copy;
  const own = copy.board.anonymity;
  copy.board.anonymity = mode;
  hideAuthors(copy, member);
  copy.board.anonymity = own;
  for (const p of Object.values(copy.participants)) p.name = '';
  copy.votes.named = {};
  copy.votes.named_status = {};
  return copy;
}

function fromReplay(answer) {
  return fromReset({ seq: answer.seq, state: answer.state }, answer.own_votes, answer.own_notes);
}

const out = [];
input.clients.forEach((client, index) => {
  let state = null;
  const live = {};
  for (const msg of client.messages) {
    if (msg.type === 'snapshot') state = fromSnapshot(msg);
    else if (msg.type === 'own_votes') applyOwnVotes(state, msg);
    else if (msg.type === 'own_notes') {
      applyOwnNotes(state, msg);
      live[state.seq] = JSON.stringify(sorted(underStrictest(state, client.member, input.strictest)));
    } else if (msg.type.includes('.') && state !== null) {
      foldLive(state, msg, client.member);
      live[msg.seq] = JSON.stringify(sorted(underStrictest(state, client.member, input.strictest)));
    }
  }
  const mismatches = [];
  let compared = 0;
  for (const [seq, answer] of Object.entries(client.replays)) {
    if (!(seq in live)) continue;
    compared += 1;
    const replay = JSON.stringify(sorted(fromReplay(answer)));
    if (replay !== live[seq]) mismatches.push({ seq: Number(seq), live: JSON.parse(live[seq]), replay: JSON.parse(replay) });
  }
  // The replay page's way: one state answer, then GET /events folded forward.
  const seqs = Object.keys(client.replays).map(Number).sort((a, b) => a - b);
  const folded = fromReplay(client.replays[seqs[0]]);
  const forward = [];
  for (const event of client.events) {
    if (event.seq <= seqs[0]) continue;
    foldLive(folded, event, client.member);
    const expected = JSON.stringify(sorted(fromReplay(client.replays[event.seq])));
    const got = JSON.stringify(sorted(folded));
    if (got !== expected) forward.push({ seq: event.seq, folded: JSON.parse(got), replay: JSON.parse(expected) });
  }
  out.push({ client: index, compared, mismatches, forward });
});
process.stdout.write(JSON.stringify(out));
