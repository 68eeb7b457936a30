"""The workshop's record over a real server: export → import round trips, the
template, the report, the CSV files (formula injection and the BOM, byte by
byte), refused imports that leave nothing behind, and canaries searched for in
every one of these answers."""

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from samskapa.templates import parse
from tests.client import Client, create_board, join
from tests.server.replay_workshop import NAME_MARK, PSEUDONYM, SECRET_TEXT, get, ok, workshop
from tests.services import ServerProcess

pytestmark = pytest.mark.asyncio

CONTENT = ("frames", "groups", "links", "agenda")


def _snapshot(server: ServerProcess, board_id: str, credential: str) -> dict[str, Any]:
    r = get(server.http, board_id, credential, "snapshot")
    assert r.status_code == 200, r.text
    state: dict[str, Any] = r.json()["state"]
    return state


def _join_new(server: ServerProcess, created: dict[str, Any]) -> str:
    token = created["links"]["facilitator"].split("#k=")[1]
    new = {"board_id": created["board_id"], "tokens": {"facilitator": token}}
    return str(join(server.http, new, "facilitator", "Kim")["credential"])


def _notes(state: dict[str, Any]) -> dict[str, Any]:
    return {k: {f: v for f, v in n.items() if f != "author"} for k, n in state["notes"].items()}


def _boards(server: ServerProcess) -> int:
    path = server.database_url.split("///", 1)[1]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM boards").fetchone()[0])


async def test_export_import_template_report_and_csv(replay_server: ServerProcess) -> None:
    server = replay_server
    board, clients, credentials = await workshop(server)
    board_id, fac = board["board_id"], credentials[0]
    # A participant's formula attempts, in notes the facilitator will export.
    tricky = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"]
    p1 = clients[1]
    await ok(clients[0], {"type": "agenda.go", "step_id": None})  # the free canvas
    for i, text in enumerate(tricky):
        await ok(
            p1, {"type": "note.create", "note_id": f"n_f{i}", "text": text, "x": 900, "y": 40 * i}
        )
    for c in clients:
        await c.close()
    answers: list[str] = []

    # -- export and import: the same board again (ids kept, authors not) --------------
    r = get(server.http, board_id, fac, "export.json?events=true")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].startswith("attachment")
    answers.append(r.text)
    document = r.json()
    assert document["format"] == "samskapa-board" and document["version"] == 1
    assert document["board"]["anonymity"] == "full"
    assert len(document["events"]) == document["source"]["seq"]
    assert [v["id"] for v in document["votes"]] == ["r1"]
    imported = httpx.post(f"{server.http}/api/boards/import", content=r.content, timeout=30)
    assert imported.status_code == 201, imported.text
    source = _snapshot(server, board_id, fac)
    copy = _snapshot(server, imported.json()["board_id"], _join_new(server, imported.json()))
    for key in CONTENT:
        assert copy[key] == source[key], key
    assert _notes(copy) == {k: v for k, v in _notes(source).items()}
    assert copy["board"]["mission"] == source["board"]["mission"]
    assert copy["board"]["title"] == source["board"]["title"]
    assert copy["votes"]["rounds"] == {} and copy["private_count"] == 0
    # The private note written last (never revealed) is in neither.
    assert "n_late" not in copy["notes"]

    # -- template: a valid template file ------------------------------------------------
    r = get(server.http, board_id, fac, "template.json")
    assert r.status_code == 200, r.text
    answers.append(r.text)
    template = parse(f"{r.json()['id']}.json", r.text)
    assert [s.title.sv for s in template.agenda] == [
        "Tysta idéer",
        "Gruppera",
        "Rösta",
        "Eftertanke",
    ]
    assert template.anonymity.value == "full"
    assert any(n.text.sv == "Idé 1.1, bättre" for n in template.notes)

    # -- report: printable, under the pages' CSP, in the board's language ----------------
    r = get(server.http, board_id, fac, "report.html")
    assert r.status_code == 200, r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    answers.append(html)
    assert '<html lang="sv">' in html and "Målkonflikter" in html and "Stegvis" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    # The stylesheet under this version's static prefix, like every page's.
    stylesheet = re.search(r'href="(http://[^"/]+/static/[0-9a-f]{16}/css/report\.css)"', html)
    assert stylesheet is not None and stylesheet[1].startswith(server.http)
    css = httpx.get(stylesheet[1], timeout=10)
    assert css.status_code == 200 and "@media print" in css.text
    r = get(server.http, board_id, fac, "report.md")
    assert r.status_code == 200 and r.text.startswith("# Replay workshop")
    answers.append(r.text)
    assert "## Målkonflikter" in r.text and "Bästa idén" in r.text

    # -- CSV: BOM, Swedish headers, formulas neutralised (byte-wise) ---------------------
    for name in ("notes.csv", "links.csv", "votes.csv"):
        r = get(server.http, board_id, fac, name)
        assert r.status_code == 200, r.text
        assert r.content.startswith(b"\xef\xbb\xbf"), name
        answers.append(r.content.decode("utf-8"))
    notes_csv = get(server.http, board_id, fac, "notes.csv").content
    assert notes_csv.startswith(b"\xef\xbb\xbflapp,skapad (UTC),text,typ,ursprung,ram")
    rows = {r[0]: r for r in csv.reader(io.StringIO(notes_csv[3:].decode("utf-8"), newline=""))}
    for i, text in enumerate(tricky):
        assert rows[f"n_f{i}"][2] == "'" + text, rows[f"n_f{i}"]
    # Byte-wise: the formula never starts a cell (after a separator or a quote).
    for start in (b",=", b',"=', b",+", b",-", b",@", b',"\t', b',"\r'):
        assert start not in notes_csv, start
    assert "Idé".encode() in notes_csv  # UTF-8, not Latin-1

    # -- nothing leaks into any of it ---------------------------------------------------
    for body in answers:
        assert SECRET_TEXT not in body
        assert NAME_MARK not in body
        assert not PSEUDONYM.search(body)

    # -- facilitators only ----------------------------------------------------------------
    for path in ("export.json", "template.json", "report.html", "report.md", "notes.csv"):
        r = get(server.http, board_id, credentials[1], path)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", path


async def test_refused_imports_create_nothing(replay_server: ServerProcess) -> None:
    server = replay_server
    board = create_board(server.http, "Source", "en")
    fac = join(server.http, board, "facilitator", "Lina")["credential"]
    c = Client(server.ws, board["board_id"], fac)
    await c.connect()
    await ok(c, {"type": "note.create", "note_id": "n1", "text": "one", "x": 0, "y": 0})
    await c.close()
    good = get(server.http, board["board_id"], fac, "export.json").content
    document = orjson.loads(good)
    before = _boards(server)

    def refused(body: bytes) -> tuple[int, str]:
        r = httpx.post(f"{server.http}/api/boards/import", content=body, timeout=60)
        return r.status_code, r.json()["code"]

    assert refused(good[: len(good) // 2]) == (400, "invalid_json")
    assert refused(orjson.dumps({**document, "version": 2})) == (400, "unknown_version")
    assert refused(orjson.dumps({"format": "other"})) == (400, "invalid_file")
    assert refused(b"[1, 2]") == (400, "invalid_file")
    long_note = {**document["notes"][0], "text": "x" * 501}
    assert refused(orjson.dumps({**document, "notes": [long_note]})) == (400, "text_too_long")
    dangling = {**document["notes"][0], "group_id": "g_missing"}
    assert refused(orjson.dumps({**document, "notes": [dangling]})) == (400, "invalid_message")
    assert refused(b"x" * (50 * 1024 * 1024)) == (413, "file_too_large")
    assert _boards(server) == before  # nothing half-created
    # And the good file still imports.
    r = httpx.post(f"{server.http}/api/boards/import", content=good, timeout=30)
    assert r.status_code == 201, r.text
    assert _boards(server) == before + 1


async def test_csv_bytes_on_an_english_board(tmp_path: Path, replay_server: ServerProcess) -> None:
    server = replay_server
    board = create_board(server.http, "Board", "en")
    fac = join(server.http, board, "facilitator", "Lina")["credential"]
    c = Client(server.ws, board["board_id"], fac)
    await c.connect()
    await ok(c, {"type": "note.create", "note_id": "n1", "text": "=1+1", "x": 0, "y": 0})
    await ok(c, {"type": "note.create", "note_id": "n2", "text": "Åsa", "x": 0, "y": 0})
    await c.close()
    body = get(server.http, board["board_id"], fac, "notes.csv").content
    lines = body.split(b"\r\n")
    assert lines[0] == (
        b"\xef\xbb\xbfnote,created (UTC),text,kind,origin,frame,group,author,sector"
    )
    assert lines[1].startswith(b"n1,") and b",'=1+1,Idea,seeded (top-down),,,Lina,Other" in lines[1]
    assert b",\xc3\x85sa," in lines[2]  # Å in UTF-8
