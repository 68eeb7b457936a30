"""Dot-vote rules in the pure core."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samskapa.domain.apply import fold
from samskapa.domain.commands import JoinBoard
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.events import StoredEvent
from samskapa.domain.policy import Actor
from samskapa.domain.values import Role, Sector
from samskapa.domain.voting import BallotBook, VoteRound, pseudonym, rank, results

from .helpers import FACILITATOR, OTHER, PARTICIPANT, SECRET, Board


def _board(**round_options: Any) -> Board:
    b = Board()
    b.run(
        {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 1000, "h": 1000},
        FACILITATOR,
    )
    for i in range(4):
        b.run({"type": "note.create", "note_id": f"n{i}", "x": 10 * i, "y": 0}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "outside", "x": 5000, "y": 0}, FACILITATOR)
    b.run({"type": "vote.open", "round_id": "r", **round_options}, FACILITATOR)
    return b


def cast(b: Board, actor: Actor, note: str, kind: str = "vote.cast") -> None:
    b.run({"type": kind, "round_id": "r", "note_id": note}, actor)


def code_of(b: Board, command: dict[str, Any], actor: Actor) -> ErrorCode:
    with pytest.raises(DomainError) as err:
        b.run(command, actor)
    return err.value.code


def test_budget_cap_withdraw_and_counts() -> None:
    b = _board(budget=3, cap=2)
    cast(b, PARTICIPANT, "n0")
    cast(b, PARTICIPANT, "n0")
    assert (
        code_of(b, {"type": "vote.cast", "round_id": "r", "note_id": "n0"}, PARTICIPANT)
        is ErrorCode.CAP_REACHED
    )
    cast(b, PARTICIPANT, "n1")
    assert (
        code_of(b, {"type": "vote.cast", "round_id": "r", "note_id": "n2"}, PARTICIPANT)
        is ErrorCode.BUDGET_SPENT
    )
    cast(b, PARTICIPANT, "n0", "vote.withdraw")
    cast(b, PARTICIPANT, "n2")
    assert (
        code_of(b, {"type": "vote.withdraw", "round_id": "r", "note_id": "n3"}, PARTICIPANT)
        is ErrorCode.NOT_FOUND
    )
    cast(b, OTHER, "n2")
    last = b.log[-1].body
    assert (last.voters, last.total) == (2, 4)  # type: ignore[union-attr]
    assert b.state.votes.tallies("r") == {"n0": 1, "n1": 1, "n2": 2}


def test_scope_one_open_round_and_closed_rounds() -> None:
    b = _board(frame_id="f1", kinds=["idea"])
    assert (
        code_of(b, {"type": "vote.cast", "round_id": "r", "note_id": "outside"}, PARTICIPANT)
        is ErrorCode.NOT_IN_ROUND
    )
    b.run({"type": "note.create", "note_id": "goal", "x": 1, "y": 1, "kind": "goal"}, FACILITATOR)
    assert (
        code_of(b, {"type": "vote.cast", "round_id": "r", "note_id": "goal"}, PARTICIPANT)
        is ErrorCode.NOT_IN_ROUND
    )
    assert code_of(b, {"type": "vote.open", "round_id": "r2"}, FACILITATOR) is ErrorCode.ROUND_OPEN
    b.run({"type": "vote.close", "round_id": "r"}, FACILITATOR)
    assert (
        code_of(b, {"type": "vote.cast", "round_id": "r", "note_id": "n0"}, PARTICIPANT)
        is ErrorCode.ROUND_CLOSED
    )
    b.run({"type": "vote.open", "round_id": "r2"}, FACILITATOR)  # now it may


def test_limits_change_mid_round_but_never_below_what_was_spent() -> None:
    b = _board(budget=5, cap=3)
    for _ in range(3):
        cast(b, PARTICIPANT, "n0")
    cast(b, PARTICIPANT, "n1")
    assert (
        code_of(b, {"type": "vote.limits", "round_id": "r", "budget": 3, "cap": 3}, FACILITATOR)
        is ErrorCode.LIMIT_TOO_LOW
    )
    assert (
        code_of(b, {"type": "vote.limits", "round_id": "r", "budget": 9, "cap": 2}, FACILITATOR)
        is ErrorCode.LIMIT_TOO_LOW
    )
    assert (
        code_of(b, {"type": "vote.limits", "round_id": "r", "budget": 2, "cap": 3}, FACILITATOR)
        is ErrorCode.INVALID_MESSAGE
    )
    b.run({"type": "vote.limits", "round_id": "r", "budget": 4, "cap": 3}, FACILITATOR)
    assert (
        code_of(b, {"type": "vote.cast", "round_id": "r", "note_id": "n2"}, PARTICIPANT)
        is ErrorCode.BUDGET_SPENT
    )


def test_deleting_a_note_gives_its_votes_back() -> None:
    b = _board(budget=2, cap=2)
    cast(b, PARTICIPANT, "n0")
    cast(b, PARTICIPANT, "n0")
    b.run({"type": "note.delete", "note_id": "n0"}, FACILITATOR)
    assert b.state.votes.spent_by("r", "m_par") == 0
    cast(b, PARTICIPANT, "n1")


def test_anonymous_rounds_store_only_pseudonyms() -> None:
    b = _board(anonymous=True)
    cast(b, PARTICIPANT, "n0")
    voter = b.log[-1].body.voter  # type: ignore[union-attr]
    assert voter.startswith("p_") and "m_par" not in voter
    assert voter == pseudonym(SECRET, "r", "m_par")
    assert voter != pseudonym(SECRET, "other-round", "m_par")
    assert voter != pseudonym(b"another secret", "r", "m_par")
    assert "m_par" not in str(b.log[-1].to_wire())
    named = _board(anonymous=False)
    cast(named, PARTICIPANT, "n0")
    assert named.log[-1].body.voter == "m_par"  # type: ignore[union-attr]


def test_ranking_shares_ranks_on_ties() -> None:
    ranked = rank({"a": 3, "b": 5, "c": 3, "d": 0}, ["a", "b", "c", "d"])
    assert [(r.note_id, r.votes, r.rank) for r in ranked] == [
        ("b", 5, 1),
        ("a", 3, 2),
        ("c", 3, 2),
        ("d", 0, 4),
    ]


def _book(votes_by_voter: dict[str, dict[str, int]]) -> BallotBook:
    book = BallotBook()
    for voter, ballot in votes_by_voter.items():
        for note, n in ballot.items():
            book.add("r", voter, note, n)
    return book


ROUND = VoteRound(
    id="r",
    title="",
    frame_id=None,
    kinds=None,
    budget=5,
    cap=5,
    blind=True,
    anonymous=True,
    opened_at=0,
)


def test_small_sector_segments_are_suppressed_and_cannot_be_subtracted_out() -> None:
    sectors = {
        "a1": Sector.PUBLIC,
        "a2": Sector.PUBLIC,
        "a3": Sector.PUBLIC,
        "b1": Sector.BUSINESS,
        "b2": Sector.BUSINESS,
        "b3": Sector.BUSINESS,
        "c1": Sector.CITIZEN,
        "c2": Sector.CITIZEN,
    }
    book = _book({v: {"x": 1} if v.startswith(("a", "c")) else {"y": 1} for v in sectors})
    res = results(book, ROUND, ["x", "y"], sectors)
    assert res.by_sector[Sector.CITIZEN].suppressed
    assert res.by_sector[Sector.CITIZEN].ranking is None
    # Only two citizens voted; showing public and business would let anyone
    # subtract them from the total, so one more segment is hidden with them.
    hidden = [
        s
        for s, seg in res.by_sector.items()
        if seg.suppressed and s in (Sector.PUBLIC, Sector.BUSINESS)
    ]
    assert len(hidden) == 1
    assert res.voters == 8 and [r.note_id for r in res.ranking] == ["x", "y"]
    # Enough voters everywhere: everything is shown.
    sectors.update({"c3": Sector.CITIZEN})
    book.add("r", "c3", "y", 1)
    res = results(book, ROUND, ["x", "y"], sectors)
    assert not res.by_sector[Sector.CITIZEN].suppressed
    assert res.by_sector[Sector.CITIZEN].voters == 3


VOTERS = [Actor(f"m_v{i}", Role.PARTICIPANT) for i in range(6)]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=1, max_value=6),
    st.lists(
        st.tuples(st.sampled_from(VOTERS), st.sampled_from(["n0", "n1", "n2"]), st.booleans()),
        max_size=80,
    ),
)
def test_random_interleavings_respect_budget_and_cap(
    budget: int, cap: int, clicks: list[tuple[Actor, str, bool]]
) -> None:
    cap = min(cap, budget)
    b = Board()
    for voter in VOTERS:
        b.run(JoinBoard(member_id=voter.member_id, name="v", role=Role.PARTICIPANT), voter)
    for i in range(3):
        b.run({"type": "note.create", "note_id": f"n{i}", "x": 0, "y": 0}, FACILITATOR)
    b.run({"type": "vote.open", "round_id": "r", "budget": budget, "cap": cap}, FACILITATOR)
    accepted = 0
    for actor, note, is_cast in clicks:
        try:
            cast(b, actor, note, "vote.cast" if is_cast else "vote.withdraw")
            accepted += 1 if is_cast else -1
        except DomainError as err:
            assert err.code in (ErrorCode.BUDGET_SPENT, ErrorCode.CAP_REACHED, ErrorCode.NOT_FOUND)
    book = b.state.votes
    for ballot in book.ballots("r").values():
        assert sum(ballot.values()) <= budget
        assert all(n <= cap for n in ballot.values())
    assert sum(book.tallies("r").values()) == accepted == book.total("r")
    wire = [StoredEvent.from_wire(e.to_wire()) for e in b.log]
    assert fold(wire).to_json() == b.state.to_json()
