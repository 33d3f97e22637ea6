"""The scheduled digest sender: {"period": "daily" | "weekly"} -> one email per person."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.notifications.digests import handle

    return handle(event, context)
