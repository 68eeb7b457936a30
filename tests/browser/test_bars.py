"""The top bar's count per actor sector and the phone's bottom bar, in Chromium:
what a first-time user sees there is whole, named and without stray gaps."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Tabs
from tests.browser.pages import Camera, join
from tests.client import create_board as api_board
from tests.services import ServerProcess

# The last chip's count against the chips' box, and whether that box fades its edge.
CHIP_JS = """() => {
  const sectors = document.getElementById('online-sectors');
  const box = sectors.getBoundingClientRect();
  const counts = [...sectors.querySelectorAll('.online-chip-count')]
    .map((c) => c.getBoundingClientRect());
  const bar = document.querySelector('.topbar').getBoundingClientRect();
  return {
    whole: counts.every((c) => c.width > 0 && c.left >= box.left && c.right <= box.right + 0.5),
    mask: getComputedStyle(sectors).maskImage,
    bar: bar.height,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


# The top bar's height, the room its title has, and any sideways scroll.
TOP_BAR_JS = """() => ({
  bar: document.querySelector('.topbar').getBoundingClientRect().height,
  title: document.querySelector('.board-title').getBoundingClientRect().width,
  titleWhole: (({ scrollWidth, clientWidth }) => scrollWidth <= clientWidth)(
    document.querySelector('.board-title')),
  overflow: document.documentElement.scrollWidth - window.innerWidth,
})"""


@pytest.mark.parametrize(
    ("lang", "width", "height", "sector"),
    [
        ("sv", 1280, 800, "Offentlig"),
        ("en", 1024, 768, "Public"),
        ("en", 1920, 1080, "Public"),
        ("sv", 390, 844, "Offentlig"),
    ],
)
def test_the_count_per_sector_is_whole_and_named(
    server: ServerProcess,
    tabs: Tabs,
    artifacts: Path,
    lang: str,
    width: int,
    height: int,
    sector: str,
) -> None:
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", lang)
    page = tabs.open("facilitator", width, height)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    toggle = page.get_by_test_id("online-toggle")
    expect(toggle.locator(".online-chip-count")).to_have_text("1")
    Camera(artifacts, "bars", "bars").shoot(page.locator(".topbar"), f"topbar-{lang}-{width}")
    chips = page.evaluate(CHIP_JS)
    # Whole and not faded out: nothing is cut when everything fits.
    assert chips["whole"], chips
    assert chips["mask"] == "none", chips
    assert chips["overflow"] <= 0, chips
    # The sector's name is in the button's name whatever the form shown.
    expect(page.get_by_role("button", name=re.compile(rf"{sector}\s*1"))).to_be_visible()
    tabs.assert_clean()


def bottom_bar(page: Page) -> dict[str, float]:
    box: dict[str, float] = page.evaluate(
        """() => {
          const r = (s) => document.querySelector(s).getBoundingClientRect();
          const vote = r('#vote-toggle'), list = r('#list-toggle');
          const label = r('#vote-toggle > span:not(.tool-icon)');
          return { gap: list.left - vote.right, label: label.width, top: vote.top - list.top };
        }"""
    )
    return box


@pytest.mark.parametrize(("lang", "label"), [("sv", "Prickröstning"), ("en", "Dot vote")])
def test_a_facilitators_phone_column_names_the_dot_vote(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str, label: str
) -> None:
    board = api_board(server.http, "Fossilfri godstrafik", lang)
    page = tabs.open("facilitator", 390, 844)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    expect(page.get_by_test_id("list-toggle")).to_have_attribute("aria-pressed", "true")
    vote = page.get_by_test_id("vote-toggle")
    expect(vote).to_be_visible()
    expect(vote).to_have_text(re.compile(rf"●\s*{label}"))
    Camera(artifacts, "bars", "bars").shoot(page.locator("#toolbar"), f"phone-column-{lang}")
    bar = bottom_bar(page)
    # Its name is shown, on the same row as the switch to the canvas, with no hole between them.
    assert bar["label"] > 40, bar
    assert abs(bar["top"]) < 8, bar
    assert 0 <= bar["gap"] <= 12, bar
    # Opening it still works from there.
    vote.click()
    expect(page.get_by_test_id("vote-panel")).to_be_visible()
    tabs.assert_clean()


def test_a_tablet_keeps_the_board_title_and_role_in_the_top_bar(
    server: ServerProcess, tabs: Tabs, artifacts: Path
) -> None:
    """A facilitator's tools in Swedish leave a portrait tablet no room beside
    the title: they take a second row instead of hiding the title and running
    over the role badge."""
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", "sv")
    page = tabs.open("facilitator", 768, 1024)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    Camera(artifacts, "bars", "bars").shoot(page.locator(".topbar"), "topbar-sv-768")
    bar = page.evaluate(
        """() => {
          const r = (s) => document.querySelector(s).getBoundingClientRect();
          const title = r('.board-title'), badge = r('.role-badge'), conn = r('.conn-state');
          const apart = badge.right <= conn.left || badge.bottom <= conn.top;
          return { title: title.width, apart,
                   overflow: document.documentElement.scrollWidth - window.innerWidth };
        }"""
    )
    assert bar["title"] >= 200, bar
    assert bar["apart"], bar
    assert bar["overflow"] <= 0, bar
    tabs.assert_clean()


@pytest.mark.parametrize(("width", "folded"), [(1280, True), (1440, False)])
def test_a_swedish_laptop_shows_the_boards_title_whole(
    server: ServerProcess, tabs: Tabs, artifacts: Path, width: int, folded: bool
) -> None:
    """At 1280 px the Swedish names of every tool left the title one word
    ("Fossilfria …"): up to 82rem Replay, Share, Other device and the language
    wait behind ☰; wider they stand in the bar as before."""
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", "sv")
    page = tabs.open("facilitator", width, 800)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    Camera(artifacts, "bars", "bars").shoot(page.locator(".topbar"), f"topbar-sv-{width}")
    bar = page.evaluate(TOP_BAR_JS)
    if folded:
        assert bar["titleWhole"], bar
        expect(page.get_by_test_id("topbar-more")).to_be_visible()
        expect(page.get_by_test_id("share-toggle")).to_be_hidden()
    else:
        assert bar["title"] >= 200, bar
        expect(page.get_by_test_id("topbar-more")).to_be_hidden()
        expect(page.get_by_test_id("share-toggle")).to_be_visible()
    assert bar["overflow"] <= 0, bar
    tabs.assert_clean()


# Every shown control of the phone's top bar and its menu: its box, whether it
# is inside the screen, its words and whether it has a name for a screen reader.
TOP_CONTROLS_JS = """() => [...document.querySelectorAll('.topbar :is(button, a)')]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => {
    const r = el.getBoundingClientRect();
    return { id: el.id || el.className, w: r.width, h: r.height,
             inside: r.left >= 0 && r.right <= window.innerWidth && r.top >= 0,
             words: el.innerText.trim(),
             named: Boolean((el.getAttribute('aria-label') || el.textContent).trim()) };
  })"""


@pytest.mark.parametrize(
    ("lang", "menu", "names"),
    [
        (
            "sv",
            "Meny",
            ["Processledning", "Uppspelning", "Dela", "Annan enhet", "English"],
        ),
        ("en", "Menu", ["Facilitate", "Replay", "Share", "Other device", "Svenska"]),
    ],
)
def test_a_facilitators_phone_top_bar_is_one_row_with_the_rest_in_a_menu(
    server: ServerProcess,
    tabs: Tabs,
    artifacts: Path,
    lang: str,
    menu: str,
    names: list[str],
) -> None:
    """At 390×844 the bar took three rows (about 150 px) before any note: now
    one row, a finger high, and every other control one press of ☰ away, by
    touch and by keyboard, named in the board's language."""
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", lang)
    page = tabs.open("facilitator", 390, 844)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    camera = Camera(artifacts, "bars", "bars")
    camera.shoot(page, f"phone-topbar-{lang}", doc=lang == "en")
    bar = page.evaluate(TOP_BAR_JS)
    assert bar["bar"] <= 60, bar
    assert bar["title"] >= 120, bar
    assert bar["overflow"] <= 0, bar
    for control in page.evaluate(TOP_CONTROLS_JS):
        assert control["w"] >= 44 and control["h"] >= 44 and control["inside"], control
        assert control["named"], control
    more = page.get_by_test_id("topbar-more")
    expect(more).to_have_accessible_name(re.compile(menu))
    expect(more).to_have_attribute("aria-expanded", "false")

    # By keyboard: Enter opens it and goes into it; each tool is there, named, a
    # finger's size and on the screen; Escape folds it and comes back to ☰.
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    camera.shoot(page, f"phone-topbar-menu-{lang}", doc=lang == "en")
    assert page.evaluate(
        "() => document.getElementById('topbar-menu').contains(document.activeElement)"
    )
    expect(page.get_by_test_id("topbar-menu-role")).to_contain_text(
        "Processledare" if lang == "sv" else "Facilitator"
    )
    shown = page.evaluate(TOP_CONTROLS_JS)
    for name in names:
        (control,) = [c for c in shown if name in c["words"]]
        assert control["w"] >= 44 and control["h"] >= 44 and control["inside"], control
    for test_id in ("fac-toggle", "replay-link", "share-toggle", "device-toggle", "lang-toggle"):
        expect(page.get_by_test_id(test_id)).to_be_visible()
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(more).to_be_focused()
    expect(page.get_by_test_id("lang-toggle")).to_be_hidden()

    # By touch: Facilitate opens the panel, and the menu folds out of its way.
    more.click()
    page.get_by_test_id("fac-toggle").click()
    expect(page.get_by_test_id("fac-panel")).to_be_visible()
    expect(page.get_by_test_id("topbar-menu-role")).to_be_hidden()
    # Its shortcut closes it and gives the focus back to where Facilitate is: ☰.
    page.keyboard.press("Alt+Shift+F")
    expect(page.get_by_test_id("fac-panel")).to_be_hidden()
    expect(more).to_be_focused()
    tabs.assert_clean()


@pytest.mark.parametrize(
    ("lang", "size", "names"),
    [
        ("en", (1024, 768), ["Replay", "Share", "Other device", "Svenska"]),
        ("sv", (768, 1024), ["Uppspelning", "Dela", "Annan enhet", "English"]),
    ],
)
def test_a_laptops_top_bar_names_its_tools_instead_of_bare_icons(
    server: ServerProcess,
    tabs: Tabs,
    artifacts: Path,
    lang: str,
    size: tuple[int, int],
    names: list[str],
) -> None:
    """Below 72rem Replay, Share and Other device stood in the bar as ⟲, ⤴ and
    ⇄ alone, which a first-time user cannot read: they wait behind ☰ with their
    names, and Facilitate stays in the bar."""
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", lang)
    page = tabs.open("facilitator", *size)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    camera = Camera(artifacts, "bars", "bars")
    camera.shoot(page.locator(".topbar"), f"laptop-topbar-{lang}-{size[0]}")
    expect(page.get_by_test_id("fac-toggle")).to_be_visible()
    expect(page.get_by_test_id("role-badge")).to_be_visible()
    # Every control shown in the bar says what it is in words (☰ and the mark
    # home are named for screen readers).
    for control in page.evaluate(TOP_CONTROLS_JS):
        if control["id"] in ("topbar-more", "brand-mark"):
            assert control["named"], control
        else:
            assert re.search(r"[^\W_]", control["words"]), control
    page.get_by_test_id("topbar-more").click()
    camera.shoot(page, f"laptop-topbar-menu-{lang}-{size[0]}")
    shown = page.evaluate(TOP_CONTROLS_JS)
    for name in names:
        (control,) = [c for c in shown if name in c["words"]]
        assert control["inside"], control
    page.get_by_test_id("share-toggle").click()
    expect(page.get_by_test_id("share-dialog")).to_be_visible()
    expect(page.get_by_test_id("topbar-menu")).to_be_hidden()
    tabs.assert_clean()


@pytest.mark.parametrize(
    ("toggle", "dialog", "close"),
    [
        ("share-toggle", "share-dialog", "Escape"),
        ("device-toggle", "device-dialog", "device-close"),
    ],
)
def test_a_dialog_opened_from_the_phones_menu_gives_the_focus_back_to_the_menu(
    server: ServerProcess, tabs: Tabs, artifacts: Path, toggle: str, dialog: str, close: str
) -> None:
    """Share and Other device open from ☰ on a phone; their button is folded
    away with the menu by the time the dialog closes, so the focus comes back to
    ☰ instead of falling to the page, by Escape as by the close button."""
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", "en")
    page = tabs.open("facilitator", 390, 844)
    join(page, board["links"]["facilitator"], "Karin Berg", "public")
    more = page.get_by_test_id("topbar-more")
    more.focus()
    page.keyboard.press("Enter")
    page.get_by_test_id(toggle).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id(dialog)).to_be_visible()
    expect(more).to_have_attribute("aria-expanded", "false")
    if close == "Escape":
        page.keyboard.press("Escape")
    else:
        page.get_by_test_id(close).focus()
        page.keyboard.press("Enter")
    expect(page.get_by_test_id(dialog)).to_be_hidden()
    expect(more).to_be_focused()
    Camera(artifacts, "bars", "bars").shoot(page, f"phone-focus-after-{dialog}")
    tabs.assert_clean()


@pytest.mark.parametrize(("lang", "label"), [("en", "unsent"), ("sv", "ej skickade")])
def test_a_phones_unsent_count_says_what_it_counts(
    server: ServerProcess, tabs: Tabs, artifacts: Path, lang: str, label: str
) -> None:
    """Offline on a phone the count of changes not sent yet stood as a bare
    number beside who is online: it is named, shown and said, in the bar's one row."""
    board = api_board(server.http, "Fossilfria godstransporter – missionsworkshop", lang)
    page = tabs.open("participant", 390, 844)
    join(page, board["links"]["participant"], "Bo", "academia")
    page.context.set_offline(True)
    expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "offline")
    page.get_by_test_id("phone-text").fill("Written on the train")
    page.get_by_test_id("phone-add").click()
    count = page.get_by_test_id("outbox-count")
    expect(count).to_have_text("1")
    # Said with the count (the bar has no room to show the word), and in full
    # in the count's tooltip.
    outbox = page.locator("#outbox")
    assert re.search(rf"1\s*{label}", outbox.aria_snapshot()), outbox.aria_snapshot()
    expect(outbox).to_have_attribute("title", re.compile(label, re.IGNORECASE))
    Camera(artifacts, "bars", "bars").shoot(page, f"phone-offline-{lang}")
    bar = page.evaluate(TOP_BAR_JS)
    assert bar["bar"] <= 60, bar
    assert bar["title"] >= 60, bar
    assert bar["overflow"] <= 0, bar
    page.context.set_offline(False)
    expect(count).to_be_hidden()
    tabs.assert_clean()
