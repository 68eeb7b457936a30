"""Moderation for an open board in a real Chromium against a real server
(docs/collection.md §7): the facilitator turns approval on in the panel; a
participant on a phone adds an idea and sees it waiting; another participant
sees nothing of it; the facilitator approves it from the queue and everyone
sees it. A rejected note shows its author the reason; a hidden note goes from
the others' board and comes back when restored; a flag reaches the
facilitators as a count; the notes-per-minute limit keeps a note on the phone.
On the phone every element a finger can press measures at least 44×44 CSS px,
in English and Swedish. Screenshots: test-artifacts/browser/moderation-*.png
(docs/img/moderation-*.png with SAMSKAPA_DOC_SCREENSHOTS=1).
"""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import Camera, expect_live, note_el, top_bar
from tests.browser.test_collection import open_panel
from tests.browser.test_phone import (
    all_item,
    check_targets_and_overlays,
    mine_item,
    phone_join,
    setup_board,
)
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
WAITING = "Cargo bikes for the last mile"
REJECTED = "Buy everyone a lorry"
REJECT_REASON = "Off topic for this step"
HIDE_REASON = "Names a person"


def join_as(page: Page, server: ServerProcess, board: dict[str, Any], role: str, name: str) -> None:
    page.goto(f"{server.http}/b/{board['board_id']}#k={board['tokens'][role]}")
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-sector").select_option("business")
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("join-dialog")).to_be_hidden(timeout=T)
    expect_live(page)


def state_texts(page: Page) -> list[str]:
    texts: list[str] = page.evaluate(
        "() => Object.values(window.samskapa.state().notes).map(n => n.text)"
    )
    return texts


def note_id_of(page: Page, text: str) -> str:
    page.wait_for_function(
        "text => Object.values(window.samskapa.state().notes)"
        ".some(n => n.text === text && !n.pending)",
        arg=text,
        timeout=T,
    )
    found: str = page.evaluate(
        "text => Object.values(window.samskapa.state().notes).find(n => n.text === text).id",
        text,
    )
    return found


def moderation_of(page: Page, note_id: str, status: str) -> None:
    page.wait_for_function(
        "([id, status]) => window.samskapa.state().notes[id]?.moderation === status",
        arg=[note_id, status],
        timeout=T,
    )


def gone_for(page: Page, note_id: str, text: str) -> None:
    """Nothing of the note on this page: not in its state, not anywhere in its DOM."""
    page.wait_for_function("id => !window.samskapa.state().notes[id]", arg=note_id, timeout=T)
    assert text not in page.content()


def answer_dialog(page: Page, reason: str) -> None:
    dialog = page.get_by_test_id("mod-dialog")
    expect(dialog).to_be_visible(timeout=T)
    expect(page.get_by_test_id("mod-reason")).to_be_focused()
    page.keyboard.type(reason)
    page.get_by_test_id("mod-dialog-submit").click()
    expect(dialog).to_be_hidden(timeout=T)


def test_approve_reject_hide_restore_flag_and_the_limit(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    cam = Camera(artifacts, "moderation", "moderation")
    board, seeded = setup_board(server, "en")
    fac = tabs.open("facilitator", width=1366, height=900)
    join_as(fac, server, board, "facilitator", "Lina")
    phone = tabs.open("phone", width=390, height=844, scale=2)
    phone_join(phone, server, board, "Amira")
    other = tabs.open("other participant", width=1280, height=800)
    join_as(other, server, board, "participant", "Omar")
    expect(other.get_by_test_id("viewport")).to_be_visible(timeout=T)

    # ---- the facilitator turns approval on ----
    open_panel(fac)
    section = fac.get_by_test_id("fac-section-moderation")
    expect(section).to_be_visible()
    # Folded while there is nothing to moderate: a workshop needs the room for its agenda.
    expect(section).not_to_have_attribute("open", "")
    section.locator("summary").click()
    expect(section.get_by_test_id("mod-count")).to_have_text("Nothing waiting")
    section.get_by_test_id("mod-approval").check()
    for page in (fac, phone, other):
        page.wait_for_function("() => window.samskapa.state().board.approval === true", timeout=T)

    # ---- a participant's idea waits; its author sees it marked so ----
    phone.get_by_test_id("phone-text").fill(WAITING)
    phone.get_by_test_id("phone-add").click()
    mine = mine_item(phone, WAITING)
    expect(mine.get_by_test_id("phone-mod")).to_have_text("Waiting for review", timeout=T)
    waiting_id = note_id_of(phone, WAITING)
    moderation_of(phone, waiting_id, "waiting")
    expect(all_item(phone, WAITING).get_by_test_id("phone-mod")).to_have_text("Waiting for review")
    expect(all_item(phone, WAITING)).to_have_attribute("data-moderation", "waiting")
    check_targets_and_overlays(phone, "phone, a note waiting")
    mine.scroll_into_view_if_needed()
    cam.shoot(phone, "waiting-phone", doc=True)
    top_bar(phone, "lang-toggle").click()
    expect(mine.get_by_test_id("phone-mod")).to_have_text("Väntar på granskning", timeout=T)
    check_targets_and_overlays(phone, "phone in Swedish, a note waiting")
    cam.shoot(phone, "waiting-phone-sv", doc=True)
    top_bar(phone, "lang-toggle").click()
    expect(mine.get_by_test_id("phone-mod")).to_have_text("Waiting for review", timeout=T)

    # ... nobody else sees anything of it ...
    assert WAITING not in state_texts(other)
    assert WAITING not in other.content()
    expect(other.get_by_test_id("note")).to_have_count(len(seeded))

    # ... but the facilitators: in the queue, on the board marked, and a count on the button.
    queue = section.get_by_test_id("mod-waiting")
    item = queue.locator(f'[data-testid="mod-item"][data-id="{waiting_id}"]')
    expect(item).to_contain_text(WAITING, timeout=T)
    expect(item).to_contain_text("Ideas")
    expect(item).to_contain_text("Amira (Academia)")
    expect(section.get_by_test_id("mod-count")).to_have_text("1 waiting")
    expect(fac.get_by_test_id("mod-badge")).to_have_text("1")
    fac_note = note_el(fac, waiting_id)
    expect(fac_note).to_have_class(re.compile(r"\bwithheld\b"))
    expect(fac_note.get_by_test_id("note-moderation")).to_contain_text("Waiting for review")
    item.get_by_test_id("mod-show").click()  # brings the note into view on the board
    expect(fac_note).to_be_in_viewport(timeout=T)
    queue.scroll_into_view_if_needed()
    cam.shoot(fac, "queue", doc=True)

    # ---- approve: everyone sees it ----
    item.get_by_test_id("mod-approve").click()
    moderation_of(fac, waiting_id, "published")
    other.wait_for_function("id => window.samskapa.state().notes[id]", arg=waiting_id, timeout=T)
    expect(note_el(other, waiting_id)).to_contain_text(WAITING)
    expect(mine.get_by_test_id("phone-mod")).to_be_hidden(timeout=T)
    expect(fac.get_by_test_id("mod-badge")).to_be_hidden()

    # ---- reject with a reason: the author reads it, nobody else sees the note ----
    phone.get_by_test_id("phone-text").fill(REJECTED)
    phone.get_by_test_id("phone-add").click()
    rejected_id = note_id_of(phone, REJECTED)
    expect(fac.get_by_test_id("mod-badge")).to_have_text("1", timeout=T)
    queue.locator(f'[data-testid="mod-item"][data-id="{rejected_id}"]').get_by_test_id(
        "mod-reject"
    ).click()
    expect(fac.get_by_test_id("mod-dialog-note")).to_have_text(REJECTED)
    answer_dialog(fac, REJECT_REASON)
    moderation_of(phone, rejected_id, "rejected")
    rejected = mine_item(phone, REJECTED)
    expect(rejected.get_by_test_id("phone-mod")).to_contain_text("Not published", timeout=T)
    expect(rejected.get_by_test_id("phone-mod-reason")).to_contain_text(REJECT_REASON)
    assert REJECTED not in other.content()
    assert REJECTED not in state_texts(other)
    rejected_row = section.get_by_test_id("mod-rejected").get_by_test_id("mod-item")
    expect(rejected_row).to_contain_text(REJECT_REASON)
    rejected.scroll_into_view_if_needed()
    check_targets_and_overlays(phone, "phone, a note rejected")
    cam.shoot(phone, "rejected-phone")

    # ---- hide from the note's tools on the board, with a reason; then restore ----
    fac.get_by_test_id("fac-panel-close").click()
    note_el(fac, waiting_id).click()
    hide = fac.get_by_test_id("note-hide")
    expect(hide).to_be_visible(timeout=T)
    hide.click()
    answer_dialog(fac, HIDE_REASON)
    gone_for(other, waiting_id, WAITING)
    moderation_of(phone, waiting_id, "hidden")
    expect(mine.get_by_test_id("phone-mod")).to_contain_text("Hidden by a facilitator", timeout=T)
    expect(mine.get_by_test_id("phone-mod-reason")).to_contain_text(HIDE_REASON)
    expect(all_item(phone, WAITING).get_by_test_id("phone-mod")).to_contain_text(HIDE_REASON)
    expect(note_el(fac, waiting_id).get_by_test_id("note-moderation")).to_contain_text(HIDE_REASON)
    expect(fac.get_by_test_id("note-restore")).to_be_visible()
    fac.keyboard.press("Escape")
    cam.shoot(phone, "hidden-phone", doc=True)
    open_panel(fac)
    hidden_row = section.get_by_test_id("mod-hidden").get_by_test_id("mod-item")
    expect(hidden_row).to_contain_text(HIDE_REASON)
    hidden_row.get_by_test_id("mod-show").click()
    expect(note_el(fac, waiting_id)).to_be_in_viewport(timeout=T)
    section.get_by_test_id("mod-hidden").scroll_into_view_if_needed()
    cam.shoot(fac, "hidden-board", doc=True)
    hidden_row.get_by_test_id("mod-restore").click()
    other.wait_for_function("id => window.samskapa.state().notes[id]", arg=waiting_id, timeout=T)
    expect(note_el(other, waiting_id)).to_contain_text(WAITING)
    expect(mine.get_by_test_id("phone-mod")).to_be_hidden(timeout=T)

    # ---- flags: from the board's note tools and from the phone's list ----
    flagged_id = seeded["Shared freight hubs"]
    note_el(other, flagged_id).click()
    flag = other.get_by_test_id("note-flag")
    expect(flag).to_have_text("Flag", timeout=T)
    flag.click()
    expect(flag).to_have_text("Flagged", timeout=T)
    expect(flag).to_have_attribute("aria-pressed", "true")
    expect(other.locator(".toast")).to_contain_text("Flagged")
    phone_item = all_item(phone, "Shared freight hubs")
    phone_item.get_by_test_id("phone-flag").click()
    expect(phone_item.get_by_test_id("phone-flag")).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_test_id("phone-live")).to_contain_text("Flagged")
    flagged = section.get_by_test_id("mod-flagged").get_by_test_id("mod-item")
    expect(flagged).to_contain_text("Flagged by 2", timeout=T)
    expect(note_el(fac, flagged_id).get_by_test_id("note-flags")).to_have_text("⚑ 2")
    # Who flagged is nobody's business: not even the facilitator's state says.
    assert "Omar" not in flagged.inner_text()
    check_targets_and_overlays(phone, "phone, a note flagged")
    section.get_by_test_id("mod-flagged").scroll_into_view_if_needed()
    cam.shoot(fac, "flagged", doc=True)

    # ---- the notes-per-minute limit: a note beyond it stays on the phone ----
    # (Amira added two notes in the last minute already: both new ones are beyond it.)
    section.get_by_test_id("mod-rate").fill("1")
    section.get_by_test_id("mod-rate").press("Enter")
    expect(section.get_by_test_id("mod-rate-state")).to_contain_text("At most 1", timeout=T)
    phone.wait_for_function("() => window.samskapa.state().board.notes_per_minute === 1")
    for text in ("First of two", "Second of two"):
        phone.get_by_test_id("phone-text").fill(text)
        phone.get_by_test_id("phone-add").click()
    tray = phone.get_by_test_id("refused-tray")
    expect(tray).to_be_visible(timeout=T)
    for text in ("First of two", "Second of two"):
        expect(tray.get_by_test_id("refused-note").filter(has_text=text)).to_have_count(1)
    expect(tray).to_contain_text("in a moment")
    tabs.assert_clean()


def test_a_bad_limit_is_explained_in_the_panel(server: ServerProcess, tabs: Tabs) -> None:
    board, _ = setup_board(server, "sv")
    fac = tabs.open("facilitator", width=1280, height=800)
    join_as(fac, server, board, "facilitator", "Lina")
    open_panel(fac)
    section = fac.get_by_test_id("fac-section-moderation")
    section.locator("summary").click()
    expect(section.get_by_test_id("mod-count")).to_have_text("Inget väntar", timeout=T)
    section.get_by_test_id("mod-rate").fill("500")
    section.get_by_test_id("mod-rate-apply").click()
    expect(section.get_by_test_id("mod-error")).to_contain_text("1 till 120")
    assert fac.evaluate("() => window.samskapa.state().board.notes_per_minute ?? null") is None
    tabs.assert_clean()
