"""The board page names every module it imports in `modulepreload` links
(frontend/board.html): the browser then asks for the whole module graph at
once, instead of finding each level of imports only when the level above has
arrived and been parsed, and the board opens sooner. A module added to the
graph without its link fails here. The same for the style sheets css/board.css
imports, which app.js waits for too; and the page's first request, the board's
websocket (core/boot.js), goes out before any of them."""

import re

from tests.test_replay_preloads import JS, module_graph

PAGE = JS.parent / "board.html"


def test_the_board_page_preloads_its_whole_module_graph() -> None:
    html = PAGE.read_text(encoding="utf-8")
    preloaded = set(re.findall(r'rel="modulepreload" href="/static/js/([^"]+)"', html))
    scripts = set(re.findall(r'<script type="module"[^>]* src="/static/js/([^"]+)"', html))
    assert scripts == {"core/boot.js", "app.js"}, scripts
    graph = module_graph(*scripts)
    assert "board/render.js" in graph and "core/connection.js" in graph, graph
    assert graph - scripts - preloaded == set()
    assert preloaded - graph == set(), "a preload the page does not use"


def test_the_board_page_preloads_the_style_sheets_board_css_imports() -> None:
    html = PAGE.read_text(encoding="utf-8")
    preloaded = re.findall(r'rel="preload" as="style" href="/static/css/([^"]+)"', html)
    css = (JS.parent / "css" / "board.css").read_text(encoding="utf-8")
    assert preloaded == re.findall(r"@import url\('([^']+)'\);", css)


def test_the_first_request_goes_out_before_the_style_sheets() -> None:
    """core/boot.js opens the board's websocket; async, it waits for nothing."""
    html = PAGE.read_text(encoding="utf-8")
    boot = html.index('<script type="module" async src="/static/js/core/boot.js">')
    assert boot < html.index('rel="stylesheet"')
