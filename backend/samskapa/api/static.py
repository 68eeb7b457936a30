"""The frontend's files, answered from memory.

A board page loads about 120 modules and style sheets. Starlette's StaticFiles
looks each one up, stats it and reads it in a worker thread on every request:
about 4 ms of the server's time a file on this project's machines, and one
Python process hands them out one after another, so the page waited 0.4-0.8 s
for its files (docs/benchmarks.md, "First render"). Here a file is read once,
on its first request, and every later answer is the kept bytes with the same
headers StaticFiles gives (content type, length, ETag, Last-Modified), and a 304
when the browser's `If-None-Match` or `If-Modified-Since` still holds.

Everything else (paths outside the folder, directories, methods other than GET
and HEAD, missing files) is StaticFiles' own answer. What is kept is bounded by
the folder: only files that exist in it are kept.

With `reload` (SAMSKAPA_RELOAD_FRONTEND, for working on the frontend) each
answer first looks at the file's modification time and size and reads it again
when they changed, and the answer says `no-cache` instead of the versioned
prefix's year-long `immutable` (headers.py), so the browser asks again at every
load and an edited file is seen without a restart.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from .headers import REVALIDATE


@dataclass(frozen=True, slots=True)
class Kept:
    full_path: str
    body: bytes
    headers: dict[str, str]
    stamp: tuple[int, int]  # (st_mtime_ns, st_size) when it was read


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_mtime_ns, stat.st_size


class MemoryStaticFiles(StaticFiles):
    def __init__(self, *, directory: Path, reload: bool = False) -> None:
        super().__init__(directory=directory)
        self.reload = reload
        self._kept: dict[str, Kept] = {}

    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            return await super().get_response(path, scope)
        kept = self._kept.get(path)
        if kept is not None and self.reload and not self._unchanged(kept):
            kept = None
        if kept is None:
            kept = await anyio.to_thread.run_sync(self._read, path)
            if kept is None:  # not a file in the folder: StaticFiles says what it is
                return await super().get_response(path, scope)
            self._kept[path] = kept
        if self.is_not_modified(Headers(kept.headers), Headers(scope=scope)):
            return NotModifiedResponse(Headers(kept.headers))
        return Response(kept.body, headers=kept.headers)

    def _unchanged(self, kept: Kept) -> bool:
        try:
            return _stamp(os.stat(kept.full_path)) == kept.stamp
        except OSError:
            return False

    def _read(self, path: str) -> Kept | None:
        try:
            full_path, stat = self.lookup_path(path)
        except (OSError, ValueError):
            return None  # StaticFiles answers these (401, 404)
        if stat is None or not os.path.isfile(full_path):
            return None
        try:
            with open(full_path, "rb") as file:
                stat = os.fstat(file.fileno())  # of exactly the bytes read
                body = file.read()
        except OSError:
            return None
        # The headers FileResponse would send for this file, made once.
        headers = dict(FileResponse(full_path, stat_result=stat).headers)
        headers["content-length"] = str(len(body))
        del headers["accept-ranges"]  # a Range is not answered from memory: the whole file is
        if self.reload:
            headers["cache-control"] = REVALIDATE
        return Kept(full_path, body, headers, _stamp(stat))
