"""Prompt events (SQS, from the bus's rule) and our own retries -> signed webhook deliveries."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.webhooks.delivery import handle

    return handle(event, context)
