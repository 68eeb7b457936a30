"""The frontend's files, answered from memory (api/static.py): the bytes on disk
with their type, length, ETag and Last-Modified, 304 while the browser's copy
holds, StaticFiles' own answers for everything that is not a file of the
folder, and, with SAMSKAPA_RELOAD_FRONTEND, an edited file as it is now."""

import os
import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from samskapa.api.static import MemoryStaticFiles
from tests.services import ServerProcess

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def _prefix(http: httpx.Client) -> str:
    found = re.search(r'"(/static/[0-9a-f]{16})/js/app\.js"', http.get("/b/b_x").text)
    assert found is not None
    return found[1]


def test_files_carry_their_type_length_and_validators(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.http, timeout=10) as http:
        prefix = _prefix(http)
        types = {
            "js/app.js": "text/javascript; charset=utf-8",
            "css/board.css": "text/css; charset=utf-8",
            "js/core/vocabulary.json": "application/json",
        }
        for name, kind in types.items():
            for _ in range(2):  # the first answer reads the file, the second is from memory
                r = http.get(f"{prefix}/{name}")
                assert r.status_code == 200, name
                assert r.headers["content-type"] == kind
                assert r.content == (FRONTEND / name).read_bytes()
                assert r.headers["content-length"] == str(len(r.content))
                assert "accept-ranges" not in r.headers
            etag, modified = r.headers["etag"], r.headers["last-modified"]
            # The browser's copy still holds: 304, no body, the same validators.
            for ask in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'}):
                again = http.get(f"{prefix}/{name}", headers=ask)
                assert again.status_code == 304 and again.content == b""
                assert again.headers["etag"] == etag
            since = http.get(f"{prefix}/{name}", headers={"If-Modified-Since": modified})
            assert since.status_code == 304
            other = http.get(f"{prefix}/{name}", headers={"If-None-Match": '"other"'})
            assert other.status_code == 200 and other.content == r.content
        head = http.head(f"{prefix}/js/app.js")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str((FRONTEND / "js/app.js").stat().st_size)


def test_what_is_not_a_file_of_the_folder_is_answered_as_before(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.http, timeout=10) as http:
        prefix = _prefix(http)
        missing = http.get(f"{prefix}/js/missing.js")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
        assert http.get(f"{prefix}/js").status_code == 404  # a folder
        assert http.post(f"{prefix}/js/app.js").status_code == 405
        # Out of the folder: the checkout's pyproject.toml is beside frontend/.
        escape = http.get(f"{prefix}/..%2F..%2Fpyproject.toml")
        assert escape.status_code == 404


def _client(folder: Path, reload: bool) -> httpx.AsyncClient:
    app = Starlette(routes=[Mount("/s", MemoryStaticFiles(directory=folder, reload=reload))])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def _edit(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))  # a later mtime


@pytest.mark.asyncio
async def test_a_file_is_read_once_without_reload(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;")
    async with _client(tmp_path, reload=False) as http:
        first = await http.get("/s/a.js")
        _edit(tmp_path / "a.js", "export const a = 22;")
        kept = await http.get("/s/a.js")
    assert kept.content == first.content == b"export const a = 1;"
    assert kept.headers["etag"] == first.headers["etag"]
    assert "cache-control" not in kept.headers  # the versioned prefix's, from headers.py


@pytest.mark.asyncio
async def test_with_reload_an_edited_file_is_served_as_it_is_now(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;")
    async with _client(tmp_path, reload=True) as http:
        first = await http.get("/s/a.js")
        assert first.headers["cache-control"] == "no-cache"  # the browser asks at every load
        same = await http.get("/s/a.js", headers={"If-None-Match": first.headers["etag"]})
        assert same.status_code == 304 and same.headers["cache-control"] == "no-cache"
        _edit(tmp_path / "a.js", "export const a = 22;")
        fresh = await http.get("/s/a.js", headers={"If-None-Match": first.headers["etag"]})
        assert fresh.status_code == 200 and fresh.content == b"export const a = 22;"
        assert fresh.headers["etag"] != first.headers["etag"]
        assert fresh.headers["content-length"] == "20"
        (tmp_path / "a.js").unlink()
        assert (await http.get("/s/a.js")).status_code == 404
