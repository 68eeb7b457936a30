"""The server's clock, in epoch milliseconds: one function handed to what needs it.

Decisions (`decide`'s `now`), the close at a deadline and the `server_time`
clients count down from all read this one clock, so a test can move it past a
deadline days away without sleeping (tests/clock_server.py).
"""

import time
from collections.abc import Callable

Clock = Callable[[], int]


def system_clock() -> int:
    return int(time.time() * 1000)
