"""`samskapa check`, also run before `samskapa serve` starts: is the configuration
valid, and are the database and the broker there?

Every problem is one line that names the setting and says what to do, never a
traceback, and never a password or a secret's value. The exit status tells the
kind of problem (README, Operations); with several, the first kind in `Exit`'s
order wins.
"""

import asyncio
import os
import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import create_async_engine

from .settings import Settings

# Seconds to wait for the database or the broker to answer.
CONNECT_TIMEOUT = 10.0

# The drivers the server is built and tested with (store/database.py).
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


class Exit(IntEnum):
    """Exit statuses of `samskapa` (1, 2 and 3 keep their usual meanings: Python's
    own failure, argparse's usage error, uvicorn's "the application did not start")."""

    OK = 0
    FAILED = 1  # anything else, e.g. the database could not be migrated
    USAGE = 2  # the command line
    CONFIG = 10  # a setting is invalid or missing
    DATABASE = 11  # the database cannot be reached or opened
    BROKER = 12  # the broker cannot be reached
    IN_USE = 13  # another process serves the database and the broker cannot share it


@dataclass(frozen=True, slots=True)
class Problem:
    exit: Exit
    message: str


def load_settings() -> tuple[Settings | None, list[Problem]]:
    """The settings, or why they cannot be read (one problem per bad value)."""
    try:
        return Settings(), []
    except ValidationError as err:
        return None, [
            Problem(Exit.CONFIG, f"{_variable(e['loc'])}: {e['msg']}") for e in err.errors()
        ]
    except SettingsError as err:  # a list setting that is not JSON
        named = re.search(r'field "(\w+)"', str(err))
        where = _variable((named.group(1),)) if named else "settings"
        return None, [
            Problem(
                Exit.CONFIG,
                f"{where}: cannot read the value (lists are JSON, e.g. "
                '["https://samskapa.example.org"])',
            )
        ]


def _variable(loc: tuple[int | str, ...]) -> str:
    return f"SAMSKAPA_{str(loc[0]).upper()}" if loc else "settings"


def configuration(settings: Settings, workers: int = 1) -> list[Problem]:
    """What can be told without connecting to anything."""
    problems: list[Problem] = []
    url = _database_url(settings, problems)
    if url is not None and url.get_backend_name() == "postgresql" and not settings.secret:
        problems.append(
            Problem(
                Exit.CONFIG,
                "SAMSKAPA_SECRET: required with PostgreSQL (a long random string, the same "
                "for every process); it keys the pseudonyms of anonymous votes",
            )
        )
    scheme, problem = _broker_scheme(settings.broker_url)
    if problem is not None:
        problems.append(problem)
    elif workers > 1 and scheme == "memory":
        problems.append(
            Problem(
                Exit.CONFIG,
                "SAMSKAPA_BROKER_URL: several workers need a broker that crosses processes; "
                "set it to redis://host:port (or --broker-url)",
            )
        )
    return problems


def _database_url(settings: Settings, problems: list[Problem]) -> URL | None:
    try:
        url = make_url(settings.resolved_database_url())
    except ArgumentError:
        problems.append(
            Problem(
                Exit.CONFIG,
                "SAMSKAPA_DATABASE_URL: not a database URL; use "
                "postgresql+asyncpg://user@host/db, or leave it empty for SQLite in "
                "SAMSKAPA_DATA_DIR",
            )
        )
        return None
    backend, driver = url.get_backend_name(), url.get_driver_name()
    wanted = DRIVERS.get(backend)
    if wanted is None or driver != wanted:
        hint = f"{backend}+{wanted}://" if wanted else "postgresql+asyncpg://"
        problems.append(
            Problem(
                Exit.CONFIG,
                f"SAMSKAPA_DATABASE_URL: {url.drivername}:// is not supported; use {hint}...",
            )
        )
        return None
    return url


def _broker_scheme(url: str) -> tuple[str, Problem | None]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError as err:
        return "", Problem(Exit.CONFIG, f"SAMSKAPA_BROKER_URL: {err}")
    if parts.scheme == "memory":
        return parts.scheme, None
    if parts.scheme in ("redis", "rediss") and parts.hostname:
        return parts.scheme, None
    return parts.scheme, Problem(
        Exit.CONFIG,
        f"SAMSKAPA_BROKER_URL: {_safe(url)!r} is not a broker URL; use memory:// (one "
        "process) or redis://host:port",
    )


def _safe(url: str) -> str:
    """A URL without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


async def connections(settings: Settings, database: bool = True) -> list[Problem]:
    """Reach the database (unless told not to) and the broker, both at once."""
    found = await asyncio.gather(
        _database(settings) if database else asyncio.sleep(0, []), _broker(settings)
    )
    return [problem for problems in found for problem in problems]


async def _database(settings: Settings) -> list[Problem]:
    url = make_url(settings.resolved_database_url())
    shown = url.render_as_string(hide_password=True)
    engine = create_async_engine(
        url, connect_args={"timeout": CONNECT_TIMEOUT} if url.get_driver_name() == "asyncpg" else {}
    )
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT + 1):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except TimeoutError:
        return [Problem(Exit.DATABASE, f"database {shown}: no answer in {CONNECT_TIMEOUT:g} s")]
    except Exception as exc:
        return [Problem(Exit.DATABASE, f"database {shown}: cannot connect: {_reason(exc)}")]
    finally:
        await engine.dispose()
    return []


def sqlite_folder(settings: Settings) -> tuple[list[Problem], bool]:
    """With SQLite: can the server write its folder, and is there a database yet
    (a new one is made at the first start, so there is nothing to open)?"""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return [], url.get_backend_name() != "sqlite"
    path = Path(url.database or "")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = f"SQLite folder {folder}: cannot create it: {exc.strerror}"
        return [Problem(Exit.DATABASE, problem)], False
    if not os.access(folder, os.W_OK | os.X_OK):
        return [Problem(Exit.DATABASE, f"SQLite folder {folder}: not writable by this user")], False
    return [], path.exists()


async def _broker(settings: Settings) -> list[Problem]:
    from .realtime.broker import open_broker

    broker = open_broker(settings.broker_url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            await broker.ping()
    except TimeoutError:
        return [
            Problem(
                Exit.BROKER,
                f"broker {_safe(settings.broker_url)}: no answer in {CONNECT_TIMEOUT:g} s",
            )
        ]
    except Exception as exc:
        return [
            Problem(
                Exit.BROKER,
                f"broker {_safe(settings.broker_url)}: cannot connect: {_reason(exc)}",
            )
        ]
    finally:
        await broker.stop()
    return []


def _reason(exc: BaseException) -> str:
    """The driver's own words, first line only (SQLAlchemy wraps them in a page of text)."""
    inner = getattr(exc, "orig", None) or exc
    words = str(inner).strip().splitlines()
    return words[0] if words else type(inner).__name__


def run(workers: int = 1) -> tuple[Settings | None, list[Problem]]:
    """Every check in order; connecting only when the configuration is valid."""
    settings, problems = load_settings()
    if settings is None:
        return None, problems
    problems = configuration(settings, workers)
    if problems:
        return settings, problems
    problems, database_exists = sqlite_folder(settings)
    return settings, problems + asyncio.run(connections(settings, database_exists))


def exit_status(problems: list[Problem]) -> Exit:
    return min((p.exit for p in problems), default=Exit.OK)
