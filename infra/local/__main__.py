"""``python -m infra.local``: serve until Ctrl-C or SIGTERM, on 127.0.0.1:$PORT (default 3000)."""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
from types import FrameType

from infra.local import opensearch_node
from infra.local.runtime import LocalRuntime, start_local


def _banner(runtime: LocalRuntime) -> str:
    base = runtime.base_url
    return "\n".join(
        [
            "PromptVault local runtime is up (stage 'local', no AWS account involved)",
            f"  API          {base}/v1",
            f"  Swagger UI   {base}/docs",
            f"  OpenAPI      {base}/openapi.json",
            f"  Outbox       {base}/_local/outbox  (JSON)",
            f"  Outbox page  {base}/_local/outbox/view  (the emails as a person reads them)",
            f"  Roles        POST {base}/_local/roles  {{email, role}}",
            f"  Dead letters {base}/_local/dead-letters  (stream records)",
            *_events(runtime),
            f"  moto         {runtime.moto_url}",
            f"  Search       {_search(runtime)}",
            "Press Ctrl-C to stop.",
        ]
    )


def _events(runtime: LocalRuntime) -> list[str]:
    """The bus and its queues, the schedules and SES feedback: the paths AWS would drive."""
    base = runtime.base_url
    consumers = runtime.poller.consumers if runtime.poller else []
    queues = [c.function for c in consumers if c.route.bus]
    lines = [
        f"  Event bus    {runtime.event_bus} -> {', '.join(queues) or 'no queues'}",
        f"  Queues       {base}/_local/queues  (depth, dead letters)",
    ]
    # the imports bucket's uploads (docs/imports.md): its events go to the import worker
    uploads = [c for c in consumers if not c.route.bus]
    lines += [f"  Uploads      {c.route.rule} -> {c.function}" for c in uploads]
    periods = list(runtime.triggers.periods) if runtime.triggers else []
    for period in periods:
        lines.append(f"  Schedule     POST {base}/_local/schedules/{period}")
    lines.append(
        f"  SES feedback POST {base}/_local/email/feedback  {{type: Bounce|Complaint, email}}"
    )
    return lines


def _search(runtime: LocalRuntime) -> str:
    node = runtime.search_node
    if node is None:
        return "tantivy (a temporary on-disk index)"
    return f"OpenSearch {opensearch_node.VERSION} on {node.url} (heap {node.heap})"


def main() -> int:
    port = int(os.environ.get("PORT", "3000"))
    search = os.environ.get("SEARCH") or "tantivy"
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        runtime = start_local(port, search=search)
    except OSError as exc:
        print(f"Cannot start the local runtime on 127.0.0.1:{port}: {exc}", file=sys.stderr)
        return 1
    except (ValueError, opensearch_node.NodeUnavailable) as exc:
        print(f"Cannot start search ({search}): {exc}", file=sys.stderr)
        return 1
    print(_banner(runtime), flush=True)
    try:
        # Bounded waits: the main thread runs bytecode twice a second, so the signal handler
        # runs even when the kernel delivered the signal to another thread.
        while not stop.wait(0.5):
            pass
    finally:
        # Should stopping ever hang, the log gets every thread's stack after 30 s.
        faulthandler.dump_traceback_later(30)
        runtime.stop()
        faulthandler.cancel_dump_traceback_later()
        print("PromptVault local runtime stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
