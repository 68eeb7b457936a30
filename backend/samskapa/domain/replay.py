"""Replay: the board as a viewer could see it at some `seq`, and the session's timeline.

Pure. The state at `seq` is the same fold as live (`apply`); this module only
decides what of it a viewer gets, with two rules beyond the live ones
(docs/replay.md):

- **The strictest anonymity the board ever had** holds for the whole history: a
  board made anonymous later shows no earlier authors, names or named ballots.
- **What a facilitator has hidden stays hidden**: a note hidden now (and not
  restored) shows everyone but its author and facilitators no text at any moment,
  also from before it was hidden — only a blank note marked hidden where it stood.
- Everything else is as it was live at that moment: someone else's private note
  is a count until its reveal, a note waiting for approval exists only for its
  author and facilitators, a blind round's totals stay hidden while it was
  open, anonymous ballots are never linked to anyone.

The timeline lists the moments a replay page steps through (`changes`), the
markers a facilitator jumps between, and per-minute activity by actor sector,
counts only, with small sectors folded together as vote results do.
"""

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .events import (
    BoardRestored,
    NoteApproved,
    NoteCreated,
    NoteEdited,
    NoteRestored,
    NotesRevealed,
    StoredEvent,
    parse_body,
)
from .policy import author_pseudonym
from .state import BoardState
from .values import ANONYMITY_STRENGTH, Anonymity, Moderation, Role, Sector
from .visibility import (
    Viewer,
    moderates,
    own_notes,
    own_votes,
    project,
    sees_authors_under,
    shared_state,
    shown_as_stored,
    variant,
)
from .voting import Dump, dump_entity, suppressed_segments, voter_id

# A stretch without any event at least this long is a "quiet" marker, which the
# replay page skips instead of playing it in real time.
QUIET_MS = 120_000
MINUTE_MS = 60_000
# The activity bucket of sectors too small to show on their own (k-suppression).
FEW = "few"

# Events about a note that someone else must not see while it is private.
_NOTE_EVENTS = frozenset(
    {"note.edited", "note.moved", "note.recolored", "note.kind_changed", "note.deleted"}
)
CONTRIBUTIONS = frozenset({"note.created", "note.edited", "group.created", "link.created"})

LABELS: dict[str, dict[str, str]] = {
    "reveal": {"sv": "Lapparna visades", "en": "Notes revealed"},
    "vote_opened": {"sv": "Röstning öppnad", "en": "Vote opened"},
    "vote_closed": {"sv": "Röstning stängd", "en": "Vote closed"},
    "timer_started": {"sv": "Timer startad", "en": "Timer started"},
    "quiet": {"sv": "Tyst period", "en": "Quiet stretch"},
    "no_step": {"sv": "Inget steg", "en": "No step"},
}
SECTOR_LABELS: dict[str, dict[str, str]] = {
    Sector.PUBLIC: {"sv": "Offentlig sektor", "en": "Public sector"},
    Sector.BUSINESS: {"sv": "Näringsliv", "en": "Business"},
    Sector.ACADEMIA: {"sv": "Akademi", "en": "Academia"},
    Sector.CIVIL_SOCIETY: {"sv": "Civilsamhälle", "en": "Civil society"},
    Sector.CITIZEN: {"sv": "Medborgare", "en": "Citizen"},
    Sector.OTHER: {"sv": "Annan", "en": "Other"},
}


def strictest(modes: Iterable[Anonymity]) -> Anonymity:
    return max(modes, key=ANONYMITY_STRENGTH.__getitem__, default=Anonymity.OFF)


class Dumps:
    """The JSON form of immutable entities, remembered for the entities of the
    states a replay keeps for long (its checkpoints): the states it folds share
    most of their notes, frames and vote rounds with one of them, and dumping
    those again for every answer was most of an answer's cost. Other entities
    (those of one answer's fold) are dumped afresh and not kept, so that many
    answers do not pile up dumps. An entry holds its entity, so the id it is kept
    under cannot be reused while it is here; callers must not change a dump."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[BaseModel, dict[str, Any]]] = {}

    def __len__(self) -> int:
        return len(self._known)

    def remember(self, entities: Iterable[BaseModel]) -> None:
        known = self._known
        for entity in entities:
            hit = known.get(id(entity))
            if hit is None or hit[0] is not entity:
                known[id(entity)] = (entity, entity.model_dump(mode="json"))

    def __call__(self, entity: BaseModel) -> dict[str, Any]:
        hit = self._known.get(id(entity))
        if hit is not None and hit[0] is entity:
            return hit[1]
        return entity.model_dump(mode="json")


def entities_of(state: BoardState) -> Iterator[BaseModel]:
    """Every entity `BoardState.to_json` dumps."""
    if state.board is not None:
        yield state.board
    yield from state.participants.values()
    yield from state.frames.values()
    yield from state.notes.values()
    yield from state.groups.values()
    yield from state.links.values()
    yield from state.agenda
    yield from state.votes.rounds.values()
    yield from state.schedules.values()
    yield state.timer
    yield state.attention


def taken_down_for(head: BoardState, viewer: Viewer) -> frozenset[str]:
    """The notes hidden now whose text replay keeps from `viewer` at every moment:
    all of them but the viewer's own, none for facilitators."""
    if moderates(viewer) or not head.taken_down:
        return frozenset()
    return frozenset(
        note_id
        for note_id in head.taken_down
        if not (note_id in head.notes and viewer.is_me(head.notes[note_id].author))
    )


def _blank(note: dict[str, Any]) -> dict[str, Any]:
    return {**note, "text": "", "moderation": Moderation.HIDDEN.value, "reason": ""}


def replay_view(
    state: BoardState,
    viewer: Viewer,
    mode: Anonymity,
    dump: Dump = dump_entity,
    taken_down: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The board at `state.seq` as `viewer` may see it under anonymity `mode` (the
    strictest the board ever had): `{state, own_notes, own_votes}`, the same
    format as the live snapshot. `taken_down` (`taken_down_for` the head) are
    shown blank."""
    authors = sees_authors_under(mode, viewer)
    shared = shared_state(state, authors, dump, moderator=moderates(viewer))
    if taken_down:
        shared["notes"] = {
            k: _blank(v) if k in taken_down else v for k, v in shared["notes"].items()
        }
    if not authors:
        # Names are what anonymity protects: a record of the session keeps roles
        # and sectors, and a named round's ballots lose their names.
        shared["participants"] = {k: {**v, "name": ""} for k, v in shared["participants"].items()}
        shared["votes"]["named"] = {}
        shared["votes"]["named_status"] = {}
    return {
        "state": shared,
        "own_notes": own_notes(state, viewer, authors),
        "own_votes": own_votes(state, viewer),
    }


def record_event(
    event: StoredEvent, head: BoardState, viewer: Viewer, mode: Anonymity
) -> dict[str, Any]:
    """One event of the log as `viewer` may see it in replay (`GET /events`, and
    the log in an export): the live projection under the strictest anonymity
    `mode`, without actors and names where that mode hides authors (joins,
    renames, named ballots)."""
    authors = sees_authors_under(mode, viewer)
    wire = project(event, variant(head, event, viewer, authors), viewer)
    gone = taken_down_for(head, viewer)
    if gone:
        _blank_taken_down(event, wire, gone)
    if not authors:
        # Not even one's own events keep an actor: a named round's own ballot
        # would otherwise name the voter where the strictest mode hides names.
        wire["actor"] = ""
        data = wire["data"]
        if wire["type"] == "participant.joined":
            data["participant"] = {**data["participant"], "name": ""}
        elif "name" in data and wire["type"] == "participant.updated":
            data["name"] = ""
        data.pop("voter", None)
    return wire


def _blank_taken_down(event: StoredEvent, wire: dict[str, Any], gone: frozenset[str]) -> None:
    """Blank the text of hidden notes in the events that carry it."""
    body, data = event.body, wire["data"]
    if isinstance(body, NoteCreated | NoteApproved | NoteRestored) and "note" in data:
        if data["note"]["id"] in gone:
            data["note"] = _blank(data["note"])
    elif isinstance(body, NoteEdited) and data.get("note_id") in gone:
        data["text"] = ""
    elif isinstance(body, NotesRevealed | BoardRestored) and "notes" in data:
        data["notes"] = [_blank(n) if n["id"] in gone else n for n in data["notes"]]


def record_rows(
    rows: Iterable["Row"], head: BoardState, viewer: Viewer, mode: Anonymity
) -> list[dict[str, Any]]:
    """`record_event` for every row of the log, read as stored (`Row`, with its
    `op_id`). An event the viewer gets as stored keeps its stored data; only
    the others are parsed back into their model to be projected: on a long log
    parsing every event was most of an export's time."""
    authors = sees_authors_under(mode, viewer)
    # Notes hidden now are blanked in every event about them (record_event).
    as_stored = not taken_down_for(head, viewer)
    out: list[dict[str, Any]] = []
    for row in rows:
        if as_stored and shown_as_stored(row.type, row.data, authors):
            wire = {"seq": row.seq, "type": row.type, "at": row.at, "actor": row.actor}
            out.append({**wire, "op_id": row.op_id, "data": dict(row.data)})
        else:
            body = parse_body(row.type, dict(row.data))
            event = StoredEvent(row.seq, row.at, row.actor, row.op_id, body)
            out.append(record_event(event, head, viewer, mode))
    return out


@dataclass(frozen=True, slots=True)
class Row:
    """An event as the timeline needs it: no body model, only its JSON data."""

    seq: int
    at: int
    actor: str
    type: str
    data: Mapping[str, Any]
    op_id: str = ""


def _hidden(row: Row, viewer: Viewer) -> str | None:
    """What of a row the viewer may not see: someone else's private note
    ("private": they saw a count), or a withheld note or a flag ("withheld":
    they saw a seq, nothing more)."""
    data = row.data
    if row.type == "note.created":
        note = data["note"]
        private = bool(note.get("private"))
        held = (
            note["author"] if note.get("moderation", Moderation.PUBLISHED) != "published" else None
        )
    else:
        private = row.type in _NOTE_EVENTS and bool(data.get("private"))
        held = data.get("withheld") if row.type in _NOTE_EVENTS else None
        if row.type == "note.rejected":
            held = data["author"]
    if private and not viewer.is_me(row.actor):
        return "private"
    if row.type == "note.flagged" and not (moderates(viewer) or viewer.is_me(data["member"])):
        return "withheld"
    if held is not None and not viewer.sees_withheld(held):
        return "withheld"
    return None


def _is_change(row: Row, viewer: Viewer, hidden: str | None) -> bool:
    if row.type == "attention.summoned":
        return False  # moves live views; changes nothing on the board
    if hidden == "private":
        return "private_count" in row.data  # the count changed, nothing else did
    return hidden is None


def activity_buckets(head: BoardState) -> dict[str, str]:
    """Actor sector bucket per member: its sector, or FEW for sectors with too
    few members to show on their own (the k-suppression of vote results)."""
    sizes = dict.fromkeys(Sector, 0)
    for member in head.participants.values():
        if member.role is not Role.OBSERVER:
            sizes[member.sector] += 1
    hidden = suppressed_segments(sizes)
    return {
        member.id: FEW if member.sector in hidden else member.sector.value
        for member in head.participants.values()
    }


def members_by_actor(head: BoardState, secret: bytes) -> dict[str, str]:
    """Every form a member takes as an event's actor (member id, author pseudonym,
    voter pseudonym per round) -> the member. Server-side only: with it the
    timeline counts anonymous work by sector without naming anyone."""
    out: dict[str, str] = {}
    rounds = list(head.votes.rounds.values())
    for member_id in head.participants:
        out[member_id] = member_id
        out[author_pseudonym(secret, member_id)] = member_id
        for vote_round in rounds:
            out[voter_id(secret, vote_round, member_id)] = member_id
    return out


def timeline(
    rows: Iterable[Row],
    viewer: Viewer,
    head: BoardState,
    member_of_actor: Mapping[str, str],
) -> dict[str, Any]:
    """Changes, markers and activity for the replay page.

    `member_of_actor` maps every form an actor takes in the log (member id,
    author pseudonym, voter pseudonyms) to the member; only the server can
    build it, and nothing of it leaves here but counts per sector bucket.
    """
    fold = TimelineFold()
    fold.extend(rows, viewer)
    return fold.result(head, member_of_actor)


class TimelineFold:
    """The timeline of the log up to `seq` as one viewer may see it, kept so that
    it can be extended with the events that came since (`extend`) instead of
    read and folded again from the first: on a long log that was seconds of the
    server's time per replay page opened.

    What depends on the head (the sector buckets, the actors' members, step
    titles never seen in the log) is applied only by `result`, so a fold stays
    right however the board changed after its rows. The changes' seqs and
    instants are kept as machine integers (16 bytes a change, a fraction of a
    list of Python lists)."""

    __slots__ = (
        "_activity",
        "_ats",
        "_first",
        "_joined",
        "_last",
        "_markers",
        "_seqs",
        "_steps",
        "seq",
    )

    def __init__(self) -> None:
        self.seq = 0  # the last event folded in
        self._first: tuple[int, int] | None = None  # (seq, at)
        self._last: tuple[int, int] | None = None
        # Step titles as they were at each moment (agenda.changed); a step the
        # log never named takes its title at the head (`result`).
        self._steps: dict[str, str] = {}
        self._joined: set[str] = set()
        self._seqs = array("q")
        self._ats = array("q")
        self._markers: list[dict[str, Any]] = []
        # (minute, actor) -> [contributions, votes]; bucketed by sector in `result`.
        self._activity: dict[tuple[int, str], list[int]] = {}

    def extend(self, rows: Iterable[Row], viewer: Viewer) -> None:
        """Fold in the rows after `seq`, in order (rows at or before it are
        skipped, so a fold read twice over the same stretch is still right).
        Always the same viewer: what it may see decides what is a change."""
        for row in rows:
            if row.seq <= self.seq:
                continue
            self.seq = row.seq
            if self._first is None:
                self._first = (row.seq, row.at)
            last = self._last
            if last is not None and row.at - last[1] >= QUIET_MS:
                self._markers.append(
                    {
                        "seq": last[0],
                        "at": last[1],
                        "kind": "quiet",
                        "until_seq": row.seq,
                        "until": row.at,
                        "label": LABELS["quiet"],
                    }
                )
            self._last = (row.seq, row.at)
            hidden = _hidden(row, viewer)
            if _is_change(row, viewer, hidden):
                self._seqs.append(row.seq)
                self._ats.append(row.at)
            marker = _marker(row, self._steps, self._joined)
            if marker is not None:
                self._markers.append(marker)
            votes = row.type == "vote.cast"
            # A deletion undone (`restored`) is no new contribution.
            contributes = row.type in CONTRIBUTIONS and not row.data.get("restored")
            if (votes or contributes) and hidden != "withheld":
                key = (row.at // MINUTE_MS * MINUTE_MS, row.actor)
                counts = self._activity.setdefault(key, [0, 0])
                counts[1 if votes else 0] += 1

    def result(self, head: BoardState, member_of_actor: Mapping[str, str]) -> dict[str, Any]:
        """The timeline (`GET …/timeline`) with the sector buckets of `head`."""
        buckets = activity_buckets(head)
        titles = {s.id: s.title for s in head.agenda}
        activity: dict[tuple[int, str], list[int]] = {}
        for (minute, actor), (c, v) in self._activity.items():
            member = member_of_actor.get(actor)
            bucket = buckets.get(member) if member is not None else None
            if bucket is not None:
                counts = activity.setdefault((minute, bucket), [0, 0])
                counts[0] += c
                counts[1] += v
        markers = [
            {**m, "label": titles.get(m["step_id"], m["step_id"])}
            if m["kind"] == "step" and m["label"] is None
            else m
            for m in self._markers
        ]
        first, last = self._first, self._last
        return {
            "first_seq": first[0] if first else 0,
            "last_seq": last[0] if last else 0,
            "start_at": first[1] if first else 0,
            "end_at": last[1] if last else 0,
            "changes": [[s, a] for s, a in zip(self._seqs, self._ats, strict=True)],
            "markers": markers,
            "activity": [
                {"minute_at": minute, "sector": bucket, "contributions": c, "votes": v}
                for (minute, bucket), (c, v) in sorted(activity.items())
            ],
        }


def _marker(row: Row, steps: dict[str, str], joined: set[str]) -> dict[str, Any] | None:
    data = row.data
    kind: str
    label: Any
    extra: dict[str, Any] = {}
    match row.type:
        case "agenda.changed":
            # Titles as they were then (a step renamed later keeps its old name here).
            steps.update({s["id"]: s["title"] for s in data["steps"]})
            return None
        case "agenda.step_changed":
            kind = "step"
            step_id = data.get("step_id")
            # None: a step the log never named, titled as at the head (TimelineFold.result).
            label = steps.get(step_id) if step_id is not None else LABELS["no_step"]
            extra["step_id"] = step_id
        case "notes.revealed":
            kind, label = "reveal", LABELS["reveal"]
        case "vote.opened":
            kind = "vote_opened"
            label = data["round"]["title"] or LABELS[kind]
            extra["round_id"] = data["round"]["id"]
        case "vote.closed":
            kind, label = "vote_closed", LABELS["vote_closed"]
            extra["round_id"] = data["round_id"]
        case "timer.changed" if data.get("action") == "started":
            kind, label = "timer_started", LABELS["timer_started"]
            extra["duration_ms"] = data["timer"]["duration_ms"]
        case "participant.joined":
            member = data["participant"]
            sector = member["sector"]
            if member["role"] == Role.OBSERVER or sector in joined:
                return None
            joined.add(sector)
            kind, label = "sector_joined", SECTOR_LABELS[Sector(sector)]
            extra["sector"] = sector
        case _:
            return None
    return {"seq": row.seq, "at": row.at, "kind": kind, "label": label, **extra}
