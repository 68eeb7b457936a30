"""The facilitators' Share panel in a real Chromium against a real server: the
participant and observer links with copy buttons and QR codes, "Replace link"
with its confirmation (by keyboard), the old link refused at once while people
who joined keep their access; in English and Swedish, on a laptop and at
390×844. Screenshots: test-artifacts/browser/share-*.png (and, with
SAMSKAPA_DOC_SCREENSHOTS=1, docs/img/share-*.png)."""

import os
import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, expect_live, join, top_bar
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
REFRESH_DOCS = os.environ.get("SAMSKAPA_DOC_SCREENSHOTS") == "1"


def shoot(page: Page, artifacts: Path, name: str) -> None:
    path = artifacts / f"share-{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    if REFRESH_DOCS:
        shutil.copyfile(path, DOCS_IMG / f"share-{name}.png")


def token(link: str) -> str:
    return link.split("#k=")[1]


def qr_drawn(page: Page, role: str) -> None:
    page.wait_for_function(
        "role => document.querySelector(`[data-testid=share-qr-${role}]`).naturalWidth > 0",
        arg=role,
        timeout=T,
    )


def test_share_panel_shows_copies_and_replaces_links(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    board_id = links["participant"].split("/b/")[1].split("#")[0]

    amira = tabs.open("participant")
    join(amira, links["participant"], "Amira", "business")
    expect(amira.get_by_test_id("share-toggle")).to_be_hidden()

    lina = tabs.open("facilitator")
    join(lina, links["facilitator"], "Lina", "public")
    toggle = top_bar(lina, "share-toggle")
    expect(toggle).to_be_visible()
    # Keyboard: the button opens the panel.
    toggle.focus()
    lina.keyboard.press("Enter")
    dialog = lina.get_by_test_id("share-dialog")
    expect(dialog).to_be_visible()
    for role in ("participant", "observer"):
        expect(lina.get_by_test_id(f"share-link-{role}")).to_have_value(
            links[role].replace(links[role].split("/b/")[0], server.http), timeout=T
        )
        qr_drawn(lina, role)
    lina.get_by_test_id("share-copy-participant").click()
    expect(lina.get_by_test_id("share-status")).to_have_text("Copied.")
    shoot(lina, artifacts, "panel")

    # Replace the participant link: first a confirmation that says what happens.
    lina.get_by_test_id("share-replace-participant").click()
    box = lina.get_by_test_id("share-confirm-box")
    expect(box).to_be_visible()
    expect(lina.get_by_test_id("share-confirm-text")).to_contain_text("stops working at once")
    expect(lina.get_by_test_id("share-cancel")).to_be_focused()
    shoot(lina, artifacts, "confirm")
    lina.keyboard.press("Enter")  # Cancel: nothing changes
    expect(box).to_be_hidden()
    assert token(lina.get_by_test_id("share-link-participant").input_value()) == token(
        links["participant"]
    )
    lina.get_by_test_id("share-replace-participant").click()
    lina.get_by_test_id("share-confirm").focus()
    lina.keyboard.press("Enter")
    expect(lina.get_by_test_id("share-status")).to_contain_text("no longer works", timeout=T)
    new = lina.get_by_test_id("share-link-participant").input_value()
    assert token(new) != token(links["participant"])
    qr_drawn(lina, "participant")

    # The old link is refused at once; the new one opens the board; Amira stays.
    old = httpx.post(
        f"{server.http}/api/boards/{board_id}/access",
        json={"link": token(links["participant"])},
        timeout=10,
    )
    assert old.status_code == 403 and old.json()["code"] == "invalid_link"
    late = tabs.open("late")
    join(late, new, "Omar", "academia")
    amira.reload()
    expect_live(amira)
    lina.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # A phone, in Swedish: the panel fits and its buttons are large enough to tap.
    phone = tabs.open("phone", 390, 844, scale=2)
    phone.goto(links["facilitator"].replace(links["facilitator"].split("/b/")[0], server.http))
    join(phone, links["facilitator"], "Lina på telefonen", "public")
    top_bar(phone, "lang-toggle").click()
    top_bar(phone, "share-toggle").click()
    panel = phone.get_by_test_id("share-dialog")
    expect(panel).to_be_visible()
    expect(phone.get_by_test_id("share-replace-participant")).to_have_text("Byt länk…")
    qr_drawn(phone, "observer")
    box_size = panel.bounding_box()
    assert box_size is not None and box_size["x"] >= 0 and box_size["x"] + box_size["width"] <= 390
    for button in phone.locator(".share-dialog button").all():
        if button.is_visible():
            size = button.bounding_box()
            assert size is not None and size["height"] >= 44, button.inner_text()
    shoot(phone, artifacts, "phone-sv")
    tabs.assert_clean(ignore="403|Failed to load resource")
