"""Who may do what: role × command. The only place such rules live.

The browser hides what a role cannot do, but this is what holds.
`tests/domain/test_policy.py` checks every command against every role.
"""

from dataclasses import dataclass

from .commands import (
    CastVote,
    ChangeLimits,
    ClientCommand,
    CloseRound,
    CreateFrame,
    CreateNote,
    DeleteFrame,
    DeleteNote,
    EditNote,
    MoveNote,
    OpenRound,
    RecolorNote,
    SetVoteStatus,
    UpdateBoard,
    UpdateFrame,
    UpdateParticipant,
    WithdrawVote,
)
from .errors import DomainError, ErrorCode
from .state import BoardState
from .values import Role


@dataclass(frozen=True, slots=True)
class Actor:
    member_id: str
    role: Role


_FACILITATOR_ONLY = (
    CreateFrame,
    UpdateFrame,
    DeleteFrame,
    UpdateBoard,
    OpenRound,
    ChangeLimits,
    CloseRound,
)
_PARTICIPANT_WRITES = (
    CreateNote,
    EditNote,
    MoveNote,
    OpenRound,
    RecolorNote,
    SetVoteStatus,
    DeleteNote,
    CastVote,
    WithdrawVote,
    SetVoteStatus,
)


def authorize(state: BoardState, command: ClientCommand, actor: Actor) -> None:
    """Raise `forbidden` unless `actor` may issue `command` on this board now."""
    if isinstance(command, UpdateParticipant):
        return  # everyone may rename themselves; it only ever touches the sender
    if actor.role is Role.FACILITATOR:
        return
    if actor.role is Role.OBSERVER:
        raise DomainError(ErrorCode.FORBIDDEN, "Observers cannot change the board.")
    if isinstance(command, _FACILITATOR_ONLY):
        raise DomainError(ErrorCode.FORBIDDEN, "Only a facilitator may do this.")
    if isinstance(command, DeleteNote):
        note = state.notes.get(command.note_id)
        if note is not None and note.author != actor.member_id:
            raise DomainError(ErrorCode.FORBIDDEN, "Participants may delete only their own notes.")
    assert isinstance(command, _PARTICIPANT_WRITES)
