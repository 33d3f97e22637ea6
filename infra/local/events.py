"""What API Gateway (HTTP API, payload format 2.0) hands a Lambda, and what it does with the answer.

Handlers only ever see this shape on AWS, so the local gateway builds it faithfully:
lower-cased headers with duplicates comma-joined, cookies lifted out of the headers,
query values comma-joined, binary bodies base64-encoded.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

ACCOUNT_ID = "123456789012"
API_ID = "local"
STAGE = "$default"
LAMBDA_TIMEOUT_MS = 29_000  # API Gateway gives up on an integration after 29-30 s
MEMORY_MB = 512

_TEXT_TYPES = ("json", "xml", "javascript", "x-www-form-urlencoded", "yaml", "csv")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A request as the gateway received it; ``path`` is raw (still percent-encoded)."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def is_text(content_type: str | None) -> bool:
    """Whether API Gateway would pass the body as text rather than base64."""
    if not content_type:
        return True
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith("text/") or any(marker in kind for marker in _TEXT_TYPES)


def _joined_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _cookies(header: str | None) -> list[str]:
    if not header:
        return []
    return [part.strip() for part in header.replace(",", ";").split(";") if part.strip()]


def _query_parameters(raw: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def _encode_body(body: bytes, content_type: str | None) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if is_text(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def _request_context(request: HttpRequest, route_key: str, host: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": _joined_headers(request.headers).get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route_key,
        "stage": STAGE,
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }


def build_event(
    request: HttpRequest, route_key: str, path_parameters: dict[str, str]
) -> dict[str, Any]:
    """The payload v2 event for one matched request; absent parts are left out, as on AWS."""
    headers = _joined_headers(request.headers)
    cookies = _cookies(headers.pop("cookie", None))
    body, encoded = _encode_body(request.body, headers.get("content-type"))
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": headers,
        "requestContext": _request_context(request, route_key, headers.get("host", "localhost")),
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if request.query:
        event["queryStringParameters"] = _query_parameters(request.query)
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body is not None:
        event["body"] = body
    return event


@dataclass
class LambdaContext:
    """The parts of Lambda's context object handlers and Powertools read."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = MEMORY_MB
    function_version: str = "$LATEST"
    _deadline: float = field(default_factory=lambda: time.monotonic() + LAMBDA_TIMEOUT_MS / 1000)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def to_http_response(result: Any, request_id: str) -> HttpResponse:
    """Interpret a handler's return value the way API Gateway does for payload 2.0."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # A bare value means 200 with that value as JSON.
        result = {"statusCode": 200, "body": json.dumps(result), "headers": {}}
    headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(v)) for v in values)
    headers.extend(("Set-Cookie", cookie) for cookie in result.get("cookies") or [])
    body = result.get("body") or ""
    if body and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    headers.append(("apigw-requestid", request_id))
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, raw)
