"""`decide(state, command, actor, now) -> event body`, or a `DomainError`.

Pure: the same state, command and actor always give the same answer. The event
store calls it inside the append transaction, so a decision is always made on
the state that the event will follow.
"""

from typing import assert_never

from .commands import (
    Command,
    CreateBoard,
    CreateFrame,
    CreateNote,
    DeleteFrame,
    DeleteNote,
    EditNote,
    JoinBoard,
    MoveNote,
    RecolorNote,
    UpdateBoard,
    UpdateFrame,
    UpdateParticipant,
)
from .errors import DomainError, ErrorCode
from .events import (
    BoardCreated,
    BoardUpdated,
    EventBody,
    FrameCreated,
    FrameDeleted,
    FrameUpdated,
    NoteCreated,
    NoteDeleted,
    NoteEdited,
    NoteMoved,
    NoteRecolored,
    ParticipantJoined,
    ParticipantUpdated,
)
from .policy import Actor, authorize
from .state import BoardInfo, BoardState, Frame, Note, Participant
from .values import MAX_FRAMES_PER_BOARD, MAX_NOTES_PER_BOARD, Origin, Role


def _note(state: BoardState, note_id: str) -> Note:
    note = state.notes.get(note_id)
    if note is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Note {note_id} does not exist.")
    return note


def _frame(state: BoardState, frame_id: str) -> Frame:
    frame = state.frames.get(frame_id)
    if frame is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Frame {frame_id} does not exist.")
    return frame


def decide(state: BoardState, command: Command, actor: Actor, now: int) -> EventBody:
    match command:
        case CreateBoard():
            if state.board is not None:
                raise DomainError(ErrorCode.ALREADY_EXISTS, "The board exists already.")
            return BoardCreated(
                board=BoardInfo(
                    id=command.board_id,
                    title=command.title,
                    language=command.language,
                    mission=command.mission,
                    created_at=now,
                )
            )
        case JoinBoard():
            if command.member_id in state.participants:
                raise DomainError(ErrorCode.ALREADY_EXISTS, "This member has joined already.")
            return ParticipantJoined(
                participant=Participant(
                    id=command.member_id,
                    name=command.name,
                    sector=command.sector,
                    role=command.role,
                )
            )
        case _:
            pass

    if state.board is None:
        raise DomainError(ErrorCode.BOARD_NOT_FOUND, "The board does not exist.")
    authorize(state, command, actor)

    match command:
        case CreateNote():
            if command.note_id in state.notes:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"Note {command.note_id} exists.")
            if len(state.notes) >= MAX_NOTES_PER_BOARD:
                raise DomainError(
                    ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_NOTES_PER_BOARD} notes."
                )
            origin = Origin.FACILITATOR if actor.role is Role.FACILITATOR else Origin.PARTICIPANT
            return NoteCreated(
                note=Note(
                    id=command.note_id,
                    text=command.text,
                    x=command.x,
                    y=command.y,
                    color=command.color,
                    kind=command.kind,
                    frame_id=state.frame_at(command.x, command.y),
                    author=actor.member_id,
                    origin=origin,
                )
            )
        case EditNote():
            _note(state, command.note_id)
            return NoteEdited(note_id=command.note_id, text=command.text)
        case MoveNote():
            _note(state, command.note_id)
            return NoteMoved(
                note_id=command.note_id,
                x=command.x,
                y=command.y,
                frame_id=state.frame_at(command.x, command.y),
            )
        case RecolorNote():
            _note(state, command.note_id)
            return NoteRecolored(note_id=command.note_id, color=command.color)
        case DeleteNote():
            _note(state, command.note_id)
            return NoteDeleted(note_id=command.note_id)
        case CreateFrame():
            if command.frame_id in state.frames:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"Frame {command.frame_id} exists.")
            if len(state.frames) >= MAX_FRAMES_PER_BOARD:
                raise DomainError(
                    ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_FRAMES_PER_BOARD} frames."
                )
            return FrameCreated(
                frame=Frame(
                    id=command.frame_id,
                    title=command.title,
                    prompt=command.prompt,
                    x=command.x,
                    y=command.y,
                    w=command.w,
                    h=command.h,
                )
            )
        case UpdateFrame():
            _frame(state, command.frame_id)
            return FrameUpdated(**command.model_dump(exclude={"type"}))
        case DeleteFrame():
            _frame(state, command.frame_id)
            return FrameDeleted(frame_id=command.frame_id)
        case UpdateBoard():
            return BoardUpdated(title=command.title, mission=command.mission)
        case UpdateParticipant():
            if actor.member_id not in state.participants:
                raise DomainError(ErrorCode.NOT_FOUND, "You have not joined this board.")
            return ParticipantUpdated(
                participant_id=actor.member_id, name=command.name, sector=command.sector
            )
        case _:
            assert_never(command)
