from typing import Any

from samskapa.domain.apply import apply
from samskapa.domain.commands import Command, CreateBoard, JoinBoard, client_command_adapter
from samskapa.domain.decide import decide
from samskapa.domain.events import StoredEvent
from samskapa.domain.policy import Actor, author_pseudonym
from samskapa.domain.state import BoardState
from samskapa.domain.values import Role
from samskapa.domain.visibility import Viewer, recorded_actor
from samskapa.domain.voting import voter_id

SECRET = b"test-secret"
FACILITATOR = Actor("m_fac", Role.FACILITATOR)
PARTICIPANT = Actor("m_par", Role.PARTICIPANT)
OTHER = Actor("m_oth", Role.PARTICIPANT)
OBSERVER = Actor("m_obs", Role.OBSERVER)


class Board:
    """A board in memory: decide + apply, keeping the log like the store does."""

    def __init__(self) -> None:
        self.state = BoardState()
        self.log: list[StoredEvent] = []
        self.run(CreateBoard(board_id="b_1", title="Board"), FACILITATOR)
        for actor in (FACILITATOR, PARTICIPANT, OTHER, OBSERVER):
            self.run(
                JoinBoard(member_id=actor.member_id, name=actor.member_id, role=actor.role), actor
            )

    def run(self, command: Command | dict[str, Any], actor: Actor) -> StoredEvent:
        if isinstance(command, dict):
            command = client_command_adapter.validate_python(command)
        body = decide(self.state, command, actor, 1000 + len(self.log), SECRET)
        author = recorded_actor(self.state, body, actor, SECRET)
        event = StoredEvent(
            self.state.seq + 1, 1000 + len(self.log), author, f"op{len(self.log)}", body
        )
        apply(self.state, event)
        self.log.append(event)
        return event


def viewer(actor: Actor) -> Viewer:
    """How the server sees `actor` as a viewer (service.Boards.viewer)."""
    return Viewer(
        member_id=actor.member_id,
        role=actor.role,
        voter_id_in=lambda r: voter_id(SECRET, r, actor.member_id),
        author_alias=author_pseudonym(SECRET, actor.member_id),
    )
