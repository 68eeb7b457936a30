"""REST routes: create and join boards, read snapshots and event pages."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ..domain.commands import Mission
from ..domain.replay import record_event
from ..domain.values import (
    MAX_STEPS,
    SEQ_MAX,
    STEP_MINUTES_MAX,
    Language,
    Name,
    Role,
    Sector,
    Seq,
    Title,
)
from ..domain.visibility import (
    moderates,
    own_notes,
    own_votes,
    sees_authors,
    shared_state,
)
from ..service import CreatedBoard
from ..templates import all_templates, get_template
from .deps import MemberDep, Services, ServicesDep
from .errors import responses
from .ratelimit import CREATE_LIMITED, JOIN_LIMITED, spend

router = APIRouter(prefix="/api")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _template_ids(schema: dict[str, Any]) -> None:
    """The document lists the ids the server knows (read when it is generated)."""
    schema["enum"] = list(all_templates())


class CreateBoardBody(_Body):
    title: Annotated[Title, Field(min_length=1)]
    language: Language = Language.SV
    mission: Mission = Mission()
    # A workshop template's id (GET /api/templates); without it, an empty board.
    # Any other id answers 422 `unknown_template`.
    template: Annotated[str, Field(max_length=64, json_schema_extra=_template_ids)] | None = None


class BoardLinks(BaseModel):
    facilitator: str
    participant: str
    observer: str


class LocalizedOut(BaseModel):
    sv: str
    en: str


class TemplateOut(BaseModel):
    id: str
    name: LocalizedOut
    description: LocalizedOut
    steps: Annotated[int, Field(ge=0, le=MAX_STEPS)]
    minutes: Annotated[int, Field(ge=0, le=MAX_STEPS * STEP_MINUTES_MAX)]
    # The mission statement used when the form leaves it empty, if any.
    mission: LocalizedOut | None


class CreatedBoardOut(BaseModel):
    board_id: str
    links: BoardLinks


class LinkBody(_Body):
    link: Annotated[str, Field(min_length=1, max_length=200)]


class AccessOut(BaseModel):
    board_id: str
    role: Role
    title: str
    language: Language


class JoinBody(LinkBody):
    name: Name
    sector: Sector = Sector.OTHER


class JoinedOut(BaseModel):
    board_id: str
    member_id: str
    role: Role
    name: str
    sector: Sector
    credential: str


class SnapshotOut(BaseModel):
    seq: Seq
    state: dict[str, Any]
    own_votes: dict[str, Any]
    own_notes: dict[str, Any]


class EventsOut(BaseModel):
    events: list[dict[str, Any]]
    head_seq: Seq
    more: bool


def base_url(request: Request, public_url: str) -> str:
    return public_url.rstrip("/") if public_url else str(request.base_url).rstrip("/")


@router.post(
    "/boards",
    status_code=201,
    response_model=CreatedBoardOut,
    responses=responses(400, 422, 429),
)
async def create_board(body: CreateBoardBody, request: Request, services: ServicesDep) -> Any:
    spend(request, "create_board", CREATE_LIMITED)  # a malformed body (400) spends nothing
    template = get_template(body.template) if body.template is not None else None
    created = await services.boards.create(body.title, body.language, body.mission, template)
    return created_out(request, services, created)


def created_out(request: Request, services: Services, created: CreatedBoard) -> dict[str, Any]:
    """The answer to creating a board (also by fork or import): its id and three links."""
    base = base_url(request, services.settings.public_url)
    links = {
        role.value: f"{base}/b/{created.board_id}#k={token}"
        for role, token in created.tokens.items()
    }
    return {"board_id": created.board_id, "links": links}


@router.get("/templates", response_model=list[TemplateOut], responses=responses())
async def list_templates() -> Any:
    """The workshop templates a board can start from, in the order to offer them."""
    return [
        {
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "steps": len(t.agenda),
            "minutes": sum(step.minutes for step in t.agenda),
            "mission": t.mission.statement,
        }
        for t in all_templates().values()
    ]


@router.post(
    "/boards/{board_id}/access", response_model=AccessOut, responses=responses(400, 403, 404)
)
async def inspect_link(board_id: str, body: LinkBody, services: ServicesDep) -> Any:
    role, board = await services.boards.inspect(board_id, body.link)
    return {"board_id": board_id, "role": role, "title": board.title, "language": board.language}


@router.post(
    "/boards/{board_id}/join",
    status_code=201,
    response_model=JoinedOut,
    responses=responses(400, 403, 404, 429),
)
async def join_board(board_id: str, body: JoinBody, request: Request, services: ServicesDep) -> Any:
    # A wrong link or board is refused before the allowance is spent.
    role, _ = await services.boards.inspect(board_id, body.link)
    spend(request, "join", JOIN_LIMITED)
    joined = await services.boards.add_member(board_id, role, body.name, body.sector)
    member = joined.member
    return {
        "board_id": board_id,
        "member_id": member.id,
        "role": member.role,
        "name": member.name,
        "sector": member.sector,
        "credential": joined.credential,
    }


@router.get(
    "/boards/{board_id}/snapshot", response_model=SnapshotOut, responses=responses(401, 404)
)
async def board_snapshot(board_id: str, member: MemberDep, services: ServicesDep) -> Any:
    """The board as this member may see it (the same projection as the websocket)."""
    state = (await services.store.entry(board_id)).state
    viewer = services.boards.viewer(member)
    return {
        "seq": state.seq,
        "state": shared_state(state, sees_authors(state, viewer), moderator=moderates(viewer)),
        "own_votes": own_votes(state, viewer),
        "own_notes": own_notes(state, viewer),
    }


@router.get(
    "/boards/{board_id}/events", response_model=EventsOut, responses=responses(400, 401, 404)
)
async def board_events(
    board_id: str,
    member: MemberDep,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, le=SEQ_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Any:
    events, head = await services.store.events_page(board_id, after, limit)
    last = events[-1].seq if events else after
    viewer = services.boards.viewer(member)
    state = (await services.store.entry(board_id)).state
    # The events replay folds forward from `state?seq=N`: projected as replay
    # shows them, under the strictest anonymity the board ever had.
    mode = await services.history.strictest_anonymity(board_id, head)
    projected = [record_event(e, state, viewer, mode) for e in events]
    return {"events": projected, "head_seq": head, "more": last < head}
