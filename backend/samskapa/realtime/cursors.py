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

Cell = tuple[int, int]


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

    @staticmethod
    def messages(
        changed: dict[str, tuple[Cell, bytes]],
        views: Iterable[tuple[Cell, ...]],
        leaders: set[str],
    ) -> dict[tuple[Cell, ...], bytes]:
        """One encoded `cursors` message per distinct view, for this tick."""
        by_cell: dict[Cell, list[bytes]] = {}
        leading: list[bytes] = []
        for member_id, (cell, entry) in changed.items():
            if member_id in leaders:
                leading.append(entry)
            else:
                by_cell.setdefault(cell, []).append(entry)
        built: dict[tuple[Cell, ...], bytes] = {}
        for view in views:
            if view in built:
                continue
            entries = list(leading[:MAX_PER_TICK])
            for cell in view:
                room = MAX_PER_TICK - len(entries)
                if room <= 0:
                    break
                entries.extend(by_cell.get(cell, ())[:room])
            built[view] = (
                b'{"type":"cursors","c":[' + b",".join(entries) + b"]}" if entries else b""
            )
        return built
