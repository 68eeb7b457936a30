"""Request ids: one per HTTP request or websocket, in the response and in the logs.

A load balancer that names its requests (`X-Request-ID`, as deploy/nginx.conf
sets it) has its id kept, so one id finds a request in the balancer's log and
in ours; otherwise the server makes one. HTTP responses carry it back in
`X-Request-ID`; every log line written while the request is handled carries it
as `request_id` (logs.py). A websocket's id is in its open and close lines.

A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: it adds a
header and sets a context variable, and leaves a websocket's `send`, the
server's hottest path, untouched.
"""

import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..logs import request_id as current

HEADER = b"x-request-id"
# What a balancer's id may look like: short, and nothing a log line would need escaped.
_VALID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")


def request_id_of(scope: Scope) -> str:
    """The balancer's id of this request, or a new one."""
    for name, value in scope.get("headers", ()):
        if name == HEADER and _VALID.fullmatch(value):
            return str(value.decode("ascii"))
    return secrets.token_hex(16)


class RequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            current.set(request_id_of(scope))
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        current.set(request_id)
        header = (HEADER, request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)
