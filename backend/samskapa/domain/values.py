"""Enumerations and limits shared by commands, events and state."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    OBSERVER = "observer"


class Sector(StrEnum):
    PUBLIC = "public"
    BUSINESS = "business"
    ACADEMIA = "academia"
    CIVIL_SOCIETY = "civil_society"
    CITIZEN = "citizen"
    OTHER = "other"


class Color(StrEnum):
    YELLOW = "yellow"
    ORANGE = "orange"
    PINK = "pink"
    GREEN = "green"
    BLUE = "blue"
    PURPLE = "purple"
    GREY = "grey"


class NoteKind(StrEnum):
    IDEA = "idea"
    GOAL = "goal"
    CHALLENGE = "challenge"
    CONFLICT = "conflict"
    INITIATIVE = "initiative"
    COMMITMENT = "commitment"
    QUESTION = "question"


class Origin(StrEnum):
    """Top-down (seeded by a facilitator) or bottom-up (a participant's)."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


class WriteMode(StrEnum):
    """What participants may write in an agenda step."""

    NONE = "none"
    OPEN = "open"  # everyone sees new notes at once
    PRIVATE = "private"  # silent writing: only the author sees them until the reveal


class EditScope(StrEnum):
    """Which notes participants may change (edit, move, recolour, re-kind, delete)."""

    NONE = "none"
    OWN = "own"
    ALL = "all"  # deleting stays limited to one's own notes


class Anonymity(StrEnum):
    """Who may see who wrote, moved, linked or voted what on a board."""

    OFF = "off"
    FACILITATORS = "facilitators"  # names visible to facilitators only
    FULL = "full"  # nobody; authors are stored as pseudonyms


# How strong each mode is: a board may always become more anonymous, and less
# only while it holds nothing anyone wrote or voted; replay and exports use the
# strongest mode a board ever had.
ANONYMITY_STRENGTH = {Anonymity.OFF: 0, Anonymity.FACILITATORS: 1, Anonymity.FULL: 2}


class Moderation(StrEnum):
    """Where a note stands with the facilitators (domain/moderation.py). Only a
    published note reaches everyone; the others reach its author and facilitators."""

    PUBLISHED = "published"
    WAITING = "waiting"  # written while notes wait for approval
    REJECTED = "rejected"  # not approved, with a reason for the author
    HIDDEN = "hidden"  # taken down after publishing, with a reason for the author


class LinkKind(StrEnum):
    CONFLICTS = "conflicts"
    SUPPORTS = "supports"
    DEPENDS = "depends"


class ConflictStatus(StrEnum):
    OPEN = "open"
    BALANCED = "balanced"
    ACCEPTED = "accepted"


class Language(StrEnum):
    SV = "sv"
    EN = "en"


# Limits. Sticky notes are short by nature; 500 characters fits a paragraph and
# keeps a 5,000-note board under a few MB of state.
NOTE_TEXT_MAX = 500
TITLE_MAX = 120
PROMPT_MAX = 500
NAME_MAX = 60
MISSION_FIELD_MAX = 500
# A mission's deadline is a year or a short phrase ("2030", "end of 2027").
DEADLINE_MAX = 40
MAX_NOTES_PER_BOARD = 5000
MAX_FRAMES_PER_BOARD = 200
MAX_STEPS = 30
MAX_GROUPS_PER_BOARD = 500
MAX_LINKS_PER_BOARD = 2000
# How many deleted notes a board remembers so that their senders can undo the
# deletion (the most recent ones; older deletions can no longer be undone).
MAX_UNDELETE = 500
INSTRUCTIONS_MAX = 1000
RESOLUTION_MAX = 500
# A moderation reason is a sentence or two for the note's author.
REASON_MAX = 300
# The most new notes a minute a board's limit may allow a participant (the fold
# keeps at most this many creation times per author).
NOTES_PER_MINUTE_MAX = 120
STEP_MINUTES_MAX = 600
TIMER_SECONDS_MAX = 6 * 3600
COORD_LIMIT = 1_000_000.0
FRAME_MIN = 40.0
FRAME_MAX = 20_000.0
# The largest seq anyone may ask about: the largest integer a JavaScript number
# holds exactly (a board appending 1,000 events a second gets there in 285,000
# years), well inside SQL's 64-bit integers, which a larger value overflows.
SEQ_MAX = 2**53 - 1

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
NoteText = Annotated[str, StringConstraints(max_length=NOTE_TEXT_MAX)]
Title = Annotated[str, StringConstraints(max_length=TITLE_MAX)]
Prompt = Annotated[str, StringConstraints(max_length=PROMPT_MAX)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, strip_whitespace=True)]
Instructions = Annotated[str, StringConstraints(max_length=INSTRUCTIONS_MAX)]
Resolution = Annotated[str, StringConstraints(max_length=RESOLUTION_MAX)]
Reason = Annotated[str, StringConstraints(max_length=REASON_MAX)]
MissionText = Annotated[str, StringConstraints(max_length=MISSION_FIELD_MAX)]
# Strict: a number must be a JSON number (lax mode would take "12" or true).
Coord = Annotated[float, Field(ge=-COORD_LIMIT, le=COORD_LIMIT, allow_inf_nan=False, strict=True)]
Size = Annotated[float, Field(ge=FRAME_MIN, le=FRAME_MAX, allow_inf_nan=False, strict=True)]
Seq = Annotated[int, Field(ge=0, le=SEQ_MAX)]
# Epoch milliseconds (and other counts) as the API documents them.
Instant = Annotated[int, Field(ge=0, le=SEQ_MAX)]
# Strict: a flag must be a JSON boolean (lax mode would take 0/1, "yes", "on",
# "true"). Every boolean a client sends is a Flag (tests/domain/test_strict_flags.py).
Flag = Annotated[bool, Field(strict=True)]
