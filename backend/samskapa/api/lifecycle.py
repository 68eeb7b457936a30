"""REST for a board's lifecycle (docs/protocol.md §1, "A board's lifecycle"):
its links shown again and replaced (the Share panel), deleting the board, and
erasing one member's personal data. Facilitators only.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Actor
from ..domain.values import SEQ_MAX, Id, Role
from .deps import MemberDep, ServicesDep
from .errors import responses
from .qr import SvgResponse, qr_response
from .rest import base_url

router = APIRouter(prefix="/api")


class LinksOut(BaseModel):
    # null: a link made before links could be shown again; replace it to see one.
    facilitator: str | None
    participant: str | None
    observer: str | None


class ReplacedOut(BaseModel):
    role: Role
    link: str


class ErasedOut(BaseModel):
    member_id: str
    # The seq of the `participant.erased` event.
    seq: Annotated[int, Field(ge=1, le=SEQ_MAX)]


class DeletedOut(BaseModel):
    """What went (the record of the deletion keeps only these counts)."""

    board_id: str
    deleted_at: Annotated[int, Field(ge=0, le=SEQ_MAX)]
    events: Annotated[int, Field(ge=0, le=SEQ_MAX)]
    members: Annotated[int, Field(ge=0, le=SEQ_MAX)]
    notes: Annotated[int, Field(ge=0, le=SEQ_MAX)]


def _facilitator(member: Actor) -> None:
    if member.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only facilitators manage the board's links.")


def _link(request: Request, public_url: str, board_id: str, token: str) -> str:
    return f"{base_url(request, public_url)}/b/{board_id}#k={token}"


@router.get("/boards/{board_id}/links", response_model=LinksOut, responses=responses(401, 403, 404))
async def board_links(
    board_id: str, request: Request, member: MemberDep, services: ServicesDep
) -> Any:
    """The board's current access links, for the facilitators' Share panel."""
    _facilitator(member)
    tokens = await services.boards.links(board_id)
    public_url = services.settings.public_url
    return {
        role.value: None if token is None else _link(request, public_url, board_id, token)
        for role, token in tokens.items()
    }


@router.get(
    "/boards/{board_id}/links/{role}/qr.svg",
    response_class=SvgResponse,
    responses=responses(400, 401, 403, 404),
)
async def link_qr(
    board_id: str, role: Role, request: Request, member: MemberDep, services: ServicesDep
) -> Response:
    """A QR code (SVG) of one of the board's access links, e.g. for a room's screen."""
    _facilitator(member)
    token = (await services.boards.links(board_id))[role]
    if token is None:
        raise DomainError(ErrorCode.NOT_FOUND, "This link was made before links could be shown.")
    return qr_response(_link(request, services.settings.public_url, board_id, token))


@router.post(
    "/boards/{board_id}/links/{role}/replace",
    response_model=ReplacedOut,
    responses=responses(400, 401, 403, 404),
)
async def replace_link(
    board_id: str, role: Role, request: Request, member: MemberDep, services: ServicesDep
) -> Any:
    """A new link for `role`; the old one stops working at once, on every server
    process. Members who joined through it keep their access (their credential
    is their own). Logged as `access.link_replaced` (the role, never a token)."""
    _facilitator(member)
    token = await services.boards.replace_link(board_id, role, member)
    return {"role": role, "link": _link(request, services.settings.public_url, board_id, token)}


@router.delete("/boards/{board_id}", response_model=DeletedOut, responses=responses(401, 403, 404))
async def delete_board(board_id: str, member: MemberDep, services: ServicesDep) -> Any:
    """Delete the board for good: its events, snapshots, members, links and
    deadlines are erased; one row of counts records that it was deleted. Everyone
    connected is closed with 4410; later requests answer 410 `board_deleted`."""
    deletion = await services.boards.delete(board_id, member)
    return {
        "board_id": deletion.board_id,
        "deleted_at": deletion.deleted_at,
        "events": deletion.events,
        "members": deletion.members,
        "notes": deletion.notes,
    }


@router.delete(
    "/boards/{board_id}/members/{member_id}",
    response_model=ErasedOut,
    responses=responses(400, 401, 403, 404),
)
async def erase_member(
    board_id: str, member_id: Id, member: MemberDep, services: ServicesDep
) -> Any:
    """Erase one member's personal data: their name leaves the whole log and
    their credential the database; their notes stay, by a former participant.
    Their sockets are closed (4001). Logged as `participant.erased`."""
    seq = await services.boards.erase(board_id, member_id, member)
    return {"member_id": member_id, "seq": seq}
