"""Security and caching headers on every HTTP response (docs/protocol.md §1,
"Headers"): pages, JSON, static files, errors and the API documentation alike.

A pure ASGI middleware that only adds headers to the response start message, so
it costs a few dict operations per request. It wraps the whole application,
outside Starlette's error middleware, so a 500 carries them too. A websocket
handshake the application refuses with an HTTP answer (403 for a foreign origin,
503 for a full process) carries them as well; once a websocket is open, its
frames pass straight through (no headers there to add).
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load only our own scripts, styles and sockets; note text is always
# rendered as text. `connect-src 'self'` covers the board's websocket too: CSP
# Level 3 matches ws:/wss: of the page's own host and port against 'self'.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)

# Swagger UI and ReDoc: their own bundles from this server, the one inline
# script that starts Swagger UI by its hash (added per page), the inline styles
# both set, and ReDoc's search worker, which it starts from a blob.
DOCS_CSP = (
    "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)

ALWAYS = (
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("content-security-policy", PAGE_CSP),
)

# Files under a versioned prefix never change (pages.py): cache them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
# Everything else is checked with the server on every use: pages so an upgrade
# is seen at the next load, API answers because they change and are personal.
REVALIDATE = "no-cache"
PRIVATE = "no-store"


def cache_control(path: str, status: int) -> str:
    # A 304 updates the cached copy's headers, so it must say the same as the 200.
    if path.startswith("/static/") and status in (200, 304):
        return IMMUTABLE
    if path.startswith("/api/"):
        return PRIVATE
    return REVALIDATE


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, with_headers(scope, send))


def with_headers(scope: Scope, send: Send) -> Send:
    """`send`, adding the headers to the response's start message."""
    path: str = scope["path"]
    # A websocket's refusal is an HTTP answer too (ASGI's http.response extension).
    start = "http.response.start" if scope["type"] == "http" else "websocket.http.response.start"

    async def send_with_headers(message: Message) -> None:
        if message["type"] == start:
            headers = MutableHeaders(scope=message)
            for name, value in ALWAYS:
                headers.setdefault(name, value)
            headers.setdefault("cache-control", cache_control(path, message["status"]))
        await send(message)

    return send_with_headers
