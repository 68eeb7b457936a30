"""A real uvicorn server on 127.0.0.1 with samskapa's websocket protocol, for an
ASGI app under test; yields its port."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from samskapa.websocket_protocol import WebSocketProtocol


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app, ws=WebSocketProtocol, lifespan="off", log_level="warning", ws_per_message_deflate=False
    )
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    while not uv.started:
        await asyncio.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        uv.should_exit = True
        await task
