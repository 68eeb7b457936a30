"""Who sees what: the per-viewer projection of events and of the board state.

The server never sends a browser what it must not show. Every event, snapshot,
REST answer and export goes through here.

Votes (the round's rules travel inside the event, so a replay shows what was
visible when the event happened):

| event | the voter | everyone else |
|---|---|---|
| cast / withdrawn, named live round | everything, `mine: true` | everything, with `voter` |
| cast / withdrawn, anonymous live round | everything, `mine: true` | note and counts, no voter |
| cast / withdrawn, blind round (open) | everything, `mine: true` | counts only: no note, no voter |
| status changed, named round | `mine: true` | with `voter` |
| status changed, anonymous round | `mine: true` | counts only |

Private notes (written in a silent step, not yet revealed): the author gets
every event about them; everyone else, facilitators included, gets a
`note.private` event in its place that says only how many notes are private.

"I'm done" (`step.ready_changed`): the member gets `mine: true`; others the count,
on every board without `actor` and `op_id` (the envelope would name the member).
On a fully anonymous board the event stores the member's author pseudonym.

Board anonymity (`off` / `facilitators` / `full`), applied with the board's
current mode, which can only become stricter once people have written:
viewers who may not see authors get notes without `author` (their own marked
`mine: true`) and envelopes without `actor` and `op_id`.

Moderation (domain/moderation.py): a note that waits for approval, was
rejected or is hidden exists only for its author and the facilitators
(`policy.may_see`). Everyone else gets `note.withheld` — a `seq` and nothing
more — in place of every event about it, and of every flag; a hidden note's
`note.hidden` tells them only that it is gone, without the reason. Flags name
nobody: the member sees their own, facilitators the count.

A variant names one projection; the hub encodes each event once per variant it
needs, not once per viewer.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from .events import (
    EventBody,
    FrameCreated,
    FrameDeleted,
    FrameMoved,
    FrameUpdated,
    GroupCreated,
    GroupDeleted,
    GroupRenamed,
    LinkCreated,
    LinkDeleted,
    LinkUpdated,
    NoteApproved,
    NoteCreated,
    NoteDeleted,
    NoteEdited,
    NoteFlagged,
    NoteGrouped,
    NoteHidden,
    NoteKindChanged,
    NoteMoved,
    NoteRecolored,
    NoteRejected,
    NoteRestored,
    NotesRevealed,
    ReadyChanged,
    StoredEvent,
    VoteCast,
    VoteStatusChanged,
    VoteWithdrawn,
    event_data,
)
from .policy import Actor, author_pseudonym, may_see
from .state import BoardState, Note
from .values import Anonymity, Moderation, Role
from .voting import Dump, VoteRound, VoteStatus, dump_entity

ALL = "all"  # the event as stored
MINE = "mine"  # the viewer's own (vote, ready, private note), authors visible
OTHERS = "others"  # someone else's vote or ready signal
HIDDEN = "hidden"  # someone else's private note: a count, nothing more
SELF = "self"  # the viewer's own, on a board that hides authors from them
ANON = "anon"  # anyone else's, on a board that hides authors from the viewer
WITHHELD = "withheld"  # about a note the viewer may not see (moderation): a seq, nothing more
GONE = "gone"  # a note hidden by a facilitator, for those who may not see it any more
# A hidden note restored, for a member who had flagged it: their mark comes back
# with it (`flagged`), as the next snapshot's own_notes would say.
FLAGGED = "flagged"
FLAGGED_ANON = "flagged-anon"  # the same, on a board that hides authors from them

_PRIVATE_NOTE_EVENTS = (NoteEdited, NoteMoved, NoteRecolored, NoteKindChanged, NoteDeleted)
# Notes whose content everyone else learns with the event (on anonymous boards
# each viewer's own are marked in it).
_NOTE_BATCHES = (NotesRevealed, NoteApproved, NoteRestored)
_PER_VOTER = (VoteCast, VoteWithdrawn, VoteStatusChanged)
# The same groups as sets of exact classes (event bodies are final classes),
# tested with `type(body) in …` on the path of every op: a failed isinstance
# test against a pydantic model costs about half a microsecond, and a note move
# failed about fifteen of them on its way through this module.
_AboutNote = NoteEdited | NoteMoved | NoteRecolored | NoteKindChanged | NoteDeleted
_PerVoter = VoteCast | VoteWithdrawn | VoteStatusChanged
_PRIVATE_NOTE_CLASSES: frozenset[type] = frozenset(_PRIVATE_NOTE_EVENTS)
_PER_VOTER_CLASSES: frozenset[type] = frozenset(_PER_VOTER)
_NEVER_PUBLIC: frozenset[type] = frozenset((*_PER_VOTER, ReadyChanged, NoteFlagged, NoteHidden))


def _type(event_class: type[EventBody]) -> str:
    return str(event_class.model_fields["type"].default)


# The events `shown_as_stored` may pass unparsed (those that make up most of a
# long log), checked against `variant` and `project` by tests/domain/
# test_record_rows.py. A list of what is known to be safe, not of what is not:
# an event type added later is parsed and projected until it is added here.
_NOTE_CREATED = _type(NoteCreated)
_PRIVATE_NOTE_TYPES = frozenset(_type(c) for c in _PRIVATE_NOTE_EVENTS)
_AS_STORED_TYPES = frozenset(
    {_NOTE_CREATED, *_PRIVATE_NOTE_TYPES}
    | {
        _type(c)
        for c in (
            FrameCreated,
            FrameUpdated,
            FrameMoved,
            FrameDeleted,
            GroupCreated,
            GroupRenamed,
            GroupDeleted,
            NoteGrouped,
            LinkCreated,
            LinkUpdated,
            LinkDeleted,
        )
    }
)


@dataclass
class Viewer:
    member_id: str
    role: Role
    # The viewer's voter id in a round (a pseudonym in anonymous rounds).
    voter_id_in: Callable[[VoteRound], str]
    # How the viewer is recorded as an author on a fully anonymous board.
    author_alias: str = ""
    _cache: dict[str, str] = field(default_factory=dict)

    def voter_id(self, vote_round: VoteRound) -> str:
        found = self._cache.get(vote_round.id)
        if found is None:
            found = self._cache[vote_round.id] = self.voter_id_in(vote_round)
        return found

    def owns(self, state: BoardState, round_id: str, voter: str) -> bool:
        vote_round = state.votes.rounds.get(round_id)
        return vote_round is not None and self.voter_id(vote_round) == voter

    def is_me(self, member_or_alias: str) -> bool:
        return member_or_alias in (self.member_id, self.author_alias)

    def sees_withheld(self, author: str) -> bool:
        """May see a withheld note of `author` (policy.may_see)."""
        return may_see(self.role, self.is_me(author))

    def sees_note(self, note: Note) -> bool:
        """May see `note` as it is now (private: its author; withheld: may_see)."""
        if note.private and not self.is_me(note.author):
            return False
        return not note.withheld or self.sees_withheld(note.author)


def sees_authors(state: BoardState, viewer: Viewer) -> bool:
    return sees_authors_under(state.anonymity, viewer)


def sees_authors_under(mode: Anonymity, viewer: Viewer) -> bool:
    """Whether `viewer` may see who did what under anonymity `mode`."""
    return mode is Anonymity.OFF or (
        mode is Anonymity.FACILITATORS and viewer.role is Role.FACILITATOR
    )


def recorded_actor(state: BoardState, body: EventBody, actor: Actor, secret: bytes) -> str:
    """Who the log records as the actor. Anonymous votes: the voter's pseudonym;
    a participant on a fully anonymous board: their author pseudonym. So not even
    the stored envelope links such an event to a member."""
    if type(body) in _PER_VOTER_CLASSES and cast(_PerVoter, body).anonymous:
        return cast(_PerVoter, body).voter
    if state.anonymity is Anonymity.FULL and actor.role is Role.PARTICIPANT:
        return author_pseudonym(secret, actor.member_id)
    return actor.member_id


def _is_private(body: EventBody) -> bool:
    if type(body) is NoteCreated:
        return body.note.private
    return type(body) in _PRIVATE_NOTE_CLASSES and cast(_AboutNote, body).private


def withheld_author(body: EventBody) -> str | None:
    """The author of the withheld note an event is about (None: not about one)."""
    if type(body) is NoteCreated:
        return body.note.author if body.note.withheld else None
    if type(body) in _PRIVATE_NOTE_CLASSES:
        return cast(_AboutNote, body).withheld
    if type(body) is NoteRejected:
        return body.author
    return None


def _batch_withheld(body: EventBody) -> bool:
    return type(body) is NotesRevealed and any(n.withheld for n in body.notes)


def variant(
    state: BoardState, event: StoredEvent, viewer: Viewer, authors: bool | None = None
) -> str:
    """Which projection of `event` the viewer gets; `authors` overrides the board's
    current anonymity (replay and exports use the strictest the board ever had)."""
    body = event.body
    if authors is None:
        authors = sees_authors(state, viewer)
    if isinstance(body, _PER_VOTER):
        return MINE if viewer.owns(state, body.round_id, body.voter) else OTHERS
    if isinstance(body, ReadyChanged):
        return MINE if viewer.is_me(body.member) else OTHERS
    if isinstance(body, NoteFlagged):
        if viewer.is_me(body.member):
            return MINE
        return OTHERS if viewer.role is Role.FACILITATOR else WITHHELD
    mine = viewer.is_me(event.actor)
    if _is_private(body):
        # Only the author can touch a private note, so the actor is its author.
        if not mine:
            return HIDDEN
        return MINE if authors else SELF
    held = withheld_author(body)
    if held is not None and not viewer.sees_withheld(held):
        return WITHHELD
    if isinstance(body, NoteHidden) and not viewer.sees_withheld(body.author):
        return GONE
    if type(body) is NoteRestored and flagged_by(state, body.note.id, viewer):
        return FLAGGED if authors else FLAGGED_ANON
    if authors:
        return ALL
    return SELF if mine else ANON


def flagged_by(state: BoardState, note_id: str, viewer: Viewer) -> bool:
    """Has `viewer` flagged the note? (A flag outlives the note's hiding.)"""
    return any(viewer.is_me(member) for member in state.flags.get(note_id, ()))


def shown_as_stored(event_type: str, data: Mapping[str, Any], authors: bool) -> bool:
    """Whether a viewer who sees authors (`authors`) gets this event of the log
    exactly as stored, its `data` being `event_data(body)`: what `variant` calls
    ALL and `project` leaves as it is, decided from the stored JSON for the
    common events of a long log (private and withheld notes excepted). Lets a
    log be projected without parsing every event back into its model (exports)."""
    if not authors or event_type not in _AS_STORED_TYPES:
        return False
    if event_type == _NOTE_CREATED:
        note = data["note"]
        return not note.get("private", False) and note.get("moderation", "published") == (
            Moderation.PUBLISHED.value
        )
    return not data.get("private", False) and data.get("withheld") is None


def per_viewer(event: StoredEvent, which: str) -> bool:
    """True when the projection still differs from viewer to viewer within its
    variant: notes revealed or published on a board that hides authors mark each
    viewer's own, and a reveal that holds withheld notes gives each only theirs."""
    body = event.body
    if which in (SELF, ANON, FLAGGED_ANON) and isinstance(body, _NOTE_BATCHES):
        return True
    return which not in (WITHHELD, HIDDEN) and _batch_withheld(body)


def is_public(state: BoardState, event: StoredEvent) -> bool:
    """True when every viewer gets the same projection (the common, cheap case)."""
    body = event.body
    return (
        state.anonymity is Anonymity.OFF
        and type(body) not in _NEVER_PUBLIC
        and not _is_private(body)
        and withheld_author(body) is None
        and not _batch_withheld(body)
        # Those who had flagged a restored note get their mark back with it.
        and not (type(body) is NoteRestored and body.note.id in state.flags)
    )


def _server_only(body: EventBody) -> bool:
    """The stored event holds what not every viewer of its variant may get: an
    author that never leaves the server, or withheld notes in a reveal."""
    return (
        withheld_author(body) is not None or isinstance(body, NoteHidden) or _batch_withheld(body)
    )


def withheld_placeholder(seq: int, at: int) -> dict[str, Any]:
    """What someone who may not see an event about a withheld note gets: its
    place in the log, nothing more."""
    return {"seq": seq, "type": "note.withheld", "at": at, "actor": "", "op_id": "", "data": {}}


def _anonymous_note(note: dict[str, Any], viewer_is_author: bool) -> dict[str, Any]:
    note = {**note, "author": ""}
    if viewer_is_author:
        note["mine"] = True
    return note


def project(event: StoredEvent, which: str, viewer: Viewer | None = None) -> dict[str, Any]:
    """The wire form of `event` for a viewer of the given variant (`viewer` is
    needed only to mark one's own notes in a revealed batch on anonymous boards)."""
    wire = event.to_wire()
    body = event.body
    if which == ALL and not _server_only(body):
        return wire
    if which == HIDDEN:
        count = body.private_count if isinstance(body, NoteCreated | NoteDeleted) else None
        return {
            "seq": event.seq,
            "type": "note.private",
            "at": event.at,
            "actor": "",
            "op_id": "",
            "data": {} if count is None else {"count": count},
        }
    if which == WITHHELD:
        return withheld_placeholder(event.seq, event.at)
    data = event_data(body)
    # Who wrote or flagged a withheld note never leaves the server.
    data.pop("withheld", None)
    if isinstance(body, NoteRejected | NoteHidden):
        del data["author"]
        if which == GONE:
            del data["reason"]
            wire["actor"] = wire["op_id"] = ""
    elif isinstance(body, NoteFlagged):
        del data["member"]
        if which == MINE:
            del data["count"]
            data["mine"] = True
        wire["actor"] = ""
        if which != MINE:
            wire["op_id"] = ""
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
    elif isinstance(body, ReadyChanged):
        del data["member"]
        if which == MINE:
            data["mine"] = True
        else:
            del data["ready"]
    if which in (FLAGGED, FLAGGED_ANON):
        data["flagged"] = True
    if (
        (isinstance(body, _PER_VOTER) and body.anonymous)
        or isinstance(body, ReadyChanged)
        or which in (SELF, ANON, FLAGGED_ANON)
    ):
        # The envelope would give the member away: the actor may be a pseudonym
        # that never leaves the server, and a client's op_id could be recognised.
        wire["actor"] = ""
        if which not in (MINE, SELF):
            wire["op_id"] = ""
    if isinstance(body, NotesRevealed) and _batch_withheld(body):
        # A reveal in a board whose notes wait for approval: each viewer gets
        # the revealed notes they may see (facilitators all, authors their own).
        data["notes"] = [
            dumped
            for dumped, note in zip(data["notes"], body.notes, strict=True)
            if not note.withheld or (viewer is not None and viewer.sees_withheld(note.author))
        ]
    if which in (SELF, ANON, FLAGGED_ANON):
        if isinstance(body, NoteCreated):
            data["note"] = _anonymous_note(data["note"], which == SELF)
        elif isinstance(body, NoteApproved | NoteRestored):
            mine = viewer is not None and viewer.is_me(body.note.author)
            data["note"] = _anonymous_note(data["note"], mine)
        elif isinstance(body, NotesRevealed):
            data["notes"] = [
                _anonymous_note(n, viewer is not None and viewer.is_me(n["author"]))
                for n in data["notes"]
            ]
    wire["data"] = data
    return wire


def shared_votes(state: BoardState, dump: Dump = dump_entity) -> dict[str, Any]:
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
        "rounds": {k: dump(v) for k, v in book.rounds.items()},
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


def note_json(note: Note, authors: bool, viewer: Viewer) -> dict[str, Any]:
    data = note.model_dump(mode="json")
    return data if authors else _anonymous_note(data, viewer.is_me(note.author))


def shared_state(
    state: BoardState, authors: bool = True, dump: Dump = dump_entity, moderator: bool = False
) -> dict[str, Any]:
    """The board as every viewer of one kind may see it: without private notes
    (their count is there), with or without authors; withheld notes (waiting,
    rejected, hidden) and the flags' counts only for a `moderator` (a
    facilitator). `own_notes` and `own_votes` add the personal part."""
    data = state.to_json(dump)
    data["votes"] = shared_votes(state, dump)
    data["notes"] = {
        k: v if authors else {**v, "author": ""}
        for k, v in data["notes"].items()
        if not v["private"] and (moderator or v["moderation"] == Moderation.PUBLISHED)
    }
    data["ready"] = {step_id: len(members) for step_id, members in state.ready.items()}
    data["flags"] = (
        {k: len(v) for k, v in state.flags.items() if k in data["notes"]} if moderator else {}
    )
    # Kept for the fold, replay and undo only: they would name authors (and the
    # deleted notes hold others' private text).
    del data["taken_down"], data["note_times"], data["deleted"]
    return data


def moderates(viewer: Viewer) -> bool:
    """Sees every withheld note and the flags (policy.may_see)."""
    return may_see(viewer.role, is_author=False)


def own_notes(state: BoardState, viewer: Viewer, authors: bool | None = None) -> dict[str, Any]:
    """The viewer's private notes and (unless they moderate) their withheld ones,
    which of the shared notes are theirs (on a board that hides authors), the
    steps where they said "I'm done" and the notes they flagged."""
    if authors is None:
        authors = sees_authors(state, viewer)
    personal: dict[str, Any] = {}
    mine: list[str] = []
    for note in state.notes.values():
        if not viewer.is_me(note.author):
            continue
        if note.private or (note.withheld and not moderates(viewer)):
            personal[note.id] = note_json(note, authors, viewer)
        elif not authors:
            mine.append(note.id)
    ready = [
        step_id
        for step_id, members in state.ready.items()
        if any(viewer.is_me(member) for member in members)
    ]
    flagged = [
        note_id
        for note_id, members in state.flags.items()
        if any(viewer.is_me(member) for member in members)
        and viewer.sees_note(state.notes[note_id])
    ]
    return {"notes": personal, "mine": mine, "ready": ready, "flagged": flagged}
