"""The pages (start page, board, API documentation) and the files they load.

Static files live under a versioned prefix, `/static/<version>/…`, where the
version is a hash of the frontend's files: the pages name that prefix, and the
ES modules import each other relatively, so one page load gets every module
from one version, and a browser may cache them for a year. An upgrade changes
the prefix; the pages themselves are revalidated on every load (headers.py).
Another version's prefix is a 404, never today's files under yesterday's name
(which a browser would then keep for a year beside modules of the other one).

Swagger UI and ReDoc come from the `fastapi-offline` package, served here too,
so no page makes a request to anyone but this server.
"""

import base64
import hashlib
import importlib.metadata
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from .headers import DOCS_CSP
from .static import MemoryStaticFiles

DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
# ReDoc's side menu shows Redocly's logo from their CDN; the CSP would refuse it
# (and the console say so), so the bundle is served with an empty image instead.
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"
PAGES = ("index.html", "board.html", "replay.html", "report.html")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def frontend_dir() -> Path:
    """Inside an installed wheel the pages ship in the package; in a checkout, at the top."""
    packaged = Path(__file__).resolve().parents[1] / "frontend"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "frontend"


def asset_version(root: Path) -> str:
    """A hash of the pages, scripts and styles: it changes whenever one of them does."""
    digest = hashlib.sha256()
    files = [*root.glob("*.html"), *root.glob("css/**/*"), *root.glob("js/**/*")]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def versioned(html: str, prefix: str, base: str = "") -> str:
    """A page's references to /static/… (or <base>/static/…) pointed at this
    version's prefix."""
    return html.replace(f'"{base}/static/', f'"{base}{prefix}/')


def static_prefix(request: Request) -> str:
    """This version's prefix, for pages made elsewhere (the printable report)."""
    prefix: str = request.app.state.static_prefix
    return prefix


def _page(root: Path, name: str, prefix: str) -> bytes:
    return versioned((root / name).read_text(encoding="utf-8"), prefix).encode()


def _script_sources(html: str) -> str:
    """'self' and the hash of each inline script of the page."""
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    ]
    return " ".join(["'self'", *hashes])


def _docs_page(request: Request, assets: str, redoc: bool) -> HTMLResponse:
    """Swagger UI or ReDoc on this server's copy of their files, with a CSP that
    allows exactly the page's own inline script."""
    app = request.app
    base = request.scope.get("root_path", "")
    spec, title, favicon = (
        f"{base}{app.openapi_url}",
        f"{app.title} API",
        f"{base}{assets}/favicon.png",
    )
    if redoc:
        page = get_redoc_html(
            openapi_url=spec,
            title=title,
            redoc_js_url=f"{base}{assets}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )
    else:
        page = get_swagger_ui_html(
            openapi_url=spec,
            title=title,
            swagger_js_url=f"{base}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}{assets}/swagger-ui.css",
            swagger_favicon_url=favicon,
            # No badge from the public validator service (a third-party request).
            swagger_ui_parameters={"validatorUrl": None},
        )
    html = bytes(page.body).decode()
    page.headers["Content-Security-Policy"] = DOCS_CSP.format(scripts=_script_sources(html))
    return page


def add_pages(app: FastAPI, reload: bool = False) -> None:
    """`reload`: read the pages and files again when they change (static.py)."""
    root = frontend_dir()
    prefix = f"/static/{asset_version(root)}"
    app.state.static_prefix = prefix
    # Read once: the version above is of exactly these files.
    pages = {name: _page(root, name, prefix) for name in PAGES}

    def page(name: str) -> HTMLResponse:
        return HTMLResponse(_page(root, name, prefix) if reload else pages[name])

    @app.get("/", include_in_schema=False)
    async def start_page() -> HTMLResponse:
        return page("index.html")

    @app.get("/b/{board_id}", include_in_schema=False)
    async def board_page(board_id: str) -> HTMLResponse:
        return page("board.html")

    @app.get("/b/{board_id}/replay", include_in_schema=False)
    async def replay_page(board_id: str) -> HTMLResponse:
        return page("replay.html")

    @app.get("/b/{board_id}/report", include_in_schema=False)
    async def report_page(board_id: str) -> HTMLResponse:
        # A shell that fetches report.html with the member's credential and
        # becomes it (frontend/js/replay/report.js): links carry no secrets.
        return page("report.html")

    docs = f"/static/docs-{importlib.metadata.version('fastapi-offline')}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _docs_page(request, docs, redoc=False)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _docs_page(request, docs, redoc=True)

    redoc_js = (DOCS_ASSETS / "redoc.standalone.js").read_bytes().replace(REDOC_LOGO, EMPTY_IMAGE)

    @app.get(f"{docs}/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle() -> Response:
        return Response(redoc_js, media_type="text/javascript")

    app.mount(docs, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    app.mount(prefix, MemoryStaticFiles(directory=root, reload=reload), name="static")
