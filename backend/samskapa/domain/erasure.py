"""Erasing one member's personal data from a board (docs/protocol.md, "Erasing a
participant"): their name leaves every event and snapshot; the member stays in
the board as a former participant (name "", the same blank that anonymity
leaves), so their notes, votes and links keep an author and the board still folds.

The log is otherwise never rewritten; this is the one exception, made in the
same transaction that appends `participant.erased`. The pure part is here: what
an event or a snapshot looks like without the name. The store applies it to the
rows, and to the events it holds in memory.
"""

from typing import Any

from .events import EventBody, ParticipantErased, ParticipantJoined, ParticipantUpdated, StoredEvent

# The event types that can carry a member's name.
NAMING_EVENTS = ("participant.joined", "participant.updated")


def scrub(body: EventBody, member_id: str) -> EventBody | None:
    """`body` without the member's name, or None when it never held it."""
    if isinstance(body, ParticipantJoined) and body.participant.id == member_id:
        if body.participant.name == "":
            return None
        participant = body.participant.model_copy(update={"name": ""})
        return body.model_copy(update={"participant": participant})
    if isinstance(body, ParticipantUpdated) and body.participant_id == member_id:
        if body.name is None or body.name == "":
            return None
        return body.model_copy(update={"name": ""})
    return None


def scrub_stored(event: StoredEvent, member_id: str) -> StoredEvent:
    """The stored event without the member's name (itself when it had none)."""
    body = scrub(event.body, member_id)
    if body is None:
        return event
    return StoredEvent(event.seq, event.at, event.actor, event.op_id, body)


def scrub_snapshot(state: dict[str, Any], member_id: str) -> bool:
    """Blank the member's name in a stored snapshot (JSON); True if it changed."""
    member = state.get("participants", {}).get(member_id)
    if member is None or member.get("name") == "":
        return False
    member["name"] = ""
    return True


def erased_members(events: list[StoredEvent]) -> list[str]:
    """The members erased by these events, in order."""
    # An exact class test: this runs over every committed event, and a failed
    # isinstance test against a pydantic model costs about half a microsecond.
    return [e.body.participant_id for e in events if type(e.body) is ParticipantErased]
