"""REST for a board's notifications to its facilitators (docs/collection.md §8).

Facilitators only. The webhook URL is a secret (whoever has it posts to the
channel), so it is written here and never read back: answers say only whether
one is configured and its host. None of this is in the event log, so no
export, replay or fork carries it.
"""

from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Actor
from ..domain.values import SEQ_MAX, Flag, Role
from ..notify import outbox, urls
from ..notify.email import MAX_RECIPIENTS
from ..notify.notifier import own_addresses
from ..notify.webhook import Format
from .collection import base_url
from .deps import MemberDep, ServicesDep
from .errors import responses

router = APIRouter(prefix="/api")

MAX_EMAIL_LENGTH = 254
DIGEST_HOURS = (0, 1, 6, 24)


class NotificationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: Flag
    # Left out or null: keep the saved one; "": remove it; else the new URL.
    webhook_url: Annotated[str, Field(max_length=100_000)] | None = None
    webhook_format: Format = "auto"
    # Replaces the list; used only when the server has SMTP.
    emails: Annotated[list[Annotated[str, Field(max_length=100_000)]], Field(max_length=1000)] = []
    # How often a digest of new contributions goes out: 0 (none), 1, 6 or 24.
    digest_hours: Annotated[int, Field(ge=0, le=24, strict=True)] = 24


class WebhookOut(BaseModel):
    configured: bool
    # Only the host of the saved URL; the URL itself is never shown back.
    host: str | None
    format: Format


# Counts and instants (epoch ms) in answers, bounded like every number in the document.
Number = Annotated[int, Field(ge=0, le=SEQ_MAX)]


class ChannelStatusOut(BaseModel):
    pending: Number
    last_sent_at: Number | None
    last_error: str | None
    last_failed_at: Number | None


class NotificationsOut(BaseModel):
    enabled: bool
    webhook: WebhookOut
    emails: list[str]
    digest_hours: Annotated[int, Field(ge=0, le=24)]
    # Whether the operator configured SMTP (e-mail recipients are used only then).
    smtp: bool
    status: dict[str, ChannelStatusOut]


class TestOut(BaseModel):
    channels: list[str]


def _facilitator(member: Actor) -> None:
    if member.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only facilitators configure notifications.")


async def _answer(services: ServicesDep, board_id: str) -> dict[str, Any]:
    config = await outbox.load(services.db, board_id)
    status = await outbox.status(services.db, board_id)
    url = config.webhook_url if config is not None else None
    return {
        "enabled": config.enabled if config is not None else False,
        "webhook": {
            "configured": bool(url),
            "host": urls.host_of(url) if url else None,
            "format": config.webhook_format if config is not None else "auto",
        },
        "emails": list(config.emails) if config is not None else [],
        "digest_hours": config.digest_hours if config is not None else 24,
        "smtp": services.notifier.smtp is not None,
        "status": {
            channel: {
                "pending": s.pending,
                "last_sent_at": s.last_sent_at,
                "last_error": s.last_error,
                "last_failed_at": s.last_failed_at,
            }
            for channel, s in status.items()
        },
    }


def _emails(given: list[str]) -> list[str]:
    if len(given) > MAX_RECIPIENTS:
        raise DomainError(
            ErrorCode.TOO_MANY_RECIPIENTS, f"At most {MAX_RECIPIENTS} e-mail recipients."
        )
    out: list[str] = []
    for address in given:
        if len(address) > MAX_EMAIL_LENGTH:
            raise DomainError(
                ErrorCode.VALUE_TOO_LONG, f"An e-mail address may be {MAX_EMAIL_LENGTH} characters."
            )
        try:
            normalized = validate_email(address.strip(), check_deliverability=False).normalized
        except EmailNotValidError as err:
            raise DomainError(ErrorCode.EMAIL_INVALID, f"{address!r}: {err}") from err
        if normalized not in out:
            out.append(normalized)
    return out


@router.get(
    "/boards/{board_id}/notifications",
    response_model=NotificationsOut,
    responses=responses(401, 403, 404),
)
async def get_notifications(board_id: str, member: MemberDep, services: ServicesDep) -> Any:
    """The board's notification settings (the webhook only as "configured" and
    its host) and how delivery goes on each channel."""
    _facilitator(member)
    return await _answer(services, board_id)


@router.put(
    "/boards/{board_id}/notifications",
    response_model=NotificationsOut,
    responses=responses(400, 401, 403, 404),
)
async def put_notifications(
    board_id: str,
    body: NotificationsIn,
    request: Request,
    member: MemberDep,
    services: ServicesDep,
) -> Any:
    """Turn notifications on or off and say where they go. Refused with a stable
    code: a URL that is not http(s) (`url_invalid`), that points at a private,
    loopback or link-local address (`url_private`, unless the operator allows
    it) or at this server (`url_self`), that does not resolve (`url_unresolved`);
    a bad address (`email_invalid`), too many (`too_many_recipients`), a value
    over its length (`value_too_long`), recipients without SMTP (`smtp_off`)."""
    _facilitator(member)
    if body.digest_hours not in DIGEST_HOURS:
        raise DomainError(ErrorCode.INVALID_MESSAGE, "digest_hours: one of 0, 1, 6 or 24.")
    before = await outbox.load(services.db, board_id)
    url = before.webhook_url if before is not None else None
    if body.webhook_url is not None:
        url = body.webhook_url.strip() or None
    if url is not None and (before is None or url != before.webhook_url):
        reached = (
            (request.url.hostname or "").lower(),
            request.url.port or (443 if request.url.scheme == "https" else 80),
        )
        own = own_addresses(services.settings, reached)
        await urls.check(url, services.settings.notify_allow_private, own.hosts, own.ports)
    emails = _emails(body.emails)
    if emails and services.notifier.smtp is None:
        raise DomainError(
            ErrorCode.SMTP_OFF, "This server sends no e-mail (the operator has not set up SMTP)."
        )
    head = await services.store.head_seq(board_id)
    assert head is not None  # the member's credential found the board
    await outbox.save(
        services.db,
        board_id,
        enabled=body.enabled,
        webhook_url=url,
        webhook_format=body.webhook_format,
        emails=emails,
        digest_hours=body.digest_hours,
        board_url=base_url(request, services.settings.public_url),
        head_seq=head,
        now=services.clock(),
    )
    return await _answer(services, board_id)


@router.delete(
    "/boards/{board_id}/notifications",
    response_model=NotificationsOut,
    responses=responses(401, 403, 404),
)
async def delete_notifications(board_id: str, member: MemberDep, services: ServicesDep) -> Any:
    """Forget the board's notification settings (the webhook URL too); nothing
    waiting is sent."""
    _facilitator(member)
    await outbox.remove(services.db, board_id)
    return await _answer(services, board_id)


@router.post(
    "/boards/{board_id}/notifications/test",
    response_model=TestOut,
    status_code=202,
    responses=responses(401, 403, 404, 409, 429),
)
async def test_notifications(board_id: str, member: MemberDep, services: ServicesDep) -> Any:
    """Send a test message on every configured channel now; the answer comes
    before the delivery does (see `status` in GET for how it went)."""
    _facilitator(member)
    config = await outbox.load(services.db, board_id)
    channels = config.channels(services.notifier.smtp is not None) if config else []
    if config is None or not channels:
        raise DomainError(
            ErrorCode.NOTIFICATIONS_OFF, "Notifications are off, or have nowhere to go."
        )
    if await outbox.pending_of_kind(services.db, board_id, "test"):
        return JSONResponse(
            {"code": ErrorCode.RATE_LIMITED.value, "message": "A test message is on its way."},
            status_code=429,
            headers={"Retry-After": "5"},
        )
    state = (await services.store.entry(board_id)).state
    assert state.board is not None
    sent = await services.notifier.send_test(config, state.board.title, state.board.language)
    return {"channels": sent}
