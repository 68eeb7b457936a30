"""Boards, links and members: the application service behind REST and websockets.

Every change goes through the event store's writer as a command; the rows that
belong to it (the board's links, a member's credential hash) are written in the
same transaction as its event.
"""

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .access import link_token, new_id, new_link, new_token, token_hash
from .domain.boardfile import BoardFile
from .domain.commands import (
    Command,
    CreateBoard,
    EraseParticipant,
    JoinBoard,
    Mission,
    ReplaceLink,
    RestoreBoard,
)
from .domain.content import decide_restore
from .domain.errors import DomainError, ErrorCode
from .domain.policy import Actor, author_pseudonym
from .domain.state import BoardInfo, BoardState, Participant
from .domain.values import Anonymity, Language, Role, Sector
from .domain.visibility import Viewer
from .domain.voting import voter_id
from .store.erase import erase_member_rows
from .store.eventstore import Deletion, EventStore
from .store.tables import access_links, board_deletions, members
from .templates import Template

# The actor recorded for events the server makes on its own (board creation).
SYSTEM_ACTOR = Actor(member_id="system", role=Role.FACILITATOR)


def _now() -> int:
    return int(time.time() * 1000)


def _op_id(board_id: str, index: int) -> str:
    """Board creation's op ids: `create-<board>`, then one per template command."""
    return f"create-{board_id}" if index == 0 else f"template-{index}"


@dataclass(frozen=True, slots=True)
class CreatedBoard:
    board_id: str
    tokens: dict[Role, str]


@dataclass(frozen=True, slots=True)
class Joined:
    member: Participant
    credential: str


class Boards:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def create(
        self,
        title: str,
        language: Language,
        mission: Mission,
        template: Template | None = None,
    ) -> CreatedBoard:
        board_id = new_id("b")
        if template is not None:
            mission = template.mission_for(language, mission)
        create = CreateBoard(board_id=board_id, title=title, language=language, mission=mission)
        seeds = template.commands(language) if template is not None else []
        return await self._create(board_id, [create, *seeds])

    async def restore(
        self,
        title: str,
        language: Language,
        mission: Mission,
        anonymity: Anonymity,
        content: RestoreBoard,
    ) -> CreatedBoard:
        """A new board holding `content` (a fork of another board, or an import).
        Two events, `board.created` and `board.restored`; the links come with the
        second, so a refused content leaves no board anyone can open."""
        # Checked before anything is written: a refused content creates nothing.
        decide_restore(BoardState(), content)
        board_id = new_id("b")
        create = CreateBoard(
            board_id=board_id,
            title=title,
            language=language,
            mission=mission,
            anonymity=anonymity,
        )
        return await self._create(board_id, [create, content])

    async def import_file(self, document: BoardFile) -> CreatedBoard:
        board = document.board
        return await self.restore(
            board.title, board.language, board.mission, board.anonymity, document.content()
        )

    async def _create(self, board_id: str, commands: list[Command]) -> CreatedBoard:
        sealed = {role: new_link(self.store.secret) for role in Role}
        tokens = {role: token for role, (_, token) in sealed.items()}
        now = _now()
        links = [
            {
                "token_hash": token_hash(token),
                "board_id": board_id,
                "role": role.value,
                "revoked": False,
                "created_at": now,
                "nonce": nonce,
            }
            for role, (nonce, token) in sealed.items()
        ]
        # A board from a template is several commands, and the writer makes each
        # one all or nothing, not the group. What makes the group safe is the
        # access links: they are the only way onto a board (its id is unguessable
        # and nothing lists boards), and they are written in the same transaction
        # as the *last* command, after every earlier one was committed. So either
        # the whole board exists with its links, or no link ever opens the part
        # that does exist (an unreachable leftover, never a half board someone
        # sees). The commands are queued together, in order, so the writer usually
        # commits all but the last in one transaction anyway.
        *first, last = commands
        pending = [
            self.store.submit(board_id, command, SYSTEM_ACTOR, _op_id(board_id, i))
            for i, command in enumerate(first)
        ]
        for outcome in await asyncio.gather(*pending, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome
        await self.store.append(
            board_id,
            last,
            SYSTEM_ACTOR,
            _op_id(board_id, len(first)),
            extra=[(access_links, links)],
        )
        return CreatedBoard(board_id, tokens)

    async def replace_link(self, board_id: str, role: Role, actor: Actor) -> str:
        """A new token for `role`'s link; the old one stops working with the commit.

        Links are checked against `access_links` on every inspect and join, in
        every process, so revoking the row is all "at once" takes. Members who
        joined through the old link keep their own credentials."""
        nonce, token = new_link(self.store.secret)

        async def swap(conn: AsyncConnection) -> None:
            await conn.execute(
                update(access_links)
                .where(
                    access_links.c.board_id == board_id,
                    access_links.c.role == role.value,
                    access_links.c.revoked.is_(False),
                )
                .values(revoked=True)
            )
            await conn.execute(
                insert(access_links).values(
                    token_hash=token_hash(token),
                    board_id=board_id,
                    role=role.value,
                    revoked=False,
                    created_at=_now(),
                    nonce=nonce,
                )
            )

        await self.store.append(
            board_id, ReplaceLink(role=role), actor, new_id("replace"), also=[swap]
        )
        return token

    async def links(self, board_id: str) -> dict[Role, str | None]:
        """The tokens of the board's current links, unsealed (None: a link made
        before links were sealed, which can only be replaced)."""
        async with self.store.db.read.connect() as conn:
            rows = await conn.execute(
                select(access_links.c.role, access_links.c.nonce).where(
                    access_links.c.board_id == board_id, access_links.c.revoked.is_(False)
                )
            )
            found = {Role(row.role): row.nonce for row in rows}
        secret = self.store.secret
        return {
            role: None if found.get(role) is None else link_token(secret, found[role])
            for role in Role
        }

    async def inspect(self, board_id: str, link: str) -> tuple[Role, BoardInfo]:
        async with self.store.db.read.connect() as conn:
            role = (
                await conn.execute(
                    select(access_links.c.role).where(
                        access_links.c.token_hash == token_hash(link),
                        access_links.c.board_id == board_id,
                        access_links.c.revoked.is_(False),
                    )
                )
            ).scalar_one_or_none()
        if role is None:
            if await self.store.head_seq(board_id) is None:
                raise await self.missing(board_id)
            raise DomainError(ErrorCode.INVALID_LINK, "This link is not valid for this board.")
        entry = await self.store.entry(board_id)
        assert entry.state.board is not None
        return Role(role), entry.state.board

    async def join(self, board_id: str, link: str, name: str, sector: Sector) -> Joined:
        role, _ = await self.inspect(board_id, link)
        return await self.add_member(board_id, role, name, sector)

    async def add_member(self, board_id: str, role: Role, name: str, sector: Sector) -> Joined:
        """A new member with a role a valid link gave (`inspect`)."""
        member_id = new_id("m")
        credential = new_token()
        row = {
            "id": member_id,
            "board_id": board_id,
            "secret_hash": token_hash(credential),
            "role": role.value,
            "created_at": _now(),
        }
        command = JoinBoard(member_id=member_id, name=name, sector=sector, role=role)
        result = await self.store.append(
            board_id,
            command,
            Actor(member_id=member_id, role=role),
            f"join-{member_id}",
            extra=[(members, [row])],
        )
        assert result.event is not None
        entry = await self.store.entry(board_id)
        return Joined(entry.state.participants[member_id], credential)

    async def erase(self, board_id: str, member_id: str, actor: Actor) -> int:
        """Erase a member's name and credential (domain/erasure.py); the seq of
        `participant.erased`. Their sockets close (Hub.on_events)."""

        async def rewrite(conn: AsyncConnection) -> None:
            await erase_member_rows(conn, board_id, member_id)

        result = await self.store.append(
            board_id,
            EraseParticipant(member_id=member_id),
            actor,
            new_id("erase"),
            also=[rewrite],
        )
        return result.seq

    async def missing(self, board_id: str) -> DomainError:
        """Why a board is not there: deleted (410 `board_deleted`, 4410) or never
        was (404 `board_not_found`, 4004)."""
        async with self.store.db.read.connect() as conn:
            deleted = (
                await conn.execute(
                    select(board_deletions.c.board_id).where(board_deletions.c.board_id == board_id)
                )
            ).first()
        if deleted is not None:
            return DomainError(ErrorCode.BOARD_DELETED, "This board was deleted.")
        return DomainError(ErrorCode.BOARD_NOT_FOUND, "No such board.")

    async def delete(self, board_id: str, actor: Actor) -> Deletion:
        """A facilitator deletes the board; everything of it goes (EventStore.delete_board)."""
        if actor.role is not Role.FACILITATOR:
            raise DomainError(ErrorCode.FORBIDDEN, "Only facilitators delete a board.")
        return await self.store.delete_board(board_id, by="facilitator")

    def viewer(self, actor: Actor) -> Viewer:
        secret = self.store.secret
        return Viewer(
            member_id=actor.member_id,
            role=actor.role,
            voter_id_in=lambda vote_round: voter_id(secret, vote_round, actor.member_id),
            author_alias=author_pseudonym(secret, actor.member_id),
        )

    async def authenticate(self, board_id: str, credential: str) -> Actor:
        return (await self.sign_in(board_id, credential))[0]

    async def sign_in(self, board_id: str, credential: str) -> tuple[Actor, int | None]:
        """The member behind a credential, and the seq they had seen when last
        here (None: never here before)."""
        async with self.store.db.read.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        members.c.id, members.c.board_id, members.c.role, members.c.seen_seq
                    ).where(members.c.secret_hash == token_hash(credential))
                )
            ).first()
        if row is None or row.board_id != board_id:
            # Only now ask whether the board exists, so a good credential costs one
            # query. This tells nothing /access does not: any credential, valid
            # elsewhere or not, gets the same answer for the same board.
            if await self.store.head_seq(board_id) is None:
                raise await self.missing(board_id)
            raise DomainError(ErrorCode.UNAUTHORIZED, "Unknown credential for this board.")
        seen = None if row.seen_seq is None else int(row.seen_seq)
        return Actor(member_id=row.id, role=Role(row.role)), seen
