"""The ops' short path (websocket_protocol.py, `samskapa.ops`) on a real uvicorn
server and a real socket: an `op` or `ops` frame goes to the session's sink
where it is read; one the sink declines, and every frame behind a message
still waiting for the application, goes the ordinary way, in order."""

import asyncio
from typing import Any

import orjson
import pytest
import websockets
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from samskapa.websocket_protocol import OPS_EXTENSION, SLICE
from tests.realtime.served import serving
from tests.realtime.test_frame_writes import RawClient


def op(op_id: str) -> bytes:
    command = {"type": "note.move", "note_id": "n1", "x": 1, "y": 2}
    return orjson.dumps({"type": "op", "op_id": op_id, "command": command})


class Session:
    """An application that sets an op sink: what the sink took, what came the
    ordinary way, and a gate that stops the application from reading."""

    def __init__(self) -> None:
        self.taken: list[str] = []
        self.ordinary: list[str] = []
        # Both, in the order the session got them.
        self.order: list[str] = []
        self.reading = asyncio.Event()
        self.reading.set()
        self.changed = asyncio.Event()

    def sink(self, data: bytes) -> bool:
        message = orjson.loads(data)
        if "declined" in message.get("op_id", ""):
            return False
        self.taken.append(message.get("op_id") or message["type"])
        self.order.append(self.taken[-1])
        self.changed.set()
        return True

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        scope["extensions"][OPS_EXTENSION]["sink"](self.sink)
        while True:
            await self.reading.wait()
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            body = orjson.loads(message.get("text") or message.get("bytes"))
            self.ordinary.append(body.get("op_id") or body["type"])
            self.order.append(self.ordinary[-1])
            self.changed.set()

    def asgi(self) -> Any:
        """`app` as a plain function (uvicorn takes a bound method for ASGI 2)."""

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            await self.app(scope, receive, send)

        return app

    async def until(self, condition: Any) -> None:
        while not condition():
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 5)


@pytest.mark.asyncio
async def test_ops_go_to_the_sink_unless_declined_or_behind_a_waiting_message() -> None:
    session = Session()
    taken, ordinary, until = session.taken, session.ordinary, session.until

    async with (
        serving(session.asgi()) as port,
        websockets.connect(f"ws://127.0.0.1:{port}/") as client,
    ):
        await client.send(op("first").decode())
        await client.send(orjson.dumps({"type": "ops", "ops": []}).decode())
        await until(lambda: len(taken) == 2)
        await client.send(op("declined-1").decode())
        await until(lambda: ordinary == ["declined-1"])
        # The application does not read for a moment: a ping waits in the
        # queue, and the op behind it must not overtake it.
        session.reading.clear()
        await asyncio.sleep(0.05)  # the reader is parked on the gate
        await client.send(orjson.dumps({"type": "ping"}).decode())
        await client.send(op("behind").decode())
        await asyncio.sleep(0.2)
        assert taken == ["first", "ops"]
        session.reading.set()
        await until(lambda: len(ordinary) == 3)
        assert ordinary == ["declined-1", "ping", "behind"]
        # Nothing waits any more: the short path again.
        await client.send(op("again").decode())
        await until(lambda: len(taken) == 3)
    assert taken == ["first", "ops", "again"]


@pytest.mark.asyncio
async def test_a_read_of_one_whole_frame_skips_the_parser_and_any_other_read_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read that is exactly one text frame goes on without the `websockets`
    parser, to the sink or (declined, or not an op) to the application; a read
    of two frames, or of half a frame, is parsed as always, and the parser's
    state stays right for the frames after it."""
    parsed: list[int] = []
    parse = WebSocketsSansIOProtocol.data_received

    def counted(self: WebSocketsSansIOProtocol, data: bytes) -> None:
        parsed.append(len(data))
        parse(self, data)

    monkeypatch.setattr(WebSocketsSansIOProtocol, "data_received", counted)
    session = Session()
    taken, ordinary, until = session.taken, session.ordinary, session.until

    async with serving(session.asgi()) as port:
        client = await RawClient.connect(port)

        def frames(*messages: bytes) -> bytes:
            for message in messages:
                client.ws.send_text(message)
            return b"".join(client.ws.data_to_send())

        async def write(data: bytes) -> None:
            client.writer.write(data)
            await client.writer.drain()

        handshake = len(parsed)
        await write(frames(op("alone")))
        await until(lambda: taken == ["alone"])
        await write(frames(orjson.dumps({"type": "ping"})))
        await until(lambda: ordinary == ["ping"])
        await write(frames(op("declined-alone")))
        await until(lambda: ordinary == ["ping", "declined-alone"])
        assert len(parsed) == handshake  # none of these went through the parser
        await write(frames(op("first-of-two"), op("second-of-two")))
        await until(lambda: len(taken) == 3)
        assert len(parsed) == handshake + 1
        long_op = op("split-" + "x" * 50)
        whole = frames(long_op)
        await write(whole[:9])
        await asyncio.sleep(0.1)  # a read of its own: the start of a frame
        await write(whole[9:])
        await until(lambda: len(taken) == 4)
        assert len(parsed) == handshake + 3
        # The parser is at a frame's start again: the next read skips it.
        await write(frames(op("after")))
        await until(lambda: len(taken) == 5)
        assert len(parsed) == handshake + 3
        await client.close()
    assert taken == ["alone", "first-of-two", "second-of-two", "split-" + "x" * 50, "after"]


@pytest.mark.asyncio
async def test_what_is_parsed_while_a_message_is_handed_out_waits_behind_it() -> None:
    """A large read is parsed a slice at a time, and the rest only once the
    application takes the message waiting before it: the ops parsed then must
    not reach the sink before the application has that message."""
    session = Session()
    order = session.order
    session.reading.clear()  # the application reads nothing until the write is in
    async with serving(session.asgi()) as port:
        client = await RawClient.connect(port)
        try:
            # One write, larger than a slice: a ping that ends where a slice
            # ends (a masked frame of 4 slices: 8 bytes of header), then ops,
            # which are parsed only once the ping has been taken.
            empty = len(orjson.dumps({"type": "ping", "pad": ""}))
            ping = orjson.dumps({"type": "ping", "pad": "x" * (4 * SLICE - 8 - empty)})
            client.ws.send_text(ping)
            for i in range(5):
                client.ws.send_text(op(f"o{i}"))
            client.writer.write(b"".join(client.ws.data_to_send()))
            await client.writer.drain()
            await asyncio.sleep(0.2)
            assert order == []  # the ping waits for the application, the ops behind it
            session.reading.set()
            await session.until(lambda: len(order) == 6)
            assert order == ["ping", "o0", "o1", "o2", "o3", "o4"]
        finally:
            session.reading.set()
            await client.close()
