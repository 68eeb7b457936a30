"""The phone view in a real Chromium against a real `samskapa serve` process.

At 390×844 and 360×640, in Swedish and English: the board opens as one column;
every element a finger can press measures at least 44×44 CSS px (measured here,
on every such element of the page); what floats over the column covers at most
a quarter of the screen; adding (by tap and by keyboard), editing, deleting,
voting and "I'm done" work and reach the server. And an idea added offline
survives a restart of the server and arrives exactly once, in the step's frame.
Screenshots: test-artifacts/browser/phone-*.png (docs/img/phone-*.png with
SAMSKAPA_DOC_SCREENSHOTS=1).
"""

import asyncio
import os
import re
import shutil
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import end_visit, use_canvas
from tests.client import Client
from tests.client import create_board as api_board
from tests.client import join as api_join
from tests.services import ServerProcess

pytestmark = pytest.mark.browser
R = TypeVar("R")

T = TIMEOUT_MS
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
REFRESH_DOCS = os.environ.get("SAMSKAPA_DOC_SCREENSHOTS") == "1"

WORDS = {
    "en": {
        "title": "Fossil-free freight",
        "mission": "Fossil-free freight transport in Västra Götaland by 2030",
        "frame": "Ideas",
        "prompt": "What could get freight off fossil fuel first?",
        "step": "Ideas on charging",
        "instructions": "One idea per note. Think of depots, roads and rail.",
        "seeded": ["Charging at the depots", "Shared freight hubs"],
        "mine": "Electric roads on the E20",
        "edited": "Electric roads on the E20 and the E6",
        "keyboard": "Night-time rail slots for freight",
        "gone": "A note to delete",
        "add": "Add",
        "done": "I’m done",
        "left": "You have 2 of 3 votes left",
    },
    "sv": {
        "title": "Fossilfri godstrafik",
        "mission": "Fossilfria godstransporter i Västra Götaland 2030",
        "frame": "Idéer",
        "prompt": "Vad kan först få godset bort från fossila bränslen?",
        "step": "Idéer om laddning",
        "instructions": "En idé per lapp. Tänk på depåer, vägar och järnväg.",
        "seeded": ["Laddning vid depåerna", "Gemensamma godsnav"],
        "mine": "Elvägar på E20",
        "edited": "Elvägar på E20 och E6",
        "keyboard": "Nattliga tåglägen för gods",
        "gone": "En lapp att ta bort",
        "add": "Lägg till",
        "done": "Jag är klar",
        "left": "Du har 2 av 3 röster kvar",
    },
}

# Every element a finger can press that is drawn now, smaller than 44×44.
SMALL_TARGETS = """(within) => {
  within = within || 'body';
  const sel = 'a[href], button, input, select, textarea, summary, [role="button"],'
    + ' [tabindex]:not([tabindex="-1"])';
  const small = [];
  const els = [...document.querySelectorAll(within)]
    .flatMap((box) => [...box.querySelectorAll(sel)]);
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not drawn (hidden, display: none)
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (r.width < 44 || r.height < 44) {
      const name = el.dataset.testid || el.id || el.className || el.tagName;
      const size = `${r.width.toFixed(1)}×${r.height.toFixed(1)}`;
      small.push(`${el.tagName.toLowerCase()} ${name}: ${size}`);
    }
  }
  return small;
}"""

# The share of the screen covered by what floats over the page's flow (fixed,
# sticky, or absolute over other content), sampled every 4 CSS px.
OVERLAY_SHARE = """() => {
  const column = document.querySelector('[data-testid="list-view"]');
  const floating = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    const floats = s.position === 'fixed' || s.position === 'sticky'
      || (s.position === 'absolute' && s.zIndex !== 'auto');
    if (!floats || el.contains(column) || column.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
    floating.push({ r, name: el.dataset.testid || el.id || el.className });
  }
  const W = innerWidth, H = innerHeight;
  let covered = 0, all = 0;
  for (let y = 2; y < H; y += 4) for (let x = 2; x < W; x += 4) {
    all++;
    const over = ({ r }) => x >= r.left && x < r.right && y >= r.top && y < r.bottom;
    if (floating.some(over)) covered++;
  }
  return { share: covered / all, floating: floating.map((f) => f.name) };
}"""


def run_async(make: Callable[[], Awaitable[R]]) -> R:
    """Run a coroutine to the end from a sync test: Playwright's sync API holds
    this thread's event loop, so it runs in a thread of its own."""

    async def main() -> R:
        return await make()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result(timeout=60)


def setup_board(server: ServerProcess, lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A board in `lang` with a mission, a frame, a running step about that frame
    with a timer, two seeded notes and a live dot vote (3 votes, 2 per note).
    Returns the board and the seeded notes' ids by text."""
    w = WORDS[lang]
    board = api_board(server.http, w["title"], lang)

    async def run() -> dict[str, str]:
        credential = api_join(server.http, board, "facilitator", "Lina", "public")["credential"]
        fac = Client(server.ws, board["board_id"], credential)
        await fac.connect()

        async def ok(command: dict[str, Any]) -> None:
            answer = await fac.result(await fac.op(command))
            assert answer["type"] == "ack", answer

        mission = {"statement": w["mission"], "measure": "22 % → 100 %", "deadline": "2030"}
        await ok({"type": "board.update", "mission": mission})
        frame = {"frame_id": "f1", "title": w["frame"], "prompt": w["prompt"]}
        await ok({"type": "frame.create", **frame, "x": 0, "y": 0, "w": 1200, "h": 800})
        await ok(
            {
                "type": "frame.create",
                "frame_id": "f2",
                "title": "Hinder" if lang == "sv" else "Obstacles",
                "x": 1400,
                "y": 0,
                "w": 800,
                "h": 600,
            }
        )
        step = {
            "id": "s1",
            "title": w["step"],
            "instructions": w["instructions"],
            "frame_id": "f1",
            "minutes": 10,
        }
        await ok({"type": "agenda.set", "steps": [step]})
        await ok({"type": "agenda.go", "step_id": "s1"})
        await ok({"type": "timer.start", "seconds": 600})
        ids = {}
        for k, text in enumerate(w["seeded"]):
            await ok({"type": "note.create", "note_id": f"seed{k}", "text": text})
            ids[text] = f"seed{k}"
        await fac.close()
        return ids

    return board, run_async(run)


async def _facilitate(
    server: ServerProcess, board: dict[str, Any], command: dict[str, Any]
) -> None:
    credential = api_join(server.http, board, "facilitator", "Lina 2", "public")["credential"]
    fac = Client(server.ws, board["board_id"], credential)
    await fac.connect()
    answer = await fac.result(await fac.op(command))
    assert answer["type"] == "ack", answer
    await fac.close()


def server_notes(server: ServerProcess, board: dict[str, Any]) -> dict[str, Any]:
    """The notes as the server has them (facilitator's snapshot)."""
    credential = api_join(server.http, board, "facilitator", "Checker", "public")["credential"]
    r = httpx.get(
        f"{server.http}/api/boards/{board['board_id']}/snapshot",
        headers={"Authorization": f"Bearer {credential}"},
        timeout=10,
    )
    r.raise_for_status()
    notes: dict[str, Any] = r.json()["state"]["notes"]
    return notes


def phone_join(page: Page, server: ServerProcess, board: dict[str, Any], name: str) -> None:
    page.goto(f"{server.http}/b/{board['board_id']}#k={board['tokens']['participant']}")
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-sector").select_option("academia")
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("join-dialog")).to_be_hidden(timeout=T)
    expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "live", timeout=T)


def mine_item(page: Page, text: str) -> Any:
    return page.get_by_test_id("phone-mine-item").filter(has_text=text)


def all_item(page: Page, text: str) -> Any:
    return page.get_by_test_id("phone-all-item").filter(has_text=text)


def measures_are_real(page: Page) -> None:
    """Both measures see a problem when there is one: a 20×20 button in the
    column, a fixed box over a third of the screen."""
    page.evaluate(
        """() => {
          const b = document.createElement('button');
          b.id = 'probe-button';
          b.style.cssText = 'all: unset; display: inline-block; width: 20px; height: 20px';
          document.querySelector('[data-testid="phone-view"]').append(b);
          const d = document.createElement('div');
          d.id = 'probe-overlay';
          d.style.cssText = 'position: fixed; left: 0; top: 0; width: 100vw; height: 34vh';
          document.body.append(d);
        }"""
    )
    assert any("probe-button" in s for s in page.evaluate(SMALL_TARGETS))
    assert page.evaluate(OVERLAY_SHARE)["share"] > 0.25
    page.evaluate(
        "() => { for (const id of ['probe-button', 'probe-overlay'])"
        " document.getElementById(id).remove(); }"
    )


def check_targets_and_overlays(page: Page, where: str) -> None:
    small = page.evaluate(SMALL_TARGETS)
    assert small == [], f"{where}: smaller than 44×44: {small}"
    cover = page.evaluate(OVERLAY_SHARE)
    assert cover["share"] <= 0.25, f"{where}: overlays cover {cover}"


def shoot(page: Page, artifacts: Path, name: str) -> None:
    path = artifacts / f"phone-{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    if REFRESH_DOCS:
        shutil.copyfile(path, DOCS_IMG / f"phone-{name}.png")


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("size", [(390, 844), (360, 640)], ids=["390x844", "360x640"])
def test_contributing_from_a_phone(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str, size: tuple[int, int]
) -> None:
    w = WORDS[lang]
    board, seeded = setup_board(server, lang)
    page = tabs.open(f"phone {lang} {size}", width=size[0], height=size[1], scale=2)
    phone_join(page, server, board, "Bo")
    name = f"{lang}-{size[0]}x{size[1]}"

    # One column: the mission, the step with its instructions, the composer.
    expect(page.get_by_test_id("phone-view")).to_be_visible(timeout=T)
    expect(page.get_by_test_id("viewport")).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_test_id("mission-statement")).to_have_text(w["mission"])
    expect(page.get_by_test_id("mission-statement")).to_be_visible()
    expect(page.get_by_test_id("step-title")).to_have_text(w["step"])
    expect(page.get_by_test_id("step-instructions")).to_have_text(w["instructions"])
    expect(page.get_by_test_id("phone-prompt")).to_have_text(w["prompt"])
    expect(page.get_by_test_id("phone-frame")).to_have_value("f1")
    expect(page.get_by_test_id("phone-add")).to_have_text(w["add"])
    expect(page.get_by_test_id("phone-all-item")).to_have_count(2)
    measures_are_real(page)
    check_targets_and_overlays(page, f"{name} writing")

    # Add by tapping: the idea goes into the step's frame at a free place.
    page.get_by_test_id("phone-text").fill(w["mine"])
    page.get_by_test_id("phone-add").click()
    expect(mine_item(page, w["mine"])).to_have_count(1, timeout=T)
    expect(page.get_by_test_id("phone-text")).to_have_value("")
    expect(page.get_by_test_id("phone-text")).to_be_focused()
    # Add by keyboard only: Ctrl+Enter in the composer.
    page.keyboard.type(w["keyboard"])
    page.keyboard.press("Control+Enter")
    expect(mine_item(page, w["keyboard"])).to_have_count(1, timeout=T)
    expect(page.get_by_test_id("phone-live")).to_contain_text(w["keyboard"])
    page.wait_for_function(
        "texts => texts.every(t => Object.values(window.samskapa.state().notes)"
        ".some(n => n.text === t && n.frame_id === 'f1'))",
        arg=[w["mine"], w["keyboard"]],
        timeout=T,
    )
    notes = server_notes(server, board)
    placed = [n for n in notes.values() if n["frame_id"] == "f1"]
    assert len(placed) == 4
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            assert abs(a["x"] - b["x"]) >= 160 or abs(a["y"] - b["y"]) >= 120, (a, b)

    # Edit one's own idea.
    item = mine_item(page, w["mine"])
    item.get_by_test_id("phone-edit").click()
    expect(item.get_by_test_id("phone-edit-text")).to_be_focused()
    item.get_by_test_id("phone-edit-text").fill(w["edited"])
    item.get_by_test_id("phone-save").click()
    expect(mine_item(page, w["edited"])).to_have_count(1, timeout=T)
    # Delete one, after a second tap to be sure.
    page.get_by_test_id("phone-text").fill(w["gone"])
    page.get_by_test_id("phone-add").click()
    gone = mine_item(page, w["gone"])
    expect(gone).to_have_count(1, timeout=T)
    gone.get_by_test_id("phone-delete").click()
    expect(gone.get_by_test_id("phone-delete-confirm")).to_be_focused()
    check_targets_and_overlays(page, f"{name} deleting")
    gone.get_by_test_id("phone-delete-confirm").click()
    expect(gone).to_have_count(0, timeout=T)
    page.wait_for_function(
        "([a, b]) => { const t = Object.values(window.samskapa.state().notes).map(n => n.text);"
        " return t.includes(a) && !t.includes(b); }",
        arg=[w["edited"], w["gone"]],
        timeout=T,
    )
    shoot(page, artifacts, f"{name}-write")

    # A live dot vote: large buttons, the votes left, "I'm done" for the vote.
    vote = {"type": "vote.open", "round_id": "r1", "budget": 3, "cap": 2, "blind": False}
    run_async(lambda: _facilitate(server, board, vote))
    seeded_item = all_item(page, w["seeded"][0])
    expect(seeded_item.get_by_test_id("phone-vote")).to_be_visible(timeout=T)
    expect(page.get_by_test_id("vote-left")).to_have_attribute("data-left", "3")
    seeded_item.get_by_test_id("phone-vote").click()
    expect(page.get_by_test_id("vote-left")).to_have_text(w["left"], timeout=T)
    page.wait_for_function(
        "id => window.samskapa.votes()?.mine?.ballots?.r1?.[id] === 1"
        " && !window.samskapa.votes()?.mine?.pending?.[id]",
        arg=seeded[w["seeded"][0]],
        timeout=T,
    )
    expect(seeded_item.get_by_test_id("phone-vote-info")).to_contain_text("1")
    check_targets_and_overlays(page, f"{name} voting")
    page.get_by_test_id("phone-sort").select_option("votes")
    expect(page.get_by_test_id("phone-all-item").first).to_contain_text(w["seeded"][0])
    page.get_by_test_id("phone-all-count").evaluate("el => el.scrollIntoView({block: 'start'})")
    shoot(page, artifacts, f"{name}-list")
    page.get_by_test_id("vote-banner").evaluate("el => el.scrollIntoView({block: 'start'})")
    shoot(page, artifacts, f"{name}-vote")
    # Taking the vote back, then "I'm done" with the step.
    seeded_item.get_by_test_id("phone-unvote").click()
    expect(page.get_by_test_id("vote-left")).to_have_attribute("data-left", "3", timeout=T)
    ready = page.get_by_test_id("step-ready")
    expect(ready).to_have_text(w["done"])
    ready.click()
    expect(ready).to_have_attribute("aria-pressed", "true", timeout=T)
    page.wait_for_function(
        "() => window.samskapa.state().myReady?.s1 === true && !window.samskapa.outbox().length",
        timeout=T,
    )
    page.get_by_test_id("vote-done").click()
    expect(page.get_by_test_id("vote-status")).to_have_attribute("data-status", "done", timeout=T)
    check_targets_and_overlays(page, f"{name} done")
    tabs.assert_clean()


def test_an_idea_added_offline_survives_a_server_restart(
    sqlite_url: str, tmp_path: Path, tabs: Tabs, artifacts: Path
) -> None:
    server = ServerProcess(sqlite_url, tmp_path / "data").start()
    try:
        board, _ = setup_board(server, "en")
        page = tabs.open("phone offline", width=390, height=844, scale=2)
        phone_join(page, server, board, "Bo")
        context = page.context
        context.set_offline(True)
        expect(page.get_by_test_id("conn-state")).not_to_have_attribute(
            "data-state", "live", timeout=T
        )
        page.get_by_test_id("phone-text").fill("Written on the train")
        page.get_by_test_id("phone-add").click()
        item = mine_item(page, "Written on the train")
        expect(item).to_have_count(1, timeout=T)
        expect(item).to_contain_text("Not sent yet")
        expect(page.get_by_test_id("phone-live")).to_contain_text("Saved on this device")
        expect(page.get_by_test_id("outbox-count")).to_have_text("1")
        check_targets_and_overlays(page, "offline")
        page.get_by_test_id("phone-composer").evaluate("el => el.scrollIntoView({block: 'start'})")
        shoot(page, artifacts, "offline")
        # The server goes down and comes back (the same database, the same port)
        # while the phone is offline.
        server.stop()
        server = ServerProcess(sqlite_url, tmp_path / "data", port=server.port).start()
        context.set_offline(False)
        expect(page.get_by_test_id("conn-state")).to_have_attribute(
            "data-state", "live", timeout=30_000
        )
        expect(page.get_by_test_id("outbox-count")).to_be_hidden(timeout=T)
        expect(mine_item(page, "Written on the train")).not_to_contain_text("Not sent yet")
        notes = [
            n for n in server_notes(server, board).values() if n["text"] == "Written on the train"
        ]
        assert len(notes) == 1 and notes[0]["frame_id"] == "f1", notes
        tabs.assert_clean(ignore="ERR_INTERNET_DISCONNECTED|WebSocket|net::")
    finally:
        server.stop()


def test_on_the_board_new_notes_go_to_the_step_frame_and_a_facilitator_tidies_it(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    """The canvas too: *New note* during a step with a frame puts the note at a
    free place in that frame (never on another note), and the facilitator's
    *Tidy* button packs the frame with a group on rows of its own."""
    board, seeded = setup_board(server, "en")
    laptop = tabs.open("Amira (laptop)")
    phone_join(laptop, server, board, "Amira")
    for text in ("Biogas for long haul", "Rail sidings at the ports"):
        laptop.get_by_test_id("new-note").click()
        editor = laptop.get_by_test_id("note-editor")
        expect(editor).to_be_focused(timeout=T)
        laptop.keyboard.type(text)
        laptop.keyboard.press("Enter")
        laptop.wait_for_function(
            "t => Object.values(window.samskapa.state().notes).some(n => n.text === t)",
            arg=text,
            timeout=T,
        )
    notes = list(server_notes(server, board).values())
    assert len(notes) == 4 and all(n["frame_id"] == "f1" for n in notes), notes
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            assert abs(a["x"] - b["x"]) >= 160 or abs(a["y"] - b["y"]) >= 120, (a, b)

    fac = tabs.open("Lina (facilitator)")
    fac.goto(f"{server.http}/b/{board['board_id']}#k={board['tokens']['facilitator']}")
    fac.get_by_test_id("join-name").fill("Lina")
    fac.get_by_test_id("join-submit").click()
    expect(fac.get_by_test_id("conn-state")).to_have_attribute("data-state", "live", timeout=T)
    group = {"type": "group.create", "group_id": "g1", "note_ids": list(seeded.values())}
    run_async(lambda: _facilitate(server, board, group))
    frame = fac.locator('[data-testid="frame"][data-id="f1"]')
    tidy = frame.get_by_test_id("frame-tidy")
    expect(tidy).to_have_attribute("aria-label", re.compile("Tidy the frame Ideas"), timeout=T)
    tidy.click()
    fac.wait_for_function(
        "() => window.samskapa.lastSeq() && !window.samskapa.outbox().length",
        timeout=T,
    )
    laptop.wait_for_function(
        "ids => { const n = window.samskapa.state().notes; return n[ids[0]].y === n[ids[1]].y; }",
        arg=list(seeded.values()),
        timeout=T,
    )
    after = server_notes(server, board)
    rows_of = {n["id"]: n["y"] for n in after.values()}
    grouped = {rows_of[i] for i in seeded.values()}
    others = {rows_of[i] for i in after if i not in seeded.values()}
    assert grouped and others and not grouped & others, (grouped, others)
    laptop.screenshot(path=str(artifacts / "phone-board-tidied.png"), animations="disabled")
    tabs.assert_clean()


def test_coming_back_on_a_phone_steps_through_the_new_ideas_in_the_column(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    board, _ = setup_board(server, "en")
    page = tabs.open("phone news", width=390, height=844, scale=2)
    phone_join(page, server, board, "Bo")
    expect(page.get_by_test_id("news-bar")).to_be_hidden()
    context = page.context
    end_visit(page, server.http, board["board_id"])

    async def others_write() -> None:
        credential = api_join(server.http, board, "participant", "Omar", "business")["credential"]
        omar = Client(server.ws, board["board_id"], credential)
        await omar.connect()
        for k, text in enumerate(("Cargo bikes in the centre", "Depot chargers at night")):
            command = {"type": "note.create", "note_id": f"new{k}", "text": text}
            answer = await omar.result(await omar.op(command))
            assert answer["type"] == "ack", answer
        await omar.close()

    run_async(others_write)
    page = context.new_page()
    page.goto(f"{server.http}/b/{board['board_id']}")
    expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "live", timeout=T)
    expect(page.get_by_test_id("phone-view")).to_be_visible()
    expect(page.get_by_test_id("news-count")).to_have_text("2 new since your last visit", timeout=T)
    # The new ideas stand out in the list: a badge and an edge; the others do not.
    items = page.get_by_test_id("phone-all-item")
    expect(items).to_have_count(4)
    for note_id in ("new0", "new1"):
        item = page.locator(f'[data-testid="phone-all-item"][data-id="{note_id}"]')
        expect(item).to_have_class(re.compile(r"\bphone-new\b"))
        expect(item.get_by_test_id("phone-new-badge")).to_have_text("New")
    for note_id in ("seed0", "seed1"):
        item = page.locator(f'[data-testid="phone-all-item"][data-id="{note_id}"]')
        expect(item).not_to_have_class(re.compile(r"\bphone-new\b"))
        expect(item.get_by_test_id("phone-new-badge")).to_be_hidden()
    page.get_by_test_id("news-next").click()
    expect(page.get_by_test_id("news-position")).to_have_text("1 of 2")
    focused = page.locator('[data-testid="phone-all-item"]:focus')
    expect(focused).to_have_attribute("data-id", "new0", timeout=T)
    expect(focused).to_be_in_viewport()
    page.get_by_test_id("news-next").click()
    expect(page.locator('[data-testid="phone-all-item"]:focus')).to_have_attribute(
        "data-id", "new1", timeout=T
    )
    expect(page.locator('[data-testid="phone-all-item"].current')).to_have_attribute(
        "data-id", "new1"
    )
    page.get_by_test_id("news-prev").click()
    expect(page.locator('[data-testid="phone-all-item"].current')).to_have_attribute(
        "data-id", "new0", timeout=T
    )
    check_targets_and_overlays(page, "news")
    page.locator('[data-testid="phone-all-item"][data-id="new0"]').evaluate(
        "el => el.scrollIntoView({block: 'center'})"
    )
    shoot(page, artifacts, "news-column")
    # Done: the highlights go with the bar.
    page.get_by_test_id("news-done").click()
    expect(page.get_by_test_id("news-bar")).to_be_hidden()
    expect(page.locator('[data-testid="phone-all-item"].phone-new')).to_have_count(0)
    tabs.assert_clean()


# Over the canvas board: the share of the screen where what a finger would touch
# is not the board but something floating over it (the mission card, the step,
# vote and collection banners), sampled every 4 CSS px over the board's area.
CANVAS_OVERLAY_SHARE = """() => {
  const board = document.querySelector('[data-testid="viewport"]');
  const b = board.getBoundingClientRect();
  let covered = 0, all = 0;
  const names = new Set();
  for (let y = 2; y < innerHeight; y += 4) for (let x = 2; x < innerWidth; x += 4) {
    all++;
    if (x < b.left || x >= b.right || y < b.top || y >= b.bottom) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && !board.contains(hit)) {
      covered++;
      const top = hit.closest('[data-testid]');
      names.add(top ? top.dataset.testid : hit.className || hit.tagName);
    }
  }
  return { share: covered / all, over: [...names] };
}"""


def test_on_a_phone_the_canvas_banners_leave_the_board_free(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    """The canvas at 390×844 during a step with a timer, a live dot vote and an
    open collection: the banners are compact and cover at most a quarter of the
    screen; each opens for its details and closes again, also by keyboard."""
    board, _ = setup_board(server, "en")
    vote = {"type": "vote.open", "round_id": "r1", "budget": 3, "cap": 2, "blind": False}
    run_async(lambda: _facilitate(server, board, vote))
    week = {"type": "collection.schedule", "closes_at": int(time.time() * 1000) + 5 * 86_400_000}
    run_async(lambda: _facilitate(server, board, week))
    page = tabs.open("phone canvas", width=390, height=844, scale=2)
    phone_join(page, server, board, "Bo")
    use_canvas(page)
    for banner in ("step-banner", "vote-banner", "collection-banner"):
        expect(page.get_by_test_id(banner)).to_be_visible(timeout=T)
    expect(page.get_by_test_id("step-title")).to_have_text(WORDS["en"]["step"])
    expect(page.get_by_test_id("step-timer")).to_be_visible()
    expect(page.get_by_test_id("vote-left")).to_be_visible()
    expect(page.get_by_test_id("collection-countdown")).to_be_visible()
    shoot(page, artifacts, "canvas-banners")
    cover = page.evaluate(CANVAS_OVERLAY_SHARE)
    assert cover["share"] <= 0.25, f"the banners cover {cover}"
    small = page.evaluate(SMALL_TARGETS, "#board-top, #vote-banner")
    assert small == [], f"smaller than 44×44: {small}"

    # The details are one press away, and go again the same way.
    details = page.get_by_test_id("banner-details")
    expect(details).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("step-instructions")).to_be_hidden()
    details.click()
    expect(details).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("step-instructions")).to_have_text(WORDS["en"]["instructions"])
    shoot(page, artifacts, "canvas-banners-open")
    details.focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("step-instructions")).to_be_hidden()
    assert page.evaluate(CANVAS_OVERLAY_SHARE)["share"] <= 0.25
    tabs.assert_clean()


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "Write something first."), ("sv", "Skriv något först.")]
)
def test_add_on_an_empty_field_says_why_where_one_looks(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str, said: str
) -> None:
    """Add with nothing written did nothing that could be seen (only a screen
    reader heard why): the reason now shows under the field, the field is marked
    invalid, and writing clears it."""
    board = api_board(server.http, "Fossilfri godstrafik", lang)
    page = tabs.open(f"phone {lang}", width=390, height=844)
    phone_join(page, server, board, "Bo")
    text = page.get_by_test_id("phone-text")
    error = page.get_by_test_id("phone-add-error")
    page.get_by_test_id("phone-add").click()
    expect(error).to_be_visible()
    expect(error).to_have_text(said)
    expect(text).to_be_focused()
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description(re.compile(re.escape(said)))
    box, field = error.bounding_box(), text.bounding_box()
    assert box and field and box["y"] >= field["y"] + field["height"] - 1, (box, field)
    page.screenshot(path=str(artifacts / f"phone-add-empty-{lang}.png"))
    text.fill("Laddning vid depåerna")
    expect(error).to_be_hidden()
    expect(text).not_to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("phone-add").click()
    expect(page.get_by_test_id("phone-mine-item")).to_have_count(1)
    expect(error).to_be_hidden()
    tabs.assert_clean()
