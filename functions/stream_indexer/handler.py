"""Table stream -> search index (versioned). Heavy imports wait for the first batch."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.streams.indexer import handle

    return handle(event, context)
