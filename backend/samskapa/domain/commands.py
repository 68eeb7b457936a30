"""Commands: what a member asks for. Tagged by `type`; unknown fields refused.

`ClientCommand` is what may arrive over the websocket. `JoinBoard` and
`CreateBoard` are issued by the server itself (REST), never by a client frame.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from .facilitation import Spotlight, Step
from .values import (
    DEADLINE_MAX,
    MAX_FRAMES_PER_BOARD,
    MAX_GROUPS_PER_BOARD,
    MAX_LINKS_PER_BOARD,
    MAX_NOTES_PER_BOARD,
    MAX_STEPS,
    NOTES_PER_MINUTE_MAX,
    TIMER_SECONDS_MAX,
    Anonymity,
    Color,
    ConflictStatus,
    Coord,
    Flag,
    Id,
    Language,
    LinkKind,
    MissionText,
    Name,
    NoteKind,
    NoteText,
    Origin,
    Prompt,
    Reason,
    Resolution,
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
    deadline: Annotated[str, Field(max_length=DEADLINE_MAX)] = ""


class NoteExpect(BaseModel):
    """What a note must still hold for a command to apply (an undo or redo): the
    values the sender's own change left. Only the fields given are checked; an
    explicit `"group_id": null` expects the note to be in no group. A note that
    holds something else — someone changed it since — refuses the command with
    `undo_conflict` (domain/undo.py), so an undo never overwrites a later change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: NoteText | None = None
    x: Coord | None = None
    y: Coord | None = None
    color: Color | None = None
    kind: NoteKind | None = None
    group_id: Id | None = None


class FrameExpect(BaseModel):
    """Like `NoteExpect`, for a frame (only the fields given are checked)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Title | None = None
    prompt: Prompt | None = None
    x: Coord | None = None
    y: Coord | None = None
    w: Size | None = None
    h: Size | None = None


class GroupExpect(BaseModel):
    """Like `NoteExpect`, for a group: the name an undo of a rename expects."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Title | None = None


class LinkExpect(BaseModel):
    """Like `NoteExpect`, for a link between notes (only the fields given are checked)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LinkKind | None = None
    status: ConflictStatus | None = None
    resolution: Resolution | None = None


class CreateNote(_Command):
    """A note at `x`, `y`; or, without a position, at a free place the server
    chooses in `frame_id` (default: the current step's frame) — domain/placement.py."""

    type: Literal["note.create"]
    note_id: Id
    text: NoteText = ""
    x: Coord | None = None
    y: Coord | None = None
    frame_id: Id | None = None
    color: Color = Color.YELLOW
    kind: NoteKind = NoteKind.IDEA

    @model_validator(mode="after")
    def _position_or_frame(self) -> "CreateNote":
        if (self.x is None) != (self.y is None):
            raise ValueError("give both x and y, or neither")
        if self.x is not None and self.frame_id is not None:
            raise ValueError("give a position or a frame, not both")
        return self


class EditNote(_Command):
    type: Literal["note.edit"]
    note_id: Id
    text: NoteText
    expect: NoteExpect | None = None


class MoveNote(_Command):
    type: Literal["note.move"]
    note_id: Id
    x: Coord
    y: Coord
    expect: NoteExpect | None = None


class RecolorNote(_Command):
    type: Literal["note.recolor"]
    note_id: Id
    color: Color
    expect: NoteExpect | None = None


class DeleteNote(_Command):
    type: Literal["note.delete"]
    note_id: Id
    expect: NoteExpect | None = None


class UndeleteNote(_Command):
    """Bring back a note its sender deleted (their undo): as it was, with its
    author, text, place, colour, kind and group (if the group is still there);
    its links and votes do not come back. Not moderation's `note.restore`."""

    type: Literal["note.undelete"]
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
    expect: FrameExpect | None = None


class MoveFrame(_Command):
    """Move a frame to `x`, `y` with everything in it: its notes (and so their
    groups and links) travel by the same offset. `frame.update` with `x`, `y`
    moves only the outline (a resize from the left or top edge)."""

    type: Literal["frame.move"]
    frame_id: Id
    x: Coord
    y: Coord
    expect: FrameExpect | None = None


class DeleteFrame(_Command):
    type: Literal["frame.delete"]
    frame_id: Id
    expect: FrameExpect | None = None


class TidyFrame(_Command):
    """Pack the frame's notes in a grid, each group on rows of its own (facilitator)."""

    type: Literal["frame.tidy"]
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
    blind: Flag = True
    anonymous: Flag = True


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


class ChangeNoteKind(_Command):
    type: Literal["note.kind"]
    note_id: Id
    kind: NoteKind
    expect: NoteExpect | None = None


# --- the facilitator's structure -------------------------------------------


class SetAgenda(_Command):
    """Replace the agenda (the panel edits it as a whole: add, change, reorder)."""

    type: Literal["agenda.set"]
    steps: Annotated[tuple[Step, ...], Field(max_length=MAX_STEPS)]


class GoToStep(_Command):
    """Make a step current (`null`: no step, the board is a free canvas)."""

    type: Literal["agenda.go"]
    step_id: Id | None


TimerSeconds = Annotated[int, Field(ge=1, le=TIMER_SECONDS_MAX, strict=True)]


class StartTimer(_Command):
    """Start a countdown of `seconds`, or resume a paused one (no `seconds`)."""

    type: Literal["timer.start"]
    seconds: TimerSeconds | None = None


class PauseTimer(_Command):
    type: Literal["timer.pause"]


class AddTime(_Command):
    type: Literal["timer.add"]
    seconds: TimerSeconds


class StopTimer(_Command):
    type: Literal["timer.stop"]


class RevealNotes(_Command):
    """End silent writing: every private note becomes visible to all."""

    type: Literal["notes.reveal"]


class SetAnonymity(_Command):
    type: Literal["board.anonymity"]
    mode: Anonymity


class SetReplay(_Command):
    """Let participants and observers replay the board (facilitators always may)."""

    type: Literal["board.replay"]
    allowed: Flag


class LockBoard(_Command):
    type: Literal["board.lock"]
    locked: Flag


class Follow(_Command):
    """Ask everyone to follow the sender's viewport (or stop asking)."""

    type: Literal["attention.follow"]
    on: Flag


class SetSpotlight(_Command):
    type: Literal["attention.spotlight"]
    target: Spotlight | None


class Summon(_Command):
    """Bring everyone's viewport to this rectangle, once."""

    type: Literal["attention.summon"]
    x: Coord
    y: Coord
    w: Size
    h: Size


# --- clusters and links ----------------------------------------------------


class CreateGroup(_Command):
    type: Literal["group.create"]
    group_id: Id
    name: Title = ""
    note_ids: Annotated[tuple[Id, ...], Field(min_length=1, max_length=200)]


class RenameGroup(_Command):
    type: Literal["group.rename"]
    group_id: Id
    name: Title
    expect: GroupExpect | None = None


class DeleteGroup(_Command):
    """Ungroup: the notes stay, the group goes."""

    type: Literal["group.delete"]
    group_id: Id


class GroupNote(_Command):
    """Put a note into a group, or take it out (`group_id: null`)."""

    type: Literal["note.group"]
    note_id: Id
    group_id: Id | None
    expect: NoteExpect | None = None


class CreateLink(_Command):
    type: Literal["link.create"]
    link_id: Id
    from_id: Id
    to_id: Id
    kind: LinkKind = LinkKind.CONFLICTS


class UpdateLink(_Command):
    type: Literal["link.update"]
    link_id: Id
    kind: LinkKind | None = None
    status: ConflictStatus | None = None
    resolution: Resolution | None = None
    expect: LinkExpect | None = None


class DeleteLink(_Command):
    type: Literal["link.delete"]
    link_id: Id
    expect: LinkExpect | None = None


# --- an idea collection over days (collection.py) --------------------------

# Epoch milliseconds, up to the year 2200: strict, so "12" or true is refused.
Instant = Annotated[int, Field(ge=0, le=7_258_118_400_000, strict=True)]


class ScheduleCollection(_Command):
    """Set when the board (or a step) opens for contributions and when it closes.

    Both dates left out clear the schedule. On a closed collection this reopens it.
    """

    type: Literal["collection.schedule"]
    step_id: Id | None = None
    opens_at: Instant | None = None
    closes_at: Instant | None = None


class CloseCollection(_Command):
    """Close now. `deadline` is set only by the server's own close at a deadline:
    it is refused unless that is still the deadline."""

    type: Literal["collection.close"]
    step_id: Id | None = None
    deadline: Instant | None = None


class SetReady(_Command):
    """ "I'm done with this step" (or not yet)."""

    type: Literal["step.ready"]
    ready: Flag


# --- moderation for an open board (moderation.py) --------------------------

NotesPerMinute = Annotated[int, Field(ge=1, le=NOTES_PER_MINUTE_MAX, strict=True)]


class SetModeration(_Command):
    """Whether participants' new notes wait for approval, and how many new notes
    a participant may add per minute (`None`: no limit)."""

    type: Literal["board.moderation"]
    approval: Flag
    notes_per_minute: NotesPerMinute | None = None


class ApproveNote(_Command):
    """Publish a waiting (or rejected) note."""

    type: Literal["note.approve"]
    note_id: Id


class RejectNote(_Command):
    """Keep a waiting note from everyone else; its author sees `reason`."""

    type: Literal["note.reject"]
    note_id: Id
    reason: Reason = ""


class HideNote(_Command):
    """Take a published note down; its author sees `reason`."""

    type: Literal["note.hide"]
    note_id: Id
    reason: Reason = ""


class RestoreNote(_Command):
    """Publish a hidden note again."""

    type: Literal["note.restore"]
    note_id: Id


class FlagNote(_Command):
    """Tell the facilitators a note needs their eyes (once per member and note)."""

    type: Literal["note.flag"]
    note_id: Id


ModerationCommand = SetModeration | ApproveNote | RejectNote | HideNote | RestoreNote | FlagNote


# Decided in decide_facilitation.py.
FacilitationCommand = (
    ChangeNoteKind
    | SetAgenda
    | GoToStep
    | StartTimer
    | PauseTimer
    | AddTime
    | StopTimer
    | RevealNotes
    | SetAnonymity
    | SetReplay
    | LockBoard
    | Follow
    | SetSpotlight
    | Summon
    | CreateGroup
    | RenameGroup
    | DeleteGroup
    | GroupNote
    | CreateLink
    | UpdateLink
    | DeleteLink
    | SetReady
    | ScheduleCollection
    | CloseCollection
)

ClientCommand = Annotated[
    CreateNote
    | EditNote
    | MoveNote
    | RecolorNote
    | DeleteNote
    | UndeleteNote
    | FacilitationCommand
    | ModerationCommand
    | CreateFrame
    | UpdateFrame
    | MoveFrame
    | DeleteFrame
    | TidyFrame
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
    anonymity: Anonymity = Anonymity.OFF


class JoinBoard(_Command):
    type: Literal["participant.join"] = "participant.join"
    member_id: Id
    name: Name
    sector: Sector = Sector.OTHER
    role: Role


class ContentFrame(_Command):
    id: Id
    title: Title = ""
    prompt: Prompt = ""
    x: Coord
    y: Coord
    w: Size
    h: Size


class ContentNote(_Command):
    """A note as a restored board holds it: no author (the new board has no
    members yet), its origin kept (top-down or bottom-up), always public."""

    id: Id
    text: NoteText = ""
    x: Coord
    y: Coord
    color: Color = Color.YELLOW
    kind: NoteKind = NoteKind.IDEA
    origin: Origin = Origin.PARTICIPANT
    group_id: Id | None = None


class ContentGroup(_Command):
    id: Id
    name: Title = ""


class ContentLink(_Command):
    id: Id
    from_id: Id
    to_id: Id
    kind: LinkKind = LinkKind.CONFLICTS
    status: ConflictStatus = ConflictStatus.OPEN
    resolution: Resolution = ""


class RestoreBoard(_Command):
    """Fill a new, empty board with content from another moment or file (fork,
    import). Server-issued, right after `board.create`; one event, so a restored
    board is all there or not at all."""

    type: Literal["board.restore"] = "board.restore"
    frames: Annotated[tuple[ContentFrame, ...], Field(max_length=MAX_FRAMES_PER_BOARD)] = ()
    notes: Annotated[tuple[ContentNote, ...], Field(max_length=MAX_NOTES_PER_BOARD)] = ()
    groups: Annotated[tuple[ContentGroup, ...], Field(max_length=MAX_GROUPS_PER_BOARD)] = ()
    links: Annotated[tuple[ContentLink, ...], Field(max_length=MAX_LINKS_PER_BOARD)] = ()
    agenda: Annotated[tuple[Step, ...], Field(max_length=MAX_STEPS)] = ()


class ReplaceLink(_Command):
    """Replace a role's access link (a leaked one). Server-issued (REST), since
    only the facilitator who asked may receive the new token; the event names
    the role, never a token."""

    type: Literal["access.replace"] = "access.replace"
    role: Role


class EraseParticipant(_Command):
    """Erase a member's personal data (name, credential). Server-issued: REST for
    facilitators, or the operator's command line."""

    type: Literal["participant.erase"] = "participant.erase"
    member_id: Id


Command = ClientCommand | CreateBoard | JoinBoard | RestoreBoard | ReplaceLink | EraseParticipant
