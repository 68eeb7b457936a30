"""Replay and the record on a big board: the state at any seq, the timeline,
export and import of a board of 50,000 events.

The board is built in this process through the real event store (so snapshots
are written as the server writes them): 1 facilitator and 60 participants in
six sectors, 12 frames, an agenda, silent writing of 300 private notes and the
reveal, 2,000 notes in all, then mostly moves and edits, groups, goal-conflict
links and an anonymous blind vote of every participant, until the log holds
`--events` events. Then a real `samskapa serve` process on that database
answers, over loopback HTTP:

- `state?seq=N` at random seqs (a cold server each run), and while playing
  forward (every 25th seq over a 5,000-event stretch, as a replay page at 60×);
- `timeline`;
- `export.json?events=true`, and `POST /api/boards/import` of that file.

Times are wall time of the HTTP request on 127.0.0.1 (the server's time plus a
loopback round trip). Median over `--runs`, with the spread.

    python benchmarks/replay.py                 # 50,000 events, 3 runs
    python benchmarks/replay.py --write         # also update docs/benchmarks.md
    python benchmarks/replay.py --events 5000 --runs 1   # a quick trial
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backend"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    RUN_SECRET,
    Server,
    command_line,
    cpu_seconds,
    machine_busy_seconds,
    table,
    write_section,
)

from samskapa.access import new_id
from samskapa.domain.commands import (
    Mission,
    client_command_adapter,
)
from samskapa.domain.policy import Actor
from samskapa.domain.values import Language, Role, Sector
from samskapa.service import Boards
from samskapa.store.database import open_database
from samskapa.store.eventstore import EventStore
from samskapa.store.migrate import upgrade

SECTORS = ["public", "business", "academia", "civil_society", "citizen", "other"]
SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}
FREE = {"write": "open", "edit": "all", "group": True, "link": True, "vote": True}


async def build_board(database_url: str, events: int, seed: int) -> dict[str, Any]:
    """A board of `events` events; returns its id and the facilitator's credential."""
    rng = random.Random(seed)
    db = open_database(database_url)
    await upgrade(db)
    store = EventStore(db, secret=RUN_SECRET.encode())
    store.start()
    boards = Boards(store)
    try:
        created = await boards.create("Benchmark", Language.SV, Mission(statement="Replay"))
        board_id = created.board_id
        fac = await boards.join(board_id, created.tokens[Role.FACILITATOR], "Lina", Sector.PUBLIC)
        people = [
            await boards.join(
                board_id, created.tokens[Role.PARTICIPANT], f"P{i}", Sector(SECTORS[i % 6])
            )
            for i in range(60)
        ]
        lina = Actor(fac.member.id, Role.FACILITATOR)
        actors = [Actor(p.member.id, Role.PARTICIPANT) for p in people]
        pending: list[Any] = []

        def send(actor: Actor, command: dict[str, Any]) -> None:
            parsed = client_command_adapter.validate_python(command)
            pending.append(store.submit(board_id, parsed, actor, new_id("o")))

        async def flush() -> None:
            results = await asyncio.gather(*pending, return_exceptions=True)
            pending.clear()
            failed = [r for r in results if isinstance(r, BaseException)]
            if failed:
                raise failed[0]

        for f in range(12):
            x, y = (f % 4) * 2100, (f // 4) * 1600
            send(
                lina,
                {
                    "type": "frame.create",
                    "frame_id": f"f{f}",
                    "title": f"Ram {f}",
                    "x": x,
                    "y": y,
                    "w": 2000,
                    "h": 1500,
                },
            )
        steps = [
            {"id": "s1", "title": "Tysta idéer", "minutes": 8, "rules": SILENT},
            {"id": "s2", "title": "Arbeta", "minutes": 60, "rules": FREE},
        ]
        send(lina, {"type": "agenda.set", "steps": steps})
        send(lina, {"type": "agenda.go", "step_id": "s1"})
        notes: list[tuple[str, Actor]] = []

        def write(numbers: range, text: str) -> None:
            for i in numbers:
                actor = actors[i % 60]
                notes.append((f"n{i}", actor))
                x, y = rng.uniform(0, 8000), rng.uniform(0, 4500)
                send(
                    actor,
                    {
                        "type": "note.create",
                        "note_id": f"n{i}",
                        "text": f"{text} {i}",
                        "x": x,
                        "y": y,
                    },
                )

        write(range(300), "Tyst idé")  # silent writing, then the reveal
        await flush()
        send(lina, {"type": "notes.reveal"})
        send(lina, {"type": "agenda.go", "step_id": "s2"})
        write(range(300, 2000), "Idé nummer")
        await flush()
        for g in range(100):
            members = [notes[g * 10 + k][0] for k in range(5)]
            send(
                lina,
                {
                    "type": "group.create",
                    "group_id": f"g{g}",
                    "name": f"Grupp {g}",
                    "note_ids": members,
                },
            )
        for k in range(200):
            send(
                lina,
                {
                    "type": "link.create",
                    "link_id": f"l{k}",
                    "from_id": f"n{k}",
                    "to_id": f"n{k + 1000}",
                },
            )
        await flush()
        send(
            lina,
            {
                "type": "vote.open",
                "round_id": "r1",
                "title": "Bäst",
                "budget": 5,
                "cap": 3,
                "blind": True,
                "anonymous": True,
            },
        )
        for actor in actors:
            for _ in range(5):
                send(
                    actor,
                    {"type": "vote.cast", "round_id": "r1", "note_id": f"n{rng.randrange(2000)}"},
                )
        await flush()
        send(lina, {"type": "vote.close", "round_id": "r1"})
        await flush()
        head = (await store.entry(board_id)).state.seq
        batch = 0
        while head < events:
            note_id, actor = notes[rng.randrange(len(notes))]
            if rng.random() < 0.8:
                send(
                    actor,
                    {
                        "type": "note.move",
                        "note_id": note_id,
                        "x": rng.uniform(0, 8000),
                        "y": rng.uniform(0, 4500),
                    },
                )
            else:
                send(
                    actor,
                    {"type": "note.edit", "note_id": note_id, "text": f"Idé {note_id} v{head}"},
                )
            head += 1
            batch += 1
            if batch == 2000:
                await flush()
                batch = 0
        await flush()
        return {
            "board_id": board_id,
            "credential": fac.credential,
            "head": (await store.entry(board_id)).state.seq,
        }
    finally:
        await store.stop()
        await db.dispose()


def timed(client: httpx.Client, method: str, url: str, **kw: Any) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    r = client.request(method, url, **kw)
    elapsed = (time.perf_counter() - started) * 1000
    r.raise_for_status()
    return elapsed, r


def wait_idle(pid: int, limit: float = 120.0) -> float:
    """Seconds until the server stops working on its own (the replay warm-up)."""
    started = time.perf_counter()
    before = cpu_seconds(pid)
    while time.perf_counter() - started < limit:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - before < 0.05:
            break
        before = now
    return time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def one_run(board: dict[str, Any], server: Server, rng: random.Random) -> dict[str, float]:
    head = board["head"]
    auth = {"Authorization": f"Bearer {board['credential']}"}
    base = f"{server.http}/api/boards/{board['board_id']}"
    out: dict[str, float] = {}
    with httpx.Client(headers=auth, timeout=120) as client:
        # As the replay page starts: the timeline, then the first frame, on a cold server.
        out["first_timeline"] = timed(client, "GET", f"{base}/timeline")[0]
        out["first_state"] = timed(client, "GET", f"{base}/state?seq={rng.randint(1, head)}")[0]
        out["warm_s"] = wait_idle(server.pid)
        seeks = [
            timed(client, "GET", f"{base}/state?seq={rng.randint(1, head)}")[0] for _ in range(300)
        ]
        out["seek_p50"], out["seek_p99"] = pct(seeks, 0.5), pct(seeks, 0.99)
        out["seek_max"] = max(seeks)
        stretch = min(5000, head // 2)
        start = rng.randint(1, head - stretch)
        play = [
            timed(client, "GET", f"{base}/state?seq={seq}")[0]
            for seq in range(start, start + stretch, 25)
        ]
        out["play_p50"], out["play_p99"] = pct(play, 0.5), pct(play, 0.99)
        out["timeline"] = timed(client, "GET", f"{base}/timeline")[0]
        out["export"], exported = timed(client, "GET", f"{base}/export.json?events=true")
        out["export_mb"] = len(exported.content) / 1e6
        out["import"], _ = timed(
            client, "POST", f"{server.http}/api/boards/import", content=exported.content
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'samskapa.db'}"
        started = time.perf_counter()
        board = asyncio.run(build_board(url, args.events, args.seed))
        print(
            f"built {board['head']:,} events in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        runs = []
        for run in range(args.runs):
            server = Server(url, Path(tmp) / f"run{run}").start()
            busy = machine_busy_seconds()
            wall = time.perf_counter()
            try:
                result = one_run(board, server, random.Random(args.seed + run))
            finally:
                server.stop()
            result["busy"] = (machine_busy_seconds() - busy) / (time.perf_counter() - wall)
            runs.append(result)
            print(run, {k: round(v, 1) for k, v in result.items()}, file=sys.stderr)

    def fig(key: str, unit: str = " ms") -> str:
        values = [r[key] for r in runs]
        spread = f" ({min(values):,.0f}–{max(values):,.0f})" if len(values) > 1 else ""
        return f"{statistics.median(values):,.0f}{unit}{spread}"

    rows = [
        ["first `timeline` on a cold server", fig("first_timeline"), "", ""],
        ["first `state?seq=N` on a cold server", fig("first_state"), "", ""],
        [
            "`state?seq=N`, random N, after the warm-up (300)",
            fig("seek_p50"),
            fig("seek_p99"),
            "p99 < 100 ms",
        ],
        [
            "`state?seq=N`, playing forward (every 25th seq)",
            fig("play_p50"),
            fig("play_p99"),
            "p99 < 100 ms",
        ],
        ["`timeline` (warm)", fig("timeline"), "", ""],
        ["`export.json?events=true`", fig("export"), "", "< 2 s"],
        ["`POST /api/boards/import` of that file", fig("import"), "", "< 5 s"],
    ]
    lines = [
        "## Replay",
        "",
        f"A board of {board['head']:,} events (2,000 notes, 300 of them written privately and",
        "revealed, 12 frames, 100 groups, 200 links, an anonymous blind vote of 60",
        "participants, then moves and edits) on SQLite; a fresh `samskapa serve` per run.",
        "Wall time of each HTTP request on 127.0.0.1, so the server's time plus a loopback",
        f"round trip. Median of {args.runs} runs (range in brackets); the export file was",
        f"{statistics.median(r['export_mb'] for r in runs):.1f} MB. All processes together (this",
        "script, the server and anything else) kept "
        f"{statistics.median(r['busy'] for r in runs):.0%} of one core busy during a run.",
        "",
        "The first request starts the server's warm-up: it folds the whole log once in the",
        "background, keeping a checkpoint every 250 events (it took "
        f"{statistics.median(r['warm_s'] for r in runs):.0f} s here); until then a seek",
        "folds from the nearest snapshot row, up to a few thousand events on a big board.",
        "",
        *table(["request", "p50 / time", "p99", "target"], rows),
        "",
        "Command: `" + command_line("replay.py", sys.argv[1:]) + "`",
        "",
    ]
    print("\n".join(lines))
    if args.write:
        write_section(lines)


if __name__ == "__main__":
    main()
