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
from tests.client import create_board as create_api_board
from tests.client import join as join_api
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
    # Authorize with a real member's credential, then try a read: 200 (connect-src 'self').
    board = create_api_board(server.http)
    member = join_api(server.http, board, "facilitator", "Lina")
    page.locator("button.authorize").first.click()
    expect(page.get_by_text("member (http, Bearer)")).to_be_visible()
    page.locator(".modal-ux input").fill(member["credential"])
    page.locator(".modal-ux button.authorize").click()
    page.screenshot(path=artifacts / "docs-authorize.png")
    page.locator(".modal-ux button.btn-done").click()
    snapshot = page.locator(".opblock", has_text="/api/boards/{board_id}/snapshot")
    snapshot.locator(".opblock-summary").click()
    snapshot.locator("button.try-out__btn").click()
    snapshot.locator("input[placeholder='board_id']").fill(board["board_id"])
    snapshot.locator("button.execute").click()
    status = snapshot.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200", timeout=TIMEOUT_MS)
    assert any(u.endswith(f"/api/boards/{board['board_id']}/snapshot") for u in urls)
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
