"""The `samskapa` command."""

import argparse
import os
from collections.abc import Sequence

import uvicorn

from .settings import Settings


def _serve(args: argparse.Namespace) -> None:
    overrides: dict[str, object] = {"host": args.host, "port": args.port}
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.no_demo:
        overrides["demo"] = False
    settings = Settings(**overrides)  # type: ignore[arg-type]

    from .app import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        # Browsers ask for permessage-deflate; compressing every frame once per
        # recipient costs more CPU than the bandwidth it saves on a board.
        ws_per_message_deflate=False,
        ws_max_size=settings.max_message_bytes,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        timeout_graceful_shutdown=5,
        log_level=os.environ.get("SAMSKAPA_LOG_LEVEL", "info"),
        access_log=False,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="samskapa", description="A real-time co-creation board for mission workshops."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="run the server (SQLite in ./samskapa-data by default)"
    )
    serve.add_argument("--host", default=os.environ.get("SAMSKAPA_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("SAMSKAPA_PORT", "8000")))
    serve.add_argument("--database-url", help="overrides SAMSKAPA_DATABASE_URL")
    serve.add_argument("--data-dir", help="overrides SAMSKAPA_DATA_DIR")
    serve.add_argument("--no-demo", action="store_true", help="do not create the demo board")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
