"""The state of one board, as folded from its events.

Entities are frozen pydantic models, so a shallow copy of the maps is a real
copy: the event store's writer decides a batch of commands on such a copy
(`shared`, copied on write) and throws it away if the commit fails (see
store/eventstore.py).
"""

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ConfigDict

from .collection import Schedule
from .commands import Mission
from .facilitation import FREE, Attention, Group, Link, Step, StepRules, Timer
from .values import Anonymity, Color, Language, Moderation, NoteKind, Origin, Role, Sector
from .voting import BallotBook, Dump, dump_entity

# The nominal size of a note in board units. Frame membership is decided by the
# point at the centre of this box, so it matches what people see.
NOTE_WIDTH = 160.0
NOTE_HEIGHT = 120.0


class _Entity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BoardInfo(_Entity):
    id: str
    title: str
    language: Language
    mission: Mission
    created_at: int
    anonymity: Anonymity = Anonymity.OFF
    # Participants and observers may replay the board (facilitators always may).
    replay: bool = False
    # Participants' new notes wait for a facilitator's approval (domain/moderation.py).
    approval: bool = False
    # The most new notes a participant may add per minute (None: no limit).
    notes_per_minute: int | None = None


class Participant(_Entity):
    id: str
    name: str
    sector: Sector
    role: Role


class Frame(_Entity):
    id: str
    title: str
    prompt: str
    x: float
    y: float
    w: float
    h: float

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.w and self.y <= y <= self.y + self.h


class Note(_Entity):
    id: str
    text: str
    x: float
    y: float
    color: Color
    kind: NoteKind
    frame_id: str | None
    # A member id, or the member's pseudonym on a fully anonymous board.
    author: str
    origin: Origin
    # Written in a private step and not yet revealed: only the author sees it.
    private: bool = False
    group_id: str | None = None
    # Anything but published: only the author and facilitators see it, with the
    # facilitator's reason (domain/moderation.py).
    moderation: Moderation = Moderation.PUBLISHED
    reason: str = ""

    @property
    def withheld(self) -> bool:
        return self.moderation is not Moderation.PUBLISHED

    @property
    def public(self) -> bool:
        """Everyone may see it: neither private nor withheld."""
        return not self.private and self.moderation is Moderation.PUBLISHED


# The maps of a board's state (`BoardState.own`); `votes` holds maps of its own.
_MAPS = (
    "participants",
    "frames",
    "notes",
    "groups",
    "links",
    "ready",
    "schedules",
    "flags",
    "note_times",
    "deleted",
)


@dataclass(slots=True)
class BoardState:
    board: BoardInfo | None = None
    seq: int = 0
    participants: dict[str, Participant] = field(default_factory=dict)
    # Insertion order is drawing order: later frames are on top.
    frames: dict[str, Frame] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    votes: BallotBook = field(default_factory=BallotBook)
    groups: dict[str, Group] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    agenda: tuple[Step, ...] = ()
    current_step: str | None = None
    timer: Timer = field(default_factory=Timer)
    attention: Attention = field(default_factory=Attention)
    # Who said "I'm done", per step id.
    ready: dict[str, frozenset[str]] = field(default_factory=dict)
    # How many notes are private right now (kept by the fold, shown to everyone).
    private_count: int = 0
    # When the board ("") and agenda steps (by id) are open for contributions.
    schedules: dict[str, Schedule] = field(default_factory=dict)
    # Who flagged each note (member ids, or author pseudonyms on a fully
    # anonymous board): facilitators see only the counts, a member their own.
    flags: dict[str, frozenset[str]] = field(default_factory=dict)
    # Notes hidden and not restored since (also once deleted): replay keeps them
    # from everyone but their author and facilitators at every moment.
    taken_down: frozenset[str] = frozenset()
    # When each author's latest participant notes were created (the last minute's
    # worth, for the board's notes-per-minute limit). Never sent to a client.
    note_times: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # The most recently deleted notes as they were (values.MAX_UNDELETE of them,
    # oldest first), for their sender's undo (`note.undelete`, domain/undo.py).
    # Never sent to a client.
    deleted: dict[str, Note] = field(default_factory=dict)
    # Which maps this state may change in place: None, all (the usual); else
    # the names of those copied so far: a `shared` copy starts with none, and
    # the fold copies a map before its first change (`own`).
    owned: set[str] | None = field(default=None, compare=False, repr=False)

    def copy(self) -> "BoardState":
        """A copy that shares the (immutable) entities but not the maps."""
        return BoardState(
            board=self.board,
            seq=self.seq,
            participants=dict(self.participants),
            frames=dict(self.frames),
            notes=dict(self.notes),
            votes=self.votes.copy(),
            groups=dict(self.groups),
            links=dict(self.links),
            agenda=self.agenda,
            current_step=self.current_step,
            timer=self.timer,
            attention=self.attention,
            ready=dict(self.ready),
            private_count=self.private_count,
            schedules=dict(self.schedules),
            flags=dict(self.flags),
            taken_down=self.taken_down,
            note_times=dict(self.note_times),
            deleted=dict(self.deleted),
        )

    def shared(self) -> "BoardState":
        """A copy that shares the maps too, until it changes them (`own`).

        What the event store's writer decides a batch on: most ops change one
        map (a note move, the notes), so a batch touching fifty boards copies
        fifty of those instead of every map of fifty boards.
        """
        return replace(self, owned=set())

    def own(self, names: tuple[str, ...] | None) -> None:
        """Copy these maps (None: all) unless this state has its own already."""
        owned = self.owned
        if owned is None:
            return
        if names is None:
            for name in _MAPS:
                if name not in owned:
                    setattr(self, name, dict(getattr(self, name)))
            if "votes" not in owned:
                self.votes = self.votes.copy()
            self.owned = None
            return
        for name in names:
            if name not in owned:
                setattr(self, name, dict(getattr(self, name)))
                owned.add(name)

    @property
    def step(self) -> Step | None:
        for step in self.agenda:
            if step.id == self.current_step:
                return step
        return None

    @property
    def rules(self) -> StepRules:
        """What participants may do now."""
        step = self.step
        return step.rules if step is not None else FREE

    @property
    def anonymity(self) -> Anonymity:
        return self.board.anonymity if self.board is not None else Anonymity.OFF

    def frame_at(self, x: float, y: float) -> str | None:
        """The topmost frame holding a note whose top-left corner is (x, y)."""
        cx, cy = x + NOTE_WIDTH / 2, y + NOTE_HEIGHT / 2
        for frame in reversed(self.frames.values()):
            if frame.contains(cx, cy):
                return frame.id
        return None

    def to_json(self, dump: "Dump | None" = None) -> dict[str, Any]:
        """The state as JSON values; `dump` turns one entity into JSON (replay
        passes one that remembers the dumps of unchanged entities)."""
        d = dump or dump_entity
        return {
            "board": d(self.board) if self.board else None,
            "seq": self.seq,
            "participants": {k: d(v) for k, v in self.participants.items()},
            "frames": {k: d(v) for k, v in self.frames.items()},
            "notes": {k: d(v) for k, v in self.notes.items()},
            "votes": self.votes.to_json(d),
            "groups": {k: d(v) for k, v in self.groups.items()},
            "links": {k: d(v) for k, v in self.links.items()},
            "agenda": [d(s) for s in self.agenda],
            "current_step": self.current_step,
            "timer": d(self.timer),
            "attention": d(self.attention),
            "ready": {k: sorted(v) for k, v in self.ready.items()},
            "private_count": self.private_count,
            "schedules": {k: d(v) for k, v in self.schedules.items()},
            "flags": {k: sorted(v) for k, v in self.flags.items()},
            "taken_down": sorted(self.taken_down),
            "note_times": {k: list(v) for k, v in self.note_times.items()},
            "deleted": {k: d(v) for k, v in self.deleted.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "BoardState":
        board = data.get("board")
        return cls(
            board=BoardInfo.model_validate(board) if board else None,
            seq=int(data["seq"]),
            participants={
                k: Participant.model_validate(v) for k, v in data["participants"].items()
            },
            frames={k: Frame.model_validate(v) for k, v in data["frames"].items()},
            notes={k: Note.model_validate(v) for k, v in data["notes"].items()},
            votes=BallotBook.from_json(data.get("votes")),
            # Snapshots written before facilitation existed lack these.
            groups={k: Group.model_validate(v) for k, v in data.get("groups", {}).items()},
            links={k: Link.model_validate(v) for k, v in data.get("links", {}).items()},
            agenda=tuple(Step.model_validate(s) for s in data.get("agenda", [])),
            current_step=data.get("current_step"),
            timer=Timer.model_validate(data.get("timer", {})),
            attention=Attention.model_validate(data.get("attention", {})),
            ready={k: frozenset(v) for k, v in data.get("ready", {}).items()},
            private_count=int(data.get("private_count", 0)),
            schedules={k: Schedule.model_validate(v) for k, v in data.get("schedules", {}).items()},
            flags={k: frozenset(v) for k, v in data.get("flags", {}).items()},
            taken_down=frozenset(data.get("taken_down", ())),
            note_times={k: tuple(v) for k, v in data.get("note_times", {}).items()},
            deleted={k: Note.model_validate(v) for k, v in data.get("deleted", {}).items()},
        )
