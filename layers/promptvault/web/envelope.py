"""The response envelope every endpoint speaks. Standard library only."""

from __future__ import annotations

import html
import json
from typing import Any

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html; charset=utf-8"


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
# On every HTML answer (a page a person opens from an email), unless the route set its own:
# nothing loads, no script runs, no site frames it; its forms post back to this origin only.
HTML_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
# On answers to a request that carried credentials, unless the route set its own.
PRIVATE_CACHE_CONTROL = "no-store"


def _is_html(headers: dict[str, str]) -> bool:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return content_type.split(";", 1)[0].strip().lower() == "text/html"


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
    if _is_html(headers) and "content-security-policy" not in present:
        headers["Content-Security-Policy"] = HTML_CSP
    return {**response, "headers": headers}


def error_page(status: int, code: str, message: str) -> str:
    """A refusal as a small HTML page, for a route that answers people (an HTML endpoint):
    the message and the stable code, escaped; no style, no script (HTML_CSP)."""
    title = "This link does not work" if status < 500 else "Something went wrong"
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} · PromptVault</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
        f"<p>{html.escape(message)}</p>\n<p><small>{status} {html.escape(code)}</small></p>\n"
        "</body>\n</html>\n"
    )


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
