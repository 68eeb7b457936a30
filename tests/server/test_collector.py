"""The garbage collector's policy (collector.py) in the real app on a real socket:
what survives a pass (a young one too) is frozen out of the later passes; a
cycle that becomes garbage after it was frozen is freed by the full pass at the
next quiet moment, or after the longest interval under unbroken traffic; the
policy ends with the app and hands everything back to the collector.

The app's clock is moved instead of waiting for quiet spells, and each check
waits for the policy's own looks rather than for a time."""

import asyncio
import gc
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from samskapa.app import create_app
from samskapa.collector import LOOK_SECONDS, YOUNG_THRESHOLD, Collector
from samskapa.settings import Settings
from tests.client import Client, create_board, join, note
from tests.realtime.served import serving


class MovingClock:
    """The server's clock (epoch ms), ahead of real time by what a test moved it."""

    def __init__(self) -> None:
        self.ahead_ms = 0

    def __call__(self) -> int:
        return int(time.time() * 1000) + self.ahead_ms

    def move(self, seconds: float) -> None:
        self.ahead_ms += int(seconds * 1000)


class Cycle:
    def __init__(self) -> None:
        self.me = self


def frozen_garbage() -> "weakref.ref[Cycle]":
    """A reference cycle that survives a young pass (as a board's new notes
    do) and becomes garbage afterwards."""
    cycle = Cycle()
    ref = weakref.ref(cycle)
    gc.collect(0)
    del cycle
    return ref


class Running:
    def __init__(self, app: Any, port: int, clock: MovingClock) -> None:
        self.collector: Collector = app.state.collector
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}"
        self.clock = clock

    async def looks(self, count: int = 2) -> None:
        """Until the policy has looked at least `count` more times."""
        until = self.collector.looks + count
        for _ in range(200):
            if self.collector.looks >= until:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the policy stopped looking")

    async def busy(self, client: Client, seconds: float) -> None:
        """`seconds` later on the server's clock, an op committed, and looked at."""
        self.clock.move(seconds)
        await committed(client)
        await self.looks()

    async def client(self) -> Client:
        board = await asyncio.to_thread(create_board, self.http)
        member = await asyncio.to_thread(join, self.http, board, "facilitator", "Facilitator")
        client = Client(self.ws, board["board_id"], member["credential"])
        await client.connect()
        return client


@asynccontextmanager
async def running(tmp_path: Path, quiet: float, longest: float) -> AsyncIterator[Running]:
    clock = MovingClock()
    settings = Settings(
        data_dir=tmp_path,
        demo=False,
        gc_quiet_seconds=quiet,
        gc_full_pass_seconds=longest,
    )
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app), serving(app) as port:
        yield Running(app, port, clock)


async def committed(client: Client, count: int = 1) -> None:
    """Traffic: ops the server commits and acks."""
    for _ in range(count):
        op_id = await client.op(note(f"n{time.monotonic_ns()}", "traffic"))
        assert (await client.result(op_id))["type"] == "ack"


async def until_freed(ref: Callable[[], object], server: Running, step: float) -> None:
    """Moves the clock by `step` seconds at a time until `ref` dies (a young pass
    of the test's own making counts as traffic and may need one step more)."""
    for _ in range(5):
        server.clock.move(step)
        await server.looks()
        if ref() is None:
            return
    raise AssertionError("frozen garbage was never collected")


@pytest.mark.asyncio
async def test_survivors_are_frozen_so_the_automatic_passes_do_not_walk_them(
    tmp_path: Path,
) -> None:
    async with running(tmp_path, quiet=3600, longest=86400) as server:
        client = await server.client()
        await committed(client, 3)
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        freezes = server.collector.freezes
        gc.collect(0)
        # The board's state and everything else alive moved out of the
        # collector's generations: no later pass walks them.
        assert server.collector.freezes == freezes + 1
        assert gc.get_objects(generation=1) == gc.get_objects(generation=2) == []
        assert gc.get_freeze_count() > 0
        ref = frozen_garbage()
        gc.collect()  # an automatic full pass: the frozen cycle is out of its reach
        assert ref() is not None
        # Frozen objects still work and still die by reference counting.
        await committed(client, 2)
        plain = Cycle()
        plain.me = None  # type: ignore[assignment]
        dropped = weakref.ref(plain)
        gc.collect(0)
        assert not any(o is plain for o in gc.get_objects())  # frozen
        del plain
        assert dropped() is None
        await client.close()


@pytest.mark.asyncio
async def test_frozen_garbage_is_collected_at_the_next_quiet_moment(tmp_path: Path) -> None:
    async with running(tmp_path, quiet=60, longest=86400) as server:
        client = await server.client()
        await committed(client)
        ref = frozen_garbage()
        await server.looks()
        assert ref() is not None and server.collector.full_passes == 0
        # Ops keep coming, 30 s apart on the server's clock: never quiet for 60 s.
        for _ in range(3):
            await server.busy(client, 30)
            assert ref() is not None, "collected while the server was busy"
        assert server.collector.full_passes == 0
        await until_freed(ref, server, 61)
        assert server.collector.full_passes == 1
        # Quiet on: nothing was frozen since, so no further pass walks everything.
        freezes = server.collector.freezes
        server.clock.move(120)
        await server.looks()
        if server.collector.freezes == freezes:
            assert server.collector.full_passes == 1
        # The board is intact after it.
        await committed(client)
        await client.close()


@pytest.mark.asyncio
async def test_frozen_garbage_is_collected_after_the_longest_interval_under_traffic(
    tmp_path: Path,
) -> None:
    async with running(tmp_path, quiet=60, longest=100) as server:
        client = await server.client()
        ref = frozen_garbage()
        for _ in range(2):  # 80 s of traffic, an op every 40 s
            await server.busy(client, 40)
            assert ref() is not None
        assert server.collector.full_passes == 0
        for _ in range(3):  # past 100 s (or a little later, see until_freed)
            await server.busy(client, 40)
            if ref() is None:
                break
        assert ref() is None, "frozen garbage outlived the longest interval"
        assert server.collector.full_passes == 1
        await client.close()


@pytest.mark.asyncio
async def test_the_policy_stops_with_the_app_and_leaves_nothing_frozen(tmp_path: Path) -> None:
    async with running(tmp_path, quiet=3600, longest=86400) as server:
        collector = server.collector
        client = await server.client()
        await committed(client)
        ref = frozen_garbage()
        gc.collect()
        assert ref() is not None
        await client.close()
    assert collector._after_pass not in gc.callbacks
    assert collector._looking._task is None
    looks = collector.looks
    await asyncio.sleep(LOOK_PAUSE)
    assert collector.looks == looks
    # What was frozen is the collector's again.
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None


# Longer than the policy's interval between looks: a look that still ran would show.
LOOK_PAUSE = 2 * LOOK_SECONDS
