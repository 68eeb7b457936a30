"""Exports: the results of every closed vote round as CSV (facilitators only).

The rows come from the results stored in each round's `vote.closed` event, so an
export shows exactly what everyone saw at close, with the same suppression of
small sector segments; nothing identifies a voter.
"""

import csv
import io

from fastapi import APIRouter
from fastapi.responses import Response

from ..domain.errors import DomainError, ErrorCode
from ..domain.state import BoardState
from ..domain.values import Role, Sector
from .deps import MemberDep, ServicesDep

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


@router.get("/boards/{board_id}/votes.csv", response_class=Response)
async def export_votes(board_id: str, member: MemberDep, services: ServicesDep) -> Response:
    if member.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a facilitator may export results.")
    state = (await services.store.entry(board_id)).state
    return Response(
        votes_csv(state),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="votes-{board_id}.csv"'},
    )
