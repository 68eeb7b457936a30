"""The start page's template picker: radio cards in the page language, usable
with the keyboard, and a board that opens with the template's frames and agenda."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import join
from tests.services import ServerProcess

T = TIMEOUT_MS


def test_the_template_picker_makes_a_board_from_a_template(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    page = tabs.open("start")
    page.goto(f"{server.http}/")
    picker = page.get_by_test_id("template-picker")
    expect(picker.get_by_role("radio")).to_have_count(4, timeout=T)
    # The mission workshop is chosen at first; the names follow the page language.
    expect(page.get_by_role("radio", name="Mission workshop")).to_be_checked()
    expect(page.get_by_role("radio", name="Empty board")).not_to_be_checked()
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("radio", name="Missionsverkstad")).to_be_checked()
    expect(page.get_by_role("radio", name="Tom tavla")).to_be_visible()
    page.get_by_test_id("lang-toggle").click()
    page.screenshot(path=str(artifacts / "templates-01-picker.png"), full_page=True)

    # Arrow keys move between the cards, as with any radio group.
    page.get_by_role("radio", name="Mission workshop").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Quick retrospective")).to_be_checked()
    # This template has a mission of its own, so the form's may stay empty.
    hint = page.get_by_test_id("mission-default")
    expect(hint).to_contain_text("Learn from what we did")
    page.get_by_test_id("create-title").fill("Spring retro")
    page.get_by_test_id("create-language").select_option("en")
    page.get_by_test_id("create-submit").click()
    link = page.get_by_test_id("link-facilitator")
    expect(link).to_be_visible(timeout=T)
    href = link.get_attribute("href")
    assert href

    board = tabs.open("facilitator")
    join(board, href, "Lina", "public")
    state = board.evaluate("() => window.samskapa.state()")
    assert [f["title"] for f in state["frames"].values()] == [
        "What went well",
        "What to improve",
        "Ideas",
        "Actions",
    ]
    assert len(state["agenda"]) == 5
    assert state["board"]["mission"]["statement"].startswith("Learn from what we did")
    assert all(n["origin"] == "facilitator" for n in state["notes"].values())
    board.screenshot(path=str(artifacts / "templates-02-board.png"))

    # The empty board needs a mission again.
    page.get_by_role("button", name="Create another board").click()
    expect(page.get_by_role("radio", name="Mission workshop")).to_be_checked()
    page.get_by_role("radio", name="Empty board").check()
    expect(hint).to_be_hidden()
    page.get_by_test_id("create-title").fill("Empty")
    page.get_by_test_id("create-submit").click()
    expect(page.locator("#create-error")).to_be_visible()
    tabs.assert_clean()
