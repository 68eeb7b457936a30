"""Who may do what: role × agenda step × board state. The only place such rules live.

The browser hides what a member cannot do, but this is what holds.
`tests/domain/test_policy.py` checks every command against every role and every
step rule.

- Observers change nothing (they may rename themselves).
- Facilitators may do everything, except touch another member's private note:
  for them, as for everyone, it does not exist until the reveal.
- A note waiting for approval, rejected or hidden exists only for its author
  and the facilitators (`may_see`); a participant may flag a note in any step.
- Participants do what the current step allows (`StepRules`; the free canvas
  when no step runs), nothing while the board is locked, and never the
  facilitator's structure. "I'm done" and renaming oneself are always allowed.
- An undo is a command like any other (domain/undo.py): undoing a deletion
  (`note.undelete`) follows the rule for deleting.
"""

from dataclasses import dataclass

from .commands import (
    AddTime,
    ApproveNote,
    CastVote,
    ChangeLimits,
    ChangeNoteKind,
    ClientCommand,
    CloseCollection,
    CloseRound,
    CreateFrame,
    CreateGroup,
    CreateLink,
    CreateNote,
    DeleteFrame,
    DeleteGroup,
    DeleteLink,
    DeleteNote,
    EditNote,
    FlagNote,
    Follow,
    GoToStep,
    GroupNote,
    HideNote,
    LockBoard,
    MoveFrame,
    MoveNote,
    OpenRound,
    PauseTimer,
    RecolorNote,
    RejectNote,
    RenameGroup,
    RestoreNote,
    RevealNotes,
    ScheduleCollection,
    SetAgenda,
    SetAnonymity,
    SetModeration,
    SetReady,
    SetReplay,
    SetSpotlight,
    SetVoteStatus,
    StartTimer,
    StopTimer,
    Summon,
    TidyFrame,
    UndeleteNote,
    UpdateBoard,
    UpdateFrame,
    UpdateLink,
    UpdateParticipant,
    WithdrawVote,
)
from .errors import DomainError, ErrorCode
from .state import BoardState, Note
from .values import Anonymity, EditScope, Role, WriteMode
from .voting import pseudonym


@dataclass(frozen=True, slots=True)
class Actor:
    member_id: str
    role: Role


FACILITATOR_ONLY = (
    CreateFrame,
    UpdateFrame,
    MoveFrame,
    DeleteFrame,
    TidyFrame,
    UpdateBoard,
    OpenRound,
    ChangeLimits,
    CloseRound,
    SetAgenda,
    GoToStep,
    StartTimer,
    PauseTimer,
    AddTime,
    StopTimer,
    RevealNotes,
    SetAnonymity,
    SetReplay,
    LockBoard,
    Follow,
    SetSpotlight,
    Summon,
    ScheduleCollection,
    CloseCollection,
    SetModeration,
    ApproveNote,
    RejectNote,
    HideNote,
    RestoreNote,
)
MODERATING = (ApproveNote, RejectNote, HideNote, RestoreNote)
NOTE_CHANGES = (EditNote, MoveNote, RecolorNote, ChangeNoteKind, DeleteNote)
GROUPING = (CreateGroup, RenameGroup, DeleteGroup, GroupNote)
LINKING = (CreateLink, UpdateLink, DeleteLink)
VOTING = (CastVote, WithdrawVote, SetVoteStatus)
# Flagging works in any step and on a locked board: it changes nothing anyone sees.
ALWAYS = (UpdateParticipant, SetReady, FlagNote)
# The same groups as sets of exact classes (commands are final classes), tested
# with `type(command) in …`: a failed isinstance test against a pydantic model
# costs about half a microsecond, and a participant's note move failed some
# twenty of them here before it was allowed.
_FACILITATOR_ONLY: frozenset[type] = frozenset(FACILITATOR_ONLY)
_ALWAYS: frozenset[type] = frozenset(ALWAYS)
_NOTE_CHANGES: frozenset[type] = frozenset(NOTE_CHANGES)
_ONE_NOTE: frozenset[type] = frozenset(
    (*NOTE_CHANGES, *MODERATING, GroupNote, CastVote, WithdrawVote, FlagNote)
)


def author_pseudonym(secret: bytes, member_id: str) -> str:
    """How a participant is recorded as an author on a fully anonymous board.
    ("author:" cannot be a round id, so it never equals a voter pseudonym.)"""
    return pseudonym(secret, "author:", member_id)


def author_key(state: BoardState, actor: Actor, secret: bytes) -> str:
    """The `author` a new note of `actor` gets."""
    if state.anonymity is Anonymity.FULL and actor.role is Role.PARTICIPANT:
        return author_pseudonym(secret, actor.member_id)
    return actor.member_id


def is_author(note: Note, member_id: str, secret: bytes) -> bool:
    # A board made fully anonymous after some notes were written holds both forms.
    return note.author == member_id or note.author == author_pseudonym(secret, member_id)


def visible_note(
    state: BoardState, note_id: str, actor: Actor, secret: bytes, deleted: bool = False
) -> Note | None:
    """The note as `actor` may know it: someone else's private note, and for a
    participant someone else's waiting, rejected or hidden note, is "not found",
    never "forbidden", so that not even its existence leaks. `deleted`: look
    among the recently deleted notes (an undo of a deletion)."""
    note = (state.deleted if deleted else state.notes).get(note_id)
    if note is None or is_author(note, actor.member_id, secret):
        return note
    if note.private or (note.withheld and not may_see(actor.role, is_author=False)):
        raise DomainError(ErrorCode.NOT_FOUND, f"Note {note_id} does not exist.")
    return note


def may_see(role: Role, is_author: bool) -> bool:
    """Whether a viewer may see a withheld note (waiting, rejected or hidden:
    domain/moderation.py), or an event about one: its author and facilitators
    may, nobody else. Every projection of such notes asks this."""
    return is_author or role is Role.FACILITATOR


def _touched_notes(command: ClientCommand) -> tuple[str, ...]:
    if type(command) in _ONE_NOTE:
        return (command.note_id,)  # type: ignore[union-attr]
    if isinstance(command, CreateGroup):
        return command.note_ids
    if isinstance(command, CreateLink):
        return (command.from_id, command.to_id)
    return ()


def authorize(state: BoardState, command: ClientCommand, actor: Actor, secret: bytes = b"") -> None:
    """Raise a `DomainError` unless `actor` may issue `command` on this board now."""
    kind = type(command)
    if kind is UpdateParticipant:
        return  # it only ever touches the sender
    if actor.role is Role.OBSERVER:
        raise DomainError(ErrorCode.FORBIDDEN, "Observers cannot change the board.")
    notes = [visible_note(state, note_id, actor, secret) for note_id in _touched_notes(command)]
    if isinstance(command, UndeleteNote):
        notes = [visible_note(state, command.note_id, actor, secret, deleted=True)]
    if actor.role is Role.FACILITATOR:
        return
    if kind in _FACILITATOR_ONLY:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a facilitator may do this.")
    if kind in _ALWAYS:
        return
    if state.attention.locked:
        raise DomainError(ErrorCode.BOARD_LOCKED, "The facilitator has locked the board.")
    rules = state.rules
    if kind is CreateNote:
        if rules.write is WriteMode.NONE:
            raise DomainError(ErrorCode.STEP_FORBIDS, "This step is not for writing notes.")
    elif kind in _NOTE_CHANGES or kind is UndeleteNote:
        note = notes[0]
        own = note is None or is_author(note, actor.member_id, secret)
        if rules.edit is EditScope.NONE:
            raise DomainError(ErrorCode.STEP_FORBIDS, "Notes cannot be changed in this step.")
        if rules.edit is EditScope.OWN and not own:
            raise DomainError(
                ErrorCode.STEP_FORBIDS, "In this step you may change only your own notes."
            )
        if (kind is DeleteNote or kind is UndeleteNote) and not own:
            # Bringing back a deleted note is deleting undone: the same rule.
            raise DomainError(ErrorCode.FORBIDDEN, "Participants may delete only their own notes.")
    elif isinstance(command, GROUPING):
        if not rules.group:
            raise DomainError(ErrorCode.STEP_FORBIDS, "Grouping is not part of this step.")
    elif isinstance(command, LINKING):
        if not rules.link:
            raise DomainError(ErrorCode.STEP_FORBIDS, "Linking is not part of this step.")
    else:
        assert isinstance(command, VOTING), command
        if not rules.vote:
            raise DomainError(ErrorCode.STEP_FORBIDS, "Voting is not part of this step.")
