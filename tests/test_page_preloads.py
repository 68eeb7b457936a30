"""The board and replay pages name every module they import in `modulepreload`
links and every style sheet css/board.css imports in `preload` links
(frontend/board.html, frontend/replay.html): a file found only when the one
importing it has arrived and been parsed costs the first frame another round
trip, and each level of such imports one more. A file added to either without
its link fails here. Each page's first request (core/boot.js: the board's
websocket, or the replay's board at the head) goes out before the style sheets."""

import re
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[1] / "frontend" / "js"
# Static imports and re-exports (`import … from '…'`, `import '…'`); JSON
# modules cannot be preloaded as modules, their importer is.
IMPORT = re.compile(
    r"^\s*(?:import|export)\b[^'\"]*?\bfrom\s*'([^']+)'|^\s*import\s*'([^']+)'", re.M
)
# page, its entry scripts, modules imported later but still wanted at once,
# modules that must be in its graph (so a broken graph walk cannot pass)
PAGES = [
    ("board.html", {"core/boot.js", "app.js"}, (), {"board/render.js", "core/connection.js"}),
    # page.js: replay/main.js imports it once the first request is sent.
    (
        "replay.html",
        {"core/boot.js", "replay/main.js"},
        ("replay/page.js",),
        {"board/render.js", "core/i18n.js"},
    ),
]


def module_graph(*entries: str) -> set[str]:
    seen: set[str] = set()
    todo = [JS / e for e in entries]
    while todo:
        path = todo.pop().resolve()
        name = path.relative_to(JS).as_posix()
        if name in seen or not name.endswith(".js"):
            continue
        seen.add(name)
        for found in IMPORT.finditer(path.read_text(encoding="utf-8")):
            todo.append(path.parent / (found.group(1) or found.group(2)))
    return seen


def page_html(page: str) -> str:
    return (JS.parent / page).read_text(encoding="utf-8")


@pytest.mark.parametrize(("page", "entries", "later", "needed"), PAGES)
def test_the_page_preloads_its_whole_module_graph(
    page: str, entries: set[str], later: tuple[str, ...], needed: set[str]
) -> None:
    html = page_html(page)
    preloaded = set(re.findall(r'rel="modulepreload" href="/static/js/([^"]+)"', html))
    scripts = set(re.findall(r'<script type="module"[^>]* src="/static/js/([^"]+)"', html))
    assert scripts == entries, scripts
    graph = module_graph(*scripts, *later)
    assert needed <= graph, graph
    assert graph - scripts - preloaded == set()
    assert preloaded - graph == set(), "a preload the page does not use"


@pytest.mark.parametrize("page", [p[0] for p in PAGES])
def test_the_page_preloads_the_style_sheets_board_css_imports(page: str) -> None:
    preloaded = re.findall(r'rel="preload" as="style" href="/static/css/([^"]+)"', page_html(page))
    css = (JS.parent / "css" / "board.css").read_text(encoding="utf-8")
    imported = re.findall(r"@import url\('([^']+)'\);", css)
    assert len(imported) > 10, imported
    assert preloaded == imported, "in the same order, so they arrive in cascade order"


@pytest.mark.parametrize("page", [p[0] for p in PAGES])
def test_the_first_request_goes_out_before_the_style_sheets(page: str) -> None:
    """Async, core/boot.js waits for nothing."""
    html = page_html(page)
    boot = html.index('<script type="module" async src="/static/js/core/boot.js">')
    assert boot < html.index('rel="stylesheet"')
