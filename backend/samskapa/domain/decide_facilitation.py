"""`decide` for the facilitator's structure, clusters and links.

Called by `decide.decide` after the policy check (policy.py); the same rules
apply: pure, one event per command, a `DomainError` when refused.
"""

from typing import Literal, assert_never

from .collection import Schedule, check_dates, key_of
from .commands import (
    AddTime,
    ChangeNoteKind,
    CloseCollection,
    CreateGroup,
    CreateLink,
    DeleteGroup,
    DeleteLink,
    FacilitationCommand,
    Follow,
    GoToStep,
    GroupNote,
    LockBoard,
    PauseTimer,
    RenameGroup,
    RevealNotes,
    ScheduleCollection,
    SetAgenda,
    SetAnonymity,
    SetReady,
    SetReplay,
    SetSpotlight,
    StartTimer,
    StopTimer,
    Summon,
    UpdateLink,
)
from .errors import DomainError, ErrorCode
from .events import (
    AgendaChanged,
    AnonymityChanged,
    CollectionChanged,
    EventBody,
    FollowChanged,
    GroupCreated,
    GroupDeleted,
    GroupRenamed,
    LinkCreated,
    LinkDeleted,
    LinkUpdated,
    LockChanged,
    NoteGrouped,
    NoteKindChanged,
    NotesRevealed,
    ReadyChanged,
    ReplayChanged,
    SpotlightChanged,
    StepChanged,
    Summoned,
    TimerChanged,
)
from .facilitation import Group, Link, Timer
from .moderation import need_note, published_note
from .placement import lay_out_revealed
from .policy import Actor, author_key, author_pseudonym
from .state import BoardState, Note
from .undo import check_group_there, expected_group, expected_link, expected_note
from .values import (
    ANONYMITY_STRENGTH,
    MAX_GROUPS_PER_BOARD,
    MAX_LINKS_PER_BOARD,
    Origin,
)


def _public_note(state: BoardState, note_id: str) -> Note:
    note = need_note(state, note_id)
    if note.private:
        raise DomainError(
            ErrorCode.NOTE_PRIVATE, "Private notes can be grouped or linked after the reveal."
        )
    return published_note(state, note_id)


def _group(state: BoardState, group_id: str) -> Group:
    group = state.groups.get(group_id)
    if group is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Group {group_id} does not exist.")
    return group


def has_content(state: BoardState) -> bool:
    """Anything a participant wrote or voted: what anonymity protects."""
    return any(n.origin is Origin.PARTICIPANT for n in state.notes.values()) or any(
        state.votes.total(round_id) for round_id in state.votes.rounds
    )


def decide_facilitation(
    state: BoardState, command: FacilitationCommand, actor: Actor, now: int, secret: bytes = b""
) -> EventBody:
    match command:
        case ChangeNoteKind():
            note = expected_note(state, command.note_id, command.expect)
            return NoteKindChanged(
                note_id=note.id,
                kind=command.kind,
                private=note.private,
                withheld=note.author if note.withheld else None,
            )
        case SetAgenda():
            ids = [step.id for step in command.steps]
            if len(set(ids)) != len(ids):
                raise DomainError(ErrorCode.INVALID_MESSAGE, "Two steps have the same id.")
            current = state.current_step if state.current_step in ids else None
            return AgendaChanged(steps=command.steps, current_step=current)
        case GoToStep():
            if command.step_id is not None and command.step_id not in {s.id for s in state.agenda}:
                raise DomainError(ErrorCode.NOT_FOUND, f"Step {command.step_id} does not exist.")
            return StepChanged(step_id=command.step_id)
        case StartTimer() | PauseTimer() | AddTime() | StopTimer():
            return _decide_timer(state.timer, command, now)
        case RevealNotes():
            revealed = [
                n.model_copy(update={"private": False}) for n in state.notes.values() if n.private
            ]
            public = [n for n in state.notes.values() if n.public]
            return NotesRevealed(notes=lay_out_revealed(revealed, public, state.frames))
        case SetAnonymity():
            weaker = ANONYMITY_STRENGTH[command.mode] < ANONYMITY_STRENGTH[state.anonymity]
            if weaker and has_content(state):
                raise DomainError(
                    ErrorCode.ANONYMITY_LOCKED,
                    "People have written or voted under the current anonymity; "
                    "it can only become stricter now.",
                )
            return AnonymityChanged(mode=command.mode)
        case SetReplay():
            return ReplayChanged(allowed=command.allowed)
        case LockBoard():
            return LockChanged(locked=command.locked)
        case Follow():
            return FollowChanged(leader=actor.member_id if command.on else None)
        case SetSpotlight():
            target = command.target
            if target is not None:
                if target.kind == "note":
                    if need_note(state, target.id).private:  # only its author knows it
                        raise DomainError(ErrorCode.NOT_FOUND, f"Note {target.id} does not exist.")
                    published_note(state, target.id)
                elif target.kind == "group":
                    _group(state, target.id)
                elif target.id not in state.frames:
                    raise DomainError(ErrorCode.NOT_FOUND, f"Frame {target.id} does not exist.")
            return SpotlightChanged(spotlight=target)
        case Summon():
            return Summoned(x=command.x, y=command.y, w=command.w, h=command.h)
        case CreateGroup():
            if command.group_id in state.groups:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"Group {command.group_id} exists.")
            if len(state.groups) >= MAX_GROUPS_PER_BOARD:
                raise DomainError(
                    ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_GROUPS_PER_BOARD} groups."
                )
            note_ids = tuple(dict.fromkeys(command.note_ids))
            for note_id in note_ids:
                _public_note(state, note_id)
            return GroupCreated(
                group=Group(id=command.group_id, name=command.name), note_ids=note_ids
            )
        case RenameGroup():
            expected_group(state, command.group_id, command.expect)
            return GroupRenamed(group_id=command.group_id, name=command.name)
        case DeleteGroup():
            _group(state, command.group_id)
            return GroupDeleted(group_id=command.group_id)
        case GroupNote():
            expected_note(state, command.note_id, command.expect)
            check_group_there(state, command.group_id, command.expect)
            _public_note(state, command.note_id)
            if command.group_id is not None:
                _group(state, command.group_id)
            return NoteGrouped(note_id=command.note_id, group_id=command.group_id)
        case CreateLink():
            return _decide_link(state, command)
        case UpdateLink():
            link = expected_link(state, command.link_id, command.expect)
            changes = command.model_dump(exclude={"type", "link_id", "expect"}, exclude_none=True)
            return LinkUpdated(link=link.model_copy(update=changes))
        case DeleteLink():
            expected_link(state, command.link_id, command.expect)
            return LinkDeleted(link_id=command.link_id)
        case SetReady():
            step = state.step
            if step is None:
                raise DomainError(ErrorCode.NO_STEP, "No agenda step is running.")
            members = state.ready.get(step.id, frozenset())
            key = _ready_key(state, members, actor, secret)
            after = members | {key} if command.ready else members - {key}
            return ReadyChanged(step_id=step.id, member=key, ready=command.ready, count=len(after))
        case ScheduleCollection() | CloseCollection():
            return _decide_collection(state, command, now)
        case _:
            assert_never(command)


def _decide_collection(
    state: BoardState, command: ScheduleCollection | CloseCollection, now: int
) -> CollectionChanged:
    if command.step_id is not None and command.step_id not in {s.id for s in state.agenda}:
        raise DomainError(ErrorCode.NOT_FOUND, f"Step {command.step_id} does not exist.")
    before = state.schedules.get(key_of(command.step_id))
    closed = before is not None and before.closed_at is not None
    if isinstance(command, ScheduleCollection):
        check_dates(before, command.opens_at, command.closes_at, now)
        schedule = Schedule(opens_at=command.opens_at, closes_at=command.closes_at)
        action: Literal["scheduled", "reopened", "cleared"] = (
            "reopened" if closed else "cleared" if schedule.empty else "scheduled"
        )
        if schedule.empty and before is None:
            raise DomainError(ErrorCode.COLLECTION_STATE, "There is no schedule to clear.")
        return CollectionChanged(step_id=command.step_id, action=action, schedule=schedule)
    if closed:
        raise DomainError(ErrorCode.COLLECTION_STATE, "The collection is closed already.")
    if command.deadline is not None:
        # The server's own close: only at the deadline that still holds.
        if before is None or before.closes_at != command.deadline:
            raise DomainError(ErrorCode.COLLECTION_STATE, "The deadline has been moved.")
        if now < command.deadline:
            raise DomainError(ErrorCode.COLLECTION_STATE, "The deadline has not come yet.")
    schedule = (before or Schedule()).model_copy(update={"closed_at": now})
    return CollectionChanged(
        step_id=command.step_id,
        action="closed",
        schedule=schedule,
        automatic=command.deadline is not None,
    )


def _ready_key(state: BoardState, members: frozenset[str], actor: Actor, secret: bytes) -> str:
    """How "I'm done" records the member: as they are recorded as an author, so
    a fully anonymous board keeps only a pseudonym. A board made fully anonymous
    during the step may still hold the member's id from before; that entry is the
    one to take back (the fold removes exactly the key the event names)."""
    earlier = {actor.member_id, author_pseudonym(secret, actor.member_id)} & members
    return next(iter(earlier)) if earlier else author_key(state, actor, secret)


def _decide_link(state: BoardState, command: CreateLink) -> LinkCreated:
    if command.link_id in state.links:
        raise DomainError(ErrorCode.ALREADY_EXISTS, f"Link {command.link_id} exists.")
    if len(state.links) >= MAX_LINKS_PER_BOARD:
        raise DomainError(
            ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_LINKS_PER_BOARD} links."
        )
    if command.from_id == command.to_id:
        raise DomainError(ErrorCode.INVALID_MESSAGE, "A note cannot be linked to itself.")
    _public_note(state, command.from_id)
    _public_note(state, command.to_id)
    pair = {command.from_id, command.to_id}
    for link in state.links.values():
        if link.kind is command.kind and {link.from_id, link.to_id} == pair:
            raise DomainError(ErrorCode.ALREADY_EXISTS, "These notes are linked this way already.")
    return LinkCreated(
        link=Link(
            id=command.link_id, from_id=command.from_id, to_id=command.to_id, kind=command.kind
        )
    )


def _decide_timer(
    timer: Timer, command: StartTimer | PauseTimer | AddTime | StopTimer, now: int
) -> TimerChanged:
    """The server's clock is the only clock: instants are `now`, in ms."""
    match command:
        case StartTimer(seconds=None):
            if timer.remaining_ms is None:
                raise DomainError(ErrorCode.TIMER_STATE, "There is no paused timer to resume.")
            return TimerChanged(
                action="resumed",
                timer=Timer(duration_ms=timer.duration_ms, ends_at=now + timer.remaining_ms),
            )
        case StartTimer():
            assert command.seconds is not None  # the case above took None
            ms = command.seconds * 1000
            return TimerChanged(action="started", timer=Timer(duration_ms=ms, ends_at=now + ms))
        case PauseTimer():
            if timer.ends_at is None:
                raise DomainError(ErrorCode.TIMER_STATE, "The timer is not running.")
            return TimerChanged(
                action="paused",
                timer=Timer(
                    duration_ms=timer.duration_ms, remaining_ms=max(0, timer.ends_at - now)
                ),
            )
        case AddTime():
            extra = command.seconds * 1000
            duration = timer.duration_ms + extra
            if timer.ends_at is not None:
                # Time added after zero counts from now, not from the past end.
                ends_at = max(timer.ends_at, now) + extra
                return TimerChanged(
                    action="extended", timer=Timer(duration_ms=duration, ends_at=ends_at)
                )
            if timer.remaining_ms is not None:
                return TimerChanged(
                    action="extended",
                    timer=Timer(duration_ms=duration, remaining_ms=timer.remaining_ms + extra),
                )
            raise DomainError(ErrorCode.TIMER_STATE, "Start the timer before adding time.")
        case StopTimer():
            if timer.ends_at is None and timer.remaining_ms is None:
                raise DomainError(ErrorCode.TIMER_STATE, "The timer is not running.")
            return TimerChanged(action="stopped", timer=Timer())
        case _:
            assert_never(command)
