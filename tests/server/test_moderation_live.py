"""Moderation over real websockets and REST: the canary of docs/collection.md.

A waiting note's text, a hidden note's text (also as it read before it was
hidden) and a rejected note's text are searched for in every frame, REST answer,
export, report and replay answer that other participants, an observer and a late
joiner get: zero hits. The author and the facilitator see what they should.
"""

import asyncio

import orjson
import pytest

from tests.client import Client, create_board, join, note
from tests.services import ServerProcess

from .test_facilitation_live import _ok, _people, _refused, _rest

WAITING = "KANARIE-vantar-5d1e"
ORIGINAL = "KANARIE-publicerad-2b7c"
HIDDEN = "KANARIE-dold-8e4f"
REJECTED = "KANARIE-avvisad-6a9d"
CANARIES = (WAITING, ORIGINAL, HIDDEN, REJECTED)
PEOPLE = [
    ("facilitator", "Lina"),
    ("participant", "Amira"),
    ("participant", "Björn"),
    ("observer", "Olle"),
]


@pytest.mark.asyncio
async def test_moderation_canary(fast_server: ServerProcess) -> None:
    server = fast_server
    async with asyncio.timeout(120):
        board = create_board(server.http)
        lina, amira, bjorn, olle = await _people(server, board, PEOPLE)
        await _ok(lina, {"type": "board.replay", "allowed": True})
        await _ok(lina, {"type": "board.moderation", "approval": True})
        # A note that waits (edited while waiting), one that is rejected, and one
        # that is approved, flagged, hidden and then edited by its author.
        await _ok(amira, note("n_WAIT9", f"{WAITING} först", 10, 10))
        await _ok(amira, {"type": "note.edit", "note_id": "n_WAIT9", "text": f"{WAITING} sedan"})
        await _ok(amira, {"type": "note.move", "note_id": "n_WAIT9", "x": 20, "y": 20})
        await _ok(amira, note("n_REJ9", REJECTED, 200, 10))
        await _ok(lina, {"type": "note.reject", "note_id": "n_REJ9", "reason": "Utanför ämnet"})
        await _ok(amira, note("n_h", ORIGINAL, 400, 10))
        await _ok(lina, {"type": "note.approve", "note_id": "n_h"})
        await _ok(bjorn, {"type": "note.flag", "note_id": "n_h"})
        assert await _refused(bjorn, {"type": "note.flag", "note_id": "n_h"}) == "already_exists"
        await _ok(lina, {"type": "note.hide", "note_id": "n_h", "reason": "Namnger en person"})
        await _ok(amira, {"type": "note.edit", "note_id": "n_h", "text": HIDDEN})
        await _ok(lina, note("n_seed", "Frågan", 600, 10))
        # Others may not touch them, nor learn that they exist.
        for command in (
            {"type": "note.edit", "note_id": "n_WAIT9", "text": "x"},
            {"type": "note.flag", "note_id": "n_h"},
            {"type": "note.approve", "note_id": "n_WAIT9"},
        ):
            assert await _refused(bjorn, command) == "not_found"
        # The limit on new notes per minute.
        await _ok(lina, {"type": "board.moderation", "approval": False, "notes_per_minute": 2})
        await _ok(bjorn, note("n_b1", "ett", 10, 300))
        await _ok(bjorn, note("n_b2", "två", 200, 300))
        assert await _refused(bjorn, note("n_b3", "tre", 400, 300)) == "too_many_notes"
        await _ok(lina, note("n_f", "fri", 600, 300))  # facilitators are not limited

        for c in (lina, amira, bjorn, olle):
            await c.wait_for(lambda m: m.get("seq") == lina.last_seq)
        late = Client(
            server.ws,
            board["board_id"],
            join(server.http, board, "participant", "Sen")["credential"],
        )
        await late.connect()
        head = lina.last_seq

        def replies(c: Client) -> list[str]:
            paths = ["snapshot", "events?after=0&limit=1000", "timeline", "news?after=0"]
            paths += [f"state?seq={seq}" for seq in range(1, head + 1)]
            return [_rest(server, board, c, p) for p in paths]

        # Other participants, the observer and the late joiner: zero hits of the
        # waiting, rejected and hidden texts anywhere; the hidden note's first
        # text only in the live frames of those who were there when it was public.
        for c in (bjorn, olle, late):
            frames = orjson.dumps(c.messages).decode()
            for canary in (WAITING, HIDDEN, REJECTED):
                assert canary not in frames
            assert "Utanför ämnet" not in frames and "Namnger en person" not in frames
            for text in replies(c):
                for canary in CANARIES:
                    assert canary not in text
                assert "n_WAIT9" not in text and "n_REJ9" not in text
        assert ORIGINAL not in orjson.dumps(late.messages).decode()
        gone = next(m for m in bjorn.events if m["type"] == "note.hidden")
        assert gone["data"] == {"note_id": "n_h"} and gone["actor"] == ""
        assert {m["type"] for m in olle.events} >= {"note.withheld"}
        flag = next(m for m in bjorn.events if m["type"] == "note.flagged")
        assert flag["data"] == {"note_id": "n_h", "mine": True}

        # Exports and the report (facilitators') hold only published notes.
        for path in (
            "notes.csv",
            "links.csv",
            "votes.csv",
            "export.json",
            "report.html",
            "report.md",
            "template.json",
        ):
            text = _rest(server, board, lina, path)
            for canary in CANARIES:
                assert canary not in text, path

        # The author sees their own notes, marked, with the reasons.
        own = orjson.loads(_rest(server, board, amira, "snapshot"))["own_notes"]["notes"]
        assert {k: (v["moderation"], v["reason"]) for k, v in own.items()} == {
            "n_WAIT9": ("waiting", ""),
            "n_REJ9": ("rejected", "Utanför ämnet"),
            "n_h": ("hidden", "Namnger en person"),
        }
        assert own["n_h"]["text"] == HIDDEN and own["n_WAIT9"]["text"] == f"{WAITING} sedan"
        # The facilitator sees the queue, the hidden note and the flags.
        snap = orjson.loads(_rest(server, board, lina, "snapshot"))["state"]
        moderation = {k: v["moderation"] for k, v in snap["notes"].items()}
        assert moderation["n_WAIT9"] == "waiting" and moderation["n_h"] == "hidden"
        assert snap["flags"] == {"n_h": 1}
        frames = orjson.dumps(lina.messages).decode()
        assert all(canary in frames for canary in CANARIES)

        # Restored, the hidden note comes back to everyone; to Björn, who had
        # flagged it, with his mark, as his next snapshot says.
        await _ok(lina, {"type": "note.restore", "note_id": "n_h"})
        for c in (lina, amira, bjorn, olle, late):
            back = await c.wait_for(lambda m: m.get("type") == "note.restored")
            assert back["data"].get("flagged") is (True if c is bjorn else None), c
        own = orjson.loads(_rest(server, board, bjorn, "snapshot"))["own_notes"]
        assert own["flagged"] == ["n_h"]
        for c in (lina, amira, bjorn, olle, late):
            await c.close()
    server.stop()
    assert server.log_path is not None
    log = server.log_path.read_text()
    assert not any(canary in log for canary in CANARIES)
