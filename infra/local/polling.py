"""A background poller of the local runtime: one daemon thread calling a round until stopped.

The stream pump and the queue poller each run one (Lambda's pollers of a stream and of a
queue); a round that raises is logged and the next one runs after ``poll_seconds``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable


class PollingThread:
    def __init__(
        self, name: str, round_: Callable[[], object], poll_seconds: float, log: logging.Logger
    ) -> None:
        self.name = name
        self.poll_seconds = poll_seconds
        self._round = round_
        self._log = log
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._round()
            except Exception:
                self._log.exception("%s poll failed", self.name)
            self._stop.wait(self.poll_seconds)
