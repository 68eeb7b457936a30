"""Where notes go when nobody said where: a free place in a frame, the layout of
revealed notes, and a tidied frame.

Pure and deterministic, and decided by the server inside the append (decide.py):
commands are decided one after another on the state each one follows, so twenty
phones adding at the same moment get twenty different places. A client that
computed the place itself would give two phones the same "free" spot. The
browser predicts the same place with a mirror of `free_place`
(frontend/js/core/placement.js) only until the server's event arrives.

A frame is filled as a grid of note-sized cells below its title and prompt,
left to right, top to bottom. A cell is taken when any note the writer can see
overlaps it. See docs/architecture.md ("Where new notes go").
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .state import NOTE_HEIGHT, NOTE_WIDTH, Frame, Note
from .values import FRAME_MAX

GAP = 16.0  # between notes: enough to see two notes as two
PAD = 24.0  # from the frame's border
HEADER = 96.0  # the frame's title and a line or two of prompt (css/board/frames.css .frame-title)
STEP_X = NOTE_WIDTH + GAP
STEP_Y = NOTE_HEIGHT + GAP
# Notes outside every frame are laid out in a band this many notes wide, to the
# right of all frames, so they never land inside one.
LOOSE_COLUMNS = 6
LOOSE_MARGIN = 80.0
LOOSE_ROWS = 10_000  # as good as unbounded: a board holds at most 5,000 notes
# A group is drawn as an outline 18 units around its notes with its name above
# it (frontend/js/board/structure.js GROUP_PAD, css/board/groups.css .group-head): a tidied group
# gets that room, so its name covers neither the frame's prompt nor the row above.
GROUP_ROOM_ABOVE = 52.0
GROUP_ROOM_BELOW = 20.0


@dataclass(frozen=True, slots=True)
class Grid:
    """Cells of note size, `cols` × `rows`, from (x, y)."""

    x: float
    y: float
    cols: int
    rows: int

    def cell(self, index: int) -> tuple[float, float]:
        row, col = divmod(index, self.cols)
        return self.x + col * STEP_X, self.y + row * STEP_Y

    def taken(self, notes: Iterable[Note]) -> set[int]:
        """The cells any of `notes` overlaps (a note covers at most four)."""
        cells: set[int] = set()
        right, bottom = self.x + self.cols * STEP_X, self.y + self.rows * STEP_Y
        for note in notes:
            if not (
                self.x - NOTE_WIDTH < note.x < right and self.y - NOTE_HEIGHT < note.y < bottom
            ):
                continue  # nowhere near the grid (most notes of a large board)
            # Cell c spans [x + c·STEP_X, x + c·STEP_X + NOTE_WIDTH): it overlaps
            # the note when c·STEP_X lies strictly between dx - W and dx + W.
            dx, dy = note.x - self.x, note.y - self.y
            c0 = max(0, math.floor((dx - NOTE_WIDTH) / STEP_X) + 1)
            c1 = min(self.cols - 1, math.ceil((dx + NOTE_WIDTH) / STEP_X) - 1)
            r0 = max(0, math.floor((dy - NOTE_HEIGHT) / STEP_Y) + 1)
            r1 = min(self.rows - 1, math.ceil((dy + NOTE_HEIGHT) / STEP_Y) - 1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    cells.add(r * self.cols + c)
        return cells


def frame_grid(frame: Frame) -> Grid:
    header = HEADER if frame.h >= HEADER + NOTE_HEIGHT + PAD else 0.0
    cols = max(1, math.floor((frame.w - 2 * PAD + GAP) / STEP_X))
    rows = max(1, math.floor((frame.h - header - PAD + GAP) / STEP_Y))
    return Grid(frame.x + PAD, frame.y + header, cols, rows)


def loose_grid(frames: Iterable[Frame]) -> Grid:
    """The band for notes that belong to no frame: right of every frame."""
    frames = list(frames)
    if not frames:
        return Grid(0.0, 0.0, LOOSE_COLUMNS, LOOSE_ROWS)
    right = max(f.x + f.w for f in frames)
    top = min(f.y for f in frames)
    return Grid(right + LOOSE_MARGIN, top, LOOSE_COLUMNS, LOOSE_ROWS)


def free_place(grid: Grid, notes: Iterable[Note]) -> tuple[float, float]:
    """The first cell no note overlaps. A full grid gives the cell after the
    last one filled, round again, so a full frame still takes the note and
    spreads the overflow (the facilitator can enlarge the frame and tidy it)."""
    notes = list(notes)
    taken = grid.taken(notes)
    total = grid.cols * grid.rows
    for index in range(total):
        if index not in taken:
            return grid.cell(index)
    return grid.cell(len(notes) % total)


def overlaps(a: Note, b: Note) -> bool:
    return abs(a.x - b.x) < NOTE_WIDTH and abs(a.y - b.y) < NOTE_HEIGHT


class _Index:
    """Notes bucketed by note-sized cells: two notes can overlap only when their
    buckets are neighbours, so "does this note cover another?" looks at nine
    buckets instead of the whole board (a reveal may move hundreds of notes)."""

    def __init__(self, notes: Iterable[Note]) -> None:
        self.buckets: dict[tuple[int, int], list[Note]] = {}
        for note in notes:
            self.add(note)

    @staticmethod
    def _key(note: Note) -> tuple[int, int]:
        return math.floor(note.x / NOTE_WIDTH), math.floor(note.y / NOTE_HEIGHT)

    def add(self, note: Note) -> None:
        self.buckets.setdefault(self._key(note), []).append(note)

    def covers(self, note: Note) -> bool:
        i, j = self._key(note)
        return any(
            overlaps(note, other)
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            for other in self.buckets.get((i + di, j + dj), ())
        )

    def notes(self) -> Iterable[Note]:
        for bucket in self.buckets.values():
            yield from bucket


def lay_out_revealed(
    revealed: Sequence[Note], public: Sequence[Note], frames: dict[str, Frame]
) -> tuple[Note, ...]:
    """Move each revealed note that would cover another to a free place in its
    own frame (or the loose band); a note that covers nothing stays put.

    During silent writing each writer placed notes seeing only their own, so two
    writers' notes can share a spot (everyone's first idea went to the frame's
    first cell); the reveal is the first moment anyone sees them together.
    """
    index = _Index(public)
    # The taken cells of each grid used so far, kept up to date as notes land,
    # and where to start looking for a free one (cells are only ever taken).
    grids: dict[str | None, tuple[Grid, set[int], list[int]]] = {}
    out: list[Note] = []
    for note in revealed:
        if index.covers(note):
            frame = frames.get(note.frame_id) if note.frame_id else None
            key = frame.id if frame is not None else None
            if key not in grids:
                grid = frame_grid(frame) if frame is not None else loose_grid(frames.values())
                grids[key] = (grid, grid.taken(index.notes()), [0])
            grid, taken, start = grids[key]
            total = grid.cols * grid.rows
            while start[0] < total and start[0] in taken:
                start[0] += 1
            x, y = grid.cell(start[0] if start[0] < total else len(taken) % total)
            note = note.model_copy(update={"x": x, "y": y})
        index.add(note)
        for grid, taken, _ in grids.values():
            taken |= grid.taken([note])
        out.append(note)
    return tuple(out)


def tidy(frame: Frame, notes: Sequence[Note]) -> tuple[list[tuple[str, float, float]], float]:
    """Pack `notes` in a grid in `frame`: each group on rows of its own (so a
    group stays one block, apart from the others), groups in the order they
    appear on the board (top to bottom, left to right), ungrouped notes last.
    Returns the new places and the height the frame needs (its own, or more)."""

    def reading_order(n: Note) -> tuple[float, float, str]:
        return (n.y, n.x, n.id)

    groups: dict[str | None, list[Note]] = {}
    for note in sorted(notes, key=reading_order):
        groups.setdefault(note.group_id, []).append(note)
    blocks = [members for key, members in groups.items() if key is not None]
    blocks.sort(key=lambda members: reading_order(members[0]))
    if None in groups:
        blocks.append(groups[None])
    grid = frame_grid(frame)
    places: list[tuple[str, float, float]] = []
    y = grid.y
    for members in blocks:
        grouped = members[0].group_id is not None
        y += GROUP_ROOM_ABOVE if grouped else 0.0
        for i, note in enumerate(members):
            r, c = divmod(i, grid.cols)
            places.append((note.id, grid.x + c * STEP_X, y + r * STEP_Y))
        y += math.ceil(len(members) / grid.cols) * STEP_Y
        y += GROUP_ROOM_BELOW if grouped else 0.0
    needed = y - frame.y - GAP + PAD
    return places, min(FRAME_MAX, max(frame.h, needed))
