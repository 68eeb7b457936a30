"""Notifications to facilitators against real receivers: a server process whose
clock the test moves days ahead (tests/clock_server.py), an HTTP sink for the
webhook and aiosmtpd for e-mail (tests/sinks.py)."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client import Client, create_board, join, note
from tests.clock_server import CLOCK_FILE, set_offset
from tests.server.test_metrics import scrape, value
from tests.services import ServerProcess, postgres_database, redis_or_skip
from tests.sinks import HttpSink, SmtpSink, body_of

HOUR = 3600 * 1000
DAY = 24 * HOUR
PUBLIC_CANARY = "PUBLIK-KANARIE-51d2"
PRIVATE_CANARY = "PRIVAT-KANARIE-9e07"
SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}
FAST = {"SAMSKAPA_OPS_PER_SECOND": "1000", "SAMSKAPA_OPS_BURST": "1000"}
# With the facilitator 4 in the public sector, 2 in business and 1 in academia:
# academia alone would point at one person, so business is counted with it.
PEOPLE = [
    ("Amira Q", "public"),
    ("Björn Q", "public"),
    ("Cecilia Q", "public"),
    ("David Q", "business"),
    ("Elsa Q", "business"),
    ("Fredrik Q", "academia"),
]


def notify_env(clock: Path, smtp: SmtpSink | None = None) -> dict[str, str]:
    env = {
        **FAST,
        CLOCK_FILE: str(clock),
        "SAMSKAPA_DEADLINE_CHECK_SECONDS": "0.2",
        "SAMSKAPA_NOTIFY_CHECK_SECONDS": "0.2",
        "SAMSKAPA_NOTIFY_RETRY_SECONDS": "0.2",
        # The sinks listen on loopback: allowed here on purpose (the default refuses).
        "SAMSKAPA_NOTIFY_ALLOW_PRIVATE": "true",
    }
    if smtp is not None:
        env.update(
            SAMSKAPA_SMTP_HOST="127.0.0.1",
            SAMSKAPA_SMTP_PORT=str(smtp.port),
            SAMSKAPA_SMTP_TLS="none",
            SAMSKAPA_SMTP_FROM="samskapa@example.org",
        )
    return env


def clock_server(database_url: str, tmp_path: Path, env: dict[str, str]) -> ServerProcess:
    """A server whose clock the test moves (starting at the real time)."""
    set_offset(Path(env[CLOCK_FILE]), 0)
    return ServerProcess(database_url, tmp_path / "d", env=env, module="tests.clock_server").start()


def api(server: ServerProcess, board_id: str, credential: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.http}/api/boards/{board_id}",
        headers={"Authorization": f"Bearer {credential}"},
        timeout=10,
    )


def member(
    server: ServerProcess, board: dict[str, Any], role: str, name: str, sector: str = "other"
) -> Client:
    credential = join(server.http, board, role, name, sector)["credential"]
    return Client(server.ws, board["board_id"], credential)


def passes(server: ServerProcess) -> float:
    return value(scrape(server), "samskapa_notify_passes_total")


def settle(servers: list[ServerProcess], looks: int = 5) -> None:
    """Wait until every process has looked for notifications `looks` more times:
    a message the design wrongly let through twice would be out by then."""
    start = [passes(s) for s in servers]
    end = time.monotonic() + 60
    while any(passes(s) < b + looks for s, b in zip(servers, start, strict=True)):
        assert time.monotonic() < end, "the notifier stopped looking"
        time.sleep(0.1)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
def sinks() -> Iterator[tuple[HttpSink, SmtpSink]]:
    hook, smtp = HttpSink().start(), SmtpSink().start()
    yield hook, smtp
    hook.stop()
    smtp.stop()


def _kinds(texts: list[str]) -> list[str]:
    kinds = []
    for text in texts:
        first = text.split("\n", 1)[0]
        kinds.append(
            "digest"
            if "New on" in first
            else "reminder"
            if "closes within" in first
            else "closed"
            if "has closed" in first
            else "test"
            if "Test from" in first
            else first
        )
    return kinds


@pytest.mark.asyncio
@pytest.mark.slow
async def test_digest_reminder_and_close_reach_webhook_and_email_once_without_any_text(
    sinks: tuple[HttpSink, SmtpSink], sqlite_url: str, tmp_path: Path
) -> None:
    hook, smtp = sinks
    clock = tmp_path / "clock"
    server = clock_server(sqlite_url, tmp_path, notify_env(clock, smtp))
    clients: list[Client] = []
    try:
        async with asyncio.timeout(120):
            board = create_board(server.http, title="Fossilfri <godstrafik> *2030*")
            board_id = board["board_id"]
            fac_cred = join(server.http, board, "facilitator", "Lina", "public")["credential"]
            fac = Client(server.ws, board_id, fac_cred)
            people = [member(server, board, "participant", *who) for who in PEOPLE]
            clients = [fac, *people]
            for c in clients:
                await c.connect()

            with api(server, board_id, fac_cred) as rest:
                answer = rest.put(
                    "/notifications",
                    json={
                        "enabled": True,
                        "webhook_url": hook.url(),
                        "emails": ["lina@example.org", "Team@Example.org"],
                        "digest_hours": 24,
                    },
                )
                assert answer.status_code == 200, answer.text
                # The secret is never shown back: only that it is there, and its host.
                assert "secret-path" not in answer.text
                assert answer.json()["webhook"] == {
                    "configured": True, "host": "127.0.0.1", "format": "auto",
                }  # fmt: skip
                assert answer.json()["emails"] == ["lina@example.org", "Team@example.org"]
                assert "secret-path" not in rest.get("/notifications").text

            frame = {"type": "frame.create", "frame_id": "f1", "title": "Idéer *nu*"}
            await fac.result(await fac.op({**frame, "x": 0, "y": 0, "w": 800, "h": 600}))
            for i, c in enumerate(people[:3]):
                op = await c.op(note(f"n{i}", f"{PUBLIC_CANARY} {i}", 20 + 170 * i, 20))
                assert (await c.result(op))["type"] == "ack"
            op = await people[5].op(note("n_out", f"{PUBLIC_CANARY} ute", 2000, 2000))
            assert (await people[5].result(op))["type"] == "ack"
            # A private note in silent writing: never in anything sent.
            steps = [{"id": "s1", "title": "Tyst", "rules": SILENT}]
            for command in ({"type": "agenda.set", "steps": steps},
                            {"type": "agenda.go", "step_id": "s1"}):  # fmt: skip
                assert (await fac.result(await fac.op(command)))["type"] == "ack"
            op = await people[0].op(note("n_priv", PRIVATE_CANARY, 30, 300))
            assert (await people[0].result(op))["type"] == "ack"
            deadline = int(time.time() * 1000) + 3 * DAY
            op = await fac.op({"type": "collection.schedule", "closes_at": deadline})
            assert (await fac.result(op))["type"] == "ack"

            # A day later: the digest.
            set_offset(clock, DAY + 60_000)
            posts = hook.wait(1)
            mails = smtp.wait(1)
            digest = posts[0].body["text"]
            assert _kinds([digest]) == ["digest"]
            # Everyone joined before notifications were on: not news in the digest.
            assert "4 new ideas" in digest and "participants" not in digest
            # Counts by frame (a title's markup escaped) and by sector bucket.
            assert "- Idéer \\*nu\\*: 3" in digest and "- Outside the frames: 1" in digest
            assert "- Public sector: 3" in digest and "- Small sectors: 1" in digest
            assert "Academia" not in digest and "Business" not in digest
            assert f"/b/{board_id})" in digest
            assert posts[0].headers["x-samskapa-attempt"] == "1"
            assert mails[0]["Subject"] == "New on Fossilfri <godstrafik> *2030*"
            assert mails[0]["X-Envelope-To"] == "lina@example.org, Team@example.org"
            assert "4 new ideas" in body_of(mails[0])

            # Two days on, less than a day before the deadline: the reminder.
            set_offset(clock, 2 * DAY + 120_000)
            reminder = hook.wait(2)[1].body["text"]
            assert _kinds([reminder]) == ["reminder"]
            assert "Fossilfri &lt;godstrafik&gt;" not in reminder  # Markdown, not Slack
            smtp.wait(2)
            # Past the deadline: the close.
            set_offset(clock, 3 * DAY + 1000)
            closed = hook.wait(3)[2].body["text"]
            assert _kinds([closed]) == ["closed"]
            assert "5 ideas on the board" not in closed and "4 ideas on the board" in closed
            smtp.wait(3)
            await asyncio.to_thread(settle, [server])

            texts = hook.texts()
            assert sorted(_kinds(texts)) == ["closed", "digest", "reminder"]
            everything = "\n".join(
                [str(p.body) for p in hook.posts] + [m.as_string() for m in smtp.mails]
            )
            assert PUBLIC_CANARY not in everything and PRIVATE_CANARY not in everything
            for name, _ in PEOPLE:
                assert name not in everything
            assert len(smtp.mails) == 3
            with api(server, board_id, fac_cred) as rest:
                status = rest.get("/notifications").json()["status"]
            assert status["webhook"]["pending"] == 0 and status["webhook"]["last_sent_at"]
            assert status["email"]["pending"] == 0 and status["email"]["last_error"] is None
    finally:
        for c in clients:
            await c.close()
        server.stop()


@pytest.mark.asyncio
@pytest.mark.slow
async def test_a_sink_that_is_down_gets_the_message_once_it_is_up(
    sqlite_url: str, tmp_path: Path
) -> None:
    clock = tmp_path / "clock"
    env = {**notify_env(clock), "SAMSKAPA_NOTIFY_ATTEMPTS": "12"}
    server = clock_server(sqlite_url, tmp_path, env)
    hook = HttpSink()  # not started: nothing listens on its port yet
    try:
        board = create_board(server.http, title="Nere")
        cred = join(server.http, board, "facilitator", "Lina")["credential"]
        with api(server, board["board_id"], cred) as rest:
            answer = rest.put("/notifications", json={"enabled": True, "webhook_url": hook.url()})
            assert answer.status_code == 200, answer.text
            sent = rest.post("/notifications/test")
            assert sent.status_code == 202 and sent.json() == {"channels": ["webhook"]}
            # A second test while the first is on its way: refused, not queued.
            assert rest.post("/notifications/test").status_code == 429

            # Refused connections: tried again, later each time, and counted.
            end = time.monotonic() + 60
            while value(scrape(server), "samskapa_notifications_total",
                        channel="webhook", outcome="retry") < 3:  # fmt: skip
                assert time.monotonic() < end
                time.sleep(0.05)
            status = rest.get("/notifications").json()["status"]["webhook"]
            assert status["pending"] == 1 and "ConnectError" in status["last_error"]

            # Up, but answering 503 once more; then it takes the message.
            hook.fail = 1
            hook.start()
            posts = hook.wait(1)
            await asyncio.to_thread(settle, [server])
            assert len(hook.posts) == 1 and hook.refused == 1
            assert _kinds(hook.texts()) == ["test"]
            assert int(posts[0].headers["x-samskapa-attempt"]) >= 5
            samples = scrape(server)
            labels = {"channel": "webhook"}
            assert value(samples, "samskapa_notifications_total", **labels, outcome="sent") == 1
            assert value(samples, "samskapa_notifications_total", **labels, outcome="retry") >= 4
            status = rest.get("/notifications").json()["status"]["webhook"]
            assert status["pending"] == 0 and status["last_error"] is None
            log = server.log_path.read_text() if server.log_path else ""
            assert "failed (attempt 1)" in log
    finally:
        hook.stop()
        server.stop()


@pytest.mark.asyncio
@pytest.mark.slow
async def test_nothing_is_sent_when_notifications_are_off(
    sinks: tuple[HttpSink, SmtpSink], sqlite_url: str, tmp_path: Path
) -> None:
    hook, smtp = sinks
    clock = tmp_path / "clock"
    server = clock_server(sqlite_url, tmp_path, notify_env(clock, smtp))
    clients: list[Client] = []
    try:
        async with asyncio.timeout(90):
            never, paused = (create_board(server.http, title=t) for t in ("Aldrig", "Paus"))
            for board in (never, paused):
                cred = join(server.http, board, "facilitator", "Lina")["credential"]
                fac = Client(server.ws, board["board_id"], cred)
                p = Client(
                    server.ws,
                    board["board_id"],
                    join(server.http, board, "participant", "A")["credential"],
                )
                clients += [fac, p]
                await fac.connect()
                await p.connect()
                assert (await p.result(await p.op(note("n1", "idé"))))["type"] == "ack"
                closes = int(time.time() * 1000) + 2 * DAY
                op = await fac.op({"type": "collection.schedule", "closes_at": closes})
                assert (await fac.result(op))["type"] == "ack"
                with api(server, board["board_id"], cred) as rest:
                    # Off by default.
                    assert rest.get("/notifications").json()["enabled"] is False
                    if board is paused:
                        body = {"enabled": False, "webhook_url": hook.url(),
                                "emails": ["lina@example.org"]}  # fmt: skip
                        assert rest.put("/notifications", json=body).status_code == 200
                        assert rest.post("/notifications/test").status_code == 409
            # Past every digest, reminder and deadline.
            set_offset(clock, 3 * DAY)
            await asyncio.to_thread(settle, [server], 10)
            assert hook.posts == [] and smtp.mails == []
    finally:
        for c in clients:
            await c.close()
        server.stop()


def test_bad_settings_are_refused_with_stable_codes(server: ServerProcess) -> None:
    """The default server: no private addresses, no SMTP."""
    board = create_board(server.http)
    fac = join(server.http, board, "facilitator", "Lina")["credential"]
    participant = join(server.http, board, "participant", "A")["credential"]

    def put(body: dict[str, Any], credential: str = fac) -> tuple[int, str]:
        with api(server, board["board_id"], credential) as rest:
            answer = rest.put("/notifications", json={"enabled": True, **body})
        return answer.status_code, answer.json().get("code", "")

    for url, code in [
        ("ftp://hooks.example.org/x", "url_invalid"),
        ("javascript:alert(1)", "url_invalid"),
        ("hooks.example.org/x", "url_invalid"),
        ("https://user:pw@hooks.example.org/x", "url_invalid"),
        ("http://127.0.0.1:99999/x", "url_invalid"),
        ("http://127.0.0.1:9/x", "url_private"),
        ("http://localhost:9/x", "url_private"),
        ("http://10.1.2.3/x", "url_private"),
        ("http://192.168.1.10/x", "url_private"),
        ("http://169.254.169.254/latest/meta-data", "url_private"),
        ("http://[::1]:9/x", "url_private"),
        ("http://[::ffff:127.0.0.1]:9/x", "url_private"),
        ("http://0.0.0.0:9/x", "url_private"),
        (f"{server.http}/api/templates", "url_self"),
        (f"http://localhost:{server.port}/x", "url_self"),
        ("https://no-such-host.invalid/x", "url_unresolved"),
        ("https://hooks.example.org/" + "x" * 2000, "value_too_long"),
    ]:
        assert put({"webhook_url": url}) == (400, code), url
    assert put({"emails": ["not an address"]}) == (400, "email_invalid")
    assert put({"emails": ["a" * 250 + "@example.org"]}) == (400, "value_too_long")
    many = [f"p{i}@example.org" for i in range(21)]
    assert put({"emails": many}) == (400, "too_many_recipients")
    # Valid addresses, but this server has no SMTP.
    assert put({"emails": ["lina@example.org"]}) == (400, "smtp_off")
    assert put({"digest_hours": 5}) == (400, "invalid_message")
    assert put({"enabled": "true"}) == (400, "invalid_message")
    assert put({"webhook_url": "https://hooks.slack.com/x", "extra": 1}) == (400, "invalid_message")
    assert put({}, participant) == (403, "forbidden")
    with api(server, board["board_id"], participant) as rest:
        assert rest.get("/notifications").status_code == 403
        assert rest.post("/notifications/test").status_code == 403
    with api(server, board["board_id"], fac) as rest:
        assert rest.post("/notifications/test").json()["code"] == "notifications_off"
        # Nothing refused was saved.
        assert rest.get("/notifications").json()["enabled"] is False


@pytest.mark.asyncio
@pytest.mark.slow
@pytest.mark.postgres
async def test_each_notification_once_with_two_processes_and_a_restart(
    sinks: tuple[HttpSink, SmtpSink], pg_url: str, tmp_path: Path
) -> None:
    """Two processes on PostgreSQL + Redis both plan and deliver; every message
    arrives once, on both channels, also when both restart in the middle."""
    hook, smtp = sinks
    broker = redis_or_skip()
    clock = tmp_path / "clock"
    set_offset(clock, 0)
    env = {**notify_env(clock, smtp), "SAMSKAPA_BROKER_URL": broker}

    def start(url: str, i: int, port: int = 0) -> ServerProcess:
        server = ServerProcess(url, tmp_path / f"d{i}", env=env, module="tests.clock_server")
        if port:
            server.port = port
        return server.start()

    servers = [start(pg_url, i) for i in range(2)]
    clients: list[Client] = []
    try:
        async with asyncio.timeout(150):
            board = create_board(servers[0].http, title="Två processer")
            fac = member(servers[0], board, "facilitator", "Lina")
            people = [member(servers[i % 2], board, "participant", f"P{i}") for i in range(3)]
            clients = [fac, *people]
            for c in clients:
                await c.connect()
            with api(servers[1], board["board_id"], fac.credential) as rest:
                body = {"enabled": True, "webhook_url": hook.url(),
                        "emails": ["lina@example.org"], "digest_hours": 6}  # fmt: skip
                assert rest.put("/notifications", json=body).status_code == 200
            for i, c in enumerate(people):
                assert (await c.result(await c.op(note(f"n{i}", "idé"))))["type"] == "ack"
            deadline = int(time.time() * 1000) + 2 * DAY
            op = await fac.op({"type": "collection.schedule", "closes_at": deadline})
            assert (await fac.result(op))["type"] == "ack"

            set_offset(clock, 6 * HOUR + 60_000)  # the digest
            hook.wait(1)
            await asyncio.to_thread(settle, servers)
            set_offset(clock, DAY + 60_000)  # the reminder (nothing new: no digest)
            hook.wait(2)
            await asyncio.to_thread(settle, servers)

            # Both processes stop; the deadline passes while they are down.
            ports = [s.port for s in servers]
            for s in servers:
                s.stop()
            set_offset(clock, 2 * DAY + 60_000)
            servers = [start(pg_url, i, port) for i, port in enumerate(ports)]
            hook.wait(3)
            await asyncio.to_thread(settle, servers)

            assert _kinds(hook.texts()) == ["digest", "reminder", "closed"]
            assert "3 new ideas" in hook.texts()[0]
            smtp.wait(3)
            assert sorted(m["Subject"].split(" ", 1)[0] for m in smtp.mails) == [
                "New", "Två", "Två",
            ]  # fmt: skip
            assert len(smtp.mails) == 3
            # One delivery id per message: no message was sent by both.
            ids = [p.headers["x-samskapa-delivery"] for p in hook.posts]
            assert len(set(ids)) == 3
    finally:
        for c in clients:
            await c.close()
        for s in servers:
            s.stop()
