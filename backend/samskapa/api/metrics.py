"""`/metrics` in the Prometheus text format.

Counters come from the parts that own them (the event store, the hub); this
module only renders them. Rates (ops/s, deliveries/s) are for Prometheus to
derive from the counters.
"""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from .deps import Services, ServicesDep

router = APIRouter()


def _line(name: str, kind: str, help_text: str, value: float) -> str:
    return f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n{name} {value}\n"


def _labelled(name: str, kind: str, help_text: str, label: str, values: dict[str, float]) -> str:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f'{name}{{{label}="{key}"}} {value}' for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _limits(services: Services) -> list[str]:
    """What the budgets and limits refused (realtime/budget.py, api/ratelimit.py)."""
    limits = services.limits
    return [
        _labelled(
            "samskapa_ws_messages_over_budget_total",
            "counter",
            "Client messages over their budget (dropped, refused, or invalid), by class.",
            "kind",
            {kind.value: n for kind, n in limits.dropped.items()},
        ),
        _line(
            "samskapa_ws_error_replies_left_out_total",
            "counter",
            "Error replies not sent because the connection's error budget was spent.",
            limits.replies_left_out,
        ),
        _line(
            "samskapa_ws_budget_warnings_total",
            "counter",
            "over_budget warnings sent.",
            limits.warnings,
        ),
        _line(
            "samskapa_ws_flood_closes_total",
            "counter",
            "Connections closed for flooding (4029).",
            limits.flood_closes,
        ),
        _line(
            "samskapa_ws_cooldown_refusals_total",
            "counter",
            "Reconnects refused during a flood cooldown (4029 after hello).",
            limits.cooldown_refusals,
        ),
        _line(
            "samskapa_ws_connections_refused_total",
            "counter",
            "Websockets refused because the process was full (HTTP 503).",
            limits.connections_refused,
        ),
        _labelled(
            "samskapa_http_rate_limited_total",
            "counter",
            "HTTP requests refused with 429 by the per-address rate limits, by route.",
            "route",
            {
                "create_board": services.address_limits.create_board.refused,
                "join": services.address_limits.join.refused,
            },
        ),
    ]


@router.get("/metrics", response_class=PlainTextResponse, include_in_schema=False)
async def metrics(services: ServicesDep) -> str:
    hub, store, follower = services.hub, services.store, services.follower
    return "".join(
        [
            _line("samskapa_connections", "gauge", "Open websockets.", hub.connection_count()),
            _line("samskapa_boards_live", "gauge", "Boards with open websockets.", len(hub.rooms)),
            _line("samskapa_events_appended_total", "counter", "Events committed.", store.appended),
            _line("samskapa_commit_batches_total", "counter", "Group commits.", store.batches),
            _line(
                "samskapa_last_commit_seconds",
                "gauge",
                "Duration of the last group commit.",
                store.last_commit_ms / 1000,
            ),
            _line(
                "samskapa_deliveries_total",
                "counter",
                "Event messages queued to connections.",
                hub.deliveries,
            ),
            _line(
                "samskapa_outbound_queued_messages",
                "gauge",
                "Messages waiting in connection outboxes.",
                hub.queued_messages(),
            ),
            _line(
                "samskapa_cursor_messages_total",
                "counter",
                "Cursor messages queued to connections (one per connection per tick at most).",
                hub.cursor_messages,
            ),
            _line(
                "samskapa_broker_healthy",
                "gauge",
                "1 while the broker is reachable.",
                1 if services.broker.healthy else 0,
            ),
            _line(
                "samskapa_broker_lag_seconds",
                "gauge",
                "Delay of the last doorbell from another process.",
                follower.last_lag_ms / 1000,
            ),
            _line(
                "samskapa_doorbells_total",
                "counter",
                "Doorbells received from other processes.",
                follower.doorbells,
            ),
            _line(
                "samskapa_poll_catchups_total",
                "counter",
                "Boards found behind by polling SQL (a doorbell was lost or late).",
                follower.polls_found,
            ),
            _line(
                "samskapa_evictions_total",
                "counter",
                "Connections cut off for falling behind (4008).",
                hub.evictions,
            ),
            *_limits(services),
        ]
    )
