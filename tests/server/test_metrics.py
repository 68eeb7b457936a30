"""/metrics: prometheus_client's format, the same sums whichever worker answers."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import Histogram
from prometheus_client.parser import text_string_to_metric_families

from samskapa.metrics import FRAME_BUCKETS, Tally
from tests.client import Client, create_board, join, note
from tests.services import ServerProcess, redis_or_skip

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(server: ServerProcess) -> Samples:
    response = httpx.get(f"{server.http}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def by_name(samples: Samples, name: str) -> list[tuple[dict[str, str], float]]:
    return [(dict(labels), v) for (n, labels), v in samples.items() if n == name]


@pytest.fixture
def two_workers(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    broker = redis_or_skip()
    server = ServerProcess(
        sqlite_url,
        tmp_path / "data",
        env={"SAMSKAPA_BROKER_URL": broker, "SAMSKAPA_METRICS_DIR": str(tmp_path / "metrics")},
        args=["--workers", "2"],
    ).start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


def head_seq(server: ServerProcess, board: dict, credential: str) -> int:  # type: ignore[type-arg]
    r = httpx.get(
        f"{server.http}/api/boards/{board['board_id']}/events",
        params={"after": 0, "limit": 1},
        headers={"Authorization": f"Bearer {credential}"},
        timeout=10,
    )
    r.raise_for_status()
    return int(r.json()["head_seq"])


COUNTERS = (
    "samskapa_events_appended_total",
    "samskapa_commit_batches_total",
    "samskapa_deliveries_total",
    "samskapa_op_ack_seconds_count",
    "samskapa_commit_seconds_count",
    "samskapa_fanout_pass_seconds_count",
    "samskapa_frame_bytes_count",
    "samskapa_websockets_opened_total",
)


@pytest.mark.asyncio
async def test_two_workers_one_port_scrapes_add_up_and_never_go_back(
    two_workers: ServerProcess,
) -> None:
    server = two_workers
    async with asyncio.timeout(180):
        boards = [create_board(server.http, f"Board {i}") for i in range(2)]
        clients: list[Client] = []
        credentials = []
        for board in boards:
            for name in ("A", "B", "C"):
                cred = join(server.http, board, "participant", name)["credential"]
                credentials.append((board, cred))
                clients.append(Client(server.ws, board["board_id"], cred))
        for client in clients:
            await client.connect()
        # A refused join (a wrong link) and a refused op (a note id taken).
        bad = httpx.post(
            f"{server.http}/api/boards/{boards[0]['board_id']}/join",
            json={"link": "x" * 43, "name": "X", "sector": "other"},
            timeout=10,
        )
        assert bad.status_code == 403

        previous: Samples = {}
        ops_done = 0
        for round_no in range(3):
            ops = []
            for i, client in enumerate(clients):
                for k in range(5):
                    ops.append((client, await client.op(note(f"r{round_no}c{i}k{k}", "x"))))
            taken = await clients[0].op(note(f"r{round_no}c0k0", "again"))
            for client, op_id in ops:
                assert (await client.result(op_id))["type"] == "ack"
            assert (await clients[0].result(taken))["type"] == "error"
            ops_done += len(ops) + 1

            appended = sum(head_seq(server, board, cred) for board, cred in credentials[::3])
            pids: set[str] = set()
            for _ in range(6):  # a scrape reaches either worker
                samples = scrape(server)
                for name in COUNTERS:
                    assert value(samples, name) >= value(previous, name), name
                for (name, labels), v in previous.items():
                    if name.endswith(("_total", "_count", "_sum", "_bucket")):
                        assert samples.get((name, labels), 0.0) >= v, (name, labels)
                assert value(samples, "samskapa_events_appended_total") == appended
                assert value(samples, "samskapa_op_ack_seconds_count") == ops_done
                assert value(samples, "samskapa_websockets_opened_total") == len(clients)
                assert (
                    value(samples, "samskapa_refusals_total", code="already_exists", via="ws")
                    == round_no + 1
                )
                assert (
                    value(samples, "samskapa_refusals_total", code="invalid_link", via="http") == 1
                )
                # Both workers report their process, each under its own pid.
                pids |= {
                    labels["pid"] for labels, _ in by_name(samples, "process_cpu_seconds_total")
                }
                previous = samples
            assert len(pids) == 2

        # Sampled gauges reach every worker's figure (each samples every few seconds).
        deadline = asyncio.get_running_loop().time() + 30
        while value(scrape(server), "samskapa_connections") != len(clients):
            assert asyncio.get_running_loop().time() < deadline, "connections never summed up"
            await asyncio.sleep(0.5)
        samples = scrape(server)
        assert value(samples, "samskapa_broker_healthy") == 1
        buckets = [v for labels, v in by_name(samples, "samskapa_frame_bytes_bucket")]
        assert buckets == sorted(buckets)  # cumulative, as the format says
        for client in clients:
            await client.close()


def test_a_tally_adds_what_observe_would() -> None:
    """Tally writes into the histogram's own values; this pins that to `observe`."""
    sizes = [1, 128, 129, 5000, 2097152, 9_000_000, 300, 300]
    one = Histogram("tally_one_bytes", "-", buckets=FRAME_BUCKETS, registry=None)
    many = Histogram("tally_many_bytes", "-", buckets=FRAME_BUCKETS, registry=None)
    for size in sizes:
        one.observe(size)
    tally = Tally(many, FRAME_BUCKETS)
    for size in sizes[:-2]:
        tally.add(size)
    tally.add(300, 2)  # a pass's frames of one size, added at once
    tally.commit()
    tally.commit()  # nothing new: adds nothing

    def samples(h: Histogram, prefix: str) -> list[tuple[str, dict[str, str], float]]:
        return [
            (s.name.removeprefix(prefix), s.labels, s.value)
            for family in h.collect()
            for s in family.samples
        ]

    assert samples(many, "tally_many") == samples(one, "tally_one")
