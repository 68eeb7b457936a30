"""Live cursors in a real Chromium against a real `samskapa serve` process.

The facilitator moves the mouse over the board; the participant sees the
pointer at the same board position, labelled with the facilitator's name and
role. Then the other way round (the participant's pointer reaches the
facilitator only through the view the facilitator's page reports), and the
pointer goes away when its member leaves. Screenshot:
test-artifacts/browser/cursors.png.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
# Board units: positions go over the wire rounded to a tenth.
NEAR = 1.0


def viewport_box(page: Page) -> dict[str, float]:
    box = page.get_by_test_id("viewport").bounding_box(timeout=T)
    assert box
    return box


def sweep_mouse(page: Page, fx: float, fy: float) -> dict[str, float]:
    """Move the mouse in steps to a point (fractions of the viewport) on the empty
    board; returns that point in board units, as this page's camera sees it."""
    box = viewport_box(page)
    x, y = box["width"] * fx, box["height"] * fy
    page.mouse.move(box["x"] + x - 60, box["y"] + y - 30)
    page.mouse.move(box["x"] + x, box["y"] + y, steps=12)
    cam: dict[str, float] = page.evaluate("() => window.samskapa.camera()")
    return {"x": (x - cam["x"]) / cam["scale"], "y": (y - cam["y"]) / cam["scale"]}


def wait_cursor_near(page: Page, member_id: str, at: dict[str, float]) -> dict[str, Any]:
    """Wait until `page` shows `member_id`'s pointer within NEAR of `at`; returns all shown."""
    page.wait_for_function(
        """([id, x, y, near]) => {
             const c = window.samskapa.cursors()[id];
             return Boolean(c) && Math.abs(c.x - x) <= near && Math.abs(c.y - y) <= near;
           }""",
        arg=[member_id, at["x"], at["y"], NEAR],
        timeout=T,
    )
    shown: dict[str, Any] = page.evaluate("() => window.samskapa.cursors()")
    return shown


def cursor_el(page: Page, member_id: str) -> Any:
    return page.locator(f'[data-testid="cursor"][data-member-id="{member_id}"]')


def test_the_facilitators_pointer_reaches_the_participant_with_name_and_role(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    a = tabs.open("A (facilitator)")
    b = tabs.open("B (participant)")
    lina = join(a, links["facilitator"], "Lina", "public")
    amira = join(b, links["participant"], "Amira", "business")

    # The facilitator points at the board; the participant sees it there.
    at = sweep_mouse(a, 0.62, 0.55)
    shown = wait_cursor_near(b, lina, at)
    assert amira not in shown, "a page never shows its own pointer"

    pointer = cursor_el(b, lina)
    expect(pointer).to_have_count(1, timeout=T)
    expect(pointer.locator(".cursor-name")).to_have_text("Lina", timeout=T)
    expect(pointer.locator(".cursor-role")).to_be_visible(timeout=T)
    expect(pointer.locator(".cursor-role")).to_have_text("Facilitator", timeout=T)
    expect(pointer).to_have_class(re.compile(r"\bcursor-facilitator\b"), timeout=T)

    # On screen it sits where that board point is in the participant's view
    # (the glide takes 100 ms).
    b.wait_for_timeout(300)
    cam: dict[str, float] = b.evaluate("() => window.samskapa.camera()")
    box = viewport_box(b)
    want_x = box["x"] + cam["x"] + at["x"] * cam["scale"]
    want_y = box["y"] + cam["y"] + at["y"] * cam["scale"]
    got = pointer.evaluate("el => { const r = el.getBoundingClientRect(); return [r.x, r.y]; }")
    assert abs(got[0] - want_x) <= 2 and abs(got[1] - want_y) <= 2, (got, want_x, want_y)
    b.screenshot(path=str(artifacts / "cursors.png"))

    # A participant's pointer reaches others only inside the view they report
    # (§2.5), so this also checks that the facilitator's page sent its view.
    at_b = sweep_mouse(b, 0.35, 0.45)
    wait_cursor_near(a, amira, at_b)
    other = cursor_el(a, amira)
    expect(other.locator(".cursor-name")).to_have_text("Amira", timeout=T)
    expect(other.locator(".cursor-role")).to_be_hidden(timeout=T)
    assert "cursor-facilitator" not in (other.get_attribute("class") or "")

    # Every cursor and view message was accepted: no in-band error became a toast.
    expect(b.locator(".toast")).to_have_count(0)

    # Leaving the board (presence `left`) takes the pointer away at once,
    # well before it would fade.
    b.goto("about:blank")
    expect(cursor_el(a, amira)).to_have_count(0, timeout=4_000)
    assert amira not in a.evaluate("() => window.samskapa.cursors()")

    expect(a.locator(".toast")).to_have_count(0)
    tabs.assert_clean()
