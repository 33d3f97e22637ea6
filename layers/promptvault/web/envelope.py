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


# On every answer of every function (handler_factory.build_handler adds them once, to
# successes and refusals alike): HTTPS only for two years, no MIME sniffing, no Referer.
SECURITY_HEADERS: dict[str, str] = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# On answers to a request that carried credentials, unless the route set its own.
PRIVATE_CACHE_CONTROL = "no-store"


def with_security_headers(response: dict[str, Any], credentialed: bool) -> dict[str, Any]:
    """The response with SECURITY_HEADERS (and Cache-Control: no-store for a credentialed
    request whose route stated no Cache-Control); a header the route set is kept."""
    headers = dict(response.get("headers") or {})
    present = {name.lower() for name in headers}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            headers[name] = value
    if credentialed and "cache-control" not in present:
        headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return {**response, "headers": headers}


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
