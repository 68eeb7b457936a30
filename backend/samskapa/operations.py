"""What an operator runs from the command line: export a board to a file, import
one, back up the whole installation (README, "Backup and restore"), purge boards
nobody uses any more (README, "Operations").

Export and import work on the database directly (the server may be running:
export only reads; import adds a new board through an event store of its own,
which the running server loads like any other board when someone opens it).
"""

import contextlib
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from .domain.boardfile import export_document, parse_document
from .domain.replay import record_rows
from .domain.values import Role
from .domain.visibility import Viewer
from .service import SYSTEM_ACTOR, Boards
from .settings import Settings
from .store.database import Database, open_database
from .store.eventstore import EventStore
from .store.history import History
from .store.migrate import upgrade
from .store.tables import events

# The export's viewer: a facilitator who is nobody on the board, so nothing is
# "theirs" (no own private note, no own ballot) and the facilitator's projection
# under the strictest anonymity is what the file holds.
OPERATOR = Viewer(member_id="operator", role=Role.FACILITATOR, voter_id_in=lambda _r: "")


async def export_board(settings: Settings, board_id: str, events: bool) -> bytes:
    db = open_database(settings.resolved_database_url())
    try:
        history = History(db)
        head = await history.head(board_id)
        state, _ = await history.state_at(board_id, head, head, warm=False)
        mode = await history.strictest_anonymity(board_id, head)
        log = None
        if events:
            rows = await history.rows(board_id, head)
            log = record_rows(rows, state, OPERATOR, mode)
        document = export_document(state, mode, int(time.time() * 1000), log)
        return orjson.dumps(document)
    finally:
        await db.dispose()


@contextlib.asynccontextmanager
async def _writer(settings: Settings) -> AsyncIterator[EventStore]:
    """An event store of this command's own on the settings' database (migrated),
    with the server's secret: links are sealed with it (access.py) and anonymous
    authors keyed by it, as the server would."""
    db = open_database(settings.resolved_database_url())
    try:
        await upgrade(db)
        store = EventStore(db, secret=settings.voter_secret(db.is_sqlite))
        store.start()
        try:
            yield store
        finally:
            await store.stop()
    finally:
        await db.dispose()


async def import_board(settings: Settings, raw: bytes) -> dict[str, str]:
    """A new board from a board file; its three links."""
    document = parse_document(raw)  # refused before the database is touched
    async with _writer(settings) as store:
        created = await Boards(store).import_file(document)
    base = settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"
    return {
        role.value: f"{base}/b/{created.board_id}#k={token}"
        for role, token in created.tokens.items()
    }


@dataclass(frozen=True, slots=True)
class Unused:
    """A board nobody has changed since `last_change` (epoch ms)."""

    board_id: str
    last_change: int
    events: int


DAY_MS = 24 * 3600 * 1000


async def unused_boards(db: Database, days: float, now: int) -> list[Unused]:
    """Boards whose last event is older than `days` (a join, a note, a vote, a
    close at the deadline: anything written counts; only looking does not)."""
    cutoff = now - int(days * DAY_MS)
    last = func.max(events.c.at)
    query = (
        select(events.c.board_id, last.label("last"), func.count().label("n"))
        .group_by(events.c.board_id)
        .having(last < cutoff)
        .order_by(last)
    )
    async with db.read.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [Unused(row.board_id, int(row.last), int(row.n)) for row in rows]


async def purge(settings: Settings, days: float, delete: bool) -> list[Unused]:
    """The boards unused for `days`; with `delete`, deleted as a facilitator's
    deletion does (EventStore.delete_board), each recorded as `operator`.
    Servers running on the database close their connections to a purged board
    at their next look at the database (within 5 s)."""
    async with _writer(settings) as store:
        found = await unused_boards(store.db, days, int(time.time() * 1000))
        if delete:
            for board in found:
                await store.delete_board(board.board_id, by="operator")
        return found


async def erase_member(settings: Settings, board_id: str, member_id: str) -> int:
    """`samskapa erase-member`: the same erasure as a facilitator's (Boards.erase),
    by the operator; the seq of `participant.erased`. Servers running on the
    database pass the event on at their next look at it (within 5 s), which
    closes the member's sockets and drops the name from what they hold."""
    async with _writer(settings) as store:
        boards = Boards(store)
        if await store.head_seq(board_id) is None:
            raise await boards.missing(board_id)
        return await boards.erase(board_id, member_id, SYSTEM_ACTOR)


@dataclass(frozen=True, slots=True)
class Backup:
    database: Path
    boards: int
    secret: Path | None


def backup(settings: Settings, folder: Path, with_secret: bool) -> Backup:
    """An online copy of the SQLite database (`VACUUM INTO`: a consistent,
    compact copy taken while the server runs), checked before it is reported."""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("not SQLite")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    target = folder / f"samskapa-{stamp}.db"
    if target.exists():
        raise FileExistsError(target)
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    try:
        source.execute("VACUUM INTO ?", (str(target),))
    finally:
        source.close()
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError(f"the copy {target} failed its integrity check")
        boards = int(copy.execute("SELECT count(*) FROM boards").fetchone()[0])
    finally:
        copy.close()
    secret = None
    key = settings.data_dir / "voter-secret.key"
    if with_secret and not settings.secret and key.exists():
        secret = folder / f"voter-secret-{stamp}.key"
        shutil.copyfile(key, secret)
        secret.chmod(0o600)
    return Backup(target, boards, secret)
