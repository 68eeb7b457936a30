"""What the server counts and measures, for Prometheus (`/metrics`, docs/architecture.md).

Every metric the server exports is defined here, once. The parts that do the
work record into them with the small functions below (or the objects
directly); `api/metrics.py` only exposes them.

Several worker processes (`samskapa serve --workers N`) share one port, so a
scrape reaches any one of them. The server then runs prometheus_client's
multiprocess mode: `samskapa serve` points `PROMETHEUS_MULTIPROC_DIR` at a
folder of its own, emptied at every start, before any worker imports this
module; each process writes its values there and a scrape sums them. Counters
and histograms add up across processes (and outlive a worker that died, so
they never go backwards); each gauge says how to combine (`multiprocess_mode`).

Cheap on the hot paths: a counter's `inc` costs about a microsecond (two with
several processes), so the server records once per commit batch, fan-out pass
or tick, not once per message. Frame sizes, which come one per connection per
pass, are counted into a `Tally` and added to the histogram once per pass.

Where a part keeps a plain count because it is bumped per message (the
websocket budgets: realtime/budget.py), `Growth` adds what it grew to the
counter when the gauges are sampled, so the per-message cost stays an integer
addition.
"""

import bisect
import os
from collections.abc import Sequence

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# `_created` series (one timestamp per counter) say nothing an operator needs and
# do not exist in multiprocess mode; leaving them out keeps both modes alike.
disable_created_metrics()  # type: ignore[no-untyped-call]

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR" in os.environ

# Seconds: from a millisecond (an op acknowledged within one loop turn) to
# several seconds (a board under a flood, a stalled disk).
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
# Bytes: one small message (an ack, a cursor tick) up to the largest resets.
FRAME_BUCKETS = (128, 512, 2048, 8192, 32768, 131072, 524288, 2097152, 8388608)

# -- histograms ------------------------------------------------------------------------

OP_ACK_SECONDS = Histogram(
    "samskapa_op_ack_seconds",
    "From an op read off a websocket to its ack (or error) queued for the sender.",
    buckets=LATENCY_BUCKETS,
)
COMMIT_SECONDS = Histogram(
    "samskapa_commit_seconds",
    "Duration of one group commit (decide, write, commit) of a batch of ops.",
    buckets=LATENCY_BUCKETS,
)
FANOUT_PASS_SECONDS = Histogram(
    "samskapa_fanout_pass_seconds",
    "Duration of one board's flush pass (one frame to every connection with news).",
    buckets=LATENCY_BUCKETS,
)
FRAME_BYTES = Histogram(
    "samskapa_frame_bytes",
    "Size of the websocket frames sent by the flush passes.",
    buckets=FRAME_BUCKETS,
)

# -- counters ---------------------------------------------------------------------------

EVENTS_APPENDED = Counter("samskapa_events_appended", "Events committed.")
COMMIT_BATCHES = Counter("samskapa_commit_batches", "Group commits.")
DELIVERIES = Counter("samskapa_deliveries", "Event messages queued to connections.")
CURSOR_MESSAGES = Counter(
    "samskapa_cursor_messages",
    "Cursor messages queued to connections (one per connection per tick at most).",
)
DOORBELLS = Counter("samskapa_doorbells", "Doorbells received from other processes.")
POLL_CATCHUPS = Counter(
    "samskapa_poll_catchups",
    "Boards found behind by polling SQL (a doorbell was lost or late).",
)
EVICTIONS = Counter("samskapa_evictions", "Connections cut off for falling behind (4008).")
REFUSALS = Counter(
    "samskapa_refusals",
    "Requests and websocket messages refused, by error code and by how they came (http or ws).",
    ["code", "via"],
)
# The websocket budgets (realtime/budget.py), copied from its counts by `Growth`.
OVER_BUDGET = Counter(
    "samskapa_ws_messages_over_budget",
    "Client messages over their budget (dropped, refused, or invalid), by class.",
    ["kind"],
)
ERROR_REPLIES_LEFT_OUT = Counter(
    "samskapa_ws_error_replies_left_out",
    "Error replies not sent because the connection's error budget was spent.",
)
BUDGET_WARNINGS = Counter("samskapa_ws_budget_warnings", "over_budget warnings sent.")
FLOOD_CLOSES = Counter("samskapa_ws_flood_closes", "Connections closed for flooding (4029).")
COOLDOWN_REFUSALS = Counter(
    "samskapa_ws_cooldown_refusals",
    "Reconnects refused during a flood cooldown (4029 after hello).",
)
CONNECTIONS_REFUSED = Counter(
    "samskapa_ws_connections_refused",
    "Websockets refused because the process was full (HTTP 503).",
)
# The HTTP rate limits per client address (api/ratelimit.py), copied the same way.
HTTP_RATE_LIMITED = Counter(
    "samskapa_http_rate_limited",
    "HTTP requests refused with 429 by the per-address rate limits, by route.",
    ["route"],
)
NOTIFICATIONS = Counter(
    "samskapa_notifications",
    "Notification deliveries to facilitators, by channel (webhook, email) and outcome "
    "(sent; retry: failed, tried again later; failed: given up; skipped: turned off).",
    ["channel", "outcome"],
)
NOTIFY_PASSES = Counter(
    "samskapa_notify_passes", "Looks for notifications to plan and send (every few seconds)."
)
WEBSOCKETS_OPENED = Counter("samskapa_websockets_opened", "Websockets accepted.")
WEBSOCKETS_CLOSED = Counter(
    "samskapa_websockets_closed", "Websockets closed, by close code.", ["code"]
)

# -- gauges: sampled (Sampler) rather than kept up to date on every change -------------

CONNECTIONS = Gauge("samskapa_connections", "Open websockets.", multiprocess_mode="livesum")
BOARDS_LIVE = Gauge(
    "samskapa_boards_live",
    "Boards with open websockets (a board open in two processes counts twice).",
    multiprocess_mode="livesum",
)
OUTBOUND_QUEUED = Gauge(
    "samskapa_outbound_queued_messages",
    "Messages waiting in connection outboxes.",
    multiprocess_mode="livesum",
)
LAST_COMMIT_SECONDS = Gauge(
    "samskapa_last_commit_seconds",
    "Duration of the last group commit (the longest among the processes).",
    multiprocess_mode="livemax",
)
BROKER_HEALTHY = Gauge(
    "samskapa_broker_healthy",
    "1 while the broker is reachable (from every process).",
    multiprocess_mode="livemin",
)
BROKER_LAG_SECONDS = Gauge(
    "samskapa_broker_lag_seconds",
    "Delay of the last doorbell from another process (the longest among the processes).",
    multiprocess_mode="livemax",
)


def refused(code: str, via: str) -> None:
    """One request (`via="http"`) or websocket message (`via="ws"`) refused with `code`."""
    REFUSALS.labels(code, via).inc()


def websocket_closed(code: int) -> None:
    WEBSOCKETS_CLOSED.labels(str(code)).inc()


class Growth:
    """Copies plain counts into counters: each `add` adds what the count grew
    since the last one (a count never shrinks; if it did, nothing is taken back)."""

    def __init__(self) -> None:
        self._seen: dict[int, float] = {}

    def add(self, counter: Counter, count: float) -> None:
        seen = self._seen.get(id(counter), 0.0)
        if count > seen:
            counter.inc(count - seen)
            self._seen[id(counter)] = count


class Tally:
    """Observations for one histogram, gathered locally and added in one go.

    `Histogram.observe` takes a lock and (with several processes) writes a
    shared file per call; a flush pass that sends a thousand frames adds their
    sizes here and the histogram once, with `commit()`.
    """

    __slots__ = ("_bounds", "_counts", "_histogram", "_sum")

    def __init__(self, histogram: Histogram, bounds: Sequence[float]) -> None:
        self._histogram = histogram
        self._bounds = bounds
        self._counts = [0] * (len(bounds) + 1)  # the last one: +Inf
        self._sum = 0.0

    def add(self, value: float, times: int = 1) -> None:
        self._counts[bisect.bisect_left(self._bounds, value)] += times
        self._sum += value * times

    def commit(self) -> None:
        """Add what was gathered to the histogram and start again."""
        if not any(self._counts):
            return
        # prometheus_client has no public way to observe many values at once; this
        # does what `observe` does per value (its `_sum` and per-bucket values), and
        # tests/test_metrics.py checks it against `observe` for the locked version.
        histogram = self._histogram
        histogram._sum.inc(self._sum)
        for bucket, count in zip(histogram._buckets, self._counts, strict=True):
            if count:
                bucket.inc(count)
        self._counts = [0] * len(self._counts)
        self._sum = 0.0


def frame_tally() -> Tally:
    return Tally(FRAME_BYTES, FRAME_BUCKETS)


# -- process metrics ---------------------------------------------------------------------
# With one process, prometheus_client's own collector reports the process at
# scrape time. With several, a scrape runs in one of them; so each samples its
# own figures into these, labelled by pid (gauges in "liveall" mode are; the
# CPU counter carries the label itself, and a dead worker's CPU time stays
# counted, as it was spent).

# Not registered: in one process the ProcessCollector (registered by default) has these
# names; in several, values go to the shared files whatever the registry.
_PROCESS_GAUGES = {
    name: Gauge(name, help_text, multiprocess_mode="liveall", registry=None)
    for name, help_text in (
        ("process_resident_memory_bytes", "Resident memory size in bytes."),
        ("process_virtual_memory_bytes", "Virtual memory size in bytes."),
        ("process_open_fds", "Number of open file descriptors."),
        ("process_max_fds", "Maximum number of open file descriptors."),
        ("process_start_time_seconds", "Start time of the process since unix epoch in seconds."),
    )
}
_PROCESS_CPU = Counter(
    "process_cpu_seconds", "User and system CPU time in seconds.", ["pid"], registry=None
)


class ProcessSampler:
    """Copies this process's figures (prometheus_client's ProcessCollector) into
    the multiprocess metrics above."""

    def __init__(self) -> None:
        from prometheus_client import ProcessCollector

        self._collector = ProcessCollector(registry=None)
        self._cpu = _PROCESS_CPU.labels(str(os.getpid()))
        self._cpu_seen = 0.0

    def sample(self) -> None:
        for family in self._collector.collect():
            for sample in family.samples:
                gauge = _PROCESS_GAUGES.get(sample.name)
                if gauge is not None:
                    gauge.set(sample.value)
                elif sample.name == "process_cpu_seconds_total":
                    # A counter only goes up: add what was spent since last time.
                    self._cpu.inc(max(0.0, sample.value - self._cpu_seen))
                    self._cpu_seen = max(self._cpu_seen, sample.value)


def forget_dead_processes(path: str) -> None:
    """Drop the live gauges of worker processes that are gone (a worker that
    crashed and was restarted), so they no longer count in sums and maxima."""
    from prometheus_client import multiprocess

    for name in os.listdir(path):
        if not name.startswith("gauge_live"):
            continue
        pid = name.rsplit("_", 1)[-1].removesuffix(".db")
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), path)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
