"""The board in a real Chromium against a real `samskapa serve` process.

Each test opens one tab per person (each its own browser context, so its own
localStorage), joins through the access links and checks what the others see.
Screenshots go to test-artifacts/browser/.
"""

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import MISSION, create_board, expect_live, join, new_note, write_in_editor
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

# Milliseconds to wait for the server and the other tabs.
T = TIMEOUT_MS
# Reconnecting backs off (0.5 s, 1 s, 2 s … up to 15 s with jitter).
RECONNECT_MS = 45_000
# How long to give something that must NOT happen the chance to happen.
QUIET_MS = 700


# ---- helpers --------------------------------------------------------------------------


def state(page: Page) -> dict[str, Any]:
    board: dict[str, Any] = page.evaluate("() => window.samskapa.state()")
    return board


def notes_with_text(page: Page, text: str) -> list[dict[str, Any]]:
    return [n for n in state(page)["notes"].values() if n["text"] == text]


def note_el(page: Page, note_id: str) -> Locator:
    return page.locator(f'[data-testid="note"][data-id="{note_id}"]')


def wait_js(page: Page, expression: str, arg: Any = None, timeout: int = T) -> None:
    """Wait until `expression` (a JS function of `arg`) is truthy in the page."""
    page.wait_for_function(expression, arg=arg, timeout=timeout)


def wait_note(page: Page, note_id: str, check: str, timeout: int = T) -> None:
    """Wait until the confirmed note `note_id` exists and `check` (JS, of `n`) holds."""
    expression = (
        "id => { const n = window.samskapa.state()?.notes?.[id];"
        f" return Boolean(n && ({check})); }}"
    )
    wait_js(page, expression, note_id, timeout)


def background_point(page: Page) -> tuple[float, float]:
    """A point on the empty board: right of the mission card, above the toolbar."""
    box = page.get_by_test_id("viewport").bounding_box()
    assert box
    return box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3


def box_of(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box(timeout=T)
    assert box, "element not visible"
    return box


def online_names(page: Page) -> Locator:
    return page.get_by_test_id("online-list").locator(".online-name")


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def settle_equal(pages: list[Page], timeout_s: float = T / 1000) -> None:
    """Wait until every page has applied the same last seq."""
    deadline = time.monotonic() + timeout_s
    seqs: list[Any] = []
    while time.monotonic() < deadline:
        seqs = [p.evaluate("() => window.samskapa.lastSeq()") for p in pages]
        if seqs[0] is not None and len(set(seqs)) == 1:
            return
        time.sleep(0.1)
    raise AssertionError(f"pages did not reach the same seq: {seqs}")


# Chromium logs a console error for every websocket that cannot connect.
WS_REFUSED = (
    r"WebSocket connection to 'ws://[^']+/ws/boards/[^']+' failed: "
    r"Error in connection establishment: net::ERR_CONNECTION_REFUSED$"
)


# ---- 1. the start page -------------------------------------------------------------------


def test_start_page_creates_a_board_and_shows_three_links(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    page = tabs.open("start")
    page.goto(f"{server.http}/")
    page.get_by_test_id("create-title").fill("Freight workshop")
    page.get_by_test_id("create-mission").fill(MISSION)
    page.get_by_test_id("create-language").select_option("en")
    page.get_by_test_id("create-submit").click()

    links = {}
    for role in ("facilitator", "participant", "observer"):
        link = page.get_by_test_id(f"link-{role}")
        expect(link).to_be_visible(timeout=T)
        href = link.get_attribute("href")
        assert href
        assert link.text_content() == href
        links[role] = href
    expect(page.get_by_test_id("create-form")).to_be_hidden(timeout=T)

    pattern = re.compile(
        rf"^{re.escape(server.http)}/b/(b_[A-Za-z0-9_-]+)#k=([A-Za-z0-9_-]{{40,}})$"
    )
    parts = {role: pattern.match(href) for role, href in links.items()}
    assert all(parts.values()), links
    board_ids = {m.group(1) for m in parts.values() if m}
    tokens = {m.group(2) for m in parts.values() if m}
    assert len(board_ids) == 1, "the three links name different boards"
    assert len(tokens) == 3, "two roles share a token"
    expect(page.get_by_test_id("open-facilitator")).to_have_attribute(
        "href", links["facilitator"], timeout=T
    )

    # The links really open the board in its role and language.
    board_id = board_ids.pop()
    for role, m in parts.items():
        assert m
        r = httpx.post(
            f"{server.http}/api/boards/{board_id}/access", json={"link": m.group(2)}, timeout=10
        )
        assert r.status_code == 200, r.text
        assert r.json() | {"role": role} == {
            "board_id": board_id,
            "role": role,
            "title": "Freight workshop",
            "language": "en",
        }

    shoot(page, artifacts, "01-start-links")
    tabs.assert_clean()


# ---- 2. two people on one board ---------------------------------------------------------


def test_two_people_see_each_others_changes_live(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    a = tabs.open("A (facilitator)")
    b = tabs.open("B (participant)")
    join(a, links["facilitator"], "Lina", "public")
    join(b, links["participant"], "Amira", "business")

    # Presence: both see both.
    for page in (a, b):
        expect(online_names(page)).to_have_text(["Amira", "Lina"], timeout=T)
    expect(a.get_by_test_id("role-badge")).to_have_text("Facilitator", timeout=T)
    expect(b.get_by_test_id("role-badge")).to_have_text("Participant", timeout=T)
    # The link token leaves the address bar once joined.
    assert "#k=" not in a.url
    assert "#k=" not in b.url

    # A writes a note; B sees it.
    text = "Electric roads on the E20"
    note_id = new_note(a, text)
    wait_note(a, note_id, f"n.text === {text!r}")
    expect(note_el(b, note_id).locator(".note-text")).to_have_text(text, timeout=T)
    assert state(b)["notes"][note_id]["text"] == text
    assert state(b)["notes"][note_id]["origin"] == "facilitator"
    expect(note_el(b, note_id).locator(".note-author")).to_have_text("Lina", timeout=T)

    # B edits it; A sees the new text.
    edited = "Electric roads on the E20 and E6"
    note_el(b, note_id).dblclick()
    editor = b.get_by_test_id("note-editor")
    expect(editor).to_be_visible(timeout=T)
    expect(editor).to_have_value(text, timeout=T)
    editor.press("ControlOrMeta+a")
    write_in_editor(b, edited)
    expect(note_el(a, note_id).locator(".note-text")).to_have_text(edited, timeout=T)
    wait_note(b, note_id, f"n.text === {edited!r}")
    assert state(a)["notes"][note_id]["text"] == edited

    # A drags it; B sees it move.
    before_a = state(a)["notes"][note_id]
    box_b_before = box_of(note_el(b, note_id))
    box = box_of(note_el(a, note_id))
    dx, dy = 180, 90
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    a.mouse.move(cx, cy)
    a.mouse.down()
    a.mouse.move(cx + dx / 2, cy + dy / 2, steps=5)
    a.mouse.move(cx + dx, cy + dy, steps=5)
    a.mouse.up()
    scale_a = a.evaluate("() => window.samskapa.camera().scale")
    want_x = round(before_a["x"] + dx / scale_a)
    want_y = round(before_a["y"] + dy / scale_a)
    check = f"Math.abs(n.x - {want_x}) <= 1 && Math.abs(n.y - {want_y}) <= 1"
    wait_note(a, note_id, check)
    wait_note(b, note_id, check)
    moved_a, moved_b = state(a)["notes"][note_id], state(b)["notes"][note_id]
    assert (moved_a["x"], moved_a["y"]) == (moved_b["x"], moved_b["y"])
    scale_b = b.evaluate("() => window.samskapa.camera().scale")
    box_b_after = box_of(note_el(b, note_id))
    assert box_b_after["x"] - box_b_before["x"] == pytest.approx(
        (moved_b["x"] - before_a["x"]) * scale_b, abs=2
    )
    assert box_b_after["y"] - box_b_before["y"] == pytest.approx(
        (moved_b["y"] - before_a["y"]) * scale_b, abs=2
    )

    # A recolours it (the dragged note stays selected); B sees green.
    expect(a.get_by_test_id("selection-bar")).to_be_visible(timeout=T)
    a.get_by_test_id("color-green").click()
    expect(note_el(b, note_id)).to_have_attribute("data-color", "green", timeout=T)
    expect(note_el(b, note_id)).to_have_class(re.compile(r"\bnote-green\b"), timeout=T)
    wait_note(a, note_id, "n.color === 'green'")
    assert state(b)["notes"][note_id]["color"] == "green"

    # The facilitator adds a frame; B sees it.
    a.get_by_test_id("new-frame").click()
    expect(a.get_by_test_id("frame-dialog")).to_be_visible(timeout=T)
    a.get_by_test_id("frame-title-input").fill("Infrastructure")
    a.get_by_test_id("frame-prompt-input").fill("What must be built by 2030?")
    a.get_by_test_id("frame-submit").click()
    expect(a.get_by_test_id("frame-dialog")).to_be_hidden(timeout=T)
    frame_b = b.get_by_test_id("frame")
    expect(frame_b).to_have_count(1, timeout=T)
    expect(frame_b.locator(".frame-title")).to_have_text("Infrastructure", timeout=T)
    expect(frame_b.locator(".frame-prompt")).to_have_text("What must be built by 2030?", timeout=T)
    # Only the facilitator gets the frame's edit buttons.
    expect(frame_b.locator(".frame-actions")).to_be_hidden(timeout=T)
    expect(a.get_by_test_id("frame").locator(".frame-actions")).to_be_visible(timeout=T)

    settle_equal([a, b])
    assert state(a)["frames"] == state(b)["frames"]
    assert state(a)["notes"] == state(b)["notes"]

    shoot(a, artifacts, "02-two-people-A-facilitator")
    shoot(b, artifacts, "02-two-people-B-participant")
    tabs.assert_clean()


# ---- 3. an observer watches --------------------------------------------------------------


def test_an_observer_sees_live_but_cannot_change_anything(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    a = tabs.open("A (facilitator)")
    c = tabs.open("C (observer)")
    join(a, links["facilitator"], "Lina", "public")
    join(c, links["observer"], "Olle", "citizen")

    badge = c.get_by_test_id("role-badge")
    expect(badge).to_be_visible(timeout=T)
    expect(badge).to_have_text("Observer — read only", timeout=T)
    expect(c.get_by_test_id("new-note")).to_be_hidden(timeout=T)
    expect(c.get_by_test_id("new-frame")).to_be_hidden(timeout=T)
    expect(online_names(a)).to_have_text(["Lina", "Olle"], timeout=T)

    # Double-clicking the empty board makes a note for an editor (A) ...
    x, y = background_point(a)
    a.mouse.dblclick(x, y)
    text = "Depot charging"
    note_id = write_in_editor(a, text)
    wait_note(a, note_id, f"n.text === {text!r}")
    # ... which the observer sees live ...
    expect(note_el(c, note_id).locator(".note-text")).to_have_text(text, timeout=T)

    # ... but the same double-click does nothing for the observer.
    x, y = background_point(c)
    c.mouse.dblclick(x, y)
    c.wait_for_timeout(QUIET_MS)
    expect(c.get_by_test_id("note-editor")).to_have_count(0, timeout=T)
    expect(c.get_by_test_id("note")).to_have_count(1, timeout=T)

    # Double-click on the note: no editor, no selection bar; Enter on it neither.
    note_el(c, note_id).dblclick()
    c.wait_for_timeout(QUIET_MS)
    expect(c.get_by_test_id("note-editor")).to_have_count(0, timeout=T)
    expect(c.get_by_test_id("selection-bar")).to_be_hidden(timeout=T)
    note_el(c, note_id).focus()
    c.keyboard.press("Enter")
    c.keyboard.press("Delete")
    c.wait_for_timeout(QUIET_MS)
    expect(c.get_by_test_id("note-editor")).to_have_count(0, timeout=T)

    # Dragging the note does not move it.
    box = box_of(note_el(c, note_id))
    c.mouse.move(box["x"] + 20, box["y"] + 20)
    c.mouse.down()
    c.mouse.move(box["x"] + 120, box["y"] + 80, steps=5)
    c.mouse.up()
    c.wait_for_timeout(QUIET_MS)
    assert box_of(note_el(c, note_id)) == box

    assert c.evaluate("() => window.samskapa.outbox()") == []
    assert c.evaluate("() => window.samskapa.connState()") == "live"
    settle_equal([a, c])
    assert state(a)["notes"] == state(c)["notes"]
    assert len(state(a)["notes"]) == 1
    assert state(a)["notes"][note_id]["text"] == text

    shoot(c, artifacts, "03-observer")
    tabs.assert_clean()


# ---- 4. offline and back -----------------------------------------------------------------


def test_a_note_written_offline_arrives_once_after_the_server_returns(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    a = tabs.open("A (facilitator)")
    b = tabs.open("B (participant)")
    join(a, links["facilitator"], "Lina", "public")
    join(b, links["participant"], "Amira", "business")
    first = new_note(a, "Before the outage")
    wait_note(b, first, "n.text === 'Before the outage'")

    server.stop()
    for page in (a, b):
        expect(page.get_by_test_id("conn-state")).to_have_attribute(
            "data-state", "offline", timeout=T
        )

    text = "Written while offline"
    note_id = new_note(b, text)
    expect(b.get_by_test_id("outbox-count")).to_have_text("1", timeout=T)
    expect(b.get_by_test_id("outbox-count")).to_be_visible(timeout=T)
    expect(note_el(b, note_id)).to_have_class(re.compile(r"\bpending\b"), timeout=T)
    assert [op["op_id"] for op in b.evaluate("() => window.samskapa.outbox()")] != []
    shoot(b, artifacts, "04-offline-B")

    again = ServerProcess(
        server.database_url, server.data_dir, port=server.port, env=dict(server.env)
    )
    try:
        again.start()
        for page in (b, a):
            expect_live(page, timeout=RECONNECT_MS)
        expect(b.get_by_test_id("outbox-count")).to_be_hidden(timeout=T)
        wait_js(b, "() => window.samskapa.outbox().length === 0")
        wait_note(a, note_id, f"n.text === {text!r}")
        wait_note(b, note_id, f"n.text === {text!r}")
        expect(note_el(b, note_id)).not_to_have_class(re.compile(r"\bpending\b"), timeout=T)
        expect(a.locator(".note-text", has_text=text)).to_have_count(1, timeout=T)

        settle_equal([a, b])
        assert len(notes_with_text(a, text)) == 1
        assert len(notes_with_text(b, text)) == 1
        assert state(a)["notes"] == state(b)["notes"]
        assert len(state(a)["notes"]) == 2

        # The server holds it once too: a fresh reader gets it from a snapshot.
        board_id = state(a)["board"]["id"]
        r = httpx.post(
            f"{again.http}/api/boards/{board_id}/join",
            json={"link": links["observer"].split("#k=")[1], "name": "Audit", "sector": "other"},
            timeout=10,
        )
        r.raise_for_status()
        snap = httpx.get(
            f"{again.http}/api/boards/{board_id}/snapshot",
            headers={"Authorization": f"Bearer {r.json()['credential']}"},
            timeout=10,
        ).json()
        assert [n["text"] for n in snap["state"]["notes"].values()].count(text) == 1

        shoot(a, artifacts, "04-back-online-A")
        shoot(b, artifacts, "04-back-online-B")
    finally:
        again.stop()
    tabs.assert_clean(ignore=WS_REFUSED)


# ---- 5. user text is text ----------------------------------------------------------------


def test_markup_in_notes_and_names_is_shown_as_text(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    a = tabs.open("A (facilitator)")
    b = tabs.open("B (participant)")
    evil_name = '<img src=y onerror="window.__pwned=2">'
    join(a, links["facilitator"], "Lina", "public")
    join(b, links["participant"], evil_name, "other")

    raw = '<img src=x onerror="window.__pwned=1">'
    note_id = new_note(b, raw)
    wait_note(b, note_id, f"n.text === {raw!r}")
    expect(note_el(a, note_id)).to_be_visible(timeout=T)
    # Reload A: the note comes back from a snapshot and is drawn again.
    a.reload()
    expect_live(a)
    expect(note_el(a, note_id)).to_be_visible(timeout=T)
    a.wait_for_timeout(QUIET_MS)  # an injected <img src=x> would have failed to load by now

    for page in (a, b):
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert note_el(page, note_id).locator(".note-text").text_content() == raw
        expect(page.locator("#notes-layer img")).to_have_count(0, timeout=T)
        expect(note_el(page, note_id).locator(".note-author")).to_have_text(evil_name, timeout=T)
        expect(online_names(page).filter(has_text="<img")).to_have_text([evil_name], timeout=T)
        expect(page.locator("#online-list img")).to_have_count(0, timeout=T)

    # The list view draws the same text as text.
    a.get_by_test_id("list-toggle").click()
    expect(a.get_by_test_id("phone-all").locator(".list-note-text")).to_have_text([raw], timeout=T)
    expect(a.get_by_test_id("list-view").locator("img")).to_have_count(0, timeout=T)
    assert a.evaluate("() => typeof window.__pwned") == "undefined"

    shoot(b, artifacts, "05-markup-as-text")
    tabs.assert_clean()
