"""The state of one board, as folded from its events.

Entities are frozen pydantic models, so a shallow copy of the maps is a real
copy: the event store's writer decides a batch of commands on such a copy and
throws it away if the commit fails (see store/writer.py).
"""

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from .commands import Mission
from .values import Color, Language, NoteKind, Origin, Role, Sector
from .voting import BallotBook

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
    author: str
    origin: Origin


@dataclass(slots=True)
class BoardState:
    board: BoardInfo | None = None
    seq: int = 0
    participants: dict[str, Participant] = field(default_factory=dict)
    # Insertion order is drawing order: later frames are on top.
    frames: dict[str, Frame] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    votes: BallotBook = field(default_factory=BallotBook)

    def copy(self) -> "BoardState":
        """A copy that shares the (immutable) entities but not the maps."""
        return BoardState(
            board=self.board,
            seq=self.seq,
            participants=dict(self.participants),
            frames=dict(self.frames),
            notes=dict(self.notes),
            votes=self.votes.copy(),
        )

    def frame_at(self, x: float, y: float) -> str | None:
        """The topmost frame holding a note whose top-left corner is (x, y)."""
        cx, cy = x + NOTE_WIDTH / 2, y + NOTE_HEIGHT / 2
        for frame in reversed(self.frames.values()):
            if frame.contains(cx, cy):
                return frame.id
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "board": self.board.model_dump(mode="json") if self.board else None,
            "seq": self.seq,
            "participants": {k: v.model_dump(mode="json") for k, v in self.participants.items()},
            "frames": {k: v.model_dump(mode="json") for k, v in self.frames.items()},
            "notes": {k: v.model_dump(mode="json") for k, v in self.notes.items()},
            "votes": self.votes.to_json(),
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
        )
