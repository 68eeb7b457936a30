"""`/metrics`: the server's metrics (samskapa/metrics.py) in the Prometheus text format.

Counters and histograms are recorded where the work happens. Gauges that
describe the process right now (connections, outboxes, the broker) are sampled:
by every process every few seconds (`sample_every`), and by the process that
answers a scrape just before it answers. With several workers the answer
combines every worker's figures (prometheus_client's multiprocess mode), so it
is the same whichever worker the scrape reaches.
"""

import asyncio
import logging
import os

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from .. import metrics
from .deps import Services, ServicesDep

log = logging.getLogger(__name__)

router = APIRouter()

# How often every process refreshes its gauges (a scrape of another worker reads them).
SAMPLE_SECONDS = 5.0


class Exporter:
    """The registry a scrape reads, and this process's sampling."""

    def __init__(self) -> None:
        self._path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
        self._process = metrics.ProcessSampler() if metrics.MULTIPROCESS else None
        self._growth = metrics.Growth()
        if metrics.MULTIPROCESS:
            self.registry = CollectorRegistry()
            MultiProcessCollector(self.registry, self._path)  # type: ignore[no-untyped-call]
        else:
            self.registry = REGISTRY

    def sample(self, services: Services) -> None:
        hub, store = services.hub, services.store
        metrics.CONNECTIONS.set(hub.connection_count())
        metrics.BOARDS_LIVE.set(len(hub.rooms))
        metrics.OUTBOUND_QUEUED.set(hub.queued_messages())
        metrics.LAST_COMMIT_SECONDS.set(store.last_commit_ms / 1000)
        metrics.BROKER_HEALTHY.set(1 if services.broker.healthy else 0)
        metrics.BROKER_LAG_SECONDS.set(services.follower.last_lag_ms / 1000)
        limits, growth = services.limits, self._growth
        for kind, count in limits.dropped.items():
            growth.add(metrics.OVER_BUDGET.labels(kind.value), count)
        growth.add(metrics.ERROR_REPLIES_LEFT_OUT, limits.replies_left_out)
        growth.add(metrics.BUDGET_WARNINGS, limits.warnings)
        growth.add(metrics.FLOOD_CLOSES, limits.flood_closes)
        growth.add(metrics.COOLDOWN_REFUSALS, limits.cooldown_refusals)
        growth.add(metrics.CONNECTIONS_REFUSED, limits.connections_refused)
        address_limits = services.address_limits
        for route, limit in (
            ("create_board", address_limits.create_board),
            ("join", address_limits.join),
        ):
            growth.add(metrics.HTTP_RATE_LIMITED.labels(route), limit.refused)
        if self._process is not None:
            self._process.sample()

    def render(self, services: Services) -> bytes:
        self.sample(services)
        if self._path:
            metrics.forget_dead_processes(self._path)
        return generate_latest(self.registry)

    async def sample_every(self, services: Services) -> None:
        while True:
            try:
                self.sample(services)
            except Exception:
                log.exception("sampling metrics failed")
            await asyncio.sleep(SAMPLE_SECONDS)


@router.get("/metrics", include_in_schema=False)
async def scrape(services: ServicesDep) -> Response:
    return Response(services.exporter.render(services), media_type=CONTENT_TYPE_LATEST)
