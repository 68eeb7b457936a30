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

The server is pinned to CPU 0, the Node.js load generator to CPU 1. Figures are
the median over `--runs` runs (fresh server each); before each run the script
waits (at most 5 minutes) for a quiet machine.

    python benchmarks/memory.py --runs 1 --boards 10 --per-board 100 --first 200   # a trial
    python benchmarks/memory.py --write
"""

import argparse
import asyncio
import contextlib
import math
import os
import resource
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
    baseline: int
    first: int
    full: int
    n_first: int
    n_full: int
    tcp_pages: tuple[int, int, int]  # kernel TCP memory, pages: baseline, first, full
    generator_rss: int
    open_connections: float
    closes: int
    connect_seconds: float
    load: tuple[float, bool]

    @property
    def per_connection(self) -> float:
        return (self.full - self.first) / (self.n_full - self.n_first)

    @property
    def per_connection_from_baseline(self) -> float:
        return (self.full - self.baseline) / self.n_full


def tcp_pages() -> int:
    for line in Path("/proc/net/sockstat").read_text().splitlines():
        if line.startswith("TCP:"):
            parts = line.split()
            return int(parts[parts.index("mem") + 1])
    return 0


async def prepare(
    server: h.Server, boards: int, per_board: int, concurrency: int = 32
) -> list[tuple[h.Member, int]]:
    out = []
    async with h.http_client(server.http) as http:
        for b in range(boards):
            board = await h.create_board(http, f"Memory {b + 1}")
            members = await h.join_many(
                http, board, ["participant"] * per_board, concurrency=concurrency
            )
            seq = await h.head_seq(http, members[-1])
            out += [(m, seq) for m in members]
    return out


def settle_rss(pid: int, seconds: float) -> int:
    """RSS after `seconds` of quiet (median of the last few readings)."""
    readings = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        readings.append(h.rss_bytes(pid))
        time.sleep(0.5)
    return int(h.median(readings[-5:])) if readings else h.rss_bytes(pid)


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
def generator(
    server: h.Server, members: list[tuple[h.Member, int]], args: argparse.Namespace
) -> Iterator[tuple[h.Generator, Iterator[dict[str, Any]]]]:
    config = idle_config(server, members)
    with h.Generator(config, [], cpus=args.generator_cpus, timeout=900) as gen:
        yield gen, gen.events()


def wait_connected(events: Iterator[dict[str, Any]]) -> dict[str, Any]:
    for message in events:
        if message["event"] == "connected":
            return message
    raise RuntimeError("the generator ended before connecting")


def one_run(args: argparse.Namespace) -> Run:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    with (
        tempfile.TemporaryDirectory(prefix="samskapa-memory-") as tmp,
        h.database("sqlite", Path(tmp)) as db,
    ):
        total = args.boards * args.per_board
        server = h.Server(
            db.url,
            Path(tmp) / "data",
            env={"SAMSKAPA_MAX_CONNECTIONS": str(total)},
            cpus=args.server_cpus,
        ).start()
        try:
            members = asyncio.run(prepare(server, args.boards, args.per_board))
            # The first connections spread over every board, like the rest.
            first = members[:: max(1, len(members) // args.first)][: args.first]
            chosen = {id(x) for x in first}
            rest = [x for x in members if id(x) not in chosen]
            baseline = settle_rss(server.pid, args.settle)
            tcp0 = tcp_pages()
            with generator(server, first, args) as (gen_a, events_a):
                started = time.monotonic()
                wait_connected(events_a)
                rss_first = settle_rss(server.pid, args.settle)
                tcp1 = tcp_pages()
                with generator(server, rest, args) as (gen_b, events_b):
                    connected = wait_connected(events_b)
                    connect_seconds = time.monotonic() - started
                    rss_full = settle_rss(server.pid, args.settle + args.hold)
                    tcp2 = tcp_pages()
                    m = server.metrics()
                    generator_rss = h.rss_bytes(gen_a.pid) + h.rss_bytes(gen_b.pid)
                    closes = connected.get("failed", 0)
        finally:
            server.stop()
    return Run(
        baseline,
        rss_first,
        rss_full,
        len(first),
        len(members),
        (tcp0, tcp1, tcp2),
        generator_rss,
        m.get("samskapa_connections", math.nan),
        closes,
        connect_seconds,
        load,
    )


def kb(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value / 1024:.1f} KB"


def render(args: argparse.Namespace, argv: Sequence[str], runs: list[Run]) -> list[str]:
    page = os.sysconf("SC_PAGE_SIZE")
    per = h.median([r.per_connection for r in runs])
    n_full = runs[0].n_full
    held = h.median([r.open_connections for r in runs])
    rows = [
        [
            f"{i + 1}",
            h.mib(r.baseline),
            h.mib(r.first),
            h.mib(r.full),
            kb(r.per_connection),
            kb(r.per_connection_from_baseline),
            kb((r.tcp_pages[2] - r.tcp_pages[1]) * page / (r.n_full - r.n_first)),
            f"{r.open_connections:,.0f}",
            f"{r.connect_seconds:.0f} s",
            h.mib(r.generator_rss),
            f"{r.load[0]:.2f}",
        ]
        for i, r in enumerate(runs)
    ]
    rows.append(
        [
            "**median**",
            h.mib(h.median([r.baseline for r in runs])),
            h.mib(h.median([r.first for r in runs])),
            h.mib(h.median([r.full for r in runs])),
            f"**{kb(per)}**",
            kb(h.median([r.per_connection_from_baseline for r in runs])),
            kb(
                h.median(
                    [
                        (r.tcp_pages[2] - r.tcp_pages[1]) * page / (r.n_full - r.n_first)
                        for r in runs
                    ]
                )
            ),
            f"{held:,.0f}",
            f"{h.median([r.connect_seconds for r in runs]):.0f} s",
            h.mib(h.median([r.generator_rss for r in runs])),
            "",
        ]
    )
    return [
        SECTION,
        "",
        f"{args.boards} boards × {args.per_board} members = {n_full:,} members, all joined before",
        "measuring; then idle websockets (hello, welcome, a ping every 15 s) are opened:",
        f"first {runs[0].n_first:,} spread over all boards, then all {n_full:,}. The server's RSS",
        "comes from `/proc/<pid>/status` after the connections settled (median of the last",
        "readings, 0.5 s apart). **per idle connection** = (RSS at all − RSS at the first) /",
        "(the difference in connections); *from no connections* divides the growth since the",
        "baseline by all of them. Kernel TCP buffers are not in RSS: *kernel TCP memory* is the",
        "growth of `/proc/net/sockstat` TCP `mem` per connection, both loopback ends included.",
        "The server runs with `SAMSKAPA_MAX_CONNECTIONS` at the number of connections and an",
        "open-files limit of "
        f"{resource.getrlimit(resource.RLIMIT_NOFILE)[1]:,} (the generator too).",
        "SQLite; server pinned to CPU 0, Node.js load generator to CPU 1.",
        "",
        f"Command: `{h.command_line('memory.py', argv)}`; server code: {h.code_version()}.",
        "",
        f"**{len(runs)} runs** (fresh server each); the median is the last row. "
        + h.loads_note([r.load for r in runs])
        + ".",
        "",
        *h.table(
            [
                "run",
                "RSS, no connections",
                f"RSS, {runs[0].n_first:,} idle",
                f"RSS, {n_full:,} idle",
                "per idle connection",
                "per connection from no connections",
                "kernel TCP memory per connection",
                "connections held (/metrics)",
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
        f"{h.verdict(held >= n_full)} ({held:,.0f} open at the end).",
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
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    p.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = p.parse_args(argv)
    args.server_cpus = [int(x) for x in args.server_cpus.split(",") if x]
    args.generator_cpus = [int(x) for x in args.generator_cpus.split(",") if x]
    total = args.boards * args.per_board
    limit = h.raise_fd_limit(total + SPARE_FILES)
    if total + SPARE_FILES > limit:
        p.error(
            f"{total:,} connections need {total + SPARE_FILES:,} open files; the limit is "
            f"{limit:,} (raise the hard limit, e.g. `ulimit -Hn`, as root)"
        )
    if not (1 <= args.first < total and 1 <= args.runs <= 10 and args.hold <= 300):
        p.error("--first 1..(boards × per-board − 1), --runs 1..10, --hold ≤ 300")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    runs = []
    for i in range(args.runs):
        r = one_run(args)
        print(
            f"run {i + 1}/{args.runs}: baseline {h.mib(r.baseline)}, {r.n_first} → "
            f"{h.mib(r.first)}, {r.n_full} → {h.mib(r.full)}, per connection "
            f"{kb(r.per_connection)} ({kb(r.per_connection_from_baseline)} from baseline), "
            f"held {r.open_connections:g}, opened in {r.connect_seconds:.0f} s",
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
