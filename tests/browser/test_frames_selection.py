"""Frames moved and resized by hand, and several notes selected at once, in a
real Chromium against a real server: by pointer and by keyboard alone, what the
others see, and on a phone. Screenshots go to test-artifacts/browser/."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import board_point, create_board, join, note_at, note_el, use_canvas
from tests.services import ServerProcess

pytestmark = pytest.mark.browser
T = TIMEOUT_MS


def state(page: Page) -> dict[str, Any]:
    board: dict[str, Any] = page.evaluate("() => window.samskapa.state()")
    return board


def wait_js(page: Page, expression: str, arg: Any = None) -> None:
    page.wait_for_function(expression, arg=arg, timeout=T)


def wait_settled(page: Page) -> None:
    """Until every op this page sent is answered (its outbox is empty)."""
    wait_js(page, "() => window.samskapa.outbox().length === 0")


def add_frame(page: Page, title: str) -> str:
    """The facilitator adds a frame with the toolbar's form; returns its id."""
    before = set(state(page)["frames"])
    page.get_by_test_id("new-frame").click()
    page.get_by_test_id("frame-title-input").fill(title)
    page.get_by_test_id("frame-submit").click()
    expect(page.get_by_test_id("frame-dialog")).to_be_hidden(timeout=T)
    wait_js(page, "n => Object.keys(window.samskapa.state().frames).length === n", len(before) + 1)
    (frame_id,) = set(state(page)["frames"]) - before
    return str(frame_id)


def fit(page: Page) -> None:
    """Show the whole board ("Fit") and wait until the camera rests."""
    page.get_by_test_id("zoom-fit").click()
    last = None
    for _ in range(50):
        camera = page.evaluate("() => window.samskapa.camera()")
        if camera == last:
            return
        last = camera
        page.wait_for_timeout(100)


def frame_el(page: Page, frame_id: str) -> Any:
    return page.locator(f'[data-testid="frame"][data-id="{frame_id}"]')


def drag(page: Page, x: float, y: float, dx: float, dy: float, shift: bool = False) -> None:
    if shift:
        page.keyboard.down("Shift")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=4)
    page.mouse.move(x + dx, y + dy, steps=4)
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


def centre(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box(timeout=T)
    assert box
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def places(page: Page, ids: list[str]) -> dict[str, tuple[float, float]]:
    notes = state(page)["notes"]
    return {i: (notes[i]["x"], notes[i]["y"]) for i in ids}


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def test_a_frame_moves_and_resizes_with_its_notes_by_pointer_and_keyboard(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    lina = tabs.open("Lina (facilitator)")
    amira = tabs.open("Amira (participant)")
    join(lina, links["facilitator"], "Lina", "public")
    join(amira, links["participant"], "Amira", "business")
    f1 = add_frame(lina, "Ideas")
    frame = state(lina)["frames"][f1]
    n1 = note_at(lina, *board_point(lina, frame["x"] + 150, frame["y"] + 200), "Rail hubs")
    n2 = note_at(lina, *board_point(lina, frame["x"] + 420, frame["y"] + 200), "Biogas trucks")
    wait_js(
        lina,
        "([a, b, f]) => { const s = window.samskapa.state();"
        " return s.notes[a].frame_id === f && s.notes[b].frame_id === f; }",
        [n1, n2, f1],
    )

    # A second frame added where the person looks goes beside the first: it takes no notes.
    f2 = add_frame(lina, "Spare")
    frames = state(lina)["frames"]
    assert not overlap(frames[f1], frames[f2])
    assert {state(lina)["notes"][n]["frame_id"] for n in (n1, n2)} == {f1}
    fit(lina)

    # Dragging its head moves the frame and its notes, for everyone.
    before = places(lina, [n1, n2])
    scale = lina.evaluate("() => window.samskapa.camera().scale")
    head = frame_el(lina, f1).locator(".frame-title")
    drag(lina, *centre(head), 150, 90)
    dx, dy = round(150 / scale), round(90 / scale)
    want = {"x": frame["x"] + dx, "y": frame["y"] + dy}
    for page in (lina, amira):
        wait_js(
            page,
            "([f, w]) => { const fr = window.samskapa.state().frames[f];"
            " return Math.abs(fr.x - w.x) <= 1 && Math.abs(fr.y - w.y) <= 1; }",
            [f1, want],
        )
    moved = state(lina)["frames"][f1]
    for page in (lina, amira):
        wait_settled(lina)
        after = places(page, [n1, n2])
        for n in (n1, n2):
            assert after[n] == (
                before[n][0] + moved["x"] - frame["x"],
                before[n][1] + moved["y"] - frame["y"],
            )

    # Dragging the grip resizes it; the notes stay where they are.
    before = places(lina, [n1, n2])
    grip = frame_el(lina, f1).get_by_test_id("frame-resize")
    lina.keyboard.press("Escape")  # no note selected: its bar would cover the frame
    fit(lina)
    scale = lina.evaluate("() => window.samskapa.camera().scale")
    drag(lina, *centre(grip), 120, 60)
    wait_js(lina, "([f, w]) => window.samskapa.state().frames[f].w > w", [f1, moved["w"] + 50])
    wait_settled(lina)
    resized = state(amira)["frames"][f1]
    assert resized["w"] == pytest.approx(moved["w"] + 120 / scale, abs=1)
    assert (resized["x"], resized["y"]) == (moved["x"], moved["y"])
    assert places(amira, [n1, n2]) == before

    # By keyboard: the frame's ✥ button, arrows move it, Shift+arrows resize it.
    move_button = frame_el(lina, f1).get_by_test_id("frame-move")
    move_button.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
        lina.keyboard.press(key)
    expect(lina.get_by_test_id("frame-status")).to_have_text(
        "The frame Ideas moved, with its notes.", timeout=T
    )
    wait_settled(lina)
    keyed = state(amira)["frames"][f1]
    assert (keyed["x"], keyed["y"]) == (resized["x"] + 40, resized["y"] + 20)
    assert places(amira, [n1, n2]) == {n: (x + 40, y + 20) for n, (x, y) in before.items()}
    lina.keyboard.press("Shift+ArrowRight")
    lina.keyboard.press("Shift+ArrowUp")
    expect(lina.get_by_test_id("frame-status")).to_contain_text("is now", timeout=T)
    wait_settled(lina)
    assert (state(amira)["frames"][f1]["w"], state(amira)["frames"][f1]["h"]) == (
        keyed["w"] + 20,
        keyed["h"] - 20,
    )
    assert places(amira, [n1, n2]) == {n: (x + 40, y + 20) for n, (x, y) in before.items()}
    # Undo: the resize first, then the move, which takes its notes back too; redo moves again.
    lina.keyboard.press("Control+z")
    wait_js(lina, "([f, w]) => window.samskapa.state().frames[f].w === w", [f1, keyed["w"]])
    lina.keyboard.press("Control+z")
    back = [f1, {"x": resized["x"], "y": resized["y"]}]
    for page in (lina, amira):
        wait_js(
            page,
            "([f, w]) => { const fr = window.samskapa.state().frames[f];"
            " return fr.x === w.x && fr.y === w.y; }",
            back,
        )
    wait_settled(lina)
    assert places(amira, [n1, n2]) == before
    lina.keyboard.press("Control+Shift+z")
    wait_js(amira, "([f, x]) => window.samskapa.state().frames[f].x === x", [f1, keyed["x"]])
    wait_settled(lina)
    assert places(amira, [n1, n2]) == {n: (x + 40, y + 20) for n, (x, y) in before.items()}
    # Participants have no handles.
    expect(frame_el(amira, f1).get_by_test_id("frame-move")).to_be_hidden()
    expect(frame_el(amira, f1).get_by_test_id("frame-resize")).to_be_hidden()
    lina.screenshot(path=str(artifacts / "frames-moved-facilitator.png"))
    amira.screenshot(path=str(artifacts / "frames-moved-participant.png"))
    tabs.assert_clean()


def test_several_notes_selected_move_recolour_group_and_delete_together(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    amira = tabs.open("Amira (participant)")
    lina = tabs.open("Lina (facilitator)")
    join(amira, links["participant"], "Amira", "business")
    join(lina, links["facilitator"], "Lina", "public")
    a = note_at(amira, 0.35, 0.45, "Rail hubs")
    b = note_at(amira, 0.55, 0.45, "Biogas trucks")
    c = note_at(amira, 0.35, 0.75, "Night deliveries")
    d = note_at(lina, 0.8, 0.75, "Lina's note")
    count = amira.get_by_test_id("selection-count")

    # Click one, Shift-click another: two selected, the bar says so.
    note_el(amira, a).click()
    note_el(amira, b).click(modifiers=["Shift"])
    expect(count).to_have_text("2 selected", timeout=T)
    # Shift+drag on the empty board: a rectangle that adds what it touches.
    cx, cy = centre(note_el(amira, c))
    drag(amira, cx - 120, cy - 90, 150, 120, shift=True)
    expect(count).to_have_text("3 selected", timeout=T)
    expect(amira.locator(".note.in-selection")).to_have_count(3, timeout=T)
    amira.screenshot(path=str(artifacts / "selection-three-notes.png"))

    # Dragging one moves all three by the same distance; Lina's note stays.
    before = places(amira, [a, b, c, d])
    drag(amira, *centre(note_el(amira, b)), 100, 60)
    wait_settled(amira)
    wait_js(lina, "([id, x]) => window.samskapa.state().notes[id].x !== x", [a, before[a][0]])
    after = places(lina, [a, b, c, d])
    offsets = {(after[n][0] - before[n][0], after[n][1] - before[n][1]) for n in (a, b, c)}
    assert len(offsets) == 1 and offsets != {(0, 0)}
    assert after[d] == before[d]

    # The arrow keys move the selection too (the focused note is one of them).
    expect(count).to_have_text("3 selected", timeout=T)
    amira.keyboard.press("ArrowRight")
    amira.keyboard.press("ArrowRight")
    wait_js(lina, "([id, x]) => window.samskapa.state().notes[id].x === x", [c, after[c][0] + 20])
    wait_settled(amira)
    now = places(lina, [a, b, c])
    assert all(now[n] == (after[n][0] + 20, after[n][1]) for n in (a, b, c))

    # Colour and kind for all of them.
    amira.get_by_test_id("color-blue").click()
    amira.get_by_test_id("note-kind-select").select_option("goal")
    wait_settled(amira)
    wait_js(
        lina, "ids => ids.every(i => window.samskapa.state().notes[i].kind === 'goal')", [a, b, c]
    )
    notes = state(lina)["notes"]
    assert {notes[n]["color"] for n in (a, b, c)} == {"blue"}
    assert notes[d]["color"] == "yellow" and notes[d]["kind"] == "idea"

    # Group: one group of the three.
    amira.get_by_test_id("selection-group").click()
    wait_js(
        lina,
        "ids => { const s = window.samskapa.state(); const g = s.notes[ids[0]].group_id;"
        " return g && ids.every(i => s.notes[i].group_id === g); }",
        [a, b, c],
    )

    # Lina's note joins the selection; Delete removes what Amira may delete: her own three.
    note_el(amira, d).click(modifiers=["Shift"])
    expect(count).to_have_text("4 selected", timeout=T)
    amira.get_by_test_id("note-delete").click()
    wait_js(lina, "ids => ids.every(i => !window.samskapa.state().notes[i])", [a, b, c])
    wait_settled(amira)
    assert d in state(lina)["notes"]
    expect(count).to_be_hidden(timeout=T)

    # The three went in one step: "Deleted — Undo" says so, and Ctrl+Z brings all
    # three back at once (as they were: moved, blue goals in one group).
    expect(amira.get_by_test_id("undo-toast")).to_contain_text("Notes deleted", timeout=T)
    amira.get_by_test_id("viewport").focus()
    amira.keyboard.press("Control+z")
    wait_js(lina, "ids => ids.every(i => window.samskapa.state().notes[i])", [a, b, c])
    wait_settled(amira)
    back = state(lina)["notes"]
    assert {(back[n]["x"], back[n]["y"]) for n in (a, b, c)} == {
        (after[n][0] + 20, after[n][1]) for n in (a, b, c)
    }
    assert {back[n]["color"] for n in (a, b, c)} == {"blue"}
    # One Ctrl+Z more takes back the grouping (the step before), not one note of the deletion.
    amira.keyboard.press("Control+z")
    wait_js(lina, "ids => ids.every(i => !window.samskapa.state().notes[i].group_id)", [a, b, c])
    assert all(n in state(lina)["notes"] for n in (a, b, c))
    tabs.assert_clean()


def test_notes_selected_by_keyboard_alone_move_and_go_together(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    lina = tabs.open("Lina (facilitator)")
    join(lina, links["facilitator"], "Lina", "public")
    a = note_at(lina, 0.4, 0.45, "First")
    b = note_at(lina, 0.6, 0.45, "Second")
    lina.keyboard.press("Escape")
    lina.get_by_test_id("viewport").focus()

    def tab_to(note_id: str) -> None:
        for _ in range(30):
            lina.keyboard.press("Tab")
            if lina.evaluate("id => document.activeElement?.dataset?.id === id", note_id):
                return
        raise AssertionError(f"Tab never reached {note_id}")

    tab_to(a)
    lina.keyboard.press("Shift+Space")
    tab_to(b)
    lina.keyboard.press("Shift+Space")
    count = lina.get_by_test_id("selection-count")
    expect(count).to_have_text("2 selected", timeout=T)
    expect(count).to_have_attribute("role", "status")
    before = places(lina, [a, b])
    lina.keyboard.press("ArrowDown")
    lina.keyboard.press("Shift+ArrowDown")  # Shift: a bigger step, as for one note
    wait_js(lina, "([id, y]) => window.samskapa.state().notes[id].y === y", [a, before[a][1] + 60])
    wait_settled(lina)
    assert places(lina, [a, b]) == {n: (x, y + 60) for n, (x, y) in before.items()}
    # Shift+Space on a selected note takes it out; again puts it back.
    lina.keyboard.press("Shift+Space")
    expect(count).to_be_hidden(timeout=T)
    lina.keyboard.press("Shift+Space")
    expect(count).to_have_text("2 selected", timeout=T)
    lina.screenshot(path=str(artifacts / "selection-keyboard.png"))
    lina.keyboard.press("Delete")
    wait_js(lina, "ids => ids.every(i => !window.samskapa.state().notes[i])", [a, b])
    tabs.assert_clean()


def test_the_select_tool_on_a_phone(server: ServerProcess, tabs: Tabs, artifacts: Path) -> None:
    links = create_board(server)
    phone = tabs.open("Amira (phone)", width=390, height=844)
    join(phone, links["participant"], "Amira", "business")
    use_canvas(phone)
    a = note_at(phone, 0.3, 0.4, "Rail")
    b = note_at(phone, 0.7, 0.4, "Road")
    phone.keyboard.press("Escape")
    phone.get_by_test_id("select-tool").click()
    expect(phone.get_by_test_id("select-tool")).to_have_attribute("aria-pressed", "true")
    box = phone.get_by_test_id("viewport").bounding_box()
    assert box
    drag(
        phone,
        box["x"] + 10,
        box["y"] + box["height"] * 0.33,
        box["width"] - 20,
        box["height"] * 0.2,
    )
    expect(phone.get_by_test_id("selection-count")).to_have_text("2 selected", timeout=T)
    expect(phone.locator(".note.in-selection")).to_have_count(2)
    phone.screenshot(path=str(artifacts / "selection-phone.png"))
    # The tool off: a drag pans again.
    phone.get_by_test_id("select-tool").click()
    camera = phone.evaluate("() => window.samskapa.camera()")
    drag(phone, box["x"] + 20, box["y"] + box["height"] * 0.7, 0, -80)
    assert phone.evaluate("() => window.samskapa.camera()")["y"] != camera["y"]
    assert {a, b} <= set(state(phone)["notes"])
    tabs.assert_clean()
