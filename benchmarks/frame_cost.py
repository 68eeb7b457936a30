"""What one flush pass costs the server's CPU per frame: the ASGI send per
connection against one frame built per pass and written to every socket.

What it measures. A real uvicorn server with samskapa's websocket protocol in
this process, `--receivers` (1,000) real websocket connections from a second
process that reads and throws away everything, and samskapa's `Connection`s on
the server side. Every 50 ms a "commit" of `--events` (5) note.moved events is
queued on every connection and one flush pass sends each connection one frame,
in one of two ways, taking turns in blocks of passes:

* `asgi` (the way before frames were shared): each message pushed to each
  connection one by one, and each connection's frame joined and sent through
  uvicorn's ASGI `send` (websockets' framing, then the socket write);
* `shared` (now): the commit's events pushed as one run (one append per
  connection), each distinct frame built once per pass (`FrameCache`) and its
  bytes written straight to each socket (`WebSocketProtocol.write_frame`).

The figure is the CPU time of the server's thread (`time.thread_time`) for the
pushes and the pass, per frame: other work on a shared machine stretches the
wall clock, hardly the CPU time. Median of the passes per mode (and the 10th
and 90th percentile).

Why. The load benchmarks (fanout_vs_relay.py, workshop_load.py) need a core of
their own to say anything; this one still does when the machine is busy.

    python benchmarks/frame_cost.py
"""

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))

import orjson  # noqa: E402
import uvicorn  # noqa: E402
import uvloop  # noqa: E402
from starlette.websockets import WebSocket  # noqa: E402

from samskapa.realtime.connection import Connection  # noqa: E402
from samskapa.realtime.frames import FrameCache  # noqa: E402
from samskapa.websocket_protocol import WebSocketProtocol  # noqa: E402

# The receivers: connect, then read and drop everything until the server goes.
DRAIN = r"""
import asyncio, sys
from websockets.client import ClientProtocol
from websockets.http11 import Response
from websockets.uri import parse_uri

async def one(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    ws = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}/"))
    ws.send_request(ws.connect())
    writer.write(b"".join(ws.data_to_send()))
    while not any(isinstance(e, Response) for e in ws.events_received()):
        ws.receive_data(await reader.read(65536))
    while await reader.read(262144):
        pass

async def main(port, n):
    await asyncio.gather(*(one(port) for _ in range(n)), return_exceptions=True)

asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
"""


def event(i: int) -> bytes:
    return orjson.dumps(
        {
            "seq": i,
            "type": "note.moved",
            "at": 1764281230001 + i,
            "actor": "m_T2u7cQ0pXk4",
            "op_id": f"o_lz3k2a_{i}",
            "data": {"note_id": f"n_{i % 100}", "x": 10.5 * i, "y": 20.0, "frame_id": None},
        }
    )


async def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    conns: list[Connection] = []
    all_in = asyncio.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        websocket = WebSocket(scope, receive, send)
        await websocket.accept()
        conn = Connection(websocket, "board", 100_000)
        conn.on_pending = lambda _c: None  # the benchmark runs the passes
        conns.append(conn)
        if len(conns) == args.receivers:
            all_in.set()
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, ws=WebSocketProtocol, lifespan="off", log_level="warning", ws_per_message_deflate=False
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    drain = await asyncio.create_subprocess_exec(
        sys.executable, "-c", DRAIN, str(port), str(args.receivers)
    )
    try:
        await all_in.wait()
        direct = [c._write for c in conns]
        costs: dict[str, list[float]] = {"asgi": [], "shared": []}
        seq = 0
        for block in range(args.blocks):
            for mode in ("asgi", "shared") if block % 2 == 0 else ("shared", "asgi"):
                for conn, write in zip(conns, direct, strict=True):
                    conn._write = write if mode == "shared" else None
                for _ in range(args.passes):
                    events = tuple(event(seq + i) for i in range(args.events))
                    seq += args.events
                    start = time.thread_time()
                    if mode == "shared":
                        for conn in conns:
                            conn.push_many(events)
                        cache = FrameCache()
                        for conn in conns:
                            conn.flush(cache)
                    else:
                        for conn in conns:
                            for message in events:
                                conn.push(message)
                        for conn in conns:
                            conn.flush()
                    costs[mode].append((time.thread_time() - start) / len(conns) * 1e6)
                    await asyncio.sleep(0.05)  # let the receivers read; sends that waited land
        return costs
    finally:
        drain.terminate()
        await drain.wait()
        server.should_exit = True
        await serving


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--receivers", type=int, default=1000)
    p.add_argument("--events", type=int, default=5, help="events per pass (one commit)")
    p.add_argument("--blocks", type=int, default=6, help="blocks per mode, taking turns")
    p.add_argument("--passes", type=int, default=30, help="passes per block")
    args = p.parse_args()
    load = os.getloadavg()[0]
    # The event loop `samskapa serve` runs on (uvicorn's "auto": uvloop).
    costs = uvloop.run(measure(args))
    print(
        f"{args.receivers} receivers, {args.events} events per pass, "
        f"{args.blocks * args.passes} passes per mode; load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print("| way | CPU µs per frame: median (p10–p90) | per delivery |")
    print("|---|---|---|")
    for mode, values in costs.items():
        deciles = statistics.quantiles(values, n=10)
        median = statistics.median(values)
        print(
            f"| `{mode}` | {median:.1f} ({deciles[0]:.1f}–{deciles[-1]:.1f}) "
            f"| {median / args.events:.2f} |"
        )


if __name__ == "__main__":
    main()
