"""Events: facts about a board. Exactly one event per accepted command.

An event body is tagged by `type`; the envelope (`StoredEvent`) adds what the
event store assigns: the board's `seq`, the commit time, the actor and the
client's `op_id`. On the wire an event is
`{"seq", "type", "at", "actor", "op_id", "data"}` (docs/protocol.md §2.3).
"""

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .collection import Action, Schedule
from .commands import Mission
from .facilitation import Group, Link, Spotlight, Step, Timer
from .state import BoardInfo, Frame, Note, Participant
from .values import Anonymity, Color, NoteKind, Role, Sector
from .voting import Results, VoteRound, VoteStatus


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Partial updates leave out the fields that did not change.
    omit_none: ClassVar[bool] = False


class BoardCreated(_Event):
    type: Literal["board.created"] = "board.created"
    board: BoardInfo


class BoardUpdated(_Event):
    type: Literal["board.updated"] = "board.updated"
    omit_none: ClassVar[bool] = True
    title: str | None = None
    mission: Mission | None = None


class ParticipantJoined(_Event):
    type: Literal["participant.joined"] = "participant.joined"
    participant: Participant


class ParticipantUpdated(_Event):
    type: Literal["participant.updated"] = "participant.updated"
    omit_none: ClassVar[bool] = True
    participant_id: str
    name: str | None = None
    sector: Sector | None = None


class ParticipantErased(_Event):
    """A member's personal data was erased: their name is gone from the whole log
    (domain/erasure.py) and their credential from the database. They stay as a
    former participant (name "")."""

    type: Literal["participant.erased"] = "participant.erased"
    participant_id: str


class LinkReplaced(_Event):
    """A role's access link was replaced: the old token no longer opens the board.
    The token itself is never in the log."""

    type: Literal["access.link_replaced"] = "access.link_replaced"
    role: Role


class FrameCreated(_Event):
    type: Literal["frame.created"] = "frame.created"
    frame: Frame


class FrameUpdated(_Event):
    type: Literal["frame.updated"] = "frame.updated"
    omit_none: ClassVar[bool] = True
    frame_id: str
    title: str | None = None
    prompt: str | None = None
    x: float | None = None
    y: float | None = None
    w: float | None = None
    h: float | None = None


class FrameMoved(_Event):
    """The frame now starts at `x`, `y`, and every note in it (`frame_id`) moved
    by the same offset. The fold moves them (apply.py), on the server and in
    every browser alike, so the event is the same for every viewer, names no
    note (someone else's private note moves without anyone learning of it), and
    a frame is never half moved."""

    type: Literal["frame.moved"] = "frame.moved"
    frame_id: str
    x: float
    y: float


class FrameDeleted(_Event):
    type: Literal["frame.deleted"] = "frame.deleted"
    frame_id: str


class Place(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    note_id: str
    x: float
    y: float


class FrameTidied(_Event):
    """The frame's visible notes, packed (domain/placement.py `tidy`); `h` is the
    frame's new height when the notes needed more room, else absent."""

    type: Literal["frame.tidied"] = "frame.tidied"
    omit_none: ClassVar[bool] = True
    frame_id: str
    h: float | None = None
    places: tuple[Place, ...]


class NoteCreated(_Event):
    """Also a deleted note brought back by its sender's undo (`restored`): the
    same event, so everything that keeps a private or withheld note from others
    keeps this one from them too; news, digests and activity do not count it."""

    type: Literal["note.created"] = "note.created"
    note: Note
    private_count: int | None = None
    restored: bool = False


# Events about one note say whether the note was private when they happened
# (`private`), so the projection can keep them from everyone but the author
# without looking the note up (domain/visibility.py). Events that change how
# many notes are private carry the new count (`private_count`), the only thing
# others may learn. Both are left out of the wire form when not set.
# Likewise `withheld`: the author (as the note records them) of a note that was
# waiting, rejected or hidden when the event happened; only that author and
# facilitators get the event. It never leaves the server (the projection drops it).


class NoteEdited(_Event):
    type: Literal["note.edited"] = "note.edited"
    note_id: str
    text: str
    private: bool = False
    withheld: str | None = None


class NoteMoved(_Event):
    type: Literal["note.moved"] = "note.moved"
    note_id: str
    x: float
    y: float
    frame_id: str | None
    private: bool = False
    withheld: str | None = None


class NoteRecolored(_Event):
    type: Literal["note.recolored"] = "note.recolored"
    note_id: str
    color: Color
    private: bool = False
    withheld: str | None = None


class NoteKindChanged(_Event):
    type: Literal["note.kind_changed"] = "note.kind_changed"
    note_id: str
    kind: NoteKind
    private: bool = False
    withheld: str | None = None


class NoteDeleted(_Event):
    type: Literal["note.deleted"] = "note.deleted"
    note_id: str
    private: bool = False
    private_count: int | None = None
    withheld: str | None = None


class NotesRevealed(_Event):
    """The private notes, now visible: everyone else sees their content first here."""

    type: Literal["notes.revealed"] = "notes.revealed"
    notes: tuple[Note, ...]


class AgendaChanged(_Event):
    type: Literal["agenda.changed"] = "agenda.changed"
    steps: tuple[Step, ...]
    # The current step after the change (None if it was removed).
    current_step: str | None


class StepChanged(_Event):
    type: Literal["agenda.step_changed"] = "agenda.step_changed"
    step_id: str | None


class TimerChanged(_Event):
    type: Literal["timer.changed"] = "timer.changed"
    action: Literal["started", "paused", "resumed", "extended", "stopped"]
    timer: Timer


class AnonymityChanged(_Event):
    type: Literal["board.anonymity_changed"] = "board.anonymity_changed"
    mode: Anonymity


class ReplayChanged(_Event):
    type: Literal["board.replay_changed"] = "board.replay_changed"
    allowed: bool


class BoardRestored(_Event):
    """A new board's content, from a fork or an import (frames in drawing order,
    notes with their frame decided on this board)."""

    type: Literal["board.restored"] = "board.restored"
    frames: tuple[Frame, ...]
    notes: tuple[Note, ...]
    groups: tuple[Group, ...]
    links: tuple[Link, ...]
    agenda: tuple[Step, ...]


class LockChanged(_Event):
    type: Literal["board.lock_changed"] = "board.lock_changed"
    locked: bool


class FollowChanged(_Event):
    type: Literal["attention.follow_changed"] = "attention.follow_changed"
    leader: str | None


class SpotlightChanged(_Event):
    type: Literal["attention.spotlight_changed"] = "attention.spotlight_changed"
    spotlight: Spotlight | None


class Summoned(_Event):
    type: Literal["attention.summoned"] = "attention.summoned"
    x: float
    y: float
    w: float
    h: float


class GroupCreated(_Event):
    type: Literal["group.created"] = "group.created"
    group: Group
    note_ids: tuple[str, ...]


class GroupRenamed(_Event):
    type: Literal["group.renamed"] = "group.renamed"
    group_id: str
    name: str


class GroupDeleted(_Event):
    type: Literal["group.deleted"] = "group.deleted"
    group_id: str


class NoteGrouped(_Event):
    type: Literal["note.grouped"] = "note.grouped"
    note_id: str
    group_id: str | None


class LinkCreated(_Event):
    type: Literal["link.created"] = "link.created"
    link: Link


class LinkUpdated(_Event):
    type: Literal["link.updated"] = "link.updated"
    link: Link


class LinkDeleted(_Event):
    type: Literal["link.deleted"] = "link.deleted"
    link_id: str


class ReadyChanged(_Event):
    """Only the member sees `member`; everyone else gets the count."""

    type: Literal["step.ready_changed"] = "step.ready_changed"
    step_id: str
    member: str
    ready: bool
    count: int


class CollectionChanged(_Event):
    """A schedule after the change (`step_id` null: the board's). `closed` by the
    server at the deadline is marked `automatic`."""

    type: Literal["collection.changed"] = "collection.changed"
    step_id: str | None
    action: Action
    schedule: Schedule
    automatic: bool = False


class ModerationChanged(_Event):
    type: Literal["board.moderation_changed"] = "board.moderation_changed"
    approval: bool
    notes_per_minute: int | None


class NoteApproved(_Event):
    """The note as published: everyone else sees its content first here."""

    type: Literal["note.approved"] = "note.approved"
    note: Note


class NoteRejected(_Event):
    """Only the author (`author`, never sent) and facilitators get it."""

    type: Literal["note.rejected"] = "note.rejected"
    note_id: str
    reason: str
    author: str


class NoteHidden(_Event):
    """The author and facilitators get the reason; everyone else only that the
    note is gone. Like a deletion, it leaves its group and links and gives its
    votes back; the note itself stays for its author and facilitators."""

    type: Literal["note.hidden"] = "note.hidden"
    note_id: str
    reason: str
    author: str


class NoteRestored(_Event):
    """The hidden note published again, as it is now."""

    type: Literal["note.restored"] = "note.restored"
    note: Note


class NoteFlagged(_Event):
    """`member` (who flagged) never leaves the server: the member sees their own
    flag, facilitators the note's count, nobody else anything."""

    type: Literal["note.flagged"] = "note.flagged"
    note_id: str
    member: str
    count: int


class VoteOpened(_Event):
    type: Literal["vote.opened"] = "vote.opened"
    round: VoteRound


class VoteCast(_Event):
    """`voters` and `total` are the round's counts after this vote: safe to show
    even in a blind round, and they save clients from counting."""

    type: Literal["vote.cast"] = "vote.cast"
    round_id: str
    note_id: str
    voter: str
    voters: int
    total: int
    # The round's rules when this happened: what a viewer may see of this event
    # depends on them, in replay too (domain/visibility.py).
    blind: bool
    anonymous: bool


class VoteWithdrawn(_Event):
    type: Literal["vote.withdrawn"] = "vote.withdrawn"
    round_id: str
    note_id: str
    voter: str
    voters: int
    total: int
    blind: bool
    anonymous: bool


class VoteLimitsChanged(_Event):
    type: Literal["vote.limits_changed"] = "vote.limits_changed"
    round_id: str
    budget: int
    cap: int


class VoteStatusChanged(_Event):
    type: Literal["vote.status_changed"] = "vote.status_changed"
    round_id: str
    voter: str
    status: VoteStatus
    done: int
    abstained: int
    anonymous: bool


class VoteClosed(_Event):
    type: Literal["vote.closed"] = "vote.closed"
    round_id: str
    closed_at: int
    results: Results


EventBody = Annotated[
    BoardCreated
    | BoardUpdated
    | ParticipantJoined
    | ParticipantUpdated
    | ParticipantErased
    | LinkReplaced
    | FrameCreated
    | FrameUpdated
    | FrameMoved
    | FrameDeleted
    | FrameTidied
    | NoteCreated
    | NoteEdited
    | NoteMoved
    | NoteRecolored
    | NoteKindChanged
    | NoteDeleted
    | NotesRevealed
    | AgendaChanged
    | StepChanged
    | TimerChanged
    | AnonymityChanged
    | ReplayChanged
    | BoardRestored
    | LockChanged
    | FollowChanged
    | SpotlightChanged
    | Summoned
    | GroupCreated
    | GroupRenamed
    | GroupDeleted
    | NoteGrouped
    | LinkCreated
    | LinkUpdated
    | LinkDeleted
    | ReadyChanged
    | CollectionChanged
    | ModerationChanged
    | NoteApproved
    | NoteRejected
    | NoteHidden
    | NoteRestored
    | NoteFlagged
    | VoteOpened
    | VoteCast
    | VoteWithdrawn
    | VoteLimitsChanged
    | VoteStatusChanged
    | VoteClosed,
    Field(discriminator="type"),
]
event_body_adapter: TypeAdapter[EventBody] = TypeAdapter(EventBody)


# Bodies whose fields all hold plain JSON values (str, float, int, bool, None)
# and that keep their None values: their data is their fields as they are, in
# order, without a pydantic dump (a few microseconds, for most ops of a busy board).
_PLAIN_BODIES: frozenset[type] = frozenset((NoteEdited, NoteMoved, NoteDeleted))


def event_data(body: EventBody) -> dict[str, Any]:
    """The `data` part of an event as JSON-ready values."""
    if type(body) in _PLAIN_BODIES:
        data = body.__dict__.copy()
        del data["type"]
    else:
        data = body.model_dump(mode="json", exclude={"type"}, exclude_none=body.omit_none)
    # Most note events are about public notes: keep the common wire form short.
    if data.get("private") is False:
        del data["private"]
    if "private_count" in data and data["private_count"] is None:
        del data["private_count"]
    if "withheld" in data and data["withheld"] is None:
        del data["withheld"]
    if data.get("restored") is False:
        del data["restored"]
    return data


def parse_body(event_type: str, data: dict[str, Any]) -> EventBody:
    return event_body_adapter.validate_python({"type": event_type, **data})


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as committed: the body plus what the store assigned."""

    seq: int
    at: int
    actor: str
    op_id: str
    body: EventBody
    # `data` already encoded as JSON, when the store has it (it encodes each
    # event once, for the row it writes, and the fan-out reuses it).
    data_json: bytes = field(default=b"", compare=False, repr=False)

    def to_wire(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "type": self.body.type,
            "at": self.at,
            "actor": self.actor,
            "op_id": self.op_id,
            "data": event_data(self.body),
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> "StoredEvent":
        return cls(
            seq=int(data["seq"]),
            at=int(data["at"]),
            actor=str(data["actor"]),
            op_id=str(data["op_id"]),
            body=parse_body(str(data["type"]), dict(data["data"])),
        )
