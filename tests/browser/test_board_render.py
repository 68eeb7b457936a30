"""A large board in Chromium: only the notes near the screen are in the DOM, far
out a note is a coloured block without text, and the keyboard (Tab from note to
note) and the list view still reach every note, also those not in the DOM.

How fast it draws is measured in benchmarks/board_render.py, not here."""

import asyncio
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import Camera, create_board, join, note_el
from tests.client import Client
from tests.services import ServerProcess

T = TIMEOUT_MS * 3
NOTES = 80
# Even notes in one cluster, odd ones in another far to the right: two notes
# next to each other in board order are never on screen together at 100 %.
CLUSTER_GAP = 8_000
COLS = 8


def where(i: int) -> tuple[float, float]:
    k = i // 2
    return (i % 2) * CLUSTER_GAP + (k % COLS) * 200, (k // COLS) * 180


async def seed(server: ServerProcess, board_id: str, credential: str) -> None:
    """NOTES notes over a websocket, a burst at a time (the op budget: 60 at once)."""
    client = Client(server.ws, board_id, credential)
    await client.connect()
    try:
        for start in range(0, NOTES, 40):
            ops = []
            for i in range(start, min(NOTES, start + 40)):
                x, y = where(i)
                command = {
                    "type": "note.create",
                    "note_id": f"n{i}",
                    "text": f"Idea number {i}",
                    "x": x,
                    "y": y,
                    "color": "yellow",
                    "kind": "idea",
                }
                ops.append(await client.op(command))
            for op_id in ops:
                result = await client.result(op_id)
                assert result["type"] == "ack", result
            await asyncio.sleep(1.5)  # the bucket refills
    finally:
        await client.ws.close()


def in_dom(page: Page) -> set[str]:
    ids: list[str] = page.locator('[data-testid="note"]').evaluate_all(
        "els => els.map(e => e.dataset.id)"
    )
    return set(ids)


def test_large_board_keeps_near_notes_and_reaches_every_note(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    camera = Camera(artifacts, "board-render", "board-render")
    links = create_board(server, "A large board")
    page = tabs.open("lina")
    join(page, links["facilitator"], "Lina", "public")
    board_id = page.url.split("/b/")[1].split("#")[0].split("?")[0]
    credential = page.evaluate(
        "id => JSON.parse(localStorage.getItem('samskapa:member:' + id)).credential", board_id
    )
    # In a thread of its own: Playwright's sync API holds this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, seed(server, board_id, credential)).result()
    page.wait_for_function(
        f"() => Object.keys(window.samskapa.state()?.notes ?? {{}}).length === {NOTES}",
        timeout=T,
    )

    # The whole board: far out, every note is on screen, as a block without text.
    page.get_by_test_id("zoom-fit").click()
    expect(page.get_by_test_id("world")).to_have_class("world far", timeout=T)
    expect(page.locator('[data-testid="note"]')).to_have_count(NOTES, timeout=T)
    expect(note_el(page, "n0")).to_be_visible()
    expect(note_el(page, "n0").locator(".note-text")).to_be_hidden()
    camera.shoot(page, "far")

    # Zoomed in on the first note with the wheel, to 100 %: the notes near it
    # are drawn with their text, and none of the other cluster is in the DOM.
    first = note_el(page, "n0")
    box = first.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    scale = page.evaluate("() => window.samskapa.camera().scale")
    page.mouse.wheel(0, math.log(scale) / 0.0015)  # gestures.js: factor e^(-0.0015 · deltaY)
    expect(page.get_by_test_id("zoom-level")).to_have_text("100%", timeout=T)
    expect(page.get_by_test_id("world")).not_to_have_class("far", timeout=T)
    expect(first).to_be_in_viewport(timeout=T)
    expect(first.locator(".note-text")).to_have_text("Idea number 0", timeout=T)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="note"][data-id="n1"]\')', timeout=T
    )
    kept = in_dom(page)
    assert "n0" in kept and "n2" in kept
    assert not any(int(i[1:]) % 2 for i in kept), f"far notes in the DOM: {sorted(kept)}"
    assert len(kept) < NOTES
    camera.shoot(page, "near")

    # Tab goes to the next note in board order, far away and not in the DOM
    # until then: it is drawn, focused and brought into view.
    first.focus()
    page.keyboard.press("Tab")
    second = note_el(page, "n1")
    expect(second).to_be_focused(timeout=T)
    expect(second).to_be_in_viewport(timeout=T)
    expect(second.locator(".note-text")).to_have_text("Idea number 1", timeout=T)
    page.keyboard.press("Tab")
    expect(note_el(page, "n2")).to_be_focused(timeout=T)
    page.keyboard.press("Shift+Tab")
    expect(second).to_be_focused(timeout=T)
    expect(second).to_be_in_viewport(timeout=T)

    # The list view has every note, the ones not on the canvas included.
    page.get_by_test_id("list-toggle").click()
    expect(page.get_by_test_id("phone-all-item")).to_have_count(NOTES, timeout=T)
    tabs.assert_clean()
