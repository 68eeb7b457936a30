"""Moderation for an open board: approval, hiding, flags and the notes-per-minute limit.

Pure, like `decide`. The rules (docs/collection.md, "Moderation"):

- With `approval` on, a participant's new note is *waiting*: its author and the
  facilitators see it, nobody else anything of it. A facilitator approves it
  (published) or rejects it with a reason the author sees; an edit of a rejected
  note sends it back to the queue; a rejected note can still be approved.
- A facilitator hides a published note with a reason the author sees; for
  everyone else it is gone (it leaves its group and links and gives its votes
  back, as a deletion would), and replay keeps it from them at every moment
  until it is restored.
- A participant flags a note once; facilitators see how many did, the member
  their own flag, nobody who flagged.
- A board may limit how many notes a participant adds per minute.

Who sees a withheld note is decided in one place, `policy.may_see`;
visibility.py and replay.py project every event and state with it.
"""

from typing import assert_never

from .commands import (
    ApproveNote,
    CreateNote,
    FlagNote,
    HideNote,
    ModerationCommand,
    RejectNote,
    RestoreNote,
    SetModeration,
)
from .errors import DomainError, ErrorCode
from .events import (
    EventBody,
    ModerationChanged,
    NoteApproved,
    NoteFlagged,
    NoteHidden,
    NoteRejected,
    NoteRestored,
)
from .policy import Actor, author_key
from .state import BoardState, Note
from .values import NOTES_PER_MINUTE_MAX, Moderation, Role

MINUTE_MS = 60_000


def need_note(state: BoardState, note_id: str) -> Note:
    note = state.notes.get(note_id)
    if note is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Note {note_id} does not exist.")
    return note


def published_note(state: BoardState, note_id: str) -> Note:
    """A note that may be grouped, linked, voted on or spotlit: not withheld."""
    note = need_note(state, note_id)
    if note.withheld:
        raise DomainError(
            ErrorCode.NOTE_WITHHELD,
            "This note waits for review or is hidden: it cannot be grouped, linked, "
            "voted on or shown to everyone.",
        )
    return note


def check_note_rate(state: BoardState, actor: Actor, now: int, secret: bytes) -> None:
    """The board's notes-per-minute limit, for participants' new notes."""
    board = state.board
    limit = board.notes_per_minute if board is not None else None
    if limit is None or actor.role is not Role.PARTICIPANT:
        return
    times = state.note_times.get(author_key(state, actor, secret), ())
    recent = [t for t in times if t > now - MINUTE_MS]
    if len(recent) >= limit:
        wait = max(1, (recent[-limit] + MINUTE_MS - now + 999) // 1000)
        raise DomainError(
            ErrorCode.TOO_MANY_NOTES,
            f"This board takes at most {limit} new notes a minute from each participant; "
            f"try again in {wait} s.",
        )


def new_note_status(state: BoardState, command: CreateNote, actor: Actor) -> Moderation:
    del command
    board = state.board
    waits = board is not None and board.approval and actor.role is Role.PARTICIPANT
    return Moderation.WAITING if waits else Moderation.PUBLISHED


def remember_note_time(times: tuple[int, ...], at: int) -> tuple[int, ...]:
    """The creation times the limit needs: the last minute's, at most the largest limit."""
    return (*[t for t in times if t > at - MINUTE_MS], at)[-NOTES_PER_MINUTE_MAX:]


def _expect(note: Note, allowed: Moderation, message: str) -> None:
    if note.moderation is not allowed:
        raise DomainError(ErrorCode.MODERATION_STATE, message)


def decide_moderation(
    state: BoardState, command: ModerationCommand, actor: Actor, secret: bytes
) -> EventBody:
    """Called by `decide` after the policy check (facilitators only, but for flags)."""
    match command:
        case SetModeration():
            return ModerationChanged(
                approval=command.approval, notes_per_minute=command.notes_per_minute
            )
        case ApproveNote():
            note = need_note(state, command.note_id)
            if note.moderation not in (Moderation.WAITING, Moderation.REJECTED):
                raise DomainError(
                    ErrorCode.MODERATION_STATE, "Only a waiting or rejected note can be approved."
                )
            return NoteApproved(
                note=note.model_copy(update={"moderation": Moderation.PUBLISHED, "reason": ""})
            )
        case RejectNote():
            note = need_note(state, command.note_id)
            _expect(note, Moderation.WAITING, "Only a waiting note can be rejected.")
            return NoteRejected(note_id=note.id, reason=command.reason, author=note.author)
        case HideNote():
            note = need_note(state, command.note_id)
            _expect(note, Moderation.PUBLISHED, "Only a published note can be hidden.")
            if note.private:
                raise DomainError(ErrorCode.NOTE_PRIVATE, "A private note is hidden already.")
            return NoteHidden(note_id=note.id, reason=command.reason, author=note.author)
        case RestoreNote():
            note = need_note(state, command.note_id)
            _expect(note, Moderation.HIDDEN, "Only a hidden note can be restored.")
            return NoteRestored(
                note=note.model_copy(update={"moderation": Moderation.PUBLISHED, "reason": ""})
            )
        case FlagNote():
            note = published_note(state, command.note_id)
            if note.private:
                raise DomainError(ErrorCode.NOTE_PRIVATE, "A private note cannot be flagged.")
            flaggers = state.flags.get(note.id, frozenset())
            # Recorded as the member is recorded as an author: a pseudonym on a
            # fully anonymous board, and either form from before counts.
            key = author_key(state, actor, secret)
            if key in flaggers or actor.member_id in flaggers:
                raise DomainError(ErrorCode.ALREADY_EXISTS, "You have flagged this note already.")
            return NoteFlagged(note_id=note.id, member=key, count=len(flaggers) + 1)
        case _:
            assert_never(command)
