"""Uploaded import files (S3 ObjectCreated, through the function's SQS queue) -> prompts."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    from promptvault.imports.worker import handle

    return handle(event, context)
