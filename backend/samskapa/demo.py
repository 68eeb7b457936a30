"""A ready demo board, so that a first start shows something real.

The content is the mission workshop of docs/ (freight without fossil fuel in
Västra Götaland by 2030). The board's links are kept in the data folder, so the
same facilitator link is printed at every start.
"""

import asyncio
import json
from importlib import resources
from pathlib import Path
from typing import Any

from .domain.commands import CreateFrame, CreateNote, Mission
from .domain.values import Language, Role
from .service import SYSTEM_ACTOR, Boards


async def ensure_demo_board(boards: Boards, data_dir: Path, base_url: str) -> dict[str, str]:
    """Create the demo board once; return its links."""
    saved = data_dir / "demo-board.json"
    known = await asyncio.to_thread(_read, saved)
    if known is not None and await boards.store.head_seq(known["board_id"]) is not None:
        return _links(base_url, known)
    spec: dict[str, Any] = json.loads(
        resources.files("samskapa").joinpath("data/demo-board.json").read_text()
    )
    created = await boards.create(
        spec["title"], Language(spec["language"]), Mission(**spec["mission"])
    )
    board_id = created.board_id
    frame_ids = []
    for i, frame in enumerate(spec["frames"]):
        frame_id = f"f_demo{i}"
        frame_ids.append((frame_id, frame))
        await boards.store.append(
            board_id,
            CreateFrame(type="frame.create", frame_id=frame_id, **frame),
            SYSTEM_ACTOR,
            f"demo-frame-{i}",
        )
    for i, note in enumerate(spec["notes"]):
        _, frame = frame_ids[note["frame"]]
        await boards.store.append(
            board_id,
            CreateNote(
                type="note.create",
                note_id=f"n_demo{i}",
                text=note["text"],
                kind=note["kind"],
                color=note["color"],
                x=frame["x"] + note["dx"],
                y=frame["y"] + note["dy"],
            ),
            SYSTEM_ACTOR,
            f"demo-note-{i}",
        )
    known = {"board_id": board_id, **{role.value: created.tokens[role] for role in Role}}
    await asyncio.to_thread(_write, saved, known)
    return _links(base_url, known)


def _read(path: Path) -> dict[str, str] | None:
    if not path.exists():
        return None
    data: dict[str, str] = json.loads(path.read_text())
    return data


def _write(path: Path, known: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known))
    path.chmod(0o600)  # the file holds the demo board's links


def _links(base_url: str, known: dict[str, str]) -> dict[str, str]:
    return {role.value: f"{base_url}/b/{known['board_id']}#k={known[role.value]}" for role in Role}
