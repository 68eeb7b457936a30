"""Accessibility audit: axe-core (node_modules/axe-core, from package-lock.json,
installed by scripts/test) run in Chromium on every page a workshop meets, in
English and in Swedish.

The start page; the board as a participant (with the join dialog first, and
with a note selected) and as
the facilitator with the panel open; the dot-vote panel while a round is
opened, the voting banner while it runs and the results after the close; the
list view; the phone column at 390×844, with the board open for ideas for
days and on a returning visit (what is new); and after the session the replay
(laptop and phone) and the report. No violation of impact "serious" or
"critical" is allowed; the lesser ones are printed (pytest -s shows them).
A second test plants a button without a name and checks that the audit sees it,
so the first one can fail.
"""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, expect_live, join, note_at, note_el, top_bar
from tests.browser.test_collection import open_panel, set_deadline
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DAY = 24 * 3600 * 1000
BLOCKING = {"serious", "critical"}
# The audit judges the settled page: a pointer label caught halfway through its
# fade (opacity) would read as low contrast though nobody can read it then either.
SETTLED = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: scripts/test installs it with npm ci (package-lock.json)")
    return AXE.read_text(encoding="utf-8")


class Audit:
    """Runs axe-core on pages and keeps what it found, scene by scene."""

    def __init__(self) -> None:
        self.source = axe_source()
        self.blocking: list[str] = []
        self.minor: list[str] = []

    def run(self, page: Page, scene: str) -> list[dict[str, Any]]:
        """Audit the page as it is now; returns the violations axe-core found."""
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.source)
            page.add_style_tag(content=SETTLED)
        lang = page.evaluate("() => document.documentElement.lang")
        found: list[dict[str, Any]] = page.evaluate(
            "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
        )
        for v in found:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            line = f"[{scene}, {lang}] {v['impact']} {v['id']}: {v['help']} ({targets})"
            (self.blocking if v["impact"] in BLOCKING else self.minor).append(line)
        return found

    def both_languages(self, page: Page, scene: str) -> None:
        """Audit in the page's language, switch with the language button, audit
        again, and switch back."""
        first = page.evaluate("() => document.documentElement.lang")
        self.run(page, scene)
        top_bar(page, "lang-toggle").click()
        page.wait_for_function("l => document.documentElement.lang !== l", arg=first, timeout=T)
        self.run(page, scene)
        top_bar(page, "lang-toggle").click()
        page.wait_for_function("l => document.documentElement.lang === l", arg=first, timeout=T)

    def assert_clean(self) -> None:
        for line in self.minor:
            print("axe (moderate/minor):", line)
        assert self.blocking == [], "serious or critical accessibility violations:\n" + "\n".join(
            self.blocking
        )


def test_every_page_has_no_serious_or_critical_violation_in_both_languages(
    server: ServerProcess, tabs: Tabs
) -> None:
    audit = Audit()

    # The start page.
    start = tabs.open("start", bypass_csp=True)
    start.goto(server.http + "/")
    expect(start.get_by_test_id("create-form")).to_be_visible(timeout=T)
    audit.both_languages(start, "start page")

    links = create_board(server)
    fac = tabs.open("Lina (facilitator)", bypass_csp=True)
    par = tabs.open("Amira (participant)", bypass_csp=True)

    # The join dialog, then the board as a participant.
    par.goto(links["participant"])
    expect(par.get_by_test_id("join-dialog")).to_be_visible(timeout=T)
    audit.run(par, "join dialog")
    join(par, links["participant"], "Amira", "business")
    join(fac, links["facilitator"], "Lina", "public")
    x = note_at(fac, 0.38, 0.5, "Charging at depots")
    note_at(fac, 0.62, 0.5, "Shift freight to rail")
    expect(note_el(par, x)).to_be_visible(timeout=T)
    audit.both_languages(par, "board, participant")
    # A note selected: the tools for it (colour, kind, group, link, edit, delete).
    note_el(par, x).click()
    expect(par.get_by_test_id("selection-bar")).to_be_visible(timeout=T)
    audit.both_languages(par, "a note selected")
    note_el(par, x).focus()  # (the language button had it)
    par.keyboard.press("Escape")
    expect(par.get_by_test_id("selection-bar")).to_be_hidden(timeout=T)

    # The facilitator with the panel open.
    fac.get_by_test_id("fac-toggle").click()
    expect(fac.get_by_test_id("fac-panel")).to_be_visible(timeout=T)
    audit.both_languages(fac, "board, facilitator, panel open")
    fac.get_by_test_id("fac-toggle").click()
    expect(fac.get_by_test_id("fac-panel")).to_be_hidden(timeout=T)

    # Dot voting: the form that opens a round, the round under way, the results.
    fac.get_by_test_id("vote-toggle").click()
    expect(fac.get_by_test_id("vote-open-form")).to_be_visible(timeout=T)
    audit.both_languages(fac, "vote, open form")
    fac.get_by_test_id("vote-open-submit").click()
    expect(fac.get_by_test_id("vote-close")).to_be_visible(timeout=T)
    expect(par.get_by_test_id("vote-banner")).to_be_visible(timeout=T)
    note_el(par, x).get_by_test_id("note-vote-add").click()
    expect(note_el(par, x).get_by_test_id("note-my-dots")).to_have_attribute(
        "data-count", "1", timeout=T
    )
    audit.both_languages(par, "vote, participant voting")
    audit.both_languages(fac, "vote, facilitator while open")
    fac.get_by_test_id("vote-close").click()
    expect(par.get_by_test_id("vote-results")).to_be_visible(timeout=T)
    expect(fac.get_by_test_id("vote-results")).to_be_visible(timeout=T)
    audit.both_languages(par, "vote, results (participant)")
    audit.both_languages(fac, "vote, results (facilitator)")

    # The list view on a desktop.
    par.get_by_test_id("list-toggle").click()
    expect(par.get_by_test_id("list-view")).to_be_visible(timeout=T)
    audit.both_languages(par, "list view")

    # The phone column at 390×844.
    phone = tabs.open("Bo (phone)", width=390, height=844, scale=3, bypass_csp=True)
    join(phone, links["participant"], "Bo", "academia")
    expect(phone.get_by_test_id("phone-view")).to_be_visible(timeout=T)
    expect_live(phone)
    audit.both_languages(phone, "phone column")

    # Asynchronous idea collection: the board open for three days (the banner
    # and its countdown on the phone), then a returning visit's "what is new".
    open_panel(fac)
    set_deadline(fac, 3 * DAY)
    fac.get_by_test_id("fac-toggle").click()
    expect(fac.get_by_test_id("fac-panel")).to_be_hidden(timeout=T)
    expect(phone.get_by_test_id("collection-banner")).to_be_visible(timeout=T)
    audit.both_languages(phone, "phone column, collection open")
    phone.close()  # the visit ends; the server keeps how far Bo had seen
    fresh = note_at(fac, 0.5, 0.25, "Night deliveries by cargo bike")
    fac.wait_for_function(
        "id => window.samskapa.state().notes[id]?.text !== undefined", arg=fresh, timeout=T
    )
    phone = tabs.visit(phone)
    phone.goto(links["participant"].split("#")[0])
    expect_live(phone)
    expect(phone.get_by_test_id("news-bar")).to_be_visible(timeout=T)
    audit.both_languages(phone, "phone, new since the last visit")

    # After the session: the facilitator's replay on a laptop and on a phone,
    # and the report (in the board's language, its bar in the reader's).
    board_path = "/b/" + links["facilitator"].split("/b/")[1].split("#")[0]
    fac.goto(server.http + board_path + "/replay")
    fac.wait_for_function("() => window.samskapaReplay?.timeline() != null", timeout=T)
    audit.both_languages(fac, "replay")
    fac.set_viewport_size({"width": 390, "height": 844})
    fac.reload()
    fac.wait_for_function("() => window.samskapaReplay?.timeline() != null", timeout=T)
    audit.run(fac, "replay, phone")
    fac.set_viewport_size({"width": 1280, "height": 800})
    fac.goto(server.http + board_path + "/report")
    expect(fac.get_by_test_id("report-tools")).to_be_visible(timeout=T)
    audit.run(fac, "report")

    tabs.assert_clean()
    audit.assert_clean()


def test_the_audit_sees_a_button_without_a_name(server: ServerProcess, tabs: Tabs) -> None:
    audit = Audit()
    page = tabs.open("start", bypass_csp=True)
    page.goto(server.http + "/")
    expect(page.get_by_test_id("create-form")).to_be_visible(timeout=T)
    page.evaluate(
        "() => { const b = document.createElement('button'); b.id = 'nameless';"
        " document.querySelector('main').append(b); }"
    )
    found = audit.run(page, "planted")
    names = [v for v in found if v["id"] == "button-name"]
    assert names and names[0]["impact"] == "critical", found
    assert any("#nameless" in line for line in audit.blocking), audit.blocking
