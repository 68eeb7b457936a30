"""What is new for a member since a seq: "N new since your last visit".

Pure: given the events after the member's last seen seq and the board as it is
now, the notes someone else added or edited in between that still exist and
that this member may see now (a private note of someone else is not news until
its reveal, when it counts as added; a note waiting for approval until it is
approved; a hidden one not while it is hidden). Moves, colours and votes are not news.
"""

from .events import (
    NoteApproved,
    NoteCreated,
    NoteEdited,
    NoteRestored,
    NotesRevealed,
    StoredEvent,
)
from .state import BoardState
from .visibility import Viewer

# The event types that can make a note news (the store reads only these).
NEWS_EVENT_TYPES = (
    "note.created",
    "note.edited",
    "notes.revealed",
    "note.approved",
    "note.restored",
)


def new_notes(events: list[StoredEvent], state: BoardState, viewer: Viewer) -> list[str]:
    """Note ids in the order they first became news (oldest first)."""
    order: dict[str, None] = {}
    for event in events:
        body = event.body
        if isinstance(body, NoteCreated):
            if not body.restored:  # a deletion undone brings back an old note
                order.setdefault(body.note.id)
        elif isinstance(body, NoteEdited):
            order.setdefault(body.note_id)
        elif isinstance(body, NoteApproved | NoteRestored):
            order.setdefault(body.note.id)
        elif isinstance(body, NotesRevealed):
            for revealed in body.notes:
                order.setdefault(revealed.id)
    found = []
    for note_id in order:
        note = state.notes.get(note_id)
        if note is None or not viewer.sees_note(note) or viewer.is_me(note.author):
            continue  # deleted since, still private or withheld, or the member's own
        found.append(note_id)
    return found
