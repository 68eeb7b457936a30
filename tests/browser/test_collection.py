"""An idea collection over days in a real Chromium against a real server whose
clock the test moves (tests/clock_server.py): the facilitator sets a deadline,
a participant on a phone sees the countdown in their local time, the server
closes the collection at the deadline, a note sent after it stays on the phone
marked "not accepted" until the facilitator reopens and it is sent again; a
participant who comes back sees "N new since your last visit" and steps
through them. Screenshots: test-artifacts/browser/collection-*.png (and, with
SAMSKAPA_DOC_SCREENSHOTS=1, docs/img/collection-*.png).
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import (
    create_board,
    expect_live,
    join,
    new_note,
    note_el,
    top_bar,
    use_canvas,
)
from tests.clock_server import CLOCK_FILE, set_offset
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
DAY = 24 * 3600 * 1000
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
REFRESH_DOCS = os.environ.get("SAMSKAPA_DOC_SCREENSHOTS") == "1"


@pytest.fixture
def clocked(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    clock = tmp_path / "clock"
    set_offset(clock, 0)
    env = {CLOCK_FILE: str(clock), "SAMSKAPA_DEADLINE_CHECK_SECONDS": "0.2"}
    server = ServerProcess(sqlite_url, tmp_path / "data", env=env, module="tests.clock_server")
    server.start()
    try:
        yield server, clock
    finally:
        server.stop()


def shoot(page: Page, artifacts: Path, name: str) -> None:
    path = artifacts / f"collection-{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    if REFRESH_DOCS:
        shutil.copyfile(path, DOCS_IMG / f"collection-{name}.png")


def local_input(page: Page, ahead_ms: int) -> str:
    """A datetime-local value `ahead_ms` after the server's now, in the page's time zone."""
    value: str = page.evaluate(
        """ahead => {
            const d = new Date(Date.now() + window.samskapa.serverOffset() + ahead);
            const p = n => String(n).padStart(2, '0');
            const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
            return `${day}T${p(d.getHours())}:${p(d.getMinutes())}`;
        }""",
        ahead_ms,
    )
    return value


def open_panel(page: Page) -> None:
    page.get_by_test_id("viewport").focus()
    page.keyboard.press("Alt+Shift+F")
    expect(page.get_by_test_id("fac-panel")).to_be_visible(timeout=T)


def set_deadline(fac: Page, ahead_ms: int) -> None:
    section = fac.get_by_test_id("fac-section-collection")
    section.get_by_test_id("collection-closes").fill(local_input(fac, ahead_ms))
    section.get_by_test_id("collection-save").click()


def stored_member(page: Page) -> dict[str, str]:
    """Who this browser keeps as the board's member (member.js), without what it
    notes about its own visits (the title and time, for the start page)."""
    found: dict[str, str] = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
        ".find(k => k.startsWith('samskapa:member:'))))"
    )
    return {k: v for k, v in found.items() if k not in ("title", "seen_at")}


def confirmed(page: Page, note_id: str, text: str) -> None:
    page.wait_for_function(
        "([id, text]) => window.samskapa.state()?.notes?.[id]?.text === text",
        arg=[note_id, text],
        timeout=T,
    )


def test_deadline_countdown_close_refused_note_and_reopen(
    clocked: tuple[ServerProcess, Path], tabs: Tabs, artifacts: Path
) -> None:
    server, clock = clocked
    links = create_board(server, title="Open idea collection")
    fac = tabs.open("facilitator")
    join(fac, links["facilitator"], "Lina", "public")
    phone = tabs.open("phone", width=390, height=844, scale=2)
    join(phone, links["participant"], "Amira", "citizen")
    use_canvas(phone)

    # The facilitator sets a deadline three days ahead (and a bad one first).
    open_panel(fac)
    set_deadline(fac, -DAY)
    expect(fac.get_by_test_id("collection-error")).to_have_text(re.compile("past"), timeout=T)
    set_deadline(fac, 3 * DAY + 5 * 60_000)
    expect(fac.get_by_test_id("collection-error")).to_be_hidden(timeout=T)
    expect(fac.get_by_test_id("collection-state")).to_contain_text("Open until", timeout=T)

    # The phone shows it, with a countdown in days and hours.
    banner = phone.get_by_test_id("collection-banner")
    expect(banner).to_be_visible(timeout=T)
    expect(banner).to_have_attribute("data-status", "open")
    expect(phone.get_by_test_id("collection-text")).to_contain_text("open for ideas until")
    expect(phone.get_by_test_id("collection-countdown")).to_have_text(re.compile(r"^3 d 0 h left$"))
    expect(phone.get_by_test_id("collection-calendar")).to_be_visible()
    # The calendar entry is fetched with the credential and saved as a file.
    with phone.expect_download(timeout=T) as download:
        phone.get_by_test_id("collection-calendar").click()
    assert download.value.suggested_filename.endswith(".ics")
    saved = artifacts / "collection-deadline.ics"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    note_id = new_note(phone, "Car-free school streets")
    confirmed(phone, note_id, "Car-free school streets")
    shoot(phone, artifacts, "countdown-phone")
    # In Swedish too, in the reader's own words.
    top_bar(phone, "lang-toggle").click()
    expect(phone.get_by_test_id("collection-text")).to_contain_text("öppen för idéer till")
    expect(phone.get_by_test_id("collection-countdown")).to_have_text(re.compile(r"^3 d 0 h kvar$"))
    expect(phone.get_by_test_id("collection-calendar")).to_have_text("Lägg till i kalendern")
    shoot(phone, artifacts, "countdown-phone-sv")
    top_bar(phone, "lang-toggle").click()
    expect(phone.get_by_test_id("collection-countdown")).to_contain_text("left")

    # Three days later (the server's clock): it closes by itself, for everyone.
    set_offset(clock, 3 * DAY + 6 * 60_000)
    expect(banner).to_have_attribute("data-status", "closed", timeout=20_000)
    expect(phone.get_by_test_id("collection-text")).to_contain_text("closed")
    expect(fac.get_by_test_id("collection-state")).to_contain_text("Closed", timeout=T)

    # A note written after the close is refused and kept, marked "not accepted".
    late = "Night buses on weekdays"
    late_id = new_note(phone, late)
    tray = phone.get_by_test_id("refused-tray")
    expect(tray).to_be_visible(timeout=T)
    expect(tray.get_by_test_id("refused-note")).to_contain_text(late)
    expect(tray.get_by_test_id("refused-note")).to_contain_text("Not accepted")
    assert phone.evaluate("id => window.samskapa.state().notes[id]", late_id) is None
    shoot(phone, artifacts, "not-accepted-phone")
    # Still there after a reload: never silently lost.
    phone.reload()
    expect_live(phone)
    expect(phone.get_by_test_id("refused-note")).to_contain_text(late, timeout=T)

    # The facilitator reopens with a later deadline; the note goes again.
    set_deadline(fac, 5 * DAY)
    expect(banner).to_have_attribute("data-status", "open", timeout=T)
    phone.get_by_test_id("refused-retry").click()
    expect(tray).to_be_hidden(timeout=T)
    phone.wait_for_function(
        "text => Object.values(window.samskapa.state().notes).some(n => n.text === text)",
        arg=late,
        timeout=T,
    )
    shoot(fac, artifacts, "facilitator-panel")
    tabs.assert_clean()


def test_a_returning_participant_sees_what_is_new_and_steps_through_it(
    clocked: tuple[ServerProcess, Path], tabs: Tabs, artifacts: Path
) -> None:
    server, _ = clocked
    links = create_board(server, title="Open idea collection")
    other = tabs.open("other")
    join(other, links["participant"], "Omar", "business")
    old = new_note(other, "An old idea")
    confirmed(other, old, "An old idea")
    gone = new_note(other, "Soon deleted")
    confirmed(other, gone, "Soon deleted")
    me = tabs.open("me", width=390, height=844, scale=2)
    join(me, links["participant"], "Amira", "citizen")
    use_canvas(me)
    expect(me.get_by_test_id("news-bar")).to_be_hidden()
    context = me.context
    me.close()  # the visit ends: the server remembers how far Amira had seen

    added = [new_note(other, text) for text in ("Bike lanes to the port", "Shared cargo bikes")]
    for note_id, text in zip(added, ("Bike lanes to the port", "Shared cargo bikes"), strict=True):
        confirmed(other, note_id, text)
    editor_target = note_el(other, old)
    editor_target.dblclick()
    expect(other.get_by_test_id("note-editor")).to_be_focused(timeout=T)
    other.keyboard.press("End")
    other.keyboard.type(" (revised)")
    other.keyboard.press("Enter")
    confirmed(other, old, "An old idea (revised)")
    note_el(other, gone).click()
    other.keyboard.press("Delete")
    other.wait_for_function("id => !window.samskapa.state().notes[id]", arg=gone, timeout=T)

    # The next visit, on the same phone.
    me = context.new_page()
    me.goto(links["participant"].split("#")[0])
    expect_live(me)
    bar = me.get_by_test_id("news-bar")
    expect(bar).to_be_visible(timeout=T)
    expect(me.get_by_test_id("news-count")).to_have_text("3 new since your last visit")
    for note_id in [*added, old]:
        expect(note_el(me, note_id)).to_have_class(re.compile(r"\bnote-new\b"))
    expect(note_el(me, gone)).to_have_count(0)
    me.get_by_test_id("news-next").click()
    expect(me.get_by_test_id("news-position")).to_have_text("1 of 3")
    expect(note_el(me, added[0])).to_have_class(re.compile(r"note-new-current"))
    expect(note_el(me, added[0])).to_be_focused()
    me.get_by_test_id("news-next").click()
    expect(note_el(me, added[1])).to_have_class(re.compile(r"note-new-current"))
    me.get_by_test_id("news-next").click()
    expect(note_el(me, old)).to_have_class(re.compile(r"note-new-current"))
    me.get_by_test_id("news-prev").click()
    expect(me.get_by_test_id("news-position")).to_have_text("2 of 3")
    shoot(me, artifacts, "news-phone")
    # Keyboard: the bar's buttons are reachable and work with Enter.
    me.get_by_test_id("news-next").focus()
    me.keyboard.press("Enter")
    expect(me.get_by_test_id("news-position")).to_have_text("3 of 3")
    me.get_by_test_id("news-done").click()
    expect(bar).to_be_hidden()

    # Moving to another device: a personal link (and QR code) shown only to her.
    mine = stored_member(me)
    top_bar(me, "device-toggle").click()
    dialog = me.get_by_test_id("device-dialog")
    expect(dialog).to_be_visible(timeout=T)
    link = me.get_by_test_id("device-link").input_value()
    assert "#m=" in link and "?" not in link
    expect(me.get_by_test_id("device-qr")).to_be_visible(timeout=T)
    me.wait_for_function(
        "() => document.querySelector('[data-testid=device-qr]').naturalWidth > 0", timeout=T
    )
    shoot(me, artifacts, "device-phone")
    me.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    laptop = tabs.open("laptop")
    laptop.goto(link)
    expect_live(laptop)
    assert "#" not in laptop.url, "the credential stays out of the address bar"
    assert stored_member(laptop) == mine and mine["name"] == "Amira"
    tabs.assert_clean()
