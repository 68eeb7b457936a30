"""The workshop report in a real Chromium: it renders under the pages' strict
Content-Security-Policy without a single refusal, on a laptop and a phone, and
Chromium prints it to a PDF.

Screenshots: test-artifacts/browser/report-*.png on every run; with
SAMSKAPA_DOC_SCREENSHOTS=1 also docs/img/report.png (docs/replay.md)."""

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Tabs
from tests.server.replay_workshop import workshop
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
REFRESH_DOCS = os.environ.get("SAMSKAPA_DOC_SCREENSHOTS") == "1"


async def _session(server: ServerProcess) -> tuple[str, str]:
    board, clients, credentials = await workshop(server)
    for c in clients:
        await c.close()
    return board["board_id"], credentials[0]


def test_report_prints_to_pdf_under_the_csp(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    # Playwright's sync API holds this thread's event loop: the workshop runs in another.
    with ThreadPoolExecutor(1) as pool:
        board_id, credential = pool.submit(asyncio.run, _session(server)).result(timeout=300)
    url = f"{server.http}/api/boards/{board_id}/report.html"
    for name, width, height in (("laptop", 1280, 900), ("phone", 390, 844)):
        page = tabs.open(f"report-{name}", width, height)
        page.context.set_extra_http_headers({"Authorization": f"Bearer {credential}"})
        page.goto(url)
        expect(page.locator("h1")).to_have_text("Replay workshop")
        expect(page.get_by_role("heading", name="Målkonflikter")).to_be_visible()
        # The stylesheet applied (a CSP refusal would leave the browser's defaults).
        assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") in (
            "832px",
            "none",
        )
        assert page.locator("svg.chart rect").count() >= 2
        shot = artifacts / f"report-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        if name == "laptop":
            if REFRESH_DOCS:
                shutil.copyfile(shot, DOCS_IMG / "report.png")
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
            (artifacts / "report.pdf").write_bytes(pdf)
    tabs.assert_clean()
