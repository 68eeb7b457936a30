"""When CPython's cyclic garbage collector may stop the server, and for how long.

Reference counting frees nearly everything the server allocates; the cyclic
collector is there for the rest. A pass stops the process for as long as it
takes to walk the objects of the generations it collects, about a microsecond
each here. What grows while boards fill (notes, recent events) stays young
until a pass: with young passes every 50,000 objects, each took 40-60 ms on
fifty busy boards and set the acks' p99 (docs/benchmarks.md, *Ingest*); older
passes walk every cached board state. Python 3.11 has no incremental
collector, so the policy here keeps every pass short instead:

- Young passes come every `YOUNG_THRESHOLD` objects, so each walks few.
- Whatever survives a pass is frozen at once (`gc.freeze()` from
  `gc.callbacks`, a constant-time splice of the collector's lists): no later
  pass walks it again, and the older generations stay all but empty.
- Frozen objects still die by reference counting as ever; only a cycle that
  becomes garbage after it was frozen waits. So a full pass over everything
  (`gc.unfreeze()`, `gc.collect()`, the survivors frozen again) runs at a quiet
  moment, once something was frozen since the last one and the server has
  committed nothing and made no young pass for `quiet` seconds, and at the
  latest `longest` seconds after the last one under unbroken traffic: what
  such cycles hold is bounded by what leaks in that long.
"""

import gc
import logging
import time
from collections.abc import Callable
from typing import Any

from .clock import Clock
from .periodic import Periodic

log = logging.getLogger(__name__)

# Young-generation size (CPython's default: 700): a young pass walks about this
# many objects, some 5 ms here. At 700 the collector ran several times per batch
# of ops and, worse, its older passes walked every cached board state again and
# again (a fifth of the server's CPU under ingest); at 50,000 a pass took 40-60
# ms. With every survivor frozen, each object is walked about once, so passes
# can be frequent and short.
YOUNG_THRESHOLD = 5_000
# How often the quiet moment is looked for; a look reads two counters.
LOOK_SECONDS = 0.5


class Collector:
    """The collector's policy for one process, from the app's start to its stop.

    `traffic` counts something that grows with the server's work (the event
    store's group commits); `clock` is the server's clock in epoch ms, so a test
    can move time past a quiet spell or the longest interval.
    """

    def __init__(
        self, traffic: Callable[[], int], clock: Clock, quiet: float, longest: float
    ) -> None:
        self.traffic = traffic
        self.clock = clock
        self.quiet_ms = quiet * 1000
        self.longest_ms = longest * 1000
        self.freezes = 0  # passes after which the survivors were frozen
        self.full_passes = 0  # passes over everything, frozen objects included
        self.looks = 0
        self._frozen_at_full = 0
        self._seen: tuple[int, int] = (-1, -1)
        self._busy_at = self._full_at = clock()
        self._looking = Periodic("garbage-collector", LOOK_SECONDS, self._look)

    def start(self) -> None:
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        # Modules, schemas and compiled queries live as long as the process.
        gc.freeze()
        gc.callbacks.append(self._after_pass)
        self._looking.start()

    async def stop(self) -> None:
        await self._looking.stop()
        if self._after_pass in gc.callbacks:
            gc.callbacks.remove(self._after_pass)
        # What this app held goes back to the collector (in tests, the next app
        # in the same process must not inherit it frozen).
        gc.unfreeze()

    def _after_pass(self, phase: str, info: dict[str, Any]) -> None:
        # Whatever the pass left alive (the boards' new notes and events, the
        # work in flight) is set aside at once: freezing is a constant-time
        # splice of the collector's lists.
        if phase == "stop":
            gc.freeze()
            self.freezes += 1

    async def _look(self) -> None:
        self.looks += 1
        now = self.clock()
        seen = (self.traffic(), gc.get_stats()[0]["collections"])
        if seen != self._seen:
            self._seen, self._busy_at = seen, now
        if self.freezes == self._frozen_at_full:
            return  # nothing frozen since the last full pass: nothing to find
        if now - self._busy_at >= self.quiet_ms or now - self._full_at >= self.longest_ms:
            self.full_pass()

    def full_pass(self) -> int:
        """Collect everything once, frozen objects included, and freeze what
        survives; returns how many unreachable objects were found."""
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()  # _after_pass freezes the survivors
        self.full_passes += 1
        self._frozen_at_full = self.freezes
        self._full_at = self.clock()
        log.info(
            "full garbage collection: %d unreachable objects, %d frozen, %.1f ms",
            found,
            gc.get_freeze_count(),
            (time.perf_counter() - started) * 1000,
        )
        return found
