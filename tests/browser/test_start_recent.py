"""The start page's "Your boards": the boards this browser has joined, the last
opened first, each with Open and, where this browser is a facilitator, Replay;
in English and Swedish, by keyboard, and at 390×844 with targets of 44×44."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import Camera, create_board, expect_live, join
from tests.browser.test_phone import SMALL_TARGETS
from tests.services import ServerProcess

T = TIMEOUT_MS


def test_the_start_page_lists_the_boards_this_browser_joined(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    camera = Camera(artifacts, "start", "start")
    page = tabs.open("phone", width=390, height=844, scale=2)
    page.goto(f"{server.http}/")
    expect(page.get_by_test_id("template-picker")).to_be_visible(timeout=T)
    expect(page.get_by_test_id("recent-section")).to_be_hidden()

    led = create_board(server, "Freight workshop")
    joined = create_board(server, "Rail corridors")
    join(page, led["facilitator"], "Lina", "public")
    join(page, joined["participant"], "Omar", "business")

    page.goto(f"{server.http}/")
    section = page.get_by_test_id("recent-section")
    expect(section).to_be_visible(timeout=T)
    boards = page.get_by_test_id("recent-board")
    expect(boards).to_have_count(2)
    # The last opened first, each under its title and as whom this browser joined.
    expect(boards.nth(0).get_by_test_id("recent-title")).to_have_text("Rail corridors")
    expect(boards.nth(0)).to_contain_text("Participant · Omar")
    expect(boards.nth(1).get_by_test_id("recent-title")).to_have_text("Freight workshop")
    expect(boards.nth(1)).to_contain_text("Facilitator · Lina")
    # Replay only where this browser is a facilitator.
    expect(boards.nth(0).get_by_test_id("recent-replay")).to_have_count(0)
    replay = boards.nth(1).get_by_test_id("recent-replay")
    expect(replay).to_have_accessible_name("Replay Freight workshop")
    small = [s for s in page.evaluate(SMALL_TARGETS) if "recent" in s]
    assert small == [], f"smaller than 44×44: {small}"
    camera.shoot(section, "recent-en", doc=True)

    # Swedish.
    page.get_by_test_id("lang-toggle").click()
    expect(section.get_by_role("heading")).to_have_text("Dina tavlor")
    expect(boards.nth(0).get_by_test_id("recent-open")).to_have_text("Öppna")
    expect(boards.nth(0)).to_contain_text("Deltagare · Omar")
    expect(replay).to_have_text("Uppspelning")
    camera.shoot(page, "recent-sv")
    page.get_by_test_id("lang-toggle").click()

    # By keyboard: Open goes back to the board as the same member, no joining again.
    open_rail = boards.nth(0).get_by_test_id("recent-open")
    open_rail.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/b/{joined['participant'].split('/b/')[1].split('#')[0]}")
    expect_live(page)
    expect(page.get_by_test_id("join-dialog")).to_be_hidden()
    assert page.evaluate("() => window.samskapa.state().board.title") == "Rail corridors"

    # Replay opens the session's replay for the facilitator.
    page.goto(f"{server.http}/")
    expect(boards.nth(0).get_by_test_id("recent-title")).to_have_text("Rail corridors")
    boards.nth(1).get_by_test_id("recent-replay").click()
    page.wait_for_function("() => document.body.classList.contains('replay-ready')", timeout=30_000)
    expect(page.locator('[data-testid="board-title"]')).to_have_text("Freight workshop")
    tabs.assert_clean()
