"""The protocol's vocabulary as data, for the browser: limits, enumerations,
error codes, close codes, event and command types, all read from the Python
definitions. `python -m samskapa.vocabulary` writes it to
frontend/js/core/vocabulary.json (committed: the frontend has no build step),
and tests/test_vocabulary.py fails when that file and this source drift apart.
"""

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from .domain import values
from .domain.commands import ClientCommand
from .domain.errors import ErrorCode
from .domain.events import EventBody
from .domain.voting import BUDGET_MAX, VoteStatus
from .realtime.protocol import PROTOCOL_VERSION, CloseCode

TARGET = Path(__file__).resolve().parents[2] / "frontend" / "js" / "core" / "vocabulary.json"

ENUMS: dict[str, type[Enum]] = {
    "roles": values.Role,
    "sectors": values.Sector,
    "colors": values.Color,
    "note_kinds": values.NoteKind,
    "origins": values.Origin,
    "write_modes": values.WriteMode,
    "edit_scopes": values.EditScope,
    "anonymity": values.Anonymity,
    "moderation": values.Moderation,
    "link_kinds": values.LinkKind,
    "conflict_statuses": values.ConflictStatus,
    "languages": values.Language,
    "vote_statuses": VoteStatus,
}


def _limits() -> dict[str, int | float]:
    """Every upper-case number in values.py, and the vote budget's bound."""
    found: dict[str, int | float] = {
        name: value
        for name, value in vars(values).items()
        if name.isupper() and isinstance(value, int | float) and not isinstance(value, bool)
    }
    found["BUDGET_MAX"] = BUDGET_MAX
    return dict(sorted(found.items()))


def _types(union: Any) -> list[str]:
    """The `type` tags of a discriminated union's members, in declaration order
    (a member may itself be a union, like the facilitation commands)."""
    tags: list[str] = []
    for member in get_args(get_args(union)[0]):
        for model in get_args(member) or (member,):
            (tag,) = get_args(model.model_fields["type"].annotation)
            tags.append(tag)
    return tags


def build() -> dict[str, Any]:
    return {
        "protocol_version": PROTOCOL_VERSION,
        "limits": _limits(),
        "enums": {name: [item.value for item in enum] for name, enum in ENUMS.items()},
        "error_codes": [code.value for code in ErrorCode],
        "close_codes": {code.name: code.value for code in CloseCode},
        "event_types": _types(EventBody),
        "command_types": _types(ClientCommand),
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the file, or with --check exit 1 when the committed one differs."""
    text = render()
    if "--check" in sys.argv[1:]:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            stale = f"{TARGET.name} is out of date: run python -m samskapa.vocabulary"
            print(stale, file=sys.stderr)
            raise SystemExit(1)
        return
    TARGET.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
