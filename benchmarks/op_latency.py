"""Op latency: how long one person's change takes to reach every screen.

What it measures. The script starts a real `samskapa serve` process (SQLite in a
temporary folder, or a fresh PostgreSQL database that is dropped afterwards),
creates a board, connects N websocket clients to it as participants and sends a
mix of `note.create`, `note.move` and `note.edit` ops at a fixed total rate,
round-robin over the sending clients. For every op it records two times:

* send → every screen: from the sender's `send` until the op's event (the
  message whose `type` contains a dot, matched by `op_id`) has arrived at every
  connected client, the sender included;
* send → ack: from the same `send` until the sender holds the op's `ack`, which
  the server sends only after the event is committed (docs/protocol.md §2.3).

Why. The server decides and commits ops in groups and only then broadcasts them,
so the database's commit time, the hub's fan-out and each connection's writer
all sit between a change and the moment a room full of people sees it. This
benchmark keeps that path visible as any of them changes. The rate is modest and
fixed and sends follow a schedule rather than the replies (open loop), so the
figures are latency under a realistic workshop load, not a throughput limit.

How it reports. Each run uses a fresh board: a warm-up that is not measured,
then the measured ops. p50 / p95 / p99 / max are taken per run; the figures
reported are the median over the runs of each of them. The load generator is a
single asyncio process, so its own CPU time is reported next to the server's:
if the client is busy, the latencies include its queueing.

    python benchmarks/op_latency.py                      # SQLite, 10 clients
    python benchmarks/op_latency.py --clients 50
    python benchmarks/op_latency.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    python benchmarks/op_latency.py --write              # also update docs/benchmarks.md

Everything runs on 127.0.0.1; every wait is bounded, so the script always ends.
"""

import argparse
import asyncio
import contextlib
import math
import os
import platform
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import harness as h
import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
DOC_TITLE = "# Benchmarks"
MACHINE_HEADING = "## Machine"
SECTION_HEADING = "## Op latency (send → every screen)"
# A hand-written block between these lines in the section survives --write.
ANALYSIS_BEGIN = "<!-- analysis: kept by --write -->"
ANALYSIS_END = "<!-- /analysis -->"

LOCAL_HOSTS = {"127.0.0.1"}
# The server's defaults (settings.py): ops per second per connection, and burst.
SERVER_OPS_PER_SECOND = 30.0
SERVER_OPS_BURST = 60
STEP_TIMEOUT = 10.0  # seconds for one step: server start, an HTTP call, a connect
SETTLE_TIMEOUT = 15.0  # seconds to wait for the last events after the last send
CLOSE_TIMEOUT = 10.0
# Before each run, wait (bounded) until other processes use less than this share of
# the machine's CPUs, measured over QUIET_SAMPLE seconds.
QUIET_SHARE = 0.15
# A run during which other processes used more than this share of the CPUs is
# repeated (at most --repeats times): it measured the neighbours, not Samskapa.
BUSY_SHARE = 0.25
QUIET_SAMPLE = 2.0
PING_EVERY = 15.0  # the protocol's client heartbeat (docs/protocol.md §2.4)
PERCENTILES = (("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0))

# The op mix: cumulative thresholds on a uniform draw.
CREATE_SHARE = 0.25
MOVE_SHARE = 0.50  # the rest are edits
COLORS = ("yellow", "orange", "pink", "green", "blue", "purple", "grey")
KINDS = ("idea", "goal", "challenge", "conflict", "initiative", "commitment", "question")
WORDS = ("elvägar", "depåer", "biogas", "hamnar", "vätgas", "laddning", "kommuner", "åkerier")


# -- the server ------------------------------------------------------------------------------


def machine_cpu_seconds() -> float:
    """CPU time used by everything on the machine (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields)
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def machine_cpus() -> int:
    return os.cpu_count() or 1


async def wait_quiet(max_wait: float) -> float:
    """Wait until the machine is nearly idle, at most `max_wait` seconds.

    Returns the share of the machine's CPUs that was busy in the last sample.
    """
    deadline = time.monotonic() + max_wait
    announced = False
    while True:
        before = machine_cpu_seconds()
        await asyncio.sleep(QUIET_SAMPLE)
        share = (machine_cpu_seconds() - before) / (QUIET_SAMPLE * machine_cpus())
        if share < QUIET_SHARE or time.monotonic() >= deadline:
            return share
        if not announced:
            print(f"waiting for a quiet machine ({share:.0%} busy)…", file=sys.stderr, flush=True)
            announced = True


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Server:
    """`python -m samskapa serve` in its own process, on a free port of 127.0.0.1."""

    database_url: str
    data_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=h.free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        # Inherited SAMSKAPA_* variables would silently change what is measured
        # (harness.clean_env); PostgreSQL needs the run's secret.
        env = h.clean_env(
            {
                "SAMSKAPA_DATABASE_URL": self.database_url,
                "SAMSKAPA_DATA_DIR": str(self.data_dir),
                "SAMSKAPA_DEMO": "false",
                "SAMSKAPA_LOG_LEVEL": "warning",
                "SAMSKAPA_SECRET": h.RUN_SECRET,
                **self.env,
            }
        )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "samskapa", "serve", "--host", "127.0.0.1"]
        with self.log_path.open("ab") as log:
            # cwd: the data folder, so that no stray .env file is read.
            self.proc = subprocess.Popen(
                [*command, "--port", str(self.port)],
                env=env,
                cwd=self.data_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 2 * STEP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.http}/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(STEP_TIMEOUT)

    def log_problems(self) -> list[str]:
        """Lines of the server's log that report a warning or an error."""
        if not self.log_path.exists():
            return []
        words = ("WARNING", "ERROR", "CRITICAL", "Traceback")
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if any(w in line for w in words)
        ]


def shown_url(url: str) -> str:
    """The URL as it may appear in print and in the docs: without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# -- the clients -----------------------------------------------------------------------------


@dataclass(slots=True)
class Op:
    index: int
    op_id: str
    kind: str
    sender: int
    due_ns: int
    note_id: str
    sent_ns: int = 0
    ack_ns: int = 0
    seen_mask: int = 0
    seen: int = 0
    last_seen_ns: int = 0
    error: str | None = None
    done: bool = False


class Tracker:
    """Every op in flight, and what each screen has received of it."""

    def __init__(self, screens: int) -> None:
        self.screens = screens
        self.ops: dict[str, Op] = {}
        self.notes: list[str] = []  # acknowledged notes: safe to move or edit
        self.open = 0
        self.idle = asyncio.Event()
        self.idle.set()
        self.errors: Counter[str] = Counter()
        self.duplicates = 0
        self.gaps = 0
        self.closing = False
        self.closed: list[tuple[int, int | None]] = []

    def add(self, op: Op) -> None:
        self.ops[op.op_id] = op
        self.open += 1
        self.idle.clear()

    def on_event(self, op_id: str, screen: int, now: int) -> None:
        op = self.ops.get(op_id)
        if op is None:
            return
        bit = 1 << screen
        if op.seen_mask & bit:
            self.duplicates += 1
            return
        op.seen_mask |= bit
        op.seen += 1
        op.last_seen_ns = max(op.last_seen_ns, now)
        self._check(op)

    def on_ack(self, op_id: str, screen: int, now: int) -> None:
        op = self.ops.get(op_id)
        if op is None or screen != op.sender or op.ack_ns:
            return
        op.ack_ns = now
        if op.kind == "note.create":
            self.notes.append(op.note_id)
        self._check(op)

    def on_error(self, op_id: str | None, code: str) -> None:
        self.errors[code] += 1
        op = self.ops.get(op_id or "")
        if op is not None and op.error is None:
            op.error = code
            self._check(op)

    def _check(self, op: Op) -> None:
        if op.done:
            return
        if op.error is not None or (op.ack_ns and op.seen == self.screens):
            op.done = True
            self.open -= 1
            if self.open == 0:
                self.idle.set()


@dataclass
class Screen:
    """One connected client: one participant's open board."""

    index: int
    ws: ClientConnection
    last_seq: int


def _dumps(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


async def open_screen(server: Server, board_id: str, index: int, credential: str) -> Screen:
    """Connect, say hello and wait for the welcome and the snapshot (a fresh client)."""
    ws = await connect(
        f"{server.ws}/ws/boards/{board_id}",
        open_timeout=STEP_TIMEOUT,
        close_timeout=CLOSE_TIMEOUT,
        max_size=None,
        compression=None,
    )
    await ws.send(
        _dumps({"type": "hello", "protocol": 1, "credential": credential, "last_seq": None})
    )
    last_seq: int | None = None
    async with asyncio.timeout(STEP_TIMEOUT):
        while last_seq is None:
            for msg in orjson.loads(await ws.recv()):
                if msg["type"] == "snapshot":
                    last_seq = int(msg["seq"])
                elif msg["type"] == "error":
                    raise RuntimeError(f"client {index} refused: {msg}")
    return Screen(index, ws, last_seq)


async def read(screen: Screen, tracker: Tracker) -> None:
    """Record, per frame, when each event, ack and error reached this screen."""
    try:
        async for raw in screen.ws:
            now = time.perf_counter_ns()
            for msg in orjson.loads(raw):
                kind = msg["type"]
                if "." in kind:
                    seq = int(msg["seq"])
                    if seq != screen.last_seq + 1:
                        tracker.gaps += 1
                    screen.last_seq = seq
                    op_id = msg.get("op_id")
                    if op_id is not None:
                        tracker.on_event(op_id, screen.index, now)
                elif kind == "ack":
                    tracker.on_ack(msg["op_id"], screen.index, now)
                elif kind == "error":
                    tracker.on_error(msg.get("op_id"), msg.get("code", "?"))
    except ConnectionClosed:
        pass
    if not tracker.closing:
        tracker.closed.append((screen.index, screen.ws.close_code))


async def heartbeat(screens: list[Screen]) -> None:
    """The protocol's ping every 15 s, so that quiet clients are not timed out."""
    while True:
        await asyncio.sleep(PING_EVERY)
        for screen in screens:
            with contextlib.suppress(ConnectionClosed):
                await screen.ws.send(_dumps({"type": "ping"}))


def next_command(rng: random.Random, tracker: Tracker, note_id: str) -> dict[str, Any]:
    draw = rng.random()
    if not tracker.notes or draw < CREATE_SHARE:
        return {
            "type": "note.create",
            "note_id": note_id,
            "text": " ".join(rng.choices(WORDS, k=rng.randint(2, 6))),
            "x": round(rng.uniform(-3000, 3000), 1),
            "y": round(rng.uniform(-2000, 2000), 1),
            "color": rng.choice(COLORS),
            "kind": rng.choice(KINDS),
        }
    target = rng.choice(tracker.notes)
    if draw < CREATE_SHARE + MOVE_SHARE:
        return {
            "type": "note.move",
            "note_id": target,
            "x": round(rng.uniform(-3000, 3000), 1),
            "y": round(rng.uniform(-2000, 2000), 1),
        }
    return {
        "type": "note.edit",
        "note_id": target,
        "text": " ".join(rng.choices(WORDS, k=rng.randint(2, 8))),
    }


# -- one run ---------------------------------------------------------------------------------


@dataclass
class RunResult:
    every: dict[str, float]
    ack: dict[str, float]
    measured: int
    completed: int
    lost: int
    errors: dict[str, int]
    gaps: int
    duplicates: int
    closed: int
    client_cpu: float
    server_cpu: float
    wall: float
    max_send_lag_ms: float
    attempt: int  # 1, 2, … in the order the runs were made, repeated ones included
    busy_before: float  # share of the machine's CPUs busy just before the run
    other_cpu: float  # share of the machine's CPUs used by other processes during it
    # Server CPU seconds per second with the clients connected and silent (--idle).
    idle_cpu: float = math.nan


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 / p95 / p99 / max, linear interpolation between the closest ranks."""
    if not values:
        return {name: math.nan for name, _ in PERCENTILES}
    ordered = sorted(values)
    out: dict[str, float] = {}
    for name, q in PERCENTILES:
        rank = (len(ordered) - 1) * q / 100
        low = math.floor(rank)
        high = min(low + 1, len(ordered) - 1)
        out[name] = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return out


@dataclass(frozen=True)
class Plan:
    clients: int
    senders: int
    rate: float
    ops: int
    warmup: int
    runs: int
    seed: int
    quiet_wait: float
    repeats: int
    # Seconds the clients stay connected and silent before the warm-up, with
    # the server's CPU measured: what the server spends when nothing happens
    # (ticks, sweeps, samplers) is in the CPU per op at a low rate too.
    idle: float = 0.0


async def drive(
    server: Server,
    screens: list[Screen],
    tracker: Tracker,
    plan: Plan,
    run: int,
    busy_before: float,
) -> RunResult:
    """Send warm-up + measured ops on a fixed schedule, then wait for the last ones."""
    rng = random.Random(plan.seed * 1000 + run)
    interval_ns = 1e9 / plan.rate
    total = plan.warmup + plan.ops
    start = time.perf_counter_ns() + 100_000_000
    client_cpu0 = server_cpu0 = machine_cpu0 = 0.0
    window0 = 0
    idle_cpu = math.nan
    if plan.idle:
        idle0 = h.cpu_seconds(server.pid)
        await asyncio.sleep(plan.idle)
        idle_cpu = (h.cpu_seconds(server.pid) - idle0) / plan.idle
        start = time.perf_counter_ns() + 100_000_000
    for i in range(total):
        due = start + int(i * interval_ns)
        delay = (due - time.perf_counter_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        if i == plan.warmup:
            client_cpu0, server_cpu0 = own_cpu_seconds(), h.cpu_seconds(server.pid)
            machine_cpu0 = machine_cpu_seconds()
            window0 = time.perf_counter_ns()
        sender = screens[i % plan.senders]
        op_id = f"r{run}-o{i}"
        command = next_command(rng, tracker, f"n{run}-{i}")
        payload = _dumps({"type": "op", "op_id": op_id, "command": command})
        op = Op(i, op_id, command["type"], sender.index, due, command["note_id"])
        tracker.add(op)
        op.sent_ns = time.perf_counter_ns()
        try:
            await sender.ws.send(payload)
        except ConnectionClosed:
            tracker.on_error(op_id, "connection_closed")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tracker.idle.wait(), SETTLE_TIMEOUT)
    client_cpu = own_cpu_seconds() - client_cpu0
    server_cpu = h.cpu_seconds(server.pid) - server_cpu0
    machine_cpu = machine_cpu_seconds() - machine_cpu0
    wall = (time.perf_counter_ns() - window0) / 1e9

    measured = [op for op in tracker.ops.values() if op.index >= plan.warmup]
    good = [op for op in measured if op.error is None and op.done]
    return RunResult(
        every=percentiles([(op.last_seen_ns - op.sent_ns) / 1e6 for op in good]),
        ack=percentiles([(op.ack_ns - op.sent_ns) / 1e6 for op in good]),
        measured=len(measured),
        completed=len(good),
        lost=sum(1 for op in measured if not op.done),
        errors=dict(tracker.errors),  # warm-up included
        gaps=tracker.gaps,
        duplicates=tracker.duplicates,
        closed=len(tracker.closed),
        client_cpu=client_cpu,
        server_cpu=server_cpu,
        wall=wall,
        max_send_lag_ms=max((op.sent_ns - op.due_ns) / 1e6 for op in measured),
        attempt=run + 1,
        busy_before=busy_before,
        other_cpu=max(0.0, machine_cpu - client_cpu - server_cpu) / (wall * machine_cpus()),
        idle_cpu=idle_cpu,
    )


# Runs beside the measured ops: given the board id and the extra members'
# credentials, it is entered before the warm-up and left after the last op.
Beside = Callable[[str, list[str]], contextlib.AbstractAsyncContextManager[Any]]


async def one_run(
    server: Server, plan: Plan, run: int, extra: int = 0, beside: Beside | None = None
) -> RunResult:
    """A fresh board, N joined participants, N open screens, one timed run.

    `extra` more participants join without a screen; `beside` (e.g. a flood from
    one of them, benchmarks/flood.py) runs during the whole run.
    """
    busy_before = await wait_quiet(plan.quiet_wait)
    async with httpx.AsyncClient(base_url=server.http, timeout=STEP_TIMEOUT) as http:
        r = await http.post(
            "/api/boards", json={"title": f"Op latency, run {run + 1}", "language": "en"}
        )
        r.raise_for_status()
        board = r.json()
        token = board["links"]["participant"].split("#k=")[1]
        credentials = []
        for i in range(plan.clients + extra):
            r = await http.post(
                f"/api/boards/{board['board_id']}/join",
                json={"link": token, "name": f"Client {i + 1}", "sector": "other"},
            )
            r.raise_for_status()
            credentials.append(r.json()["credential"])

    credentials, extras = credentials[: plan.clients], credentials[plan.clients :]
    tracker = Tracker(plan.clients)
    screens: list[Screen] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for i, credential in enumerate(credentials):
            screens.append(await open_screen(server, board["board_id"], i, credential))
        tasks = [asyncio.create_task(read(s, tracker)) for s in screens]
        tasks.append(asyncio.create_task(heartbeat(screens)))
        if beside is None:
            return await drive(server, screens, tracker, plan, run, busy_before)
        async with beside(board["board_id"], extras):
            return await drive(server, screens, tracker, plan, run, busy_before)
    finally:
        tracker.closing = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT + 5):
                await asyncio.gather(*(s.ws.close() for s in screens), return_exceptions=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def run_all(server: Server, plan: Plan) -> tuple[list[RunResult], list[RunResult]]:
    """The runs kept, and those repeated because other processes took the CPUs."""
    results: list[RunResult] = []
    repeated: list[RunResult] = []
    for run in range(plan.runs + plan.repeats):  # bounded: at most `repeats` more
        if len(results) == plan.runs:
            break
        result = await one_run(server, plan, run)
        busy = result.other_cpu > BUSY_SHARE and len(repeated) < plan.repeats
        (repeated if busy else results).append(result)
        print(
            f"run {run + 1}: every screen {cells(result.every)} ms, "
            f"ack {cells(result.ack)} ms, {result.completed}/{result.measured} ops, "
            f"client CPU {result.client_cpu:.2f} s, server CPU {result.server_cpu:.2f} s, "
            f"max send lag {result.max_send_lag_ms:.1f} ms"
            + (
                f", server CPU idle {100 * result.idle_cpu:.2f} % of a core"
                if not math.isnan(result.idle_cpu)
                else ""
            )
            + (f", errors {result.errors}" if result.errors else "")
            + (f", lost {result.lost}" if result.lost else "")
            + (
                f"; other processes used {result.other_cpu:.0%} of the machine: repeated"
                if busy
                else ""
            ),
            file=sys.stderr,
            flush=True,
        )
        await asyncio.sleep(1.0)  # let the server settle between runs
    return results, repeated


# -- reporting -------------------------------------------------------------------------------


def ms(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def cells(figures: dict[str, float]) -> str:
    return " / ".join(ms(figures[name]) for name, _ in PERCENTILES)


def median_of(results: list[RunResult], attr: str) -> dict[str, float]:
    return {
        name: statistics.median(getattr(r, attr)[name] for r in results) for name, _ in PERCENTILES
    }


def machine() -> dict[str, str]:
    """The facts that make figures comparable; no host names, no paths."""
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text()
    kib = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal"))
    os_name = platform.system()
    with contextlib.suppress(OSError):
        release = platform.freedesktop_os_release()
        os_name = release.get("PRETTY_NAME", os_name)
    return {
        "CPU": f"{model}, {len(os.sched_getaffinity(0))} logical CPUs (`nproc`)",
        "Memory": f"{kib / 1024 / 1024:.1f} GiB",
        "OS": f"{os_name}, Linux kernel {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
    }


RESULTS_HEADER = (
    "| database | clients | send → every screen, ms: p50 / p95 / p99 / max "
    "| send → ack, ms: p50 / p95 / p99 / max | every-screen p99 across runs, ms |"
)
COST_HEADER = (
    "| database | clients | rate | ops | load generator CPU | server CPU "
    "| other processes' CPU | problems | version |"
)
COMMANDS_HEADER = "| database | clients | code | command |"


@dataclass
class Report:
    db: h.Database
    plan: Plan
    command: str
    code: str
    rate_note: str
    results: list[RunResult]
    repeated: list[RunResult]
    server_log: list[str]

    def rows(self) -> dict[str, str]:
        p = self.plan
        rs = self.results
        every, ack = median_of(rs, "every"), median_of(rs, "ack")
        p99s = [r.every["p99"] for r in rs]
        key = f"| {self.db.label} | {p.clients} |"
        measured = statistics.median(r.measured for r in rs)
        client_cpu = statistics.median(r.client_cpu for r in rs)
        server_cpu = statistics.median(r.server_cpu for r in rs)
        wall = statistics.median(r.wall for r in rs)
        other = statistics.median(r.other_cpu for r in rs)
        problems: list[str] = []
        errors: Counter[str] = Counter()
        for r in rs:
            errors.update(r.errors)
        problems += [f"{n} × {code}" for code, n in sorted(errors.items())]
        for label, n in (
            ("lost", sum(r.lost for r in rs)),
            ("seq gaps", sum(r.gaps for r in rs)),
            ("duplicate events", sum(r.duplicates for r in rs)),
            ("dropped connections", sum(r.closed for r in rs)),
            ("server log warnings/errors", len(self.server_log)),
            ("runs repeated because the machine was busy", len(self.repeated)),
        ):
            if n:
                problems.append(f"{n} {label}")

        plural = "s" if p.runs > 1 else ""

        def cpu(seconds: float) -> str:
            return (
                f"{seconds:.2f} s ({100 * seconds / wall:.0f} % of a core, "
                f"{1000 * seconds / measured:.2f} ms/op)"
            )

        return {
            RESULTS_HEADER: f"{key} {cells(every)} | {cells(ack)} | "
            f"{ms(min(p99s))}–{ms(max(p99s))} |",
            COST_HEADER: f"{key} {self.rate_note} | {p.ops:,} × {p.runs} run{plural} "
            f"(+{p.warmup:,} warm-up each) | {cpu(client_cpu)} | {cpu(server_cpu)} | "
            f"{100 * other:.0f} % of the machine | "
            f"{', '.join(problems) or 'none'} | {self.db.label} {self.db.version} |",
            COMMANDS_HEADER: f"{key} {self.code} | `{self.command}` |",
        }


def table_rows(lines: list[str], header: str) -> list[str]:
    """The body rows of the table whose header line is `header`, if any."""
    if header not in lines:
        return []
    rows = []
    for line in lines[lines.index(header) + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def row_key(row: str) -> tuple[int, str, int]:
    """(database order, database, clients): SQLite first, then by number of clients."""
    cells_ = [c.strip() for c in row.strip().strip("|").split("|")]
    order = {"SQLite": 0, "PostgreSQL": 1}.get(cells_[0], 2)
    return (order, cells_[0], int(cells_[1]) if cells_[1].isdigit() else 0)


def merge(old: list[str], new: str) -> list[str]:
    """`old` rows with the row of the same database and clients replaced by `new`."""
    rows = [r for r in old if row_key(r) != row_key(new)] + [new]
    return sorted(rows, key=row_key)


def table(header: str, rows: list[str]) -> list[str]:
    columns = header.count("|") - 1
    return [header, "|" + "---|" * columns, *rows]


def kept_analysis(lines: list[str]) -> list[str]:
    """The hand-written analysis block of the old section, markers included."""
    if ANALYSIS_BEGIN not in lines:
        return []
    start = lines.index(ANALYSIS_BEGIN)
    if ANALYSIS_END not in lines[start:]:
        return []
    return [*lines[start : lines.index(ANALYSIS_END, start) + 1], ""]


def render_section(old_lines: list[str], report: Report) -> list[str]:
    new = report.rows()
    merged = {h: merge(table_rows(old_lines, h), row) for h, row in new.items()}
    return [
        SECTION_HEADING,
        "",
        "What a workshop feels: the time from one person's change to the moment every open",
        "screen has it. `benchmarks/op_latency.py` starts a real `samskapa serve` process,",
        "creates a fresh board for each run, joins N participants and opens one websocket",
        "for each, then sends `note.create` (25 %), `note.move` (50 %) and `note.edit`",
        "(25 %) ops at a fixed total rate, round-robin over the clients. Sends follow a fixed",
        "schedule (open loop), whatever the replies.",
        "",
        "- **send → every screen**: from the sender's `send` until the op's event (matched",
        "  by `op_id`) has arrived at every connected client, the sender included.",
        "- **send → ack**: from the sender's `send` until its `ack`, i.e. until the op is",
        "  committed to the database.",
        "",
        "Each run is a warm-up (not measured) followed by the measured ops. p50 / p95 /",
        "p99 / max are computed per run (linear interpolation between ranks); **every",
        "figure is the median over the runs** of that percentile. The last column of the",
        "results shows how far the runs' p99 spread. The server, the database and the load",
        "generator share the machine above and talk over loopback (127.0.0.1).",
        "",
        "### Results (median of runs)",
        "",
        *table(RESULTS_HEADER, merged[RESULTS_HEADER]),
        "",
        "### Cost and setup",
        "",
        *table(COST_HEADER, merged[COST_HEADER]),
        "",
        "- **load generator CPU**: user + system CPU time (`getrusage`) of the one asyncio",
        "  process that runs all the clients, over the measured ops; median of runs. A",
        "  load generator near a full core would add its own queueing to the figures.",
        "- **server CPU**: utime + stime of the server process (`/proc/<pid>/stat`) over the",
        "  same window. PostgreSQL's own processes are not included.",
        "- **other processes' CPU**: what everything else on the machine used in that",
        "  window (`/proc/stat` minus the two above), as a share of all its CPUs; with",
        "  PostgreSQL this includes the database's own processes. Before each run the",
        "  benchmark waits (up to `--quiet-wait` seconds) for the machine to be under",
        f"  {100 * QUIET_SHARE:.0f} % busy, and repeats a run (up to `--repeats` times)",
        f"  during which other processes used over {100 * BUSY_SHARE:.0f} % of it; *problems*",
        "  counts such runs. A high figure here means the runs shared the CPUs with other work.",
        "- **rate**: the server allows 30 ops/s per connection by default",
        "  (`SAMSKAPA_OPS_PER_SECOND`, `SAMSKAPA_OPS_BURST`). The benchmark spreads its",
        "  sends over the clients and raises the limit for the server process only when",
        "  one connection would have to send faster than that; the column says which.",
        "",
        *kept_analysis(old_lines),
        "### Commands",
        "",
        "Run from the repository root with the project's virtual environment; `code` is",
        "the commit the server ran. `--write` updates this section (one row per database",
        "and number of clients).",
        "",
        *table(COMMANDS_HEADER, merged[COMMANDS_HEADER]),
        "",
    ]


def render_machine() -> list[str]:
    facts = machine()
    return [
        MACHINE_HEADING,
        "",
        "Every figure on this page was measured on this machine, unless its section says",
        "otherwise. Server, database and load generator all ran on it.",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in facts.items()),
        "",
    ]


def split_sections(text: str) -> tuple[list[str], list[list[str]]]:
    """The lines before the first `## ` heading, and each `## ` section's lines."""
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


def write_doc(report: Report) -> None:
    if DOC.exists():
        preamble, sections = split_sections(DOC.read_text())
    else:
        preamble = [
            DOC_TITLE,
            "",
            "Measured figures for Samskapa. How to run each benchmark: `benchmarks/README.md`.",
            "",
        ]
        sections = []
    machine_lines = render_machine()
    old_machine = next((s for s in sections if s[0] == MACHINE_HEADING), None)
    if old_machine is not None and [x for x in old_machine if x] != [x for x in machine_lines if x]:
        print(
            "note: the Machine section changed; figures of other sections may come "
            "from the previous machine",
            file=sys.stderr,
        )
    old_section = next((s for s in sections if s[0] == SECTION_HEADING), [])
    replaced = {
        MACHINE_HEADING: machine_lines,
        SECTION_HEADING: render_section(old_section, report),
    }
    out = [replaced.get(s[0], s) for s in sections]
    present = {s[0] for s in sections}
    if SECTION_HEADING not in present:
        out.append(replaced[SECTION_HEADING])
    if MACHINE_HEADING not in present:
        out.insert(0, machine_lines)
    lines = preamble + [line for section in out for line in section]
    while lines and not lines[-1]:
        lines.pop()
    DOC.write_text("\n".join(lines) + "\n")
    print(f"updated {DOC.relative_to(REPO)}", file=sys.stderr)


# -- main ------------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, and whether the server's code differed from it."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=STEP_TIMEOUT,
        )
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "backend", "alembic", "pyproject.toml")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"`{head}`" + (" + uncommitted changes" if dirty else "")


def command_line(argv: Sequence[str]) -> str:
    """The command as it can be typed again from the repository root."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg.startswith("--database-url="):
            args[i] = "--database-url=" + shown_url(arg.split("=", 1)[1])
        elif i > 0 and args[i - 1] == "--database-url":
            args[i] = shown_url(arg)
    return shlex.join(["python", "benchmarks/op_latency.py", *args])


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Op latency: send → every screen and send → ack, against a real server."
    )
    parser.add_argument("--clients", type=int, default=10, help="connected clients (10)")
    parser.add_argument(
        "--senders", type=int, help="clients that send, round-robin (default: all of them)"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="total ops per second (50)")
    parser.add_argument("--ops", type=int, default=2000, help="measured ops per run (2000)")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured ops per run (200)")
    parser.add_argument("--runs", type=int, default=5, help="runs; figures are medians (5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the op mix (1)")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL on 127.0.0.1, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test; "
        "a fresh database is created on that server and dropped afterwards "
        "(default: SQLite in a temporary folder)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=180.0,
        help="before each run, wait up to this many seconds for other processes to leave "
        f"the CPUs nearly idle (under {100 * QUIET_SHARE:.0f} %%; 180, 0: do not wait)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="runs that may be repeated because other processes used over "
        f"{100 * BUSY_SHARE:.0f} %% of the CPUs during them (5)",
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        help="seconds the connected clients stay silent before each run's warm-up, "
        "with the server's CPU measured meanwhile (0: none)",
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.senders = args.senders or args.clients
    if not 1 <= args.clients <= 500:
        parser.error("--clients must be 1..500")
    if not 1 <= args.senders <= args.clients:
        parser.error("--senders must be 1..--clients")
    if args.rate <= 0 or args.ops < 1 or args.runs < 1:
        parser.error("--rate, --ops and --runs must be positive")
    if args.warmup < 0 or args.repeats < 0 or args.quiet_wait < 0 or args.idle < 0:
        parser.error("--warmup, --repeats, --quiet-wait and --idle must not be negative")
    if args.database_url is not None:
        parts = urlsplit(args.database_url)
        if not parts.scheme.startswith("postgresql"):
            parser.error("--database-url must be a postgresql:// or postgresql+asyncpg:// URL")
        if parts.hostname not in LOCAL_HOSTS:
            parser.error("--database-url must point at 127.0.0.1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    plan = Plan(
        args.clients,
        args.senders,
        args.rate,
        args.ops,
        args.warmup,
        args.runs,
        args.seed,
        args.quiet_wait,
        args.repeats,
        args.idle,
    )
    code = code_version()
    per_connection = plan.rate / plan.senders
    server_env: dict[str, str] = {}
    if per_connection > 0.8 * SERVER_OPS_PER_SECOND:
        limit = math.ceil(2 * per_connection)
        server_env = {
            "SAMSKAPA_OPS_PER_SECOND": str(limit),
            "SAMSKAPA_OPS_BURST": str(max(SERVER_OPS_BURST, limit)),
        }
        rate_note = (
            f"{plan.rate:g}/s total, {per_connection:.3g}/s per connection "
            f"(limit raised to {limit}/s via SAMSKAPA_OPS_PER_SECOND)"
        )
    else:
        rate_note = (
            f"{plan.rate:g}/s total, {per_connection:.3g}/s per connection "
            f"(under the default limit of {SERVER_OPS_PER_SECOND:g}/s)"
        )

    with (
        tempfile.TemporaryDirectory(prefix="samskapa-bench-") as tmp,
        h.database(
            "sqlite" if args.database_url is None else "postgresql",
            Path(tmp),
            urlunsplit(urlsplit(args.database_url)._replace(scheme="postgresql"))
            if args.database_url
            else h.PG_ADMIN,
        ) as db,
    ):
        print(
            f"{db.label} {db.version}, {plan.clients} clients ({plan.senders} sending), "
            f"{rate_note}, {plan.runs} run(s) of {plan.warmup} + {plan.ops} ops",
            file=sys.stderr,
            flush=True,
        )
        server = Server(db.url, Path(tmp) / "data", server_env)
        server.start()
        try:
            results, repeated = asyncio.run(run_all(server, plan))
        finally:
            server.stop()
            problems = server.log_problems()

    for line in problems[:20]:
        print(f"server log: {line}", file=sys.stderr)
    report = Report(db, plan, command_line(argv), code, rate_note, results, repeated, problems)
    rows = report.rows()
    print()
    print(f"Op latency, median of {plan.runs} run(s) ({plan.ops:,} ops each)")
    print()
    for header, row in rows.items():
        print("\n".join(table(header, [row])))
        print()
    print("Per run")
    print()
    print(
        "| run | send → every screen, ms: p50 / p95 / p99 / max "
        "| send → ack, ms: p50 / p95 / p99 / max | load generator CPU, s | server CPU, s "
        "| max send lag, ms | other CPU before / during, % of machine |"
    )
    print("|---|---|---|---|---|---|---|")
    runs = [(f"{r.attempt}", r) for r in results]
    runs += [(f"{r.attempt} (busy, repeated)", r) for r in repeated]
    for n, r in sorted(runs, key=lambda item: item[1].attempt):
        print(
            f"| {n} | {cells(r.every)} | {cells(r.ack)} | {r.client_cpu:.2f} "
            f"| {r.server_cpu:.2f} | {r.max_send_lag_ms:.1f} "
            f"| {100 * r.busy_before:.0f} / {100 * r.other_cpu:.0f} |"
        )
    if args.write:
        write_doc(report)
    failed = any(r.lost or r.errors or r.closed for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
