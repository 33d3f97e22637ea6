"""Domain events (SQS, from the bus's rule) -> in-app notifications and email, exactly once."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.notifications.notifier import handle

    return handle(event, context)
