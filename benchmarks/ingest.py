"""Ingest: how many ops per second the server acknowledges, and how fast.

What it measures. A real `samskapa serve` process on SQLite (synchronous=FULL,
the default) or PostgreSQL, with one board or `--boards` boards (50). Each board
has `--per-board` connected members (1); they send a mix of ops (20 % create
until a board holds 1,000 notes, 50 % move, 30 % edit) at a total rate that rises
step by step (open loop: sends follow a schedule, whatever the replies). For each
step: acknowledged ops per second, send → ack latency (the ack comes only after
COMMIT, so this is the commit latency a client sees) p50/p95/p99, the events per
group commit, and CPU of the server, the database (PostgreSQL's processes) and
the load generator. A step is sustained if ≥ 95 % of the offered ops are acked
in the window, nothing is lost or refused, and the ack p99 ≤ `--p99-limit`. The
climb ends at the first step where fewer than 90 % of the offered ops are acked
(the server is saturated; that step shows the most it acknowledges).

The per-connection rate limit (30 ops/s by default) is raised for this benchmark
with SAMSKAPA_OPS_PER_SECOND / SAMSKAPA_OPS_BURST, since a few connections carry
the whole load. Every op's event also goes to every connection of its board
(here: the sender itself), so the fan-out stays small and the write path shows.

Where things run. The server is pinned to CPU 0 (its SQLite thread too), the
Node.js load generator to CPU 1; PostgreSQL runs where the kernel puts it.
Figures are the median over `--runs` runs (fresh server and database each);
before each run the script waits (at most 5 minutes) for a quiet machine.

Why. The issue's target: at least 20,000 acknowledged ops/s on SQLite with a
commit p99 under 20 ms.

    python benchmarks/ingest.py --runs 1 --duration 3 --databases sqlite   # a trial
    python benchmarks/ingest.py --write
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

SECTION = "## Ingest (acknowledged ops per second)"
TARGET_P99 = 20.0
# The targets, acked ops/s by (database, boards > 1); one board on SQLite
# with commit p99 < TARGET_P99, the others sustained by the same rule.
TARGETS = {
    ("SQLite", False): 20_000,
    ("SQLite", True): 15_000,
    ("PostgreSQL", False): 8_000,
    ("PostgreSQL", True): 8_000,
}
RATES = "250,500,1000,1500,2000,3000,4000,6000,8000,12000,16000,20000,25000"


@dataclass
class Climb:
    db: str
    boards: int
    steps: list[dict[str, Any]]
    load: tuple[float, bool]
    events_per_commit: float

    def sustained(self, limit: float) -> dict[str, Any] | None:
        best = None
        for s in self.steps:
            if not ok(s, limit):
                break
            best = s
        return best

    def peak(self) -> dict[str, Any] | None:
        return max(self.steps, key=lambda s: s["ackedPerSecond"], default=None)


def ok(step: dict[str, Any], limit: float) -> bool:
    p99 = step["ack"]["p99"]
    return (
        p99 is not None
        and p99 <= limit
        and step["lost"] == 0
        and step["failed"] == 0
        and step["ackedPerSecond"] >= 0.95 * step["rate"]
    )


async def prepare(server: h.Server, boards: int, per_board: int) -> list[tuple[h.Member, int]]:
    out = []
    async with h.http_client(server.http) as http:
        for b in range(boards):
            board = await h.create_board(http, f"Ingest {b + 1}")
            members = await h.join_many(http, board, ["participant"] * per_board)
            seq = await h.head_seq(http, members[0])
            out += [(m, seq) for m in members]
    return out


def climb(args: argparse.Namespace, kind: str, boards: int, run: int) -> Climb:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    env = {"SAMSKAPA_OPS_PER_SECOND": "1000000", "SAMSKAPA_OPS_BURST": "1000000"}
    with (
        tempfile.TemporaryDirectory(prefix="samskapa-ingest-") as tmp,
        h.database(kind, Path(tmp)) as db,
    ):
        server = h.Server(db.url, Path(tmp) / "data", env=env, cpus=args.server_cpus).start()
        try:
            members = asyncio.run(prepare(server, boards, args.per_board))
            connections = [
                {
                    "url": f"{server.ws}/ws/boards/{m.board_id}",
                    "credential": m.credential,
                    "lastSeq": seq,
                    "board": m.board_id,
                    "sender": True,
                }
                for m, seq in members
            ]
            config = {
                "protocol": "samskapa",
                "connections": connections,
                "seed": run + 1,
                "settleMs": 1000,
                "maxNotesPerBoard": 1000,
                "opMix": {"create": 0.2, "move": 0.5, "edit": 0.3},
                "batchOps": args.batch_ops,
                "steps": [
                    {
                        "rate": r,
                        "warmupMs": int(args.warmup * 1000),
                        "durationMs": int(args.duration * 1000),
                        "drainMs": 10000,
                        "pauseMs": 1000,
                    }
                    for r in args.rates
                ],
            }
            watched = [h.Watched("server", server.pid)]
            if db.label == "PostgreSQL":
                watched.append(h.postgres_watch(db.url))
            steps = []
            profiler = None
            if args.profile:
                label = f"{kind}-{boards}boards-run{run + 1}"
                profiler = h.Profiler(Path(args.profile), server.pid, label, args.generator_cpus)
            with h.Generator(config, watched, cpus=args.generator_cpus, profiler=profiler) as gen:
                for message in gen.events():
                    if message["event"] != "result":
                        continue
                    w = message["window"]
                    message["ackedPerSecond"] = message["ackedOps"] / message["seconds"]
                    message["serverCpu"] = w.core_share("server")
                    message["generatorCpu"] = w.core_share("generator")
                    message["othersCpu"] = w.others_share
                    message["databaseCpu"] = (
                        w.core_share("postgres") if "postgres" in w.cpu else math.nan
                    )
                    steps.append(message)
                    print(
                        f"    {message['rate']:g}/s offered: {message['ackedPerSecond']:,.0f} "
                        f"acked/s, ack p50/p95/p99 {h.ms(message['ack']['p50'])}/"
                        f"{h.ms(message['ack']['p95'])}/{h.ms(message['ack']['p99'])} ms, "
                        f"server CPU {100 * message['serverCpu']:.0f} %, "
                        f"db CPU {100 * message['databaseCpu']:.0f} %, "
                        f"generator CPU {100 * message['generatorCpu']:.0f} %, "
                        f"lost {message['lost']}, errors {message['errors']}",
                        file=sys.stderr,
                        flush=True,
                    )
                    if (
                        not ok(message, args.p99_limit)
                        and len(steps) >= 2
                        and not ok(steps[-2], args.p99_limit)
                    ):
                        break  # two failing steps in a row: past the knee
            if profiler is not None:
                profiler.write_summaries()
            m = server.metrics()
            per_commit = m.get("samskapa_events_appended_total", 0) / max(
                1.0, m.get("samskapa_commit_batches_total", 1)
            )
        finally:
            server.stop()
    return Climb(db.label, boards, steps, load, per_commit)


def render(
    args: argparse.Namespace, argv: Sequence[str], climbs: dict[tuple[str, int], list[Climb]]
) -> list[str]:
    summary, detail, verdicts = [], [], []
    loads = [c.load for cs in climbs.values() for c in cs]
    for (db, boards), cs in climbs.items():
        sustained = [c.sustained(args.p99_limit) for c in cs]
        at = [s for s in sustained if s]
        best = h.median([s["ackedPerSecond"] if s else 0.0 for s in sustained])
        peaks = [c.peak() for c in cs]
        peak = h.median([p["ackedPerSecond"] for p in peaks if p])
        summary.append(
            [
                db,
                f"{boards}",
                h.count(best),
                " / ".join(h.ms(h.median([s["ack"][q] for s in at])) for q in ("p50", "p99")),
                h.count(peak),
                " / ".join(
                    h.ms(h.median([p["ack"][q] for p in peaks if p])) for q in ("p50", "p99")
                ),
                h.pct_core(h.median([s["serverCpu"] for s in at]), 1.0),
                h.pct_core(h.median([s["databaseCpu"] for s in at]), 1.0),
                h.pct_core(h.median([s["generatorCpu"] for s in at]), 1.0),
                f"{h.median([c.events_per_commit for c in cs]):.0f}",
            ]
        )
        target = TARGETS[(db, boards > 1)]
        plural = "s" if boards > 1 else ""
        verdicts.append(
            f"- {db}, {boards} board{plural}: ≥ {target:,} acked ops/s "
            f"with p99 ≤ {args.p99_limit:g} ms: {h.verdict(best >= target)} ({h.count(best)} "
            f"ops/s sustained, {100 * best / target:.0f} % of the target; at most "
            f"{h.count(peak)}/s acked at any latency)."
        )
        for rate in sorted({s["rate"] for c in cs for s in c.steps}):
            got = [s for c in cs for s in c.steps if s["rate"] == rate]
            detail.append(
                [
                    db,
                    f"{boards}",
                    h.count(rate),
                    h.count(h.median([s["ackedPerSecond"] for s in got])),
                    " / ".join(
                        h.ms(h.median([s["ack"][q] for s in got])) for q in ("p50", "p95", "p99")
                    ),
                    h.pct_core(h.median([s["serverCpu"] for s in got]), 1.0),
                    h.pct_core(h.median([s["databaseCpu"] for s in got]), 1.0),
                    h.pct_core(h.median([s["generatorCpu"] for s in got]), 1.0),
                    h.pct_core(h.median([s["othersCpu"] for s in got]), 1.0),
                    f"{len(got)} ({sum(ok(s, args.p99_limit) for s in got)} ok)",
                ]
            )
    runs_n = max(len(cs) for cs in climbs.values())
    return [
        SECTION,
        "",
        "Ops sent at a rising total rate (open loop) by "
        f"{args.per_board} connection{'s' if args.per_board > 1 else ''} per board, on one board",
        f"and on {args.boards} boards: 20 % `note.create` (until a board holds 1,000 notes),",
        "50 % `note.move`, 30 % `note.edit`. **send → ack** is the commit latency a client",
        "sees: the ack is sent only after COMMIT. SQLite runs with `synchronous=FULL` (the",
        "default); PostgreSQL on the same machine. The per-connection rate limit is raised",
        "for this benchmark (`SAMSKAPA_OPS_PER_SECOND=1000000`, `SAMSKAPA_OPS_BURST=1000000`).",
        "Server pinned to CPU 0, Node.js load generator to CPU 1; PostgreSQL unpinned.",
        (
            "One op per frame."
            if args.batch_ops == 1
            else f"A connection's ops that fall due at the same moment leave in one `ops` frame "
            f"(at most {args.batch_ops}), as a browser sends what its outbox holds."
        ),
        "",
        f"Command: `{h.command_line('ingest.py', argv)}`; server code: {h.code_version()}.",
        "",
        f"**Median of {runs_n} runs** (fresh server and database each), {args.warmup:g} s warm-up",
        f"+ {args.duration:g} s measured per step. A step is *sustained* if ≥ 95 % of the",
        "offered ops are acked, nothing is lost or refused and the ack p99 ≤ "
        f"{args.p99_limit:g} ms.",
        h.loads_note(loads) + ".",
        "",
        "### Summary",
        "",
        *h.table(
            [
                "database",
                "boards",
                "sustained acked ops/s",
                "send → ack there, ms: p50 / p99",
                "most acked ops/s (any latency)",
                "send → ack there, ms: p50 / p99",
                "server CPU",
                "database CPU",
                "load generator CPU",
                "events per group commit",
            ],
            summary,
        ),
        "",
        "### Every step (medians over the runs that reached it)",
        "",
        *h.table(
            [
                "database",
                "boards",
                "offered ops/s",
                "acked ops/s",
                "send → ack, ms: p50 / p95 / p99",
                "server CPU",
                "database CPU",
                "load generator CPU",
                "other processes",
                "runs",
            ],
            detail,
        ),
        "",
        "CPU is a share of one core over the measured window (server: all its threads,",
        "database: every `postgres` process, load generator: the Node.js process); *other",
        "processes* is what everything else on the machine used, as a share of both CPUs.",
        "",
        "### Targets",
        "",
        *verdicts,
        "",
        h.KEEP_START,
        "(analysis: written by hand after a measurement)",
        h.KEEP_END,
        "",
    ]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    p.add_argument("--boards", type=int, default=50, help="boards of the many-boards case (50)")
    p.add_argument("--per-board", type=int, default=1, help="connections per board (1)")
    p.add_argument(
        "--many-only", action="store_true", help="only the many-boards case, not one board"
    )
    p.add_argument("--rates", default=RATES, help="total offered ops/s, step by step")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--duration", type=float, default=6.0, help="measured seconds per step")
    p.add_argument(
        "--batch-ops",
        type=int,
        default=1,
        help="most ops per frame: a connection's ops due at the same moment leave in one "
        "`ops` frame (1: one op per frame)",
    )
    p.add_argument("--p99-limit", type=float, default=TARGET_P99, help="ack p99 bound, ms (20)")
    p.add_argument("--server-cpus", default="0")
    p.add_argument("--generator-cpus", default="1")
    p.add_argument("--profile", help="folder for py-spy profiles of the server, one per step")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    p.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = p.parse_args(argv)
    args.databases = args.databases.split(",")
    args.rates = [float(x) for x in args.rates.split(",") if x]
    args.server_cpus = [int(x) for x in args.server_cpus.split(",") if x]
    args.generator_cpus = [int(x) for x in args.generator_cpus.split(",") if x]
    if not set(args.databases) <= {"sqlite", "postgresql"}:
        p.error("--databases: sqlite, postgresql")
    if not (1 <= args.boards <= 500 and 1 <= args.per_board <= 50 and 1 <= args.runs <= 10):
        p.error("--boards 1..500, --per-board 1..50, --runs 1..10")
    if len(args.rates) > 20 or not 1 <= args.duration <= 60:
        p.error("at most 20 rates; --duration 1..60")
    if not 1 <= args.batch_ops <= 100:
        p.error("--batch-ops 1..100")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    h.raise_fd_limit()
    climbs: dict[tuple[str, int], list[Climb]] = {}
    for kind in args.databases:
        for boards in (args.boards,) if args.many_only else (1, args.boards):
            for run in range(args.runs):
                print(f"{kind}, {boards} boards, run {run + 1}/{args.runs}", file=sys.stderr)
                c = climb(args, kind, boards, run)
                climbs.setdefault((c.db, boards), []).append(c)
    lines = render(args, argv, climbs)
    print("\n".join(lines))
    if args.write:
        h.write_section(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
