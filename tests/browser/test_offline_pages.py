"""No page asks anyone but this server for anything, under the CSP the server
sends: Swagger UI and ReDoc render from the package's own files, and the start
page and the board (with its websocket) work. Every request of each tab is
recorded and must be same-origin; a CSP refusal shows as a console error, which
fails the test too."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, WebSocket, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join
from tests.client import create_board as create_api_board
from tests.client import join as join_api
from tests.services import ServerProcess, free_port

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


def test_the_board_connects_over_wss_under_the_csp(
    browser: Browser, tmp_path: Path, sqlite_url: str
) -> None:
    """Behind TLS the page is https and its socket wss: 'self' allows exactly that."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    env = {
        **os.environ,
        "SAMSKAPA_DATABASE_URL": sqlite_url,
        "SAMSKAPA_DATA_DIR": str(tmp_path / "data"),
        "SAMSKAPA_DEMO": "false",
        "SAMSKAPA_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "uvicorn", "samskapa.app:create_app", "--factory"]
    command += ["--port", str(port), "--ssl-keyfile", str(key), "--ssl-certfile", str(cert)]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health", verify=False, timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the TLS server did not start"
                time.sleep(0.2)
        r = httpx.post(f"{base}/api/boards", json={"title": "TLS"}, verify=False, timeout=10)
        link = r.json()["links"]["participant"]
        context = browser.new_context(ignore_https_errors=True)
        try:
            page = context.new_page()
            urls = _record(page)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            join(page, link, "Amira", "business")
            assert next(u for u in urls if u.startswith("ws")).startswith("wss://127.0.0.1:")
            assert errors == []
        finally:
            context.close()
    finally:
        proc.terminate()
        proc.wait(10)
