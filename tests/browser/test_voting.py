"""Dot voting in a real Chromium against a real `samskapa serve` process.

A facilitator and two participants, each in their own browser context. The
facilitator opens a blind, anonymous round from the dot-vote panel (3 votes
each, at most 2 per note); participant A puts two votes on note X and one on
note Y, participant B one on Y. While the round is open nobody sees a total,
and no total even reaches the browsers. Both say they are done, the
facilitator sees it and closes the round, and all three see the same ranking:
X and Y tied at rank 1 with 2 votes each. Screenshots:
test-artifacts/browser/voting-*.png.
"""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join, note_at, note_el
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS


# ---- helpers --------------------------------------------------------------------------


def votes(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate("() => window.samskapa.votes()")
    return found


def add_vote(page: Page, note_id: str) -> None:
    note_el(page, note_id).get_by_test_id("note-vote-add").click()


def wait_ballot(page: Page, round_id: str, ballot: dict[str, int]) -> None:
    """Wait until the server has confirmed this viewer's ballot (not just predicted it)."""
    page.wait_for_function(
        "([r, want]) => { const got = window.samskapa.votes()?.mine?.ballots?.[r] ?? {};"
        " const keys = Object.keys(got);"
        " return keys.length === Object.keys(want).length"
        " && keys.every(k => got[k] === want[k]); }",
        arg=[round_id, ballot],
        timeout=T,
    )


def result_rows(page: Page) -> list[tuple[str, int, int]]:
    rows = page.get_by_test_id("vote-results").get_by_test_id("vote-result-row")
    out = []
    for i in range(rows.count()):
        row = rows.nth(i)
        note_id = row.get_attribute("data-note-id")
        rank = row.get_attribute("data-rank")
        count = row.get_attribute("data-votes")
        assert note_id and rank and count
        out.append((note_id, int(rank), int(count)))
    return out


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"))


# ---- the test ----------------------------------------------------------------------------


def test_a_blind_anonymous_dot_vote_from_open_to_tied_results(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    fac = tabs.open("Lina (facilitator)")
    a = tabs.open("Amira (participant)")
    b = tabs.open("Bo (participant)")
    join(fac, links["facilitator"], "Lina", "public")
    join(a, links["participant"], "Amira", "business")
    join(b, links["participant"], "Bo", "academia")

    x = note_at(fac, 0.38, 0.5, "Charging at depots")
    y = note_at(fac, 0.62, 0.5, "Shift freight to rail")
    for page in (a, b):
        expect(note_el(page, y)).to_be_visible(timeout=T)
    # Participants have no vote tools until a round exists; the facilitator has.
    expect(a.get_by_test_id("vote-toggle")).to_be_hidden(timeout=T)
    expect(a.get_by_test_id("vote-banner")).to_be_hidden(timeout=T)

    # The facilitator opens a blind, anonymous round from the panel.
    fac.get_by_test_id("vote-toggle").click()
    form = fac.get_by_test_id("vote-open-form")
    expect(form).to_be_visible(timeout=T)
    expect(fac.get_by_test_id("vote-blind")).to_be_checked()
    expect(fac.get_by_test_id("vote-anonymous")).to_be_checked()
    expect(fac.get_by_test_id("vote-budget")).to_have_value("5")
    expect(fac.get_by_test_id("vote-cap")).to_have_value("3")
    fac.get_by_test_id("vote-title").fill("Where do we start?")
    fac.get_by_test_id("vote-budget").fill("3")
    fac.get_by_test_id("vote-cap").fill("2")
    fac.get_by_test_id("vote-open-submit").click()
    expect(form).to_be_hidden(timeout=T)
    expect(fac.get_by_test_id("vote-close")).to_be_visible(timeout=T)
    fac.wait_for_function("() => Boolean(window.samskapa.votes()?.open_round)", timeout=T)
    round_id = votes(fac)["open_round"]
    opened = votes(fac)["rounds"][round_id]
    assert {k: opened[k] for k in ("title", "budget", "cap", "blind", "anonymous")} == {
        "title": "Where do we start?",
        "budget": 3,
        "cap": 2,
        "blind": True,
        "anonymous": True,
    }
    assert opened["frame_id"] is None and opened["kinds"] is None

    # Everyone gets the banner; participants can vote on both notes.
    for page in (a, b):
        expect(page.get_by_test_id("vote-banner")).to_be_visible(timeout=T)
        expect(page.get_by_test_id("vote-left")).to_have_text(
            "You have 3 of 3 votes left", timeout=T
        )
        for note_id in (x, y):
            expect(note_el(page, note_id).get_by_test_id("note-vote-add")).to_be_visible()

    # A: two votes on X, one on Y. B: one on Y.
    add_vote(a, x)
    add_vote(a, x)
    expect(note_el(a, x).get_by_test_id("note-my-dots")).to_have_attribute(
        "data-count", "2", timeout=T
    )
    wait_ballot(a, round_id, {x: 2})
    # A third on X is over the cap: a gentle message, no vote (keyboard this time).
    note_el(a, x).focus()
    a.keyboard.press("+")
    expect(a.get_by_test_id("vote-hint")).to_contain_text("most votes", timeout=T)
    add_vote(a, y)
    wait_ballot(a, round_id, {x: 2, y: 1})
    add_vote(b, y)
    wait_ballot(b, round_id, {y: 1})
    expect(a.get_by_test_id("vote-left")).to_have_text("You have 0 of 3 votes left", timeout=T)
    expect(b.get_by_test_id("vote-left")).to_have_text("You have 2 of 3 votes left", timeout=T)
    expect(note_el(a, y).get_by_test_id("note-my-dots")).to_have_attribute("data-count", "1")
    expect(note_el(b, x).get_by_test_id("note-my-dots")).to_have_attribute("data-count", "0")
    # The keyboard on a focused note: "+" adds a vote, "-" takes it back.
    note_el(b, x).focus()
    b.keyboard.press("+")
    wait_ballot(b, round_id, {x: 1, y: 1})
    b.keyboard.press("-")
    wait_ballot(b, round_id, {y: 1})
    # Over the budget: another gentle message, still no vote.
    note_el(a, y).focus()
    a.keyboard.press("=")
    expect(a.get_by_test_id("vote-hint")).to_contain_text("All your votes are used", timeout=T)

    # Blind: no total on any page, and none in any browser's state.
    fac.wait_for_function(
        "r => window.samskapa.votes().counts[r]?.total === 4", arg=round_id, timeout=T
    )
    for page in (fac, a, b):
        page.wait_for_function(
            "r => window.samskapa.votes().counts[r]?.voters === 2", arg=round_id, timeout=T
        )
        expect(page.locator('[data-testid="note-total"]:visible')).to_have_count(0)
        assert round_id not in votes(page)["tally"]
        assert votes(page)["named"] == {}
    assert votes(a)["mine"]["ballots"] == {round_id: {x: 2, y: 1}}
    assert votes(b)["mine"]["ballots"] == {round_id: {y: 1}}
    assert votes(fac)["mine"]["ballots"] == {}
    shoot(a, artifacts, "voting-open-participant")

    # Both are done; the facilitator sees it.
    for page in (a, b):
        page.get_by_test_id("vote-done").click()
        expect(page.get_by_test_id("vote-back")).to_be_visible(timeout=T)
        expect(page.get_by_test_id("note-vote-add")).to_have_count(2)
        expect(page.locator('[data-testid="note-vote-add"]:visible')).to_have_count(0)
    progress = fac.get_by_test_id("vote-progress")
    expect(progress).to_contain_text("2 done", timeout=T)
    expect(progress).to_have_text("2 of 2 have voted · 2 done · 0 abstained", timeout=T)
    shoot(fac, artifacts, "voting-progress-facilitator")

    # The facilitator closes; everyone sees the same ranking: a tie at rank 1.
    fac.get_by_test_id("vote-close").click()
    want = [(x, 1, 2), (y, 1, 2)]
    for page in (fac, a, b):
        results = page.get_by_test_id("vote-results")
        expect(results).to_be_visible(timeout=T)
        expect(results.get_by_test_id("vote-result-row")).to_have_count(2, timeout=T)
        assert result_rows(page) == want
        expect(results.locator(".vote-tie")).to_have_count(2)
        expect(page.get_by_test_id("vote-banner")).to_be_hidden(timeout=T)
        for note_id in (x, y):
            expect(note_el(page, note_id).get_by_test_id("note-result")).to_have_attribute(
                "data-votes", "2", timeout=T
            )
        assert votes(page)["open_round"] is None
        assert votes(page)["tally"][round_id] == {x: 2, y: 2}
    closed = votes(b)["rounds"][round_id]
    assert closed["results"] == votes(fac)["rounds"][round_id]["results"]
    assert closed["results"]["voters"] == 2

    # By actor group: two voters are too few for any sector to be shown.
    b.get_by_test_id("vote-by-sector-toggle").click()
    sectors = b.get_by_test_id("vote-sector")
    expect(sectors).to_have_count(6, timeout=T)
    for i in range(6):
        expect(sectors.nth(i)).to_have_attribute("data-suppressed", "true")
        expect(sectors.nth(i)).to_contain_text("Too few to show")
    b.get_by_test_id("vote-by-sector-toggle").click()
    expect(b.get_by_test_id("vote-result-row")).to_have_count(2, timeout=T)
    shoot(b, artifacts, "voting-results")

    # The facilitator's CSV export carries the same ranking.
    with fac.expect_download(timeout=T) as download:
        fac.get_by_test_id("vote-export").click()
    csv_path = download.value.path()
    assert csv_path
    rows = Path(csv_path).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("round,round title,closed (UTC),rank,note,text")
    assert [r.split(",")[3:6] for r in rows[1:]] == [
        ["1", x, "Charging at depots"],
        ["1", y, "Shift freight to rail"],
    ]
    expect(a.get_by_test_id("vote-export")).to_have_count(0)

    tabs.assert_clean()


@pytest.mark.browser
def test_a_named_live_round_shows_totals_as_they_come(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    fac = tabs.open("Lina (facilitator)")
    a = tabs.open("Amira (participant)")
    b = tabs.open("Bo (participant)")
    join(fac, links["facilitator"], "Lina", "public")
    join(a, links["participant"], "Amira", "business")
    join(b, links["participant"], "Bo", "academia")
    x = note_at(fac, 0.5, 0.5, "Procurement rules")
    for page in (a, b):
        expect(note_el(page, x)).to_be_visible(timeout=T)

    fac.get_by_test_id("vote-toggle").click()
    expect(fac.get_by_test_id("vote-open-form")).to_be_visible(timeout=T)
    fac.get_by_test_id("vote-blind").uncheck()
    fac.get_by_test_id("vote-anonymous").uncheck()
    fac.get_by_test_id("vote-open-submit").click()
    fac.wait_for_function("() => Boolean(window.samskapa.votes()?.open_round)", timeout=T)
    round_id = votes(fac)["open_round"]
    assert votes(fac)["rounds"][round_id]["blind"] is False
    assert votes(fac)["rounds"][round_id]["anonymous"] is False

    add_vote(a, x)
    wait_ballot(a, round_id, {x: 1})
    # Live: Bo sees the total on the note at once, and who voted is known.
    expect(note_el(b, x).get_by_test_id("note-total")).to_have_attribute(
        "data-count", "1", timeout=T
    )
    b.wait_for_function(
        "([r, n]) => Object.values(window.samskapa.votes()?.named?.[r] ?? {})"
        ".some(ballot => ballot[n] === 1)",
        arg=[round_id, x],
        timeout=T,
    )
    add_vote(b, x)
    expect(note_el(a, x).get_by_test_id("note-total")).to_have_attribute(
        "data-count", "2", timeout=T
    )
    shoot(b, artifacts, "voting-named-live")
    fac.get_by_test_id("vote-close").click()
    for page in (fac, a, b):
        expect(page.get_by_test_id("vote-results")).to_be_visible(timeout=T)
        page.wait_for_function(
            "r => Boolean(window.samskapa.votes()?.rounds?.[r]?.results)", arg=round_id, timeout=T
        )
        assert result_rows(page)[0] == (x, 1, 2)
    tabs.assert_clean()
