"""The board file: a whole board as one JSON document (export and import).

Format `samskapa-board`, version 1 (docs/replay.md#the-board-file). The content
part is exactly what `board.restored` carries, so an import is a fork from a
file; the record part (closed vote rounds, optionally the event log) is what a
facilitator may see in replay — under the strictest anonymity the board ever
had — and is not imported.
"""

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .commands import (
    ContentFrame,
    ContentGroup,
    ContentLink,
    ContentNote,
    Mission,
    RestoreBoard,
)
from .content import content_of
from .errors import DomainError, ErrorCode
from .facilitation import Step
from .state import BoardState
from .values import (
    MAX_FRAMES_PER_BOARD,
    MAX_GROUPS_PER_BOARD,
    MAX_LINKS_PER_BOARD,
    MAX_NOTES_PER_BOARD,
    MAX_STEPS,
    Anonymity,
    Language,
    Title,
)

FORMAT = "samskapa-board"
VERSION = 1
# A full board (5,000 notes of 500 characters, links, groups) is about 4 MB; with
# its event log much more. Files above this are refused before parsing.
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileBoard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Annotated[Title, Field(min_length=1)]
    language: Language = Language.SV
    mission: Mission = Mission()
    anonymity: Anonymity = Anonymity.OFF


class BoardFile(BaseModel):
    """What an import reads. The record (`votes`, `events`, `source`,
    `exported_at`) is accepted and left aside: a new board has no ballots."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["samskapa-board"]
    version: Literal[1]
    exported_at: int = 0
    source: dict[str, Any] = {}
    board: FileBoard
    frames: Annotated[tuple[ContentFrame, ...], Field(max_length=MAX_FRAMES_PER_BOARD)] = ()
    notes: Annotated[tuple[ContentNote, ...], Field(max_length=MAX_NOTES_PER_BOARD)] = ()
    groups: Annotated[tuple[ContentGroup, ...], Field(max_length=MAX_GROUPS_PER_BOARD)] = ()
    links: Annotated[tuple[ContentLink, ...], Field(max_length=MAX_LINKS_PER_BOARD)] = ()
    agenda: Annotated[tuple[Step, ...], Field(max_length=MAX_STEPS)] = ()
    votes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] | None = None

    def content(self) -> RestoreBoard:
        return RestoreBoard(
            frames=self.frames,
            notes=self.notes,
            groups=self.groups,
            links=self.links,
            agenda=self.agenda,
        )


def export_document(
    state: BoardState,
    mode: Anonymity,
    exported_at: int,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The board file of `state` (the board's head, as the facilitator sees it
    under `mode`, the strictest anonymity it ever had)."""
    board = state.board
    assert board is not None
    content = content_of(state).model_dump(mode="json", exclude={"type"})
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "source": {"board_id": board.id, "seq": state.seq, "created_at": board.created_at},
        "board": {
            "title": board.title,
            "language": board.language.value,
            "mission": board.mission.model_dump(mode="json"),
            "anonymity": mode.value,
        },
        **content,
        # Closed rounds only: their results are aggregates everyone saw at the
        # close (small sectors suppressed); open rounds may be blind.
        "votes": [r.model_dump(mode="json") for r in state.votes.rounds.values() if not r.is_open],
    }
    if events is not None:
        document["events"] = events
    return document


def parse_document(raw: bytes) -> BoardFile:
    """A board file's bytes, or a `DomainError` with the code that says what is wrong."""
    if len(raw) > MAX_FILE_BYTES:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE, f"A board file may be at most {MAX_FILE_BYTES} bytes."
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise DomainError(
            ErrorCode.INVALID_JSON, "The file is not complete JSON (cut off or damaged?)."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(ErrorCode.INVALID_FILE, f"This is not a {FORMAT} file.")
    if data.get("version") != VERSION:
        raise DomainError(
            ErrorCode.UNKNOWN_VERSION,
            f"Board file version {data.get('version')!r} is not known; this server reads "
            f"version {VERSION}.",
        )
    try:
        return BoardFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        for err in errors:
            if err["type"] == "string_too_long":
                where = ".".join(str(p) for p in err["loc"])
                raise DomainError(
                    ErrorCode.TEXT_TOO_LONG, f"{where} is too long: {err['msg']}."
                ) from None
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DomainError(ErrorCode.INVALID_MESSAGE, f"{where}: {first['msg']}") from None
