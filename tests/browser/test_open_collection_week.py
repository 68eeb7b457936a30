"""A one-week open idea collection, end to end, in a real Chromium against a real
server whose clock the test moves (tests/clock_server.py), never sleeping for days.

Lina (facilitator, laptop) creates a board from the *Mission workshop* template
on the start page, adds a step "Open idea collection" that writes into the
Ideas frame, gives it an opening and a closing date a week apart, turns on
approval of notes and a webhook to a real local HTTP receiver (a digest a day).
Ten participants, each on their own phone (390×844, a browser context each: their
own device), contribute over three days: a note sent before the opening is kept
as not accepted and sent again once it opens; new notes wait until Lina approves
them (one is rejected with a reason, one is hidden after a flag); returning
participants see exactly the notes that are new to them since their last visit
(edited ones in, deleted and withheld ones out); a digest with counts and no text
reaches the receiver every day; a reminder comes a day before the deadline; the
server closes the step exactly once at the deadline and a late note stays on the
phone as not accepted. Then the live workshop continues on the same board:
silent writing and reveal, a cluster, a dot vote.

Screenshots: test-artifacts/browser/week-*.png; with SAMSKAPA_DOC_SCREENSHOTS=1
the guide's pictures are copied to docs/img/week-*.png (docs/open-collection.md).
"""

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import MISSION, Camera, end_visit, expect_live, join, note_el
from tests.browser.test_collection import local_input, open_panel, stored_member
from tests.browser.test_mission_workshop_flow import drag
from tests.browser.test_moderation import answer_dialog, moderation_of, note_id_of
from tests.browser.test_phone import all_item, check_targets_and_overlays, mine_item
from tests.client import all_events
from tests.clock_server import CLOCK_FILE, set_offset
from tests.services import ServerProcess
from tests.sinks import HttpSink, Post

pytestmark = [pytest.mark.browser, pytest.mark.slow]

T = TIMEOUT_MS
HOUR = 3600 * 1000
DAY = 24 * HOUR
STEP = "Open idea collection"
TITLE = "Fossil-free freight: open call"

# Ten participants: name, sector, device pixels per CSS pixel (2 for the phones
# whose screenshots go into the guide; 1 for the rest, to spare the machine).
PEOPLE: list[tuple[str, str, int]] = [
    ("Amira", "citizen", 2),
    ("Bo", "academia", 2),
    ("Cecilia", "public", 1),
    ("David", "business", 2),
    ("Elin", "public", 1),
    ("Fredrik", "business", 1),
    ("Greta", "academia", 1),
    ("Hassan", "citizen", 1),
    ("Ingrid", "public", 1),
    ("Jonas", "business", 1),
]


@dataclass
class Ledger:
    """What the test did, in order, and so what each person must see as new:
    a note is news to someone if it became visible to everyone (approved,
    restored) or was edited after their last visit, is visible now and is not
    theirs (docs/collection.md §5)."""

    moment: int = 0
    author: dict[str, str] = field(default_factory=dict)
    news_at: dict[str, int] = field(default_factory=dict)
    visible: set[str] = field(default_factory=set)
    left_at: dict[str, int] = field(default_factory=dict)

    def news(self, note_id: str) -> None:
        self.moment += 1
        self.news_at[note_id] = self.moment
        self.visible.add(note_id)

    def gone(self, note_id: str) -> None:
        self.visible.discard(note_id)

    def expected(self, person: str) -> set[str]:
        mark = self.left_at[person]
        return {n for n in self.visible if self.news_at[n] > mark and self.author[n] != person}


@pytest.fixture
def week(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, Path, HttpSink]]:
    clock = tmp_path / "clock"
    set_offset(clock, 0)
    env = {
        CLOCK_FILE: str(clock),
        "SAMSKAPA_DEADLINE_CHECK_SECONDS": "0.2",
        # The receiver listens on loopback: allowed here on purpose (the default refuses).
        "SAMSKAPA_NOTIFY_ALLOW_PRIVATE": "true",
        "SAMSKAPA_NOTIFY_CHECK_SECONDS": "0.3",
    }
    server = ServerProcess(sqlite_url, tmp_path / "data", env=env, module="tests.clock_server")
    hook = HttpSink().start()
    server.start()
    try:
        yield server, clock, hook
    finally:
        server.stop()
        hook.stop()


class Week:
    """The story's people and helpers, around one board."""

    def __init__(
        self, server: ServerProcess, clock: Path, hook: HttpSink, tabs: Tabs, cam: Camera
    ) -> None:
        self.server, self.clock, self.hook, self.tabs, self.cam = server, clock, hook, tabs, cam
        self.ledger = Ledger()
        self.phones: dict[str, Page] = {}
        self.links: dict[str, str] = {}
        self.board_id = ""
        self.fac_credential = ""
        self.texts: dict[str, str] = {}  # every text anyone wrote, by note id

    # ---- time ----

    def day(self, offset_ms: int) -> None:
        """Move every server clock to `offset_ms` after the start of the test."""
        set_offset(self.clock, offset_ms)

    # ---- participants' visits ----

    def arrive(self, name: str) -> Page:
        """A visit: the first one joins with a name and sector, a later one opens the
        board on the same device, signed in as the same person."""
        if name not in self.phones:
            sector, scale = next((s, k) for n, s, k in PEOPLE if n == name)
            page = self.tabs.open(name, width=390, height=844, scale=scale)
            join(page, self.links["participant"], name, sector)
            # A first visit has nothing "new since your last visit".
            expect(page.get_by_test_id("news-bar")).to_be_hidden()
        else:
            page = self.tabs.visit(self.phones[name])
            page.goto(self.links["participant"].split("#")[0])
            expect_live(page)
        expect(page.get_by_test_id("phone-view")).to_be_visible(timeout=T)
        self.phones[name] = page
        return page

    def leave(self, name: str) -> None:
        """The visit ends; returns once the server has noted how far they had seen."""
        end_visit(self.phones[name], self.server.http, self.board_id)
        self.ledger.left_at[name] = self.ledger.moment

    def me(self, credential: str) -> dict[str, Any]:
        r = httpx.get(
            f"{self.server.http}/api/boards/{self.board_id}/me",
            headers={"Authorization": f"Bearer {credential}"},
            timeout=10,
        )
        r.raise_for_status()
        found: dict[str, Any] = r.json()
        return found

    def add(self, name: str, text: str, waits: bool = True) -> str:
        """`name` adds an idea from the phone's composer; it waits for approval."""
        page = self.phones[name]
        page.get_by_test_id("phone-text").fill(text)
        page.get_by_test_id("phone-add").click()
        note_id = note_id_of(page, text)
        if waits:
            mine = mine_item(page, text)
            expect(mine.get_by_test_id("phone-mod")).to_have_text("Waiting for review", timeout=T)
        self.ledger.author[note_id] = name
        self.texts[note_id] = text
        return note_id

    def sees_news(self, name: str) -> set[str]:
        """On a return visit: the bar counts exactly the notes new to `name`, and the
        server's list (GET /news after their last visit) is exactly that set."""
        page = self.phones[name]
        expected = self.ledger.expected(name)
        count = page.get_by_test_id("news-count")
        if expected:
            n = len(expected)
            words = "1 new since your last visit" if n == 1 else f"{n} new since your last visit"
            expect(count).to_have_text(words, timeout=T)
        else:
            expect(page.get_by_test_id("news-bar")).to_be_hidden(timeout=T)
        credential = stored_member(page)["credential"]
        after = self.me(credential)["last_seen_seq"]
        r = httpx.get(
            f"{self.server.http}/api/boards/{self.board_id}/news",
            params={"after": after},
            headers={"Authorization": f"Bearer {credential}"},
            timeout=10,
        )
        r.raise_for_status()
        assert set(r.json()["notes"]) == expected, (name, r.json(), expected)
        # Nothing withheld reaches a participant's page: not waiting, rejected or hidden.
        for note_id, text in self.texts.items():
            if note_id not in self.ledger.visible and self.ledger.author.get(note_id) != name:
                assert text not in page.content(), (name, text)
        return expected

    # ---- the facilitator ----

    def approve(self, fac: Page, *note_ids: str) -> None:
        queue = fac.get_by_test_id("fac-section-moderation").get_by_test_id("mod-waiting")
        for note_id in note_ids:
            item = queue.locator(f'[data-testid="mod-item"][data-id="{note_id}"]')
            item.get_by_test_id("mod-approve").click()
            moderation_of(fac, note_id, "published")
            self.ledger.news(note_id)

    def closes(self) -> list[dict[str, Any]]:
        """Every close of the collection in the board's stored log."""
        return [
            e
            for e in all_events(self.server.http, self.board_id, self.fac_credential)
            if e["type"] == "collection.changed" and e["data"]["action"] == "closed"
        ]

    # ---- the webhook's receiver ----

    def post(self, test: Callable[[Post], bool], what: str) -> Post:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            found = [p for p in list(self.hook.posts) if test(p)]
            if found:
                assert len(found) == 1, (what, [p.body for p in found])
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no {what} arrived: {self.hook.texts()}")

    def digest(self, ideas: int, joined: int) -> str:
        """The digest that says `ideas` new ideas and `joined` new participants."""
        words = {0: "No new ideas", 1: "1 new idea"}.get(ideas, f"{ideas} new ideas")
        people = {1: "1 new participant."}.get(joined, f"{joined} new participants")
        if not joined:
            people = "new participant"
        text = self.post(
            lambda p: (
                "New on" in p.body["text"]
                and words in p.body["text"]
                and (people in p.body["text"]) == bool(joined)
            ),
            f"digest ({words}, {joined} joined)",
        ).body["text"]
        if ideas:
            assert f"Ideas: {ideas}\n" in text, text
            assert "By actor sector:" in text, text
        self.no_texts_sent()
        return str(text)

    def no_texts_sent(self) -> None:
        """Counts only: no text anyone wrote is in anything the receiver got."""
        for post in list(self.hook.posts):
            for text in self.texts.values():
                assert text not in str(post.body), (text, post.body)


def go_to_step(fac: Page, title: str) -> str:
    row = fac.get_by_test_id("fac-step").filter(has_text=title)
    row.get_by_test_id("fac-step-go").click()
    expect(row).to_have_attribute("aria-current", "step", timeout=T)
    step_id = row.get_attribute("data-id")
    assert step_id
    return step_id


def test_a_week_long_open_collection_then_the_live_workshop(
    week: tuple[ServerProcess, Path, HttpSink], tabs: Tabs, artifacts: Path
) -> None:
    server, clock, hook = week
    cam = Camera(artifacts, "week", "week")
    w = Week(server, clock, hook, tabs, cam)
    led = w.ledger

    # ==== Day 0: Lina prepares the board ==========================================
    fac = tabs.open("Lina (facilitator)", width=1366, height=900)
    fac.goto(f"{server.http}/")
    expect(fac.get_by_role("radio", name="Mission workshop")).to_be_checked(timeout=T)
    fac.get_by_test_id("create-title").fill(TITLE)
    fac.get_by_test_id("create-mission").fill(MISSION)
    fac.get_by_test_id("create-measure").fill("Fossil-free tonne-km: 22 % → 100 %")
    fac.get_by_test_id("create-deadline").fill("2030")
    fac.get_by_test_id("create-language").select_option("en")
    fac.get_by_test_id("create-submit").click()
    for role in ("facilitator", "participant"):
        href = fac.get_by_test_id(f"link-{role}").get_attribute("href", timeout=T)
        assert href
        w.links[role] = href
    w.board_id = w.links["participant"].split("/b/")[1].split("#")[0]
    join(fac, w.links["facilitator"], "Lina", "public")
    w.fac_credential = stored_member(fac)["credential"]
    seeded = len(fac.evaluate("() => Object.keys(window.samskapa.state().notes)"))
    assert seeded > 0  # the template's example notes
    open_panel(fac)

    # A step for the collection, from the "open writing" preset, into the Ideas frame,
    # placed before the template's live steps.
    fac.get_by_test_id("fac-editor").locator("summary").click()
    fac.get_by_test_id("fac-step-add").click()
    expect(fac.get_by_test_id("fac-step-title")).to_be_focused(timeout=T)
    fac.get_by_test_id("fac-step-preset").select_option("open")
    fac.get_by_test_id("fac-step-preset-apply").click()
    fac.get_by_test_id("fac-step-title").fill(STEP)
    fac.get_by_test_id("fac-step-instructions").fill(
        "One idea per note: what would get freight off fossil fuel first?"
    )
    fac.get_by_test_id("fac-step-frame").select_option(label="Ideas")
    drafts = fac.get_by_test_id("fac-draft-step")
    expect(drafts).to_have_count(10)
    for at in range(9, 4, -1):  # up to just before "Silent ideas" (the fifth step)
        drafts.nth(at).get_by_test_id("fac-draft-up").click()
    expect(drafts.nth(4)).to_contain_text(STEP)
    fac.get_by_test_id("fac-agenda-save").click()
    expect(fac.get_by_test_id("fac-agenda-save")).to_be_disabled(timeout=T)
    agenda = fac.evaluate("() => window.samskapa.state().agenda")
    assert [s["title"] for s in agenda][4:7] == [STEP, "Silent ideas", "Reveal and cluster"]
    assert agenda[4]["rules"]["write"] == "open"
    step_id = go_to_step(fac, STEP)

    # The step's dates: it opens in an hour, and closes a week after that.
    dates = fac.get_by_test_id("fac-section-collection")
    dates.get_by_test_id("collection-target").select_option(step_id)
    dates.get_by_test_id("collection-opens").fill(local_input(fac, HOUR))
    dates.get_by_test_id("collection-closes").fill(local_input(fac, HOUR + 7 * DAY))
    dates.get_by_test_id("collection-save").click()
    fac.wait_for_function(
        "id => window.samskapa.state().schedules?.[id]?.closes_at", arg=step_id, timeout=T
    )
    schedule = fac.evaluate("id => window.samskapa.state().schedules[id]", step_id)
    assert schedule["closes_at"] - schedule["opens_at"] == 7 * DAY

    # Moderation: participants' notes wait for approval.
    moderation = fac.get_by_test_id("fac-section-moderation")
    moderation.locator("summary").click()
    moderation.get_by_test_id("mod-approval").check()
    fac.wait_for_function("() => window.samskapa.state().board.approval === true", timeout=T)

    # Notifications: a webhook (the test's receiver), a digest every day.
    notify = fac.get_by_test_id("fac-section-notify")
    notify.locator("summary").click()
    notify.get_by_test_id("notify-enabled").check()
    notify.get_by_test_id("notify-webhook").fill(hook.url())
    notify.get_by_test_id("notify-digest").select_option("24")
    notify.get_by_test_id("notify-save").click()
    expect(notify.get_by_test_id("notify-webhook-saved")).to_have_text(
        re.compile("configured: 127.0.0.1"), timeout=T
    )
    dates.scroll_into_view_if_needed()
    cam.shoot(fac, "prepared", doc=True)

    # Amira comes early: the step has not opened; her idea is kept, not lost.
    amira = w.arrive("Amira")
    banner = amira.get_by_test_id("collection-banner")
    expect(banner).to_have_attribute("data-status", "not_open", timeout=T)
    expect(amira.get_by_test_id("collection-text")).to_contain_text("opens for ideas")
    early = "Cargo bikes for the last mile"
    amira.get_by_test_id("phone-text").fill(early)
    amira.get_by_test_id("phone-add").click()
    tray = amira.get_by_test_id("refused-tray")
    expect(tray.get_by_test_id("refused-note")).to_contain_text(early, timeout=T)
    expect(tray).to_contain_text("not open yet")
    cam.shoot(amira, "not-open-phone", doc=True)
    w.leave("Amira")

    # ==== Day 1: the step is open; six people contribute from their phones =======
    w.day(DAY)
    w.digest(ideas=0, joined=1)  # Amira joined on day 0
    amira = w.arrive("Amira")
    banner = amira.get_by_test_id("collection-banner")
    expect(banner).to_have_attribute("data-status", "open", timeout=T)
    countdown = amira.get_by_test_id("collection-countdown")
    expect(countdown).to_have_text(re.compile(r"^6 d \d+ h left$"))
    # What she wrote before the opening goes now, with one tap.
    amira.get_by_test_id("refused-retry").click()
    expect(amira.get_by_test_id("refused-tray")).to_be_hidden(timeout=T)
    cargo = note_id_of(amira, early)
    led.author[cargo], w.texts[cargo] = "Amira", early
    night = w.add("Amira", "Quiet night deliveries with electric lorries")
    check_targets_and_overlays(amira, "day 1, two ideas waiting")
    mine_item(amira, early).scroll_into_view_if_needed()
    cam.shoot(amira, "waiting-phone", doc=True)
    w.leave("Amira")

    day1 = {
        "Bo": ["Charging at the depots", "Shared freight hubs at the city edge"],
        "Cecilia": ["Procurement that asks for fossil-free transport", "Biogas from local farms"],
        "David": ["Rail sidings for the port's containers"],
        "Elin": ["An electric road on the E20"],
        "Fredrik": ["Buy everyone a lorry", "Green corridors to Oslo"],
    }
    ids: dict[str, str] = {}
    for name, texts in day1.items():
        w.arrive(name)
        for text in texts:
            ids[text] = w.add(name, text)
        w.leave(name)

    # Lina's queue: every note waits; she approves all but one, which she rejects.
    expect(moderation.get_by_test_id("mod-count")).to_have_text("10 waiting", timeout=T)
    expect(fac.get_by_test_id("mod-badge")).to_have_text("10")
    moderation.get_by_test_id("mod-waiting").scroll_into_view_if_needed()
    cam.shoot(fac, "queue", doc=True)
    lorry = ids.pop("Buy everyone a lorry")
    w.approve(fac, cargo, night, *ids.values())
    moderation.get_by_test_id("mod-waiting").locator(
        f'[data-testid="mod-item"][data-id="{lorry}"]'
    ).get_by_test_id("mod-reject").click()
    answer_dialog(fac, "Off topic: the mission is about fossil-free freight")
    moderation_of(fac, lorry, "rejected")
    expect(moderation.get_by_test_id("mod-count")).to_have_text("Nothing waiting", timeout=T)

    # ==== Day 2: four newcomers; three come back =================================
    w.day(2 * DAY)
    w.digest(ideas=9, joined=5)
    day2 = {
        "Greta": "Ask Sven at the port, he knows everyone",
        "Hassan": "Freight trams at night",
        "Ingrid": "Load pooling between the shops on one street",
        "Jonas": "Hydrogen for the long haul",
    }
    for name, text in day2.items():
        w.arrive(name)
        ids[text] = w.add(name, text)
        w.leave(name)
    w.approve(fac, *(ids[text] for text in day2.values()))

    # Cecilia comes back and takes one of her ideas away.
    cecilia = w.arrive("Cecilia")
    w.sees_news("Cecilia")
    biogas = ids["Biogas from local farms"]
    gone = mine_item(cecilia, "Biogas from local farms")
    gone.get_by_test_id("phone-delete").click()
    gone.get_by_test_id("phone-delete-confirm").click()
    expect(gone).to_have_count(0, timeout=T)
    fac.wait_for_function("id => !window.samskapa.state().notes[id]", arg=biogas, timeout=T)
    led.gone(biogas)
    w.leave("Cecilia")

    # Bo comes back and flags a note that names a person; Lina hides it.
    bo = w.arrive("Bo")
    w.sees_news("Bo")
    sven = ids["Ask Sven at the port, he knows everyone"]
    flagged = all_item(bo, "Ask Sven")
    flagged.get_by_test_id("phone-flag").click()
    expect(flagged.get_by_test_id("phone-flag")).to_have_attribute("aria-pressed", "true")
    w.leave("Bo")
    flags = moderation.get_by_test_id("mod-flagged").get_by_test_id("mod-item")
    expect(flags).to_contain_text("Flagged by 1", timeout=T)
    flags.get_by_test_id("mod-hide").click()
    answer_dialog(fac, "Names a person")
    moderation_of(fac, sven, "hidden")
    led.gone(sven)

    # Amira comes back: new to her are the ideas approved since she left, without
    # the deleted and the hidden one.
    amira = w.arrive("Amira")
    news = w.sees_news("Amira")
    # (Day 1's seven and day 2's four from others, less the deleted and the hidden.)
    assert biogas not in news and sven not in news and len(news) == 9
    amira.get_by_test_id("news-next").click()
    expect(amira.get_by_test_id("news-position")).to_have_text("1 of 9")
    amira.get_by_test_id("news-next").click()
    expect(amira.get_by_test_id("news-position")).to_have_text("2 of 9")
    check_targets_and_overlays(amira, "day 2, new since the last visit")
    # "Next" brings the note into view in the column.
    current = amira.locator(".phone-note.current")
    expect(current).to_be_in_viewport(timeout=T)
    cam.shoot(amira, "news-phone", doc=True)
    amira.get_by_test_id("news-done").click()
    expect(amira.get_by_test_id("news-bar")).to_be_hidden()
    w.leave("Amira")

    # ==== Day 3: the last contributions; an edit; Greta reads why ================
    w.day(3 * DAY)
    w.digest(ideas=3, joined=4)  # Greta's note is hidden: not counted
    bo = w.arrive("Bo")
    w.sees_news("Bo")
    depots = ids["Charging at the depots"]
    item = mine_item(bo, "Charging at the depots")
    item.get_by_test_id("phone-edit").click()
    edited = "Charging at the depots, shared between hauliers"
    item.get_by_test_id("phone-edit-text").fill(edited)
    item.get_by_test_id("phone-save").click()
    fac.wait_for_function(
        "([id, t]) => window.samskapa.state().notes[id]?.text === t",
        arg=[depots, edited],
        timeout=T,
    )
    assert fac.evaluate("id => window.samskapa.state().notes[id].moderation", depots) in (
        None,
        "published",
    )
    led.news(depots)
    w.texts[depots] = edited
    w.leave("Bo")

    w.arrive("Elin")
    w.sees_news("Elin")
    ids["Night-time rail freight slots"] = w.add("Elin", "Night-time rail freight slots")
    w.leave("Elin")
    w.approve(fac, ids["Night-time rail freight slots"])

    greta = w.arrive("Greta")
    w.sees_news("Greta")
    hidden = mine_item(greta, "Ask Sven")
    expect(hidden.get_by_test_id("phone-mod")).to_contain_text("Hidden by a facilitator")
    expect(hidden.get_by_test_id("phone-mod-reason")).to_contain_text("Names a person")
    w.leave("Greta")

    # Amira once more: Bo's edit and Elin's idea, nothing else.
    w.arrive("Amira")
    assert w.sees_news("Amira") == {depots, ids["Night-time rail freight slots"]}
    w.leave("Amira")

    # David comes back and leaves his phone open over the rest of the week.
    david = w.arrive("David")
    w.sees_news("David")

    # ==== Day 7: a reminder a day before the deadline; then the deadline =========
    w.day(7 * DAY)
    w.digest(ideas=1, joined=0)  # Elin's idea (Bo's edit is not a new idea)
    w.post(lambda p: "closes within a day" in p.body["text"], "reminder")
    assert w.closes() == []

    w.day(7 * DAY + 2 * HOUR)
    banner = david.get_by_test_id("collection-banner")
    expect(banner).to_have_attribute("data-status", "closed", timeout=20_000)
    expect(david.get_by_test_id("collection-text")).to_contain_text("closed")
    closed = w.post(lambda p: "has closed" in p.body["text"], "closing message")
    published = seeded + len(led.visible)
    assert f"{published} ideas on the board" in closed.body["text"], closed.body
    w.no_texts_sent()
    (close,) = w.closes()
    assert close["data"]["step_id"] == step_id

    # A note after the deadline: refused, and kept on David's phone as not accepted.
    late = "Electric ferries on Lake Vänern"
    david.get_by_test_id("phone-text").fill(late)
    david.get_by_test_id("phone-add").click()
    tray = david.get_by_test_id("refused-tray")
    expect(tray.get_by_test_id("refused-note")).to_contain_text(late, timeout=T)
    expect(tray.get_by_test_id("refused-note")).to_contain_text("Not accepted")
    check_targets_and_overlays(david, "after the deadline, a note not accepted")
    tray.evaluate("el => el.scrollIntoView({block: 'start'})")
    cam.shoot(david, "not-accepted-phone", doc=True)
    david.reload()
    expect_live(david)
    expect(david.get_by_test_id("refused-note")).to_contain_text(late, timeout=T)
    assert late not in fac.content()
    expect(fac.get_by_test_id("collection-state")).to_contain_text("Closed", timeout=T)
    fac.get_by_test_id("fac-section-collection").scroll_into_view_if_needed()
    cam.shoot(fac, "closed", doc=True)

    # ==== The live workshop continues on the same board ==========================
    # Everyone is in the room: approval off; silent writing, then the reveal.
    moderation.get_by_test_id("mod-approval").uncheck()
    fac.wait_for_function("() => window.samskapa.state().board.approval === false", timeout=T)
    amira = w.arrive("Amira")
    go_to_step(fac, "Silent ideas")
    for page in (amira, david):
        expect(page.get_by_test_id("step-title")).to_have_text("Silent ideas", timeout=T)
        expect(page.get_by_test_id("collection-banner")).to_be_hidden()
    private = {"Amira": "A freight consolidation centre", "David": "Night-time rail slots"}
    for name, text in private.items():
        w.add(name, text, waits=False)
    expect(fac.get_by_test_id("fac-private-count")).to_have_attribute("data-count", "2", timeout=T)
    assert not any(text in amira.content() for text in (private["David"],))
    fac.get_by_test_id("fac-reveal").click()
    fac.get_by_test_id("fac-reveal-confirm").click()
    expect(fac.get_by_test_id("fac-private-count")).to_have_attribute("data-count", "0", timeout=T)
    for page in (amira, david):
        for text in private.values():
            expect(all_item(page, text)).to_have_count(1, timeout=T)

    # Cluster: Lina tidies the Ideas frame and drags two notes together.
    go_to_step(fac, "Reveal and cluster")
    fac.get_by_test_id("fac-panel-close").click()
    frame_id = agenda[4]["frame_id"]
    ideas_frame = fac.locator(f'[data-testid="frame"][data-id="{frame_id}"]')
    ideas_frame.get_by_test_id("frame-tidy").click()
    hubs, pooling = (
        ids["Shared freight hubs at the city edge"],
        ids["Load pooling between the shops on one street"],
    )
    for _ in range(4):
        if all(note_el(fac, n).is_visible() and _in_view(fac, n) for n in (hubs, pooling)):
            break
        fac.get_by_test_id("zoom-out").click()
    drag(fac, pooling, hubs)
    fac.keyboard.press("Escape")
    fac.wait_for_function(
        "ids => { const n = window.samskapa.state().notes;"
        " return n[ids[0]].group_id && n[ids[0]].group_id === n[ids[1]].group_id; }",
        arg=[hubs, pooling],
        timeout=T,
    )
    expect(fac.get_by_test_id("group")).to_have_count(1, timeout=T)
    cam.shoot(fac, "cluster", doc=True)

    # The dot vote, from the phones.
    open_panel(fac)
    go_to_step(fac, "Dot vote")
    fac.get_by_test_id("vote-toggle").click()
    expect(fac.get_by_test_id("vote-open-form")).to_be_visible(timeout=T)
    fac.get_by_test_id("vote-title").fill("Where do we start?")
    fac.get_by_test_id("vote-budget").fill("3")
    fac.get_by_test_id("vote-cap").fill("2")
    fac.get_by_test_id("vote-open-submit").click()
    fac.wait_for_function("() => Boolean(window.samskapa.votes()?.open_round)", timeout=T)
    for page, choices in ((amira, [hubs, hubs, cargo]), (david, [hubs, night])):
        for note_id in choices:
            before = page.get_by_test_id("vote-left").get_attribute("data-left", timeout=T)
            all_item(page, w.texts[note_id]).get_by_test_id("phone-vote").click()
            expect(page.get_by_test_id("vote-left")).not_to_have_attribute(
                "data-left", str(before), timeout=T
            )
        page.wait_for_function("() => !window.samskapa.outbox().length", timeout=T)
    fac.get_by_test_id("vote-close").click()
    results = fac.get_by_test_id("vote-results")
    expect(results).to_be_visible(timeout=T)
    rows = results.get_by_test_id("vote-result-row")
    expect(rows.first).to_contain_text("Shared freight hubs", timeout=T)
    expect(rows.first).to_contain_text("3")
    cam.shoot(fac, "vote-results", doc=True)

    # Still exactly one close, and David's late note still only on his phone.
    assert len(w.closes()) == 1
    expect(david.get_by_test_id("refused-note")).to_contain_text(late)
    w.no_texts_sent()
    tabs.assert_clean(ignore="status of 4(09|29)")


def _in_view(page: Page, note_id: str) -> bool:
    box = note_el(page, note_id).bounding_box()
    viewport = page.get_by_test_id("viewport").bounding_box()
    return bool(
        box
        and viewport
        and box["x"] >= viewport["x"]
        and box["y"] >= viewport["y"]
        and box["x"] + box["width"] <= viewport["x"] + viewport["width"]
        and box["y"] + box["height"] <= viewport["y"] + viewport["height"]
    )
