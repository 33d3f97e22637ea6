"""A real webhook receiver for tests: an ``http.server`` on 127.0.0.1 in a thread, answering
scripted statuses and keeping every request it got (headers and raw body)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in turn; then 200
    received: list[Received] = field(default_factory=list)
    got_one: threading.Event = field(default_factory=threading.Event)

    def wait(self, count: int = 1, timeout: float = 20.0) -> list[Received]:
        deadline = threading.Event()
        waited = 0.0
        while len(self.received) < count and waited < timeout:
            deadline.wait(0.05)
            waited += 0.05
        return list(self.received)


@contextmanager
def receiver(*statuses: int, path: str = "/hooks") -> Iterator[Receiver]:
    """A receiver at ``http://127.0.0.1:<free port><path>``; stopped when the block ends."""
    state = Receiver("", list(statuses))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            reply = b'{"ok": true}' if status < 300 else b"x" * 5000  # a long error page
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
            state.got_one.set()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
