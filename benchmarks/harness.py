"""Shared parts of the load benchmarks: processes, databases, the Node load generator,
CPU and memory sampling from /proc, a quiet-machine check, and the page writer.

Used by workshop_load.py, fanout_vs_relay.py, ingest.py, memory.py and scale_out.py.
Everything talks to 127.0.0.1 only, and every wait here is bounded.
"""

import asyncio
import contextlib
import json
import math
import os
import platform
import queue
import resource
import secrets
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
NODE_DIR = REPO / "benchmarks" / "node"
DOC_TITLE = "# Benchmarks"
MACHINE_HEADING = "## Machine"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
STEP_TIMEOUT = 20.0
# One random secret for every server this benchmark process starts.
RUN_SECRET = secrets.token_urlsafe(32)
QUIET_LOAD = 0.7
QUIET_WAIT = 300.0
# Kept when a section is rewritten: hand-written analysis between these markers.
KEEP_START = "<!-- analysis: kept by --write -->"
KEEP_END = "<!-- /analysis -->"


# -- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_fd_limit(at_least: int = 0) -> int:
    """Soft limit of open files up to the hard limit, and both up to `at_least`
    where the process may (root or CAP_SYS_RESOURCE; children inherit it);
    returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if at_least > hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (at_least, at_least))
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def preexec(cpus: Sequence[int] | None) -> Callable[[], None]:
    """Run in the child before exec: raise the fd limit, pin to `cpus` (like taskset)."""

    def setup() -> None:
        raise_fd_limit()
        if cpus:
            os.sched_setaffinity(0, set(cpus))

    return setup


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and all its threads (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int, key: str = "VmRSS") -> int:
    """Resident memory (or `VmHWM`, its peak) from /proc/<pid>/status."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def pids_named(name: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    out.append(int(entry.name))
    return out


# Every benchmark creates boards and joins hundreds of members from 127.0.0.1, far
# over the per-address HTTP rate limits meant for the public; they measure other things.
NO_HTTP_RATE_LIMITS = {
    "SAMSKAPA_CREATE_BOARDS_PER_MINUTE": "0",
    "SAMSKAPA_JOINS_PER_MINUTE": "0",
}


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMSKAPA_")}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "backend"), os.environ.get("PYTHONPATH")) if p
    )
    env.update(NO_HTTP_RATE_LIMITS)
    env.update(extra)
    return env


@dataclass
class Server:
    """`python -m samskapa serve` on a free port of 127.0.0.1, optionally pinned to CPUs."""

    database_url: str
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    cpus: Sequence[int] | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"server-{self.port}.log"

    def start(self) -> "Server":
        env = clean_env(
            {
                "SAMSKAPA_DATABASE_URL": self.database_url,
                "SAMSKAPA_DATA_DIR": str(self.data_dir),
                "SAMSKAPA_DEMO": "false",
                "SAMSKAPA_LOG_LEVEL": "warning",
                # Keys anonymous votes; required with PostgreSQL, the same for every process.
                "SAMSKAPA_SECRET": RUN_SECRET,
                **self.env,
            }
        )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "samskapa", "serve", "--host", "127.0.0.1"]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [*command, "--port", str(self.port)],
                env=env,
                cwd=self.data_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=preexec(self.cpus),
            )
        deadline = time.monotonic() + 2 * STEP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.http}/health", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        stop_process(self.proc)

    def metrics(self) -> dict[str, float]:
        return read_metrics(self.http)

    def log_problems(self) -> list[str]:
        if not self.log_path.exists():
            return []
        words = ("WARNING", "ERROR", "CRITICAL", "Traceback")
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if any(w in line for w in words)
        ]


def stop_process(proc: subprocess.Popen[Any] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(STEP_TIMEOUT)


def read_metrics(http: str) -> dict[str, float]:
    text = httpx.get(f"{http}/metrics", timeout=STEP_TIMEOUT).text
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(" ")
            with contextlib.suppress(ValueError):
                out[name] = float(value)
    return out


def node_binary() -> str:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node (Node.js 20+) is needed for the load generator")
    if not (NODE_DIR / "node_modules" / "ws").is_dir():
        raise SystemExit("run `npm ci` in benchmarks/node first (installs `ws`)")
    return node


@dataclass
class Relay:
    """The minimal Node.js relay (node/relay.mjs), optionally pinned to CPUs."""

    cpus: Sequence[int] | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> "Relay":
        self.proc = subprocess.Popen(
            [node_binary(), str(NODE_DIR / "relay.mjs"), str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=preexec(self.cpus),
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 1),
            ):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("relay exited early")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("relay did not start")

    def stop(self) -> None:
        stop_process(self.proc)


# -- the load generator ------------------------------------------------------------------------


@dataclass
class Watched:
    """Processes whose CPU is measured over each window, under one label.

    Either one process (`pid`), or every process with command name `name` whose
    command line holds one of `cmdline_any` (all of them if it is empty): e.g. the
    PostgreSQL backends of the benchmark's database and its background writers.
    """

    label: str
    pid: int | None = None
    name: str | None = None
    cmdline_any: tuple[str, ...] = ()

    def snapshot(self) -> dict[int, float]:
        if self.pid is not None:
            return {self.pid: cpu_seconds(self.pid)}
        assert self.name is not None
        out = {}
        for pid in pids_named(self.name):
            if self.cmdline_any:
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                except OSError:
                    continue
                if not any(word in cmd for word in self.cmdline_any):
                    continue
            cpu = cpu_seconds(pid)
            if not math.isnan(cpu):
                out[pid] = cpu
        return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two snapshots; processes that started in between count fully.

    Processes that ended in between are missing from `after`; their last share is
    lost, so for short-lived processes this is a lower bound.
    """
    return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())


def postgres_watch(database_url: str) -> "Watched":
    """The PostgreSQL backends serving this database, plus the server's own writers."""
    name = urlsplit(database_url).path.lstrip("/")
    return Watched(
        "postgres",
        name="postgres",
        cmdline_any=(name, "walwriter", "checkpointer", "background writer", "autovacuum"),
    )


@dataclass
class Window:
    """CPU seconds of each watched process over one measured window, and peak memory."""

    seconds: float
    cpu: dict[str, float]
    rss: dict[str, int]  # at the end of the window
    rss_peak: dict[str, int]  # highest sample during the window

    def core_share(self, label: str) -> float:
        return self.cpu[label] / self.seconds if self.seconds else math.nan

    @property
    def others_share(self) -> float:
        """What every other process on the machine used, as a share of all its CPUs."""
        others = self.cpu.get(OTHERS, math.nan)
        return others / self.seconds / os.cpu_count() if self.seconds else math.nan


OTHERS = "other processes"


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    # guest time is already counted in user time
    busy = sum(ticks[:8]) - idle
    return busy / os.sysconf("SC_CLK_TCK")


class Profiler:
    """py-spy on a server process during measured windows (optional, `--profile DIR`).

    Samples at 100 Hz without pausing the process (`--nonblocking`), only the
    thread holding the GIL (`--gil`: where Python's CPU goes, not threads waiting
    on a queue or a disk), and writes collapsed stacks, one file per window;
    `summarize` turns one into a table.
    """

    def __init__(self, out_dir: Path, pid: int, label: str, cpus: Sequence[int] | None) -> None:
        self.out_dir = out_dir
        self.pid = pid
        self.label = label
        self.cpus = cpus
        self.proc: subprocess.Popen[bytes] | None = None
        self.paths: list[Path] = []

    def start(self, step: int, seconds: float) -> None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(spy).exists():
            raise SystemExit("--profile needs py-spy (pip install py-spy)")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{self.label}-step{step}.txt"
        self.paths.append(path)
        self.proc = subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(self.pid),
                "--duration",
                str(max(1, int(seconds))),
                "--format",
                "raw",
                "--nonblocking",
                "--gil",
                "--output",
                str(path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=preexec(self.cpus),
        )

    def write_summaries(self) -> None:
        """A readable summary next to each collapsed-stack file."""
        for path in self.paths:
            if path.exists():
                summary = path.with_suffix(".summary.txt")
                summary.write_text("\n".join(summarize(path)) + "\n")
                print(f"    profile: {summary}", file=sys.stderr)

    def stop(self) -> None:
        if self.proc is not None:
            try:
                self.proc.wait(STEP_TIMEOUT)
            except subprocess.TimeoutExpired:
                stop_process(self.proc)
            self.proc = None


def summarize(path: Path, top: int = 25) -> list[str]:
    """Self and inclusive shares of the busiest functions in a py-spy collapsed file."""
    selfs: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, n_text = line.rpartition(" ")
        if not stack or not n_text.isdigit():
            continue
        n = int(n_text)
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0] + ")"
            for f in stack.split(";")
        ]
        total += n
        selfs[frames[-1]] = selfs.get(frames[-1], 0) + n
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n
    if not total:
        return ["(no samples)"]
    out = [f"{total} samples", "", "self %  function"]
    for f, n in sorted(selfs.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"{100 * n / total:5.1f}  {f}")
    out += ["", "inclusive %  function"]
    for f, n in sorted(incl.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"{100 * n / total:5.1f}  {f}")
    return out


class Generator:
    """node/loadgen.mjs with a config; yields its JSON lines and measures each window."""

    def __init__(
        self,
        config: dict[str, Any],
        watched: list[Watched],
        cpus: Sequence[int] | None = None,
        timeout: float = 1800.0,
        profiler: Profiler | None = None,
    ) -> None:
        self.config = config
        self.watched = watched
        self.cpus = cpus
        self.timeout = timeout
        self.profiler = profiler
        self.proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._tmp = tempfile.TemporaryDirectory(prefix="samskapa-loadgen-")
        self.stderr_tail: list[str] = []

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> "Generator":
        path = Path(self._tmp.name) / "config.json"
        path.write_text(json.dumps(self.config))
        self.proc = subprocess.Popen(
            [node_binary(), str(NODE_DIR / "loadgen.mjs"), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=preexec(self.cpus),
        )
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()
        self.watched = [Watched("generator", self.proc.pid), *self.watched]
        return self

    def __exit__(self, *exc: object) -> None:
        stop_process(self.proc)
        self._tmp.cleanup()

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for raw in self.proc.stdout:
            self._lines.put(raw.decode(errors="replace"))
        self._lines.put(None)

    def _pump_err(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        for raw in self.proc.stderr:
            self.stderr_tail = [*self.stderr_tail[-20:], raw.decode(errors="replace").rstrip()]

    def events(self) -> Iterator[dict[str, Any]]:
        """Each line of the generator; `result` lines carry a `window` (a Window)."""
        deadline = time.monotonic() + self.timeout
        cpu0: dict[str, dict[int, float]] = {}
        busy0 = 0.0
        t0 = 0.0
        peak: dict[str, int] = {}
        sampling = threading.Event()
        sampler: threading.Thread | None = None
        window: Window | None = None

        def sample() -> None:
            while sampling.is_set():
                for w in self.watched:
                    if w.pid is not None:
                        peak[w.label] = max(peak.get(w.label, 0), rss_bytes(w.pid))
                time.sleep(0.25)

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the load generator did not finish in time")
            try:
                line = self._lines.get(timeout=min(left, 5.0))
            except queue.Empty:
                if self.proc is not None and self.proc.poll() is not None and self._lines.empty():
                    raise RuntimeError(
                        "the load generator exited:\n" + "\n".join(self.stderr_tail)
                    ) from None
                continue
            if line is None:
                if self.proc is not None:
                    self.proc.wait(STEP_TIMEOUT)
                if self.proc is not None and self.proc.returncode not in (0, None):
                    raise RuntimeError(
                        f"the load generator failed ({self.proc.returncode}):\n"
                        + "\n".join(self.stderr_tail)
                    )
                return
            message = json.loads(line)
            kind = message.get("event")
            if kind == "measure_start":
                t0 = time.monotonic()
                cpu0 = {w.label: w.snapshot() for w in self.watched}
                busy0 = machine_busy_seconds()
                peak = {}
                sampling.set()
                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
                if self.profiler is not None:
                    steps = self.config.get("steps", [])
                    step = steps[message["step"]] if message["step"] < len(steps) else {}
                    self.profiler.start(message["step"], step.get("durationMs", 5000) / 1000)
            elif kind == "measure_end":
                seconds = time.monotonic() - t0
                cpu = {
                    w.label: cpu_delta(cpu0.get(w.label, {}), w.snapshot()) for w in self.watched
                }
                cpu[OTHERS] = max(0.0, machine_busy_seconds() - busy0 - sum(cpu.values()))
                rss = {w.label: rss_bytes(w.pid) for w in self.watched if w.pid is not None}
                sampling.clear()
                if sampler is not None:
                    sampler.join(2)
                window = Window(seconds, cpu, rss, {k: max(v, rss[k]) for k, v in peak.items()})
                if self.profiler is not None:
                    self.profiler.stop()
            elif kind == "result":
                message["window"] = window
            elif kind == "error":
                raise RuntimeError(f"load generator: {message.get('message')}")
            yield message


# -- boards and members ------------------------------------------------------------------------


@dataclass
class Member:
    board_id: str
    credential: str
    role: str


async def create_board(http: httpx.AsyncClient, title: str) -> dict[str, Any]:
    r = await http.post("/api/boards", json={"title": title, "language": "en"})
    r.raise_for_status()
    board: dict[str, Any] = r.json()
    board["tokens"] = {k: v.split("#k=")[1] for k, v in board["links"].items()}
    return board


async def join_many(
    http: httpx.AsyncClient,
    board: dict[str, Any],
    roles: Sequence[str],
    concurrency: int = 32,
) -> list[Member]:
    """Join one member per role in `roles`, `concurrency` at a time, in order."""
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int, role: str) -> Member:
        async with sem:
            r = await http.post(
                f"/api/boards/{board['board_id']}/join",
                json={"link": board["tokens"][role], "name": f"P{i + 1}", "sector": "other"},
            )
            r.raise_for_status()
            return Member(board["board_id"], r.json()["credential"], role)

    return list(await asyncio.gather(*(one(i, role) for i, role in enumerate(roles))))


async def head_seq(http: httpx.AsyncClient, member: Member) -> int:
    r = await http.get(
        f"/api/boards/{member.board_id}/snapshot",
        headers={"Authorization": f"Bearer {member.credential}"},
    )
    r.raise_for_status()
    return int(r.json()["seq"])


def http_client(base: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    return httpx.AsyncClient(base_url=base, timeout=60.0, limits=limits)


# -- databases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str
    label: str  # "SQLite" or "PostgreSQL"
    version: str


async def _pg_admin(admin_url: str, sql: str) -> str:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(admin_url, timeout=STEP_TIMEOUT)
    try:
        await conn.execute(sql)
        version: str = await conn.fetchval("SHOW server_version")
        return version.split()[0]
    finally:
        await conn.close()


@contextlib.contextmanager
def database(kind: str, tmp: Path, admin_url: str = PG_ADMIN) -> Iterator[Database]:
    """SQLite in `tmp` (synchronous=FULL, the server's default) or a fresh PostgreSQL db."""
    if kind == "sqlite":
        yield Database(
            f"sqlite+aiosqlite:///{(tmp / 'samskapa.db').as_posix()}",
            "SQLite",
            sqlite3.sqlite_version,
        )
        return
    parts = urlsplit(admin_url)
    if parts.hostname != "127.0.0.1":
        raise SystemExit("PostgreSQL must be on 127.0.0.1")
    name = f"samskapa_bench_{secrets.token_hex(6)}"
    version = asyncio.run(_pg_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield Database(
            urlunsplit(parts._replace(scheme="postgresql+asyncpg", path=f"/{name}")),
            "PostgreSQL",
            version,
        )
    finally:
        asyncio.run(_pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# -- a quiet machine ---------------------------------------------------------------------------


def wait_quiet(threshold: float = QUIET_LOAD, max_wait: float = QUIET_WAIT) -> tuple[float, bool]:
    """Wait (bounded) until the 1-minute load average is below `threshold`.

    Returns the load average when the run starts and whether it was quiet.
    """
    deadline = time.monotonic() + max_wait
    load = os.getloadavg()[0]
    announced = False
    while load >= threshold and time.monotonic() < deadline:
        if not announced:
            print(f"waiting for a quiet machine (load {load:.2f})…", file=sys.stderr, flush=True)
            announced = True
        time.sleep(5)
        load = os.getloadavg()[0]
    return load, load < threshold


# -- figures -----------------------------------------------------------------------------------


def median(values: Sequence[float | None]) -> float:
    clean = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(clean) if clean else math.nan


def ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def count(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}"


def mib(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value / 1024 / 1024:.0f} MiB"


def pct_core(seconds: float, wall: float) -> str:
    return "n/a" if not wall or math.isnan(seconds) else f"{100 * seconds / wall:.0f} %"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def code_version() -> str:
    """The server code measured: its commit, and whether backend/ had local changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "backend"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"commit `{commit}`" + (" with uncommitted changes in `backend/`" if dirty else "")


def command_line(script: str, argv: Sequence[str]) -> str:
    return shlex.join(["python", f"benchmarks/{script}", *argv])


def loads_note(loads: Sequence[tuple[float, bool]], waited: float = QUIET_WAIT) -> str:
    """How quiet the machine was at the start of each measured run.

    `waited`: the longest wait for a quiet machine the run allowed (`--quiet-wait`)."""
    worst = max((load for load, _ in loads), default=0.0)
    noisy = sum(1 for _, quiet in loads if not quiet)
    text = f"1-minute load average at the start of each run ≤ {worst:.2f}"
    if noisy:
        text += (
            f"; **{noisy} of {len(loads)} runs could not get a quiet machine** "
            f"(load ≥ {QUIET_LOAD} after waiting {waited:.0f} s)"
        )
    return text


# -- the page ----------------------------------------------------------------------------------


def machine_lines() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
        platform.processor() or "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text()
    kib = next(int(ln.split()[1]) for ln in meminfo.splitlines() if ln.startswith("MemTotal"))
    os_name = platform.system()
    with contextlib.suppress(OSError):
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME", os_name)
    return [
        MACHINE_HEADING,
        "",
        "Every figure on this page was measured on this machine, unless its section says",
        "otherwise. Server, database and load generator all ran on it.",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {model}, {len(os.sched_getaffinity(0))} logical CPUs (`nproc`) |",
        f"| Memory | {kib / 1024 / 1024:.1f} GiB |",
        f"| OS | {os_name}, Linux kernel {platform.release()} |",
        f"| Python | {platform.python_implementation()} {platform.python_version()} |",
        "",
    ]


def _split(text: str) -> tuple[list[str], list[list[str]]]:
    preamble: list[str] = []
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            preamble.append(line)
    return preamble, sections


def _kept(lines: list[str]) -> list[str] | None:
    if KEEP_START in lines and KEEP_END in lines:
        return lines[lines.index(KEEP_START) : lines.index(KEEP_END) + 1]
    return None


def write_section(lines: list[str]) -> None:
    """Replace this section (its first line is its `## ` heading) in docs/benchmarks.md.

    Other sections are kept as they are. A hand-written block between KEEP_START
    and KEEP_END in the old section replaces the same block of the new one.
    """
    heading = lines[0]
    if DOC.exists():
        preamble, sections = _split(DOC.read_text())
    else:
        preamble = [
            DOC_TITLE,
            "",
            "Measured figures for Samskapa. How to run each benchmark: `benchmarks/README.md`.",
            "",
        ]
        sections = []
    if not any(s[0] == MACHINE_HEADING for s in sections):
        sections.insert(0, machine_lines())
    new = list(lines)
    old = next((s for s in sections if s[0] == heading), None)
    if old is not None:
        kept, fresh = _kept(old), _kept(new)
        if kept is not None and fresh is not None:
            i = new.index(KEEP_START)
            new[i : i + len(fresh)] = kept
        sections = [new if s[0] == heading else s for s in sections]
    else:
        sections.append(new)
    for s in sections:
        if s and s[-1] != "":
            s.append("")
    out = preamble + [line for s in sections for line in s]
    while out and not out[-1]:
        out.pop()
    DOC.write_text("\n".join(out) + "\n")
    print(f"updated {DOC}", file=sys.stderr)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
