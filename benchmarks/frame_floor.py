"""The floor under 50-board ingest: what one small websocket frame in and one
small frame out cost a Python server on this stack, with nothing else done.

What it measures. A server that does no work besides the websocket itself:
it answers `hello` with a `welcome`, and each `op` frame with one frame that
holds the op's event and its ack (as Samskapa's sender gets them), no
parsing of JSON, no database. The same Node.js generator as *Ingest* drives it
(`node/loadgen.mjs`, one connection per board, 50 boards, a rising open-loop
rate, every op in a frame of its own at these rates), the server pinned to
CPU 0 and the generator to CPU 1. For each step: acked frames per second,
the ack p99, the frames the server wrote and its CPU, from which the CPU per
op (nearly one frame each way: the frames column shows how nearly).

Two servers:
- `uvicorn`: an ASGI app under uvicorn with its websockets protocol and
  uvloop, as Samskapa is served (`receive`, `send`, one task per connection);
- `protocol`: a bare uvloop `asyncio.Protocol` that does the handshake and
  the framing itself (websockets' C `apply_mask` to unmask) and writes the
  answer from `data_received`: no ASGI, no task, no parser object. About
  the least any Python server on uvloop can do per frame.

Why. The issue's target of 15,000 acked ops/s on 50 boards with the server on
one core is a budget of about 60 µs per op, receive and answer included. This
measures how much of that the frame alone takes.

    python benchmarks/frame_floor.py --runs 1 --rates 5000,10000,15000,20000
"""

import argparse
import asyncio
import base64
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import fanout_vs_relay
import harness as h

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPID = b'"op_id":"'
RATES = "2000,5000,10000,15000,20000,25000"


# -- the servers -------------------------------------------------------------------------------


def _answer(payload: bytes, seq: int) -> tuple[bytes, int]:
    """Each op's event and its ack, in one JSON array (as the generator reads
    them), and the board's seq after them."""
    parts = []
    at = payload.find(OPID)
    if at < 0:
        return (b'[{"type":"welcome"}]' if b'"hello"' in payload else b""), seq
    while at >= 0:
        start = at + len(OPID)
        end = payload.find(b'"', start)
        op_id = payload[start:end]
        seq += 1
        s = str(seq).encode()
        parts.append(
            b'{"seq":' + s + b',"type":"note.moved","op_id":"' + op_id + b'"},'
            b'{"type":"ack","op_id":"' + op_id + b'","seq":' + s + b"}"
        )
        at = payload.find(OPID, end)
    return b"[" + b",".join(parts) + b"]", seq


def _frame(payload: bytes) -> bytes:
    """A server text frame (unmasked, FIN)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return bytes((0x81, 126)) + n.to_bytes(2, "big") + payload
    return bytes((0x81, 127)) + n.to_bytes(8, "big") + payload


class _Bare(asyncio.Protocol):
    """Handshake, then client frames (masked) answered right in data_received."""

    def __init__(self) -> None:
        from websockets.speedups import apply_mask

        self.apply_mask = apply_mask
        self.buf = b""
        self.open = False
        self.seq = 0
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            key = b""
            for line in buf[:end].split(b"\r\n"):
                if line.lower().startswith(b"sec-websocket-key:"):
                    key = line.split(b":", 1)[1].strip()
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            self.transport.write(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            self.open = True
            buf = buf[end + 4 :]
        out = []
        while len(buf) >= 6:
            opcode = buf[0] & 0x0F
            n = buf[1] & 0x7F
            at = 2
            if n == 126:
                n = int.from_bytes(buf[2:4], "big")
                at = 4
            elif n == 127:
                n = int.from_bytes(buf[2:10], "big")
                at = 10
            if len(buf) < at + 4 + n:
                break
            payload = self.apply_mask(buf[at + 4 : at + 4 + n], buf[at : at + 4])
            buf = buf[at + 4 + n :]
            if opcode == 0x8:
                self.transport.write(b"\x88\x02\x03\xe8")
                self.transport.close()
                return
            if opcode == 0x1:
                answer, self.seq = _answer(payload, self.seq)
                if answer:
                    out.append(_frame(answer))
        self.buf = buf
        if out:
            self.transport.write(b"".join(out) if len(out) > 1 else out[0])


async def _asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    seq = 0
    while True:
        message = await receive()
        if message["type"] != "websocket.receive":
            return
        text = message.get("text")
        payload = text.encode() if text is not None else (message.get("bytes") or b"")
        answer, seq = _answer(payload, seq)
        if answer:
            await send({"type": "websocket.send", "text": answer.decode()})


def serve(kind: str, port: int) -> None:
    import uvloop

    if kind == "uvicorn":
        import uvicorn

        uvicorn.run(
            _asgi,
            host="127.0.0.1",
            port=port,
            loop="uvloop",
            ws="websockets-sansio",
            ws_per_message_deflate=False,
            ws_ping_interval=None,
            log_level="warning",
            access_log=False,
        )
        return

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Bare, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    uvloop.run(main())


# -- the benchmark -----------------------------------------------------------------------------


def _wait_port(port: int, timeout: float = h.STEP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def run(kind: str, rates: list[int], args: argparse.Namespace, run_no: int) -> list[dict[str, Any]]:
    port = h.free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port)],
        preexec_fn=h.preexec(args.server_cpus),
        env=h.clean_env({}),
    )
    try:
        _wait_port(port)
        connections = [
            {
                "url": f"ws://127.0.0.1:{port}/ws/boards/b{i}",
                "credential": "x",
                "lastSeq": 0,
                "board": f"b{i}",
                "sender": True,
            }
            for i in range(args.boards)
        ]
        # The op mix and frames of ingest.py.
        config = {
            "protocol": "samskapa",
            "connections": connections,
            "seed": run_no + 1,
            "settleMs": 500,
            "batchOps": args.batch_ops,
            "steps": fanout_vs_relay.steps([float(r) for r in rates], args),
        }
        steps = []
        with h.Generator(config, [h.Watched("server", proc.pid)], cpus=args.generator_cpus) as gen:
            for message in gen.events():
                if message["event"] != "result":
                    continue
                w = message["window"]
                acked = message["ackedOps"] / message["seconds"]
                server = w.core_share("server")
                step = {
                    "rate": message["rate"],
                    "acked": acked,
                    "p99": message["ack"]["p99"],
                    "server": server,
                    "generator": w.core_share("generator"),
                    "others": w.others_share,
                    "us_per_op": server * 1e6 / acked if acked else float("nan"),
                    # Frames the server wrote (one per op frame it read).
                    "frames": message["framesPerClientPerSecond"] * args.boards,
                    "lost": message["lost"],
                }
                steps.append(step)
                print(
                    f"  {kind} run {run_no + 1} {step['rate']:g}/s offered: {acked:,.0f} acked/s, "
                    f"ack p99 {h.ms(step['p99'])} ms, server {100 * server:.0f} %, "
                    f"{step['us_per_op']:.1f} µs/op, {step['frames']:,.0f} frames/s out, generator "
                    f"{100 * step['generator']:.0f} %, others {100 * step['others']:.0f} %, "
                    f"lost {step['lost']}",
                    file=sys.stderr,
                    flush=True,
                )
                if acked < 0.9 * message["rate"]:
                    break  # saturated: this step shows the most it answers
    finally:
        h.stop_process(proc)
    return steps


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--serve", choices=("uvicorn", "protocol"), help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--servers", default="protocol,uvicorn", help="which servers (both)")
    p.add_argument("--rates", default=RATES, help=f"frames per second offered ({RATES})")
    p.add_argument("--boards", type=int, default=50, help="connections, one per board (50)")
    p.add_argument("--batch-ops", type=int, default=100, help="ops per frame at most (100)")
    p.add_argument("--duration", type=float, default=4.0, help="measured seconds per step (4)")
    p.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds per step (1)")
    p.add_argument("--runs", type=int, default=3, help="runs per server; medians (3)")
    p.add_argument("--server-cpus", default="0", help="CPUs of the server (0)")
    p.add_argument("--generator-cpus", default="1", help="CPUs of the generator (1)")
    args = p.parse_args(argv)
    args.rates = [int(r) for r in args.rates.split(",")]
    args.server_cpus = [int(c) for c in args.server_cpus.split(",")]
    args.generator_cpus = [int(c) for c in args.generator_cpus.split(",")]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    print(f"load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
    for kind in args.servers.split(","):
        runs = [run(kind, args.rates, args, i) for i in range(args.runs)]
        print(f"{kind}: median over {args.runs} run(s)")
        for i, rate in enumerate(args.rates):
            at = [r[i] for r in runs if len(r) > i]
            if not at:
                break
            med = {k: statistics.median(s[k] for s in at) for k in ("acked", "server", "generator")}
            per = statistics.median(s["us_per_op"] for s in at)
            frames = statistics.median(s["frames"] for s in at)
            p99 = statistics.median(s["p99"] or float("nan") for s in at)
            print(
                f"  {rate:>6,}/s offered: {med['acked']:>8,.0f} acked/s, ack p99 {p99:.2f} ms, "
                f"server {100 * med['server']:.0f} % of a core, {per:.1f} µs per op, "
                f"{frames:,.0f} frames/s out, "
                f"generator {100 * med['generator']:.0f} %"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
