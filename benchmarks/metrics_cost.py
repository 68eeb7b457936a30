"""What the server's metrics cost on its hot paths, per call, in microseconds.

What it measures. The calls samskapa/metrics.py puts on the server's paths, timed
in a loop in a fresh interpreter by the CPU time it used (so that other work on
the machine stretches the wall clock but not the figure), once with one process (prometheus_client's
in-memory values) and once in multiprocess mode (`--workers`: values in shared
files): a histogram observation (op → ack per op; commit duration per batch;
fan-out pass duration per pass), a counter increment (per batch, pass or tick),
and a frame size added to a `Tally` (per frame; the histogram itself is updated
once per pass, measured here for a pass of 100 frames).

Why. A change of a few microseconds per op hides in the noise of the load
benchmarks on a shared machine (ingest.py's runs differ by 2–4×); timing the calls
themselves says what they add, and the per-op total can be set beside the
server's cost per op from ingest.py.

    python benchmarks/metrics_cost.py
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Runs in a child interpreter: prometheus_client picks its mode at import.
PROBE = r"""
import json, sys, time
from samskapa import metrics

N = 200_000
def per_call(fn, n=N):
    start = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - start) / n * 1e6

tally = metrics.frame_tally()
def pass_of_100():
    for size in range(100, 10_100, 100):
        tally.add(size)
    tally.commit()

print(json.dumps({
    "histogram observe": per_call(lambda: metrics.OP_ACK_SECONDS.observe(0.003)),
    "counter inc": per_call(lambda: metrics.EVENTS_APPENDED.inc(3)),
    "labelled counter inc": per_call(lambda: metrics.refused("rate_limited", "ws")),
    "Tally.add (one frame)": per_call(lambda: tally.add(1500)),
    "Tally pass of 100 frames": per_call(pass_of_100, 20_000),
}))
"""


def probe(multiprocess: bool) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "backend")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with tempfile.TemporaryDirectory(prefix="samskapa-metrics-cost-") as folder:
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = folder
        out = subprocess.run(
            [sys.executable, "-c", PROBE],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main() -> None:
    runs = 5
    for label, multiprocess in (("one process", False), ("multiprocess", True)):
        samples = [probe(multiprocess) for _ in range(runs)]
        print(f"{label} (median of {runs} runs, µs per call; min–max):")
        for name in samples[0]:
            values = [s[name] for s in samples]
            print(
                f"  {name:28s} {statistics.median(values):6.2f}"
                f"   ({min(values):.2f}–{max(values):.2f})"
            )


if __name__ == "__main__":
    main()
