"""An idea collection over days: when the board (or one agenda step) is open for
contributions, and its close at the deadline.

Dates are server instants in epoch milliseconds. A schedule belongs to the board
(key `""`) or to an agenda step (its id); participants may write new notes and
edit theirs only while every schedule that applies (the board's, and the current
step's) is open. Facilitators are never held back: they prepare and tidy.

The close at the deadline is an event like any other (`collection.changed`,
action `closed`), appended by the server itself (deadlines.py) with the op id
`close_op_id(...)`: the same for every process and every retry, so the event
store's unique `(board_id, op_id)` makes it happen exactly once. Contributions
are refused from the deadline on even before that event is written.
"""

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .errors import DomainError, ErrorCode
from .values import Role

# The key of the board's own schedule (a step id is never empty).
BOARD = ""
# How far in the past an opening date may lie: a date picked "now" to the minute
# is a little in the past by the time it arrives.
OPENS_GRACE_MS = 5 * 60 * 1000

Action = Literal["scheduled", "reopened", "closed", "cleared"]


class Schedule(BaseModel):
    """Unset dates mean "from now" (`opens_at`) and "no deadline" (`closes_at`).
    `closed_at` is set once it closed (at the deadline or by a facilitator)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    opens_at: int | None = None
    closes_at: int | None = None
    closed_at: int | None = None

    @property
    def empty(self) -> bool:
        return self.opens_at is None and self.closes_at is None and self.closed_at is None

    def status(self, now: int) -> Literal["not_open", "open", "closed"]:
        if self.closed_at is not None or (self.closes_at is not None and now >= self.closes_at):
            return "closed"
        if self.opens_at is not None and now < self.opens_at:
            return "not_open"
        return "open"

    @property
    def pending_deadline(self) -> int | None:
        """The deadline the server still has to close at, if any."""
        return self.closes_at if self.closed_at is None else None


def key_of(step_id: str | None) -> str:
    return BOARD if step_id is None else step_id


def close_op_id(step_id: str | None, deadline: int) -> str:
    """The op id of the automatic close: deterministic, and at most 64 characters
    whatever the step id (a hash of it names the step)."""
    if step_id is None:
        return f"close-{deadline}"
    return f"close-{deadline}-{hashlib.sha256(step_id.encode()).hexdigest()[:16]}"


def check_dates(
    before: Schedule | None, opens_at: int | None, closes_at: int | None, now: int
) -> None:
    """The dates a facilitator asks for, or a `DomainError` with a stable code."""
    if closes_at is not None and closes_at <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST, "The closing date is in the past.")
    unchanged = before is not None and before.opens_at == opens_at
    if opens_at is not None and not unchanged and opens_at < now - OPENS_GRACE_MS:
        raise DomainError(ErrorCode.DATE_IN_PAST, "The opening date is in the past.")
    if opens_at is not None and closes_at is not None and opens_at >= closes_at:
        raise DomainError(ErrorCode.DATES_REVERSED, "The collection must open before it closes.")


def check_contribution(
    schedules: dict[str, Schedule], current_step: str | None, role: Role, now: int
) -> None:
    """Refuse a participant's new note or edit outside the open time."""
    if role is not Role.PARTICIPANT:
        return
    for key in (BOARD, current_step):
        schedule = schedules.get(key) if key is not None else None
        if schedule is None:
            continue
        status = schedule.status(now)
        if status == "closed":
            raise DomainError(
                ErrorCode.COLLECTION_CLOSED, "The collection has closed; nothing more is accepted."
            )
        if status == "not_open":
            raise DomainError(
                ErrorCode.COLLECTION_NOT_OPEN, "The collection is not open for contributions yet."
            )
