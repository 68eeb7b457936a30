"""Undo and redo in a real Chromium against a real server (docs/protocol.md §2.11):
"Deleted — Undo", Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y and the buttons, an undo that
someone else's later change stops (and says so), a group's rename and a link
undone and redone, Redo on a phone without a keyboard, and the confirmations before
deleting a frame that holds notes and before making anonymity stricter — by
mouse and by keyboard, on a laptop and on a phone."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import (
    create_board,
    join,
    new_note,
    note_at,
    note_el,
    top_bar,
    use_canvas,
    write_in_editor,
)
from tests.services import ServerProcess

pytestmark = pytest.mark.browser
T = TIMEOUT_MS
MOD = "Control"


def state(page: Page) -> dict[str, Any]:
    board: dict[str, Any] = page.evaluate("() => window.samskapa.state()")
    return board


def wait_note(page: Page, note_id: str, check: str) -> None:
    """Until the confirmed note exists and `check` (JS of `n`) holds; `check`
    "gone" waits until it no longer exists."""
    if check == "gone":
        expression = "id => !window.samskapa.state()?.notes?.[id]"
    else:
        expression = (
            "id => { const n = window.samskapa.state()?.notes?.[id];"
            f" return Boolean(n && ({check})); }}"
        )
    page.wait_for_function(expression, arg=note_id, timeout=T)


def select_note(page: Page, note_id: str) -> None:
    note_el(page, note_id).click()
    expect(page.get_by_test_id("selection-bar")).to_be_visible(timeout=T)


def test_delete_undo_redo_and_someone_elses_later_change(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    amira = tabs.open("Amira (participant)")
    bjorn = tabs.open("Björn (participant)")
    join(amira, links["participant"], "Amira", "business")
    join(bjorn, links["participant"], "Björn", "academia")
    undo, redo = amira.get_by_test_id("undo"), amira.get_by_test_id("redo")
    expect(undo).to_be_visible(timeout=T)
    expect(undo).to_be_disabled()
    expect(redo).to_be_disabled()
    expect(undo).to_have_attribute("aria-keyshortcuts", re.compile("Control\\+Z"))

    # A note, deleted with the Delete key: "Deleted — Undo" brings it back, for everyone.
    note_id = new_note(amira, "Depot charging")
    wait_note(bjorn, note_id, "n.text === 'Depot charging'")
    select_note(amira, note_id)
    amira.keyboard.press("Delete")
    wait_note(bjorn, note_id, "gone")
    toast = amira.get_by_test_id("undo-toast")
    expect(toast).to_be_visible(timeout=T)
    expect(toast).to_contain_text("Deleted")
    amira.screenshot(path=str(artifacts / "undo-01-deleted-toast.png"))
    toast.get_by_test_id("undo-toast-undo").click()
    expect(toast).to_be_hidden(timeout=T)
    wait_note(bjorn, note_id, "n.text === 'Depot charging'")
    expect(note_el(amira, note_id)).to_be_visible(timeout=T)

    # Ctrl+Z and Ctrl+Shift+Z, Ctrl+Y: a recolour undone and redone.
    select_note(amira, note_id)
    amira.get_by_test_id("color-green").click()
    wait_note(bjorn, note_id, "n.color === 'green'")
    amira.get_by_test_id("viewport").focus()
    amira.keyboard.press(f"{MOD}+z")
    wait_note(bjorn, note_id, "n.color === 'yellow'")
    expect(redo).to_be_enabled(timeout=T)
    amira.keyboard.press(f"{MOD}+Shift+z")
    wait_note(bjorn, note_id, "n.color === 'green'")
    amira.keyboard.press(f"{MOD}+z")
    wait_note(bjorn, note_id, "n.color === 'yellow'")
    amira.keyboard.press(f"{MOD}+y")
    wait_note(bjorn, note_id, "n.color === 'green'")
    # The buttons do the same.
    undo.click()
    wait_note(bjorn, note_id, "n.color === 'yellow'")
    redo.click()
    wait_note(bjorn, note_id, "n.color === 'green'")

    # Ctrl+Z while typing in a note is the text field's own undo, not the board's.
    note_el(amira, note_id).dblclick()
    editor = amira.get_by_test_id("note-editor")
    expect(editor).to_be_focused(timeout=T)
    amira.keyboard.press(f"{MOD}+z")
    amira.keyboard.press("Escape")
    wait_note(amira, note_id, "n.color === 'green'")

    # Björn recolours it after her: her undo would overwrite his colour, so it is
    # refused and says so; his pink stays everywhere.
    select_note(bjorn, note_id)
    bjorn.get_by_test_id("color-pink").click()
    wait_note(amira, note_id, "n.color === 'pink'")
    amira.get_by_test_id("viewport").focus()
    amira.keyboard.press(f"{MOD}+z")
    expect(amira.locator(".toast", has_text="someone else has changed it")).to_be_visible(timeout=T)
    amira.screenshot(path=str(artifacts / "undo-02-conflict.png"))
    amira.wait_for_function("() => !window.samskapa.outbox().length", timeout=T)
    assert state(amira)["notes"][note_id]["color"] == "pink"
    assert state(bjorn)["notes"][note_id]["color"] == "pink"
    tabs.assert_clean()


def test_confirmations_before_deleting_a_frame_and_stricter_anonymity(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    lina = tabs.open("Lina (facilitator)")
    join(lina, links["facilitator"], "Lina", "public")
    # A frame without notes goes without a question.
    lina.get_by_test_id("new-frame").click()
    lina.get_by_test_id("frame-title-input").fill("Empty")
    lina.get_by_test_id("frame-submit").click()
    empty = lina.get_by_test_id("frame").filter(has_text="Empty")
    expect(empty).to_have_count(1, timeout=T)
    empty.get_by_test_id("frame-delete").click()
    expect(empty).to_have_count(0, timeout=T)
    expect(lina.get_by_test_id("confirm-dialog")).to_have_count(0)

    lina.get_by_test_id("new-frame").click()
    lina.get_by_test_id("frame-title-input").fill("Infrastructure")
    lina.get_by_test_id("frame-submit").click()
    frame = lina.get_by_test_id("frame")
    expect(frame).to_have_count(1, timeout=T)
    frame_id = frame.get_attribute("data-id")
    assert frame_id
    # A note inside the frame: double-click in it and write.
    box = frame.bounding_box(timeout=T)
    assert box
    lina.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.6)
    inside = write_in_editor(lina, "Inside")
    wait_note(lina, inside, f"n.frame_id === {frame_id!r}")

    # Delete: a dialog asks first; Cancel (focused) and Escape keep the frame.
    frame.get_by_test_id("frame-delete").click()
    dialog = lina.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible(timeout=T)
    expect(dialog).to_have_attribute("role", "alertdialog")
    expect(dialog).to_contain_text("Infrastructure")
    expect(lina.get_by_test_id("confirm-cancel")).to_be_focused()
    lina.screenshot(path=str(artifacts / "undo-03-confirm-frame.png"))
    lina.keyboard.press("Escape")
    expect(dialog).to_have_count(0, timeout=T)
    assert frame_id in state(lina)["frames"]
    # By keyboard: Tab to the delete button, Enter.
    frame.get_by_test_id("frame-delete").click()
    expect(lina.get_by_test_id("confirm-cancel")).to_be_focused(timeout=T)
    lina.keyboard.press("Tab")
    expect(lina.get_by_test_id("confirm-yes")).to_be_focused()
    lina.keyboard.press("Enter")
    lina.wait_for_function("id => !window.samskapa.state().frames[id]", arg=frame_id, timeout=T)
    wait_note(lina, inside, "n.frame_id === null")
    # "Frame deleted — Undo": the frame again, and its note in it.
    toast = lina.get_by_test_id("undo-toast")
    expect(toast).to_be_visible(timeout=T)
    toast.get_by_test_id("undo-toast-undo").click()
    wait_note(lina, inside, f"n.frame_id === {frame_id!r}")
    assert state(lina)["frames"][frame_id]["title"] == "Infrastructure"

    # Anonymity made stricter asks first; cancelling changes nothing.
    lina.get_by_test_id("fac-toggle").click()
    lina.get_by_test_id("fac-anonymity").select_option("full")
    lina.get_by_test_id("fac-anonymity-apply").click()
    dialog = lina.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible(timeout=T)
    expect(dialog).to_contain_text("cannot be taken back")
    lina.screenshot(path=str(artifacts / "undo-04-confirm-anonymity.png"))
    lina.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_have_count(0, timeout=T)
    assert state(lina)["board"]["anonymity"] == "off"
    lina.get_by_test_id("fac-anonymity").select_option("full")
    lina.get_by_test_id("fac-anonymity-apply").click()
    lina.get_by_test_id("confirm-yes").click()
    lina.wait_for_function("() => window.samskapa.state().board.anonymity === 'full'", timeout=T)
    tabs.assert_clean()


def test_undo_on_a_phone_in_swedish(server: ServerProcess, tabs: Tabs, artifacts: Path) -> None:
    links = create_board(server)
    phone = tabs.open("Amira (phone)", width=390, height=844, scale=2)
    join(phone, links["participant"], "Amira", "business")
    use_canvas(phone)
    top_bar(phone, "lang-toggle").click()
    undo = phone.get_by_test_id("undo")
    expect(undo).to_be_visible(timeout=T)
    expect(undo).to_have_accessible_name(re.compile("Ångra"))
    # Redo gives its place on a phone's toolbar to the tools a phone needs more.
    expect(phone.get_by_test_id("redo")).to_be_hidden()
    note_id = new_note(phone, "Laddning vid depåer")
    wait_note(phone, note_id, "!n.pending")
    select_note(phone, note_id)
    phone.get_by_test_id("note-delete").click()
    wait_note(phone, note_id, "gone")
    toast = phone.get_by_test_id("undo-toast")
    expect(toast).to_contain_text("Borttagen", timeout=T)
    expect(toast.get_by_test_id("undo-toast-undo")).to_have_text("Ångra")
    phone.screenshot(path=str(artifacts / "undo-05-phone-sv.png"))
    # Everything fits: the toolbar does not overflow the phone's width.
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    toast.get_by_test_id("undo-toast-undo").click()
    wait_note(phone, note_id, "n.text === 'Laddning vid depåer'")
    # No room for Redo: the undo offers it for a few seconds instead.
    redo = phone.get_by_test_id("redo-toast")
    expect(redo).to_contain_text("Ångrat", timeout=T)
    expect(redo.get_by_test_id("redo-toast-redo")).to_have_text("Gör om")
    phone.screenshot(path=str(artifacts / "undo-06-phone-redo-sv.png"))
    redo.get_by_test_id("redo-toast-redo").click()
    wait_note(phone, note_id, "gone")
    # Undo again, let the offer go; a long press on Undo (the browser's
    # context menu on a touch screen) offers Redo again.
    undo.click()
    wait_note(phone, note_id, "n.text === 'Laddning vid depåer'")
    redo.get_by_role("button", name=re.compile("Dismiss|Stäng")).click()
    expect(redo).to_have_count(0, timeout=T)
    undo.dispatch_event("contextmenu")
    redo.get_by_test_id("redo-toast-redo").click()
    wait_note(phone, note_id, "gone")
    tabs.assert_clean()


def test_a_group_rename_and_a_link_are_undone_and_redone(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    amira = tabs.open("Amira (participant)")
    bjorn = tabs.open("Björn (participant)")
    join(amira, links["participant"], "Amira", "business")
    join(bjorn, links["participant"], "Björn", "academia")
    first = note_at(amira, 0.3, 0.5, "Depåladdning")
    second = note_at(amira, 0.6, 0.5, "Elvägar")
    wait_note(amira, second, "!n.pending")

    # Grouped with "Group with…", then renamed; undo gives the old name back.
    select_note(amira, first)
    amira.get_by_test_id("note-group").click()
    note_el(amira, second).click()
    wait_note(amira, first, "n.group_id")
    amira.keyboard.press("Escape")
    group = amira.get_by_test_id("group")
    old_name = group.get_by_test_id("group-name").inner_text()
    group.get_by_test_id("group-name").dblclick()
    name_input = amira.get_by_test_id("group-name-input")
    expect(name_input).to_be_focused(timeout=T)
    name_input.fill("Laddning")
    name_input.press("Enter")
    expect(bjorn.get_by_test_id("group-name")).to_have_text("Laddning", timeout=T)
    amira.keyboard.press(f"{MOD}+z")
    expect(bjorn.get_by_test_id("group-name")).to_have_text(old_name, timeout=T)
    amira.keyboard.press(f"{MOD}+Shift+z")
    expect(bjorn.get_by_test_id("group-name")).to_have_text("Laddning", timeout=T)

    # A link made, undone (gone for everyone), redone.
    select_note(amira, first)
    amira.get_by_test_id("note-link").click()
    note_el(amira, second).click()
    expect(amira.get_by_test_id("link-dialog")).to_be_visible(timeout=T)
    amira.get_by_test_id("link-submit").click()
    expect(bjorn.get_by_test_id("link-marker")).to_have_count(1, timeout=T)
    amira.keyboard.press("Escape")
    amira.keyboard.press(f"{MOD}+z")
    expect(bjorn.get_by_test_id("link-marker")).to_have_count(0, timeout=T)
    amira.keyboard.press(f"{MOD}+y")
    expect(bjorn.get_by_test_id("link-marker")).to_have_count(1, timeout=T)
    amira.keyboard.press(f"{MOD}+z")
    expect(bjorn.get_by_test_id("link-marker")).to_have_count(0, timeout=T)

    # Björn renames the group after her: her undo of her rename says so, and keeps his name.
    bjorn.get_by_test_id("group-name").dblclick()
    his = bjorn.get_by_test_id("group-name-input")
    expect(his).to_be_focused(timeout=T)
    his.fill("Laddning i hamnen")
    his.press("Enter")
    expect(amira.get_by_test_id("group-name")).to_have_text("Laddning i hamnen", timeout=T)
    amira.keyboard.press(f"{MOD}+z")
    expect(amira.get_by_role("status").filter(has_text="Not undone")).to_be_visible(timeout=T)
    amira.screenshot(path=str(artifacts / "undo-07-group-rename-conflict.png"))
    expect(bjorn.get_by_test_id("group-name")).to_have_text("Laddning i hamnen")
    tabs.assert_clean()
