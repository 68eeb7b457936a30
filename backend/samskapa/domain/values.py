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
MAX_NOTES_PER_BOARD = 5000
MAX_FRAMES_PER_BOARD = 200
COORD_LIMIT = 1_000_000.0
FRAME_MIN = 40.0
FRAME_MAX = 20_000.0

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
NoteText = Annotated[str, StringConstraints(max_length=NOTE_TEXT_MAX)]
Title = Annotated[str, StringConstraints(max_length=TITLE_MAX)]
Prompt = Annotated[str, StringConstraints(max_length=PROMPT_MAX)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, strip_whitespace=True)]
MissionText = Annotated[str, StringConstraints(max_length=MISSION_FIELD_MAX)]
# Strict: a number must be a JSON number (lax mode would take "12" or true).
Coord = Annotated[float, Field(ge=-COORD_LIMIT, le=COORD_LIMIT, allow_inf_nan=False, strict=True)]
Size = Annotated[float, Field(ge=FRAME_MIN, le=FRAME_MAX, allow_inf_nan=False, strict=True)]
