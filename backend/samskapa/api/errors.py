"""REST errors: the one error body, the HTTP status of each code, and the
documented responses of every route (docs/protocol.md §1, "REST errors").

Routes name the statuses they can answer with `responses(...)`; this module is
the only place that says what those look like in the OpenAPI document, so the
document and the handlers in app.py cannot drift apart.
"""

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..domain.errors import ErrorCode


class ErrorOut(BaseModel):
    """Every error answer: a stable machine `code` and a human `message`."""

    code: ErrorCode = Field(description="Stable; clients branch on this, never on the message.")
    message: str


STATUS: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.INVALID_LINK: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.BOARD_NOT_FOUND: 404,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.NO_DEADLINE: 404,
    ErrorCode.BOARD_DELETED: 410,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.ALREADY_EXISTS: 409,
    ErrorCode.NOTIFICATIONS_OFF: 409,
    ErrorCode.MESSAGE_TOO_LARGE: 413,
    ErrorCode.UNKNOWN_TEMPLATE: 422,
    ErrorCode.SEQ_OUT_OF_RANGE: 400,
    ErrorCode.REPLAY_OFF: 403,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.SERVER_FULL: 503,
}


def status_of(code: ErrorCode) -> int:
    """The HTTP status of a refusal; any code not listed is a bad request."""
    return STATUS.get(code, 400)


# The code of an answer the framework makes itself (unknown path, wrong method).
_FRAMEWORK = {
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.MESSAGE_TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
}


def code_of(status: int) -> ErrorCode:
    return _FRAMEWORK.get(status, ErrorCode.INVALID_MESSAGE)


def error_response(
    code: ErrorCode, message: str, status: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code.value, "message": message}, status, headers)


# What each status means on this API, shown in /docs beside the error model.
_MEANING = {
    400: "The request is invalid (`invalid_message`: a parameter or the body fails "
    "validation, or the body is not JSON; the notification settings have codes of "
    "their own, listed with the route).",
    401: "No credential, or not one of this board's members (`unauthorized`). "
    "Send `Authorization: Bearer <credential>`.",
    403: "The link is unknown or revoked (`invalid_link`), or the member's role may "
    "not do this (`forbidden`).",
    404: "No such board (`board_not_found`), or no deadline to put in a calendar "
    "(`no_deadline`, `deadline.ics` only).",
    409: "It exists already (`already_exists`), or notifications are off or have "
    "nowhere to go (`notifications_off`, the notification test only).",
    410: "The board was deleted (`board_deleted`); nothing of it is left.",
    413: "The request is over a size limit (`message_too_large`).",
    422: "No workshop template with this id (`unknown_template`).",
    429: "Too many requests from this client (`rate_limited`); slow down and retry later.",
    500: "The server failed (`internal_error`); the request may be retried.",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route: the given statuses and 500.

    A route that can say a board is not there (404) can also say it was there
    and was deleted (410 `board_deleted`)."""
    listed = {*statuses, 500} | ({410} if 404 in statuses else set())
    return {
        status: {"model": ErrorOut, "description": _MEANING[status]} for status in sorted(listed)
    }


def corrected(schema: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI's generated document gets wrong about this server, put right.

    FastAPI documents a 422 with its own body on every route that validates
    input; this server answers such failures with 400 and `ErrorOut` (app.py), so
    those go (a route's own 422, `unknown_template`, stays). And it files a
    route's error responses under the route's media type: the CSV exports' errors
    are JSON all the same."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            answers = operation.get("responses", {})
            found = answers.get("422")
            if found is not None and "HTTPValidationError" in str(found):
                del answers["422"]
            for status, answer in answers.items():
                content = answer.get("content", {})
                if status[:1] in ("4", "5") and content and "application/json" not in content:
                    answer["content"] = {"application/json": next(iter(content.values()))}
    components = schema.get("components", {}).get("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    return schema
