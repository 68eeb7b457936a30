from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.replay_workshop import FAST
from tests.services import ServerProcess


@pytest.fixture
def replay_server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(sqlite_url, tmp_path / "data", env=FAST).start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def fast_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """One server on SQLite whose per-connection op budget a scripted test never meets."""
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "d", env=FAST
    ).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    """Two server processes on one database (SQLite or PostgreSQL) and Redis."""
    from tests.services import redis_or_skip

    env = {"SAMSKAPA_BROKER_URL": redis_or_skip()}
    procs: list[ServerProcess] = []
    try:
        for i in range(2):
            procs.append(ServerProcess(database_url, tmp_path / f"data{i}", env=env).start())
        yield procs
    finally:
        for proc in procs:
            proc.stop()
