"""Table stream -> engagement counters (exactly once). Heavy imports wait for the first batch."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.streams.counters import handle

    return handle(event, context)
