"""The toolbar stays on screen, whole, with the facilitator's panel open.

A facilitator's toolbar is the widest (new note, new frame, select, undo,
redo, dot vote, zoom, list view). With the panel docked on the right (wide
screens) the board is narrower; on a phone the panel covers the board. In
both every tool must stay inside the window and clear of the panel, in English
and Swedish (longer words); without the panel, on a window of 1024 px or more,
on one row. Screenshots: test-artifacts/browser/toolbar-*.png.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join, new_note, top_bar, use_canvas
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS

SIZES = [(1280, 800), (1024, 768), (390, 844)]


def visible_tools(page: Page) -> list[dict[str, float]]:
    """The boxes of the toolbar, each of its shown buttons and the bar over the selected
    note, and the panel's left edge."""
    boxes: list[dict[str, float]] = page.evaluate(
        """() => {
          const panel = document.querySelector('[data-testid="fac-panel"]');
          const open = panel && !panel.hidden && panel.getBoundingClientRect().width > 0;
          const docked = open && panel.getBoundingClientRect().left > 0;
          const limit = docked ? panel.getBoundingClientRect().left : window.innerWidth;
          const shown = (el) =>
            el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
          const bar = document.getElementById('toolbar');
          const noteBar = document.getElementById('selection-bar');
          const items = [bar, ...bar.querySelectorAll('button'), noteBar].filter(shown);
          return items.map((el) => {
            const r = el.getBoundingClientRect();
            return { id: el.id || el.className, left: r.left, right: r.right, limit };
          });
        }"""
    )
    return boxes


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_toolbar_stays_whole_with_the_panel_open(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str
) -> None:
    links = create_board(server)
    for width, height in SIZES:
        fac = tabs.open(f"Lina {width}", width=width, height=height)
        join(fac, links["facilitator"], f"Lina {width}", "public")
        phone = width < 600
        if phone:
            use_canvas(fac)
        if lang == "sv":
            top_bar(fac, "lang-toggle").click()
        # A change to undo: the Undo button shows too.
        new_note(fac, "More charging points")
        expect(fac.get_by_test_id("undo")).to_be_enabled(timeout=T)
        modes = ["canvas", "list"] if phone else ["canvas"]
        for mode in modes:
            if mode == "list":
                top_bar(fac, "fac-toggle").click()
                expect(fac.get_by_test_id("fac-panel")).to_be_hidden(timeout=T)
                fac.get_by_test_id("list-toggle").click()
                expect(fac.get_by_test_id("phone-view")).to_be_visible(timeout=T)
            for panel in ("closed", "open"):
                if panel == "open":
                    top_bar(fac, "fac-toggle").click()
                    expect(fac.get_by_test_id("fac-panel")).to_be_visible(timeout=T)
                    fac.wait_for_timeout(300)  # the board makes room for the panel
                name = f"toolbar-{lang}-{width}x{height}-{mode}-{panel}.png"
                fac.screenshot(path=str(artifacts / name))
                # The top bar's two halves do not run into each other either:
                # the person's role stays clear of the connection state.
                # (A phone says the role in the top bar's menu, not beside the title.)
                badge = None if phone else fac.get_by_test_id("role-badge").bounding_box(timeout=T)
                right = fac.locator(".topbar-right").bounding_box(timeout=T)
                assert right and (badge or phone)
                if badge and right["y"] < badge["y"] + badge["height"]:  # on one row
                    assert badge["x"] + badge["width"] <= right["x"], f"{width}×{height} {lang}"
                if not phone and panel == "closed":
                    # One row: wrapped, the divider after a group hung at a row's end.
                    tops = fac.evaluate(
                        """() => [...document.querySelectorAll('#toolbar button')]
                          .filter((b) => b.getClientRects().length > 0)
                          .map((b) => Math.round(b.getBoundingClientRect().top))"""
                    )
                    assert max(tops) - min(tops) <= 4, f"{width}×{height} {lang}: {tops}"
                # Wrapped (beside the docked panel): no divider hangs at a row's end.
                dividers = fac.evaluate(
                    """() => {
                      const tops = [...document.querySelectorAll('#toolbar button')]
                        .filter((b) => b.getClientRects().length > 0)
                        .map((b) => Math.round(b.getBoundingClientRect().top));
                      if (Math.max(...tops) - Math.min(...tops) <= 4) return [];
                      return [...document.querySelectorAll('#toolbar .tool-group')]
                        .filter((g) => parseFloat(getComputedStyle(g).borderRightWidth) > 0)
                        .map((g) => g.id);
                    }"""
                )
                assert dividers == [], f"{width}×{height} {lang} panel {panel}: {dividers}"
                for box in visible_tools(fac):
                    where = f"{width}×{height} {mode} {lang} panel {panel}: {box['id']}"
                    assert box["left"] >= 0, f"{where} runs off the left edge"
                    assert box["right"] <= box["limit"], f"{where} runs under the panel or off"
    tabs.assert_clean()
