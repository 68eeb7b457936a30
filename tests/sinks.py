"""Real receivers for notifications: an HTTP server that records webhook posts,
and an SMTP server (aiosmtpd) that records e-mails. Both run in threads of
the test process, on ports of their own."""

import email
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.services import free_port


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class HttpSink:
    """Answers 200 to every POST and keeps it; `fail` makes the next N answer 503."""

    port: int = field(default_factory=free_port)
    posts: list[Post] = field(default_factory=list)
    refused: int = 0
    fail: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hooks/secret-path-3f9a") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "HttpSink":
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                data = self.rfile.read(length)
                with sink._lock:
                    failing = sink.fail > 0
                    if failing:
                        sink.fail -= 1
                        sink.refused += 1
                    else:
                        sink.posts.append(
                            Post(self.path, {k.lower(): v for k, v in self.headers.items()},
                                 json.loads(data))
                        )  # fmt: skip
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def texts(self) -> list[str]:
        with self._lock:
            return [p.body["text"] for p in self.posts]

    def wait(self, count: int, timeout: float = 30) -> list[Post]:
        """The posts, once there are at least `count`."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if len(self.posts) >= count:
                    return list(self.posts)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.posts)} posts, waited for {count}: {self.texts()}")


class _Collect:
    def __init__(self, into: list[EmailMessage]) -> None:
        self.into = into

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.into.append(message)
        return "250 OK"


@dataclass
class SmtpSink:
    port: int = field(default_factory=free_port)
    mails: list[EmailMessage] = field(default_factory=list)
    _controller: Controller | None = None

    def start(self) -> "SmtpSink":
        self._controller = Controller(_Collect(self.mails), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.mails) >= count:
                return list(self.mails)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.mails)} e-mails, waited for {count}")


def body_of(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())
