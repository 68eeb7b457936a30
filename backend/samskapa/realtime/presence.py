"""Who is online on a board, across every server process.

Each process counts its own connections per member (a member with two tabs is
online until the last one closes). With several processes, each one publishes
its own list through the broker whenever it changes and every few seconds; the
others keep it until it expires, so a process that dies is forgotten within
`REMOTE_TTL`. Clients see the union, announced as differences (`joined`,
`left`). Presence is never persisted.
"""

import time
from typing import Any

import orjson

# A process re-announces its list this often, and others forget it after REMOTE_TTL.
ANNOUNCE_SECONDS = 3.0
REMOTE_TTL = 10.0

Member = dict[str, Any]  # {"id", "name", "sector", "role"} as on the wire


class Presence:
    def __init__(self) -> None:
        self._local: dict[str, int] = {}
        self._local_members: dict[str, Member] = {}
        self._remote: dict[bytes, tuple[dict[str, Member], float]] = {}
        self._shown: dict[str, Member] = {}
        # Members whose data was erased: never shown again, even from another
        # process's list sent before it heard of the erasure.
        self._erased: set[str] = set()
        self.dirty = False
        self.announced_at = 0.0

    # -- this process -----------------------------------------------------------------

    def join_local(self, member: Member) -> None:
        self._local[member["id"]] = self._local.get(member["id"], 0) + 1
        self._local_members[member["id"]] = member
        self.dirty = True

    def leave_local(self, member_id: str) -> None:
        left = self._local.get(member_id, 1) - 1
        if left <= 0:
            self._local.pop(member_id, None)
            self._local_members.pop(member_id, None)
        else:
            self._local[member_id] = left
        self.dirty = True

    def local_payload(self) -> bytes:
        return orjson.dumps(list(self._local_members.values()))

    # -- other processes ----------------------------------------------------------------

    def merge_remote(self, origin: bytes, payload: bytes, now: float | None = None) -> None:
        members = orjson.loads(payload)
        now = time.monotonic() if now is None else now
        if members:
            self._remote[origin] = ({m["id"]: m for m in members}, now + REMOTE_TTL)
        else:
            self._remote.pop(origin, None)  # that process left the board

    def expire(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for origin in [o for o, (_, until) in self._remote.items() if until < now]:
            del self._remote[origin]

    def forget(self, member_id: str) -> None:
        """The member's data was erased: their entry (with their name) goes."""
        self._erased.add(member_id)
        self._local.pop(member_id, None)
        self._local_members.pop(member_id, None)
        self.dirty = True

    # -- what clients see ------------------------------------------------------------------

    def union(self) -> dict[str, Member]:
        members = dict(self._local_members)
        for remote, _ in self._remote.values():
            for member_id, member in remote.items():
                if member_id not in self._erased:
                    members.setdefault(member_id, member)
        return members

    def changes(self) -> tuple[list[Member], list[str]]:
        """Who appeared and who went since the last call."""
        now = self.union()
        joined = [m for i, m in now.items() if i not in self._shown]
        left = [i for i in self._shown if i not in now]
        self._shown = now
        return joined, left

    def leaders(self) -> set[str]:
        """Facilitators online anywhere: their cursors reach everyone."""
        return {i for i, m in self.union().items() if m.get("role") == "facilitator"}
