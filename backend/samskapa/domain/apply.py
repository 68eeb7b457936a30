"""`apply(state, event) -> state`: the one fold used by live state, catch-up and replay.

For speed the fold updates the given state in place and returns it; callers that
must keep the old state hand in `state.copy()` (entities are immutable, so that
copy is cheap and complete). Notes, changed on almost every op, are replaced
with `trusted.replaced` (no validation: the new values come from events). The
browser's `frontend/js/core/state.js` mirrors this function; keep them in step.
"""

from typing import assert_never

from .collection import key_of
from .events import (
    AgendaChanged,
    AnonymityChanged,
    BoardCreated,
    BoardRestored,
    BoardUpdated,
    CollectionChanged,
    FollowChanged,
    FrameCreated,
    FrameDeleted,
    FrameMoved,
    FrameTidied,
    FrameUpdated,
    GroupCreated,
    GroupDeleted,
    GroupRenamed,
    LinkCreated,
    LinkDeleted,
    LinkReplaced,
    LinkUpdated,
    LockChanged,
    ModerationChanged,
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
    ParticipantErased,
    ParticipantJoined,
    ParticipantUpdated,
    ReadyChanged,
    ReplayChanged,
    SpotlightChanged,
    StepChanged,
    StoredEvent,
    Summoned,
    TimerChanged,
    VoteCast,
    VoteClosed,
    VoteLimitsChanged,
    VoteOpened,
    VoteStatusChanged,
    VoteWithdrawn,
)
from .moderation import remember_note_time
from .state import NOTE_HEIGHT, NOTE_WIDTH, BoardState, Frame
from .trusted import replaced
from .undo import remember_deleted
from .values import Moderation, Origin
from .voting import VoteStatus

# The maps that applying these events may change (`BoardState.own`); any other
# event may change any map. Keep in step with the branches below.
_CHANGES: dict[type, tuple[str, ...]] = {
    NoteMoved: ("notes",),
    NoteEdited: ("notes",),
    NoteRecolored: ("notes",),
    NoteKindChanged: ("notes",),
    NoteCreated: ("notes", "deleted", "note_times"),
}


def apply(state: BoardState, event: StoredEvent) -> BoardState:
    body = event.body
    if state.owned is not None:
        state.own(_CHANGES.get(type(body)))
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
        case ParticipantErased():
            member = state.participants[body.participant_id]
            state.participants[member.id] = member.model_copy(update={"name": ""})
        case LinkReplaced():
            pass  # the links live outside the board's state (access_links)
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
        case FrameMoved():
            frame = state.frames[body.frame_id]
            # The offset first, then added to each note, in this order in
            # state.js too, so both folds land on the same floating-point places.
            dx, dy = body.x - frame.x, body.y - frame.y
            moved = state.frames[frame.id] = frame.model_copy(update={"x": body.x, "y": body.y})
            for note in list(state.notes.values()):
                if note.frame_id == frame.id:
                    state.notes[note.id] = replaced(note, x=note.x + dx, y=note.y + dy)
            # Its notes stay its own unless a frame created later lies over the
            # new place; notes already there join it, as for a new frame.
            _refit(state, {frame.id}, moved)
        case FrameDeleted():
            del state.frames[body.frame_id]
            # Notes stay where they are, in whatever frame is now under them.
            _refit(state, {body.frame_id}, None)
            _unspotlight(state, body.frame_id)
        case FrameTidied():
            frame = state.frames[body.frame_id]
            if body.h is not None:
                frame = state.frames[frame.id] = frame.model_copy(update={"h": body.h})
            for place in body.places:
                state.notes[place.note_id] = state.notes[place.note_id].model_copy(
                    update={"x": place.x, "y": place.y}
                )
            _refit(state, {frame.id}, frame)
        case NoteCreated():
            note = body.note
            state.notes[note.id] = note
            state.private_count += note.private
            if state.deleted:
                state.deleted.pop(note.id, None)
            # A note brought back by undo is not a new one for the rate limit.
            if note.origin is Origin.PARTICIPANT and not body.restored:
                times = state.note_times.get(note.author, ())
                state.note_times[note.author] = remember_note_time(times, event.at)
        case NoteEdited():
            update: dict[str, object] = {"text": body.text}
            if state.notes[body.note_id].moderation is Moderation.REJECTED:
                # A rejected note that its author changes goes back to the queue.
                update |= {"moderation": Moderation.WAITING, "reason": ""}
            state.notes[body.note_id] = replaced(state.notes[body.note_id], **update)
        case NoteMoved():
            state.notes[body.note_id] = replaced(
                state.notes[body.note_id], x=body.x, y=body.y, frame_id=body.frame_id
            )
        case NoteRecolored():
            state.notes[body.note_id] = replaced(state.notes[body.note_id], color=body.color)
        case NoteKindChanged():
            state.notes[body.note_id] = replaced(state.notes[body.note_id], kind=body.kind)
        case NoteDeleted():
            note = state.notes.pop(body.note_id)
            state.private_count -= note.private
            state.votes.refund_note(body.note_id)
            state.flags.pop(body.note_id, None)
            _forget_note(state, body.note_id, note.group_id)
            remember_deleted(state.deleted, note)
        case NotesRevealed():
            for note in body.notes:
                state.notes[note.id] = note
            state.private_count = sum(n.private for n in state.notes.values())
        case AgendaChanged():
            state.agenda = body.steps
            state.current_step = body.current_step
            # A step that is gone takes its schedule with it.
            steps = {step.id for step in body.steps}
            for key in [k for k in state.schedules if k and k not in steps]:
                del state.schedules[key]
        case StepChanged():
            state.current_step = body.step_id
            if body.step_id is not None:
                # Entering a step (again) starts its "I'm done" count afresh.
                state.ready.pop(body.step_id, None)
        case TimerChanged():
            state.timer = body.timer
        case AnonymityChanged():
            assert state.board is not None
            state.board = state.board.model_copy(update={"anonymity": body.mode})
        case ReplayChanged():
            assert state.board is not None
            state.board = state.board.model_copy(update={"replay": body.allowed})
        case BoardRestored():
            state.frames.update((f.id, f) for f in body.frames)
            state.notes.update((n.id, n) for n in body.notes)
            state.groups.update((g.id, g) for g in body.groups)
            state.links.update((link.id, link) for link in body.links)
            state.agenda = body.agenda
        case LockChanged():
            state.attention = state.attention.model_copy(update={"locked": body.locked})
        case FollowChanged():
            state.attention = state.attention.model_copy(update={"leader": body.leader})
        case SpotlightChanged():
            state.attention = state.attention.model_copy(update={"spotlight": body.spotlight})
        case Summoned():
            pass  # a moment, not a state: clients that are live move their view
        case GroupCreated():
            state.groups[body.group.id] = body.group
            for note_id in body.note_ids:
                _regroup(state, note_id, body.group.id)
        case GroupRenamed():
            state.groups[body.group_id] = state.groups[body.group_id].model_copy(
                update={"name": body.name}
            )
        case GroupDeleted():
            del state.groups[body.group_id]
            for note in list(state.notes.values()):
                if note.group_id == body.group_id:
                    state.notes[note.id] = note.model_copy(update={"group_id": None})
            _unspotlight(state, body.group_id)
        case NoteGrouped():
            _regroup(state, body.note_id, body.group_id)
        case LinkCreated() | LinkUpdated():
            state.links[body.link.id] = body.link
        case LinkDeleted():
            del state.links[body.link_id]
        case ReadyChanged():
            members = state.ready.get(body.step_id, frozenset())
            state.ready[body.step_id] = (
                members | {body.member} if body.ready else members - {body.member}
            )
        case CollectionChanged():
            key = key_of(body.step_id)
            if body.schedule.empty:
                state.schedules.pop(key, None)
            else:
                state.schedules[key] = body.schedule
        case ModerationChanged():
            assert state.board is not None
            state.board = state.board.model_copy(
                update={"approval": body.approval, "notes_per_minute": body.notes_per_minute}
            )
        case NoteApproved():
            state.notes[body.note.id] = body.note
        case NoteRejected():
            state.notes[body.note_id] = state.notes[body.note_id].model_copy(
                update={"moderation": Moderation.REJECTED, "reason": body.reason}
            )
        case NoteHidden():
            # For everyone else the note is gone, so it leaves what a deletion
            # would leave: its group, its links and its votes.
            note = state.notes[body.note_id]
            state.notes[note.id] = note.model_copy(
                update={"moderation": Moderation.HIDDEN, "reason": body.reason, "group_id": None}
            )
            state.votes.refund_note(note.id)
            _forget_note(state, note.id, note.group_id)
            state.taken_down = state.taken_down | {note.id}
        case NoteRestored():
            state.notes[body.note.id] = body.note
            state.taken_down = state.taken_down - {body.note.id}
        case NoteFlagged():
            state.flags[body.note_id] = state.flags.get(body.note_id, frozenset()) | {body.member}
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


def _regroup(state: BoardState, note_id: str, group_id: str | None) -> None:
    """Move a note into `group_id` (or out of any); a group left empty goes."""
    note = state.notes[note_id]
    before = note.group_id
    if before == group_id:
        return
    state.notes[note_id] = replaced(note, group_id=group_id)
    if before is not None:
        _drop_if_empty(state, before)


def _drop_if_empty(state: BoardState, group_id: str) -> None:
    if group_id in state.groups and not any(n.group_id == group_id for n in state.notes.values()):
        del state.groups[group_id]
        _unspotlight(state, group_id)


def _forget_note(state: BoardState, note_id: str, group_id: str | None) -> None:
    """A deleted note takes its links with it, and an emptied group."""
    for link in list(state.links.values()):
        if note_id in (link.from_id, link.to_id):
            del state.links[link.id]
    if group_id is not None:
        _drop_if_empty(state, group_id)
    _unspotlight(state, note_id)


def _unspotlight(state: BoardState, target_id: str) -> None:
    spot = state.attention.spotlight
    if spot is not None and spot.id == target_id:
        state.attention = state.attention.model_copy(update={"spotlight": None})


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
                state.notes[note.id] = replaced(note, frame_id=frame_id)


def fold(events: list[StoredEvent], state: BoardState | None = None) -> BoardState:
    state = state if state is not None else BoardState()
    for event in events:
        apply(state, event)
    return state
