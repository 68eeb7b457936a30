"""A small protocol-speaking test client over a real websocket."""

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import websockets

TIMEOUT = 10.0
_ids = itertools.count(1)


def create_board(http: str, title: str = "Test board", language: str = "en") -> dict[str, Any]:
    r = httpx.post(f"{http}/api/boards", json={"title": title, "language": language}, timeout=10)
    r.raise_for_status()
    data: dict[str, Any] = r.json()
    data["tokens"] = {k: v.split("#k=")[1] for k, v in data["links"].items()}
    return data


def join(
    http: str, board: dict[str, Any], role: str, name: str, sector: str = "other"
) -> dict[str, Any]:
    r = httpx.post(
        f"{http}/api/boards/{board['board_id']}/join",
        json={"link": board["tokens"][role], "name": name, "sector": sector},
        timeout=10,
    )
    r.raise_for_status()
    out: dict[str, Any] = r.json()
    return out


@dataclass(eq=False)  # compared and hashed by identity
class Client:
    """Keeps every message received, in order, and the last seq applied."""

    ws_base: str
    board_id: str
    credential: str
    last_seq: int | None = None
    ws: Any = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    # op_id -> its ack or error
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    frames: int = 0
    _reader: asyncio.Task[None] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    closed_code: int | None = None

    async def connect(self, origin: str | None = None) -> dict[str, Any]:
        headers = {"Origin": origin} if origin else None
        self.ws = await websockets.connect(
            f"{self.ws_base}/ws/boards/{self.board_id}",
            additional_headers=headers,
            open_timeout=TIMEOUT,
            max_size=None,
        )
        await self.send(
            {
                "type": "hello",
                "protocol": 1,
                "credential": self.credential,
                "last_seq": self.last_seq,
            }
        )
        self._reader = asyncio.create_task(self._read())
        return await self.wait_for(lambda m: m.get("type") == "welcome")

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.frames += 1
                for msg in orjson.loads(raw):
                    self.messages.append(msg)
                    if "." in msg["type"]:
                        expected = (self.last_seq or 0) + 1
                        if self.last_seq is not None and msg["seq"] != expected:
                            raise AssertionError(f"gap: got seq {msg['seq']}, expected {expected}")
                        self.last_seq = msg["seq"]
                        self.events.append(msg)
                    elif msg["type"] in ("ack", "error") and "op_id" in msg:
                        self.results[msg["op_id"]] = msg
                    elif msg.get("type") == "snapshot":
                        self.last_seq = msg["seq"]
                self._changed.set()
        except websockets.ConnectionClosed as closed:
            self.closed_code = closed.rcvd.code if closed.rcvd else None
        finally:
            if self.ws.close_code is not None and self.closed_code is None:
                self.closed_code = self.ws.close_code
            self._changed.set()

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        if isinstance(message, dict):
            message = orjson.dumps(message).decode()
        await self.ws.send(message)

    async def op(self, command: dict[str, Any], op_id: str | None = None) -> str:
        op_id = op_id or f"o{next(_ids)}"
        await self.send({"type": "op", "op_id": op_id, "command": command})
        return op_id

    async def ops(self, commands: list[tuple[dict[str, Any], str | None]]) -> list[str]:
        """Several ops in one `ops` frame; (command, op_id or None) each."""
        op_ids = [op_id or f"o{next(_ids)}" for _, op_id in commands]
        entries = [
            {"op_id": op_id, "command": command}
            for (command, _), op_id in zip(commands, op_ids, strict=True)
        ]
        await self.send({"type": "ops", "ops": entries})
        return op_ids

    async def wait_for(self, predicate: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first message (old or new) that satisfies `predicate`."""

        async def scan() -> dict[str, Any]:
            start = 0
            while True:
                for msg in self.messages[start:]:
                    if predicate(msg):
                        return msg
                start = len(self.messages)
                if self.closed_code is not None or (self._reader and self._reader.done()):
                    raise AssertionError(f"connection closed ({self.closed_code}) while waiting")
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), timeout)

    async def result(self, op_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The ack or error for `op_id`."""

        async def wait() -> dict[str, Any]:
            while op_id not in self.results:
                if self.closed_code is not None or (self._reader and self._reader.done()):
                    raise AssertionError(f"connection closed ({self.closed_code}) while waiting")
                self._changed.clear()
                await self._changed.wait()
            return self.results[op_id]

        return await asyncio.wait_for(wait(), timeout)

    async def wait_closed(self, timeout: float = TIMEOUT) -> int | None:
        assert self._reader is not None
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.closed_code

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, TIMEOUT)


def all_events(http: str, board_id: str, credential: str) -> list[dict[str, Any]]:
    """The board's whole stored log as this member may read it, page by page."""
    events: list[dict[str, Any]] = []
    after = 0
    with httpx.Client(base_url=http, timeout=10) as client:
        while True:
            page = client.get(
                f"/api/boards/{board_id}/events",
                params={"after": after, "limit": 1000},
                headers={"Authorization": f"Bearer {credential}"},
            ).json()
            events += page["events"]
            if not page["more"]:
                return events
            after = page["events"][-1]["seq"]


def is_event(message: dict[str, Any]) -> bool:
    return "." in message.get("type", "")


def note(note_id: str, text: str = "", x: float = 0, y: float = 0) -> dict[str, Any]:
    return {"type": "note.create", "note_id": note_id, "text": text, "x": x, "y": y}
