"""Commands: what a member asks for. Tagged by `type`; unknown fields refused.

`ClientCommand` is what may arrive over the websocket. `JoinBoard` and
`CreateBoard` are issued by the server itself (REST), never by a client frame.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .values import (
    Color,
    Coord,
    Id,
    Language,
    MissionText,
    Name,
    NoteKind,
    NoteText,
    Prompt,
    Role,
    Sector,
    Size,
    Title,
)
from .voting import BUDGET_MAX, VoteStatus


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mission(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    statement: MissionText = ""
    measure: MissionText = ""
    deadline: Annotated[str, Field(max_length=40)] = ""


class CreateNote(_Command):
    type: Literal["note.create"]
    note_id: Id
    text: NoteText = ""
    x: Coord
    y: Coord
    color: Color = Color.YELLOW
    kind: NoteKind = NoteKind.IDEA


class EditNote(_Command):
    type: Literal["note.edit"]
    note_id: Id
    text: NoteText


class MoveNote(_Command):
    type: Literal["note.move"]
    note_id: Id
    x: Coord
    y: Coord


class RecolorNote(_Command):
    type: Literal["note.recolor"]
    note_id: Id
    color: Color


class DeleteNote(_Command):
    type: Literal["note.delete"]
    note_id: Id


class CreateFrame(_Command):
    type: Literal["frame.create"]
    frame_id: Id
    title: Title = ""
    prompt: Prompt = ""
    x: Coord
    y: Coord
    w: Size
    h: Size


class UpdateFrame(_Command):
    type: Literal["frame.update"]
    frame_id: Id
    title: Title | None = None
    prompt: Prompt | None = None
    x: Coord | None = None
    y: Coord | None = None
    w: Size | None = None
    h: Size | None = None


class DeleteFrame(_Command):
    type: Literal["frame.delete"]
    frame_id: Id


class UpdateBoard(_Command):
    type: Literal["board.update"]
    title: Title | None = None
    mission: Mission | None = None


class UpdateParticipant(_Command):
    type: Literal["participant.update"]
    name: Name | None = None
    sector: Sector | None = None


VoteCount = Annotated[int, Field(ge=1, le=BUDGET_MAX, strict=True)]


class OpenRound(_Command):
    """Open a dot-vote round over the board or one frame (facilitator)."""

    type: Literal["vote.open"]
    round_id: Id
    title: Title = ""
    frame_id: Id | None = None
    kinds: Annotated[tuple[NoteKind, ...], Field(min_length=1, max_length=7)] | None = None
    budget: VoteCount = 5
    cap: VoteCount = 3
    blind: bool = True
    anonymous: bool = True


class ChangeLimits(_Command):
    type: Literal["vote.limits"]
    round_id: Id
    budget: VoteCount
    cap: VoteCount


class CloseRound(_Command):
    type: Literal["vote.close"]
    round_id: Id


class CastVote(_Command):
    type: Literal["vote.cast"]
    round_id: Id
    note_id: Id


class WithdrawVote(_Command):
    type: Literal["vote.withdraw"]
    round_id: Id
    note_id: Id


class SetVoteStatus(_Command):
    """ "I'm done", "I abstain", or back to voting."""

    type: Literal["vote.status"]
    round_id: Id
    status: VoteStatus


ClientCommand = Annotated[
    CreateNote
    | EditNote
    | MoveNote
    | RecolorNote
    | DeleteNote
    | CreateFrame
    | UpdateFrame
    | DeleteFrame
    | UpdateBoard
    | UpdateParticipant
    | OpenRound
    | ChangeLimits
    | CloseRound
    | CastVote
    | WithdrawVote
    | SetVoteStatus,
    Field(discriminator="type"),
]
client_command_adapter: TypeAdapter[ClientCommand] = TypeAdapter(ClientCommand)


class CreateBoard(_Command):
    type: Literal["board.create"] = "board.create"
    board_id: Id
    title: Title
    language: Language = Language.SV
    mission: Mission = Mission()


class JoinBoard(_Command):
    type: Literal["participant.join"] = "participant.join"
    member_id: Id
    name: Name
    sector: Sector = Sector.OTHER
    role: Role


Command = ClientCommand | CreateBoard | JoinBoard
