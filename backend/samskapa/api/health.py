"""Health for load balancers and orchestrators (README, Operations).

- `/livez`: the process runs and its event loop answers. Restart it if not.
- `/readyz`: it can serve: the database answers (else 503: send no traffic
  here). A broker that does not answer makes it `degraded`, still 200: boards
  keep working through SQL polling, only slower, and taking every replica out of
  rotation for that would turn a slower service into none.
- `/health`: the same as `/readyz` (older name).

GET and HEAD alike; nothing here is cached.
"""

import asyncio
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel

from .deps import ServicesDep
from .errors import responses

router = APIRouter(tags=["health"])

# Seconds a check may take: a probe that hangs is as bad as one that fails.
PROBE_TIMEOUT = 3.0
NO_STORE = {"Cache-Control": "no-store"}


class Live(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    database: str
    broker: str


@router.get("/livez", response_model=Live, responses=responses())
async def livez(response: Response) -> Live:
    response.headers.update(NO_STORE)
    return Live(status="ok")


async def _probe(check: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(check, PROBE_TIMEOUT)
    except TimeoutError:
        return f"error: no answer in {PROBE_TIMEOUT:g} s"
    except Exception as exc:  # any failure means "not ok"; its kind helps the operator
        return f"error: {type(exc).__name__}"
    return "ok"


@router.get(
    "/readyz",
    response_model=Ready,
    responses={
        **responses(),
        503: {"model": Ready, "description": "The database does not answer."},
    },
)
async def readyz(services: ServicesDep, response: Response) -> Ready:
    database, broker = await asyncio.gather(
        _probe(services.store.ping()), _probe(services.broker.ping())
    )
    response.headers.update(NO_STORE)
    if database != "ok":
        response.status_code = 503
        status: Literal["ok", "degraded", "unavailable"] = "unavailable"
    else:
        status = "ok" if broker == "ok" else "degraded"
    return Ready(status=status, database=database, broker=broker)


router.add_api_route(
    "/health",
    readyz,
    methods=["GET"],
    response_model=Ready,
    responses={
        **responses(),
        503: {"model": Ready, "description": "The database does not answer."},
    },
    summary="Readiness (the same as /readyz)",
)

# HEAD answers as GET does, without a body; left out of the OpenAPI document, where
# a second operation per path would only repeat the first.
for _path, _endpoint in (("/livez", livez), ("/readyz", readyz), ("/health", readyz)):
    router.add_api_route(_path, _endpoint, methods=["HEAD"], include_in_schema=False)
