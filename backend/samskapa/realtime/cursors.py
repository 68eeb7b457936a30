"""Live cursors: ephemeral, never persisted, aggregated on a fixed tick.

A thousand people moving their pointers ten times a second would be ten
thousand messages a second *per client* if relayed one by one. Instead each
board keeps the latest position per member, and on every tick each connection
gets at most one `cursors` message holding only what changed since the last tick
inside its own viewport (plus the facilitators' cursors, which everyone follows),
capped at `MAX_PER_TICK` entries.

To make that cheap, positions are bucketed into square cells of the board; a
connection's viewport is turned into its list of cells once, when it reports a
new view; and the message for a given list of cells is built once per tick and
shared by every connection looking at the same cells (in a workshop most people
look at the same frame).

The cap never hides a pointer for good: a move that some view had to leave
out (the cap was full of nearer ones) stays pending for the next tick, ahead of
newer moves, so every pointer in a view eventually arrives at its latest
position. And the rate adapts to the crowd (`cursor_every_ticks`): a board with
hundreds of people in one process sends and receives pointers less often, and
clients glide between the positions over the longer interval, so motion stays
smooth while the work per second stays bounded.
"""

import math
from collections.abc import Iterable

import orjson

# Board units per cell side: about one frame.
CELL = 800.0
# Entries one connection receives per tick, at most.
MAX_PER_TICK = 50
# Views wider than this many cells (zoomed far out) use the cells around their centre.
MAX_CELLS = 36
TICK_SECONDS = 0.1
# Pointer moves per second a process takes from all of a board's clients
# together, at most (about): above MOVES_PER_SECOND / 10 people on the board in
# this process, each client sends (and gets) pointers less often than 10 Hz.
MOVES_PER_SECOND = 5_000
# The slowest rate, however many people: one tick in this many.
MAX_EVERY_TICKS = 5

Cell = tuple[int, int]


def cursor_every_ticks(people: int, moves_per_second: float = MOVES_PER_SECOND) -> int:
    """How many ticks apart a board of `people` connections in this process
    exchanges pointers: by default 1 (10 Hz) up to 500 people, 2 (5 Hz) up to
    1,000, 3 up to 1,500, … at most MAX_EVERY_TICKS (2 Hz)."""
    per_tick = moves_per_second * TICK_SECONDS
    return max(1, min(MAX_EVERY_TICKS, math.ceil(people / per_tick)))


def cells_for_view(x: float, y: float, w: float, h: float) -> tuple[Cell, ...]:
    """The cells a viewport overlaps, nearest to its centre first."""
    x0, x1 = math.floor(x / CELL), math.floor((x + w) / CELL)
    y0, y1 = math.floor(y / CELL), math.floor((y + h) / CELL)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    cells = [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]
    if len(cells) > MAX_CELLS:
        # Only the centre matters when zoomed out that far; keep it bounded.
        r = (math.isqrt(MAX_CELLS) - 1) // 2
        ic, jc = round(cx), round(cy)
        cells = [(i, j) for i in range(ic - r, ic + r + 1) for j in range(jc - r, jc + r + 1)]
    cells.sort(key=lambda c: (c[0] - cx) ** 2 + (c[1] - cy) ** 2)
    return tuple(cells)


class CursorField:
    """The cursors of one board in this process."""

    def __init__(self) -> None:
        # member id -> (cell, encoded entry) for what moved since the last tick
        self._changed: dict[str, tuple[Cell, bytes]] = {}
        # Members whose moves happened on this process (only these are relayed
        # to other processes, so nothing echoes back and forth).
        self._local: set[str] = set()

    def move(self, member_id: str, x: float, y: float, local: bool = True) -> None:
        cell = (math.floor(x / CELL), math.floor(y / CELL))
        self._changed[member_id] = (cell, orjson.dumps([member_id, round(x, 1), round(y, 1)]))
        if local:
            self._local.add(member_id)

    def merge_remote(self, payload: bytes) -> None:
        """Entries relayed by another process: `[[member_id, x, y], …]`."""
        for member_id, x, y in orjson.loads(payload):
            if isinstance(member_id, str) and member_id not in self._local:
                self.move(member_id, float(x), float(y), local=False)

    def drain(self) -> tuple[dict[str, tuple[Cell, bytes]], bytes]:
        """What changed since the last tick, and the local part encoded for relaying."""
        changed, local = self._changed, self._local
        self._changed, self._local = {}, set()
        relay = b"[" + b",".join(changed[m][1] for m in local) + b"]" if local else b""
        return changed, relay

    def forget(self, member_id: str) -> None:
        """The member left: no pending move of theirs goes out any more."""
        self._changed.pop(member_id, None)
        self._local.discard(member_id)

    def carry(self, changed: dict[str, tuple[Cell, bytes]], left_out: set[str]) -> None:
        """Keep the moves some view had to leave out for the next tick, ahead
        of what moves meanwhile (a newer move replaces its position in place)."""
        if not left_out:
            return
        pending = {m: changed[m] for m in changed if m in left_out}
        pending.update(self._changed)
        self._changed = pending

    @staticmethod
    def messages(
        changed: dict[str, tuple[Cell, bytes]],
        views: Iterable[tuple[Cell, ...]],
        leaders: set[str],
        left_out: set[str] | None = None,
    ) -> dict[tuple[Cell, ...], bytes]:
        """One encoded `cursors` message per distinct view, for this tick.

        Within a cell the moves go in the order they became pending (what was
        left out last time first). The members a view had no room for are
        added to `left_out` (for `carry`)."""
        by_cell: dict[Cell, list[tuple[str, bytes]]] = {}
        leading: list[tuple[str, bytes]] = []
        for member_id, (cell, entry) in changed.items():
            if member_id in leaders:
                leading.append((member_id, entry))
            else:
                by_cell.setdefault(cell, []).append((member_id, entry))
        built: dict[tuple[Cell, ...], bytes] = {}
        for view in views:
            if view in built:
                continue
            chosen = leading[:MAX_PER_TICK]
            if left_out is not None and len(leading) > MAX_PER_TICK:
                left_out.update(m for m, _ in leading[MAX_PER_TICK:])
            for cell in view:
                here = by_cell.get(cell)
                if not here:
                    continue
                room = MAX_PER_TICK - len(chosen)
                if len(here) > room and left_out is not None:
                    left_out.update(m for m, _ in here[max(room, 0) :])
                if room > 0:
                    chosen = chosen + here[:room]
            built[view] = (
                b'{"type":"cursors","c":[' + b",".join(e for _, e in chosen) + b"]}"
                if chosen
                else b""
            )
        return built
