"""Who sees what: the per-viewer projection of events and of the board state.

The server never sends a browser what it must not show. Most events are the
same for everyone ("all"); vote events are not:

| event | the voter | everyone else |
|---|---|---|
| cast / withdrawn, named live round | everything, `mine: true` | everything, with `voter` |
| cast / withdrawn, anonymous live round | everything, `mine: true` | note and counts, no voter |
| cast / withdrawn, blind round (open) | everything, `mine: true` | counts only: no note, no voter |
| status changed, named round | `mine: true` | with `voter` |
| status changed, anonymous round | `mine: true` | counts only |

The rules travel inside the event (`blind`, `anonymous`), so a replay shows what
was visible when the event happened. A variant names one projection; the hub
encodes each event once per variant it needs, not once per viewer.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .events import (
    EventBody,
    StoredEvent,
    VoteCast,
    VoteStatusChanged,
    VoteWithdrawn,
    event_data,
)
from .state import BoardState
from .values import Role
from .voting import VoteRound, VoteStatus

ALL = "all"
MINE = "mine"
OTHERS = "others"


@dataclass
class Viewer:
    member_id: str
    role: Role
    # The viewer's voter id in a round (a pseudonym in anonymous rounds).
    voter_id_in: Callable[[VoteRound], str]
    _cache: dict[str, str] = field(default_factory=dict)

    def voter_id(self, vote_round: VoteRound) -> str:
        found = self._cache.get(vote_round.id)
        if found is None:
            found = self._cache[vote_round.id] = self.voter_id_in(vote_round)
        return found

    def owns(self, state: BoardState, round_id: str, voter: str) -> bool:
        vote_round = state.votes.rounds.get(round_id)
        return vote_round is not None and self.voter_id(vote_round) == voter


def recorded_actor(body: EventBody, member_id: str) -> str:
    """Who the log records as the actor: the voter's pseudonym for anonymous votes,
    so that not even the stored envelope links a vote to a member."""
    if isinstance(body, VoteCast | VoteWithdrawn | VoteStatusChanged) and body.anonymous:
        return body.voter
    return member_id


def variant(state: BoardState, event: StoredEvent, viewer: Viewer) -> str:
    body = event.body
    if isinstance(body, VoteCast | VoteWithdrawn | VoteStatusChanged):
        return MINE if viewer.owns(state, body.round_id, body.voter) else OTHERS
    return ALL


def is_public(event: StoredEvent) -> bool:
    """True when every viewer gets the same projection (the common, cheap case)."""
    return not isinstance(event.body, VoteCast | VoteWithdrawn | VoteStatusChanged)


def project(event: StoredEvent, which: str) -> dict[str, Any]:
    """The wire form of `event` for a viewer of the given variant."""
    wire = event.to_wire()
    body = event.body
    if which == ALL:
        return wire
    data = event_data(body)
    if isinstance(body, VoteCast | VoteWithdrawn):
        del data["blind"], data["anonymous"], data["voter"]
        if which == MINE:
            data["mine"] = True
        elif body.blind:
            del data["note_id"]
        elif not body.anonymous:
            data["voter"] = body.voter
    elif isinstance(body, VoteStatusChanged):
        del data["anonymous"], data["voter"]
        if which == MINE:
            data["mine"] = True
        elif not body.anonymous:
            data["voter"] = body.voter
    if isinstance(body, VoteCast | VoteWithdrawn | VoteStatusChanged) and body.anonymous:
        # The envelope would give the voter away: the actor is a pseudonym that
        # never leaves the server, and a client's op_id could be recognised.
        wire["actor"] = ""
        if which != MINE:
            wire["op_id"] = ""
    wire["data"] = data
    return wire


def shared_votes(state: BoardState) -> dict[str, Any]:
    """The part of the ballot book every viewer may see."""
    book = state.votes
    tally: dict[str, dict[str, int]] = {}
    named: dict[str, dict[str, dict[str, int]]] = {}
    named_status: dict[str, dict[str, str]] = {}
    counts: dict[str, dict[str, int]] = {}
    for round_id, vote_round in book.rounds.items():
        counts[round_id] = {
            "voters": book.voters(round_id),
            "total": book.total(round_id),
            "done": book.count_status(round_id, VoteStatus.DONE),
            "abstained": book.count_status(round_id, VoteStatus.ABSTAIN),
        }
        if vote_round.blind and vote_round.is_open:
            continue  # no totals, no ballots until the round closes
        tally[round_id] = book.tallies(round_id)
        if not vote_round.anonymous:
            named[round_id] = book.ballots(round_id)
    for key, status in book.status.items():
        round_id, voter = key.split("|")
        vote_round = book.rounds[round_id]
        if not vote_round.anonymous:
            named_status.setdefault(round_id, {})[voter] = status
    return {
        "rounds": {k: v.model_dump(mode="json") for k, v in book.rounds.items()},
        "open_round": book.open_round,
        "counts": counts,
        "tally": tally,
        "named": named,
        "named_status": named_status,
    }


def own_votes(state: BoardState, viewer: Viewer) -> dict[str, Any]:
    """The viewer's own ballots and statuses, per round."""
    book = state.votes
    ballots: dict[str, dict[str, int]] = {}
    status: dict[str, str] = {}
    for round_id, vote_round in book.rounds.items():
        me = viewer.voter_id(vote_round)
        ballot = book.ballot(round_id, me)
        if ballot:
            ballots[round_id] = ballot
        mine = book.status.get(f"{round_id}|{me}")
        if mine is not None:
            status[round_id] = mine
    return {"ballots": ballots, "status": status}


def shared_state(state: BoardState) -> dict[str, Any]:
    """The board as every viewer may see it (`own_votes` adds the personal part)."""
    data = state.to_json()
    data["votes"] = shared_votes(state)
    return data
