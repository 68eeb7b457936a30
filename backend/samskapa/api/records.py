"""The workshop's record, for facilitators: the board file (export, import), the
board as a template, and the report (HTML to print, Markdown).

Everything here shows what a facilitator may see in replay: no private note
before its reveal (and never one that was not revealed), under the strictest
anonymity the board ever had (docs/replay.md).
"""

import time
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.requests import ClientDisconnect

from ..domain.boardfile import MAX_FILE_BYTES, export_document, parse_document
from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Actor
from ..domain.replay import members_by_actor, record_rows, timeline
from ..domain.state import BoardState
from ..domain.values import Anonymity, Role
from ..report import report_html, report_markdown
from ..templates import template_of
from .deps import MemberDep, Services, ServicesDep
from .errors import responses
from .pages import static_prefix, versioned
from .ratelimit import CREATE_LIMITED, spend
from .rest import CreatedBoardOut, base_url, created_out

router = APIRouter(prefix="/api")


async def facilitators_record(
    board_id: str, member: Actor, services: Services
) -> tuple[BoardState, Anonymity]:
    """The board's head and its strictest anonymity ever, for a facilitator."""
    if member.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a facilitator may export.")
    head = await services.history.head(board_id)
    state, _ = await services.history.state_at(board_id, head, head, warm=False)
    return state, await services.history.strictest_anonymity(board_id, head)


def _download(body: bytes | str, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class JsonFile(Response):
    """Documents a JSON download in OpenAPI."""

    media_type = "application/json"


class MarkdownFile(Response):
    media_type = "text/markdown"


# Not a member (401), not a facilitator (403), no such board (404).
_REFUSALS = responses(401, 403, 404)
# A JSON file is an object (FastAPI would document a custom response class's body
# as a string).
_JSON_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}}
}


@router.get(
    "/boards/{board_id}/export.json",
    response_class=JsonFile,
    responses={**responses(400, 401, 403, 404), **_JSON_FILE},
)
async def export_board(
    board_id: str,
    member: MemberDep,
    services: ServicesDep,
    events: Annotated[bool, Query()] = False,
) -> Response:
    """The board file (format `samskapa-board`, version 1); with `events=true`
    also the log, each event as the facilitator may see it in replay."""
    state, mode = await facilitators_record(board_id, member, services)
    log: list[dict[str, Any]] | None = None
    if events:
        viewer = services.boards.viewer(member)
        rows = await services.history.rows(board_id, state.seq)
        log = record_rows(rows, state, viewer, mode)
    document = export_document(state, mode, int(time.time() * 1000), log)
    return _download(orjson.dumps(document), "application/json", f"board-{board_id}.json")


@router.post(
    "/boards/import",
    status_code=201,
    response_model=CreatedBoardOut,
    responses=responses(400, 413, 429),
    # Read from the stream (to stop at the size limit), so described here.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
            "description": "A board file (`samskapa-board`, version 1; docs/replay.md).",
        }
    },
)
async def import_board(request: Request, services: ServicesDep) -> Any:
    """A new board from a board file. Anyone may import (like creating a board);
    a file that is refused creates nothing."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE, f"A board file may be at most {MAX_FILE_BYTES} bytes."
        )
    # A new board like any other: the same allowance per client address, spent
    # before the file is read (reading and checking it is the work to limit).
    spend(request, "create_board", CREATE_LIMITED)
    raw = bytearray()
    try:
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_FILE_BYTES:
                raise DomainError(
                    ErrorCode.FILE_TOO_LARGE,
                    f"A board file may be at most {MAX_FILE_BYTES} bytes.",
                )
    except ClientDisconnect:
        # Gone, or cut off for sending too slowly (request_deadline.py): no
        # one hears this answer, and it is no server error.
        raise DomainError(ErrorCode.INVALID_FILE, "The board file did not arrive.") from None
    created = await services.boards.import_file(parse_document(bytes(raw)))
    return created_out(request, services, created)


@router.get(
    "/boards/{board_id}/template.json",
    response_class=JsonFile,
    responses={**_REFUSALS, **_JSON_FILE},
)
async def board_template(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    """The board as a workshop template (the format of data/templates/)."""
    state, mode = await facilitators_record(board_id, member, services)
    template = template_of(state, mode)
    return _download(
        orjson.dumps(template, option=orjson.OPT_INDENT_2),
        "application/json",
        f"{template['id']}.json",
    )


async def _report_data(board_id: str, member: Actor, services: Services) -> dict[str, Any]:
    state, mode = await facilitators_record(board_id, member, services)
    rows = await services.history.rows(board_id, state.seq)
    actors = members_by_actor(state, services.store.secret)
    activity = timeline(rows, services.boards.viewer(member), state, actors)["activity"]
    return {"state": state, "mode": mode, "rows": rows, "activity": activity}


@router.get("/boards/{board_id}/report.html", response_class=HTMLResponse, responses=_REFUSALS)
async def board_report_html(
    board_id: str, request: Request, member: MemberDep, services: ServicesDep
) -> Response:
    """A printable report in the board's language (the browser's print makes a PDF).
    The pages' CSP and headers come from the headers middleware."""
    data = await _report_data(board_id, member, services)
    base = base_url(request, services.settings.public_url)
    html = report_html(**data, base_url=base)
    return HTMLResponse(versioned(html, static_prefix(request), base))


@router.get("/boards/{board_id}/report.md", response_class=MarkdownFile, responses=_REFUSALS)
async def board_report_markdown(
    board_id: str, member: MemberDep, services: ServicesDep
) -> Response:
    data = await _report_data(board_id, member, services)
    return _download(
        report_markdown(**data), "text/markdown; charset=utf-8", f"report-{board_id}.md"
    )
