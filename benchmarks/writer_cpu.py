"""The event store's writer alone: CPU per op, in one process, without websockets.

What it measures. An `EventStore` on SQLite (a temporary file, synchronous=FULL)
or PostgreSQL, with `--boards` boards of one participant each. The ops (20 %
`note.create` until a board holds 1,000 notes, 50 % `note.move`, 30 % `note.edit`,
spread round-robin over the boards) are queued `--batch` at a time and awaited
until committed, so every group commit holds `--batch` ops. Reported: the
process's CPU time (user + system, `time.process_time`, which counts the
driver's thread too) per op over the measured ops, and acked ops per second of
wall time; the median of `--runs` runs, each on a fresh database.

Why. CPU time per op is what the writer costs whatever else runs on the machine;
on a shared machine wall-clock throughput says more about the neighbours. To
compare with older code, point PYTHONPATH at that checkout's `backend/`:

    python benchmarks/writer_cpu.py --boards 1 --batch 20
    PYTHONPATH=/path/to/old/backend python benchmarks/writer_cpu.py --boards 1 --batch 20
"""

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from typing import Any

from samskapa.domain.commands import ClientCommand, Mission, client_command_adapter
from samskapa.domain.policy import Actor
from samskapa.domain.values import Language, Role, Sector
from samskapa.service import Boards
from samskapa.store.database import open_database
from samskapa.store.eventstore import EventStore
from samskapa.store.migrate import upgrade

MAX_NOTES = 1000


class Mix:
    """The op mix of benchmarks/ingest.py, per board, deterministic."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.notes: dict[str, list[str]] = {}
        self.n = 0

    def next(self, board_id: str) -> ClientCommand:
        self.n += 1
        notes = self.notes.setdefault(board_id, [])
        r = self.rnd.random()
        x, y = round(self.rnd.random() * 3000, 1), round(self.rnd.random() * 2000, 1)
        data: dict[str, Any]
        if not notes or (r < 0.2 and len(notes) < MAX_NOTES):
            notes.append(f"n{self.n}")
            data = {"type": "note.create", "note_id": f"n{self.n}", "text": "elvägar", "x": x}
            data["y"] = y
        elif r < 0.7:
            data = {"type": "note.move", "note_id": self.rnd.choice(notes), "x": x, "y": y}
        else:
            data = {"type": "note.edit", "note_id": self.rnd.choice(notes), "text": "biogas"}
        return client_command_adapter.validate_python(data)


async def one_run(
    url: str, boards: int, batch: int, ops: int, warmup: int, writers: int
) -> tuple[float, float]:
    db = open_database(url)
    await upgrade(db)
    store = EventStore(db, writers=writers)
    store.start()
    try:
        service = Boards(store)
        members: list[tuple[str, Actor]] = []
        for i in range(boards):
            created = await service.create(f"Writer {i + 1}", Language.EN, Mission())
            joined = await service.join(
                created.board_id, created.tokens[Role.PARTICIPANT], "Ann", Sector.ACADEMIA
            )
            actor = await service.authenticate(created.board_id, joined.credential)
            members.append((created.board_id, actor))
        mix = Mix(seed=1)
        sent = 0

        async def send(count: int) -> None:
            nonlocal sent
            done = 0
            while done < count:
                futures = []
                for _ in range(batch):
                    board_id, actor = members[sent % len(members)]
                    command = mix.next(board_id)
                    futures.append(store.submit(board_id, command, actor, f"o{sent}"))
                    sent += 1
                await asyncio.gather(*futures)
                done += batch

        await send(warmup)
        cpu, wall = time.process_time(), time.perf_counter()
        await send(ops)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return cpu / ops, ops / wall
    finally:
        await store.stop()
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--database-url", help="default: SQLite in a temporary folder")
    p.add_argument("--boards", type=int, default=1)
    p.add_argument("--batch", type=int, default=20, help="ops per group commit (20)")
    p.add_argument("--ops", type=int, default=10_000, help="measured ops per run")
    p.add_argument("--warmup", type=int, default=2_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument(
        "--writers",
        type=int,
        default=1,
        help="PostgreSQL: writer lanes (1: every group commit holds --batch ops; "
        "more split each --batch over the lanes by board)",
    )
    args = p.parse_args(argv)
    if not (1 <= args.boards <= 500 and 1 <= args.batch <= 1000 and 1 <= args.runs <= 10):
        p.error("--boards 1..500, --batch 1..1000, --runs 1..10")
    if args.database_url and "127.0.0.1" not in args.database_url:
        p.error("--database-url: only a database on 127.0.0.1")
    # As the server does (samskapa/app.py): the collector rarely, startup objects frozen.
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    gc.freeze()
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="samskapa-writer-") as tmp:
            url = args.database_url or f"sqlite+aiosqlite:///{tmp}/samskapa.db"
            results.append(
                asyncio.run(
                    one_run(url, args.boards, args.batch, args.ops, args.warmup, args.writers)
                )
            )
    cpu = statistics.median(r[0] for r in results)
    rate = statistics.median(r[1] for r in results)
    kind = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{kind}, {args.boards} board(s), {args.batch} ops per commit, "
        f"{args.writers} writer(s): "
        f"{cpu * 1e6:.0f} µs CPU per op (runs: "
        + ", ".join(f"{r[0] * 1e6:.0f}" for r in results)
        + f"), {rate:,.0f} ops/s wall; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
