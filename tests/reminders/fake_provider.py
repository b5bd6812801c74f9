"""A fake SMS provider speaking Twilio's Messages API, served on 127.0.0.1 (never the internet).

It checks the path and the basic-auth credentials like the real one, records every message it
accepts (with the moment it arrived), and can be told to fail: a number that always answers 400 (invalid), a number that
answers 500 a few times first, or a 429 with Retry-After for the next requests."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SID = "ACfake0000000000000000000000000000"
TOKEN = "fake-auth-token"  # noqa: S105 - a test double's credential


@dataclass
class Received:
    to: str
    body: str
    sid: str
    fields: dict[str, str]
    at: float = 0.0  # time.monotonic() when it arrived (the rate tests read the spacing)


@dataclass
class FakeProvider:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)
    flaky: dict[str, int] = field(default_factory=dict)  # number -> how many 500s before success
    throttle: int = 0  # how many of the next requests answer 429
    delay: float = 0.0  # seconds each accepted request takes (widens the window for races)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            return

        def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
            if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                return self._answer(404, {"code": 20404, "message": "not found"})
            if self.headers.get("Authorization") != expected:
                return self._answer(401, {"code": 20003, "message": "authenticate"})
            to = form.get("To", "")
            with fake.lock:
                fake.requests += 1
                if fake.throttle > 0:
                    fake.throttle -= 1
                    return self._answer(429, {"code": 20429, "message": "too many"}, {"Retry-After": "0"})
                if to in fake.invalid:
                    return self._answer(400, {"code": 21211, "message": "invalid To"})
                if fake.flaky.get(to, 0) > 0:
                    fake.flaky[to] -= 1
                    return self._answer(500, {"code": 20500, "message": "internal"})
                sid = "SM" + uuid.uuid4().hex
                received = Received(to=to, body=form.get("Body", ""), sid=sid, fields=form, at=time.monotonic())
                fake.received.append(received)
            if fake.delay:
                time.sleep(fake.delay)
            return self._answer(201, {"sid": sid, "status": "queued", "to": to})

    return Handler


def start_fake_provider() -> FakeProvider:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    fake = FakeProvider(server=server)
    server.RequestHandlerClass = _handler(fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
