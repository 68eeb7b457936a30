"""What an incoming pointer move costs the server's CPU: the ordinary path
(uvicorn's queue, Starlette's receive, the session's task, the message parser)
against the short path (websocket_protocol.py hands it to the session's sink
where the frame is parsed).

What it measures. The real application (`create_app`, SQLite) served by uvicorn
with samskapa's websocket protocol in this process; a second process joins
`--clients` (300) members to one board, opens their websockets, says hello,
then each sends its pointer 10 times a second inside its table's part of the
board (tables of 10, as in workshop_load.py) and reads everything it is sent.
The server's CPU time (`time.process_time`, all its threads) is taken over
`--seconds` of that, once with the short path and once without it (the
protocol then never offers it, so every move goes the ordinary way), taking
turns `--rounds` times with a fresh server each. The figure is CPU time per
pointer move received; it includes the ticks that send the pointers back out,
which are the same both ways (below 500 people the rate stays at 10 Hz).

Why. The load benchmarks need a core of their own to say anything; CPU time per
message still does when the machine is busy.

    python benchmarks/cursor_cost.py
"""

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
import uvloop  # noqa: E402

from samskapa.app import create_app  # noqa: E402
from samskapa.settings import Settings  # noqa: E402
from samskapa.websocket_protocol import WebSocketProtocol  # noqa: E402

# The clients: hello, welcome, a view of their table's area, then pointer moves
# at 10 Hz for the given seconds; they read (and drop) everything they get.
CLIENTS = r"""
import asyncio, json, random, sys, time
from websockets.client import ClientProtocol
from websockets.http11 import Response
from websockets.uri import parse_uri

port, board, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
credentials = json.loads(sys.stdin.read())
sent = 0
ready = []

async def one(i, credential, start):
    global sent
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    ws = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}/ws/boards/{board}"))
    ws.send_request(ws.connect())
    writer.write(b"".join(ws.data_to_send()))
    while not any(isinstance(e, Response) for e in ws.events_received()):
        ws.receive_data(await reader.read(65536))
    ws.send_text(json.dumps({"type": "hello", "protocol": 1, "credential": credential,
                             "last_seq": None}).encode())
    x0, y0 = (i // 10) % 10 * 1600.0, (i // 100) * 1600.0
    ws.send_text(json.dumps({"type": "view", "x": x0, "y": y0, "w": 1600, "h": 900}).encode())
    writer.write(b"".join(ws.data_to_send()))
    await reader.read(262144)  # the welcome: this one is live
    ready.append(i)

    async def drain():
        while await reader.read(262144):
            pass

    draining = asyncio.create_task(drain())
    await start.wait()
    await asyncio.sleep(random.random() * 0.1)
    end = time.monotonic() + seconds
    x, y = x0 + 800, y0 + 450
    while time.monotonic() < end:
        x += random.uniform(-20, 20)
        y += random.uniform(-20, 20)
        ws.send_text(b'{"type":"cursor","x":%.1f,"y":%.1f}' % (x, y))
        writer.write(b"".join(ws.data_to_send()))
        sent += 1
        await asyncio.sleep(0.1)
    draining.cancel()
    writer.close()

async def main():
    start = asyncio.Event()
    tasks = [asyncio.create_task(one(i, c, start)) for i, c in enumerate(credentials)]
    while len(ready) < len(credentials):  # everyone connected and live
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    print("go", flush=True)
    start.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(sent, flush=True)

asyncio.run(main())
"""


async def one_round(args: argparse.Namespace, short: bool, tmp: Path) -> float:
    """CPU µs of the server per pointer move received, one fresh server."""
    db = tmp / f"round-{time.monotonic_ns()}.db"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db}",
        demo=False,
        joins_per_minute=0,
        create_boards_per_minute=0,
        _env_file=None,  # type: ignore[call-arg]
    )
    protocol = WebSocketProtocol
    if not short:

        class Ordinary(WebSocketProtocol):
            def set_cursor_sink(self, sink: object) -> None:
                pass  # never offered: every move goes the ordinary way

        protocol = Ordinary
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings),
        ws=protocol,
        lifespan="on",
        log_level="warning",
        ws_per_message_deflate=False,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event)
        await asyncio.sleep(0.05)
    try:
        http = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=http, timeout=60) as client:
            board = (await client.post("/api/boards", json={"title": "Cursors"})).json()
            token = board["links"]["participant"].split("#k=")[1]
            credentials = []
            for i in range(args.clients):
                body = {"link": token, "name": f"P{i}", "sector": "other"}
                r = await client.post(f"/api/boards/{board['board_id']}/join", json=body)
                credentials.append(r.json()["credential"])
        clients = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLIENTS,
            str(port),
            board["board_id"],
            str(args.seconds),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert clients.stdin is not None and clients.stdout is not None
        clients.stdin.write(str(credentials).replace("'", '"').encode())
        clients.stdin.close()
        await clients.stdout.readline()  # "go"
        cpu, wall = time.process_time(), time.monotonic()
        sent = int((await clients.stdout.readline()) or b"0")
        await clients.wait()
        await asyncio.sleep(1.0)  # what the sockets still held is read
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        # What the server spends with nobody moving (its periodic work), taken away.
        idle = time.process_time()
        await asyncio.sleep(2.0)
        idle = (time.process_time() - idle) / 2.0
        return (cpu - idle * wall) / max(sent, 1) * 1e6
    finally:
        server.should_exit = True
        await serving


async def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    costs: dict[str, list[float]] = {"ordinary": [], "short": []}
    with tempfile.TemporaryDirectory(prefix="samskapa-cursor-cost-") as tmp:
        for r in range(args.rounds):
            for short in (True, False) if r % 2 else (False, True):
                cost = await one_round(args, short, Path(tmp))
                costs["short" if short else "ordinary"].append(cost)
                print(f"  round {r + 1}: {'short' if short else 'ordinary'} {cost:.1f} µs/move")
    return costs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=300)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    load = os.getloadavg()[0]
    costs = uvloop.run(measure(args))
    print(
        f"{args.clients} clients at 10 Hz for {args.seconds:.0f} s, {args.rounds} rounds; "
        f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print("| path | server CPU µs per pointer move: median (min–max) |")
    print("|---|---|")
    for path, values in costs.items():
        print(f"| {path} | {statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f}) |")


if __name__ == "__main__":
    main()
