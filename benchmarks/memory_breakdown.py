"""Memory: where the bytes of an idle websocket go, by allocating line and by object type.

What it does. Runs `samskapa serve` (SQLite) in this very process with tracemalloc
on, creates `--boards` boards with `--per-board` members each, then opens idle
websockets from the Node.js load generator (hello, welcome, a ping every 15 s):
first `--n` connections spread over every board, then `--n` more. Between the two
it diffs tracemalloc snapshots (what was allocated and is still held, grouped by
the line that allocated it) and the garbage collector's objects (counted by type,
with their shallow sizes), and prints both per added connection.

Why. `memory.py` says how much an idle connection costs in RSS; this says what
the bytes are, so the next cut goes where most of them sit. tracemalloc counts
Python allocations only (not the allocator's slack or the kernel's socket
buffers), so its total is somewhat below the RSS figure.

With `--deflate` the server runs with uvicorn's permessage-deflate on (which
`samskapa serve` turns off) and the clients ask for it, as browsers do: what
compression would cost each idle connection.

    python benchmarks/memory_breakdown.py --boards 20 --per-board 100 --n 1000
"""

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import threading
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import harness as h
import memory


def census() -> tuple[Counter[str], Counter[str]]:
    """GC-tracked objects by type: how many, and their shallow bytes."""
    count: Counter[str] = Counter()
    size: Counter[str] = Counter()
    for obj in gc.get_objects():
        t = type(obj)
        name = f"{t.__module__}.{t.__qualname__}"
        count[name] += 1
        size[name] += sys.getsizeof(obj)
    return count, size


def snapshot() -> tuple[tracemalloc.Snapshot, Counter[str], Counter[str]]:
    gc.collect()
    # The census first: a snapshot is itself a large list of tuples.
    count, size = census()
    snap = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    return snap, count, size


def report(
    a: tuple[tracemalloc.Snapshot, Counter[str], Counter[str]],
    b: tuple[tracemalloc.Snapshot, Counter[str], Counter[str]],
    added: int,
    top: int,
    frames: int,
) -> None:
    stats = b[0].compare_to(a[0], "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"\n## traced Python memory per added connection: {total / added:,.0f} B")
    print("\n| bytes/conn | blocks/conn | where |\n|---:|---:|---|")
    for s in sorted(stats, key=lambda s: -s.size_diff)[:top]:
        f = s.traceback[0]
        where = f"{_short(f.filename)}:{f.lineno}"
        print(f"| {s.size_diff / added:,.0f} | {s.count_diff / added:.2f} | {where} |")
    if frames > 1:
        print("\n### the largest, with their callers")
        for s in sorted(b[0].compare_to(a[0], "traceback"), key=lambda s: -s.size_diff)[:12]:
            print(f"\n{s.size_diff / added:,.0f} B/conn, {s.count_diff / added:.2f} blocks/conn")
            for f in list(s.traceback)[:frames]:
                print(f"    {_short(f.filename)}:{f.lineno}")
    count = b[1] - a[1]
    size = b[2] - a[2]
    print("\n## GC-tracked objects per added connection (shallow sizes)")
    print("\n| objects/conn | bytes/conn | type |\n|---:|---:|---|")
    for name, n in sorted(count.items(), key=lambda kv: -size[kv[0]])[:top]:
        print(f"| {n / added:.2f} | {size[name] / added:,.0f} | {name} |")


def _short(path: str) -> str:
    for marker in ("site-packages/", "backend/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def drive(args: argparse.Namespace, port: int) -> None:
    """Runs beside the server (which has the main thread); ends the process."""
    try:
        server = h.Server("", Path(), port=port)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if h.httpx.get(f"{server.http}/health", timeout=1).status_code == 200:
                    break
            except h.httpx.HTTPError:
                time.sleep(0.2)
        # Few joins at a time: tracemalloc makes the server several times slower.
        members = asyncio.run(memory.prepare(server, args.boards, args.per_board, 4))
        first = members[:: max(1, len(members) // args.n)][: args.n]
        chosen = {id(x) for x in first}
        second = [x for x in members if id(x) not in chosen][: args.n]
        with _generator(server, first, args.deflate):
            time.sleep(args.settle)
            a = snapshot()
            with _generator(server, second, args.deflate):
                time.sleep(args.settle)
                b = snapshot()
                m = server.metrics()
        print(f"connections held: {m.get('samskapa_connections', float('nan')):g}")
        report(a, b, len(second), args.top, args.frames)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        os._exit(0)


class _generator:
    def __init__(
        self, server: h.Server, members: list[tuple[h.Member, int]], deflate: bool
    ) -> None:
        self.gen = h.Generator(memory.idle_config(server, members, deflate), [], timeout=900)

    def __enter__(self) -> None:
        memory.wait_connected(self.gen.__enter__().events())

    def __exit__(self, *exc: object) -> None:
        self.gen.__exit__(*exc)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--boards", type=int, default=20)
    p.add_argument("--per-board", type=int, default=100)
    p.add_argument("--n", type=int, default=1000, help="connections in each step")
    p.add_argument("--settle", type=float, default=5.0)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--frames", type=int, default=1, help="callers shown for the largest")
    p.add_argument("--deflate", action="store_true", help="permessage-deflate on")
    args = p.parse_args(argv)
    if 2 * args.n > args.boards * args.per_board:
        p.error("--n may be at most half of boards × per-board")
    h.raise_fd_limit()
    port = h.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="samskapa-breakdown-"))
    os.environ.update(
        h.clean_env(
            {
                "SAMSKAPA_DATABASE_URL": f"sqlite+aiosqlite:///{(tmp / 'samskapa.db').as_posix()}",
                "SAMSKAPA_DATA_DIR": str(tmp / "data"),
                "SAMSKAPA_DEMO": "false",
                "SAMSKAPA_LOG_LEVEL": "warning",
                "SAMSKAPA_SECRET": h.RUN_SECRET,
                "SAMSKAPA_REQUEST_TIMEOUT": "60",
            }
        )
    )
    sys.path.insert(0, str(h.REPO / "backend"))
    tracemalloc.start(max(1, args.frames))
    from samskapa.cli import main as samskapa

    if args.deflate:
        import uvicorn

        run = uvicorn.run

        def run_deflating(*a: Any, **kw: Any) -> None:
            run(*a, **{**kw, "ws_per_message_deflate": True})

        uvicorn.run = run_deflating

    threading.Thread(target=drive, args=(args, port), daemon=True).start()
    samskapa(["serve", "--host", "127.0.0.1", "--port", str(port)])


if __name__ == "__main__":
    main()
