"""uvicorn's HTTP protocol with a deadline for every request's headers.

uvicorn closes a keep-alive connection that stays idle *between* requests
(`timeout_keep_alive`), but it arms that timer only after a response: a
brand-new connection that sends nothing, or sends its headers a byte at a time,
stays open for ever (so with h11 as with httptools). Exposed directly, that
lets anyone hold the process's file descriptors. This protocol arms one more
timer when a connection opens and after each response, and disarms it once a
whole request (headers and body; ours are small) has arrived, or the
connection became a websocket, whose `hello` has a deadline of its own in
api/ws.py. When it fires, the connection is closed.

`samskapa serve` passes this class to uvicorn as its HTTP protocol; the deadline
is `SAMSKAPA_REQUEST_TIMEOUT` (read once per process, so workers agree).
"""

import asyncio
import functools

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .settings import Settings


@functools.cache
def request_timeout() -> float:
    return Settings().request_timeout


class RequestDeadlineProtocol(HttpToolsProtocol):
    _deadline: asyncio.TimerHandle | None = None
    # The last request that arrived whole (uvicorn keeps `cycle` after it ends).
    _received: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        cycle = self.cycle
        if cycle is not None and cycle is not self._received and not cycle.more_body:
            self._received = cycle  # a whole request: answering it has its own pace
            self._disarm()
        elif self.transport.get_protocol() is not self:
            self._disarm()  # upgraded to a websocket

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's headers have the same deadline

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(request_timeout(), self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()
