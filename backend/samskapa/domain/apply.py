"""`apply(state, event) -> state`: the one fold used by live state, catch-up and replay.

For speed the fold updates the given state in place and returns it; callers that
must keep the old state hand in `state.copy()` (entities are immutable, so that
copy is cheap and complete). The browser's `frontend/js/state.js` mirrors this
function; keep them in step.
"""

from typing import assert_never

from .events import (
    BoardCreated,
    BoardUpdated,
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
    StoredEvent,
    VoteCast,
    VoteClosed,
    VoteLimitsChanged,
    VoteOpened,
    VoteStatusChanged,
    VoteWithdrawn,
)
from .state import NOTE_HEIGHT, NOTE_WIDTH, BoardState, Frame
from .voting import VoteStatus


def apply(state: BoardState, event: StoredEvent) -> BoardState:
    body = event.body
    match body:
        case BoardCreated():
            state.board = body.board
        case BoardUpdated():
            assert state.board is not None
            changes = body.model_dump(exclude={"type"}, exclude_none=True)
            if body.mission is not None:
                changes["mission"] = body.mission
            state.board = state.board.model_copy(update=changes)
        case ParticipantJoined():
            state.participants[body.participant.id] = body.participant
        case ParticipantUpdated():
            member = state.participants[body.participant_id]
            state.participants[member.id] = member.model_copy(
                update=body.model_dump(exclude={"type", "participant_id"}, exclude_none=True)
            )
        case FrameCreated():
            state.frames[body.frame.id] = body.frame
            _refit(state, set(), body.frame)
        case FrameUpdated():
            frame = state.frames[body.frame_id]
            moved = frame.model_copy(
                update=body.model_dump(exclude={"type", "frame_id"}, exclude_none=True)
            )
            state.frames[frame.id] = moved
            _refit(state, {frame.id}, moved)
        case FrameDeleted():
            del state.frames[body.frame_id]
            # Notes stay where they are, in whatever frame is now under them.
            _refit(state, {body.frame_id}, None)
        case NoteCreated():
            state.notes[body.note.id] = body.note
        case NoteEdited():
            state.notes[body.note_id] = state.notes[body.note_id].model_copy(
                update={"text": body.text}
            )
        case NoteMoved():
            state.notes[body.note_id] = state.notes[body.note_id].model_copy(
                update={"x": body.x, "y": body.y, "frame_id": body.frame_id}
            )
        case NoteRecolored():
            state.notes[body.note_id] = state.notes[body.note_id].model_copy(
                update={"color": body.color}
            )
        case NoteDeleted():
            del state.notes[body.note_id]
            state.votes.refund_note(body.note_id)
        case VoteOpened():
            state.votes.rounds[body.round.id] = body.round
            state.votes.open_round = body.round.id
        case VoteCast():
            state.votes.add(body.round_id, body.voter, body.note_id, 1)
        case VoteWithdrawn():
            state.votes.add(body.round_id, body.voter, body.note_id, -1)
        case VoteLimitsChanged():
            book = state.votes
            book.rounds[body.round_id] = book.rounds[body.round_id].model_copy(
                update={"budget": body.budget, "cap": body.cap}
            )
        case VoteStatusChanged():
            key = f"{body.round_id}|{body.voter}"
            if body.status is VoteStatus.VOTING:
                state.votes.status.pop(key, None)
            else:
                state.votes.status[key] = body.status
        case VoteClosed():
            book = state.votes
            book.rounds[body.round_id] = book.rounds[body.round_id].model_copy(
                update={"closed_at": body.closed_at, "results": body.results}
            )
            if book.open_round == body.round_id:
                book.open_round = None
        case _:
            assert_never(body)
    state.seq = event.seq
    return state


def _refit(state: BoardState, frame_ids: set[str], area: Frame | None) -> None:
    """Keep notes in the frame under them when frames appear, move or go.

    A note belongs to the topmost frame holding its centre (`BoardState.frame_at`).
    Only notes that were in one of `frame_ids` or lie in `area` can change, so
    only those are looked at.
    """
    for note in list(state.notes.values()):
        cx, cy = note.x + NOTE_WIDTH / 2, note.y + NOTE_HEIGHT / 2
        if note.frame_id in frame_ids or (area is not None and area.contains(cx, cy)):
            frame_id = state.frame_at(note.x, note.y)
            if frame_id != note.frame_id:
                state.notes[note.id] = note.model_copy(update={"frame_id": frame_id})


def fold(events: list[StoredEvent], state: BoardState | None = None) -> BoardState:
    state = state if state is not None else BoardState()
    for event in events:
        apply(state, event)
    return state
