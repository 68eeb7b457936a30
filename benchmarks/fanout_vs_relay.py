"""Raw fan-out, side by side: Samskapa and a minimal Node.js `ws` relay.

What it measures. One sender and `--receivers` (1,000) receivers on one board.
The sender sends ops at a rising rate, step by step; every receiver records when
each op's message arrives. A step counts as sustained while the op → every
receiver p99 stays within `--p99-limit` (100 ms), no op is lost and the receivers
get at least 95 % of the offered deliveries per second. The climb goes on past
that bound, to show the whole curve (with group commit a faster rate can batch
better than a slower one), and ends when the receivers get less than 90 % of the
offered deliveries or the p99 passes 1 s on two steps in a row.

* Samskapa: a real `samskapa serve` (SQLite) with the per-connection rate limit
  raised for the sender (SAMSKAPA_OPS_PER_SECOND / SAMSKAPA_OPS_BURST). Each op is
  a `note.move` that is decided, committed, then fanned out: the hub encodes it
  once and every connection's writer sends what is pending as one frame.
* The relay (node/relay.mjs): forwards every message, as is, to every other
  client, one frame per recipient per message, like simple collaboration relays.

The sender's ops reach every receiver in order, one run of consecutive ops per
frame, so the generator reads only the first and the last op id of a frame and
counts the ops between them as arrived (a frame that is not such a run is read
op id by op id); the relay's frames (one message each) are read the same way.

Both run pinned to CPU 0 (`--server-cpus`) with the same load generator
(node/loadgen.mjs) pinned to CPU 1, in the same run, one after the other. The
figures are the median over `--runs` runs; each run waits (at most 5 minutes)
for the 1-minute load average to drop below 0.7 before each peer's climb.

Why. The targets: at least 1,000,000 sustainable deliveries/s on one server
core, and at least 10 × the relay.

    python benchmarks/fanout_vs_relay.py --runs 1 --receivers 200 --duration 4   # a trial
    python benchmarks/fanout_vs_relay.py --write
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

SECTION = "## Raw fan-out: Samskapa vs a minimal Node.js relay"
TARGET_DELIVERIES = 1_000_000
TARGET_FACTOR = 10.0
SAMSKAPA_RATES = "10,25,50,100,200,300,400,600,800,1000,1500,2000"
RELAY_RATES = "10,25,50,75,100,150,200,300,400"
# The climb goes on past the bound, to show the whole curve, and ends when the
# receivers get less than 90 % of the offered deliveries (saturated) or when the
# p99 is over 1 s on two steps in a row.
STOP = {"stopAboveP99Ms": 1000, "stopAfterFailures": 2, "stopBelowDeliveryShare": 0.9}


@dataclass
class Climb:
    peer: str
    steps: list[dict[str, Any]]
    load: tuple[float, bool]
    evictions: float = 0.0

    def sustained(self, receivers: int, limit: float) -> dict[str, Any] | None:
        """The fastest step that met the bound (a slower one may have missed it:
        with group commit, more ops per second can mean fewer passes per op)."""
        good = [s for s in self.steps if ok(s, receivers, limit)]
        return max(good, key=lambda s: s["deliveriesPerSecond"], default=None)


def ok(step: dict[str, Any], receivers: int, limit: float) -> bool:
    p99 = step["every"]["p99"]
    offered = step["rate"] * receivers
    return (
        p99 is not None
        and p99 <= limit
        and step["lost"] == 0
        and step["failed"] == 0
        and step["deliveriesPerSecond"] >= 0.95 * offered
        and not step["closes"]
    )


def steps(rates: list[float], args: argparse.Namespace) -> list[dict[str, Any]]:
    return [
        {
            "rate": r,
            "warmupMs": int(args.warmup * 1000),
            "durationMs": int(args.duration * 1000),
            "drainMs": 10000,
            "pauseMs": 1000,
        }
        for r in rates
    ]


def run_generator(
    config: dict[str, Any],
    watched: list[h.Watched],
    cpus: list[int],
    profiler: h.Profiler | None = None,
) -> list[Any]:
    out = []
    with h.Generator(config, watched, cpus=cpus, profiler=profiler) as gen:
        for message in gen.events():
            if message["event"] == "result":
                w = message["window"]
                message["serverCpu"] = w.core_share("server")
                message["generatorCpu"] = w.core_share("generator")
                message["serverRss"] = w.rss.get("server", 0)
                message["othersCpu"] = w.others_share
                out.append(message)
                print(
                    f"    {message['rate']:g}/s: every p50/p99 {h.ms(message['every']['p50'])}/"
                    f"{h.ms(message['every']['p99'])} ms, ack p50/p99 "
                    f"{h.ms(message['ack']['p50'])}/{h.ms(message['ack']['p99'])}, "
                    f"delivery p99 {h.ms(message['delivery']['p99'])} ms, "
                    f"{message['deliveriesPerSecond']:,.0f} deliveries/s, "
                    f"server CPU {100 * message['serverCpu']:.0f} %, "
                    f"generator CPU {100 * message['generatorCpu']:.0f} %, "
                    f"frames/s per client {message['framesPerClientPerSecond']:.0f}, "
                    f"lost {message['lost']}, closes {message['closes']}",
                    file=sys.stderr,
                    flush=True,
                )
    return out


async def prepare(server: h.Server, receivers: int) -> tuple[list[h.Member], int]:
    async with h.http_client(server.http) as http:
        board = await h.create_board(http, "Fan-out")
        members = await h.join_many(http, board, ["facilitator"] + ["participant"] * receivers)
        return members, await h.head_seq(http, members[0])


def climb_samskapa(args: argparse.Namespace, run: int) -> Climb:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    env = {"SAMSKAPA_OPS_PER_SECOND": "100000", "SAMSKAPA_OPS_BURST": "100000"}
    with (
        tempfile.TemporaryDirectory(prefix="samskapa-fanout-") as tmp,
        h.database("sqlite", Path(tmp)) as db,
    ):
        server = h.Server(db.url, Path(tmp) / "data", env=env, cpus=args.server_cpus).start()
        try:
            members, seq = asyncio.run(prepare(server, args.receivers))
            connections = [
                {
                    "url": f"{server.ws}/ws/boards/{m.board_id}",
                    "credential": m.credential,
                    "lastSeq": seq,
                    "board": m.board_id,
                    "sender": i == 0,
                    "receiver": i != 0,
                }
                for i, m in enumerate(members)
            ]
            config = {
                "protocol": "samskapa",
                "connections": connections,
                "seed": run + 1,
                "settleMs": 2000,
                "consecutiveOps": True,
                "opMix": {"create": 0.0, "move": 1.0, "edit": 0.0},
                **STOP,
                "steps": steps(args.samskapa_rates, args),
            }
            profiler = None
            if args.profile:
                profiler = h.Profiler(
                    Path(args.profile), server.pid, f"samskapa-run{run + 1}", args.generator_cpus
                )
            results = run_generator(
                config, [h.Watched("server", server.pid)], args.generator_cpus, profiler
            )
            if profiler is not None:
                profiler.write_summaries()
            evictions = server.metrics().get("samskapa_evictions_total", math.nan)
        finally:
            server.stop()
    return Climb("Samskapa", results, load, evictions)


def climb_relay(args: argparse.Namespace, run: int) -> Climb:
    load = h.wait_quiet(max_wait=0 if args.no_wait else h.QUIET_WAIT)
    relay = h.Relay(cpus=args.server_cpus).start()
    try:
        connections = [
            {"url": relay.ws, "board": "relay", "sender": i == 0, "receiver": i != 0}
            for i in range(args.receivers + 1)
        ]
        config = {
            "protocol": "relay",
            "connections": connections,
            "seed": run + 1,
            "settleMs": 2000,
            "consecutiveOps": True,
            **STOP,
            "steps": steps(args.relay_rates, args),
        }
        results = run_generator(config, [h.Watched("server", relay.pid)], args.generator_cpus)
    finally:
        relay.stop()
    return Climb("Node.js ws relay", results, load)


def render(
    args: argparse.Namespace, argv: Sequence[str], climbs: dict[str, list[Climb]]
) -> list[str]:
    n = args.receivers
    best: dict[str, float] = {}
    summary = []
    loads = [c.load for cs in climbs.values() for c in cs]
    for peer, cs in climbs.items():
        sustained = [c.sustained(n, args.p99_limit) for c in cs]
        per_run = [s["deliveriesPerSecond"] if s else 0.0 for s in sustained]
        best[peer] = h.median(per_run)
        at = [s for s in sustained if s]
        peaks = [max(c.steps, key=lambda s: s["deliveriesPerSecond"]) for c in cs if c.steps]
        summary.append(
            [
                peer,
                h.count(best[peer]),
                " / ".join(h.count(v) for v in per_run),
                h.ms(h.median([s["every"]["p99"] for s in at])),
                h.count(h.median([p["deliveriesPerSecond"] for p in peaks])),
                h.ms(h.median([p["every"]["p99"] for p in peaks])),
                h.pct_core(h.median([p["serverCpu"] for p in peaks]), 1.0),
                h.pct_core(h.median([s["serverCpu"] for s in at]), 1.0),
                h.pct_core(h.median([s["generatorCpu"] for s in at]), 1.0),
                h.count(h.median([s["framesPerClientPerSecond"] for s in at])),
                f"{sum(c.evictions for c in cs):g}",
            ]
        )
    detail = []
    for peer, cs in climbs.items():
        rates = sorted({s["rate"] for c in cs for s in c.steps})
        for rate in rates:
            got = [s for c in cs for s in c.steps if s["rate"] == rate]
            detail.append(
                [
                    peer,
                    f"{rate:g}",
                    h.count(rate * n),
                    h.count(h.median([s["deliveriesPerSecond"] for s in got])),
                    " / ".join(
                        h.ms(h.median([s["every"][q] for s in got])) for q in ("p50", "p95", "p99")
                    ),
                    h.ms(h.median([s["delivery"]["p99"] for s in got])),
                    h.pct_core(h.median([s["serverCpu"] for s in got]), 1.0),
                    h.pct_core(h.median([s["generatorCpu"] for s in got]), 1.0),
                    h.ms(h.median([s["sendLag"]["max"] for s in got])),
                    h.pct_core(h.median([s["othersCpu"] for s in got]), 1.0),
                    f"{len(got)} ({sum(ok(s, n, args.p99_limit) for s in got)} ok)",
                ]
            )
    sam, rel = best.get("Samskapa", math.nan), best.get("Node.js ws relay", math.nan)
    calm = {
        peer: h.median([s["every"]["p99"] for c in cs for s in c.steps[:1]])
        for peer, cs in climbs.items()
    }
    calm_sam, calm_rel = calm.get("Samskapa", math.nan), calm.get("Node.js ws relay", math.nan)
    first_rate = args.samskapa_rates[0] if args.samskapa_rates else math.nan
    factor = sam / rel if rel else math.nan
    runs_n = max(len(cs) for cs in climbs.values())
    return [
        SECTION,
        "",
        f"One sender, {n:,} receivers on one board, the sender's rate rising step by step",
        f"({args.warmup:g} s warm-up + {args.duration:g} s measured per step), past the point",
        f"where the op → every receiver p99 passes {args.p99_limit:g} ms, until the receivers get",
        "less than 90 % of the offered deliveries or the p99 passes 1 s twice in a row.",
        "Samskapa: a real server (SQLite), every op a",
        "`note.move` that is committed and then fanned out; the rate limit is raised for this",
        "benchmark (`SAMSKAPA_OPS_PER_SECOND=100000`, `SAMSKAPA_OPS_BURST=100000`). The relay",
        "(`benchmarks/node/relay.mjs`) forwards each message to every other client, one frame",
        "per recipient per message. Each peer runs pinned to CPU 0 (one core); the same Node.js",
        "load generator (`benchmarks/node/loadgen.mjs`) runs on CPU 1, in the same run.",
        "The ops of the one sender reach every receiver in order, so the generator reads",
        "the first and the last op id of each frame it receives and counts the run between",
        "them (two searches per frame, not one per event); it does the same for both peers.",
        "",
        f"Command: `{h.command_line('fanout_vs_relay.py', argv)}`; "
        f"server code: {h.code_version()}.",
        "",
        f"**Median of {runs_n} runs** per peer. *Sustained* is the fastest step whose op → every",
        f"receiver p99 ≤ {args.p99_limit:g} ms, nothing is lost or cut off, and the receivers",
        "get ≥ 95 % of the offered deliveries. " + h.loads_note(loads) + ".",
        "",
        "### Sustained deliveries per second (one core)",
        "",
        *h.table(
            [
                "peer",
                "sustained deliveries/s (median)",
                "per run",
                "op → every receiver p99 there, ms",
                "most deliveries/s (any latency)",
                "p99 there, ms",
                "peer CPU there",
                "peer CPU at sustained",
                "load generator CPU at sustained",
                "frames/s per receiver at sustained",
                "evictions",
            ],
            summary,
        ),
        "",
        "### Every step (medians over the runs that reached it)",
        "",
        *h.table(
            [
                "peer",
                "ops/s",
                "offered deliveries/s",
                "received deliveries/s",
                "op → every receiver, ms: p50 / p95 / p99",
                "per-delivery p99, ms",
                "peer CPU",
                "load generator CPU",
                "generator send lag max, ms",
                "other processes (share of both CPUs)",
                "runs",
            ],
            detail,
        ),
        "",
        "### Targets",
        "",
        f"- ≥ {TARGET_DELIVERIES:,} sustainable deliveries/s on one server core: "
        f"{h.verdict(sam >= TARGET_DELIVERIES)} ({h.count(sam)}/s, "
        f"{100 * sam / TARGET_DELIVERIES:.0f} % of the target).",
        f"- ≥ {TARGET_FACTOR:g} × the relay: {h.verdict(factor >= TARGET_FACTOR)} "
        f"({factor:.1f} × {h.count(rel)}/s).",
        f"- At a calm {first_rate:g} ops/s (each climb's first step), op → every receiver p99 "
        f"below the relay's: {h.verdict(calm_sam < calm_rel)} ({h.ms(calm_sam)} ms against "
        f"{h.ms(calm_rel)} ms).",
        "",
        h.KEEP_START,
        "(analysis: written by hand after a measurement)",
        h.KEEP_END,
        "",
    ]


def rates(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--receivers", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3, help="climbs per peer; figures are medians")
    p.add_argument("--samskapa-rates", default=SAMSKAPA_RATES, help="ops/s steps for Samskapa")
    p.add_argument("--relay-rates", default=RELAY_RATES, help="messages/s steps for the relay")
    p.add_argument("--peers", default="samskapa,relay", help="samskapa, relay or both")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds before each step's window")
    p.add_argument("--duration", type=float, default=8.0, help="measured seconds per step")
    p.add_argument("--p99-limit", type=float, default=100.0, help="ms (100)")
    p.add_argument("--server-cpus", default="0")
    p.add_argument("--generator-cpus", default="1")
    p.add_argument("--profile", help="folder for py-spy profiles of the server, one per step")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    p.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = p.parse_args(argv)
    args.samskapa_rates = rates(args.samskapa_rates)
    args.relay_rates = rates(args.relay_rates)
    args.peers = args.peers.split(",")
    args.server_cpus = [int(x) for x in args.server_cpus.split(",") if x]
    args.generator_cpus = [int(x) for x in args.generator_cpus.split(",") if x]
    if not (1 <= args.receivers <= 5000 and 1 <= args.runs <= 10 and 1 <= args.duration <= 60):
        p.error("--receivers 1..5000, --runs 1..10, --duration 1..60")
    if len(args.samskapa_rates) > 20 or len(args.relay_rates) > 20:
        p.error("at most 20 steps")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    h.raise_fd_limit()
    climbs: dict[str, list[Climb]] = {}
    for run in range(args.runs):
        if "samskapa" in args.peers:
            print(f"run {run + 1}/{args.runs}: Samskapa", file=sys.stderr, flush=True)
            climbs.setdefault("Samskapa", []).append(climb_samskapa(args, run))
        if "relay" in args.peers:
            print(f"run {run + 1}/{args.runs}: relay", file=sys.stderr, flush=True)
            climbs.setdefault("Node.js ws relay", []).append(climb_relay(args, run))
    lines = render(args, argv, climbs)
    print("\n".join(lines))
    if args.write:
        h.write_section(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
