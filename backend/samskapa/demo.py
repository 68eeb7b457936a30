"""A ready demo board, so that a first start shows something real.

The content is the mission workshop of the scenario (freight without fossil fuel
in Västra Götaland by 2030): the *Mission workshop* template with the six steps
the facilitator keeps and the material she seeds. The board's links are kept in
the data folder, so the same facilitator link is printed at every start.
"""

import asyncio
import json
from importlib import resources
from pathlib import Path
from typing import Any

from .domain.commands import Mission
from .domain.values import Language, Role
from .service import Boards
from .templates import Template, TemplateNote, get_template


async def ensure_demo_board(boards: Boards, data_dir: Path, base_url: str) -> dict[str, str]:
    """Create the demo board once; return its links."""
    saved = data_dir / "demo-board.json"
    known = await asyncio.to_thread(_read, saved)
    if known is not None and await boards.store.head_seq(known["board_id"]) is not None:
        return _links(base_url, known)
    spec: dict[str, Any] = json.loads(
        resources.files("samskapa").joinpath("data/demo-board.json").read_text(encoding="utf-8")
    )
    created = await boards.create(
        spec["title"], Language(spec["language"]), Mission(**spec["mission"]), demo_template(spec)
    )
    board_id = created.board_id
    known = {"board_id": board_id, **{role.value: created.tokens[role] for role in Role}}
    await asyncio.to_thread(_write, saved, known)
    return _links(base_url, known)


def demo_template(spec: dict[str, Any]) -> Template:
    """The spec's template with the scenario's steps and seeded notes in place of its own."""
    template = get_template(spec["template"]).steps(spec["agenda"])
    notes = [TemplateNote.model_validate(note) for note in spec["notes"]]
    # Validated again as a whole, so a note's frame must exist in the template.
    return Template.model_validate({**template.model_dump(), "notes": notes})


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
