"""What one websocket connection may send: a budget per message class
(docs/protocol.md §2.8).

Every client message belongs to a class with its own token bucket: `cursor`,
`view`, `ping`, `op`. A message over its class's rate is dropped (cursors and
views: the tick keeps only the latest position anyway, so nothing an honest
client meant is lost), refused (`op`: `rate_limited`) or left unanswered
(`ping`). An unparseable or invalid message (`invalid`) always counts against
the sender. Each such message is an **excess** message; excess draws on the
connection's flood tolerance, itself a bucket that refills at a tenth of its
size per second. When the tolerance is spent the connection gets one in-band
`warning` (code `over_budget`, with what was dropped); when it is spent again
after that, the connection is closed with 4029 and its credential may not
reconnect for a cooldown.

Error replies to refused and invalid messages have a budget of their own, so a
flooder's junk does not turn into a flood of answers; the ones left out are
counted and named in the warning.

The honest path costs one bucket take per message (`Bucket.take` with the
receive time the reader already has); a dropped cursor costs the same plus a
counter.
"""

import hashlib
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .protocol import encode


class Bucket:
    """A token bucket: `rate` tokens per second, at most `burst` at once."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float | None = None) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic() if now is None else now

    def take(self, now: float | None = None) -> bool:
        if now is None:
            now = time.monotonic()
        tokens = self.tokens + (now - self.stamp) * self.rate
        if tokens > self.burst:
            tokens = self.burst
        self.stamp = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return True
        self.tokens = tokens
        return False

    def holds(self, n: int, now: float) -> bool:
        """Whether `n` takes at `now` would all succeed (nothing is taken)."""
        tokens = self.tokens + (now - self.stamp) * self.rate
        return min(tokens, self.burst) >= n

    def wait(self) -> float:
        """Seconds until the next token, from the last take."""
        return max(0.0, (1.0 - self.tokens) / self.rate) if self.rate > 0 else 0.0


class Kind(Enum):
    """The classes of client messages, as named in the warning and in /metrics."""

    CURSOR = "cursor"
    VIEW = "view"
    PING = "ping"
    OP = "op"
    INVALID = "invalid"


class Verdict(Enum):
    WITHIN = "within"  # still within the flood tolerance
    WARN = "warn"  # send the warning now
    CLOSE = "close"  # close with 4029


# Credentials in cooldown remembered at most (32 bytes each).
MAX_COOLDOWNS = 10_000
# Tolerance refills at this share of its size per second (100 → 10 excess messages/s).
TOLERANCE_REFILL = 0.1


@dataclass(frozen=True, slots=True)
class Rates:
    """The per-connection budgets; each field is the setting of the same name."""

    cursors_per_second: float = 20.0
    views_per_second: float = 10.0
    pings_per_second: float = 1.0
    ops_per_second: float = 30.0
    ops_burst: int = 60
    error_replies_per_second: float = 5.0
    flood_tolerance: int = 100
    flood_cooldown: float = 30.0


class Budget:
    """One connection's buckets and what it has had dropped."""

    __slots__ = (
        "cursor",
        "dropped",
        "errors",
        "limits",
        "op",
        "ping",
        "replies_left_out",
        "tolerance",
        "view",
        "warned",
    )

    def __init__(self, limits: "Limits", now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.limits = limits
        rates = limits.rates
        # Cursors and views may come in bursts of two seconds' worth (a page
        # that was busy sends what piled up); pings in bursts of ten.
        self.cursor = Bucket(rates.cursors_per_second, 2 * rates.cursors_per_second, now)
        self.view = Bucket(rates.views_per_second, 2 * rates.views_per_second, now)
        self.ping = Bucket(rates.pings_per_second, 10, now)
        self.op = Bucket(rates.ops_per_second, rates.ops_burst, now)
        self.errors = Bucket(
            rates.error_replies_per_second, 2 * rates.error_replies_per_second, now
        )
        tolerance = rates.flood_tolerance
        self.tolerance = Bucket(tolerance * TOLERANCE_REFILL, tolerance, now)
        self.dropped: dict[Kind, int] = {}
        self.replies_left_out = 0
        self.warned = False

    def excess(self, kind: Kind, now: float) -> Verdict:
        """Count one message over budget; say whether to warn or to close."""
        self.dropped[kind] = self.dropped.get(kind, 0) + 1
        self.limits.dropped[kind] += 1
        if self.tolerance.take(now):
            return Verdict.WITHIN
        if not self.warned:
            self.warned = True
            # A second allowance after the warning: a client that reacts to it
            # (or a burst that ends) is not closed.
            self.tolerance.tokens = self.tolerance.burst
            self.limits.warnings += 1
            return Verdict.WARN
        return Verdict.CLOSE

    def may_reply(self, now: float) -> bool:
        """Whether an error reply to a refused or invalid message may go out."""
        if self.errors.take(now):
            return True
        self.replies_left_out += 1
        self.limits.replies_left_out += 1
        return False

    def warning(self) -> bytes:
        """The in-band `warning`: what was dropped so far, and what comes next."""
        body: dict[str, Any] = {
            "type": "warning",
            "code": "over_budget",
            "message": "Too many messages: some were dropped. Slow down, or the "
            "connection will be closed (4029).",
            "dropped": {k.value: n for k, n in self.dropped.items()},
            "replies_left_out": self.replies_left_out,
            "retry_after": self.limits.rates.flood_cooldown,
        }
        return encode(body)


def credential_key(credential: str) -> bytes:
    """What the cooldown remembers of a credential (never the secret itself)."""
    return hashlib.sha256(credential.encode()).digest()


def rates_from(settings: Any) -> Rates:
    """The settings' budgets (`Settings` has a field for each of `Rates`)."""
    return Rates(**{name: getattr(settings, name) for name in Rates.__dataclass_fields__})


@dataclass
class Limits:
    """Per process: the budgets, the connection limit, the flood cooldowns and
    the counters /metrics shows."""

    rates: Rates = field(default_factory=Rates)
    max_connections: int = 0  # 0: no limit
    open_sockets: int = 0
    # credential key -> monotonic time until which it may not reconnect
    cooldowns: dict[bytes, float] = field(default_factory=dict)
    # counters
    dropped: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(Kind, 0))
    replies_left_out: int = 0
    warnings: int = 0
    flood_closes: int = 0
    cooldown_refusals: int = 0
    connections_refused: int = 0

    def admit(self) -> bool:
        """A new websocket: count it, unless the process is full."""
        if self.max_connections and self.open_sockets >= self.max_connections:
            self.connections_refused += 1
            return False
        self.open_sockets += 1
        return True

    def release(self) -> None:
        self.open_sockets -= 1

    def cooling(self, credential: str, now: float | None = None) -> bool:
        """Whether this credential was closed for flooding within the cooldown."""
        if not self.cooldowns:
            return False
        now = time.monotonic() if now is None else now
        until = self.cooldowns.get(credential_key(credential))
        if until is None:
            return False
        if until <= now:
            del self.cooldowns[credential_key(credential)]
            return False
        self.cooldown_refusals += 1
        return True

    def closed_for_flooding(self, credential: str, now: float) -> None:
        """Remember the credential for the cooldown (bounded: expired ones go first)."""
        self.flood_closes += 1
        if len(self.cooldowns) >= MAX_COOLDOWNS:
            self.cooldowns = {k: u for k, u in self.cooldowns.items() if u > now}
            if len(self.cooldowns) >= MAX_COOLDOWNS:
                self.cooldowns.pop(next(iter(self.cooldowns)))
        self.cooldowns[credential_key(credential)] = now + self.rates.flood_cooldown
