"""Table stream -> domain events on the stage's bus. Heavy imports wait for the first batch."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.streams.publisher import handle

    return handle(event, context)
