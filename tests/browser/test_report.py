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


def test_the_report_page_gives_print_markdown_and_the_way_back_but_not_on_paper(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    """Opened from replay in a tab of its own, the report must say how to get
    the PDF and the Markdown file and lead back to the board, in the reader's
    language (the report itself is in the board's), on a laptop and a phone."""
    with ThreadPoolExecutor(1) as pool:
        board_id, credential = pool.submit(asyncio.run, _session(server)).result(timeout=300)
    member = {"member_id": "m", "credential": credential, "role": "facilitator"}
    for name, width, height, lang, print_label in (
        ("laptop", 1280, 900, "en", "Print or save as PDF"),
        ("phone", 390, 844, "sv", "Skriv ut eller spara som PDF"),
    ):
        page = tabs.open(f"report-page-{name}", width, height)
        page.goto(f"{server.http}/")
        page.evaluate(
            "([key, member, lang]) => { localStorage.setItem(key, JSON.stringify(member));"
            " localStorage.setItem('samskapa:lang', lang); }",
            [f"samskapa:member:{board_id}", member, lang],
        )
        page.goto(f"{server.http}/b/{board_id}/report")
        expect(page.locator("h1")).to_have_text("Replay workshop")
        bar = page.get_by_test_id("report-tools")
        print_button = bar.get_by_role("button", name=print_label)
        expect(print_button).to_be_in_viewport()
        back = bar.get_by_role("link")
        assert back.get_attribute("href") == f"/b/{board_id}"
        box = print_button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
        # Not a pixel of it on paper.
        page.emulate_media(media="print")
        expect(bar).to_be_hidden()
        page.emulate_media(media="screen")
        expect(bar).to_be_visible()
        if name == "laptop":
            with page.expect_download() as download:
                bar.get_by_role("button", name="Markdown").click()
            saved = artifacts / "report-page.md"
            download.value.save_as(saved)
            text = saved.read_text(encoding="utf-8")
            assert text.startswith("# Replay workshop"), text[:80]
            expect(page.get_by_test_id("report-tools-status")).to_have_text("Markdown: downloaded")
        page.screenshot(path=str(artifacts / f"report-page-{name}.png"))
    tabs.assert_clean()
