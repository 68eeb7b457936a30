"""uvicorn's HTTP protocol with a deadline for every request's headers.

uvicorn closes a keep-alive connection that stays idle *between* requests
(`timeout_keep_alive`), but it arms that timer only after a response: a
brand-new connection that sends nothing, or sends its headers a byte at a time,
stays open for ever (so with h11 as with httptools). Exposed directly, that
lets anyone hold the process's file descriptors. This protocol arms one more
timer when a connection opens and after each response, and disarms it once a
request's headers are complete (its body may take longer: a board file of up
to 20 MB on a slow line), or the connection became a websocket, whose `hello`
has a deadline of its own in api/ws.py. When it fires, the connection is
closed.

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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        super().data_received(data)
        # A new request cycle means its headers are complete; a transport that
        # now belongs to another protocol was upgraded to a websocket.
        if self.cycle is not before or self.transport.get_protocol() is not self:
            self._disarm()

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
