"""The replay page names every module its first frame needs in `modulepreload`
links (frontend/replay.html), and every style sheet that css/board.css imports
in `preload` links: a file found only when the one importing it has arrived and
been parsed costs the first frame another round trip, and each level of such
imports one more. A file added to either without its link fails here."""

import re
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "frontend" / "js"
PAGE = JS.parent / "replay.html"
# Static imports and re-exports (`import … from '…'`, `import '…'`); JSON
# modules cannot be preloaded as modules, their importer is.
IMPORT = re.compile(
    r"^\s*(?:import|export)\b[^'\"]*?\bfrom\s*'([^']+)'|^\s*import\s*'([^']+)'", re.M
)


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


def test_the_replay_page_preloads_its_whole_module_graph() -> None:
    html = PAGE.read_text(encoding="utf-8")
    preloaded = set(re.findall(r'rel="modulepreload" href="/static/js/([^"]+)"', html))
    scripts = set(re.findall(r'<script type="module"[^>]* src="/static/js/([^"]+)"', html))
    assert scripts == {"core/boot.js", "replay/main.js"}, scripts
    # page.js: main.js imports it once the first request is sent.
    graph = module_graph(*scripts, "replay/page.js")
    assert "board/render.js" in graph and "core/i18n.js" in graph, graph
    assert graph - scripts - preloaded == set()
    assert preloaded - graph == set(), "a preload the page does not use"


def test_the_replay_page_preloads_the_style_sheets_board_css_imports() -> None:
    html = PAGE.read_text(encoding="utf-8")
    preloaded = re.findall(r'rel="preload" as="style" href="/static/css/([^"]+)"', html)
    css = (JS.parent / "css" / "board.css").read_text(encoding="utf-8")
    imported = re.findall(r"@import url\('([^']+)'\);", css)
    assert len(imported) > 10, imported
    assert preloaded == imported, "in the same order, so they arrive in cascade order"
