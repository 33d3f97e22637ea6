"""Calls the real Lambda handlers with API Gateway HTTP API (v2) events, as the gateway does."""

from __future__ import annotations

import importlib
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from promptvault.catalogue import ROUTES, Route


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error(self) -> dict[str, Any]:
        return self.body["error"]


class FakeContext:
    function_name = "test"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "req"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    parts = path.strip("/").split("/")
    for route in ROUTES:
        template = route.path.strip("/").split("/")
        if route.method != method or len(template) != len(parts):
            continue
        params: dict[str, str] = {}
        for want, got in zip(template, parts, strict=True):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            return route, params
    return None


def event(
    route: Route,
    path: str,
    params: dict[str, str],
    body: str | None,
    headers: dict[str, str],
    query: dict[str, str],
) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path,
        "rawQueryString": urlencode(query),
        "headers": {k.lower(): v for k, v in headers.items()},
        "queryStringParameters": query or None,
        "pathParameters": params or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "localhost",
            "http": {
                "method": route.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pytest",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def call(
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    raw: str | None = None,
) -> Reply:
    found = match(method, path)
    assert found, f"no route for {method} {path}"
    route, params = found
    all_headers = {"content-type": "application/json", **(headers or {})}
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    text = raw if raw is not None else (None if body is None else json.dumps(body))
    module = importlib.import_module(f"functions.{route.function}.handler")
    response = module.handler(
        event(route, path, params, text, all_headers, query or {}), FakeContext()
    )
    return reply_of(response)


def reply_of(response: dict[str, Any]) -> Reply:
    """A handler's answer: a JSON body parsed, a page (HTML) or a file (CSV, YAML,
    markdown: an export) kept as its text."""
    headers = response.get("headers") or {}
    body = response.get("body")
    media = str(headers.get("Content-Type", "")).split(";")[0].strip()
    page = media.startswith("text/") or media == "application/yaml"
    payload = (body if page else json.loads(body)) if body else None
    return Reply(response["statusCode"], headers, payload)
