"""The facilitator's panel in a real Chromium against a real `samskapa serve` process.

A facilitator and a participant, each in their own browser context. The
facilitator builds a three-step agenda in the panel (from presets, one moved
into place), goes to the silent-writing step (the participant's page shows
it), runs the timer through start, pause, +1 min, resume and stop, and reveals
the participant's private note. Locking the board while the participant is
writing makes the server refuse the note, and the participant is told why;
after unlocking they can write again. Only the keyboard opens and closes the
panel. Screenshots: test-artifacts/browser/facilitator-*.png.
"""

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import create_board, join, top_bar
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"facilitator-{name}.png"))


def add_step(page: Page, preset: str, title: str | None = None) -> None:
    """Add a step to the draft from a preset (and maybe another title)."""
    page.get_by_test_id("fac-step-add").click()
    expect(page.get_by_test_id("fac-step-title")).to_be_focused(timeout=T)
    page.get_by_test_id("fac-step-preset").select_option(preset)
    page.get_by_test_id("fac-step-preset-apply").click()
    if title is not None:
        page.get_by_test_id("fac-step-title").fill(title)


def timer_phase(page: Page, phase: str) -> None:
    expect(page.get_by_test_id("fac-timer-state")).to_have_attribute("data-phase", phase, timeout=T)


def write_note(page: Page, fx: float, fy: float) -> None:
    """Double-click the board at a point (fractions of the viewport); the editor opens."""
    box = page.get_by_test_id("viewport").bounding_box(timeout=T)
    assert box
    page.mouse.dblclick(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    expect(page.get_by_test_id("note-editor")).to_be_focused(timeout=T)


def note_texts(page: Page) -> list[str]:
    texts: list[str] = page.evaluate(
        "() => Object.values(window.samskapa.state().notes).map(n => n.text)"
    )
    return texts


def test_the_facilitator_runs_a_workshop_from_the_panel(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    links = create_board(server)
    fac = tabs.open("Lina (facilitator)")
    par = tabs.open("Amira (participant)")
    join(fac, links["facilitator"], "Lina", "public")
    join(par, links["participant"], "Amira", "business")

    # Only facilitators have the panel; the keyboard opens it.
    expect(par.get_by_test_id("fac-toggle")).to_be_hidden(timeout=T)
    toggle = fac.get_by_test_id("fac-toggle")
    expect(toggle).to_be_visible(timeout=T)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    fac.get_by_test_id("viewport").focus()
    fac.keyboard.press("Alt+Shift+F")
    panel = fac.get_by_test_id("fac-panel")
    expect(panel).to_be_visible(timeout=T)
    expect(toggle).to_have_attribute("aria-expanded", "true")

    # ---- a three-step agenda, built in the editor ----
    fac.get_by_test_id("fac-editor").locator("summary").click()
    add_step(fac, "silent")
    add_step(fac, "conflicts")
    add_step(fac, "read_only", "Frame the challenge")
    fac.get_by_test_id("fac-step-minutes").fill("3")
    # The last step belongs first: up twice, from the keyboard-reachable arrows.
    drafts = fac.get_by_test_id("fac-draft-step")
    expect(drafts).to_have_count(3)
    drafts.nth(2).get_by_test_id("fac-draft-up").click()
    drafts.nth(1).get_by_test_id("fac-draft-up").click()
    expect(drafts.nth(0)).to_contain_text("Frame the challenge")
    expect(fac.get_by_test_id("fac-editor-status")).to_contain_text("Unsaved")
    shoot(fac, artifacts, "editor")
    fac.get_by_test_id("fac-agenda-save").click()
    steps = fac.get_by_test_id("fac-step")
    expect(steps).to_have_count(3, timeout=T)
    expect(fac.get_by_test_id("fac-agenda-save")).to_be_disabled(timeout=T)
    saved = fac.evaluate("() => window.samskapa.state().agenda")
    assert [s["title"] for s in saved] == [
        "Frame the challenge",
        "Silent writing",
        "Goal conflicts",
    ]
    assert [s["minutes"] for s in saved] == [3, 8, 20]
    assert saved[0]["rules"] == {
        "write": "none",
        "edit": "none",
        "group": False,
        "link": False,
        "vote": False,
    }
    assert saved[1]["rules"]["write"] == "private"
    assert saved[2]["rules"]["link"] is True

    # ---- go to the silent-writing step: the participant's page shows it ----
    steps.nth(1).get_by_test_id("fac-step-go").click()
    expect(steps.nth(1)).to_have_attribute("aria-current", "step", timeout=T)
    expect(fac.get_by_test_id("fac-now")).to_contain_text("step 2 of 3")
    silent_id = saved[1]["id"]
    par.wait_for_function(
        "id => window.samskapa.state().current_step === id", arg=silent_id, timeout=T
    )
    expect(par.get_by_test_id("step-banner")).to_contain_text("Silent writing", timeout=T)

    # ---- the timer: the step's planned minutes, start, pause, +1, resume, stop ----
    expect(fac.get_by_test_id("fac-timer-minutes")).to_have_value("8")
    expect(fac.get_by_test_id("fac-timer-pause")).to_be_disabled()
    fac.get_by_test_id("fac-timer-start").click()
    timer_phase(fac, "running")
    par.wait_for_function("() => window.samskapa.state().timer.ends_at !== null", timeout=T)
    expect(fac.get_by_test_id("fac-timer-resume")).to_be_disabled()
    expect(fac.get_by_test_id("fac-toggle-clock")).to_be_visible()
    fac.get_by_test_id("fac-timer-pause").click()
    timer_phase(fac, "paused")
    paused = fac.evaluate("() => window.samskapa.state().timer")
    assert paused["ends_at"] is None and paused["remaining_ms"] > 0
    fac.get_by_test_id("fac-timer-add").click()
    fac.wait_for_function(
        "ms => window.samskapa.state().timer.remaining_ms === ms + 60000",
        arg=paused["remaining_ms"],
        timeout=T,
    )
    fac.get_by_test_id("fac-timer-resume").click()
    timer_phase(fac, "running")
    shoot(fac, artifacts, "timer")
    fac.get_by_test_id("fac-timer-stop").click()
    timer_phase(fac, "stopped")
    expect(fac.get_by_test_id("fac-timer-stop")).to_be_disabled()
    par.wait_for_function("() => window.samskapa.state().timer.ends_at === null", timeout=T)

    # ---- silent writing and the reveal ----
    write_note(par, 0.45, 0.55)
    par.keyboard.type("Charging at depots")
    par.keyboard.press("Enter")
    count = fac.get_by_test_id("fac-private-count")
    expect(count).to_have_attribute("data-count", "1", timeout=T)
    assert note_texts(fac) == []
    fac.get_by_test_id("fac-reveal").click()
    expect(fac.get_by_test_id("fac-reveal-confirm-box")).to_be_visible()
    expect(fac.get_by_test_id("fac-reveal-confirm")).to_be_focused()
    shoot(fac, artifacts, "reveal")
    fac.get_by_test_id("fac-reveal-confirm").click()
    expect(count).to_have_attribute("data-count", "0", timeout=T)
    fac.wait_for_function(
        "() => Object.values(window.samskapa.state().notes)"
        ".some(n => n.text === 'Charging at depots')",
        timeout=T,
    )

    # ---- lock: a note begun before the lock is refused by the server ----
    write_note(par, 0.6, 0.7)
    lock = fac.get_by_test_id("fac-lock")
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "true", timeout=T)
    par.wait_for_function("() => window.samskapa.state().attention.locked", timeout=T)
    par.keyboard.type("Written while locked")
    par.keyboard.press("Enter")
    expect(par.locator(".toast").last).to_contain_text("locked", timeout=T)
    par.wait_for_function("() => window.samskapa.outbox().length === 0", timeout=T)
    assert "Written while locked" not in note_texts(par)
    shoot(par, artifacts, "locked-participant")
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "false", timeout=T)
    par.wait_for_function("() => !window.samskapa.state().attention.locked", timeout=T)
    write_note(par, 0.3, 0.7)
    par.keyboard.type("After the lock")
    par.keyboard.press("Enter")
    par.wait_for_function(
        "() => Object.values(window.samskapa.state().notes).some(n => n.text === 'After the lock')",
        timeout=T,
    )

    # The keyboard closes the panel and gives the focus back to its button.
    fac.get_by_test_id("fac-panel-close").focus()
    fac.keyboard.press("Alt+Shift+F")
    expect(panel).to_be_hidden(timeout=T)
    expect(toggle).to_be_focused()
    tabs.assert_clean()


# Every shown control of the panel smaller than a finger (44×44 CSS px); a check
# box or radio button is pressed through its label, so the label is measured.
SMALL_CONTROLS_JS = """() => [...document.querySelectorAll(
    '#fac-panel :is(button, a, select, input, textarea, summary)')]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => {
    const target = ['checkbox', 'radio'].includes(el.type) ? (el.closest('label') ?? el) : el;
    const r = target.getBoundingClientRect();
    return { id: el.dataset.testid || el.textContent.trim().slice(0, 30),
             w: Math.round(r.width), h: Math.round(r.height) };
  })
  .filter((c) => c.w < 44 || c.h < 44)"""


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_on_a_phone_every_control_of_the_panel_is_a_fingers_size(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str
) -> None:
    """On a phone the panel covers the board and is used by finger: its buttons
    were 32 px high, the agenda's ↑ ↓ × 32 px wide and its check boxes 17 px."""
    r = httpx.post(
        f"{server.http}/api/boards",
        json={"title": "Fossilfri godstrafik", "language": lang, "template": "mission-workshop"},
        timeout=10,
    )
    r.raise_for_status()
    page = tabs.open("facilitator", 390, 844)
    join(page, r.json()["links"]["facilitator"], "Lina", "public")
    top_bar(page, "fac-toggle").click()
    panel = page.get_by_test_id("fac-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("fac-draft-up").first).to_be_attached()
    page.evaluate(
        "() => document.querySelectorAll('#fac-panel details').forEach((d) => { d.open = true; })"
    )
    shoot(page, artifacts, f"phone-{lang}")
    assert page.evaluate(SMALL_CONTROLS_JS) == []
    tabs.assert_clean()
