"""uvicorn's websocket protocol as `samskapa serve` runs it (websocket_protocol.py):
a large read is parsed a slice at a time, and once the server has sent its close
frame it half-closes the connection and reads nothing more, so a client's backlog
costs it nothing."""

import asyncio
from pathlib import Path

import pytest
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from tests.client import Client, create_board, join, note
from tests.services import ServerProcess

# /proc/net/tcp states after the server's FIN: not yet acknowledged, acknowledged
# (either way the client's stream to the server is still open).
FIN_WAIT = {"04", "05"}


def _server_side(server_port: int, client_port: int) -> tuple[str, int] | None:
    """The server end of this TCP connection: its state and socket inode (0: the
    process has closed the socket and the kernel finishes it alone)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if (
            int(local.rsplit(":", 1)[1], 16) == server_port
            and int(remote.rsplit(":", 1)[1], 16) == client_port
        ):
            return fields[3], int(fields[9])
    return None


@pytest.mark.asyncio
async def test_after_its_close_frame_the_server_half_closes_and_reads_nothing_more(
    server: ServerProcess,
) -> None:
    board = create_board(server.http)
    async with asyncio.timeout(60):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        client_port = writer.get_extra_info("sockname")[1]
        ws = ClientProtocol(parse_uri(f"{server.ws}/ws/boards/{board['board_id']}"))
        ws.send_request(ws.connect())
        writer.write(b"".join(ws.data_to_send()))
        while not any(isinstance(e, Response) for e in ws.events_received()):
            ws.receive_data(await reader.read(65536))

        # Not a hello: the server closes with 4000. Behind it, a backlog of
        # messages, as a flooder has when it is closed.
        ws.send_text(b'{"type":"ping"}')
        for i in range(20_000):
            ws.send_text(b'{"type":"cursor","x":%d,"y":0}' % i)
        writer.write(b"".join(ws.data_to_send()))
        drain = asyncio.create_task(writer.drain())

        frames: list[Frame] = []
        while data := await reader.read(65536):
            ws.receive_data(data)
            frames += [e for e in ws.events_received() if isinstance(e, Frame)]
        # The close frame, then the end of the server's stream, although this
        # client has not answered the close (nor read its own backlog's fate).
        assert [f.opcode for f in frames] == [Opcode.CLOSE]
        assert ws.close_rcvd is not None and ws.close_rcvd.code == 4000
        # Half-closed, not closed: the server still holds the socket and takes
        # (and drops) what arrives, until this client ends its side.
        state = _server_side(server.port, client_port)
        assert state is not None and state[0] in FIN_WAIT and state[1] != 0, state
        await drain
        writer.close()
        await writer.wait_closed()


@pytest.mark.asyncio
async def test_messages_larger_than_a_slice_and_many_at_once_are_read_whole(
    server: ServerProcess,
) -> None:
    """What arrives in one large read goes to the parser a few kilobytes at a
    time: a message of many slices, and a burst of messages, arrive whole and in
    order."""
    board = create_board(server.http)
    c = Client(
        server.ws, board["board_id"], join(server.http, board, "participant", "P")["credential"]
    )
    async with asyncio.timeout(60):
        await c.connect()
        # 30 KB: seven slices. Not a valid ping (no field "pad"), so the answer
        # shows that it was read whole: the error for exactly this message.
        await c.send('{"type":"ping","pad":"%s"}' % ("x" * 30_000))
        error = await c.wait_for(lambda m: m.get("type") == "error")
        assert error["code"] == "invalid_message"
        # Forty notes back to back (what arrives together is read as one, several
        # slices long), within the op budget: every one acknowledged, in order.
        op_ids = [await c.op(note(f"n{i}", "t" * 400, 10 * i, 0)) for i in range(40)]
        for op_id in op_ids:
            assert (await c.result(op_id))["type"] == "ack"
        assert [e["op_id"] for e in c.events if e["op_id"] in op_ids] == op_ids
        assert c.closed_code is None
        await c.close()
