"""A background task that does one thing every few seconds, in the app's lifespan."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    """Runs `step` now and then every `every` seconds until stopped. A failing
    step is logged and tried again next time (the database may be away)."""

    def __init__(self, name: str, every: float, step: Callable[[], Awaitable[object]]) -> None:
        self.name = name
        self.every = every
        self.step = step
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.step()
            except Exception:
                log.warning("%s failed; trying again in %s s", self.name, self.every, exc_info=True)
            await asyncio.sleep(self.every)
