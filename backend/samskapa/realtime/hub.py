"""The hub: which connections watch which board, and the fan-out to them.

The event store calls `on_events` after each commit with a board's new events in
`seq` order. Each event is encoded once (per audience) and appended to every
watcher's outbox; the board's flush pass then sends each connection what piled
up as one frame. Nothing here awaits a client.

Frames are paced per board by what they cost: after a pass that took `t`
seconds, the next waits `t * (1 - share) / share` (at most
`max_frame_interval`), so one board's passes take at most `fanout_share` of the
core. A pass that answered one client (a pong, an ack, an error) holds nobody
up; a pass to a thousand clients lets the next one gather what arrives in the
meantime. The measure is the pass's own time, not a count of frames: on a fast
machine (or with cheap frames) a big board's events wait only as long as a pass
takes, and on a slow or busy one the pause grows by itself.
"""

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from .. import metrics
from ..domain.erasure import erased_members
from ..domain.events import StoredEvent, VoteCast, VoteStatusChanged, VoteWithdrawn
from ..domain.state import BoardState, Participant
from ..domain.visibility import (
    OTHERS,
    Viewer,
    is_public,
    moderates,
    own_notes,
    own_votes,
    per_viewer,
    project,
    sees_authors,
    shared_state,
    variant,
)
from .connection import Connection, flush_soon
from .cursors import MOVES_PER_SECOND, TICK_SECONDS, CursorField, cursor_every_ticks
from .frames import FrameCache, RoomRuns
from .presence import ANNOUNCE_SECONDS, Presence
from .protocol import CloseCode, encode, encode_event

log = logging.getLogger(__name__)

# Events whose projections differ only between the voter and everyone else.
_PER_VOTER: frozenset[type] = frozenset((VoteCast, VoteWithdrawn, VoteStatusChanged))

# Silent connections are looked for every second.
SWEEP_EVERY_TICKS = 10


@dataclass(slots=True)
class Room:
    board_id: str
    connections: set[Connection] = field(default_factory=set)
    presence: Presence = field(default_factory=Presence)
    # What every connection of the board gets, kept once until the pass
    # (frames.RoomRuns): a commit appends here, not to every outbox.
    runs: RoomRuns = field(default_factory=RoomRuns)
    # Connections with something of their own to send, and the pass that will
    # send it (to them, and to everyone when there are runs).
    dirty: list[Connection] = field(default_factory=list)
    flush_at: asyncio.TimerHandle | asyncio.Handle | None = None
    # What every connection of the room calls when messages start to pile up:
    # one function per room, not one per connection.
    on_pending: Callable[[Connection], None] = flush_soon
    # When the next pass may run (loop time), from how long the last one took.
    next_flush: float = 0.0
    cursors: CursorField = field(default_factory=CursorField)
    # Pointers go out (and come in) every this many ticks (cursors.py).
    cursor_every: int = 1
    # Facilitators' viewports that changed since the last tick ("follow me").
    leader_views: dict[str, bytes] = field(default_factory=dict)
    # Someone came or went since the last tick (Hub.tick announces it).
    announce_due: bool = False
    # The last full-state encodings (with and without authors, for facilitators
    # who see withheld notes or not), reused by every reset at the same seq
    # (after a restart hundreds of clients ask for one).
    snapshot_seq: int = -1
    snapshot_bytes: dict[tuple[bool, bool], bytes] = field(default_factory=dict)
    # Connections by their voter id, per vote round (Hub._push_vote); rebuilt
    # after anyone joins or leaves.
    voters: dict[str, dict[str, list[Connection]]] = field(default_factory=dict)

    def broadcast(self, message: bytes, skip: Connection | None = None) -> None:
        for conn in self.connections:
            if conn is not skip:
                conn.push(message)


class Hub:
    def __init__(
        self,
        on_open: Callable[[str], None] | None = None,
        on_close: Callable[[str], None] | None = None,
        relay: Callable[[str, bytes], None] | None = None,
        heartbeat_timeout: float = 45.0,
        fanout_share: float = 0.5,
        max_frame_interval: float = 0.05,
        cursor_moves_per_second: float = MOVES_PER_SECOND,
    ) -> None:
        # Told when this process starts and stops watching a board (the broker
        # subscribes to that board's doorbells).
        self._on_open = on_open
        self._on_close = on_close
        # Sends this process's ephemeral traffic (cursor moves: b"c" + payload,
        # presence: b"p" + payload, facilitator viewports: b"v" + message) to the
        # other processes (broker).
        self._relay = relay
        self._ticker: asyncio.Task[None] | None = None
        self.heartbeat_timeout = heartbeat_timeout
        # Seconds of pause per second a pass took (fanout_share of the core).
        self._pause_per_pass_second = (1 - fanout_share) / fanout_share
        self.max_frame_interval = max_frame_interval
        self.cursor_moves_per_second = cursor_moves_per_second
        self.rooms: dict[str, Room] = {}
        self._ticks = 0
        # Boards whose pass is due now, and the one callback that runs them all:
        # a group commit touches many boards (one connection per board: nearly
        # every op on a board of its own), and one wake-up for all of them costs
        # less than one scheduled callback per board.
        self._due: list[Room] = []
        self._due_pass: asyncio.Handle | None = None
        # Frame sizes of a flush pass, added to their histogram once per pass.
        self._frames = metrics.frame_tally()

    def on_events(self, board_id: str, events: list[StoredEvent], state: BoardState) -> None:
        room = self.rooms.get(board_id)
        if room is None or not room.connections:
            return
        public = [is_public(state, ev) for ev in events]
        if all(public):
            # The common case: one encoding per event for everyone, kept once
            # for the board as one run; the pass gives it to every connection
            # (and builds one frame for all who have nothing else pending).
            self._publish(room, tuple(encode_event(ev) for ev in events))
        else:
            connections = list(room.connections)
            run: list[bytes] = []
            for ev, shared in zip(events, public, strict=True):
                if shared:
                    run.append(encode_event(ev))
                    continue
                if run:
                    # The public events before this one, still as one shared
                    # run; each connection takes it before its projection.
                    self._publish(room, tuple(run))
                    run = []
                if type(ev.body) not in _PER_VOTER or not self._push_vote(
                    room, connections, state, ev
                ):
                    self._push_projected(connections, state, ev)
            if run:
                self._publish(room, tuple(run))
        metrics.DELIVERIES.inc(len(events) * len(room.connections))
        for member_id in erased_members(events):
            # Their credential is gone: their sockets close after this event,
            # and their name leaves who-is-online (here and in what other
            # processes announce).
            for conn in list(room.connections):
                if conn.actor is not None and conn.actor.member_id == member_id:
                    conn.close(CloseCode.UNAUTHORIZED, "this member's data was erased")
            room.presence.forget(member_id)
            room.announce_due = True

    def _publish(self, room: Room, run: tuple[bytes, ...]) -> None:
        """A run for every connection now on the board, and the pass due."""
        room.runs.append(run)
        if room.flush_at is None:
            self._schedule(room)

    @staticmethod
    def _push_projected(connections: list[Connection], state: BoardState, ev: StoredEvent) -> None:
        """One encoding per variant (the member's own view, everyone else's...),
        unless the projection is personal within it."""
        by_variant: dict[str, bytes] = {}
        for conn in connections:
            assert conn.viewer is not None
            which = variant(state, ev, conn.viewer)
            projected = by_variant.get(which)
            if projected is None:
                projected = orjson.dumps(project(ev, which, conn.viewer))
                if not per_viewer(ev, which):
                    by_variant[which] = projected
            conn.push(projected)

    def _push_vote(
        self, room: Room, connections: list[Connection], state: BoardState, ev: StoredEvent
    ) -> bool:
        """A vote event: the voter's own connections get their variant, everyone
        else one shared encoding. The domain still decides every projection
        (`variant`, `project`); the room's index of voter ids only spares asking
        it once per connection, which for a blind round on a board of thousands
        was a good part of each commit. False (nothing pushed): not the shape
        this relies on, let the general path do it."""
        body: Any = ev.body
        vote_round = state.votes.rounds.get(body.round_id)
        if vote_round is None:
            return False
        voters = room.voters.get(vote_round.id)
        if voters is None:
            voters = room.voters[vote_round.id] = {}
            for conn in room.connections:
                if conn.viewer is not None:
                    voters.setdefault(conn.viewer.voter_id(vote_round), []).append(conn)
        mine = set(voters.get(body.voter, ()))
        others: bytes | None = None
        for conn in connections:
            if conn in mine or conn.viewer is None:
                continue
            which = variant(state, ev, conn.viewer)
            if which != OTHERS or per_viewer(ev, which):
                return False
            others = orjson.dumps(project(ev, which, conn.viewer))
            break
        for conn in connections:
            if conn in mine:
                assert conn.viewer is not None
                which = variant(state, ev, conn.viewer)
                conn.push(orjson.dumps(project(ev, which, conn.viewer)))
            elif others is not None:
                conn.push(others)
        return True

    def snapshot(self, board_id: str, state: BoardState, viewer: Viewer) -> list[bytes]:
        """A reset for one viewer: the shared state (encoded once per seq) and
        the viewer's own votes."""
        room = self.rooms[board_id]
        if room.snapshot_seq != state.seq:
            room.snapshot_bytes.clear()
            room.snapshot_seq = state.seq
        authors = sees_authors(state, viewer)
        moderator = moderates(viewer)
        shared = room.snapshot_bytes.get((authors, moderator))
        if shared is None:
            shared = room.snapshot_bytes[(authors, moderator)] = encode(
                {
                    "type": "snapshot",
                    "seq": state.seq,
                    "state": shared_state(state, authors, moderator=moderator),
                }
            )
        votes = encode({"type": "own_votes", "seq": state.seq, **own_votes(state, viewer)})
        notes = encode({"type": "own_notes", "seq": state.seq, **own_notes(state, viewer)})
        return [shared, votes, notes]

    @staticmethod
    def project_missed(events: list[StoredEvent], state: BoardState, viewer: Viewer) -> list[bytes]:
        return [orjson.dumps(project(ev, variant(state, ev, viewer), viewer)) for ev in events]

    def join(self, conn: Connection, member: Participant) -> list[dict[str, Any]]:
        """Register a live connection; returns who is online (the member too)."""
        room = self.rooms.get(conn.board_id)
        if room is None:
            room = self.rooms[conn.board_id] = Room(conn.board_id)
            room.on_pending = self._flusher(room)
            if self._on_open is not None:
                self._on_open(conn.board_id)
        room.connections.add(conn)
        room.voters.clear()
        conn.on_pending = room.on_pending
        conn.attach(room.runs)
        if conn.queued:
            room.dirty.append(conn)  # what was queued before it joined
            self._schedule(room)
        room.presence.join_local(member.model_dump(mode="json"))
        # Announced with the next tick: when hundreds open the link at once, one
        # message per tick to everyone instead of one per arrival (N² frames).
        room.announce_due = True
        return list(room.presence.union().values())

    def leave(self, conn: Connection) -> None:
        room = self.rooms.get(conn.board_id)
        if room is None or conn not in room.connections:
            return
        room.connections.discard(conn)
        room.voters.clear()
        # What the board published while it was on it still reaches it (the
        # board's pass, or the connection's last flush when it closes).
        conn.detach()
        conn.on_pending = flush_soon
        if conn.evicted:
            metrics.EVICTIONS.inc()
        if conn.member is not None:
            room.presence.leave_local(conn.member.id)
            room.announce_due = True
            room.cursors.forget(conn.member.id)
        if not room.connections:
            del self.rooms[conn.board_id]
            if self._relay is not None:
                # Tell the other processes at once that nobody here watches it.
                self._relay(conn.board_id, b"p" + room.presence.local_payload())
            if self._on_close is not None:
                self._on_close(conn.board_id)

    def _flusher(self, room: Room) -> Callable[[Connection], None]:
        def pending(conn: Connection) -> None:
            room.dirty.append(conn)
            if room.flush_at is None:
                self._schedule(room)

        return pending

    def _schedule(self, room: Room) -> None:
        if room.flush_at is not None:
            return
        loop = asyncio.get_running_loop()
        due = room.next_flush
        if due <= loop.time():
            # With every other board due now, on the next loop turn.
            self._due.append(room)
            if self._due_pass is None:
                self._due_pass = loop.call_soon(self._flush_due)
            room.flush_at = self._due_pass
        else:
            room.flush_at = loop.call_at(due, self._flush, room)

    def _flush_due(self) -> None:
        """The pass of every board that was due at once, one after the other
        (each still timed and paced on its own)."""
        rooms, self._due = self._due, []
        self._due_pass = None
        for room in rooms:
            try:
                self._flush(room)
            except Exception:  # one board's failure must not leave the others unflushed
                room.flush_at = None
                log.exception("flush pass failed on board %s", room.board_id)

    def _flush(self, room: Room) -> None:
        """One pass over the board: every connection with something pending gets
        one frame, sent right here (Connection.flush). When the board published
        runs since the last pass, that is every connection on it."""
        started = time.perf_counter()
        room.flush_at = None
        dirty, room.dirty = room.dirty, []
        frames = self._frames
        # Equal frames are built once per pass and written to every socket.
        cache = FrameCache()
        runs = room.runs
        order: Iterable[Connection] = dirty
        shared = -1
        if runs.runs:
            # Everyone on the board first (this takes the runs), then those
            # marked that have left it since. Most send the board's one frame:
            # its size goes to the tally once, with their number.
            members = room.connections
            order = itertools.chain(members, [conn for conn in dirty if conn not in members])
            shared = runs.frame().size
        same = 0
        for conn in order:
            try:
                size = conn.flush(cache)
            except Exception:
                log.exception("flush failed on board %s", room.board_id)
                continue
            if size == shared:
                same += 1
            elif size:
                frames.add(size)
        if same:
            frames.add(shared, same)
        if runs.runs:
            runs.clear()
        frames.commit()
        spent = time.perf_counter() - started
        metrics.FANOUT_PASS_SECONDS.observe(spent)
        pause = min(self.max_frame_interval, spent * self._pause_per_pass_second)
        room.next_flush = asyncio.get_running_loop().time() + pause

    def _announce(self, room: Room) -> None:
        """Tell this process's clients who appeared or went since last time."""
        joined, left = room.presence.changes()
        if joined or left:
            room.broadcast(encode({"type": "presence", "joined": joined, "left": left}))

    def move_cursor(self, conn: Connection, x: float, y: float) -> None:
        room = self.rooms.get(conn.board_id)
        if room is not None and conn.member is not None:
            room.cursors.move(conn.member.id, x, y)

    def move_view(self, conn: Connection, x: float, y: float, w: float, h: float) -> None:
        """A facilitator's viewport: everyone may be asked to follow it."""
        room = self.rooms.get(conn.board_id)
        if room is not None and conn.member is not None:
            member_id = conn.member.id
            message = {"type": "leader_view", "member_id": member_id, "x": x, "y": y}
            room.leader_views[member_id] = encode({**message, "w": w, "h": h})

    def remote(self, board_id: str, origin: bytes, payload: bytes) -> None:
        """Ephemeral traffic from another process (through the broker)."""
        room = self.rooms.get(board_id)
        if room is None or not payload:
            return
        kind, body = payload[:1], payload[1:]
        if kind == b"c":
            room.cursors.merge_remote(body)
        elif kind == b"p":
            room.presence.merge_remote(origin, body)
            room.announce_due = True
        elif kind == b"v":
            room.broadcast(body)

    def cursor_every_ms(self, board_id: str) -> int:
        room = self.rooms.get(board_id)
        every = room.cursor_every if room is not None else 1
        return round(every * TICK_SECONDS * 1000)

    def _adapt_cursor_rate(self, room: Room) -> None:
        """Fewer pointer moves per person on a crowded board (cursors.py); back
        to more only once it is a tenth below the threshold, so joins and
        departures around it do not make the rate flap."""
        people, moves = len(room.connections), self.cursor_moves_per_second
        every = cursor_every_ticks(people, moves)
        if every < room.cursor_every <= cursor_every_ticks(people + people // 10, moves):
            return
        if every != room.cursor_every:
            room.cursor_every = every
            every_ms = self.cursor_every_ms(room.board_id)
            room.broadcast(encode({"type": "cursor_rate", "every_ms": every_ms}))

    def tick(self) -> None:
        """Send each connection what moved in its viewport since the last tick."""
        now = time.monotonic()
        self._ticks += 1
        for room in list(self.rooms.values()):
            if self._relay is not None:
                presence = room.presence
                presence.expire(now)
                room.announce_due = True  # an expired process's members go
                if presence.dirty or now - presence.announced_at > ANNOUNCE_SECONDS:
                    presence.dirty, presence.announced_at = False, now
                    self._relay(room.board_id, b"p" + presence.local_payload())
            if room.announce_due:
                room.announce_due = False
                self._announce(room)
            if room.leader_views:
                # At most one per facilitator per tick, however fast they pan.
                for view in room.leader_views.values():
                    room.broadcast(view)
                    if self._relay is not None:
                        self._relay(room.board_id, b"v" + view)
                room.leader_views.clear()
            self._adapt_cursor_rate(room)
            if self._ticks % room.cursor_every:
                continue  # a crowded board's pointers go out every few ticks
            changed, relay = room.cursors.drain()
            if not changed:
                continue
            if relay and self._relay is not None:
                self._relay(room.board_id, b"c" + relay)
            left_out: set[str] = set()
            messages = CursorField.messages(
                changed, (c.view for c in room.connections), room.presence.leaders(), left_out
            )
            # What a view had no room for goes first next time (cursors.py).
            room.cursors.carry(changed, left_out)
            sent = 0
            for conn in room.connections:
                message = messages[conn.view]
                if message:
                    conn.push(message)
                    sent += 1
            if sent:
                metrics.CURSOR_MESSAGES.inc(sent)

    def start(self) -> None:
        self._ticker = asyncio.create_task(self._run_ticks(), name="cursor-ticks")

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(BaseException):
                await self._ticker

    def sweep(self) -> None:
        """Close connections whose client has been silent too long (4009)."""
        limit = time.monotonic() - self.heartbeat_timeout
        for conn in self.all_connections():
            if conn.last_seen < limit:
                conn.close(CloseCode.HEARTBEAT_TIMEOUT, "no message within the heartbeat timeout")

    async def _run_ticks(self) -> None:
        ticks = 0
        while True:
            await asyncio.sleep(TICK_SECONDS)
            ticks += 1
            try:
                self.tick()
                if ticks % SWEEP_EVERY_TICKS == 0:
                    self.sweep()
            except Exception:
                log.exception("cursor tick failed")

    def close_board(self, board_id: str) -> None:
        """The board was deleted: close everyone on it here (4410)."""
        room = self.rooms.get(board_id)
        if room is None:
            return
        for conn in list(room.connections):
            conn.close(CloseCode.BOARD_DELETED, "the board was deleted")

    def connection_count(self) -> int:
        return sum(len(r.connections) for r in self.rooms.values())

    def queued_messages(self) -> int:
        return sum(c.queued for r in self.rooms.values() for c in r.connections)

    def all_connections(self) -> list[Connection]:
        return [c for r in self.rooms.values() for c in r.connections]
