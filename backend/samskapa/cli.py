"""The `samskapa` command."""

import argparse
import asyncio
import atexit
import contextlib
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import uvicorn
from sqlalchemy.engine import make_url

from . import __version__, check
from .check import Problem, exit_status
from .logs import log_config
from .request_deadline import RequestDeadlineProtocol
from .settings import Settings
from .websocket_protocol import WebSocketProtocol


class Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


async def _prepare(settings: Settings) -> None:
    """Check the templates, migrate, and create the demo board, once, before any
    worker starts."""
    from .demo import ensure_demo_board
    from .realtime.broker import open_broker
    from .service import Boards
    from .store.database import open_database
    from .store.eventstore import EventStore
    from .store.instance import InstanceConflict, claim
    from .store.migrate import upgrade
    from .templates import all_templates

    all_templates()  # a broken template file stops the start, naming the file
    db = open_database(settings.resolved_database_url())
    try:
        # Refused here, in one line, rather than by every worker with a traceback;
        # the workers claim the database again for as long as they serve it.
        exclusive = not open_broker(settings.broker_url).crosses_processes
        try:
            instance = await claim(db, exclusive=exclusive)
        except InstanceConflict as conflict:
            raise Refused(check.Problem(check.Exit.IN_USE, str(conflict))) from None
        await instance.release()
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


def _share_metrics(settings: Settings) -> None:
    """Workers write their metrics to files in one folder; a scrape of any worker
    adds them up (samskapa/metrics.py). The folder is this run's: emptied first,
    since files of an earlier run would count again. prometheus_client reads the
    variable once, at import: the workers start fresh interpreters that see it;
    this process, which serves nothing, has already imported it without."""
    if settings.metrics_dir is not None:
        folder = settings.metrics_dir
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.db"):
            old.unlink()
    else:
        folder = Path(tempfile.mkdtemp(prefix="samskapa-metrics-"))
        atexit.register(shutil.rmtree, folder, True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        print(f"samskapa: {problem.message}", file=sys.stderr, flush=True)
    sys.exit(exit_status(problems))


def _check(_args: argparse.Namespace) -> None:
    settings, problems = check.run()
    if problems:
        _fail(problems)
    assert settings is not None
    database = make_url(settings.resolved_database_url()).render_as_string(hide_password=True)
    print(f"samskapa {__version__}: configuration ok", flush=True)
    print(f"database {database}: ok", flush=True)
    print(f"broker {settings.broker_url.split('://', 1)[0]}://: ok", flush=True)


# Open files a process needs besides its sockets: the database, the log, the
# listening socket, the event loop's own.
SPARE_FILES = 100


def _open_files(max_connections: int) -> None:
    """Every websocket is an open file. Many systems start a service with a soft
    limit of 1,024 open files and a far higher hard limit, which would refuse
    sockets (EMFILE) long before `SAMSKAPA_MAX_CONNECTIONS`: raise the soft
    limit to the hard one (workers inherit it), and say so when even that is
    too low for the connections allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    need = max_connections + SPARE_FILES
    if max_connections and soft < need:
        print(
            f"samskapa: warning: {soft:,} open files allowed, but SAMSKAPA_MAX_CONNECTIONS "
            f"({max_connections:,}) needs about {need:,}; raise the limit (ulimit -n, "
            "systemd LimitNOFILE, docker --ulimit nofile) or lower the setting",
            file=sys.stderr,
            flush=True,
        )


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
    settings, problems = check.run(args.workers)
    broker_down = [p for p in problems if p.exit is check.Exit.BROKER]
    if len(broker_down) < len(problems):
        _fail(problems)
    assert settings is not None
    _open_files(settings.max_connections)
    for problem in broker_down:
        # A running server outlives a broker outage (it polls the database meanwhile),
        # so an absent broker at start does not stop it either.
        print(
            f"samskapa: warning: {problem.message}; starting anyway (boards update by "
            "polling the database until it answers)",
            file=sys.stderr,
            flush=True,
        )
    try:
        asyncio.run(_prepare(settings))
    except Refused as refused:
        _fail([refused.problem])
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _fail([check.Problem(check.Exit.FAILED, f"could not prepare the database: {first}")])
    os.environ["SAMSKAPA_DEMO"] = "false"  # done; the workers must not do it again
    if args.workers > 1:
        _share_metrics(settings)
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
        # No websocket-level keepalive pings: the protocol's own heartbeat
        # (a client pings every 15 s, the hub closes one silent for 45 s with
        # 4009) already finds dead peers, and uvicorn's ping every 20 s was a
        # timer per connection and two of every five socket events of an idle
        # server (docs/benchmarks.md, "Memory per idle connection").
        ws_ping_interval=None,
        timeout_graceful_shutdown=5,
        # A deadline for every request, also the first on a new connection
        # (request_deadline.py); uvicorn's own keep-alive timeout covers the
        # idle time between requests.
        http=RequestDeadlineProtocol,
        # After a close frame, what the client still sends is dropped unparsed
        # (websocket_protocol.py): a flooder's backlog costs nothing to close.
        ws=WebSocketProtocol,
        timeout_keep_alive=max(1, min(5, int(settings.request_timeout))),
        # request.client is the address X-Forwarded-For names, when the peer is
        # one of these proxies (the HTTP rate limits count per address).
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=log_config(settings.log_level, settings.log_format),
        access_log=False,
    )


PG_DUMP_HELP = """\
samskapa backup: the database is PostgreSQL; back it up with PostgreSQL's own tools,
which take a consistent copy while the servers run:

    pg_dump --format=custom --file=samskapa-$(date -u +%Y%m%d-%H%M%S).dump "$DATABASE"
    # restore into an empty database:
    pg_restore --clean --if-exists --no-owner --dbname="$DATABASE" samskapa-….dump

($DATABASE: the SAMSKAPA_DATABASE_URL without "+asyncpg".) Keep SAMSKAPA_SECRET
apart from the dumps, and keep it: without the same secret a restored board still
opens, but anonymous votes and fully anonymous authors can no longer be matched
to the people who return (see README, "Backup and restore").
"""


def _export(args: argparse.Namespace) -> None:
    from .domain.errors import DomainError
    from .operations import export_board

    try:
        data = asyncio.run(export_board(_settings(args), args.board_id, args.events))
    except DomainError as exc:
        sys.exit(f"samskapa export: {exc.code.value}: {exc.message}")
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"Exported {args.board_id} to {args.output} ({len(data):,} bytes).")


def _import(args: argparse.Namespace) -> None:
    from .domain.errors import DomainError
    from .operations import import_board

    raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        links = asyncio.run(import_board(_settings(args), raw))
    except DomainError as exc:
        sys.exit(f"samskapa import: {exc.code.value}: {exc.message}")
    for role, link in links.items():
        print(f"{role}: {link}")


def _backup(args: argparse.Namespace) -> None:
    from .operations import backup

    settings = _settings(args)
    try:
        done = backup(settings, Path(args.folder), args.with_secret)
    except ValueError:
        print(PG_DUMP_HELP, end="")
        sys.exit(1)
    print(f"Backed up {done.boards} boards to {done.database}.")
    if done.secret is not None:
        print(f"The secret is in {done.secret}: keep it apart from the database copies.")
    elif settings.secret:
        print("The secret is SAMSKAPA_SECRET: keep it, apart from the database copies.")
    else:
        key = settings.data_dir / "voter-secret.key"
        print(f"Back up {key} too, kept apart from the database copies (or use --with-secret).")


def _days(value: str) -> float:
    days = float(value)
    if not 0 <= days < 100_000:
        raise argparse.ArgumentTypeError("a number of days, 0 or more")
    return days


def _purge(args: argparse.Namespace) -> None:
    from .operations import purge

    found = asyncio.run(purge(_settings(args), args.unused_days, args.yes))
    verb = "Deleted" if args.yes else "Would delete"
    for board in found:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(board.last_change / 1000))
        print(f"{board.board_id}  last change {when} UTC  {board.events} events")
    print(f"{verb} {len(found)} board(s) unused for {args.unused_days:g} days.")
    if found and not args.yes:
        print("Nothing was deleted; run again with --yes to delete them.")


def _erase_member(args: argparse.Namespace) -> None:
    from .domain.errors import DomainError
    from .operations import erase_member

    try:
        seq = asyncio.run(erase_member(_settings(args), args.board_id, args.member_id))
    except DomainError as exc:
        sys.exit(f"samskapa erase-member: {exc.code.value}: {exc.message}")
    print(f"Erased the name and credential of {args.member_id} on {args.board_id} (event {seq}).")


def _settings(args: argparse.Namespace) -> Settings:
    for option, variable in (
        ("database_url", "SAMSKAPA_DATABASE_URL"),
        ("data_dir", "SAMSKAPA_DATA_DIR"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            os.environ[variable] = str(value)
    settings, problems = check.load_settings()
    if settings is None:
        _fail(problems)
    return settings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="samskapa", description="A real-time co-creation board for mission workshops."
    )
    parser.add_argument("--version", action="version", version=f"samskapa {__version__}")
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

    export = commands.add_parser("export", help="write a board to a board file (JSON)")
    export.add_argument("board_id")
    export.add_argument("-o", "--output", required=True, help="the file to write ('-': stdout)")
    export.add_argument("--events", action="store_true", help="include the event log")
    export.set_defaults(func=_export)
    load = commands.add_parser("import", help="make a new board from a board file")
    load.add_argument("file", help="a board file ('-': stdin)")
    load.set_defaults(func=_import)
    save = commands.add_parser("backup", help="copy the whole SQLite database (online)")
    save.add_argument("folder", help="folder for the copy (made if missing)")
    save.add_argument(
        "--with-secret", action="store_true", help="also copy the secret file beside it"
    )
    save.set_defaults(func=_backup)
    purger = commands.add_parser(
        "purge", help="delete boards nobody has changed for a while (a dry run without --yes)"
    )
    purger.add_argument(
        "--unused-days",
        type=_days,
        required=True,
        help="delete boards whose last change is older than this many days",
    )
    purger.add_argument("--yes", action="store_true", help="delete them (otherwise only list)")
    purger.set_defaults(func=_purge)
    eraser = commands.add_parser(
        "erase-member", help="erase one member's name and credential from a board"
    )
    eraser.add_argument("board_id")
    eraser.add_argument("member_id")
    eraser.set_defaults(func=_erase_member)
    for sub in (export, load, save, purger, eraser):
        sub.add_argument("--database-url", help="SQLAlchemy URL (SAMSKAPA_DATABASE_URL)")
        sub.add_argument("--data-dir", help="folder of the embedded database (SAMSKAPA_DATA_DIR)")
    checker = commands.add_parser(
        "check",
        help="check the configuration, the database and the broker; exit 0 when all is well",
    )
    checker.set_defaults(func=_check)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
