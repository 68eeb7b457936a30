"""Alembic environment: runs on a connection handed in by the server, or on its own."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from samskapa.settings import Settings
from samskapa.store.database import open_database
from samskapa.store.tables import metadata

config = context.config


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    db = open_database(Settings().resolved_database_url())
    try:
        async with db.write.begin() as conn:
            await conn.run_sync(run_on)
    finally:
        await db.dispose()


shared = config.attributes.get("connection")
if shared is not None:
    run_on(shared)
else:
    asyncio.run(run_standalone())
