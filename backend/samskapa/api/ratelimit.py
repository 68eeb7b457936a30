"""HTTP rate limits per client address: creating boards (also by import or
fork) and joining.

Each limited route has a token bucket per client address (`request.client`,
which uvicorn takes from `X-Forwarded-For` when the peer is one of
`SAMSKAPA_FORWARDED_ALLOW_IPS`; README, "Limits"). Over the limit the answer is
`429 {"code": "rate_limited"}` with `Retry-After`. A whole workshop behind one
office NAT shares an address, so the join burst is sized for a room of 300.

A route spends its allowance (`spend`) only once the request has passed every
check that costs little: a malformed body (400), a missing or wrong credential
(401), a wrong link (403) or board (404) and a participant asking for a
facilitator's action (403) are answered as such and spend nothing, so nobody
who shares an address with a workshop can use up its allowance with requests
that would be refused anyway. Importing a board file spends before the file is
read, since reading and checking up to 20 MB is the work the limit guards.
"""

import math
import time
from dataclasses import dataclass, field

from fastapi import Request

from ..domain.errors import DomainError, ErrorCode
from ..realtime.budget import Bucket
from ..settings import Settings

# Addresses remembered per route at most; beyond it the idle ones are forgotten
# (a full bucket is the same as none).
MAX_ADDRESSES = 100_000


CREATE_LIMITED = "Too many new boards from here; wait a little."


class RateLimited(DomainError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(ErrorCode.RATE_LIMITED, message)
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass
class AddressLimit:
    """One route's buckets, one per client address."""

    per_minute: float
    burst: int
    buckets: dict[str, Bucket] = field(default_factory=dict)
    refused: int = 0

    def check(self, address: str, now: float | None = None) -> float | None:
        """None if allowed; else the seconds until the next request would be."""
        if self.per_minute <= 0:
            return None
        now = time.monotonic() if now is None else now
        bucket = self.buckets.get(address)
        if bucket is None:
            if len(self.buckets) >= MAX_ADDRESSES:
                self._forget_idle(now)
            bucket = self.buckets[address] = Bucket(self.per_minute / 60, self.burst, now)
        if bucket.take(now):
            return None
        self.refused += 1
        return bucket.wait()

    def _forget_idle(self, now: float) -> None:
        rate = self.per_minute / 60
        self.buckets = {
            a: b for a, b in self.buckets.items() if b.tokens + (now - b.stamp) * rate < self.burst
        }
        while len(self.buckets) >= MAX_ADDRESSES:  # all busy: forget the oldest
            self.buckets.pop(next(iter(self.buckets)))


@dataclass
class AddressLimits:
    create_board: AddressLimit
    join: AddressLimit

    @classmethod
    def from_settings(cls, settings: Settings) -> "AddressLimits":
        return cls(
            AddressLimit(settings.create_boards_per_minute, settings.create_boards_burst),
            AddressLimit(settings.joins_per_minute, settings.joins_burst),
        )


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


JOIN_LIMITED = "Too many joins from here; wait a little."


def spend(request: Request, route: str, message: str) -> None:
    """Take one request of `route`'s allowance for the client's address, or
    refuse with 429 when it is spent."""
    limits: AddressLimits = request.app.state.services.address_limits
    limit: AddressLimit = getattr(limits, route)
    wait = limit.check(client_address(request))
    if wait is not None:
        raise RateLimited(message, wait)
