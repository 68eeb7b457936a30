"""One error vocabulary: stable machine codes shared by REST, websocket and CLI.

Clients branch on `code`, never on `message`. The list is documented in
docs/protocol.md §2.6; add a code there in the same change as here.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_JSON = "invalid_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_MESSAGE = "invalid_message"
    TEXT_TOO_LONG = "text_too_long"
    MESSAGE_TOO_LARGE = "message_too_large"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    ALREADY_EXISTS = "already_exists"
    LIMIT_REACHED = "limit_reached"
    RATE_LIMITED = "rate_limited"
    SERVER_FULL = "server_full"
    ROUND_OPEN = "round_open"
    ROUND_CLOSED = "round_closed"
    NOT_IN_ROUND = "not_in_round"
    BUDGET_SPENT = "budget_spent"
    CAP_REACHED = "cap_reached"
    LIMIT_TOO_LOW = "limit_too_low"
    STEP_FORBIDS = "step_forbids"
    BOARD_LOCKED = "board_locked"
    NOTE_PRIVATE = "note_private"
    ANONYMITY_LOCKED = "anonymity_locked"
    TIMER_STATE = "timer_state"
    NO_STEP = "no_step"
    DATE_IN_PAST = "date_in_past"
    DATES_REVERSED = "dates_reversed"
    COLLECTION_CLOSED = "collection_closed"
    COLLECTION_NOT_OPEN = "collection_not_open"
    COLLECTION_STATE = "collection_state"
    NO_DEADLINE = "no_deadline"
    # An undo or redo whose note or frame someone else changed since (domain/undo.py).
    UNDO_CONFLICT = "undo_conflict"
    # Moderation (docs/collection.md).
    NOTE_WITHHELD = "note_withheld"
    MODERATION_STATE = "moderation_state"
    TOO_MANY_NOTES = "too_many_notes"
    # Notifications to facilitators (docs/collection.md §8).
    URL_INVALID = "url_invalid"
    URL_PRIVATE = "url_private"
    URL_SELF = "url_self"
    URL_UNRESOLVED = "url_unresolved"
    EMAIL_INVALID = "email_invalid"
    TOO_MANY_RECIPIENTS = "too_many_recipients"
    VALUE_TOO_LONG = "value_too_long"
    SMTP_OFF = "smtp_off"
    NOTIFICATIONS_OFF = "notifications_off"
    UNAUTHORIZED = "unauthorized"
    INVALID_LINK = "invalid_link"
    BOARD_NOT_FOUND = "board_not_found"
    # The board was deleted by its facilitators or purged (its content is gone).
    BOARD_DELETED = "board_deleted"
    UNKNOWN_TEMPLATE = "unknown_template"
    # Replay, export and import (docs/replay.md).
    SEQ_OUT_OF_RANGE = "seq_out_of_range"
    REPLAY_OFF = "replay_off"
    INVALID_FILE = "invalid_file"
    UNKNOWN_VERSION = "unknown_version"
    FILE_TOO_LARGE = "file_too_large"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INTERNAL_ERROR = "internal_error"


class DomainError(Exception):
    """A command was refused. Nothing was appended."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
