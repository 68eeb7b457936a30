"""One participant that floods a board: as many messages as one process can send.

Used by benchmarks/flood.py and tests/server/test_flood.py, always in a process of
its own. It joins nothing itself: give it a member's credential. It says hello,
then sends, as fast as the socket takes them, a repeating mix of cursor moves
(most of it), views, pings, junk (not JSON, unknown types, invalid fields) and
ops far over the op rate. When the server closes the connection it reconnects at
once (unless `--once`), as a hostile client would, until `--seconds` are up.

It prints `{"event": "welcome"}` the first time it is live, then one JSON line
with what it sent and what happened to it:

    python benchmarks/flooder.py --seconds 10 -- ws://127.0.0.1:8000 b_… CREDENTIAL
"""

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections import Counter
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

STEP_TIMEOUT = 10.0
# Sends between yields to the event loop (so the reader sees the close).
YIELD_EVERY = 200


def mix(i: int) -> list[bytes]:
    """One round of the flood: 16 cursors and one of everything else."""
    out = [b'{"type":"cursor","x":%d.5,"y":%d}' % (i % 5000, j) for j in range(16)]
    out += [
        b'{"type":"view","x":0,"y":0,"w":%d,"h":900}' % (1000 + i % 500),
        b'{"type":"ping"}',
        b"{not json",
        b'{"type":"teleport"}',
        b'{"type":"cursor","x":"far","y":1}',
        orjson.dumps(
            {
                "type": "op",
                "op_id": f"flood-{i}",
                "command": {"type": "note.move", "note_id": "nowhere", "x": i, "y": 0},
            }
        ),
    ]
    return out


class Flood:
    def __init__(self, base: str, board_id: str, credential: str) -> None:
        self.url = f"{base}/ws/boards/{board_id}"
        self.credential = credential
        self.sent: Counter[str] = Counter()
        self.close_codes: Counter[str] = Counter()
        self.received: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.connections = 0
        self.welcomed = 0
        self.refused = 0  # handshakes answered with an HTTP status
        self.announced = False
        self.warning: dict[str, Any] | None = None
        self.first_close: int | None = None
        # Seconds spent sending on welcomed connections, and what the first one sent.
        self.live_seconds = 0.0
        self.first_sent: int | None = None

    async def _read(self, ws: ClientConnection, welcome: asyncio.Event) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in ws:
                for msg in orjson.loads(raw):
                    kind = msg.get("type", "?")
                    self.received[kind] += 1
                    if kind == "welcome":
                        welcome.set()
                    elif kind == "error":
                        self.errors[msg.get("code", "?")] += 1
                    elif kind == "warning" and self.warning is None:
                        self.warning = msg

    async def once(self, deadline: float) -> None:
        self.connections += 1
        try:
            ws = await connect(self.url, open_timeout=STEP_TIMEOUT, max_size=None, compression=None)
        except InvalidStatus as refused:
            self.refused += 1
            self.close_codes[f"http {refused.response.status_code}"] += 1
            await asyncio.sleep(0.1)
            return
        welcome = asyncio.Event()
        reader = asyncio.create_task(self._read(ws, welcome))
        try:
            hello = {"type": "hello", "protocol": 1, "credential": self.credential}
            await ws.send(orjson.dumps(hello).decode())
            waiting = asyncio.create_task(welcome.wait())
            await asyncio.wait(
                {waiting, reader}, timeout=STEP_TIMEOUT, return_when="FIRST_COMPLETED"
            )
            waiting.cancel()
            if not welcome.is_set():
                return  # closed right after hello (the cooldown), or no answer
            self.welcomed += 1
            if not self.announced:
                self.announced = True
                print(json.dumps({"event": "welcome"}), flush=True)
            i = 0
            live_from, sent_before = time.monotonic(), sum(self.sent.values())
            # A send waits while the server does not read (TCP flow control):
            # the deadline holds however long that is.
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                while not reader.done():
                    for message in mix(i):
                        await ws.send(message)
                        self.sent[_kind(message)] += 1
                    i += 1
                    if i % (YIELD_EVERY // 20) == 0:
                        await asyncio.sleep(0)
        except (ConnectionClosed, TimeoutError):
            pass
        except AttributeError:
            # The server half-closes after its close frame; CPython's transport
            # then closes itself once our backlog is flushed, and websockets'
            # abort of that closed transport fails this way. Closed either way.
            pass
        finally:
            if welcome.is_set():
                self.live_seconds += time.monotonic() - live_from
                if self.first_sent is None:
                    self.first_sent = sum(self.sent.values()) - sent_before
            ended = not reader.done() and time.monotonic() >= deadline
            if ended:
                # Time is up: drop the connection and whatever is still buffered
                # (a polite close would wait behind the backlog the server has
                # not read).
                ws.transport.abort()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(STEP_TIMEOUT):
                    await reader
            if ended:
                self.close_codes["ended by the flooder"] += 1
            else:
                code = ws.close_code
                self.close_codes[str(code)] += 1
                if self.first_close is None and self.welcomed:
                    self.first_close = code

    async def run(self, seconds: float, reconnect: bool) -> dict[str, Any]:
        start = time.monotonic()
        deadline = start + seconds
        while time.monotonic() < deadline:
            await self.once(deadline)
            if not reconnect:
                break
        wall = time.monotonic() - start
        total = sum(self.sent.values())
        return {
            "event": "result",
            "seconds": round(wall, 3),
            "sent": dict(self.sent),
            "sent_total": total,
            "sent_per_second": round(total / wall, 1) if wall else 0.0,
            "live_seconds": round(self.live_seconds, 3),
            "sent_per_live_second": round(total / self.live_seconds, 1)
            if self.live_seconds
            else 0.0,
            "first_connection_sent": self.first_sent,
            "connections": self.connections,
            "welcomed": self.welcomed,
            "refused": self.refused,
            "close_codes": dict(self.close_codes),
            "first_close": self.first_close,
            "warning": self.warning,
            "received": dict(self.received),
            "errors": dict(self.errors),
        }


def _kind(message: bytes) -> str:
    if message.startswith(b'{"type":"cursor","x":"'):
        return "invalid"
    for kind in ("cursor", "view", "ping", "op"):
        if message.startswith(b'{"type":"%s"' % kind.encode()):
            return kind
    return "invalid"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Flood one board from one participant.")
    parser.add_argument("ws", help="ws://host:port of the server")
    parser.add_argument("board_id")
    parser.add_argument("credential")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to flood (10)")
    parser.add_argument("--once", action="store_true", help="do not reconnect after a close")
    args = parser.parse_args(argv)
    flood = Flood(args.ws, args.board_id, args.credential)
    result = asyncio.run(flood.run(args.seconds, not args.once))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
