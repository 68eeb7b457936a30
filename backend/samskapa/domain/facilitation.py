"""The facilitator's structure: agenda steps and their rules, the timer,
attention (follow, spotlight, lock), clusters and links between notes.

Entities only, plus the small pure rules that read them; `decide.py` and
`policy.py` use these, `apply.py` folds the events that change them.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .values import (
    STEP_MINUTES_MAX,
    ConflictStatus,
    EditScope,
    Flag,
    Id,
    Instructions,
    LinkKind,
    NoteKind,
    Title,
    WriteMode,
)


class _Entity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepRules(_Entity):
    """What participants may do during a step. Facilitators may always do everything."""

    write: WriteMode = WriteMode.OPEN
    edit: EditScope = EditScope.OWN
    group: Flag = True
    link: Flag = True
    vote: Flag = True


# Before the first step and after the agenda ends, the board is a free canvas
# (the foundation's behaviour: write openly, change any note, delete one's own).
FREE = StepRules(write=WriteMode.OPEN, edit=EditScope.ALL, group=True, link=True, vote=True)
READ_ONLY = StepRules(
    write=WriteMode.NONE, edit=EditScope.NONE, group=False, link=False, vote=False
)


class Step(_Entity):
    id: Id
    title: Title
    instructions: Instructions = ""
    minutes: Annotated[int, Field(ge=0, le=STEP_MINUTES_MAX, strict=True)] = 0
    rules: StepRules = StepRules()
    # The frame this step is about, if any: the board's clients offer to go there.
    frame_id: Id | None = None
    # The kind new notes get in this step (e.g. commitments), if not ideas.
    note_kind: NoteKind | None = None


class Timer(_Entity):
    """Server instants in epoch milliseconds. Running: `ends_at` is set.
    Paused: `remaining_ms` is set. Stopped: both are None."""

    duration_ms: int = 0
    ends_at: int | None = None
    remaining_ms: int | None = None

    @property
    def running(self) -> bool:
        return self.ends_at is not None

    @property
    def paused(self) -> bool:
        return self.remaining_ms is not None


class Spotlight(_Entity):
    kind: Literal["note", "frame", "group"]
    id: Id


class Attention(_Entity):
    # The facilitator everyone is asked to follow (their viewport), if any.
    leader: str | None = None
    spotlight: Spotlight | None = None
    # Read-only for participants, whatever the step allows.
    locked: Flag = False


class Group(_Entity):
    """A named cluster of notes. Membership lives on the notes (`Note.group_id`);
    a group without notes is removed by the fold."""

    id: str
    name: str


class Link(_Entity):
    id: str
    from_id: str
    to_id: str
    kind: LinkKind
    # Meaningful for conflicts: how the goal conflict was handled.
    status: ConflictStatus = ConflictStatus.OPEN
    resolution: str = ""
