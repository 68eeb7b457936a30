"""The board page names every module it imports in `modulepreload` links
(frontend/board.html): the browser then asks for the whole module graph at
once, instead of finding each level of imports only when the level above has
arrived and been parsed, and the board opens sooner. A module added to the
graph without its link fails here."""

import re

from tests.test_replay_preloads import JS, module_graph

PAGE = JS.parent / "board.html"


def test_the_board_page_preloads_its_whole_module_graph() -> None:
    html = PAGE.read_text(encoding="utf-8")
    preloaded = set(re.findall(r'rel="modulepreload" href="/static/js/([^"]+)"', html))
    scripts = set(re.findall(r'<script type="module"[^>]* src="/static/js/([^"]+)"', html))
    assert scripts == {"app.js"}, scripts
    graph = module_graph(*scripts)
    assert "board/render.js" in graph and "core/connection.js" in graph, graph
    assert graph - scripts - preloaded == set()
    assert preloaded - graph == set(), "a preload the page does not use"
