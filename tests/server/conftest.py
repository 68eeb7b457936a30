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
