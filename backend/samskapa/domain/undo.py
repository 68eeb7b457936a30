"""Undo and redo: ordinary commands with a precondition, decided like any other.

A member's undo is the inverse of their own change, sent as a new command (the
browser keeps the stack: frontend undo module, docs/protocol.md §2.11). It goes
through the same policy as every command, so it obeys the step's rules, the
lock and who may change what. Two things make it an undo:

- `expect` (`NoteExpect`, `FrameExpect`, `GroupExpect`, `LinkExpect`) on the
  commands that change a note, a frame (moved or resized), a group's name or a
  link: the values the sender's change left. If it holds
  anything else now, someone changed it since, and the command is refused with
  `undo_conflict` instead of overwriting that later change. Only the fields
  given are compared, so undoing one's move of a note that someone else has
  recoloured since moves it back and keeps their colour. A note or frame that
  is gone is a conflict too.
- A deleted link comes back as a new `link.create` with its old id (and a
  `link.update` for how a conflict was handled), so it needs both notes still there.
- `note.undelete`: a deleted note comes back as it was (author, text, place,
  colour, kind, privacy, moderation, its group if that still exists) from the
  board's memory of recent deletions (`BoardState.deleted`). Its links and
  votes do not come back: the votes went back to their voters, who may have
  spent them since.

Redo is the same: the original command, with `expect` set to what the undo left.
"""

from typing import TypeVar

from .commands import FrameExpect, GroupExpect, LinkExpect, NoteExpect, UndeleteNote
from .errors import DomainError, ErrorCode
from .events import NoteCreated
from .facilitation import Group, Link
from .state import BoardState, Frame, Note
from .values import MAX_NOTES_PER_BOARD, MAX_UNDELETE

T = TypeVar("T", Note, Frame, Group, Link)
Expect = NoteExpect | FrameExpect | GroupExpect | LinkExpect


def remember_deleted(deleted: dict[str, Note], note: Note) -> None:
    """Keep `note` (as it was when deleted) among the board's recent deletions."""
    deleted.pop(note.id, None)
    deleted[note.id] = note
    while len(deleted) > MAX_UNDELETE:
        del deleted[next(iter(deleted))]


def expected_note(state: BoardState, note_id: str, expect: NoteExpect | None) -> Note:
    """The note a command changes, holding what `expect` says (if given)."""
    return _expected(state.notes.get(note_id), expect, "note", f"Note {note_id} does not exist.")


def check_group_there(state: BoardState, group_id: str | None, expect: NoteExpect | None) -> None:
    """An undo that puts a note back into a group needs the group still there
    (it goes when its last note leaves)."""
    if expect is not None and group_id is not None and group_id not in state.groups:
        raise DomainError(
            ErrorCode.UNDO_CONFLICT, "That group is gone since, so the note was not put back."
        )


def expected_frame(state: BoardState, frame_id: str, expect: FrameExpect | None) -> Frame:
    return _expected(
        state.frames.get(frame_id), expect, "frame", f"Frame {frame_id} does not exist."
    )


def expected_group(state: BoardState, group_id: str, expect: GroupExpect | None) -> Group:
    return _expected(
        state.groups.get(group_id), expect, "group", f"Group {group_id} does not exist."
    )


def expected_link(state: BoardState, link_id: str, expect: LinkExpect | None) -> Link:
    return _expected(state.links.get(link_id), expect, "link", f"Link {link_id} does not exist.")


def _expected(found: T | None, expect: Expect | None, what: str, missing: str) -> T:
    if expect is None:
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, missing)
        return found
    if found is None:
        raise DomainError(
            ErrorCode.UNDO_CONFLICT, f"This {what} has been deleted since, so it was not undone."
        )
    for name in expect.model_fields_set:
        if getattr(found, name) != getattr(expect, name):
            raise DomainError(
                ErrorCode.UNDO_CONFLICT,
                f"Someone else has changed this {what} since, so it was not undone.",
            )
    return found


def decide_undelete(state: BoardState, command: UndeleteNote) -> NoteCreated:
    """Called by `decide` after the policy check (which looked at the deleted
    note: only its sender's own, or a facilitator, in a step that allows it)."""
    if command.note_id in state.notes:
        raise DomainError(ErrorCode.UNDO_CONFLICT, "This note is on the board already.")
    note = state.deleted.get(command.note_id)
    if note is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, f"Note {command.note_id} is not a recently deleted note."
        )
    if len(state.notes) >= MAX_NOTES_PER_BOARD:
        raise DomainError(
            ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_NOTES_PER_BOARD} notes."
        )
    group_id = note.group_id if note.group_id in state.groups else None
    frame_id = state.frame_at(note.x, note.y)
    back = note.model_copy(update={"frame_id": frame_id, "group_id": group_id})
    return NoteCreated(
        note=back,
        private_count=state.private_count + 1 if back.private else None,
        restored=True,
    )
