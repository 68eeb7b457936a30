"""How `samskapa serve` runs uvicorn's websockets: no keepalive pings of its own.

The protocol has its own heartbeat (a client pings every 15 s, the hub closes
a connection silent for 45 s with 4009, docs/protocol.md §2.4). uvicorn's
websocket-level ping on top of it found nothing new and cost a timer per
connection and two of every five socket events of an idle server
(docs/benchmarks.md, "Memory per idle connection").
"""

from pathlib import Path
from typing import Any

import pytest

from samskapa import cli


def test_serve_leaves_dead_peers_to_the_protocol_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: dict[str, Any] = {}

    def run(_app: str, **options: Any) -> None:
        given.update(options)

    # serve writes these into the environment for its workers; set here, they
    # are put back after the test.
    for name, value in (
        ("SAMSKAPA_HOST", "127.0.0.1"),
        ("SAMSKAPA_PORT", "8000"),
        ("SAMSKAPA_DATABASE_URL", f"sqlite+aiosqlite:///{(tmp_path / 'db.sqlite').as_posix()}"),
        ("SAMSKAPA_DATA_DIR", str(tmp_path / "data")),
        ("SAMSKAPA_DEMO", "false"),
        ("SAMSKAPA_SECRETS_DIR", str(tmp_path / "no-secrets")),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SAMSKAPA_BROKER_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.setattr(cli.uvicorn, "run", run)
    cli.main(["serve", "--no-demo"])
    assert given["ws"] is not None  # the options did reach uvicorn
    assert given["ws_ping_interval"] is None
