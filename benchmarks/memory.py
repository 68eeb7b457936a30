"""Memory: what an idle websocket costs the server, up to 20,000 connections.

What it measures. A real `samskapa serve` process (SQLite), `--boards` boards
(200) with `--per-board` members each (100): 20,000 members, all joined before
anything is measured, so their board state is already in memory. Then:

1. the server's RSS (from /proc/<pid>/status) with no websocket open: the baseline;
2. `--first` connections (1,000) open, said hello, got their welcome, and sit idle
   (a ping every 15 s, as the protocol asks): RSS again;
3. all of them (20,000) open: RSS again.

Per idle connection = (RSS at 20,000 − RSS at 1,000) / 19,000, which leaves out
what the first connections warm up once (imports, caches, allocator arenas); the
figure from the baseline is shown too. Kernel socket buffers are not in RSS; the
TCP memory the kernel reports (/proc/net/sockstat, both ends of every loopback
connection) is shown beside it.

What the server needs for that many, as an operator's would: a file descriptor
per connection (the limit is raised to the connections plus 100 in this process,
which the server and the load generator inherit; raising the hard limit needs
root or CAP_SYS_RESOURCE, else the hard limit is the ceiling), and
`SAMSKAPA_MAX_CONNECTIONS` at least the connections (10,000 by default).

Why. The issue's targets: under 24 KB per idle connection, and a server that
holds 20,000 idle connections across 200 boards.

At the end every generator sends one ping on each of its connections and counts
the pongs: a connection counts as held only if it still answers.

Several processes (`--processes K`): the way an agency-wide install runs, K
`samskapa serve` processes share one PostgreSQL database and the Redis broker;
board b is served by process b mod K, and each process has its own load
generators (one per reading), so no process, server or generator, needs more
open files than its share. The figures are then given per process (its RSS
growth over its own connections) and for all of them together. One process
cannot hold 20,000 here: the machine's hard limit of open files is 20,000.

The servers are pinned to CPU 0, the Node.js load generators to CPU 1 (PostgreSQL
and Redis unpinned). Figures are the median over `--runs` runs (fresh servers
each); before each run the script waits (at most 5 minutes) for a quiet machine.

    python benchmarks/memory.py --runs 1 --boards 10 --per-board 100 --first 200   # a trial
    python benchmarks/memory.py --write
    python benchmarks/memory.py --processes 2 --boards 200 --per-board 100   # 20,000
"""

import argparse
import asyncio
import contextlib
import math
import os
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness as h

SECTION = "## Memory per idle connection"
TARGET_BYTES = 24 * 1024
# Open files the process needs besides its sockets (database, logs, listeners).
SPARE_FILES = 100


@dataclass
class Run:
    """One run; the lists hold one entry per server process."""

    baseline: list[int]
    first: list[int]
    full: list[int]
    n_first: list[int]
    n_full: list[int]
    tcp_pages: tuple[int, int, int]  # kernel TCP memory, pages: baseline, first, full
    generator_rss: int
    open_connections: list[float]
    answered: int  # connections that answered the final ping
    closes: int
    connect_seconds: float
    # Server CPU while all connections sat idle, seconds per second, per process.
    idle_cpu: list[float]
    load: tuple[float, bool]

    def per_connection_of(self, i: int) -> float:
        return (self.full[i] - self.first[i]) / (self.n_full[i] - self.n_first[i])

    @property
    def per_connection(self) -> float:
        return (sum(self.full) - sum(self.first)) / (sum(self.n_full) - sum(self.n_first))

    @property
    def per_connection_from_baseline(self) -> float:
        return (sum(self.full) - sum(self.baseline)) / sum(self.n_full)

    @property
    def held(self) -> float:
        return sum(self.open_connections)


def tcp_pages() -> int:
    for line in Path("/proc/net/sockstat").read_text().splitlines():
        if line.startswith("TCP:"):
            parts = line.split()
            return int(parts[parts.index("mem") + 1])
    return 0


async def prepare(
    servers: list[h.Server], boards: int, per_board: int, concurrency: int = 32
) -> list[list[tuple[h.Member, int]]]:
    """Board b on server b mod K, its members joined through that server; the
    servers are filled side by side. One list of (member, seq) per server."""

    async def fill(k: int) -> list[tuple[h.Member, int]]:
        out = []
        async with h.http_client(servers[k].http) as http:
            for b in range(k, boards, len(servers)):
                board = await h.create_board(http, f"Memory {b + 1}")
                members = await h.join_many(
                    http, board, ["participant"] * per_board, concurrency=concurrency
                )
                seq = await h.head_seq(http, members[-1])
                out += [(m, seq) for m in members]
        return out

    return list(await asyncio.gather(*(fill(k) for k in range(len(servers)))))


def settle_rss(pids: list[int], seconds: float) -> list[int]:
    """Each process's RSS after `seconds` of quiet (median of the last few readings)."""
    readings: list[list[int]] = [[] for _ in pids]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for mine, pid in zip(readings, pids, strict=True):
            mine.append(h.rss_bytes(pid))
        time.sleep(0.5)
    return [
        int(h.median(mine[-5:])) if mine else h.rss_bytes(pid)
        for mine, pid in zip(readings, pids, strict=True)
    ]


def idle_config(
    server: h.Server, members: list[tuple[h.Member, int]], deflate: bool = False
) -> dict[str, Any]:
    """The load generator's config: connect every member, say hello, stay idle."""
    return {
        "protocol": "samskapa",
        "perMessageDeflate": deflate,
        "connections": [
            {
                "url": f"{server.ws}/ws/boards/{m.board_id}",
                "credential": m.credential,
                "lastSeq": seq,
                "board": m.board_id,
            }
            for m, seq in members
        ],
        "connectConcurrency": 100,
        "connectTimeoutMs": 120000,
        "settleMs": 0,
        "holdMs": 15 * 60 * 1000,  # ended by the script long before
        "steps": [],
    }


@contextlib.contextmanager
def generators(
    servers: list[h.Server], members: list[list[tuple[h.Member, int]]], args: argparse.Namespace
) -> Iterator[list[tuple[h.Generator, Iterator[dict[str, Any]]]]]:
    """One load generator per server, each with that server's connections."""
    with contextlib.ExitStack() as stack:
        out = []
        for server, mine in zip(servers, members, strict=True):
            gen = stack.enter_context(
                h.Generator(idle_config(server, mine), [], cpus=args.generator_cpus, timeout=900)
            )
            out.append((gen, gen.events()))
        yield out


def wait_for(events: Iterator[dict[str, Any]], kind: str) -> dict[str, Any]:
    for message in events:
        if message["event"] == kind:
            return message
    raise RuntimeError(f"the generator ended before its {kind!r} line")


def probe(gens: list[tuple[h.Generator, Iterator[dict[str, Any]]]]) -> int:
    """Every generator pings on each of its open connections; how many answered."""
    for gen, _ in gens:
        os.kill(gen.pid, signal.SIGUSR2)
    return sum(wait_for(events, "probe")["answered"] for _, events in gens)


def one_run(args: argparse.Namespace) -> Run:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    k = args.processes
    with (
        tempfile.TemporaryDirectory(prefix="samskapa-memory-") as tmp,
        h.database("sqlite" if k == 1 else "postgresql", Path(tmp)) as db,
    ):
        total = args.boards * args.per_board
        env = {"SAMSKAPA_MAX_CONNECTIONS": str(math.ceil(args.boards / k) * args.per_board)}
        if k > 1:
            env["SAMSKAPA_BROKER_URL"] = args.redis_url
        servers: list[h.Server] = []
        try:
            for i in range(k):
                data = Path(tmp) / ("data" if k == 1 else f"data{i}")
                servers.append(h.Server(db.url, data, env=env, cpus=args.server_cpus).start())
            pids = [s.pid for s in servers]
            members = asyncio.run(prepare(servers, args.boards, args.per_board))
            # The first connections spread over every board, like the rest.
            firsts, rests = [], []
            for mine in members:
                n_first = max(1, round(args.first * len(mine) / total))
                first = mine[:: max(1, len(mine) // n_first)][:n_first]
                chosen = {id(x) for x in first}
                firsts.append(first)
                rests.append([x for x in mine if id(x) not in chosen])
            baseline = settle_rss(pids, args.settle)
            tcp0 = tcp_pages()
            with generators(servers, firsts, args) as gens_a:
                started = time.monotonic()
                for _, events in gens_a:
                    wait_for(events, "connected")
                rss_first = settle_rss(pids, args.settle)
                tcp1 = tcp_pages()
                with generators(servers, rests, args) as gens_b:
                    connected = [wait_for(events, "connected") for _, events in gens_b]
                    connect_seconds = time.monotonic() - started
                    cpu0 = [h.cpu_seconds(pid) for pid in pids]
                    t0 = time.monotonic()
                    rss_full = settle_rss(pids, args.settle + args.hold)
                    idle_cpu = [
                        (h.cpu_seconds(pid) - c) / (time.monotonic() - t0)
                        for pid, c in zip(pids, cpu0, strict=True)
                    ]
                    tcp2 = tcp_pages()
                    answered = probe(gens_a + gens_b)
                    held = [s.metrics().get("samskapa_connections", math.nan) for s in servers]
                    generator_rss = sum(h.rss_bytes(gen.pid) for gen, _ in gens_a + gens_b)
                    closes = sum(c.get("failed", 0) for c in connected)
        finally:
            for s in servers:
                s.stop()
    return Run(
        baseline,
        rss_first,
        rss_full,
        [len(f) for f in firsts],
        [len(m) for m in members],
        (tcp0, tcp1, tcp2),
        generator_rss,
        held,
        answered,
        closes,
        connect_seconds,
        idle_cpu,
        load,
    )


def kb(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value / 1024:.1f} KB"


def pct(share: float) -> str:
    return "n/a" if math.isnan(share) else f"{100 * share:.1f} % of a core"


def render(args: argparse.Namespace, argv: Sequence[str], runs: list[Run]) -> list[str]:
    page = os.sysconf("SC_PAGE_SIZE")
    k = args.processes
    per = h.median([r.per_connection for r in runs])
    n_full = sum(runs[0].n_full)
    n_first = sum(runs[0].n_first)
    held = h.median([r.held for r in runs])
    answered = h.median([r.answered for r in runs])

    def tcp(r: Run) -> float:
        return (r.tcp_pages[2] - r.tcp_pages[1]) * page / (sum(r.n_full) - sum(r.n_first))

    def process_row(label: str, rs: list[Run], i: int) -> list[str]:
        def med(f: Any) -> float:
            return h.median([f(r) for r in rs])

        return [
            label,
            h.mib(med(lambda r: r.baseline[i])),
            h.mib(med(lambda r: r.first[i])),
            h.mib(med(lambda r: r.full[i])),
            f"{med(lambda r: r.n_full[i]):,.0f}",
            kb(med(lambda r: r.per_connection_of(i))),
            kb(med(lambda r: (r.full[i] - r.baseline[i]) / r.n_full[i])),
            "",
            f"{med(lambda r: r.open_connections[i]):,.0f}",
            "",
            pct(med(lambda r: r.idle_cpu[i])),
            "",
            "",
            "",
        ]

    def all_row(label: str, rs: list[Run], bold: bool) -> list[str]:
        def med(f: Any) -> float:
            return h.median([f(r) for r in rs])

        per_cell = kb(med(lambda r: r.per_connection))
        return [
            label,
            h.mib(med(lambda r: sum(r.baseline))),
            h.mib(med(lambda r: sum(r.first))),
            h.mib(med(lambda r: sum(r.full))),
            f"{med(lambda r: sum(r.n_full)):,.0f}",
            f"**{per_cell}**" if bold else per_cell,
            kb(med(lambda r: r.per_connection_from_baseline)),
            kb(med(tcp)),
            f"{med(lambda r: r.held):,.0f}",
            f"{med(lambda r: r.answered):,.0f}",
            pct(med(lambda r: sum(r.idle_cpu))),
            f"{med(lambda r: r.connect_seconds):.0f} s",
            h.mib(med(lambda r: r.generator_rss)),
            f"{rs[0].load[0]:.2f}" if len(rs) == 1 else "",
        ]

    rows = []
    for n, r in enumerate(runs):
        if k > 1:
            rows += [process_row(f"{n + 1}, process {i + 1}", [r], i) for i in range(k)]
        rows.append(all_row(f"{n + 1}" if k == 1 else f"{n + 1}, all", [r], False))
    if k > 1:
        rows += [process_row(f"**median**, process {i + 1}", runs, i) for i in range(k)]
    rows.append(all_row("**median**" if k == 1 else "**median**, all", runs, True))

    if k == 1:
        setup = [
            f"{args.boards} boards × {args.per_board} members = {n_full:,} members, "
            "all joined before",
            "measuring; then idle websockets (hello, welcome, a ping every 15 s) are opened:",
            f"first {n_first:,} spread over all boards, then all {n_full:,}. The server's RSS",
        ]
        database = "SQLite; server pinned to CPU 0, Node.js load generator to CPU 1."
    else:
        setup = [
            f"{args.boards} boards × {args.per_board} members = {n_full:,} members on {k} "
            "`samskapa serve`",
            "processes sharing one PostgreSQL database and the Redis broker (board b on",
            f"process b mod {k}), all joined before measuring; then idle websockets (hello,",
            "welcome, a ping every 15 s) are opened by one load generator per process:",
            f"first {n_first:,} spread over all boards, then all {n_full:,}. Each server's RSS",
        ]
        database = (
            "PostgreSQL + Redis; servers pinned to CPU 0, Node.js load generators to CPU 1, "
            "PostgreSQL and Redis unpinned."
        )
    return [
        SECTION,
        "",
        *setup,
        "comes from `/proc/<pid>/status` after the connections settled (median of the last",
        "readings, 0.5 s apart). **per idle connection** = (RSS at all − RSS at the first) /",
        "(the difference in connections); *from no connections* divides the growth since the",
        "baseline by all of them. Kernel TCP buffers are not in RSS: *kernel TCP memory* is the",
        "growth of `/proc/net/sockstat` TCP `mem` per connection, both loopback ends included.",
        "*answered the final ping*: at the end every open connection sends a ping and waits",
        "for its pong. *server CPU while idle*: over the last reading, every connection silent",
        "but for its pings.",
        "Each server runs with `SAMSKAPA_MAX_CONNECTIONS` at its number of connections and an",
        "open-files limit of "
        f"{resource.getrlimit(resource.RLIMIT_NOFILE)[1]:,} (the generators too).",
        database,
        "",
        f"Command: `{h.command_line('memory.py', argv)}`; server code: {h.code_version()}.",
        "",
        f"**{len(runs)} runs** (fresh servers each); the median is the last row"
        + (f"s, per process and for all {k}" if k > 1 else "")
        + ". "
        + h.loads_note([r.load for r in runs], 0 if args.no_wait else h.QUIET_WAIT)
        + ".",
        "",
        *h.table(
            [
                "run",
                "RSS, no connections",
                f"RSS, {n_first:,} idle",
                "RSS, all idle",
                "connections",
                "per idle connection",
                "per connection from no connections",
                "kernel TCP memory per connection",
                "connections held (/metrics)",
                "answered the final ping",
                "server CPU while idle",
                f"time to open {n_full:,}",
                "load generator RSS",
                "load average",
            ],
            rows,
        ),
        "",
        "### Targets",
        "",
        f"- under {TARGET_BYTES // 1024} KB per idle connection: "
        f"{h.verdict(per < TARGET_BYTES)} ({kb(per)}, "
        f"{100 * per / TARGET_BYTES:.0f} % of the bound).",
        f"- {n_full:,} idle connections across {args.boards} boards held: "
        f"{h.verdict(held >= n_full and answered >= n_full)} ({held:,.0f} open at the end, "
        f"{answered:,.0f} answered the final ping).",
        "",
        h.KEEP_START,
        "(analysis: written by hand after a measurement)",
        h.KEEP_END,
        "",
    ]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--boards", type=int, default=200)
    p.add_argument("--per-board", type=int, default=100)
    p.add_argument("--first", type=int, default=1000, help="connections of the first reading")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--settle", type=float, default=5.0, help="seconds before each reading")
    p.add_argument("--hold", type=float, default=20.0, help="extra seconds at full count")
    p.add_argument("--server-cpus", default="0")
    p.add_argument("--generator-cpus", default="1")
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes (1: SQLite; more: PostgreSQL and the Redis broker, "
        "boards split over them)",
    )
    p.add_argument("--redis-url", default=h.REDIS_URL)
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    p.add_argument(
        "--write",
        action="store_true",
        help="update docs/benchmarks.md (one process; several: the figures are printed)",
    )
    args = p.parse_args(argv)
    args.server_cpus = [int(x) for x in args.server_cpus.split(",") if x]
    args.generator_cpus = [int(x) for x in args.generator_cpus.split(",") if x]
    total = args.boards * args.per_board
    if not 1 <= args.processes <= min(8, args.boards):
        p.error("--processes 1..8, at most --boards")
    if args.processes > 1 and args.write:
        p.error("--write rewrites the one-process table; with --processes the figures are printed")
    if args.processes > 1 and not args.redis_url.startswith("redis://127.0.0.1"):
        p.error("--redis-url must point at 127.0.0.1")
    # The most any one process opens: a server's share of the connections (or
    # the generator that opens them).
    share = math.ceil(args.boards / args.processes) * args.per_board
    limit = h.raise_fd_limit(share + SPARE_FILES)
    if share + SPARE_FILES > limit:
        p.error(
            f"{share:,} connections in one process need {share + SPARE_FILES:,} open files; "
            f"the limit is {limit:,} (raise the hard limit, e.g. `ulimit -Hn`, as root, "
            "or spread them with --processes)"
        )
    if not (args.processes <= args.first < total and 1 <= args.runs <= 10 and args.hold <= 300):
        p.error("--first processes..(boards × per-board − 1), --runs 1..10, --hold ≤ 300")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    runs = []
    for i in range(args.runs):
        r = one_run(args)
        print(
            f"run {i + 1}/{args.runs}: baseline {h.mib(sum(r.baseline))}, {sum(r.n_first)} → "
            f"{h.mib(sum(r.first))}, {sum(r.n_full)} → {h.mib(sum(r.full))}, per connection "
            f"{kb(r.per_connection)} ({kb(r.per_connection_from_baseline)} from baseline; "
            f"per process {', '.join(kb(r.per_connection_of(j)) for j in range(len(r.full)))}), "
            f"held {r.held:g}, answered the final ping {r.answered}, "
            f"opened in {r.connect_seconds:.0f} s, "
            f"server CPU while idle {', '.join(pct(c) for c in r.idle_cpu)}",
            file=sys.stderr,
            flush=True,
        )
        runs.append(r)
    lines = render(args, argv, runs)
    print("\n".join(lines))
    if args.write:
        h.write_section(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
