"""The connection drives ASGI sends by hand and hands only a waiting send to a
task (realtime/connection.py). That hand-off must behave like a task would."""

import asyncio

import pytest

from samskapa.realtime.connection import _finish


async def _send(ready: asyncio.Event, log: list[str]) -> None:
    log.append("start")
    await ready.wait()  # what uvicorn's send does while the socket buffer is full
    log.append("written")


@pytest.mark.asyncio
async def test_a_waiting_send_finishes_in_a_task_once_the_socket_drains() -> None:
    ready, log = asyncio.Event(), []
    coro = _send(ready, log)
    waiting = coro.send(None)
    assert isinstance(waiting, asyncio.Future) and log == ["start"]
    task = asyncio.ensure_future(_finish(coro, waiting))
    await asyncio.sleep(0.01)
    assert not task.done()
    ready.set()
    await task
    assert log == ["start", "written"]


@pytest.mark.asyncio
async def test_cancelling_the_hand_off_cancels_the_send() -> None:
    ready, log = asyncio.Event(), []
    coro = _send(ready, log)
    task = asyncio.ensure_future(_finish(coro, coro.send(None)))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert log == ["start"]
    assert coro.cr_frame is None  # the send coroutine has ended, not leaked
