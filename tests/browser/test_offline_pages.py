"""No page asks anyone but this server for anything, under the CSP the server
sends: Swagger UI and ReDoc render from the package's own files, and the start
page and the board (with its websocket) work. Every request of each tab is
recorded and must be same-origin; a CSP refusal shows as a console error, which
fails the test too."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, WebSocket, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join
from tests.services import ServerProcess

pytestmark = pytest.mark.browser


def _record(page: Page) -> list[str]:
    """Every URL the tab requests from now on, websockets included."""
    urls: list[str] = []

    def on_request(request: Request) -> None:
        urls.append(request.url)

    def on_websocket(ws: WebSocket) -> None:
        urls.append(ws.url)

    page.on("request", on_request)
    page.on("websocket", on_websocket)
    return urls


def _foreign(urls: list[str], server: ServerProcess) -> list[str]:
    ours = urlsplit(server.http).netloc
    return [u for u in urls if not u.startswith(("data:", "blob:")) and urlsplit(u).netloc != ours]


def test_swagger_ui_and_redoc_render_from_this_server_only(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    page = tabs.open("docs")
    urls = _record(page)
    page.goto(f"{server.http}/docs")
    # Swagger UI really rendered the document: operations, and Authorize for the bearer scheme.
    expect(
        page.locator(".opblock-summary-path", has_text="/api/boards/{board_id}/events")
    ).to_be_visible(timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "docs-swagger-ui.png")
    page.locator("button.authorize").first.click()
    expect(page.get_by_text("member (http, Bearer)")).to_be_visible()
    page.screenshot(path=artifacts / "docs-authorize.png")
    page.keyboard.press("Escape")
    page.goto(f"{server.http}/redoc")
    expect(page.get_by_role("heading", name=re.compile("Samskapa"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("/api/boards/{board_id}/events").first).to_be_attached()
    page.screenshot(path=artifacts / "docs-redoc.png")
    assert any("/static/docs-" in u and u.endswith("swagger-ui-bundle.js") for u in urls)
    assert any(u.endswith("redoc.standalone.js") for u in urls)
    assert _foreign(urls, server) == []
    tabs.assert_clean()


def test_the_start_page_and_the_board_stay_on_this_server(
    server: ServerProcess, tabs: Tabs
) -> None:
    page = tabs.open("participant")
    urls = _record(page)
    page.goto(server.http)
    expect(page.get_by_test_id("create-form")).to_be_visible(timeout=TIMEOUT_MS)
    links = create_board(server)
    # Joining waits until the board is live: the websocket opened under connect-src 'self'.
    join(page, links["participant"], "Amira", "business")
    sockets = [u for u in urls if u.startswith("ws")]
    assert sockets and all(urlsplit(u).path.startswith("/ws/boards/") for u in sockets)
    # Scripts and styles come from the versioned prefix only.
    assets = [u for u in urls if u.endswith((".js", ".css"))]
    assert assets and all(re.search(r"/static/[0-9a-f]{16}/", u) for u in assets)
    assert _foreign(urls, server) == []
    tabs.assert_clean()
