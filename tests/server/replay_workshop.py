"""A scripted workshop for the replay and record tests: a facilitator, six
participants in three sectors and an observer, over real websockets — silent
writing with a note taken back before the reveal and one deleted and brought
back by undo, the reveal, grouping, a move undone, a goal
conflict, the board made fully anonymous half-way, an anonymous blind vote, and
a last private note (deleted and brought back) that is never revealed."""

import re
from typing import Any

import httpx

from tests.client import Client, create_board, join
from tests.services import ServerProcess

FAST = {"SAMSKAPA_OPS_PER_SECOND": "1000", "SAMSKAPA_OPS_BURST": "1000"}
SECRET_TEXT = "KANARIE-ALDRIG-VISAD"
NAME_MARK = "NAMN-"
PSEUDONYM = re.compile(r"p_[0-9a-f]{24}")

SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}
CLUSTER = {"write": "none", "edit": "all", "group": True, "link": True, "vote": False}
VOTE = {"write": "none", "edit": "none", "group": False, "link": False, "vote": True}
AGENDA = [
    {"id": "s1", "title": "Tysta idéer", "minutes": 5, "rules": SILENT},
    {"id": "s2", "title": "Gruppera", "minutes": 5, "rules": CLUSTER},
    {"id": "s3", "title": "Rösta", "minutes": 5, "rules": VOTE},
    {"id": "s4", "title": "Eftertanke", "minutes": 5, "rules": SILENT},
]
PEOPLE = [
    ("facilitator", "Lina", "public"),
    ("participant", "Amira", "public"),
    ("participant", "Björn", "public"),
    ("participant", "Cecilia", "business"),
    ("participant", "David", "business"),
    ("participant", "Elin", "academia"),
    ("participant", "Farid", "academia"),
    ("observer", "Olle", "civil_society"),
]


async def ok(c: Client, command: dict[str, Any]) -> dict[str, Any]:
    answer = await c.result(await c.op(command))
    assert answer["type"] == "ack", answer
    return answer


async def workshop(server: ServerProcess) -> tuple[dict[str, Any], list[Client], list[str]]:
    board = create_board(server.http, "Replay workshop", "sv")
    clients: list[Client] = []
    credentials: list[str] = []
    for role, name, sector in PEOPLE:
        joined = join(server.http, board, role, NAME_MARK + name, sector)
        credentials.append(joined["credential"])
        c = Client(server.ws, board["board_id"], joined["credential"])
        await c.connect()
        clients.append(c)
    fac, p1, p2, p3, p4, p5, p6, _obs = clients
    await ok(fac, {"type": "agenda.set", "steps": AGENDA})
    await ok(
        fac,
        {
            "type": "frame.create",
            "frame_id": "f1",
            "title": "Idéer",
            "x": 0,
            "y": 0,
            "w": 2000,
            "h": 1200,
        },
    )
    await ok(fac, {"type": "note.create", "note_id": "n_seed", "text": "Frö", "x": 40, "y": 40})
    await ok(fac, {"type": "agenda.go", "step_id": "s1"})
    await ok(fac, {"type": "timer.start", "seconds": 300})
    for i, p in enumerate([p1, p2, p3, p4, p5, p6], start=1):
        for j in (1, 2):
            await ok(
                p,
                {
                    "type": "note.create",
                    "note_id": f"n{i}{j}",
                    "text": f"Idé {i}.{j}",
                    "x": 100 * i,
                    "y": 150 * j,
                },
            )
    await ok(p1, {"type": "note.edit", "note_id": "n11", "text": "Idé 1.1, bättre"})
    await ok(p2, {"type": "note.move", "note_id": "n21", "x": 230, "y": 160})
    # The frame moves with everyone's silent notes in it: each one's own fold carries them.
    await ok(fac, {"type": "frame.move", "frame_id": "f1", "x": 40.5, "y": -20})
    # Written and taken back before the reveal: nobody but its author ever saw it.
    await ok(p6, {"type": "note.create", "note_id": "n_gone", "text": SECRET_TEXT, "x": 9, "y": 9})
    await ok(p6, {"type": "note.delete", "note_id": "n_gone"})
    # Deleted and brought back by its author's undo while private: revealed later.
    await ok(p5, {"type": "note.create", "note_id": "n53", "text": "Idé 5.3", "x": 500, "y": 450})
    await ok(p5, {"type": "note.delete", "note_id": "n53"})
    await ok(p5, {"type": "note.undelete", "note_id": "n53"})
    await ok(p1, {"type": "step.ready", "ready": True})
    await ok(fac, {"type": "agenda.go", "step_id": "s2"})
    await ok(fac, {"type": "notes.reveal"})
    await ok(
        p1,
        {"type": "group.create", "group_id": "g1", "name": "Laddning", "note_ids": ["n11", "n21"]},
    )
    await ok(p3, {"type": "note.group", "note_id": "n31", "group_id": "g1"})
    await ok(p2, {"type": "link.create", "link_id": "l1", "from_id": "n12", "to_id": "n41"})
    await ok(
        fac,
        {"type": "link.update", "link_id": "l1", "status": "balanced", "resolution": "Stegvis"},
    )
    await ok(p4, {"type": "note.recolor", "note_id": "n42", "color": "pink"})
    # A move and its undo (the note where the move left it).
    await ok(p4, {"type": "note.move", "note_id": "n41", "x": 700, "y": 700})
    undo = {"type": "note.move", "note_id": "n41", "x": 400, "y": 150}
    await ok(p4, {**undo, "expect": {"x": 700, "y": 700}})
    # Half-way, the board becomes fully anonymous: replay hides every earlier name too.
    await ok(fac, {"type": "board.anonymity", "mode": "full"})
    await ok(p5, {"type": "note.edit", "note_id": "n51", "text": "Idé 5.1, anonym nu"})
    await ok(fac, {"type": "agenda.go", "step_id": "s3"})
    await ok(
        fac,
        {
            "type": "vote.open",
            "round_id": "r1",
            "title": "Bästa idén",
            "budget": 3,
            "cap": 2,
            "blind": True,
            "anonymous": True,
        },
    )
    for p, notes in (
        (p1, ["n11", "n41"]),
        (p2, ["n11"]),
        (p3, ["n21", "n21"]),
        (p4, ["n51"]),
        (p5, ["n11", "n61"]),
        (p6, ["n41"]),
    ):
        for note_id in notes:
            await ok(p, {"type": "vote.cast", "round_id": "r1", "note_id": note_id})
    await ok(p3, {"type": "vote.withdraw", "round_id": "r1", "note_id": "n21"})
    await ok(p1, {"type": "vote.status", "round_id": "r1", "status": "done"})
    await ok(p6, {"type": "vote.status", "round_id": "r1", "status": "abstain"})
    await ok(fac, {"type": "vote.close", "round_id": "r1"})
    await ok(fac, {"type": "agenda.go", "step_id": "s4"})
    await ok(p5, {"type": "note.create", "note_id": "n_late", "text": SECRET_TEXT, "x": 5, "y": 5})
    # Never revealed, also after a deletion undone.
    await ok(p5, {"type": "note.delete", "note_id": "n_late"})
    await ok(p5, {"type": "note.undelete", "note_id": "n_late"})
    await ok(fac, {"type": "board.replay", "allowed": True})
    return board, clients, credentials


def get(http: str, board_id: str, credential: str, path: str) -> httpx.Response:
    return httpx.get(
        f"{http}/api/boards/{board_id}/{path}",
        headers={"Authorization": f"Bearer {credential}"},
        timeout=30,
    )
