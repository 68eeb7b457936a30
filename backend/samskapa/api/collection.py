"""REST for an idea collection over days: the deadline as a calendar file,
what is new since a member's last visit, and moving to another device.

All need the member's credential (`Authorization: Bearer …`), never in a URL:
server logs and proxies record URLs. The personal link to another device holds
the credential in its fragment (`#m=…`), which browsers never send.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from icalendar import Alarm, Calendar, Event
from pydantic import BaseModel

from ..domain.collection import key_of
from ..domain.errors import DomainError, ErrorCode
from ..domain.news import NEWS_EVENT_TYPES, new_notes
from ..domain.values import SEQ_MAX, Id, Language, Seq
from .deps import CredentialDep, MemberDep, ServicesDep
from .errors import responses
from .qr import SvgResponse, qr_response

router = APIRouter(prefix="/api")

# A calendar request has one short parameter; anything longer is not one.
ICS_QUERY_MAX = 256
ICS_PARAMS = {"step"}

_SUMMARY = {
    Language.SV: "{title}: insamlingen stänger",
    Language.EN: "{title}: the collection closes",
}
_STEP_SUMMARY = {
    Language.SV: "{title} – {step}: steget stänger",
    Language.EN: "{title} – {step}: the step closes",
}


class MeOut(BaseModel):
    member_id: str
    role: str
    name: str
    sector: str
    # The board's seq this member had seen when last here (null: never).
    last_seen_seq: Seq | None


class NewsOut(BaseModel):
    after: Seq
    head_seq: Seq
    notes: list[str]


def base_url(request: Request, public_url: str) -> str:
    return public_url.rstrip("/") if public_url else str(request.base_url).rstrip("/")


@router.get("/boards/{board_id}/me", response_model=MeOut, responses=responses(401, 404))
async def who_am_i(board_id: str, services: ServicesDep, credential: CredentialDep) -> Any:
    """The member behind the credential: what a second device needs to sign in."""
    member, stored = await services.boards.sign_in(board_id, credential)
    seen = services.seen.latest(member.member_id, stored)
    state = (await services.store.entry(board_id)).state
    me = state.participants[member.member_id]
    return {
        "member_id": me.id,
        "role": me.role,
        "name": me.name,
        "sector": me.sector,
        "last_seen_seq": seen,
    }


@router.get("/boards/{board_id}/news", response_model=NewsOut, responses=responses(400, 401, 404))
async def news(
    board_id: str,
    member: MemberDep,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, le=SEQ_MAX)],
) -> Any:
    """Notes someone else added or edited after seq `after` that this member may
    see now, oldest first (deleted ones left out)."""
    entry = await services.store.entry(board_id)
    head = entry.state.seq
    events = await services.store.events_of_types(board_id, after, head, NEWS_EVENT_TYPES)
    viewer = services.boards.viewer(member)
    return {"after": after, "head_seq": head, "notes": new_notes(events, entry.state, viewer)}


class CalendarResponse(Response):
    """Documents the calendar file as `text/calendar` in OpenAPI."""

    media_type = "text/calendar"


@router.get(
    "/boards/{board_id}/deadline.ics",
    response_class=CalendarResponse,
    responses=responses(400, 401, 404, 413),
)
async def deadline_ics(
    board_id: str,
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    step: Annotated[Id | None, Query()] = None,
) -> Response:
    """The board's (or a step's) deadline as an iCalendar event, with a reminder a day before."""
    query = request.url.query
    if len(query.encode()) > ICS_QUERY_MAX:
        raise DomainError(ErrorCode.MESSAGE_TOO_LARGE, "The request is too long.")
    unknown = set(request.query_params) - ICS_PARAMS
    if unknown:
        raise DomainError(ErrorCode.INVALID_MESSAGE, f"Unknown parameter: {sorted(unknown)[0]}.")
    state = (await services.store.entry(board_id)).state
    assert state.board is not None
    schedule = state.schedules.get(key_of(step))
    if schedule is None or schedule.closes_at is None:
        raise DomainError(ErrorCode.NO_DEADLINE, "There is no deadline to add to a calendar.")
    language = state.board.language
    step_title = next((s.title for s in state.agenda if s.id == step), "")
    summary = (
        _STEP_SUMMARY[language].format(title=state.board.title, step=step_title)
        if step
        else _SUMMARY[language].format(title=state.board.title)
    )
    closes = datetime.fromtimestamp(schedule.closes_at / 1000, tz=UTC)
    event = Event()
    event.add("uid", f"{board_id}-{key_of(step) or 'board'}-{schedule.closes_at}@samskapa")
    event.add("dtstamp", datetime.fromtimestamp(services.clock() / 1000, tz=UTC))
    event.add("dtstart", closes)
    event.add("dtend", closes)
    event.add("summary", summary)
    # The board's address without the fragment: it names the board, not the member.
    event.add("url", f"{base_url(request, services.settings.public_url)}/b/{board_id}")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    calendar = Calendar()
    calendar.add("prodid", "-//Samskapa//Samskapa//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return CalendarResponse(
        calendar.to_ical(),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="deadline-{board_id}.ics"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/boards/{board_id}/device-qr.svg", response_class=SvgResponse, responses=responses(401, 404)
)
async def device_qr(
    board_id: str,
    request: Request,
    member: MemberDep,
    credential: CredentialDep,
    services: ServicesDep,
) -> Response:
    """A QR code (SVG) of this member's personal link: opened on another device,
    it signs in as the same member. Only the member can ask for it (their own
    credential is the key), and it is never cached."""
    link = f"{base_url(request, services.settings.public_url)}/b/{board_id}#m={credential}"
    return qr_response(link)
