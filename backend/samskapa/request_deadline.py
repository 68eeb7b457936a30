"""uvicorn's HTTP protocol with a deadline for every request's headers and body.

uvicorn closes a keep-alive connection that stays idle *between* requests
(`timeout_keep_alive`), but it arms that timer only after a response: a
brand-new connection that sends nothing, or sends its headers a byte at a time,
stays open for ever (so with h11 as with httptools), and so does one whose body
trickles in. Exposed directly, that lets anyone hold the process's file
descriptors. This protocol arms one more timer when a connection opens and after
each response, and:

* **headers** must be complete within `SAMSKAPA_REQUEST_TIMEOUT` of that;
* **a body** then has the same time, extended by one second for every
  `SAMSKAPA_REQUEST_BODY_MIN_RATE` bytes that arrive (Apache's mod_reqtimeout
  does the same): a board file of 20 MB on a slow line gets all the time it
  needs, a body sent a byte a second is cut off after about the request
  timeout.

When the deadline passes, the connection is closed. A connection that became a
websocket is left alone: its `hello` has a deadline of its own in api/ws.py.

`samskapa serve` passes this class to uvicorn as its HTTP protocol; the settings
are read once per process, so workers agree.
"""

import asyncio
import functools

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .settings import Settings


@functools.cache
def deadlines() -> tuple[float, float]:
    """(seconds for headers and the start of a body, body bytes per extra second)"""
    settings = Settings()
    return settings.request_timeout, float(settings.request_body_min_rate)


class RequestDeadlineProtocol(HttpToolsProtocol):
    _timer: asyncio.TimerHandle | None = None
    # While a body is coming in: when the deadline is (loop time).
    _body_deadline: float | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        in_body = self._body_deadline is not None
        super().data_received(data)
        if self.transport.get_protocol() is not self:
            self._disarm()  # upgraded to a websocket
            return
        if self.cycle is not before:
            # A new request cycle: its headers are complete. Its body (if any
            # is still to come) is now what has the deadline.
            self._disarm()
            if self.cycle is not None and self.cycle.more_body:
                self._start_body()
        elif in_body:
            if self.cycle is None or not self.cycle.more_body:
                self._disarm()  # the body is complete
            else:
                _, min_rate = deadlines()
                self._body_deadline = (self._body_deadline or 0.0) + len(data) / min_rate

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's headers have the same deadline

    def _arm(self) -> None:
        self._disarm()
        timeout, _ = deadlines()
        self._timer = self.loop.call_later(timeout, self._expired)

    def _start_body(self) -> None:
        timeout, _ = deadlines()
        self._body_deadline = self.loop.time() + timeout
        self._timer = self.loop.call_later(timeout, self._expired)

    def _disarm(self) -> None:
        self._body_deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        if self._body_deadline is not None:
            # The body's deadline moves as bytes arrive: one timer, re-armed
            # only when it fires early, instead of one per read.
            left = self._body_deadline - self.loop.time()
            if left > 0:
                self._timer = self.loop.call_later(left, self._expired)
                return
        self._body_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
