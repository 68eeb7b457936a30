"""What every browser test does first: make a board and join it as a person."""

import os
import shutil
import time
from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import TIMEOUT_MS
from tests.services import ServerProcess

MISSION = "Fossil-free freight in Västra Götaland by 2030"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
REFRESH_DOCS = os.environ.get("SAMSKAPA_DOC_SCREENSHOTS") == "1"


class Camera:
    """Screenshots of a run (`<prefix>-<name>.png` among the artifacts); with
    SAMSKAPA_DOC_SCREENSHOTS=1, `doc=True` also copies one to
    docs/img/<doc_prefix>-<name>.png, so an ordinary run leaves tracked files alone."""

    def __init__(self, artifacts: Path, prefix: str, doc_prefix: str) -> None:
        self.artifacts = artifacts
        self.prefix = prefix
        self.doc_prefix = doc_prefix

    def shoot(self, what: Page | Locator, name: str, doc: bool = False) -> None:
        """A screenshot of a page (its viewport) or of one element."""
        path = self.artifacts / f"{self.prefix}-{name}.png"
        what.screenshot(path=str(path), animations="disabled")
        if doc and REFRESH_DOCS:
            shutil.copyfile(path, DOCS_IMG / f"{self.doc_prefix}-{name}.png")


def create_board(server: ServerProcess, title: str = "Freight workshop") -> dict[str, str]:
    """A new board (through the API); returns its three access links by role."""
    r = httpx.post(
        f"{server.http}/api/boards",
        json={
            "title": title,
            "language": "en",
            "mission": {
                "statement": MISSION,
                "measure": "Fossil-free tonne-km: 22 % → 100 %",
                "deadline": "2030",
            },
        },
        timeout=10,
    )
    r.raise_for_status()
    links: dict[str, str] = r.json()["links"]
    return links


def expect_live(page: Page, timeout: int = TIMEOUT_MS) -> None:
    expect(page.get_by_test_id("conn-state")).to_have_attribute(
        "data-state", "live", timeout=timeout
    )


def join(page: Page, link: str, name: str, sector: str) -> str:
    """Open an access link, join with name and sector, wait until live; returns
    the member id."""
    page.goto(link)
    dialog = page.get_by_test_id("join-dialog")
    expect(dialog).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-sector").select_option(sector)
    page.get_by_test_id("join-submit").click()
    expect(dialog).to_be_hidden(timeout=TIMEOUT_MS)
    expect_live(page)
    page.wait_for_function(
        "name => Object.values(window.samskapa.state()?.participants ?? {})"
        ".some(p => p.name === name)",
        arg=name,
        timeout=TIMEOUT_MS,
    )
    participants = page.evaluate("() => window.samskapa.state().participants")
    (member_id,) = [m["id"] for m in participants.values() if m["name"] == name]
    return str(member_id)


def note_el(page: Page, note_id: str) -> Locator:
    return page.locator(f'[data-testid="note"][data-id="{note_id}"]')


def note_at(page: Page, fx: float, fy: float, text: str) -> str:
    """Double-click the board at a point (fractions of the viewport), write `text`;
    returns the note's id once the server has it."""
    box = page.get_by_test_id("viewport").bounding_box(timeout=TIMEOUT_MS)
    assert box
    page.mouse.dblclick(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    editor = page.get_by_test_id("note-editor")
    expect(editor).to_be_focused(timeout=TIMEOUT_MS)
    note_id = editor.locator("xpath=..").get_attribute("data-id")
    assert note_id
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([id, text]) => window.samskapa.state()?.notes?.[id]?.text === text",
        arg=[note_id, text],
        timeout=TIMEOUT_MS,
    )
    return note_id


def board_point(page: Page, x: float, y: float) -> tuple[float, float]:
    """Where the board point (x, y) is on screen now, as fractions of the viewport
    (for `note_at`)."""
    box = page.get_by_test_id("viewport").bounding_box(timeout=TIMEOUT_MS)
    camera = page.evaluate("() => window.samskapa.camera()")
    assert box
    fx = (camera["x"] + x * camera["scale"]) / box["width"]
    fy = (camera["y"] + y * camera["scale"]) / box["height"]
    assert 0 < fx < 1 and 0 < fy < 1, f"({x}, {y}) is off screen"
    return fx, fy


def write_in_editor(page: Page, text: str) -> str:
    """Type `text` into the open note editor and save it with Enter; returns the note's id."""
    editor = page.get_by_test_id("note-editor")
    expect(editor).to_be_focused(timeout=TIMEOUT_MS)
    note_id = editor.locator("xpath=..").get_attribute("data-id")
    assert note_id
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0, timeout=TIMEOUT_MS)
    return note_id


def new_note(page: Page, text: str) -> str:
    """Create a note with the toolbar button; returns its id (not waiting for the server)."""
    page.get_by_test_id("new-note").click()
    return write_in_editor(page, text)


def top_bar(page: Page, test_id: str) -> Locator:
    """A button of the board's top bar. Up to a laptop's width some of the bar's
    tools wait behind ☰ (on a phone Facilitate too, docs/phone.md): ☰ is opened
    first when the button is not shown and ☰ is."""
    target = page.get_by_test_id(test_id)
    more = page.get_by_test_id("topbar-more")
    if (
        not target.is_visible()
        and more.is_visible()
        and more.get_attribute("aria-expanded") != "true"
    ):
        more.click()
    return target


def use_canvas(page: Page) -> None:
    """A phone opens the board as one column (the list view, docs/phone.md):
    switch to the canvas, as a person can (the browser remembers it)."""
    expect(page.get_by_test_id("phone-view")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_test_id("list-toggle").click()
    expect(page.get_by_test_id("viewport")).to_be_visible(timeout=TIMEOUT_MS)


def end_visit(page: Page, server_http: str, board_id: str) -> None:
    """Close a participant's page once its outbox is empty, and return only when
    the server has noted how far they had seen (GET /me). The mark is set when
    the server notices the closed socket, so whatever others do before that
    would count as already seen: tests of "new since your last visit" must wait."""
    page.wait_for_function("() => !window.samskapa.outbox().length", timeout=TIMEOUT_MS)
    seq = page.evaluate("() => window.samskapa.lastSeq()")
    credential = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
        ".find(k => k.startsWith('samskapa:member:')))).credential"
    )
    page.close()
    end = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        r = httpx.get(
            f"{server_http}/api/boards/{board_id}/me",
            headers={"Authorization": f"Bearer {credential}"},
            timeout=10,
        )
        r.raise_for_status()
        if (r.json()["last_seen_seq"] or 0) >= seq:
            return
        assert time.monotonic() < end, "the visit's end was not noted"
        time.sleep(0.05)
