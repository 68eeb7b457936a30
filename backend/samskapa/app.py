"""`create_app(settings)`: the FastAPI application and its lifespan.

Nothing connects at import time: the engine, the event store's writer and the
hub are built when the app starts and closed when it stops.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from . import __version__, metrics
from .api.collection import router as collection_router
from .api.deps import Services
from .api.errors import code_of, corrected, error_response, status_of
from .api.export import router as export_router
from .api.headers import SecurityHeaders
from .api.health import router as health_router
from .api.lifecycle import router as lifecycle_router
from .api.metrics import Exporter
from .api.metrics import router as metrics_router
from .api.notifications import router as notifications_router
from .api.pages import add_pages
from .api.ratelimit import AddressLimits, RateLimited
from .api.records import router as records_router
from .api.replay import router as replay_router
from .api.request_id import RequestId
from .api.rest import router
from .api.ws import board_socket_path, serve_board_socket
from .clock import Clock, system_clock
from .closer import DeadlineCloser
from .collector import Collector
from .domain.errors import DomainError, ErrorCode
from .notify.notifier import Notifier
from .realtime.broker import open_broker
from .realtime.budget import Limits, rates_from
from .realtime.doorbell import Follower
from .realtime.hub import Hub
from .seen import SeenMarks
from .service import Boards
from .settings import Settings
from .store.database import open_database
from .store.eventstore import EventStore
from .store.history import History
from .store.instance import InstanceConflict, claim
from .store.migrate import upgrade

log = logging.getLogger(__name__)


class SamskapaApp(FastAPI):
    """The application. A board's websocket goes straight to its handler
    (api/ws.py: what the middlewares would add, it adds itself); everything
    else through FastAPI's stack."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        board_id = board_socket_path(scope)
        if board_id is None:
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        await serve_board_socket(scope, receive, send, board_id)


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """`clock` is the server's time in epoch ms; tests hand in one they can move."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_database(settings.resolved_database_url())
        broker = open_broker(settings.broker_url)
        try:
            instance = await claim(db, exclusive=not broker.crosses_processes)
        except InstanceConflict:
            await db.dispose()
            raise
        await upgrade(db)
        store = EventStore(
            db,
            secret=settings.voter_secret(db.is_sqlite),
            clock=clock,
            writers=settings.postgres_writers,
        )
        hub = Hub(
            on_open=broker.watch,
            on_close=broker.unwatch,
            relay=broker.relay if broker.crosses_processes else None,
            heartbeat_timeout=settings.heartbeat_timeout,
            fanout_share=settings.fanout_share,
            max_frame_interval=settings.max_frame_interval_ms / 1000,
            cursor_moves_per_second=settings.cursor_moves_per_second,
        )
        store.subscribe(hub.on_events)
        store.is_watched = hub.rooms.__contains__
        store.on_commit(broker.ring)
        store.on_deleted(hub.close_board)
        store.start()
        hub.start()
        follower = Follower(store, hub, broker)
        await follower.start()
        boards = Boards(store)
        closer = DeadlineCloser(store, clock, settings.deadline_check_seconds)
        closer.start()
        notifier = Notifier(store, clock, settings)
        notifier.start()
        history = History(db)
        seen = SeenMarks(db)
        seen.start()
        exporter = Exporter()
        app.state.services = services = Services(
            settings=settings,
            db=db,
            store=store,
            hub=hub,
            boards=boards,
            broker=broker,
            follower=follower,
            limits=Limits(rates_from(settings), max_connections=settings.max_connections),
            clock=clock,
            history=history,
            address_limits=AddressLimits.from_settings(settings),
            seen=seen,
            exporter=exporter,
            notifier=notifier,
        )
        sampler = asyncio.create_task(exporter.sample_every(services), name="metrics-sampler")
        collector = Collector(
            lambda: store.batches,
            clock,
            quiet=settings.gc_quiet_seconds,
            longest=settings.gc_full_pass_seconds,
        )
        collector.start()
        app.state.collector = collector
        try:
            yield
        finally:
            sampler.cancel()
            with contextlib.suppress(BaseException):
                await sampler
            await collector.stop()
            await closer.stop()
            await notifier.stop()
            await follower.stop()
            await history.close()
            await hub.stop()
            await seen.stop()
            await store.stop()
            await instance.release()
            await db.dispose()

    app = SamskapaApp(
        title="Samskapa",
        version=__version__,
        summary="A real-time co-creation board for mission-oriented innovation workshops.",
        lifespan=lifespan,
        # Served by add_pages from the package itself, not from a CDN.
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        metrics.refused(exc.code.value, "http")
        return error_response(exc.code, exc.message, status_of(exc.code))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Unknown paths and methods answer in the same shape as everything else.
        code = code_of(exc.status_code)
        return error_response(code, str(exc.detail), exc.status_code, exc.headers)

    @app.exception_handler(Exception)
    async def server_error(_request: Request, _exc: Exception) -> JSONResponse:
        # Starlette logs the exception after this answer; the client learns nothing of it.
        return error_response(ErrorCode.INTERNAL_ERROR, "The server failed; try again.", 500)

    @app.exception_handler(RateLimited)
    async def rate_limited(_request: Request, exc: RateLimited) -> JSONResponse:
        metrics.refused(exc.code.value, "http")
        return JSONResponse(
            {"code": exc.code.value, "message": exc.message},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        metrics.refused(ErrorCode.INVALID_MESSAGE.value, "http")
        return error_response(ErrorCode.INVALID_MESSAGE, f"{where}: {first['msg']}", 400)

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = corrected(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(RequestId)
    app.include_router(router)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(export_router)
    app.include_router(collection_router)
    app.include_router(notifications_router)
    app.include_router(replay_router)
    app.include_router(records_router)
    app.include_router(lifecycle_router)

    add_pages(app, reload=settings.reload_frontend)
    # Outermost, outside Starlette's error middleware, so every answer has them.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack())  # type: ignore[method-assign]
    return app
