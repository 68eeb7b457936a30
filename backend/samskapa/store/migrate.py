"""Apply the Alembic migrations at start-up, on the server's own connection."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .database import Database


def alembic_dir() -> Path:
    """Inside an installed wheel the scripts ship in the package; in a checkout, at the top."""
    packaged = Path(__file__).resolve().parent.parent / "alembic"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "alembic"


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several processes may start at once; one migrates, the others wait here.
        connection.execute(text("SELECT pg_advisory_xact_lock(7301949563)"))
    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade(db: Database) -> None:
    async with db.write.begin() as conn:
        await conn.run_sync(_upgrade)
