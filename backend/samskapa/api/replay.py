"""Replay routes: the board at any `seq`, the timeline, and a new board from a moment.

docs/replay.md describes them with examples. Facilitators may always replay;
participants and observers only while the board allows it (`board.replay`).
Every answer goes through `domain/replay.py`: the projection of that moment
under the strictest anonymity the board ever had.
"""

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..domain.content import content_of
from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Actor
from ..domain.replay import members_by_actor, replay_view, taken_down_for
from ..domain.state import BoardState
from ..domain.values import SEQ_MAX, Instant, Role, Seq, Title
from .deps import MemberDep, Services, ServicesDep
from .errors import responses
from .ratelimit import CREATE_LIMITED, spend
from .rest import CreatedBoardOut, created_out

router = APIRouter(prefix="/api")


# The seqs replay takes, documented; a seq outside the board's log (these bounds
# included) is answered `400 seq_out_of_range` by the store, so clients get one code.
SEQ_BOUNDS: dict[str, Any] = {"minimum": 1, "maximum": SEQ_MAX}


class StateOut(BaseModel):
    seq: Seq
    at: Instant
    state: dict[str, Any]
    own_notes: dict[str, Any]
    own_votes: dict[str, Any]


class TimelineOut(BaseModel):
    first_seq: Seq
    last_seq: Seq
    start_at: Instant
    end_at: Instant
    changes: list[list[Instant]]
    markers: list[dict[str, Any]]
    activity: list[dict[str, Any]]


class ForkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: Annotated[int, Field(strict=True, json_schema_extra=SEQ_BOUNDS)]
    title: Annotated[Title, Field(min_length=1)] | None = None


def _json(data: dict[str, Any]) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


async def _head(board_id: str, member: Actor, services: Services) -> tuple[int, BoardState]:
    """The log's head and the board's state there, once the member may replay."""
    head = await services.history.head(board_id)
    state = (await services.store.entry(board_id)).state
    board = state.board
    assert board is not None
    if member.role is not Role.FACILITATOR and not board.replay:
        raise DomainError(
            ErrorCode.REPLAY_OFF, "The facilitator has not opened this board's replay."
        )
    return head, state


# Not a member (401), replay not opened to this member (403), no such board (404).
_REPLAY = responses(401, 403, 404)


@router.get(
    "/boards/{board_id}/state", response_model=StateOut, responses=responses(400, 401, 403, 404)
)
async def board_state_at(
    board_id: str,
    member: MemberDep,
    services: ServicesDep,
    seq: Annotated[Annotated[int, Field(json_schema_extra=SEQ_BOUNDS)] | None, Query()] = None,
) -> Any:
    """The board as this member could see it right after event `seq` (without
    `seq`: at the log's head, so a replay page opens with one request)."""
    head, now = await _head(board_id, member, services)
    if seq is None:
        seq = head
    if seq == head and now.seq == head:
        # The board at the head is the one this process holds live: no snapshot
        # to read and fold forward (a replay page opens with this request).
        state, at = now.copy(), await services.history.instant(board_id, seq)
    else:
        state, at = await services.history.state_at(board_id, seq, head)
    mode = await services.history.strictest_anonymity(board_id, head)
    viewer = services.boards.viewer(member)
    # Hidden now means hidden at every moment (for all but author and facilitators).
    gone = taken_down_for(now, viewer)
    view = replay_view(state, viewer, mode, services.history.dumps(board_id), taken_down=gone)
    # Encoded here: the state of a big board is large, and validating it again
    # against the response model costs more than building it (the model still
    # documents the answer).
    return _json({"seq": seq, "at": at, **view})


@router.get("/boards/{board_id}/timeline", response_model=TimelineOut, responses=_REPLAY)
async def board_timeline(board_id: str, member: MemberDep, services: ServicesDep) -> Any:
    """Steppable changes, markers and per-minute activity by sector (counts only)."""
    head, state = await _head(board_id, member, services)
    actors = members_by_actor(state, services.store.secret)
    viewer = services.boards.viewer(member)
    answer = await services.history.timeline(board_id, head, viewer, state, actors)
    # A replay page scrubs next: fold the whole log once in the background
    # (store/history.py), now that the page has what it opens with.
    services.history.warm(board_id, head)
    return _json(answer)


@router.post(
    "/boards/{board_id}/fork",
    status_code=201,
    response_model=CreatedBoardOut,
    responses=responses(400, 401, 403, 404, 429),
)
async def fork_board(
    board_id: str, body: ForkBody, request: Request, member: MemberDep, services: ServicesDep
) -> Any:
    """A new board with the frames, notes, groups, links, mission and agenda of the
    moment right after event `seq`: no members, no ballots, no private notes."""
    if member.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a facilitator may start a board from here.")
    # Spent by a facilitator only: a stranger's refused fork costs nobody anything.
    spend(request, "create_board", CREATE_LIMITED)
    head = await services.history.head(board_id)
    state, _ = await services.history.state_at(board_id, body.seq, head)
    mode = await services.history.strictest_anonymity(board_id, head)
    board = state.board
    assert board is not None
    created = await services.boards.restore(
        body.title or board.title, board.language, board.mission, mode, content_of(state)
    )
    return created_out(request, services, created)
