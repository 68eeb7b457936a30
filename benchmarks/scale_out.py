"""Scale-out: the workshop load across 1, 2 and 3 server processes.

What it measures. The same workload as workshop_load.py (N members on one
board at tables of 10, cursors at 10 Hz, 0.1 ops/s per member: create, move,
edit, votes), served by K `samskapa serve` processes that share one PostgreSQL database
and the Redis doorbell broker (SAMSKAPA_BROKER_URL=redis://127.0.0.1:6379/0),
each on its own port; the clients are spread round-robin over the processes.
An op is committed by the process its sender is on; the others hear the
doorbell, read the new events from PostgreSQL and fan them out to their own
clients; cursors cross between processes through Redis once per tick.

Reported per K: op → every screen p50/p95/p99 (every screen across all
processes), deliveries/s, the CPU of every server process, of PostgreSQL, of
Redis and of the load generator, the servers' memory, and evictions.

Where things run. Nothing is pinned by default (`--server-cpus` pins every
server process to the same CPUs): on a 2-core machine, K processes, PostgreSQL,
Redis and the generator share two cores, so what K buys here is bounded by the
second core, not by the software; the CPU columns show where the time goes.
Figures are the median over `--runs` runs (fresh database and processes each);
before each run the script waits (at most 5 minutes) for a quiet machine.

Why. The issue asks how capacity grows with processes.

    python benchmarks/scale_out.py --sizes 300 --processes 1,2 --runs 1 --duration 10  # a trial
    python benchmarks/scale_out.py --write
"""

import argparse
import asyncio
import math
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness as h
from workshop_load import mix_text, workshop_config

SECTION = "## Scale-out (several processes, PostgreSQL + Redis)"


@dataclass
class Run:
    n: int
    k: int
    result: dict[str, Any]
    window: h.Window
    evictions: float
    connect_ms: float
    load: tuple[float, bool]


async def prepare(http_base: str, n: int, facilitators: int) -> tuple[list[h.Member], int]:
    async with h.http_client(http_base) as http:
        board = await h.create_board(http, f"Workshop of {n}")
        roles = ["facilitator"] * min(facilitators, n) + ["participant"] * (n - facilitators)
        members = await h.join_many(http, board, roles)
        return members, await h.head_seq(http, members[0])


def one_run(args: argparse.Namespace, n: int, k: int, run: int) -> Run:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    env = {"SAMSKAPA_BROKER_URL": args.redis_url}
    with (
        tempfile.TemporaryDirectory(prefix="samskapa-scale-") as tmp,
        h.database("postgresql", Path(tmp)) as db,
    ):
        servers: list[h.Server] = []
        try:
            for i in range(k):
                data = Path(tmp) / f"data{i}"
                servers.append(h.Server(db.url, data, env=env, cpus=args.server_cpus).start())
            members, seq = asyncio.run(prepare(servers[0].http, n, args.facilitators))
            urls = [f"{servers[i % k].ws}/ws/boards/{m.board_id}" for i, m in enumerate(members)]
            config = workshop_config(args, members, seq, urls, args.cursor_hz, run)
            watched = [h.Watched(f"server{i}", s.pid) for i, s in enumerate(servers)]
            watched += [h.postgres_watch(db.url)]
            watched += [h.Watched("redis", name="redis-server")]
            result: dict[str, Any] = {}
            connect_ms = math.nan
            with h.Generator(config, watched, cpus=args.generator_cpus) as gen:
                for message in gen.events():
                    if message["event"] == "connected":
                        connect_ms = message["ms"]
                    elif message["event"] == "result":
                        result = message
            if not result:
                raise RuntimeError("the generator gave no result")
            evictions = sum(s.metrics().get("samskapa_evictions_total", 0.0) for s in servers)
        finally:
            for s in servers:
                s.stop()
    return Run(n, k, result, result["window"], evictions, connect_ms, load)


def servers_cpu(r: Run) -> float:
    return sum(r.window.core_share(f"server{i}") for i in range(r.k))


def servers_rss(r: Run) -> float:
    return sum(r.window.rss.get(f"server{i}", 0) for i in range(r.k))


def describe(r: Run) -> str:
    res = r.result
    shares = ", ".join(f"{100 * r.window.core_share(f'server{i}'):.0f} %" for i in range(r.k))
    return (
        f"N={r.n} K={r.k}: every screen p50/p95/p99 {h.ms(res['every']['p50'])}/"
        f"{h.ms(res['every']['p95'])}/{h.ms(res['every']['p99'])} ms, "
        f"{res['deliveriesPerSecond']:,.0f} deliveries/s, servers CPU [{shares}], "
        f"postgres {100 * r.window.core_share('postgres'):.0f} %, "
        f"redis {100 * r.window.core_share('redis'):.0f} %, "
        f"generator {100 * r.window.core_share('generator'):.0f} %, lost {res['lost']}, "
        f"closes {res['closes']}, evictions {r.evictions:g}, load {r.load[0]:.2f}"
    )


def render(
    args: argparse.Namespace, argv: Sequence[str], groups: dict[Any, list[Run]]
) -> list[str]:
    rows, cost = [], []
    loads = [r.load for runs in groups.values() for r in runs]
    for (n, k), runs in groups.items():

        def med(get: Any, runs: list[Run] = runs) -> float:
            return h.median([get(r) for r in runs])

        every = {q: med(lambda r, q=q: r.result["every"][q]) for q in ("p50", "p95", "p99")}
        lost = sum(r.result["lost"] + r.result["failed"] for r in runs)
        closes = sum(sum(r.result["closes"].values()) for r in runs)
        rows.append(
            [
                f"{n:,}",
                f"{k}",
                f"{med(lambda r: r.result['opsPerSecond']):.0f}",
                " / ".join(h.ms(every[q]) for q in ("p50", "p95", "p99")),
                h.ms(med(lambda r: r.result["delivery"]["p99"])),
                h.count(med(lambda r: r.result["deliveriesPerSecond"])),
                f"{med(lambda r: r.result['cursorMsgsPerClientPerSecond']):.1f}",
                f"{sum(r.evictions for r in runs):g} / {closes} / {lost}",
            ]
        )
        per_process = [
            h.pct_core(med(lambda r, i=i: r.window.core_share(f"server{i}")), 1.0) for i in range(k)
        ]
        cost.append(
            [
                f"{n:,}",
                f"{k}",
                " + ".join(per_process),
                h.pct_core(med(servers_cpu), 1.0),
                h.pct_core(med(lambda r: r.window.core_share("postgres")), 1.0),
                h.pct_core(med(lambda r: r.window.core_share("redis")), 1.0),
                h.pct_core(med(lambda r: r.window.core_share("generator")), 1.0),
                h.mib(med(servers_rss)),
                f"{med(lambda r: 1e6 * servers_cpu(r) / r.result['deliveriesPerSecond']):.1f}",
                h.pct_core(med(lambda r: r.window.others_share), 1.0),
            ]
        )
    runs_n = len(next(iter(groups.values())))
    pinned = (
        f"every server process pinned to CPU {','.join(map(str, args.server_cpus))}"
        if args.server_cpus
        else "nothing pinned"
    )
    return [
        SECTION,
        "",
        "The workshop load of the section above (tables of 10, cursors at "
        f"{args.cursor_hz:g} Hz, {args.ops_per_participant:g} ops/s per",
        f"member: {mix_text(args)}) served by K `samskapa serve` processes",
        "sharing one PostgreSQL database and the Redis doorbell broker",
        "(`SAMSKAPA_BROKER_URL=redis://127.0.0.1:6379/0`), each on its own port, clients",
        "spread round-robin over them. An op is committed by its sender's process; the others",
        "hear the doorbell, read the events from PostgreSQL and fan them out to their clients;",
        f"cursors cross through Redis once per tick. {pinned.capitalize()}: the K processes,",
        "PostgreSQL, Redis and the Node.js load generator share the machine's **2 cores**.",
        "",
        f"Command: `{h.command_line('scale_out.py', argv)}`; server code: {h.code_version()}.",
        "",
        f"Each row is the **median of {runs_n} runs** (fresh database and processes each), "
        f"{args.duration:g} s measured after {args.warmup:g} s of warm-up. "
        + h.loads_note(loads)
        + ".",
        "",
        "### Results",
        "",
        *h.table(
            [
                "N",
                "processes",
                "ops/s",
                "op → every screen, ms: p50 / p95 / p99",
                "per-delivery p99, ms",
                "deliveries/s",
                "cursor msgs/s per client",
                "evictions / closes / lost ops",
            ],
            rows,
        ),
        "",
        "### Cost",
        "",
        *h.table(
            [
                "N",
                "processes",
                "CPU per server process",
                "servers together",
                "PostgreSQL",
                "Redis",
                "load generator",
                "servers' RSS together",
                "server CPU µs per delivery",
                "other processes (share of both CPUs)",
            ],
            cost,
        ),
        "",
        "CPU is a share of one core over the measured window; the machine has two.",
        "",
        h.KEEP_START,
        "(analysis: written by hand after a measurement)",
        h.KEEP_END,
        "",
    ]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--sizes", default="300,1000", help="N values (300,1000)")
    p.add_argument("--processes", default="1,2,3", help="K values (1,2,3)")
    p.add_argument("--cursor-hz", type=float, default=10.0)
    p.add_argument("--ops-per-participant", type=float, default=0.1)
    p.add_argument("--vote-share", type=float, default=0.15, help="share of ops that are votes")
    p.add_argument("--table-size", type=int, default=10)
    p.add_argument("--facilitators", type=int, default=2)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--redis-url", default=h.REDIS_URL)
    p.add_argument("--server-cpus", default="", help="pin every server process (default: none)")
    p.add_argument("--generator-cpus", default="", help="pin the generator (default: none)")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    p.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = p.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",")]
    args.processes = [int(x) for x in args.processes.split(",")]
    args.server_cpus = [int(x) for x in args.server_cpus.split(",") if x]
    args.generator_cpus = [int(x) for x in args.generator_cpus.split(",") if x]
    if not args.redis_url.startswith("redis://127.0.0.1"):
        p.error("--redis-url must point at 127.0.0.1")
    if not all(2 <= n <= 5000 for n in args.sizes) or not all(1 <= k <= 8 for k in args.processes):
        p.error("--sizes 2..5000, --processes 1..8")
    if not (1 <= args.runs <= 10 and 1 <= args.duration <= 300):
        p.error("--runs 1..10, --duration 1..300")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    h.raise_fd_limit()
    groups: dict[Any, list[Run]] = {}
    for n in args.sizes:
        for k in args.processes:
            for run in range(args.runs):
                r = one_run(args, n, k, run)
                print(f"run {run + 1}/{args.runs}: {describe(r)}", file=sys.stderr, flush=True)
                groups.setdefault((n, k), []).append(r)
    lines = render(args, argv, groups)
    print("\n".join(lines))
    if args.write:
        h.write_section(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
