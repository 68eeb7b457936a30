"""Security headers on every answer (pages, JSON, static files, errors, the API
documentation) and caching that never mixes two versions of the browser modules."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.http11 import Response
from websockets.sync.client import connect

from samskapa.api.headers import SecurityHeaders
from samskapa.app import create_app
from samskapa.settings import Settings
from tests.client import create_board, join
from tests.services import ServerProcess

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
IMMUTABLE = "public, max-age=31536000, immutable"


def _csp(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split("; ")}


def _secured(response: httpx.Response | Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy.split("; ")


def _ws_refusal(url: str, **options: Any) -> Response:
    """The HTTP answer to a websocket handshake the server refuses."""
    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=10, **options).close()
    return refused.value.response


def test_every_kind_of_answer_carries_the_headers(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.http, timeout=10) as http:
        board_page = http.get("/b/b_anything")
        prefix = re.search(r'"(/static/[0-9a-f]{16})/js/app\.js"', board_page.text)
        assert prefix is not None
        answers = {
            "start page": http.get("/"),
            "board page": board_page,
            "json": http.get("/api/templates"),
            "openapi": http.get("/openapi.json"),
            "error": http.get("/api/boards/b_missing/snapshot"),
            "unknown path": http.get("/nothing"),
            "module": http.get(f"{prefix[1]}/js/app.js"),
            "style": http.get(f"{prefix[1]}/css/board/page.css"),
            "swagger ui": http.get("/docs"),
            "redoc": http.get("/redoc"),
            "head": http.head("/api/templates"),
            "not allowed": http.delete("/api/templates"),
            "bad body": http.post("/api/boards", content=b"{not json"),
        }
        board = create_board(server.http)
        lead = join(server.http, board, "facilitator", "Lead")["credential"]
        answers["csv"] = http.get(
            f"/api/boards/{board['board_id']}/notes.csv",
            headers={"Authorization": f"Bearer {lead}"},
        )
        assert answers["csv"].headers["content-type"].startswith("text/csv")
        for name, response in answers.items():
            assert response.status_code < 500, name
            _secured(response)
        # A websocket handshake refused for its origin: an HTTP answer like any other.
        foreign = _ws_refusal(
            f"{server.ws}/ws/boards/{board['board_id']}", origin="https://evil.example"
        )
        assert foreign.status_code == 403
        assert b'"code":"forbidden"' in foreign.body
        _secured(foreign)
        # The pages: only this server, the board's websocket included ('self').
        for name in ("start page", "board page"):
            csp = _csp(answers[name])
            assert csp["connect-src"] == "'self'" and csp["script-src"] == "'self'"
            assert csp["default-src"] == "'self'" and "ws:" not in str(csp)
            assert answers[name].headers["cache-control"] == "no-cache"
        # The documentation: its one inline script by hash, nothing from elsewhere.
        docs = _csp(answers["swagger ui"])
        assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/=]+'", docs["script-src"])
        assert "http" not in answers["swagger ui"].headers["content-security-policy"]
        assert "cdn" not in answers["swagger ui"].text + answers["redoc"].text
        assert answers["json"].headers["cache-control"] == "no-store"


def test_modules_are_cached_for_good_under_a_versioned_prefix(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.http, timeout=10) as http:
        pages = [http.get("/").text, http.get("/b/b_x").text]
        prefixes = {p for page in pages for p in re.findall(r'"(/static/[^/"]+)/', page)}
        assert len(prefixes) == 1, prefixes
        (prefix,) = prefixes
        module = http.get(f"{prefix}/js/app.js")
        assert module.headers["cache-control"] == IMMUTABLE
        again = http.get(f"{prefix}/js/app.js", headers={"If-None-Match": module.headers["etag"]})
        assert again.status_code == 304 and again.headers["cache-control"] == IMMUTABLE
        # Another version's prefix is not served (not even today's file under it),
        # and nor is the unversioned path.
        for stale in ("/static/0123456789abcdef/js/app.js", "/static/js/app.js"):
            gone = http.get(stale)
            assert gone.status_code == 404 and gone.headers["cache-control"] == "no-cache"
            assert gone.json()["code"] == "not_found"


def test_modules_import_each_other_relatively() -> None:
    """So one page load takes every module from the one versioned prefix."""
    specifier = re.compile(
        r"""(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]"""
    )
    found = 0
    for module in (FRONTEND / "js").rglob("*.js"):
        for match in specifier.finditer(module.read_text(encoding="utf-8")):
            target = match[1] or match[2]
            assert target.startswith("./") or target.startswith("../"), (module.name, target)
            found += 1
    assert found > 20


def test_the_version_follows_the_files(tmp_path: Path) -> None:
    from samskapa.api.pages import asset_version

    (tmp_path / "js").mkdir()
    (tmp_path / "board.html").write_text("<html>")
    (tmp_path / "js" / "app.js").write_text("export const a = 1;")
    first = asset_version(tmp_path)
    (tmp_path / "js" / "app.js").write_text("export const a = 2;")
    assert asset_version(tmp_path) != first


@pytest.mark.asyncio
async def test_a_server_failure_carries_the_headers_too(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    assert isinstance(app.build_middleware_stack(), SecurityHeaders)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        r = await http.get("/boom")
    assert r.status_code == 500
    assert r.json() == {"code": "internal_error", "message": "The server failed; try again."}
    _secured(r)
