"""Exports as CSV, for facilitators: vote results, the notes, and the links
(the goal-conflict register).

Report-ready: headers and fixed values in the board's language, a timestamp
column (UTC), UTF-8 with a byte order mark (so spreadsheet programs read å, ä,
ö right), and every text cell that a spreadsheet would take for a formula
(starting with `=`, `+`, `-`, `@`, a tab or a carriage return) neutralised with
a leading apostrophe: a participant's `=HYPERLINK(…)` stays text.

What they show is what a facilitator may see in replay: vote rows come from the
results stored at each round's close (small sectors suppressed, no voter);
notes and links leave out private notes and notes that wait for approval, were
rejected or are hidden (domain/moderation.py), and authors appear only where the
strictest anonymity the board ever had lets a facilitator see them.
"""

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ..domain.replay import SECTOR_LABELS, Row
from ..domain.state import BoardState
from ..domain.values import LinkKind, Sector
from ..domain.visibility import sees_authors_under
from ..labels import FORMER_MEMBER, KIND, LINK_KIND, ORIGIN, STATUS
from .deps import MemberDep, ServicesDep
from .errors import responses
from .records import facilitators_record

router = APIRouter(prefix="/api")

BOM = "\ufeff"
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_L = dict[str, str]
TEXT: dict[str, _L] = {
    "round": {"sv": "röstning", "en": "round"},
    "round_title": {"sv": "röstningens titel", "en": "round title"},
    "closed": {"sv": "stängd (UTC)", "en": "closed (UTC)"},
    "created": {"sv": "skapad (UTC)", "en": "created (UTC)"},
    "rank": {"sv": "plats", "en": "rank"},
    "note": {"sv": "lapp", "en": "note"},
    "text": {"sv": "text", "en": "text"},
    "frame": {"sv": "ram", "en": "frame"},
    "kind": {"sv": "typ", "en": "kind"},
    "origin": {"sv": "ursprung", "en": "origin"},
    "votes": {"sv": "röster", "en": "votes"},
    "group": {"sv": "grupp", "en": "group"},
    "author": {"sv": "författare", "en": "author"},
    "sector": {"sv": "sektor", "en": "sector"},
    "link": {"sv": "länk", "en": "link"},
    "from": {"sv": "från", "en": "from"},
    "from_text": {"sv": "från text", "en": "from text"},
    "to": {"sv": "till", "en": "to"},
    "to_text": {"sv": "till text", "en": "to text"},
    "status": {"sv": "status", "en": "status"},
    "resolution": {"sv": "hantering", "en": "resolution"},
    "suppressed": {"sv": "för få för att visa", "en": "too few to show"},
    "deleted": {"sv": "(borttagen)", "en": "(deleted)"},
}


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet will not run: text that starts like a formula gets a
    leading apostrophe (shown as text, not part of it in Excel and LibreOffice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def when(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _table(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + out.getvalue()


def created_at(rows: Iterable[Row]) -> dict[str, int]:
    """When each note and link came onto the board, from the log."""
    found: dict[str, int] = {}
    for row in rows:
        if row.type == "note.created":
            found.setdefault(row.data["note"]["id"], row.at)
        elif row.type == "link.created":
            found.setdefault(row.data["link"]["id"], row.at)
        elif row.type == "board.restored":
            for item in (*row.data["notes"], *row.data["links"]):
                found.setdefault(item["id"], row.at)
    return found


def votes_csv(state: BoardState) -> str:
    lang = state.board.language.value if state.board else "en"
    t = {k: v[lang] for k, v in TEXT.items()}
    header = [t["round"], t["round_title"], t["closed"], t["rank"], t["note"], t["text"]]
    header += [t["frame"], t["kind"], t["origin"], t["votes"]]
    header += [f"{t['votes']}: {SECTOR_LABELS[s][lang]}" for s in Sector]
    rows = []
    for vote_round in state.votes.rounds.values():
        results = vote_round.results
        if results is None:
            continue  # open rounds have no results yet (and may be blind)
        per_sector = {
            sector: None
            if segment.suppressed
            else {r.note_id: r.votes for r in segment.ranking or []}
            for sector, segment in results.by_sector.items()
        }
        for ranked in results.ranking:
            note = state.notes.get(ranked.note_id)
            if note is not None and not note.public:
                note = None  # cannot happen (private notes are not in rounds); never shown
            frame = state.frames.get(note.frame_id) if note and note.frame_id else None
            sectors = []
            for s in Sector:
                segment = per_sector.get(s)
                sectors.append(
                    t["suppressed"] if segment is None else segment.get(ranked.note_id, 0)
                )
            rows.append(
                [
                    vote_round.id,
                    vote_round.title,
                    when(vote_round.closed_at),
                    ranked.rank,
                    ranked.note_id,
                    note.text if note else t["deleted"],
                    frame.title if frame else "",
                    KIND[note.kind][lang] if note else "",
                    ORIGIN[note.origin][lang] if note else "",
                    ranked.votes,
                    *sectors,
                ]
            )
    return _table(header, rows)


def notes_csv(state: BoardState, authors: bool, created: dict[str, int]) -> str:
    lang = state.board.language.value if state.board else "en"
    t = {k: v[lang] for k, v in TEXT.items()}
    header = [t["note"], t["created"], t["text"], t["kind"], t["origin"], t["frame"]]
    header += [t["group"], t["author"], t["sector"]]
    rows = []
    for note in state.notes.values():
        if not note.public:
            continue  # not revealed, or withheld: it exists for its author (and moderators)
        frame = state.frames.get(note.frame_id) if note.frame_id else None
        group = state.groups.get(note.group_id) if note.group_id else None
        person = state.participants.get(note.author) if authors else None
        rows.append(
            [
                note.id,
                when(created.get(note.id)),
                note.text,
                KIND[note.kind][lang],
                ORIGIN[note.origin][lang],
                frame.title if frame else "",
                group.name if group else "",
                (person.name or FORMER_MEMBER[lang]) if person else "",
                SECTOR_LABELS[person.sector][lang] if person else "",
            ]
        )
    return _table(header, rows)


def links_csv(state: BoardState, created: dict[str, int]) -> str:
    lang = state.board.language.value if state.board else "en"
    t = {k: v[lang] for k, v in TEXT.items()}
    header = [t["link"], t["created"], t["kind"], t["from"], t["from_text"], t["to"]]
    header += [t["to_text"], t["status"], t["resolution"]]
    rows = []
    for link in state.links.values():
        a, b = state.notes.get(link.from_id), state.notes.get(link.to_id)
        rows.append(
            [
                link.id,
                when(created.get(link.id)),
                LINK_KIND[link.kind][lang],
                link.from_id,
                a.text if a else "",
                link.to_id,
                b.text if b else "",
                STATUS[link.status][lang] if link.kind is LinkKind.CONFLICTS else "",
                link.resolution,
            ]
        )
    return _table(header, rows)


class CsvResponse(Response):
    """Documents the exports as `text/csv` in OpenAPI."""

    media_type = "text/csv"


def _csv(text: str, name: str) -> Response:
    return CsvResponse(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# Not a member (401), not a facilitator (403), no such board (404).
_REFUSALS = responses(401, 403, 404)


@router.get("/boards/{board_id}/votes.csv", response_class=CsvResponse, responses=_REFUSALS)
async def export_votes(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    state, _ = await facilitators_record(board_id, member, services)
    return _csv(votes_csv(state), f"votes-{board_id}.csv")


@router.get("/boards/{board_id}/notes.csv", response_class=CsvResponse, responses=_REFUSALS)
async def export_notes(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    state, mode = await facilitators_record(board_id, member, services)
    authors = sees_authors_under(mode, services.boards.viewer(member))
    created = created_at(await services.history.rows(board_id, state.seq))
    return _csv(notes_csv(state, authors, created), f"notes-{board_id}.csv")


@router.get("/boards/{board_id}/links.csv", response_class=CsvResponse, responses=_REFUSALS)
async def export_links(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    state, _ = await facilitators_record(board_id, member, services)
    created = created_at(await services.history.rows(board_id, state.seq))
    return _csv(links_csv(state, created), f"links-{board_id}.csv")
