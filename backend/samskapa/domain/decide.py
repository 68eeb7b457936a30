"""`decide(state, command, actor, now) -> event body`, or a `DomainError`.

Pure: the same state, command and actor always give the same answer. The event
store calls it inside the append transaction, so a decision is always made on
the state that the event will follow.
"""

from typing import TYPE_CHECKING, assert_never, get_args

from .collection import check_contribution
from .commands import (
    CastVote,
    ChangeLimits,
    CloseRound,
    Command,
    CreateBoard,
    CreateFrame,
    CreateNote,
    DeleteFrame,
    DeleteNote,
    EditNote,
    EraseParticipant,
    FacilitationCommand,
    JoinBoard,
    ModerationCommand,
    MoveFrame,
    MoveNote,
    OpenRound,
    RecolorNote,
    ReplaceLink,
    RestoreBoard,
    SetVoteStatus,
    TidyFrame,
    UndeleteNote,
    UpdateBoard,
    UpdateFrame,
    UpdateParticipant,
    WithdrawVote,
)
from .content import decide_restore
from .decide_facilitation import decide_facilitation
from .errors import DomainError, ErrorCode
from .events import (
    BoardCreated,
    BoardUpdated,
    EventBody,
    FrameCreated,
    FrameDeleted,
    FrameMoved,
    FrameTidied,
    FrameUpdated,
    LinkReplaced,
    NoteCreated,
    NoteDeleted,
    NoteEdited,
    NoteMoved,
    NoteRecolored,
    ParticipantErased,
    ParticipantJoined,
    ParticipantUpdated,
    Place,
    VoteCast,
    VoteClosed,
    VoteLimitsChanged,
    VoteOpened,
    VoteStatusChanged,
    VoteWithdrawn,
)
from .moderation import check_note_rate, decide_moderation, need_note, new_note_status
from .placement import frame_grid, free_place, loose_grid, tidy
from .policy import Actor, author_key, authorize, is_author, may_see
from .state import BoardInfo, BoardState, Frame, Note, Participant
from .trusted import made
from .undo import decide_undelete, expected_frame, expected_note
from .values import (
    COORD_LIMIT,
    MAX_FRAMES_PER_BOARD,
    MAX_NOTES_PER_BOARD,
    Anonymity,
    Origin,
    Role,
    Sector,
    WriteMode,
)
from .voting import VoteRound, VoteStatus, results, voter_id

if TYPE_CHECKING:
    from typing_extensions import TypeIs


# Which module decides a command, by its exact class (commands are final
# classes: tests/domain/test_dispatch.py). A failed isinstance test against a
# pydantic model costs about half a microsecond; testing a note move against
# both unions took some thirty of them, for every op of a busy board.
_FACILITATION: frozenset[type] = frozenset(get_args(FacilitationCommand))
_MODERATION: frozenset[type] = frozenset(get_args(ModerationCommand))
_SERVER_ISSUED: frozenset[type] = frozenset((RestoreBoard, ReplaceLink, EraseParticipant))


def _is_facilitation(command: Command) -> "TypeIs[FacilitationCommand]":
    return type(command) in _FACILITATION


def _is_moderation(command: Command) -> "TypeIs[ModerationCommand]":
    return type(command) in _MODERATION


def _is_server_issued(command: Command) -> "TypeIs[RestoreBoard | ReplaceLink | EraseParticipant]":
    return type(command) in _SERVER_ISSUED


def _frame(state: BoardState, frame_id: str) -> Frame:
    frame = state.frames.get(frame_id)
    if frame is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Frame {frame_id} does not exist.")
    return frame


def _open_round(state: BoardState, round_id: str) -> VoteRound:
    vote_round = state.votes.rounds.get(round_id)
    if vote_round is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Vote round {round_id} does not exist.")
    if not vote_round.is_open:
        raise DomainError(ErrorCode.ROUND_CLOSED, "This vote round is closed.")
    return vote_round


def _in_scope(vote_round: VoteRound, note: Note) -> bool:
    if not note.public:
        # Not votable before the reveal or while withheld (and others do not know it).
        return False
    if vote_round.frame_id is not None and note.frame_id != vote_round.frame_id:
        return False
    return vote_round.kinds is None or note.kind in vote_round.kinds


def candidates(state: BoardState, vote_round: VoteRound) -> list[str]:
    """The notes a round is about, in board order."""
    return [n.id for n in state.notes.values() if _in_scope(vote_round, n)]


def held(note: Note) -> str | None:
    """What events about `note` carry as `withheld` (events.py): its author while
    the note is withheld from everyone else."""
    return note.author if note.withheld else None


def decide(
    state: BoardState, command: Command, actor: Actor, now: int, secret: bytes = b""
) -> EventBody:
    """`secret` keys the pseudonyms of anonymous vote rounds (voting.pseudonym)."""
    match command:
        case CreateBoard():
            if state.board is not None:
                raise DomainError(ErrorCode.ALREADY_EXISTS, "The board exists already.")
            return BoardCreated(
                board=BoardInfo(
                    id=command.board_id,
                    title=command.title,
                    language=command.language,
                    mission=command.mission,
                    created_at=now,
                    anonymity=command.anonymity,
                )
            )
        case JoinBoard():
            if command.member_id in state.participants:
                raise DomainError(ErrorCode.ALREADY_EXISTS, "This member has joined already.")
            return ParticipantJoined(
                participant=Participant(
                    id=command.member_id,
                    name=command.name,
                    sector=command.sector,
                    role=command.role,
                )
            )
        case _:
            pass

    if state.board is None:
        raise DomainError(ErrorCode.BOARD_NOT_FOUND, "The board does not exist.")
    if _is_server_issued(command):
        return _decide_server_issued(state, command, actor)
    kind = type(command)
    authorize(state, command, actor, secret)
    if kind is CreateNote or kind is EditNote or kind is UndeleteNote:
        check_contribution(state.schedules, state.current_step, actor.role, now)
    if kind is CreateNote:
        check_note_rate(state, actor, now, secret)
    if _is_facilitation(command):
        return decide_facilitation(state, command, actor, now, secret)
    if _is_moderation(command):
        return decide_moderation(state, command, actor, secret)

    match command:
        case CreateNote():
            if command.note_id in state.notes:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"Note {command.note_id} exists.")
            if len(state.notes) >= MAX_NOTES_PER_BOARD:
                raise DomainError(
                    ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_NOTES_PER_BOARD} notes."
                )
            facilitator = actor.role is Role.FACILITATOR
            # Facilitators write in the open even in a silent step (their notes
            # are the structure everyone works on).
            private = not facilitator and state.rules.write is WriteMode.PRIVATE
            if command.x is not None and command.y is not None:
                x, y = command.x, command.y
            else:
                x, y = _place(state, command.frame_id, actor, secret)
            # Built without validation (trusted.py): the command is validated, the
            # rest comes from the board's state.
            return made(
                NoteCreated,
                note=made(
                    Note,
                    id=command.note_id,
                    text=command.text,
                    x=float(x),
                    y=float(y),
                    color=command.color,
                    kind=command.kind,
                    frame_id=state.frame_at(x, y),
                    author=author_key(state, actor, secret),
                    origin=Origin.FACILITATOR if facilitator else Origin.PARTICIPANT,
                    private=private,
                    moderation=new_note_status(state, command, actor),
                ),
                private_count=state.private_count + 1 if private else None,
            )
        case EditNote():
            note = expected_note(state, command.note_id, command.expect)
            return made(
                NoteEdited,
                note_id=note.id,
                text=command.text,
                private=note.private,
                withheld=held(note),
            )
        case MoveNote():
            note = expected_note(state, command.note_id, command.expect)
            return made(
                NoteMoved,
                note_id=note.id,
                x=command.x,
                y=command.y,
                frame_id=state.frame_at(command.x, command.y),
                private=note.private,
                withheld=held(note),
            )
        case RecolorNote():
            note = expected_note(state, command.note_id, command.expect)
            return NoteRecolored(
                note_id=note.id, color=command.color, private=note.private, withheld=held(note)
            )
        case DeleteNote():
            note = expected_note(state, command.note_id, command.expect)
            return NoteDeleted(
                note_id=note.id,
                private=note.private,
                private_count=state.private_count - 1 if note.private else None,
                withheld=held(note),
            )
        case CreateFrame():
            if command.frame_id in state.frames:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"Frame {command.frame_id} exists.")
            if len(state.frames) >= MAX_FRAMES_PER_BOARD:
                raise DomainError(
                    ErrorCode.LIMIT_REACHED, f"A board holds at most {MAX_FRAMES_PER_BOARD} frames."
                )
            return FrameCreated(
                frame=Frame(
                    id=command.frame_id,
                    title=command.title,
                    prompt=command.prompt,
                    x=command.x,
                    y=command.y,
                    w=command.w,
                    h=command.h,
                )
            )
        case UndeleteNote():
            return decide_undelete(state, command)
        case UpdateFrame():
            expected_frame(state, command.frame_id, command.expect)
            return FrameUpdated(**command.model_dump(exclude={"type", "expect"}))
        case MoveFrame():
            frame = expected_frame(state, command.frame_id, command.expect)
            _check_carried(state, frame, command.x - frame.x, command.y - frame.y)
            return FrameMoved(frame_id=frame.id, x=command.x, y=command.y)
        case DeleteFrame():
            expected_frame(state, command.frame_id, command.expect)
            return FrameDeleted(frame_id=command.frame_id)
        case TidyFrame():
            frame = _frame(state, command.frame_id)
            # Private and withheld notes stay where they are: not everyone knows them.
            inside = [n for n in state.notes.values() if n.frame_id == frame.id and n.public]
            places, h = tidy(frame, inside)
            return FrameTidied(
                frame_id=frame.id,
                h=h if h != frame.h else None,
                places=tuple(Place(note_id=i, x=x, y=y) for i, x, y in places),
            )
        case UpdateBoard():
            return BoardUpdated(title=command.title, mission=command.mission)
        case UpdateParticipant():
            if actor.member_id not in state.participants:
                raise DomainError(ErrorCode.NOT_FOUND, "You have not joined this board.")
            return ParticipantUpdated(
                participant_id=actor.member_id, name=command.name, sector=command.sector
            )
        case OpenRound():
            return _decide_open(state, command, now)
        case ChangeLimits():
            vote_round = _open_round(state, command.round_id)
            _check_limits(command.budget, command.cap)
            spent = state.votes.max_spent(vote_round.id)
            marked = state.votes.max_marks(vote_round.id)
            if command.budget < spent or command.cap < marked:
                raise DomainError(
                    ErrorCode.LIMIT_TOO_LOW,
                    f"Someone has already used {spent} votes, and {marked} on one note: "
                    "the budget and the cap cannot go below that.",
                )
            return VoteLimitsChanged(round_id=vote_round.id, budget=command.budget, cap=command.cap)
        case CloseRound():
            vote_round = _open_round(state, command.round_id)
            sectors: dict[str, Sector] = {}
            for member in state.participants.values():
                sectors[voter_id(secret, vote_round, member.id)] = member.sector
            return VoteClosed(
                round_id=vote_round.id,
                closed_at=now,
                results=results(state.votes, vote_round, candidates(state, vote_round), sectors),
            )
        case CastVote() | WithdrawVote():
            return _decide_ballot(state, command, actor, secret)
        case SetVoteStatus():
            vote_round = _open_round(state, command.round_id)
            voter = voter_id(secret, vote_round, actor.member_id)
            book = state.votes
            key = f"{vote_round.id}|{voter}"
            before = book.status.get(key)
            done = book.count_status(vote_round.id, VoteStatus.DONE)
            abstained = book.count_status(vote_round.id, VoteStatus.ABSTAIN)
            done += (command.status is VoteStatus.DONE) - (before == VoteStatus.DONE)
            abstained += (command.status is VoteStatus.ABSTAIN) - (before == VoteStatus.ABSTAIN)
            return VoteStatusChanged(
                round_id=vote_round.id,
                voter=voter,
                status=command.status,
                done=done,
                abstained=abstained,
                anonymous=vote_round.anonymous,
            )
        case _:
            assert_never(command)


def _check_carried(state: BoardState, frame: Frame, dx: float, dy: float) -> None:
    """A moved frame carries its notes (apply.py): none of them may leave the board.
    Every note counts, also those the facilitator cannot see, so the answer is
    the same whatever the notes are (it names none)."""
    for note in state.notes.values():
        if note.frame_id == frame.id and not (
            abs(note.x + dx) <= COORD_LIMIT and abs(note.y + dy) <= COORD_LIMIT
        ):
            raise DomainError(
                ErrorCode.INVALID_MESSAGE,
                "The frame's notes would leave the board there: move it less far.",
            )


def _decide_server_issued(
    state: BoardState, command: RestoreBoard | ReplaceLink | EraseParticipant, actor: Actor
) -> EventBody:
    if isinstance(command, RestoreBoard):
        return decide_restore(state, command)  # server-issued, like board.create
    if isinstance(command, ReplaceLink):
        if actor.role is not Role.FACILITATOR:
            raise DomainError(ErrorCode.FORBIDDEN, "Only facilitators replace links.")
        return LinkReplaced(role=command.role)
    if actor.role is not Role.FACILITATOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only facilitators erase a member's data.")
    if command.member_id not in state.participants:
        raise DomainError(ErrorCode.NOT_FOUND, "No such member on this board.")
    return ParticipantErased(participant_id=command.member_id)


def _place(
    state: BoardState, frame_id: str | None, actor: Actor, secret: bytes
) -> tuple[float, float]:
    """A free place for a new note in `frame_id`, else in the current step's
    frame, else in the band beside all frames. Only notes the writer can see
    count as taken: a place must not tell anyone where others' private notes
    are (the reveal lays those out, placement.lay_out_revealed), nor where
    notes that wait for approval are."""
    if frame_id is not None:
        frame: Frame | None = _frame(state, frame_id)
    else:
        step = state.step
        frame = state.frames.get(step.frame_id) if step and step.frame_id else None

    def sees(note: Note) -> bool:
        mine = is_author(note, actor.member_id, secret)
        return (not note.private or mine) and (not note.withheld or may_see(actor.role, mine))

    seen = (n for n in state.notes.values() if sees(n))
    grid = frame_grid(frame) if frame is not None else loose_grid(state.frames.values())
    return free_place(grid, seen)


def _check_limits(budget: int, cap: int) -> None:
    if cap > budget:
        raise DomainError(
            ErrorCode.INVALID_MESSAGE, "The cap per note cannot be larger than the budget."
        )


def _decide_open(state: BoardState, command: OpenRound, now: int) -> VoteOpened:
    book = state.votes
    if command.round_id in book.rounds:
        raise DomainError(ErrorCode.ALREADY_EXISTS, f"Round {command.round_id} exists.")
    if book.open_round is not None:
        raise DomainError(ErrorCode.ROUND_OPEN, "Close the open vote round before opening another.")
    if command.frame_id is not None:
        _frame(state, command.frame_id)
    _check_limits(command.budget, command.cap)
    return VoteOpened(
        round=VoteRound(
            id=command.round_id,
            title=command.title,
            frame_id=command.frame_id,
            kinds=command.kinds,
            budget=command.budget,
            cap=command.cap,
            blind=command.blind,
            # On an anonymous board no round may name its voters.
            anonymous=command.anonymous or state.anonymity is not Anonymity.OFF,
            opened_at=now,
        )
    )


def _decide_ballot(
    state: BoardState, command: CastVote | WithdrawVote, actor: Actor, secret: bytes
) -> VoteCast | VoteWithdrawn:
    """Budget and cap are checked here, inside the append: concurrent clicks from
    many clients are decided one after another on the state each one follows."""
    vote_round = _open_round(state, command.round_id)
    note = need_note(state, command.note_id)
    if not _in_scope(vote_round, note):
        raise DomainError(ErrorCode.NOT_IN_ROUND, "This note is not part of the vote round.")
    book = state.votes
    voter = voter_id(secret, vote_round, actor.member_id)
    spent = book.spent_by(vote_round.id, voter)
    marked = book.marks_of(vote_round.id, voter, note.id)
    voters, total = book.voters(vote_round.id), book.total(vote_round.id)
    if isinstance(command, CastVote):
        if spent >= vote_round.budget:
            raise DomainError(
                ErrorCode.BUDGET_SPENT, f"You have used all {vote_round.budget} of your votes."
            )
        if marked >= vote_round.cap:
            raise DomainError(ErrorCode.CAP_REACHED, f"At most {vote_round.cap} votes on one note.")
        return VoteCast(
            round_id=vote_round.id,
            note_id=note.id,
            voter=voter,
            voters=voters + (spent == 0),
            total=total + 1,
            blind=vote_round.blind,
            anonymous=vote_round.anonymous,
        )
    if marked == 0:
        raise DomainError(ErrorCode.NOT_FOUND, "You have no vote on this note to take back.")
    return VoteWithdrawn(
        round_id=vote_round.id,
        note_id=note.id,
        voter=voter,
        voters=voters - (spent == 1),
        total=total - 1,
        blind=vote_round.blind,
        anonymous=vote_round.anonymous,
    )
