"""Presence for a room of hundreds, in Chromium: 300 people on real websockets,
the top bar's one-line summary per actor sector on a laptop and a phone, and the
dialog with everyone (search, order by sector, keyboard, Swedish)."""

import asyncio
import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, Tabs
from tests.browser.pages import Camera, join
from tests.client import Client
from tests.client import create_board as api_board
from tests.client import join as api_join
from tests.services import ServerProcess

T = TIMEOUT_MS * 3  # hundreds of arrivals on a shared machine

FIRST = ["Åsa", "Olle", "Lina", "Omar", "Karin", "Erik", "Fatima", "Johan", "Maja", "Nils"]
LAST = ["Berg", "Lind", "Ek", "Holm", "Strand", "Sund", "Dahl", "Falk", "Wall", "Nyberg"]
# 300 people: how many of each actor sector, in the sector order.
SECTORS = {"public": 96, "business": 72, "academia": 60, "civil_society": 42, "citizen": 21}
SECTORS["other"] = 300 - sum(SECTORS.values())
OBSERVERS = 12  # the last few join with the observer link


def crowd_members() -> list[tuple[str, str, str]]:
    """(name, sector, role) for the 300, every name different."""
    sectors = [s for s, n in SECTORS.items() for _ in range(n)]
    return [
        (
            f"{FIRST[i % 10]} {LAST[(i // 10) % 10]} {i // 100 + 1}",
            sector,
            "observer" if i >= 300 - OBSERVERS else "participant",
        )
        for i, sector in enumerate(sectors)
    ]


class Crowd:
    """The 300 connected on websockets from a thread of their own (Playwright's
    sync API holds the test's event loop) until `leave`."""

    def __init__(self, server: ServerProcess, board: dict[str, Any]) -> None:
        self.credentials = [
            api_join(server.http, board, role, name, sector)["credential"]
            for name, sector, role in crowd_members()
        ]
        self.server, self.board = server, board
        self.connected = threading.Event()
        self.error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def arrive(self) -> None:
        self._thread.start()
        assert self.connected.wait(60), f"the crowd did not connect: {self.error!r}"

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        clients = [Client(self.server.ws, self.board["board_id"], c) for c in self.credentials]
        try:
            for start in range(0, len(clients), 50):  # a room arriving, not one burst
                await asyncio.gather(*(c.connect() for c in clients[start : start + 50]))
        except BaseException as exc:
            self.error = exc
            raise
        finally:
            self.connected.set()
        await self._stop.wait()
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    def leave(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread.ident is not None:
            self._thread.join(30)


@pytest.fixture
def server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server whose join allowance per address holds 300 people and the test's own tabs."""
    proc = ServerProcess(sqlite_url, tmp_path / "data", env={"SAMSKAPA_JOINS_BURST": "400"})
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


# The top bar's presence button on one line: as tall as the language button beside
# it (on a phone, the menu button ☰ that holds the language), on the same row, and
# nothing pushed out of the page sideways.
LINE_JS = """() => {
  const box = (id) => document.getElementById(id).getBoundingClientRect();
  const shown = (id) => document.getElementById(id).getClientRects().length > 0;
  const toggle = box('online-toggle');
  const lang = box(shown('lang-toggle') ? 'lang-toggle' : 'topbar-more');
  const bar = document.querySelector('.topbar').getBoundingClientRect();
  return {
    toggle: toggle.height, lang: lang.height, sameRow: Math.abs(toggle.top - lang.top) < 1,
    bar: bar.height, overflow: document.documentElement.scrollWidth - window.innerWidth,
    right: toggle.right, width: window.innerWidth,
  };
}"""


# Every chip's count inside the chips' box (none cut off at the edge).
WHOLE_COUNTS_JS = """() => {
  const box = document.getElementById('online-sectors').getBoundingClientRect();
  return [...document.querySelectorAll('#online-sectors .online-chip-count')]
    .every((c) => {
      const r = c.getBoundingClientRect();
      return r.width > 0 && r.right <= box.right + 0.5;
    });
}"""


def measure(page: Page) -> dict[str, Any]:
    line: dict[str, Any] = page.evaluate(LINE_JS)
    return line


def assert_one_line(line: dict[str, Any], bar_before: float) -> None:
    assert line["toggle"] == line["lang"], line
    assert line["sameRow"], line
    assert line["overflow"] <= 0 and line["right"] <= line["width"], line
    assert line["bar"] == bar_before, line  # the top bar did not grow


def chip_counts(page: Page) -> dict[str, int]:
    chips = page.get_by_test_id("online-sectors").locator(".online-chip")
    return {
        str(chip.get_attribute("data-sector")): int(chip.locator(".online-chip-count").inner_text())
        for chip in chips.all()
    }


def members(page: Page) -> Any:
    return page.get_by_test_id("online-list").locator(".online-member")


def test_three_hundred_online_read_as_one_line_and_a_searchable_list(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    cam = Camera(artifacts, "presence", "presence")
    board = api_board(server.http, "Fossil-free freight", "en")
    laptop = tabs.open("laptop", 1280, 800)
    phone = tabs.open("phone", 390, 844, scale=2)
    join(laptop, board["links"]["participant"], "Amira Haddad", "public")
    join(phone, board["links"]["participant"], "Olle Ek", "business")
    expect(laptop.get_by_test_id("online-total")).to_have_text("2 online", timeout=T)
    before = {"laptop": measure(laptop)["bar"], "phone": measure(phone)["bar"]}

    crowd = Crowd(server, board)
    try:
        crowd.arrive()
        expected = Counter({s: n for s, n in SECTORS.items()})
        expected.update(["public", "business"])  # the two tabs
        for page in (laptop, phone):
            expect(page.get_by_test_id("online-total")).to_have_text("302 online", timeout=T)
            assert chip_counts(page) == dict(expected)
            # The chips come in the fixed sector order.
            order = page.get_by_test_id("online-sectors").locator(".online-chip")
            assert [c.get_attribute("data-sector") for c in order.all()] == list(SECTORS)
        assert_one_line(measure(laptop), before["laptop"])
        assert_one_line(measure(phone), before["phone"])
        # Six sectors' names do not fit beside the laptop's other tools: the
        # chips show their colour and whole count, their names stay in the
        # button's accessible name and each chip's tooltip.
        assert laptop.evaluate(WHOLE_COUNTS_JS), "a count is cut"
        expect(laptop.get_by_test_id("online-toggle")).to_have_class(re.compile(r"\bcompact\b"))
        named = re.compile(r"302 online\s*Public\s*97\s*Business\s*73")
        expect(laptop.get_by_role("button", name=named)).to_be_visible()
        academia = laptop.locator('#online-sectors .online-chip[data-sector="academia"]')
        expect(academia).to_have_attribute("title", "Academia: 60")
        cam.shoot(laptop.locator(".topbar"), "topbar-laptop", doc=True)

        # Opened from the keyboard; focus lands in the search field.
        laptop.get_by_test_id("online-toggle").focus()
        laptop.keyboard.press("Enter")
        dialog = laptop.get_by_test_id("online-dialog")
        expect(dialog).to_be_visible()
        expect(laptop.get_by_test_id("online-search")).to_be_focused()
        expect(members(laptop)).to_have_count(302)
        expect(laptop.get_by_test_id("online-found")).to_be_hidden()

        # Typing filters: by sector, by role, by name (accents do not matter).
        laptop.keyboard.type("academia")
        expect(members(laptop)).to_have_count(SECTORS["academia"])
        expect(laptop.get_by_test_id("online-found")).to_have_text(
            f"{SECTORS['academia']} of 302 shown"
        )
        laptop.get_by_test_id("online-search").fill("observer")
        expect(members(laptop)).to_have_count(OBSERVERS)
        laptop.get_by_test_id("online-search").fill("asa holm")
        expect(members(laptop).locator(".online-name")).to_have_text(
            ["Åsa Holm 1", "Åsa Holm 2", "Åsa Holm 3"]
        )
        laptop.get_by_test_id("online-search").fill("Nobody Here")
        expect(members(laptop)).to_have_count(0)
        expect(dialog.locator(".online-none")).to_have_text("Nobody online matches.")
        laptop.get_by_test_id("online-search").fill("berg")
        cam.shoot(dialog, "dialog-search", doc=True)

        # Grouped by sector: one heading per sector with someone online, in the sector order.
        laptop.get_by_test_id("online-search").fill("")
        laptop.get_by_test_id("online-sort").select_option("sector")
        groups = dialog.locator(".online-group")
        expect(groups).to_have_text(
            ["Public sector", "Business", "Academia", "Civil society", "Citizen", "Other"]
        )
        first = members(laptop).first
        expect(first.locator(".online-name")).to_have_text("Amira Haddad")  # public, by name
        expect(first.locator(".sector-badge")).to_have_text("Public")
        expect(first.locator(".online-role")).to_have_text("Participant")

        # Escape closes it and the focus goes back to the top bar.
        laptop.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(laptop.get_by_test_id("online-toggle")).to_be_focused()

        # Someone leaving is counted off at once.
        crowd.leave()
        expect(laptop.get_by_test_id("online-total")).to_have_text("2 online", timeout=T)
        assert chip_counts(laptop) == {"public": 1, "business": 1}
    finally:
        crowd.leave()
    tabs.assert_clean()


def test_on_a_phone_in_swedish(server: ServerProcess, tabs: Tabs, artifacts: Path) -> None:
    cam = Camera(artifacts, "presence", "presence")
    board = api_board(server.http, "Fossilfri godstrafik", "sv")
    phone = tabs.open("phone", 390, 844, scale=2)
    join(phone, board["links"]["participant"], "Karin Holm", "academia")
    bar_before = measure(phone)["bar"]
    crowd = Crowd(server, board)
    try:
        crowd.arrive()
        expect(phone.get_by_test_id("online-total")).to_have_text("301 anslutna", timeout=T)
        labels = phone.get_by_test_id("online-sectors").locator(".online-chip-label")
        expect(labels.first).to_have_text("Offentlig")
        assert_one_line(measure(phone), bar_before)
        cam.shoot(phone, "phone", doc=True)

        phone.get_by_test_id("online-toggle").click()
        dialog = phone.get_by_test_id("online-dialog")
        expect(dialog).to_be_visible()
        expect(dialog.locator("h2")).to_have_text("Anslutna nu")
        phone.get_by_test_id("online-search").fill("akademi")
        expect(members(phone)).to_have_count(SECTORS["academia"] + 1)
        expect(phone.get_by_test_id("online-found")).to_have_text(
            f"{SECTORS['academia'] + 1} av 301 visas"
        )
        box = dialog.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        cam.shoot(phone, "phone-dialog", doc=True)
        phone.get_by_test_id("online-close").click()
        expect(dialog).to_be_hidden()
        expect(phone.get_by_test_id("online-toggle")).to_be_focused()
    finally:
        crowd.leave()
    tabs.assert_clean()
