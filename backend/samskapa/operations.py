"""What an operator runs from the command line: export a board to a file, import
one, back up the whole installation (README, "Backup and restore").

Export and import work on the database directly (the server may be running:
export only reads; import adds a new board through an event store of its own,
which the running server loads like any other board when someone opens it).
"""

import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
from sqlalchemy.engine import make_url

from .domain.boardfile import export_document, parse_document
from .domain.replay import record_rows
from .domain.values import Role
from .domain.visibility import Viewer
from .service import Boards
from .settings import Settings
from .store.database import open_database
from .store.eventstore import EventStore
from .store.history import History
from .store.migrate import upgrade

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


async def import_board(settings: Settings, raw: bytes) -> dict[str, str]:
    """A new board from a board file; its three links."""
    document = parse_document(raw)  # refused before the database is touched
    db = open_database(settings.resolved_database_url())
    try:
        await upgrade(db)
        # The server's secret: the new board's links are sealed with it, so its
        # facilitators can be shown them again (access.py).
        store = EventStore(db, secret=settings.voter_secret(db.is_sqlite))
        store.start()
        try:
            created = await Boards(store).import_file(document)
        finally:
            await store.stop()
    finally:
        await db.dispose()
    base = settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"
    return {
        role.value: f"{base}/b/{created.board_id}#k={token}"
        for role, token in created.tokens.items()
    }


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
