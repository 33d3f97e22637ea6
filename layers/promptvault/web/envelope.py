"""The response envelope every endpoint speaks. Standard library only."""

from __future__ import annotations

import json
from typing import Any

JSON = "application/json"


def success_body(data: Any, meta: dict[str, Any] | None = None) -> str:
    return json.dumps({"success": True, "data": data, "meta": meta or {}}, ensure_ascii=False)


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> str:
    error = {"code": code, "message": message, "details": details or []}
    return json.dumps({"success": False, "error": error}, ensure_ascii=False)


def error_response(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An API Gateway (payload v2) response, for errors raised before the resolver runs."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON},
        "body": error_body(code, message, details),
        "isBase64Encoded": False,
    }
