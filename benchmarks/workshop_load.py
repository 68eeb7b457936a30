"""Workshop load: N participants on one board, a realistic mix, cursors on.

What it measures. A real `samskapa serve` process (SQLite, the default database)
with one board; N members join (2 facilitators, the rest participants) and each
opens one websocket. The members sit at "tables" of `--table-size` people; each
table looks at its own part of the board (its viewport) and moves its pointers
there at `--cursor-hz` (10 a second each, as the browser does at most). The
facilitators look at the whole board. Every member changes something now and then:
`--ops-per-participant` ops a second each (default 0.1: one change every 10 s per
person), 20 % `note.create`, 25 % `note.edit`, 40 % `note.move` and 15 % votes
(`--vote-share`; `vote.cast`, a third of them `vote.withdraw`) in a blind,
anonymous dot-vote round that a facilitator opens before the run, at random
members, on a fixed schedule (open loop). Vote events are projected per viewer
(the voter's own variant and everyone else's), so they cost the hub more than
note events; `--vote-share 0` leaves them out.

For every op it records when its event reached each screen (the op_id carries
the op's number; the generator keeps its send time), and reports:

* op → every screen: until the last of the N screens has the event (p50/p95/p99/max);
* per delivery: each screen's own latency;
* deliveries/s (events received, all screens), cursor messages per client per
  second, bytes received per client per second;
* the server's CPU (share of a core) and memory (RSS), the generator's own CPU,
  and `samskapa_evictions_total` from /metrics (clients cut off for falling behind).

Why. The issue's targets: N = 1,000 with cursors on, p99 ≤ 50 ms; N = 2,000,
p99 ≤ 100 ms; nobody cut off.

Where things run. The server is pinned to CPU 0 and the Node.js load generator
(node/loadgen.mjs) to CPU 1 (`--server-cpus`, `--generator-cpus`), so the server
has one core. Each run starts a fresh server and board; the figures are the
median over `--runs` runs. Before each run the script waits (at most 5 minutes)
for the 1-minute load average to drop below 0.7.

    python benchmarks/workshop_load.py --sizes 100 --runs 1 --duration 10   # a trial
    python benchmarks/workshop_load.py              # N = 100, 300, 1000, 2000
    python benchmarks/workshop_load.py --write      # also update docs/benchmarks.md
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

SECTION = "## Workshop load (N participants on one board)"
TARGETS = {1000: 50.0, 2000: 100.0}  # N -> p99 bound, ms (with cursors on)


@dataclass
class Run:
    n: int
    cursor_hz: float
    result: dict[str, Any]
    window: h.Window
    evictions: float
    connect_ms: float
    load: tuple[float, bool]
    problems: list[str]


def layout(n: int, table_size: int) -> list[tuple[float, float, float, float]]:
    """One viewport per table, on a grid of the board (board units)."""
    tables = max(1, math.ceil(n / table_size))
    cols = max(1, math.ceil(math.sqrt(tables)))
    return [
        (float((t % cols) * 2400), float((t // cols) * 1600), 1600.0, 900.0) for t in range(tables)
    ]


async def prepare(server: h.Server, n: int, facilitators: int) -> tuple[list[h.Member], int]:
    async with h.http_client(server.http) as http:
        board = await h.create_board(http, f"Workshop of {n}")
        roles = ["facilitator"] * min(facilitators, n) + ["participant"] * (n - facilitators)
        members = await h.join_many(http, board, roles)
        return members, await h.head_seq(http, members[0])


MIX = {"create": 0.2, "move": 0.4, "edit": 0.25, "vote": 0.15}
VOTE_ROUND = "r_bench"


def workshop_config(
    args: argparse.Namespace,
    members: list[h.Member],
    seq: int,
    urls: list[str],
    cursor_hz: float,
    run: int,
) -> dict[str, Any]:
    """The load generator's config: who sits where, the op mix, the vote round."""
    n = len(members)
    views = layout(n, args.table_size)
    cols = max(1, math.ceil(math.sqrt(len(views))))
    overview = (0.0, 0.0, cols * 2400.0, math.ceil(len(views) / cols) * 1600.0)
    connections = []
    for i, (m, url) in enumerate(zip(members, urls, strict=True)):
        view = overview if m.role == "facilitator" else views[i // args.table_size]
        connections.append(
            {
                "url": url,
                "credential": m.credential,
                "lastSeq": seq,
                "board": m.board_id,
                "sender": True,
                "view": list(view),
            }
        )
    mix = dict(MIX)
    setup = []
    if args.vote_share > 0:
        # A facilitator (member 0) opens a blind, anonymous dot-vote round over the
        # whole board, with a budget nobody runs out of during a run.
        mix["move"] += mix["vote"] - args.vote_share
        mix["vote"] = args.vote_share
        command = {"type": "vote.open", "round_id": VOTE_ROUND, "title": "Benchmark"}
        setup.append({"conn": 0, "command": {**command, "budget": 99, "cap": 99}})
    else:
        mix["move"] += mix.pop("vote")
    return {
        "protocol": "samskapa",
        "connections": connections,
        "cursorHz": cursor_hz,
        "seed": run + 1,
        # After everyone connected, time for the server to finish the join storm
        # (presence to everyone, welcomes) before the run starts: steady state.
        "settleMs": 3000 + 10 * n,
        "connectConcurrency": 50,
        "opMix": mix,
        "voteRound": VOTE_ROUND if args.vote_share > 0 else None,
        "setup": setup,
        "steps": [
            {
                "rate": n * args.ops_per_participant,
                "warmupMs": int(args.warmup * 1000),
                "durationMs": int(args.duration * 1000),
                "drainMs": 15000,
            }
        ],
    }


def mix_text(args: argparse.Namespace) -> str:
    mix = dict(MIX)
    mix["move"] += mix["vote"] - args.vote_share
    mix["vote"] = args.vote_share
    parts = [
        f"{100 * mix['create']:.0f} % `note.create`",
        f"{100 * mix['move']:.0f} % `note.move`",
        f"{100 * mix['edit']:.0f} % `note.edit`",
    ]
    if args.vote_share > 0:
        parts.append(
            f"{100 * mix['vote']:.0f} % votes (`vote.cast`, a third of them `vote.withdraw` "
            "when the member has a vote to take back) in a blind, anonymous round a "
            "facilitator opens before the run"
        )
    return ", ".join(parts)


def one_run(args: argparse.Namespace, n: int, cursor_hz: float, run: int) -> Run:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    with (
        tempfile.TemporaryDirectory(prefix="samskapa-workshop-") as tmp,
        h.database("sqlite", Path(tmp)) as db,
    ):
        server = h.Server(db.url, Path(tmp) / "data", cpus=args.server_cpus).start()
        try:
            members, seq = asyncio.run(prepare(server, n, args.facilitators))
            ws = [f"{server.ws}/ws/boards/{m.board_id}" for m in members]
            config = workshop_config(args, members, seq, ws, cursor_hz, run)
            watched = [h.Watched("server", server.pid)]
            connect_ms = math.nan
            result: dict[str, Any] = {}
            profiler = None
            if args.profile:
                label = f"workshop-{n}-{cursor_hz:g}hz-run{run + 1}"
                profiler = h.Profiler(Path(args.profile), server.pid, label, args.generator_cpus)
            with h.Generator(config, watched, cpus=args.generator_cpus, profiler=profiler) as gen:
                for message in gen.events():
                    if message["event"] == "connected":
                        connect_ms = message["ms"]
                        print(
                            f"  {n} connected in {connect_ms / 1000:.1f} s "
                            f"({message['failed']} failed)",
                            file=sys.stderr,
                            flush=True,
                        )
                    elif message["event"] == "result":
                        result = message
            if profiler is not None:
                profiler.write_summaries()
            if not result:
                raise RuntimeError("the generator gave no result")
            evictions = server.metrics().get("samskapa_evictions_total", math.nan)
        finally:
            server.stop()
        problems = server.log_problems()
    return Run(n, cursor_hz, result, result["window"], evictions, connect_ms, load, problems)


def describe(r: Run) -> str:
    res, w = r.result, r.window
    return (
        f"N={r.n} cursors {r.cursor_hz:g} Hz: every screen p50/p95/p99/max "
        f"{h.ms(res['every']['p50'])}/{h.ms(res['every']['p95'])}/{h.ms(res['every']['p99'])}/"
        f"{h.ms(res['every']['max'])} ms, {res['opsPerSecond']:.0f} ops/s, "
        f"{res['deliveriesPerSecond']:,.0f} deliveries/s, "
        f"{res['bytesPerClientPerSecond'] / 1024:.1f} KiB/s per client, "
        f"{res['cursorMsgsPerClientPerSecond']:.1f} cursor msgs/s per client, "
        f"server CPU {h.pct_core(w.cpu['server'], w.seconds)}, "
        f"RSS {h.mib(w.rss['server'])}, generator CPU {h.pct_core(w.cpu['generator'], w.seconds)}, "
        f"lost {res['lost']}, errors {res['errors']} {res['firstErrors'][:2]}, "
        f"closes {res['closes']}, "
        f"evictions {r.evictions:g}, send lag max {h.ms(res['sendLag']['max'])} ms, "
        f"load {r.load[0]:.2f}"
    )


def p99_range(p99s: list[float | None]) -> str:
    """Lowest–highest p99 of the runs; a run where no op reached every screen has none."""
    known = [p for p in p99s if p is not None]
    missing = len(p99s) - len(known)
    text = f"{h.ms(min(known))}–{h.ms(max(known))}" if known else "none"
    return text + (f" ({missing} run{'s' if missing > 1 else ''} without any)" if missing else "")


def med(runs: list[Run], get: Any) -> float:
    return h.median([get(r) for r in runs])


def render(
    args: argparse.Namespace, argv: Sequence[str], groups: dict[Any, list[Run]]
) -> list[str]:
    rows, cost, verdicts = [], [], []
    loads = [r.load for runs in groups.values() for r in runs]
    for (n, hz), runs in groups.items():
        every = {q: med(runs, lambda r, q=q: r.result["every"][q]) for q in ("p50", "p95", "p99")}
        p99s = [r.result["every"]["p99"] for r in runs]
        lost = sum(r.result["lost"] + r.result["failed"] for r in runs)
        closes = sum(sum(r.result["closes"].values()) for r in runs)
        evictions = sum(r.evictions for r in runs)
        rows.append(
            [
                f"{n:,}",
                f"{hz:g} Hz" if hz else "off",
                f"{med(runs, lambda r: r.result['opsPerSecond']):.0f}",
                " / ".join(h.ms(every[q]) for q in ("p50", "p95", "p99")),
                p99_range(p99s),
                h.ms(med(runs, lambda r: r.result["delivery"]["p99"])),
                h.ms(med(runs, lambda r: r.result["ack"]["p99"])),
                h.count(med(runs, lambda r: r.result["deliveriesPerSecond"])),
                f"{med(runs, lambda r: r.result['cursorMsgsPerClientPerSecond']):.1f}",
                f"{med(runs, lambda r: r.result['bytesPerClientPerSecond']) / 1024:.1f}",
                f"{evictions:g} / {closes} / {lost}",
            ]
        )
        cost.append(
            [
                f"{n:,}",
                f"{hz:g} Hz" if hz else "off",
                h.pct_core(med(runs, lambda r: r.window.core_share("server")), 1.0),
                h.mib(med(runs, lambda r: r.window.rss["server"])),
                h.pct_core(med(runs, lambda r: r.window.core_share("generator")), 1.0),
                h.ms(med(runs, lambda r: r.result["sendLag"]["max"])),
                f"{med(runs, lambda r: r.connect_ms) / 1000:.1f} s",
                h.pct_core(med(runs, lambda r: r.window.others_share), 1.0),
            ]
        )
        bound = TARGETS.get(n)
        if bound is not None and hz > 0:
            ok = every["p99"] <= bound and evictions == 0 and lost == 0 and closes == 0
            by = every["p99"] - bound
            how = (
                f"p99 {h.ms(every['p99'])} ms, {'over' if by > 0 else 'under'} the bound by "
                f"{h.ms(abs(by))} ms, {every['p99'] / bound:.1f} × the bound"
                if not math.isnan(every["p99"])
                else "no op reached every screen within the run and its 15 s drain"
            )
            verdicts.append(
                f"- N = {n:,}, cursors on, p99 ≤ {bound:g} ms, nobody cut off: {h.verdict(ok)} "
                f"({how}; evictions {evictions:g}, closed connections {closes}, "
                f"ops lost or refused {lost})."
            )
    runs_n = len(next(iter(groups.values())))
    lines = [
        SECTION,
        "",
        "N members on one board doing a workshop's mix: each opens one websocket, sits at a",
        f"table of {args.table_size} that looks at its own part of the board, moves its pointer",
        "there at the cursor rate, and changes a note now and then; 2 facilitators look at the",
        f"whole board. Ops: {args.ops_per_participant:g} per second per member (one change every",
        f"{1 / args.ops_per_participant:.0f} s each): {mix_text(args)}; at random members, on a",
        "fixed schedule. SQLite (the default). Server pinned to CPU 0, the Node.js load",
        "generator (`benchmarks/node/loadgen.mjs`) to CPU 1: the server has one core.",
        "",
        f"Command: `{h.command_line('workshop_load.py', argv)}`; server code: {h.code_version()}.",
        "",
        f"Each row is the **median of {runs_n} runs** (fresh server and board each), "
        f"{args.duration:g} s measured after {args.warmup:g} s of warm-up. "
        + h.loads_note(loads)
        + ".",
        "",
        "### Results",
        "",
        *h.table(
            [
                "N",
                "cursors",
                "ops/s",
                "op → every screen, ms: p50 / p95 / p99",
                "p99 across runs, ms",
                "per-delivery p99, ms",
                "send → ack p99, ms",
                "deliveries/s",
                "cursor msgs/s per client",
                "KiB/s per client",
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
                "cursors",
                "server CPU (one core = 100 %)",
                "server RSS",
                "load generator CPU",
                "generator send lag max, ms",
                "time to connect N",
                "other processes (share of both CPUs)",
            ],
            cost,
        ),
        "",
        "- **op → every screen**: from the op's send until its event reached the last of the",
        "  N screens (the sender included). **per-delivery**: each screen's own latency.",
        "- **deliveries/s**: events received per second by all screens together. Cursor",
        "  messages (one per screen per 100 ms tick at most) are counted apart.",
        "- **server CPU**: utime + stime of the server process (all threads) over the",
        "  measured window. **RSS** at the end of it. **generator send lag**: how late the",
        "  generator sent an op compared with its schedule (a busy generator shows here).",
        "- **other processes**: CPU used by everything else on the machine in the window",
        "  (`/proc/stat` minus the processes above), as a share of both CPUs: other people's",
        "  work on a shared machine shows here.",
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
    return lines


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--sizes", default="100,300,1000,2000", help="N values (100,300,1000,2000)")
    p.add_argument("--cursor-hz", default="10", help="cursor rates per member, e.g. 10 or 10,0")
    p.add_argument(
        "--cursors-off-sizes",
        default="1000,2000",
        help="sizes also run without cursors, to show what cursors cost (1000,2000)",
    )
    p.add_argument("--ops-per-participant", type=float, default=0.1, help="ops/s per member")
    p.add_argument(
        "--vote-share", type=float, default=0.15, help="share of ops that are votes (0.15)"
    )
    p.add_argument("--table-size", type=int, default=10, help="members per table (viewport)")
    p.add_argument("--facilitators", type=int, default=2)
    p.add_argument("--runs", type=int, default=3, help="runs per size; figures are medians")
    p.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    p.add_argument("--duration", type=float, default=20.0, help="measured seconds per run")
    p.add_argument("--server-cpus", default="0", help="CPUs of the server (taskset-style list)")
    p.add_argument("--generator-cpus", default="1", help="CPUs of the load generator")
    p.add_argument("--profile", help="folder for py-spy profiles of the server")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    p.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = p.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",")]
    args.cursor_hz = [float(x) for x in args.cursor_hz.split(",")]
    args.cursors_off_sizes = [int(x) for x in args.cursors_off_sizes.split(",") if x]
    args.server_cpus = [int(x) for x in args.server_cpus.split(",") if x]
    args.generator_cpus = [int(x) for x in args.generator_cpus.split(",") if x]
    if not all(2 <= n <= 5000 for n in args.sizes):
        p.error("--sizes: each 2..5000")
    if not (1 <= args.runs <= 10 and 1 <= args.duration <= 300 and 0 <= args.warmup <= 60):
        p.error("--runs 1..10, --duration 1..300 s, --warmup 0..60 s")
    if not 0 <= args.vote_share <= 0.5:
        p.error("--vote-share: 0..0.5")
    if not 0 < args.ops_per_participant <= 10:
        p.error("--ops-per-participant: 0..10")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    h.raise_fd_limit()
    groups: dict[Any, list[Run]] = {}
    cases = [(n, hz) for n in args.sizes for hz in args.cursor_hz]
    cases += [(n, 0.0) for n in args.cursors_off_sizes if (n, 0.0) not in cases]
    for n, hz in cases:
        for run in range(args.runs):
            r = one_run(args, n, hz, run)
            print(f"run {run + 1}/{args.runs}: {describe(r)}", file=sys.stderr, flush=True)
            for line in r.problems[:5]:
                print(f"  server log: {line}", file=sys.stderr)
            groups.setdefault((n, hz), []).append(r)
    lines = render(args, argv, groups)
    print("\n".join(lines))
    if args.write:
        h.write_section(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
