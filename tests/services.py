"""Real services for tests: PostgreSQL databases and server processes.

PostgreSQL and Chromium are required when `SAMSKAPA_REQUIRE_SERVICES=1` (CI sets
it); elsewhere a test that needs a missing one is skipped with a clear message.
"""

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

PG_ADMIN_URL = os.environ.get("SAMSKAPA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRED = os.environ.get("SAMSKAPA_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("SAMSKAPA_CHROMIUM", "/usr/bin/chromium")


def missing(what: str) -> None:
    """Fail where the service is required, skip with a reason elsewhere."""
    if REQUIRED:
        pytest.fail(f"{what} (SAMSKAPA_REQUIRE_SERVICES=1)")
    pytest.skip(what)


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; dropped afterwards."""
    name = f"samskapa_test_{secrets.token_hex(6)}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        missing(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """`samskapa serve` in its own process, on its own port."""

    database_url: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    # The module run as `python -m <module> serve` (tests.clock_server: a movable clock).
    module: str = "samskapa"
    # More options for `samskapa serve` (e.g. ["--workers", "2"]).
    args: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The server's environment (also for the command line on its database)."""
        return {
            **os.environ,
            "SAMSKAPA_DATABASE_URL": self.database_url,
            "SAMSKAPA_DATA_DIR": str(self.data_dir),
            "SAMSKAPA_DEMO": "false",
            "SAMSKAPA_LOG_LEVEL": "warning",
            "SAMSKAPA_SECRET": "test-voter-secret",
            **self.env,
        }

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`samskapa <args>` on this server's database and settings, as an operator runs it."""
        return subprocess.run(
            [sys.executable, "-m", "samskapa", *args],
            env={**self.environment(), "SAMSKAPA_PUBLIC_URL": self.http, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def start(self, timeout: float = 60.0) -> "ServerProcess":
        env = self.environment()
        self.log_path = self.data_dir / f"server-{self.port}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.module, "serve", "--port", str(self.port), *self.args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.http}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing: a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found is None:
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    assert found is not None
    return found


REDIS_URL = os.environ.get("SAMSKAPA_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        missing(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@dataclass
class RedisProcess:
    """A private redis-server on its own port, for tests that stop and start it."""

    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisProcess":
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server is not installed")
        assert binary is not None
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
