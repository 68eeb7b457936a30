"""What an idle websocket keeps, kept small (websocket_protocol.py, Connection.read):
the light receive queue and writable flag behave like asyncio's Queue and Event
where uvicorn uses them, the handshake request is let go once the socket is
accepted while frames still parse, and one task both serves and reads a socket,
so that stopping the reading (an eviction) ends only the session, never what
the server does after it."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.websockets import WebSocket
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Request, Response
from websockets.uri import parse_uri

from samskapa.realtime.connection import Connection
from samskapa.realtime.protocol import CloseCode
from samskapa.websocket_protocol import Inbox, Writable
from tests.realtime.served import serving


@pytest.mark.asyncio
async def test_the_inbox_hands_messages_over_in_order_and_wakes_its_reader() -> None:
    inbox = Inbox()
    assert inbox.empty()
    arrival = inbox.arrival()
    assert inbox.arrival() is arrival  # one waiter, however often asked
    inbox.put_nowait({"type": "websocket.receive", "bytes": b"1"})
    inbox.put_nowait({"type": "websocket.receive", "bytes": b"2"})
    assert arrival.done() and not inbox.empty()
    assert [inbox.pop()["bytes"], inbox.pop()["bytes"]] == [b"1", b"2"]
    # A reader cancelled while waiting leaves a cancelled waiter; the next one
    # gets a fresh one, and a message put meanwhile is not lost.
    waiting = asyncio.ensure_future(inbox.arrival())
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.sleep(0)
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    fresh = inbox.arrival()
    assert not fresh.cancelled() and inbox.pop()["type"] == "websocket.disconnect"


@pytest.mark.asyncio
async def test_writable_waits_only_while_cleared_and_never_yields_while_set() -> None:
    writable = Writable()
    assert writable.is_set()
    coro = writable.wait()
    with pytest.raises(StopIteration):
        coro.send(None)  # finished without yielding: a send driven by hand goes at once
    writable.clear()
    waiters = [asyncio.ensure_future(writable.wait()) for _ in range(2)]
    await asyncio.sleep(0.01)
    assert not any(w.done() for w in waiters)
    writable.set()
    assert await asyncio.gather(*waiters) == [True, True]


class Client:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.ws = ClientProtocol(parse_uri("ws://127.0.0.1/ws"))

    @classmethod
    async def connect(cls, port: int) -> "Client":
        client = cls(*await asyncio.open_connection("127.0.0.1", port))
        client.ws.send_request(client.ws.connect())
        client.writer.write(b"".join(client.ws.data_to_send()))
        while not any(isinstance(e, Response) for e in client.ws.events_received()):
            client.ws.receive_data(await client.reader.read(65536))
        return client

    async def send(self, data: bytes) -> None:
        self.ws.send_binary(data)
        self.writer.write(b"".join(self.ws.data_to_send()))
        await self.writer.drain()

    async def frames(self) -> list[Any]:
        while True:
            data = await self.reader.read(65536)
            if not data:
                return []
            self.ws.receive_data(data)
            frames = self.ws.events_received()
            if frames:
                return frames


@pytest.mark.asyncio
async def test_an_accepted_socket_keeps_no_handshake_request_and_still_reads_frames() -> None:
    echoed = asyncio.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        websocket = WebSocket(scope, receive, send)
        await websocket.accept()
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            await websocket.send_bytes(message["bytes"])
            echoed.set()

    async with asyncio.timeout(30), serving(app) as port:
        client = await Client.connect(port)
        await client.send(b"hello")
        frames = await client.frames()
        assert [(f.opcode, f.data) for f in frames] == [(Opcode.BINARY, b"hello")]
        gc.collect()
        assert not [o for o in gc.get_objects() if type(o) is Request]
        # Every frame after the parser was replaced arrives whole, in order.
        for i in range(3):
            await client.send(b"x" * (i + 1) * 1000)
            (frame,) = await client.frames()
            assert frame.data == b"x" * (i + 1) * 1000
        client.writer.close()


@asynccontextmanager
async def one_connection() -> AsyncIterator[tuple[Connection, Client, list[str]]]:
    """A server whose socket runs its session in its own task (Connection.read),
    as api/ws.py does; the log says how the session and the afterwards went."""
    accepted: asyncio.Queue[Connection] = asyncio.Queue()
    log: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        websocket = WebSocket(scope, receive, send)
        await websocket.accept()
        conn = Connection(websocket, "board", 100)

        async def session() -> None:
            await accepted.put(conn)
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    log.append("disconnected")
                    return
                if message["bytes"] == b"evict me":
                    # The session evicts its own connection, then returns
                    # before it waits for anything again.
                    for _ in range(101):
                        conn.push(b"{}")
                    log.append("evicted itself")
                    return

        try:
            await conn.read(session())
            log.append("read returned")
            await asyncio.sleep(0.01)  # a wait after the session is not cancelled
            await conn.finish()
            log.append("finished")
        except asyncio.CancelledError:
            log.append("cancelled")
            raise

    async with asyncio.timeout(30), serving(app) as port:
        client = await Client.connect(port)
        try:
            yield await accepted.get(), client, log
        finally:
            client.writer.close()


@pytest.mark.asyncio
async def test_an_eviction_stops_a_waiting_session_and_the_connection_is_finished() -> None:
    async with one_connection() as (conn, client, log):
        reader = conn.reader
        assert reader is not None and not reader.done()
        conn.close(CloseCode.RESYNC, "too far behind")
        frames = await client.frames()
        assert frames[-1].opcode is Opcode.CLOSE and frames[-1].data[:2] == b"\x0f\xa8"
        while "finished" not in log:
            await asyncio.sleep(0.01)
        assert log == ["read returned", "finished"]
        assert reader is not None and not reader.cancelled()


@pytest.mark.asyncio
async def test_an_eviction_from_within_the_session_does_not_cancel_what_follows() -> None:
    async with one_connection() as (conn, client, log):
        await client.send(b"evict me")
        while "finished" not in log:
            await asyncio.sleep(0.01)
        assert log == ["evicted itself", "read returned", "finished"]
        assert conn.evicted and conn.close_code == CloseCode.RESYNC


@pytest.mark.asyncio
async def test_a_cancellation_from_elsewhere_still_cancels_the_server_task() -> None:
    async with one_connection() as (conn, _client, log):
        reader = conn.reader
        assert reader is not None
        reader.cancel()  # the server shutting down: not the connection's own stop
        while not reader.done():
            await asyncio.sleep(0.01)
        assert log == ["cancelled"]  # neither "read returned" nor "finished"
