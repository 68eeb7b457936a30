"""The `samskapa` command."""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

import uvicorn

from .logs import log_config
from .settings import Settings


async def _prepare(settings: Settings) -> None:
    """Check the templates, migrate, and create the demo board, once, before any
    worker starts."""
    from .demo import ensure_demo_board
    from .service import Boards
    from .store.database import open_database
    from .store.eventstore import EventStore
    from .store.migrate import upgrade
    from .templates import all_templates

    all_templates()  # a broken template file stops the start, naming the file
    db = open_database(settings.resolved_database_url())
    try:
        await upgrade(db)
        if not settings.demo:
            return
        store = EventStore(db)
        store.start()
        try:
            base = settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"
            links = await ensure_demo_board(Boards(store), settings.data_dir, base)
        finally:
            await store.stop()
        print(f"Samskapa is running: {base}/", flush=True)
        print(f"Demo board, facilitator link: {links['facilitator']}", flush=True)
    finally:
        await db.dispose()


def _serve(args: argparse.Namespace) -> None:
    # Workers are separate processes that read their settings from the
    # environment, so command-line options are passed on that way.
    for option, variable in (
        ("host", "SAMSKAPA_HOST"),
        ("port", "SAMSKAPA_PORT"),
        ("database_url", "SAMSKAPA_DATABASE_URL"),
        ("data_dir", "SAMSKAPA_DATA_DIR"),
        ("broker_url", "SAMSKAPA_BROKER_URL"),
    ):
        value = getattr(args, option)
        if value is not None:
            os.environ[variable] = str(value)
    if args.no_demo:
        os.environ["SAMSKAPA_DEMO"] = "false"
    settings = Settings()
    if args.workers > 1 and settings.broker_url.startswith("memory:"):
        sys.exit(
            "samskapa: several workers need a broker that crosses processes; "
            "set --broker-url redis://host:port (or SAMSKAPA_BROKER_URL)."
        )
    asyncio.run(_prepare(settings))
    os.environ["SAMSKAPA_DEMO"] = "false"  # done; the workers must not do it again
    uvicorn.run(
        "samskapa.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        # Browsers ask for permessage-deflate; compressing every frame once per
        # recipient costs more CPU than the bandwidth it saves on a board.
        ws_per_message_deflate=False,
        ws_max_size=settings.max_message_bytes,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        timeout_graceful_shutdown=5,
        log_config=log_config(
            os.environ.get("SAMSKAPA_LOG_LEVEL", "info"),
            os.environ.get("SAMSKAPA_LOG_FORMAT", "text"),
        ),
        access_log=False,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="samskapa", description="A real-time co-creation board for mission workshops."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server (SQLite in ./samskapa-data)")
    serve.add_argument("--host", help="address to listen on (SAMSKAPA_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (SAMSKAPA_PORT, 8000)")
    serve.add_argument("--database-url", help="SQLAlchemy URL (SAMSKAPA_DATABASE_URL)")
    serve.add_argument("--data-dir", help="folder of the embedded database (SAMSKAPA_DATA_DIR)")
    serve.add_argument("--broker-url", help="memory:// or redis://host:port (SAMSKAPA_BROKER_URL)")
    serve.add_argument("--workers", type=int, default=1, help="server processes on this port")
    serve.add_argument("--no-demo", action="store_true", help="do not create the demo board")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
