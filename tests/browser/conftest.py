"""Browser fixtures: one Chromium per test module, and tabs that record their errors.

Every tab is its own browser context (its own localStorage), so two tabs are
two different people on the board.
"""

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    sync_playwright,
)

from tests.services import chromium_or_skip

LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Milliseconds: the default for every action and wait in a tab.
TIMEOUT_MS = 10_000

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_or_skip()
    if not Path(executable).exists():
        executable = shutil.which("chromium") or executable
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, timeout=30_000)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Tab:
    name: str
    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)


class Tabs:
    """Opens tabs (one context each) and keeps their console and page errors."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.tabs: list[Tab] = []

    def open(
        self,
        name: str,
        width: int = 1280,
        height: int = 800,
        scale: float = 1,
        bypass_csp: bool = False,
    ) -> Page:
        """A tab of `width` × `height` CSS pixels (`scale`: device pixels per CSS pixel).
        `bypass_csp` lets a test add its own script tags (the accessibility audit)."""
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
            locale="en-US",
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(TIMEOUT_MS)
        tab = Tab(name, context, context.new_page())
        self._watch(tab)
        self.tabs.append(tab)
        return tab.page

    def visit(self, page: Page) -> Page:
        """A new page on the same device as `page` (its context: its storage, so
        the same person), for a later visit after `page` was closed."""
        (tab,) = [tab for tab in self.tabs if tab.context == page.context]
        tab.page = tab.context.new_page()
        self._watch(tab)
        return tab.page

    @staticmethod
    def _watch(tab: Tab) -> None:
        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                tab.errors.append(f"{tab.name}: console error: {msg.text}")

        def on_page_error(exc: Error) -> None:
            tab.errors.append(f"{tab.name}: page error: {exc}")

        tab.page.on("console", on_console)
        tab.page.on("pageerror", on_page_error)

    def errors(self, ignore: str | None = None) -> list[str]:
        pattern = re.compile(ignore) if ignore else None
        return [e for tab in self.tabs for e in tab.errors if not (pattern and pattern.search(e))]

    def assert_clean(self, ignore: str | None = None) -> None:
        """No page errors and no console errors (except those matching `ignore`)."""
        errors = self.errors(ignore)
        assert errors == [], "errors in the browser:\n" + "\n".join(errors)

    def close(self) -> None:
        for tab in self.tabs:
            tab.context.close()
        self.tabs.clear()


@pytest.fixture
def tabs(browser: Browser) -> Iterator[Tabs]:
    opened = Tabs(browser)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
