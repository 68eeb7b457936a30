"""A board's content as one value: what a fork, an import and an export carry.

Content is the structure people built — frames, public notes, groups, links, the
agenda — without members, ballots or private notes. `content_of` takes it from a
folded state; `decide_restore` checks it against the limits and the fold's
invariants and turns it into the one `board.restored` event of a new board.
"""

from typing import Any

from pydantic import BaseModel

from .commands import ContentFrame, ContentGroup, ContentLink, ContentNote, RestoreBoard
from .errors import DomainError, ErrorCode
from .events import BoardRestored
from .facilitation import Group, Link
from .state import BoardState, Frame, Note


def content_of(state: BoardState) -> RestoreBoard:
    """The shareable content of a board at some moment (private notes left out:
    until their reveal they exist for their authors only; so are notes waiting
    for approval, rejected or hidden)."""

    def fields(model: type[BaseModel], entity: BaseModel) -> dict[str, Any]:
        return entity.model_dump(include=set(model.model_fields))

    return RestoreBoard(
        frames=tuple(ContentFrame(**fields(ContentFrame, f)) for f in state.frames.values()),
        notes=tuple(
            ContentNote(**fields(ContentNote, n)) for n in state.notes.values() if n.public
        ),
        groups=tuple(ContentGroup(**fields(ContentGroup, g)) for g in state.groups.values()),
        links=tuple(ContentLink(**fields(ContentLink, k)) for k in state.links.values()),
        agenda=state.agenda,
    )


def _unique(ids: list[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise DomainError(ErrorCode.INVALID_MESSAGE, f"Two {what} have the same id.")


def decide_restore(state: BoardState, command: RestoreBoard) -> BoardRestored:
    """Content for an empty board: ids unique, references whole, no empty group."""
    if state.frames or state.notes or state.groups or state.links:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "Only an empty board can be restored into.")
    _unique([f.id for f in command.frames], "frames")
    _unique([n.id for n in command.notes], "notes")
    _unique([g.id for g in command.groups], "groups")
    _unique([link.id for link in command.links], "links")
    _unique([s.id for s in command.agenda], "steps")
    groups = {g.id for g in command.groups}
    used = {n.group_id for n in command.notes if n.group_id is not None}
    if not used <= groups:
        raise DomainError(ErrorCode.INVALID_MESSAGE, "A note is in a group that does not exist.")
    if groups - used:
        raise DomainError(ErrorCode.INVALID_MESSAGE, "A group holds no notes.")
    note_ids = {n.id for n in command.notes}
    pairs: set[tuple[str, frozenset[str]]] = set()
    for link in command.links:
        if link.from_id == link.to_id or not {link.from_id, link.to_id} <= note_ids:
            raise DomainError(ErrorCode.INVALID_MESSAGE, f"Link {link.id} has a missing end.")
        pair = (link.kind.value, frozenset((link.from_id, link.to_id)))
        if pair in pairs:
            raise DomainError(ErrorCode.INVALID_MESSAGE, "Two links join the same notes alike.")
        pairs.add(pair)
    # Frame membership is decided here, on this board, by the fold's own rule.
    placed = BoardState(frames={f.id: Frame(**f.model_dump()) for f in command.frames})
    return BoardRestored(
        frames=tuple(placed.frames.values()),
        notes=tuple(
            Note(**n.model_dump(), frame_id=placed.frame_at(n.x, n.y), author="")
            for n in command.notes
        ),
        groups=tuple(Group(id=g.id, name=g.name) for g in command.groups),
        links=tuple(Link(**link.model_dump()) for link in command.links),
        agenda=command.agenda,
    )
