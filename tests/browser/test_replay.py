"""Replay in a real Chromium against a real `samskapa serve` process.

Lina (facilitator) runs a short retrospective with Amira (participant): a timer
and silent writing, where Amira writes a private note, then the reveal and the
next step. Amira has no Replay until Lina allows it in the panel; then her
replay shows her own private note before the reveal. Lina opens **Replay** from
the board: the activity strip and the
markers are there; she scrubs, steps with the keyboard, plays at 16× to the end
(where the board folded in the page equals the server's state at that seq),
and jumps to the reveal marker: one change before it Amira's note is only a
count, at the marker it is on the board. She starts a new board from that
moment and opens it: the note is there. She downloads the board as JSON and as
a template, and imports the JSON on the start page (a cut-off file and a
foreign one are refused in words first). The report opens from the page and
Chromium prints it to a PDF with content.

Screenshots: test-artifacts/browser/replay-*.png on every run; with
SAMSKAPA_DOC_SCREENSHOTS=1 also docs/img/replay-*.png (the pictures of
docs/replay.md).
"""

import json
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import MISSION, Camera, expect_live, join, note_at, top_bar
from tests.services import ServerProcess

pytestmark = pytest.mark.browser

T = TIMEOUT_MS
PRIVATE = "Night deliveries to the depots"


def go_to_step(fac: Page, title: str) -> None:
    row = fac.get_by_test_id("fac-step").filter(has_text=title)
    row.get_by_test_id("fac-step-go").click()
    expect(row).to_have_attribute("aria-current", "step", timeout=T)


def replay_seq(page: Page) -> int:
    seq: int = page.evaluate("() => window.samskapaReplay.seq()")
    return seq


def wait_seq(page: Page, seq: int) -> None:
    page.wait_for_function("s => window.samskapaReplay.seq() === s", arg=seq, timeout=T)


def drawn_texts(page: Page) -> list[str]:
    texts: list[str] = page.get_by_test_id("note").evaluate_all(
        "els => els.map(el => el.querySelector('.note-text')?.textContent ?? '')"
    )
    return texts


def test_a_facilitator_replays_forks_and_prints_the_report(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    cam = Camera(artifacts, "replay", "replay")
    r = httpx.post(
        f"{server.http}/api/boards",
        json={
            "title": "Freight retrospective",
            "language": "en",
            "template": "quick-retrospective",
            "mission": {"statement": MISSION, "measure": "", "deadline": "2030"},
        },
        timeout=10,
    )
    r.raise_for_status()
    links = r.json()["links"]
    fac = tabs.open("Lina (facilitator)")
    amira = tabs.open("Amira (participant)")
    join(fac, links["facilitator"], "Lina", "public")
    join(amira, links["participant"], "Amira", "business")

    # ---- a short session: timer, silent writing, reveal, the next step ----
    fac.get_by_test_id("viewport").focus()
    fac.keyboard.press("Alt+Shift+F")
    expect(fac.get_by_test_id("fac-panel")).to_be_visible(timeout=T)
    go_to_step(fac, "Look back")
    expect(amira.get_by_test_id("step-title")).to_have_text("Look back", timeout=T)
    fac.get_by_test_id("fac-timer-start").click()
    note_id = note_at(amira, 0.45, 0.6, PRIVATE)
    expect(fac.get_by_test_id("private-count")).to_have_text("1 note being written", timeout=T)
    fac.get_by_test_id("fac-reveal").click()
    fac.get_by_test_id("fac-reveal-confirm").click()
    fac.wait_for_function(
        "id => window.samskapa.state().notes[id]?.text !== undefined", arg=note_id, timeout=T
    )
    go_to_step(fac, "Reveal and cluster")

    # ---- Replay for participants: off until the facilitator allows it ----
    amira.get_by_test_id("topbar-more").click()  # a laptop's bar keeps Replay under ☰
    expect(amira.get_by_test_id("replay-link")).to_be_hidden()
    fac.get_by_test_id("fac-replay").check()
    expect(amira.get_by_test_id("replay-link")).to_be_visible(timeout=T)
    amira.get_by_test_id("replay-link").click()
    amira.wait_for_function("() => window.samskapaReplay?.timeline() != null", timeout=T)
    expect(amira.get_by_test_id("replay-actions")).to_be_hidden()  # the record is the facilitator's
    # Before the reveal Amira sees her own private note, as she did live.
    amira.get_by_test_id("marker-reveal").click()
    amira.wait_for_function("() => window.samskapaReplay.seq() > 1", timeout=T)
    amira.get_by_test_id("replay-slider").focus()
    amira.keyboard.press("ArrowLeft")
    expect(amira.get_by_test_id("note").filter(has_text=PRIVATE)).to_be_visible(timeout=T)
    fac.keyboard.press("Escape")

    # ---- Replay, from the board ----
    replay_link = top_bar(fac, "replay-link")
    expect(replay_link).to_be_visible(timeout=T)
    replay_link.click()
    expect(fac).to_have_url(re.compile(r"/b/[^/]+/replay"), timeout=T)
    fac.wait_for_function("() => window.samskapaReplay?.timeline() != null", timeout=T)
    timeline = fac.evaluate(
        "() => { const tl = window.samskapaReplay.timeline();"
        " return {first: tl.firstSeq, last: tl.lastSeq, seqs: tl.seqs,"
        " markers: tl.markers.map(m => ({seq: m.seq, kind: m.kind}))}; }"
    )
    last = timeline["last"]
    assert replay_seq(fac) == last, "the replay opens at the end"
    expect(fac.get_by_test_id("board-title")).to_have_text("Freight retrospective")
    kinds = {m["kind"] for m in timeline["markers"]}
    assert {"step", "timer_started", "reveal", "sector_joined"} <= kinds, kinds
    for kind in ("step", "reveal", "timer_started", "sector_joined"):
        expect(fac.get_by_test_id(f"marker-{kind}").first).to_be_visible()
    # The activity strip: Amira's note counts, but she is the only one from
    # business, so her sector shows only among the small sectors together.
    bars = fac.get_by_test_id("activity-bar")
    expect(bars.first).to_be_attached(timeout=T)
    labels = [bars.nth(i).get_attribute("aria-label") or "" for i in range(bars.count())]
    assert any("1 contribution (Small sectors together 1)" in label for label in labels), labels
    assert not any("Business" in label for label in labels), labels
    slider = fac.get_by_test_id("replay-slider")
    expect(slider).to_have_attribute("role", "slider")
    expect(slider).to_have_attribute("aria-valuenow", str(last))
    expect(slider).to_have_attribute(
        "aria-valuetext", re.compile(r"Step \d+ of \d+: Reveal and cluster")
    )
    cam.shoot(fac, "laptop", doc=True)
    bars.first.focus()
    expect(fac.get_by_test_id("activity-tip")).to_contain_text("Small sectors together")

    # ---- scrub and step with the keyboard ----
    box = slider.bounding_box()
    assert box
    fac.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    fac.wait_for_function(f"() => window.samskapaReplay.seq() < {last}", timeout=T)
    slider.focus()
    fac.keyboard.press("Home")
    wait_seq(fac, timeline["first"])
    fac.keyboard.press("ArrowRight")
    wait_seq(fac, timeline["seqs"][1])
    fac.keyboard.press("Shift+ArrowRight")
    first_marker = next(m["seq"] for m in timeline["markers"] if m["seq"] > timeline["seqs"][1])
    wait_seq(fac, first_marker)
    fac.keyboard.press("End")
    wait_seq(fac, last)

    # ---- play at 16× from the start; the folded board equals the server's ----
    fac.keyboard.press("Home")
    wait_seq(fac, timeline["first"])
    fac.get_by_test_id("replay-speed-16").click()
    expect(fac.get_by_test_id("replay-speed-16")).to_have_attribute("aria-pressed", "true")
    fetches = fac.evaluate("() => window.samskapaReplay.fetches()")
    fac.keyboard.press("Space")
    expect(fac.get_by_test_id("replay-play")).to_have_attribute("aria-pressed", "true")
    fac.wait_for_function(
        f"() => window.samskapaReplay.seq() === {last} && !window.samskapaReplay.playing()",
        timeout=60_000,
    )
    # It played through intermediate frames (how many depends on the machine's speed).
    assert fac.evaluate("() => window.samskapaReplay.frames()") > 1
    assert fac.evaluate("() => window.samskapaReplay.fetches()") == fetches, (
        "playing folds events; it asks for no state"
    )
    same = fac.evaluate(
        """async (last) => {
            const member = JSON.parse(localStorage.getItem(
                'samskapa:member:' + location.pathname.split('/')[2]));
            const r = await fetch(location.pathname.replace('/b/', '/api/boards/')
                .replace('/replay', '/state?seq=' + last),
                {headers: {Authorization: 'Bearer ' + member.credential}});
            const server = (await r.json()).state;
            const local = window.samskapaReplay.state();
            const pick = (s) => JSON.stringify([s.notes, s.frames, s.groups, s.links,
                s.participants, s.current_step, s.private_count, s.board.title]);
            return pick(local) === pick({...server, private_count: server.private_count ?? 0});
        }""",
        last,
    )
    assert same, "the board folded while playing differs from the server's state"

    # ---- the reveal: a count before, the note after ----
    reveal = next(m["seq"] for m in timeline["markers"] if m["kind"] == "reveal")
    fac.get_by_test_id("marker-reveal").click()
    wait_seq(fac, reveal)
    expect(fac.get_by_test_id("note").filter(has_text=PRIVATE)).to_be_visible(timeout=T)
    expect(fac.get_by_test_id("replay-live")).to_have_text("Private notes revealed")
    slider.focus()
    fac.keyboard.press("ArrowLeft")
    fac.wait_for_function(f"() => window.samskapaReplay.seq() < {reveal}", timeout=T)
    expect(fac.get_by_test_id("private-count")).to_have_text("1 note being written", timeout=T)
    assert PRIVATE not in drawn_texts(fac)
    assert PRIVATE not in fac.content(), "a private note before its reveal never reaches the page"
    fac.keyboard.press("Shift+ArrowRight")
    wait_seq(fac, reveal)
    expect(fac.get_by_test_id("note").filter(has_text=PRIVATE)).to_be_visible(timeout=T)

    # ---- a new board from this moment ----
    fac.get_by_test_id("replay-fork").click()
    dialog = fac.get_by_test_id("fork-dialog")
    expect(dialog).to_be_visible(timeout=T)
    fac.get_by_test_id("fork-title").fill("Freight retrospective, part 2")
    cam.shoot(dialog, "fork-dialog")
    fac.get_by_test_id("fork-submit").click()
    expect(fac.get_by_test_id("fork-result")).to_be_visible(timeout=T)
    new_link = fac.get_by_test_id("fork-open").get_attribute("href")
    assert new_link and "#k=" in new_link
    expect(dialog.get_by_test_id("link-participant")).to_be_visible()
    cam.shoot(dialog, "fork-links", doc=True)
    with fac.context.expect_page() as opened:
        fac.get_by_test_id("fork-open").click()
    forked = opened.value
    forked.get_by_test_id("join-name").fill("Lina")
    forked.get_by_test_id("join-sector").select_option("public")
    forked.get_by_test_id("join-submit").click()
    expect_live(forked)
    expect(forked.get_by_test_id("board-title")).to_have_text("Freight retrospective, part 2")
    expect(forked.get_by_test_id("note").filter(has_text=PRIVATE)).to_be_visible(timeout=T)
    forked.close()
    fac.get_by_test_id("fork-dialog").get_by_role("button", name="Close").click()

    # ---- the board as a JSON file and as a template; importing the file ----
    with fac.expect_download() as download:
        fac.get_by_test_id("replay-export").click()
    exported = artifacts / "replay-export.json"
    download.value.save_as(exported)
    board_file = json.loads(exported.read_text())
    assert PRIVATE in exported.read_text()
    expect(fac.get_by_test_id("replay-action-status")).to_contain_text("downloaded")
    with fac.expect_download() as download:
        fac.get_by_test_id("replay-template").click()
    template = json.loads(download.value.path().read_text())
    assert template != board_file
    start = fac.context.new_page()
    start.goto(f"{server.http}/")
    start.get_by_test_id("import-section").locator("summary").click()
    cut = artifacts / "replay-export-cut.json"
    cut.write_text(exported.read_text()[: len(exported.read_text()) // 2])
    start.get_by_test_id("import-file").set_input_files(str(cut))
    start.get_by_test_id("import-submit").click()
    expect(start.get_by_test_id("import-error")).to_contain_text("not JSON", timeout=T)
    cam.shoot(start.get_by_test_id("import-section"), "import-error", doc=True)
    wrong = artifacts / "replay-export-wrong.json"
    wrong.write_text(json.dumps({**board_file, "format": "not-a-board"}))
    start.get_by_test_id("import-file").set_input_files(str(wrong))
    start.get_by_test_id("import-submit").click()
    expect(start.get_by_test_id("import-error")).to_contain_text("could not be imported", timeout=T)
    start.get_by_test_id("import-file").set_input_files(str(exported))
    start.get_by_test_id("import-submit").click()
    expect(start.get_by_test_id("link-facilitator")).to_be_visible(timeout=T)
    cam.shoot(start, "import-done")
    start.close()

    # ---- the report, printed to PDF ----
    with fac.context.expect_page() as opened:
        fac.get_by_test_id("replay-report").click()
    report = opened.value
    report.wait_for_load_state()
    expect(report.locator("body")).to_contain_text(MISSION, timeout=T)
    expect(report.locator("body")).to_contain_text("Look back")  # the agenda, as it ran
    cam.shoot(report, "report", doc=True)
    pdf = report.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000, len(pdf)
    (artifacts / "replay-report.pdf").write_bytes(pdf)
    report.close()

    # ---- a phone ----
    fac.set_viewport_size({"width": 390, "height": 844})
    fac.reload()
    fac.wait_for_function("() => window.samskapaReplay?.timeline() != null", timeout=T)
    wait_seq(fac, reveal)  # the address remembers the moment
    expect(fac.get_by_test_id("replay-play")).to_be_in_viewport()
    expect(fac.get_by_test_id("replay-fork")).to_be_in_viewport()
    cam.shoot(fac, "phone", doc=True)
    tabs.assert_clean()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_phones_replay_shows_the_boards_title_whole_enough_to_read(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str
) -> None:
    """The replay's top bar on a phone: the board's title on a row of its own
    (not squeezed to a few letters beside Back to the board and the language),
    each of them a finger's size and on the screen."""
    r = httpx.post(
        f"{server.http}/api/boards",
        json={"title": "Fossilfria godstransporter – missionsworkshop", "language": lang},
        timeout=10,
    )
    r.raise_for_status()
    board = r.json()
    page = tabs.open("facilitator", 390, 844)
    join(page, board["links"]["facilitator"], "Lina", "public")
    page.goto(f"{server.http}/b/{board['board_id']}/replay")
    page.wait_for_function("() => window.samskapaReplay?.timeline() != null", timeout=T)
    Camera(artifacts, "replay", "replay").shoot(page, f"phone-top-{lang}")
    bar = page.evaluate(
        """() => {
          const r = (s) => document.querySelector(s).getBoundingClientRect();
          const title = r('.board-title'), back = r('#replay-back'), lang = r('#lang-toggle');
          return { title: title.width, back: [back.width, back.height, back.right],
                   lang: [lang.width, lang.height, lang.right], width: window.innerWidth };
        }"""
    )
    assert bar["title"] >= 250, bar
    for w, h, right in (bar["back"], bar["lang"]):
        assert w >= 44 and h >= 44 and right <= bar["width"], bar
    tabs.assert_clean()
