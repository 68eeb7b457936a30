"""The shared-frame write path (realtime/frames.py, Connection.flush and
websocket_protocol.WebSocketProtocol.write_frame) on a real uvicorn server and
real TCP sockets: the same cases as the ASGI send driver (test_send_driver.py) —
partial writes, a client that stops reading, cancellation, a close during a
pass — plus the point of it all: equal frames are built once per pass and every
client still receives a valid frame."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from samskapa.realtime import connection as connection_module
from samskapa.realtime.connection import Connection
from samskapa.realtime.frames import FrameCache
from tests.realtime.served import serving

# A message of about 64 KB: a few of them fill any loopback socket's buffers.
BIG = orjson.dumps({"pad": "x" * 65_000})


@dataclass
class Server:
    port: int
    accepted: asyncio.Queue[Connection] = field(default_factory=asyncio.Queue)
    # What each server-side session saw: the ASGI sends that went the slow way.
    asgi_sends: list[int] = field(default_factory=list)


@asynccontextmanager
async def serve(queue_limit: int = 10_000) -> AsyncIterator[Server]:
    """uvicorn with samskapa's websocket protocol and an app that hands each
    accepted socket to the test as a Connection, read by a reader task as on a
    board (api/ws.py), and finished the same way when the reader ends."""
    server: Server | None = None

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "websocket"
        websocket = WebSocket(scope, receive, send)
        await websocket.accept()
        conn = Connection(websocket, "board", queue_limit)
        asgi_send = conn._send

        async def counted(message: dict[str, Any]) -> None:
            server.asgi_sends.append(len(message.get("bytes") or b""))
            await asgi_send(message)

        conn._send = counted

        async def read() -> None:
            try:
                while True:
                    message = await websocket.receive()
                    if message["type"] == "websocket.disconnect":
                        conn.peer_close_code = message.get("code", 1005)
                        return
            except (WebSocketDisconnect, RuntimeError):
                return

        conn.reader = asyncio.create_task(read())
        assert server is not None
        await server.accepted.put(conn)
        await asyncio.wait({conn.reader})
        await conn.finish()

    async with serving(app) as port:
        server = Server(port)
        yield server


class RawClient:
    """A websocket client on a plain socket with a small receive buffer, so the
    test decides when (and whether) it reads."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.ws = ClientProtocol(parse_uri("ws://127.0.0.1/ws"))
        self.frames: list[Frame] = []

    @classmethod
    async def connect(cls, port: int) -> "RawClient":
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=2**16)
        client = cls(reader, writer)
        client.ws.send_request(client.ws.connect())
        writer.write(b"".join(client.ws.data_to_send()))
        while not any(isinstance(e, Response) for e in client.ws.events_received()):
            client.ws.receive_data(await reader.read(65536))
        return client

    async def read_frames(self, count: int) -> list[Frame]:
        """Read until `count` more frames (or the end of the stream) arrived."""
        wanted = len(self.frames) + count
        while len(self.frames) < wanted:
            data = await self.reader.read(65536)
            if not data:
                self.ws.receive_eof()
            else:
                self.ws.receive_data(data)
            self.frames += [e for e in self.ws.events_received() if isinstance(e, Frame)]
            if not data:
                break
        return self.frames

    def messages(self) -> list[Any]:
        return [m for f in self.frames if f.opcode is Opcode.BINARY for m in orjson.loads(f.data)]

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


def flush_pass(conns: list[Connection]) -> FrameCache:
    """What the hub's flush pass does: one frame per connection, equal frames built once."""
    cache = FrameCache()
    for conn in conns:
        conn.flush(cache)
    return cache


@pytest.mark.asyncio
async def test_equal_frames_are_built_once_and_every_client_reads_them_whole() -> None:
    async with asyncio.timeout(30), serve() as server:
        clients = [await RawClient.connect(server.port) for _ in range(3)]
        conns = [await server.accepted.get() for _ in clients]
        # As the hub pushes a commit's events: one run, the same tuple for all.
        shared = tuple(orjson.dumps({"seq": i}) for i in range(3))
        for conn in conns:
            conn.push_many(shared)
        conns[2].push(b'{"type":"ack","op_id":"only-mine"}')
        cache = flush_pass(conns)
        # Two distinct frames: the shared three messages, and those plus the ack.
        assert len(cache._frames) == 2
        assert cache.frame([shared]) is cache.frame([shared])
        for client in clients:
            await client.read_frames(1)
        assert [c.messages() for c in clients[:2]] == [[{"seq": 0}, {"seq": 1}, {"seq": 2}]] * 2
        assert clients[2].messages()[-1] == {"type": "ack", "op_id": "only-mine"}
        # Straight to the sockets: nothing went through the ASGI send.
        assert server.asgi_sends == []
        for client in clients:
            await client.close()


@pytest.mark.asyncio
async def test_partial_writes_arrive_whole_and_in_order() -> None:
    """Frames far larger than the socket takes at once: the kernel takes part,
    the transport keeps the rest, and what the pass sends next (directly or,
    once the buffer is over its mark, through ASGI in a task) follows it."""
    async with asyncio.timeout(60), serve() as server:
        client = await RawClient.connect(server.port)
        conn = await server.accepted.get()
        sent: list[int] = []
        # The client does not read: sooner or later (bounded: 40 MB) the
        # socket is full and a send has to wait (the ASGI path, in flight).
        while not server.asgi_sends and len(sent) < 800:
            conn.push(orjson.dumps({"i": len(sent), "pad": "y" * 50_000}))
            sent.append(len(sent))
            flush_pass([conn])
            await asyncio.sleep(0)
        assert server.asgi_sends, "the buffer never filled"
        # Later messages queue behind it and leave with the next frame.
        for _ in range(3):
            conn.push(orjson.dumps({"i": len(sent)}))
            sent.append(len(sent))
            flush_pass([conn])
        assert conn.queued == 3
        while len([m for m in client.messages()]) < len(sent):
            await client.read_frames(1)
            flush_pass([conn])  # the hub's pass runs again once the send landed
            await asyncio.sleep(0)
        assert [m["i"] for m in client.messages()] == sent
        await client.close()


@pytest.mark.asyncio
async def test_a_client_that_stops_reading_is_evicted_and_learns_it_must_resync() -> None:
    async with asyncio.timeout(60), serve(queue_limit=50) as server:
        stalled = await RawClient.connect(server.port)
        reading = await RawClient.connect(server.port)
        slow, fine = await server.accepted.get(), await server.accepted.get()
        sent = 0
        # Big messages until the stalled socket is full (bounded: 40 MB), then
        # small ones until its outbox is over the limit.
        while not slow.evicted and sent < 2000:
            message = BIG if slow._in_flight is None else orjson.dumps({"i": sent})
            for conn in (slow, fine):
                conn.push(message)
            flush_pass([slow, fine])
            await reading.read_frames(1)
            await asyncio.sleep(0)
            sent += 1
        assert slow.evicted and slow.close_code == 4008
        # The other client got every message, one frame per pass, meanwhile.
        assert len(reading.messages()) == sent
        assert not fine.evicted
        # Reading again, the stalled client gets what was in flight, then 4008.
        frames = await stalled.read_frames(10_000)
        assert frames[-1].opcode is Opcode.CLOSE
        assert stalled.ws.close_rcvd is not None and stalled.ws.close_rcvd.code == 4008
        for client in (stalled, reading):
            await client.close()


@pytest.mark.asyncio
async def test_finishing_cancels_a_send_the_client_never_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connection_module, "CLOSE_GRACE", 0.2)
    async with asyncio.timeout(60), serve() as server:
        client = await RawClient.connect(server.port)
        conn = await server.accepted.get()
        while conn._in_flight is None:  # fill the socket until a send must wait
            conn.push(BIG)
            flush_pass([conn])
            await asyncio.sleep(0)
        in_flight = conn._in_flight
        conn.close(4000, "bye")
        assert conn.reader is not None
        conn.reader.cancel()  # what the session's end does
        # finish() gives it CLOSE_GRACE, then cancels the waiting send.
        while not in_flight.done():
            await asyncio.sleep(0.05)
        assert in_flight.cancelled()
        # Nothing is written after that: the pass leaves a closed connection alone.
        before = len(server.asgi_sends)
        conn.push(b"{}")
        flush_pass([conn])
        assert len(server.asgi_sends) == before and conn.queued == 0
        await client.close()


@pytest.mark.asyncio
async def test_a_close_during_a_pass_sends_the_frame_then_the_close_and_spares_the_others() -> None:
    async with asyncio.timeout(30), serve() as server:
        clients = [await RawClient.connect(server.port) for _ in range(3)]
        conns = [await server.accepted.get() for _ in clients]
        for conn in conns:
            conn.push(b'{"n":1}')
        # The first is closed by the server, the second's peer vanished
        # (its socket reset), in the middle of the pass.
        conns[0].close(4000, "closing")
        clients[1].writer.transport.abort()
        await asyncio.sleep(0.05)
        flush_pass(conns)
        frames = await clients[0].read_frames(2)
        assert [f.opcode for f in frames] == [Opcode.BINARY, Opcode.CLOSE]
        assert clients[0].messages() == [{"n": 1}]
        await clients[2].read_frames(1)
        assert clients[2].messages() == [{"n": 1}]
        # The vanished one is left alone from now on; the third still gets frames.
        conns[1].push(b'{"n":2}')
        conns[2].push(b'{"n":2}')
        flush_pass(conns[1:])
        await clients[2].read_frames(1)
        assert clients[2].messages() == [{"n": 1}, {"n": 2}]
        for client in (clients[0], clients[2]):
            await client.close()


class _Socket:
    """Just enough of Starlette's WebSocket for a connection that never sends."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}

    async def _send(self, message: dict[str, Any]) -> None:
        raise AssertionError("nothing is sent in this test")


def test_a_run_of_messages_counts_against_the_bound_like_single_pushes() -> None:
    conn = Connection(_Socket(), "board", queue_limit=5)  # type: ignore[arg-type]
    conn.on_pending = lambda _conn: None
    conn.push(b"1")
    conn.push_many((b"2", b"3", b"4"))
    conn.push(b"5")
    assert conn.queued == 5 and not conn.evicted
    from samskapa.realtime.frames import frame_of

    assert frame_of(conn._pending).payload == b"[1,2,3,4,5]"
    # One more message, alone or in a run, is over the bound: evicted, dropped.
    conn.push_many((b"6",))
    assert conn.evicted and conn.close_code == 4008 and conn.queued == 0

    conn = Connection(_Socket(), "board", queue_limit=5)  # type: ignore[arg-type]
    conn.on_pending = lambda _conn: None
    conn.push_many((b"1", b"2", b"3", b"4", b"5"))
    assert not conn.evicted
