"""Exports as CSV, for facilitators: vote results, the notes, and the links
(the goal-conflict register).

Vote rows come from the results stored in each round's `vote.closed` event, so
an export shows exactly what everyone saw at close, with the same suppression of
small sector segments; nothing identifies a voter. Notes and links go through
the same visibility rules as the board: no private note before the reveal, and
authors only where the board's anonymity lets a facilitator see them.
"""

import csv
import io

from fastapi import APIRouter
from fastapi.responses import Response

from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Actor
from ..domain.state import BoardState
from ..domain.values import LinkKind, Origin, Role, Sector
from ..domain.visibility import sees_authors
from .deps import MemberDep, Services, ServicesDep

router = APIRouter(prefix="/api")

SUPPRESSED = "too few to show"


def votes_csv(state: BoardState) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["round", "round title", "rank", "note", "text", "frame", "kind", "origin", "votes"]
        + [f"votes: {sector.value}" for sector in Sector]
    )
    for vote_round in state.votes.rounds.values():
        results = vote_round.results
        if results is None:
            continue  # open rounds have no results yet (and may be blind)
        per_sector = {
            sector: (
                {r.note_id: r.votes for r in segment.ranking or []}
                if not segment.suppressed
                else None
            )
            for sector, segment in results.by_sector.items()
        }
        for ranked in results.ranking:
            note = state.notes.get(ranked.note_id)
            frame = state.frames.get(note.frame_id) if note and note.frame_id else None
            writer.writerow(
                [
                    vote_round.id,
                    vote_round.title,
                    ranked.rank,
                    ranked.note_id,
                    note.text if note else "(deleted)",
                    frame.title if frame else "",
                    note.kind.value if note else "",
                    note.origin.value if note else "",
                    ranked.votes,
                ]
                + [
                    SUPPRESSED if per_sector[s] is None else per_sector[s].get(ranked.note_id, 0)  # type: ignore[union-attr]
                    for s in Sector
                ]
            )
    return out.getvalue()


ORIGIN_LABEL = {
    Origin.FACILITATOR: "seeded (top-down)",
    Origin.PARTICIPANT: "participant (bottom-up)",
}


def notes_csv(state: BoardState, authors: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["note", "text", "kind", "origin", "frame", "group", "author", "sector"])
    for note in state.notes.values():
        if note.private:
            continue  # not revealed: it exists for its author only
        frame = state.frames.get(note.frame_id) if note.frame_id else None
        group = state.groups.get(note.group_id) if note.group_id else None
        person = state.participants.get(note.author) if authors else None
        writer.writerow(
            [
                note.id,
                note.text,
                note.kind.value,
                ORIGIN_LABEL[note.origin],
                frame.title if frame else "",
                group.name if group else "",
                person.name if person else "",
                person.sector.value if person else "",
            ]
        )
    return out.getvalue()


def links_csv(state: BoardState) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["link", "kind", "from", "from text", "to", "to text", "status", "resolution"])
    for link in state.links.values():
        a, b = state.notes.get(link.from_id), state.notes.get(link.to_id)
        writer.writerow(
            [
                link.id,
                link.kind.value,
                link.from_id,
                a.text if a else "",
                link.to_id,
                b.text if b else "",
                link.status.value if link.kind is LinkKind.CONFLICTS else "",
                link.resolution,
            ]
        )
    return out.getvalue()


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _facilitators_state(board_id: str, member: Actor, services: Services) -> BoardState:
    if member.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a facilitator may export.")
    return (await services.store.entry(board_id)).state


@router.get("/boards/{board_id}/votes.csv", response_class=Response)
async def export_votes(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    state = await _facilitators_state(board_id, member, services)
    return _csv(votes_csv(state), f"votes-{board_id}.csv")


@router.get("/boards/{board_id}/notes.csv", response_class=Response)
async def export_notes(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    state = await _facilitators_state(board_id, member, services)
    authors = sees_authors(state, services.boards.viewer(member))
    return _csv(notes_csv(state, authors), f"notes-{board_id}.csv")


@router.get("/boards/{board_id}/links.csv", response_class=Response)
async def export_links(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    state = await _facilitators_state(board_id, member, services)
    return _csv(links_csv(state), f"links-{board_id}.csv")
