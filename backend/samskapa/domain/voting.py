"""Dot-vote rounds: entities, the ballot book, and the rules for results.

The ballot book keeps flat maps of immutable values keyed by strings, so the
event store's batch copy of a board (`BoardState.copy`) copies it cheaply and
completely. A voter is identified per round by a *voter id*: the member id in a
named round; in an anonymous round a pseudonym that only the server can compute
(`pseudonym`), so neither the stored log nor anything sent to clients links a
vote to a person.
"""

import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from .values import NoteKind, Sector

# Segments with fewer voters than this are not shown (k-anonymity of results).
MIN_SEGMENT = 3
BUDGET_MAX = 99


class VoteStatus(StrEnum):
    VOTING = "voting"
    DONE = "done"
    ABSTAIN = "abstain"


class _Entity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ranked(_Entity):
    note_id: str
    votes: int
    rank: int  # ties share a rank: 1, 1, 3


class Segment(_Entity):
    """One actor sector's ranking, or `suppressed` when too few voted."""

    voters: int | None
    suppressed: bool
    ranking: list[Ranked] | None


class Results(_Entity):
    ranking: list[Ranked]
    voters: int
    abstained: int
    by_sector: dict[Sector, Segment]


class VoteRound(_Entity):
    id: str
    title: str
    frame_id: str | None
    kinds: tuple[NoteKind, ...] | None
    budget: int
    cap: int
    blind: bool
    anonymous: bool
    opened_at: int
    closed_at: int | None = None
    results: Results | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@functools.lru_cache(maxsize=8192)
def pseudonym(secret: bytes, round_id: str, member_id: str) -> str:
    """A voter id that only the holder of `secret` can link to the member.

    Cached: policy.is_author asks for a member's author pseudonym on every op
    about someone else's note, and an HMAC costs a few microseconds."""
    digest = hmac.new(secret, f"{round_id}|{member_id}".encode(), hashlib.sha256).hexdigest()
    return f"p_{digest[:24]}"


def voter_id(secret: bytes, vote_round: VoteRound, member_id: str) -> str:
    return pseudonym(secret, vote_round.id, member_id) if vote_round.anonymous else member_id


Dump = Callable[[BaseModel], dict[str, Any]]


def dump_entity(entity: BaseModel) -> dict[str, Any]:
    return entity.model_dump(mode="json")


def _k(*parts: str) -> str:
    return "|".join(parts)


@dataclass(slots=True)
class BallotBook:
    rounds: dict[str, VoteRound] = field(default_factory=dict)
    open_round: str | None = None
    # "round|voter" -> votes spent;  "round|voter|note" -> votes on that note
    spent: dict[str, int] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)
    # "round|note" -> votes on that note
    tally: dict[str, int] = field(default_factory=dict)
    # "round|voter" -> done / abstain
    status: dict[str, str] = field(default_factory=dict)

    def copy(self) -> "BallotBook":
        return BallotBook(
            dict(self.rounds),
            self.open_round,
            dict(self.spent),
            dict(self.marks),
            dict(self.tally),
            dict(self.status),
        )

    # -- reads -------------------------------------------------------------------

    def spent_by(self, round_id: str, voter: str) -> int:
        return self.spent.get(_k(round_id, voter), 0)

    def marks_of(self, round_id: str, voter: str, note_id: str) -> int:
        return self.marks.get(_k(round_id, voter, note_id), 0)

    def votes_on(self, round_id: str, note_id: str) -> int:
        return self.tally.get(_k(round_id, note_id), 0)

    def voters(self, round_id: str) -> int:
        prefix = round_id + "|"
        return sum(1 for k, v in self.spent.items() if v > 0 and k.startswith(prefix))

    def total(self, round_id: str) -> int:
        prefix = round_id + "|"
        return sum(v for k, v in self.spent.items() if k.startswith(prefix))

    def count_status(self, round_id: str, status: VoteStatus) -> int:
        prefix = round_id + "|"
        return sum(1 for k, v in self.status.items() if v == status and k.startswith(prefix))

    def max_spent(self, round_id: str) -> int:
        prefix = round_id + "|"
        return max((v for k, v in self.spent.items() if k.startswith(prefix)), default=0)

    def max_marks(self, round_id: str) -> int:
        prefix = round_id + "|"
        return max((v for k, v in self.marks.items() if k.startswith(prefix)), default=0)

    def ballot(self, round_id: str, voter: str) -> dict[str, int]:
        """One voter's votes in a round: note id -> count."""
        prefix = _k(round_id, voter) + "|"
        return {k[len(prefix) :]: v for k, v in self.marks.items() if k.startswith(prefix)}

    def ballots(self, round_id: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        prefix = round_id + "|"
        for key, count in self.marks.items():
            if key.startswith(prefix):
                _, voter, note_id = key.split("|")
                out.setdefault(voter, {})[note_id] = count
        return out

    def tallies(self, round_id: str) -> dict[str, int]:
        prefix = round_id + "|"
        return {k[len(prefix) :]: v for k, v in self.tally.items() if k.startswith(prefix)}

    # -- changes (used by apply) --------------------------------------------------

    def add(self, round_id: str, voter: str, note_id: str, delta: int) -> None:
        for table, key in (
            (self.spent, _k(round_id, voter)),
            (self.marks, _k(round_id, voter, note_id)),
            (self.tally, _k(round_id, note_id)),
        ):
            value = table.get(key, 0) + delta
            if value:
                table[key] = value
            else:
                table.pop(key, None)

    def refund_note(self, note_id: str) -> None:
        """A note deleted during an open round gives its votes back."""
        if self.open_round is None:
            return
        round_id = self.open_round
        for voter, ballot in self.ballots(round_id).items():
            if note_id in ballot:
                self.add(round_id, voter, note_id, -ballot[note_id])

    def to_json(self, dump: "Dump | None" = None) -> dict[str, Any]:
        d = dump or dump_entity
        return {
            "rounds": {k: d(v) for k, v in self.rounds.items()},
            "open_round": self.open_round,
            "spent": self.spent,
            "marks": self.marks,
            "tally": self.tally,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "BallotBook":
        if not data:
            return cls()
        return cls(
            rounds={k: VoteRound.model_validate(v) for k, v in data["rounds"].items()},
            open_round=data["open_round"],
            spent=dict(data["spent"]),
            marks=dict(data["marks"]),
            tally=dict(data["tally"]),
            status=dict(data["status"]),
        )


def rank(votes: dict[str, int], candidates: list[str]) -> list[Ranked]:
    """Most votes first; ties share the rank and keep the board's order."""
    order = sorted(candidates, key=lambda n: -votes.get(n, 0))
    ranked: list[Ranked] = []
    for i, note_id in enumerate(order):
        count = votes.get(note_id, 0)
        same = ranked and ranked[-1].votes == count
        ranked.append(Ranked(note_id=note_id, votes=count, rank=ranked[-1].rank if same else i + 1))
    return ranked


def suppressed_segments(sizes: dict[Sector, int]) -> set[Sector]:
    """Sectors whose results are not shown.

    Every sector with fewer than MIN_SEGMENT voters; and, because the overall
    ranking minus the shown sectors would give away the hidden ones, more sectors
    (smallest first) until the hidden ones together hold no voter or at least
    MIN_SEGMENT of them.
    """
    hidden = {s for s, n in sizes.items() if n < MIN_SEGMENT}
    while 0 < sum(sizes[s] for s in hidden) < MIN_SEGMENT:
        shown = [s for s in sizes if s not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda s: sizes[s]))
    return hidden


def results(
    book: BallotBook,
    vote_round: VoteRound,
    candidates: list[str],
    sector_of_voter: dict[str, Sector],
) -> Results:
    """The results of a round, with each sector's ranking when enough voted."""
    ballots = book.ballots(vote_round.id)
    members: dict[Sector, list[str]] = {sector: [] for sector in Sector}
    for voter in ballots:
        sector = sector_of_voter.get(voter)
        if sector is not None:
            members[sector].append(voter)
    hidden = suppressed_segments({sector: len(voters) for sector, voters in members.items()})
    by_sector: dict[Sector, Segment] = {}
    for sector, voters in members.items():
        if sector in hidden:
            by_sector[sector] = Segment(voters=None, suppressed=True, ranking=None)
            continue
        votes: dict[str, int] = {}
        for voter in voters:
            for note_id, count in ballots[voter].items():
                votes[note_id] = votes.get(note_id, 0) + count
        by_sector[sector] = Segment(
            voters=len(voters), suppressed=False, ranking=rank(votes, candidates)
        )
    return Results(
        ranking=rank(book.tallies(vote_round.id), candidates),
        voters=len(ballots),
        abstained=book.count_status(vote_round.id, VoteStatus.ABSTAIN),
        by_sector=by_sector,
    )
