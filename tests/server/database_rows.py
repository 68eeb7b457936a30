"""Every stored row of a database as text, read the way an attacker with a copy
of the database would: all tables the database has (found by reflection, not
from the app's metadata, so a table the app forgot is read too)."""

import asyncio
from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import create_async_engine


async def _rows(url: str) -> dict[str, list[str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            meta = MetaData()
            await conn.run_sync(meta.reflect)
            found: dict[str, list[str]] = {}
            for name, table in meta.tables.items():
                result = await conn.execute(select(table))
                found[name] = [repr(tuple(row)) for row in result]
            return found
    finally:
        await engine.dispose()


def all_rows(url: str) -> dict[str, list[str]]:
    """Table name → each row as text (run outside the test's event loop)."""
    return _in_thread(_rows(url))


async def _execute(url: str, statement: Any, params: dict[str, Any]) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(statement, params)
    finally:
        await engine.dispose()


def execute(url: str, statement: Any, **params: Any) -> None:
    _in_thread(_execute(url, statement, params))


def _in_thread(coro: Any) -> Any:
    """Run `coro` in a fresh event loop in a thread, so it works from async tests too."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
