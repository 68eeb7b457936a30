"""The facilitator's Notifications section in Chromium: a webhook to a real HTTP
sink, a test message that arrives, the URL never shown back, refusals in words,
keyboard only, in English and Swedish, on a laptop and at 390×844."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join, top_bar
from tests.services import ServerProcess
from tests.sinks import HttpSink

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
REFRESH_DOCS = os.environ.get("SAMSKAPA_DOC_SCREENSHOTS") == "1"


@pytest.fixture
def allowing(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    # The sink listens on loopback: allowed here on purpose (the default refuses).
    env = {"SAMSKAPA_NOTIFY_ALLOW_PRIVATE": "true", "SAMSKAPA_NOTIFY_CHECK_SECONDS": "0.5"}
    server = ServerProcess(sqlite_url, tmp_path / "data", env=env).start()
    try:
        yield server
    finally:
        server.stop()


def shoot(page: Page, artifacts: Path, name: str) -> None:
    path = artifacts / f"notifications-{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    if REFRESH_DOCS:
        shutil.copyfile(path, DOCS_IMG / f"notifications-{name}.png")


def open_section(page: Page) -> None:
    """The facilitator panel by its shortcut, then the section by keyboard."""
    top_bar(page, "fac-toggle").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("fac-panel")).to_be_visible(timeout=T)
    summary = page.get_by_test_id("fac-section-notify").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("notify-enabled")).to_be_visible(timeout=T)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_facilitator_sets_a_webhook_and_a_test_arrives(
    allowing: ServerProcess, tabs: Tabs, artifacts: Path, width: int, height: int
) -> None:
    server = allowing
    hook = HttpSink().start()
    try:
        links = create_board(server, title="Open idea collection")
        fac = tabs.open("facilitator", width=width, height=height, scale=2 if width < 500 else 1)
        join(fac, links["facilitator"], "Lina", "public")
        open_section(fac)
        section = fac.get_by_test_id("fac-section-notify")
        expect(section.get_by_test_id("notify-webhook-saved")).to_have_text("No webhook yet.")
        # Without SMTP on this server: no recipients field, and it says why.
        expect(section.get_by_test_id("notify-emails")).to_be_hidden()
        expect(section.get_by_test_id("notify-no-smtp")).to_be_visible()

        # A URL the server refuses: its reason, in words.
        section.get_by_test_id("notify-enabled").check()
        section.get_by_test_id("notify-webhook").fill(f"{server.http}/hooks")
        section.get_by_test_id("notify-save").click()
        expect(section.get_by_test_id("notify-error")).to_have_text(
            re.compile("this server itself"), timeout=T
        )

        # A good one, by keyboard: typed, then Save with Enter.
        section.get_by_test_id("notify-webhook").fill(hook.url())
        section.get_by_test_id("notify-format").select_option("slack")
        section.get_by_test_id("notify-save").focus()
        fac.keyboard.press("Enter")
        saved = section.get_by_test_id("notify-webhook-saved")
        expect(saved).to_have_text(re.compile("configured: 127.0.0.1"), timeout=T)
        expect(section.get_by_test_id("notify-error")).to_be_hidden()
        expect(section.get_by_test_id("notify-webhook")).to_have_value("")
        assert "secret-path" not in section.inner_text()

        section.get_by_test_id("notify-test").focus()
        fac.keyboard.press("Enter")
        (post,) = hook.wait(1)
        assert post.body["text"].startswith("*Test from Open idea collection*")
        expect(section.get_by_test_id("notify-state")).to_contain_text("last sent", timeout=T)

        # Every control of the section is within the screen's width.
        for control in section.locator("input, select, textarea, button").all():
            if control.is_visible():
                box = control.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        section.evaluate("el => el.scrollIntoView({block: 'start'})")
        size = "phone" if width < 500 else "laptop"
        shoot(fac, artifacts, size)

        # The same section in Swedish.
        top_bar(fac, "lang-toggle").click()
        expect(section.locator("summary")).to_have_text("Aviseringar")
        expect(saved).to_have_text(re.compile("Webhook inställd: 127.0.0.1"))
        expect(section.get_by_test_id("notify-test")).to_have_text("Skicka test")
        if size == "phone":
            section.evaluate("el => el.scrollIntoView({block: 'start'})")
            shoot(fac, artifacts, "phone-sv")
        # The refused URL's answer is the one error the browser logs.
        tabs.assert_clean(ignore="status of 400")
    finally:
        hook.stop()


def test_participants_have_no_notifications_section(allowing: ServerProcess, tabs: Tabs) -> None:
    links = create_board(allowing)
    par = tabs.open("participant")
    join(par, links["participant"], "Amira", "citizen")
    expect(par.get_by_test_id("fac-section-notify")).to_be_hidden()
    tabs.assert_clean()
