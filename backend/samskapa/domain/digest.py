"""What a digest to the facilitators counts: new contributions since the last one.

Pure. Counts only, never texts: a digest goes to a chat channel or a mailbox,
outside the board's projection, so it carries nothing a participant wrote. A
contribution is a note that became visible to everyone in the range (created
in the open, revealed after silent writing, or approved after waiting for
moderation) and is still there and still visible now: a private note counts
from its reveal, a waiting one from its approval, a hidden one not while it is
hidden (and a restored one not again). Sectors are the timeline's buckets
(domain/replay.py): a sector of fewer than 3 members is counted with the other
small ones, so a count never points at one person, and on a fully anonymous
board the authors' pseudonyms are mapped to sectors without naming anyone.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .events import NoteApproved, NoteCreated, NotesRevealed, ParticipantJoined, StoredEvent
from .replay import activity_buckets
from .state import BoardState
from .values import Role

# The event types a digest reads (the store reads only these).
DIGEST_EVENT_TYPES = ("note.created", "notes.revealed", "note.approved", "participant.joined")
# The frame key of notes outside every frame.
NO_FRAME = ""


@dataclass(frozen=True, slots=True)
class Digest:
    ideas: int
    # (frame title, or NO_FRAME; count), most first.
    by_frame: tuple[tuple[str, int], ...]
    # (sector bucket: a Sector value or replay.FEW; count), most first.
    by_sector: tuple[tuple[str, int], ...]
    # People who joined as participants.
    joined: int

    @property
    def empty(self) -> bool:
        return self.ideas == 0 and self.joined == 0


def digest(
    events: Iterable[StoredEvent], head: BoardState, member_of_actor: Mapping[str, str]
) -> Digest:
    """The digest of `events` (those of DIGEST_EVENT_TYPES in its range), with the
    board as it is now. `member_of_actor` maps an author (member id or pseudonym)
    to the member (replay.members_by_actor)."""
    new: dict[str, None] = {}
    joined = 0
    for event in events:
        body = event.body
        if isinstance(body, NoteCreated | NoteApproved):
            # Created while waiting (or private): counted from its approval (reveal).
            # A deletion undone (`restored`) brings back an old note, not a new one.
            if isinstance(body, NoteApproved) or (body.note.public and not body.restored):
                new.setdefault(body.note.id)
        elif isinstance(body, NotesRevealed):
            for revealed in body.notes:
                new.setdefault(revealed.id)
        elif isinstance(body, ParticipantJoined) and body.participant.role is Role.PARTICIPANT:
            joined += 1
    buckets = activity_buckets(head)
    frames: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    ideas = 0
    for note_id in new:
        note = head.notes.get(note_id)
        if note is None or not note.public:
            continue  # deleted since, or not for everyone's eyes now
        ideas += 1
        frame = head.frames.get(note.frame_id) if note.frame_id else None
        frames[frame.title if frame is not None else NO_FRAME] += 1
        member = member_of_actor.get(note.author)
        bucket = buckets.get(member) if member is not None else None
        if bucket is not None:
            sectors[bucket] += 1
    return Digest(
        ideas=ideas,
        by_frame=tuple(frames.most_common()),
        by_sector=tuple(sectors.most_common()),
        joined=joined,
    )
