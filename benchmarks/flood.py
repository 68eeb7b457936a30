"""Flood: the others' op latency while one participant sends as fast as it can.

What it measures. Honest clients (op_latency.py's: N participants on one board,
ops at a fixed total rate, send → every screen and send → ack per op) on a real
`samskapa serve` with SQLite, in three modes side by side, each on its own server
process and a fresh board per run, the modes taking turns run by run:

* `baseline`: the honest clients alone;
* `flood`: plus one more participant, benchmarks/flooder.py in its own process,
  sending cursors, views, pings, junk and ops over the op rate as fast as one
  process can, and reconnecting at once whenever it is closed (the default
  settings: warned, closed with 4029, refused during the cooldown);
* `throttle`: the same flooder against a server whose flood tolerance is so
  large that it is never closed (`SAMSKAPA_FLOOD_TOLERANCE`), so every one of its
  messages goes through the budgets and is dropped: what a flood costs when the
  budgets only throttle.

Each figure is the median over the runs; the ratio compares the flood modes'
every-screen p99 with the baseline's (target: within 2×).

    python benchmarks/flood.py                     # 10 clients, 3 runs of 1,500 ops per mode
    python benchmarks/flood.py --runs 1 --ops 300 --warmup 50 --quiet-wait 0   # a quick trial
    python benchmarks/flood.py --write             # also update docs/benchmarks.md
"""

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import statistics
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness as h
import op_latency as ol

FLOODER = Path(__file__).resolve().parent / "flooder.py"
SECTION_HEADING = "## Flood: one participant against everyone else's op latency"
MODES = ("baseline", "flood", "throttle")
MODE_ENV = {
    "baseline": {},
    "flood": {},
    "throttle": {"SAMSKAPA_FLOOD_TOLERANCE": "1000000000"},
}
# Server counters read before and after each run (api/metrics.py).
COUNTERS = (
    "samskapa_ws_budget_warnings_total",
    "samskapa_ws_flood_closes_total",
    "samskapa_ws_cooldown_refusals_total",
    "samskapa_ws_error_replies_left_out_total",
)
OVER_BUDGET = "samskapa_ws_messages_over_budget_total"
TARGET_RATIO = 2.0


@dataclass
class FloodRun:
    """One run of one mode: the honest figures and what happened to the flooder."""

    mode: str
    result: ol.RunResult
    flooder: dict[str, Any] = field(default_factory=dict)
    flooder_cpu: float = math.nan
    counters: dict[str, float] = field(default_factory=dict)


def counters(server: h.Server) -> dict[str, float]:
    metrics = server.metrics()
    out = {name: metrics.get(name, 0.0) for name in COUNTERS}
    out[OVER_BUDGET] = sum(v for k, v in metrics.items() if k.startswith(OVER_BUDGET))
    return out


class Flooder:
    """benchmarks/flooder.py as a `beside` of op_latency.one_run."""

    def __init__(self, server: h.Server, seconds: float) -> None:
        self.server = server
        self.seconds = seconds
        self.result: dict[str, Any] = {}
        self.cpu = math.nan

    @contextlib.asynccontextmanager
    async def __call__(self, board_id: str, credentials: list[str]) -> AsyncIterator[None]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(FLOODER),
            "--seconds",
            str(self.seconds),
            "--",
            self.server.ws,
            board_id,
            credentials[0],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), h.STEP_TIMEOUT)
            if json.loads(line or b"{}").get("event") != "welcome":
                raise RuntimeError(f"the flooder did not start: {line!r}")
            yield
            self.cpu = h.cpu_seconds(proc.pid)
            out = await asyncio.wait_for(proc.stdout.read(), self.seconds + 2 * h.STEP_TIMEOUT)
            self.result = json.loads(out.splitlines()[-1])
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()


async def one(server: h.Server, mode: str, plan: ol.Plan, run: int) -> FloodRun:
    before = counters(server)
    if mode == "baseline":
        result = await ol.one_run(server, plan, run)  # type: ignore[arg-type]
        return FloodRun(mode, result, counters={k: 0.0 for k in before})
    # The flooder runs from before the warm-up until after the last op.
    seconds = (plan.warmup + plan.ops) / plan.rate + 2.0
    flooder = Flooder(server, seconds)
    result = await ol.one_run(server, plan, run, extra=1, beside=flooder)  # type: ignore[arg-type]
    after = counters(server)
    return FloodRun(
        mode, result, flooder.result, flooder.cpu, {k: after[k] - before[k] for k in before}
    )


async def run_all(servers: dict[str, h.Server], plan: ol.Plan) -> dict[str, list[FloodRun]]:
    runs: dict[str, list[FloodRun]] = {mode: [] for mode in servers}
    for run in range(plan.runs):
        for mode, server in servers.items():
            r = await one(server, mode, plan, run)
            runs[mode].append(r)
            f = r.flooder
            print(
                f"run {run + 1} {mode}: every screen {ol.cells(r.result.every)} ms, "
                f"{r.result.completed}/{r.result.measured} ops, server CPU "
                f"{r.result.server_cpu:.2f} s, other CPU {r.result.other_cpu:.0%}"
                + (
                    f"; flooder sent {f.get('sent_total', 0):,} "
                    f"({f.get('sent_per_live_second', 0):,.0f}/s while connected), "
                    f"closes {f.get('close_codes')}"
                    if f
                    else ""
                ),
                file=sys.stderr,
                flush=True,
            )
            await asyncio.sleep(1.0)
    return runs


# -- reporting -------------------------------------------------------------------------------


def p99s(runs: list[FloodRun]) -> list[float]:
    return [r.result.every["p99"] for r in runs]


def med(values: Sequence[float]) -> float:
    clean = [v for v in values if not math.isnan(v)]
    return statistics.median(clean) if clean else math.nan


def results_table(runs: dict[str, list[FloodRun]]) -> list[str]:
    base = med(p99s(runs["baseline"])) if "baseline" in runs else math.nan
    rows = []
    for mode, rs in runs.items():
        every = ol.median_of([r.result for r in rs], "every")
        ack = ol.median_of([r.result for r in rs], "ack")
        p99 = p99s(rs)
        ratio = med(p99) / base if mode != "baseline" and base else math.nan
        rows.append(
            [
                f"`{mode}`",
                ol.cells(every),
                ol.cells(ack),
                f"{min(p99):.1f}–{max(p99):.1f}",
                "—" if math.isnan(ratio) else f"{ratio:.2f}×",
                f"{med([r.result.server_cpu / r.result.wall for r in rs]):.0%}",
                f"{med([r.result.client_cpu / r.result.wall for r in rs]):.0%}",
                f"{sum(r.result.lost + r.result.gaps + r.result.closed for r in rs)}",
            ]
        )
    return h.table(
        [
            "mode",
            "send → every screen, ms: p50 / p95 / p99 / max",
            "send → ack, ms: p50 / p95 / p99 / max",
            "every-screen p99 across runs, ms",
            "p99 vs baseline",
            "server CPU (of a core)",
            "honest clients' CPU",
            "honest ops lost, gaps, honest clients closed",
        ],
        rows,
    )


def flooder_table(runs: dict[str, list[FloodRun]]) -> list[str]:
    rows = []
    for mode, rs in runs.items():
        if mode == "baseline":
            continue
        fs = [r.flooder for r in rs if r.flooder]
        closes: dict[str, int] = {}
        for f in fs:
            for code, n in f.get("close_codes", {}).items():
                closes[code] = closes.get(code, 0) + n
        rows.append(
            [
                f"`{mode}`",
                h.count(med([f["sent_total"] for f in fs])),
                h.count(med([f["sent_per_live_second"] for f in fs])),
                h.count(med([f["first_connection_sent"] or 0 for f in fs])),
                h.count(med([f["connections"] for f in fs])),
                ", ".join(f"{code}: {n}" for code, n in sorted(closes.items())) or "none",
                "yes" if all(f.get("warning") for f in fs) else "no",
                h.count(med([r.counters[OVER_BUDGET] for r in rs])),
                h.count(med([r.counters["samskapa_ws_error_replies_left_out_total"] for r in rs])),
                h.count(med([r.counters["samskapa_ws_cooldown_refusals_total"] for r in rs])),
                f"{med([r.flooder_cpu / r.result.wall for r in rs]):.0%}",
            ]
        )
    return h.table(
        [
            "mode",
            "messages sent per run",
            "sent per second while connected",
            "sent on its first connection",
            "connections opened",
            "close codes (all runs)",
            "warned",
            "over budget (server)",
            "error replies left out",
            "reconnects refused in cooldown",
            "flooder CPU",
        ],
        rows,
    )


def section(runs: dict[str, list[FloodRun]], plan: ol.Plan, command: str, loads: str) -> list[str]:
    base = med(p99s(runs["baseline"]))
    verdicts = []
    for mode in ("flood", "throttle"):
        if mode in runs:
            ratio = med(p99s(runs[mode])) / base
            verdicts.append(f"`{mode}` {ratio:.2f}× ({h.verdict(ratio <= TARGET_RATIO)})")
    return [
        SECTION_HEADING,
        "",
        "Whether one participant can drown a board: the honest clients of the op-latency",
        "benchmark (above) on a real server with SQLite, alone (`baseline`) and with one",
        "more participant flooding from its own process (`benchmarks/flooder.py`: cursors",
        "most of all, views, pings, junk that is not JSON or not valid, and ops over the",
        "op rate, sent as fast as the socket takes them, reconnecting at once whenever it",
        "is closed). In `flood` the server has its default budgets (docs/protocol.md §2.8):",
        "the flooder is warned, closed with 4029 and refused for the cooldown. In",
        "`throttle` its flood tolerance is set so high that it is never closed, so it is",
        "throttled for the whole run (the server rests 50 ms after each message over",
        "budget, so most of the flood waits in the socket buffers). Each mode has",
        "its own server process and a fresh board per run; the modes take turns run by run.",
        "Server, honest clients and flooder share the machine's two cores, unpinned.",
        "",
        f"Command: `{command}`; server code: {h.code_version()}. {plan.clients} honest",
        f"clients, {plan.rate:g} ops/s in total, {plan.warmup} warm-up + {plan.ops} measured",
        f"ops per run, **median of {plan.runs} runs** per mode; {loads}.",
        "",
        f"Target: the honest every-screen p99 with the flood within {TARGET_RATIO:g}× of",
        f"the baseline's. Measured: {'; '.join(verdicts)}.",
        "",
        "### The honest clients",
        "",
        *results_table(runs),
        "",
        "### The flooder (medians per run)",
        "",
        *flooder_table(runs),
        "",
        "- **CPU** columns are shares of one core over the measured window.",
        "- **over budget (server)**: messages the server counted over their budgets",
        "  (`samskapa_ws_messages_over_budget_total`), all classes.",
        "",
        h.KEEP_START,
        "### Reading the figures",
        "",
        "(analysis to be written)",
        h.KEEP_END,
        "",
    ]


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10, help="honest clients (10)")
    parser.add_argument("--rate", type=float, default=50.0, help="honest ops per second (50)")
    parser.add_argument("--ops", type=int, default=1500, help="measured ops per run (1500)")
    parser.add_argument("--warmup", type=int, default=150, help="unmeasured ops per run (150)")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode (3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help=f"comma-separated, of {', '.join(MODES)}",
        dest="mode_list",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120.0,
        help="before each run wait up to this many seconds for a quiet machine (120)",
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    modes = [m for m in args.mode_list.split(",") if m]
    if not set(modes) <= set(MODES) or "baseline" not in modes:
        parser.error(f"--modes: baseline and any of {', '.join(MODES)}")
    if args.clients < 1 or args.rate <= 0 or args.ops < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--clients, --rate, --ops and --runs must be positive")
    if args.rate / args.clients > 0.8 * ol.SERVER_OPS_PER_SECOND:
        parser.error("--rate / --clients must stay under the default op budget per connection")
    return args, modes


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args, modes = parse_args(argv)
    # Every honest client sends; no run is repeated (the modes take turns instead).
    given = {f.name: getattr(args, f.name, None) for f in dataclasses.fields(ol.Plan)}
    plan = ol.Plan(**{**given, "senders": args.clients, "repeats": 0})
    loads: list[tuple[float, bool]] = []
    with tempfile.TemporaryDirectory(prefix="samskapa-flood-") as tmp:
        loads.append(h.wait_quiet(max_wait=args.quiet_wait))
        servers: dict[str, h.Server] = {}
        try:
            for mode in modes:
                db = f"sqlite+aiosqlite:///{(Path(tmp) / f'{mode}.db').as_posix()}"
                servers[mode] = h.Server(db, Path(tmp) / mode, dict(MODE_ENV[mode])).start()
            runs = asyncio.run(run_all(servers, plan))
        finally:
            for server in servers.values():
                server.stop()
        problems = [line for s in servers.values() for line in s.log_problems()]
    for line in problems[:20]:
        print(f"server log: {line}", file=sys.stderr)
    lines = section(
        runs, plan, h.command_line("flood.py", argv), h.loads_note(loads, args.quiet_wait)
    )
    print("\n".join(lines))
    if args.write:
        h.write_section(lines)
    honest_failed = any(
        r.result.lost or r.result.gaps or r.result.closed for rs in runs.values() for r in rs
    )
    return 1 if honest_failed else 0


if __name__ == "__main__":
    sys.exit(main())
