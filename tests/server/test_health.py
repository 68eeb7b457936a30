"""/livez, /readyz and /health against a real server process."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.services import ServerProcess, _pg_admin, postgres_database


def test_live_and_ready_answer_get_and_head(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.http, timeout=10) as http:
        live = http.get("/livez")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        assert live.headers["cache-control"] == "no-store"
        for path in ("/readyz", "/health"):
            ready = http.get(path)
            assert ready.status_code == 200
            assert ready.json() == {"status": "ok", "database": "ok", "broker": "ok"}
        for path in ("/livez", "/readyz", "/health"):
            head = http.head(path)
            assert (head.status_code, head.content) == (200, b"")


@pytest.mark.postgres
def test_a_lost_database_makes_it_unready_not_dead(tmp_path: Path) -> None:
    with postgres_database() as url:
        server = ServerProcess(url, tmp_path / "data").start(timeout=60)
        try:
            name = url.rsplit("/", 1)[1]
            asyncio.run(_pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
            with httpx.Client(base_url=server.http, timeout=30) as http:
                deadline = time.monotonic() + 30
                ready = http.get("/readyz")
                while ready.status_code != 503 and time.monotonic() < deadline:
                    time.sleep(0.2)  # a pooled connection may answer once more
                    ready = http.get("/readyz")
                assert ready.status_code == 503, ready.text
                body = ready.json()
                assert body["status"] == "unavailable"
                assert body["database"].startswith("error")
                assert http.head("/readyz").status_code == 503
                assert http.get("/livez").status_code == 200
        finally:
            server.stop()
