"""What the routes need, built once in the app's lifespan (nothing at import time)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..clock import Clock
from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Actor
from ..realtime.broker import Broker
from ..realtime.budget import Limits
from ..realtime.doorbell import Follower
from ..realtime.hub import Hub
from ..seen import SeenMarks
from ..service import Boards
from ..settings import Settings
from ..store.database import Database
from ..store.eventstore import EventStore
from ..store.history import History
from .ratelimit import AddressLimits

if TYPE_CHECKING:
    from ..notify.notifier import Notifier
    from .metrics import Exporter


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    store: EventStore
    hub: Hub
    boards: Boards
    broker: Broker
    follower: Follower
    # Budgets, the connection limit and their counters (realtime/budget.py).
    limits: Limits
    clock: Clock
    history: History
    # HTTP rate limits per client address (api/ratelimit.py).
    address_limits: AddressLimits
    seen: SeenMarks
    exporter: "Exporter"
    notifier: "Notifier"


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


# Documents the bearer scheme in OpenAPI ("Authorize" in /docs). Without
# auto_error a missing header reaches get_member, which answers 401 in our shape.
bearer_scheme = HTTPBearer(
    scheme_name="member",
    description="The `credential` that `POST /api/boards/{board_id}/join` returned.",
    auto_error=False,
)


async def get_credential(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The credential of `Authorization: Bearer <credential>` (401 without one)."""
    if credentials is None or not credentials.credentials.strip():
        raise DomainError(ErrorCode.UNAUTHORIZED, "Send Authorization: Bearer <credential>.")
    return credentials.credentials.strip()


CredentialDep = Annotated[str, Depends(get_credential)]


async def get_member(board_id: str, services: ServicesDep, credential: CredentialDep) -> Actor:
    """The member behind `Authorization: Bearer <credential>` on this board."""
    return await services.boards.authenticate(board_id, credential)


MemberDep = Annotated[Actor, Depends(get_member)]
