"""SES bounces and complaints (SNS) -> the address is suppressed."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.notifications.suppression import handle

    return handle(event, context)
