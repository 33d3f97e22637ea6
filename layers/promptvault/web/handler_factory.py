"""Builds one function's handler: resolver, error envelope, auth, body limit, observability.

``promptvault.web.entry`` calls ``build_handler`` at import (Lambda's init phase). The route
itself is the function's catalogue row: ``register`` puts the route module's endpoint on the
resolver with the row's method, path, tag and summary; ``open_clients`` makes the AWS clients
the row's access uses, so the first request pays for its calls and nothing else.
"""

from __future__ import annotations

import base64
import importlib
import json
import typing
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from promptvault.catalogue import Route, by_function, function_module
from promptvault.core.caller import Caller, bind_caller, unbind_caller
from promptvault.core.errors import (
    BadRequest,
    DomainError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from promptvault.web.envelope import (
    FORM,
    HTML,
    JSON,
    error_body,
    error_page,
    error_response,
    with_security_headers,
)
from promptvault.web.responses import Endpoint

logger = Logger(service="promptvault")
metrics = Metrics(namespace="PromptVault", service="promptvault")


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def _validation_response(exc: RequestValidationError) -> Response[str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return Response(400, JSON, error_body("BAD_REQUEST", "The body is not valid JSON"))
    details = [{"field": _field_name(tuple(e.get("loc", ()))), "message": e["msg"]} for e in errors]
    return Response(422, JSON, error_body("VALIDATION_ERROR", "The request is not valid", details))


def make_resolver(pages: bool = False) -> APIGatewayHttpResolver:
    """A resolver with pydantic validation and every error mapped to the envelope; with
    ``pages`` (an HTML endpoint), the function's own refusals as HTML pages instead."""
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response[str]:
        metrics.add_metric(name="ClientError", unit=MetricUnit.Count, value=1)
        return _validation_response(exc)

    @app.exception_handler(RequestUnsupportedContentType)
    def _not_json(_exc: RequestUnsupportedContentType) -> Response[str]:
        # _one_json_object refuses these first; this keeps a missed case a 415, never a 500
        metrics.add_metric(name="ClientError", unit=MetricUnit.Count, value=1)
        status, code = UnsupportedMediaType.status, UnsupportedMediaType.code
        return Response(status, JSON, error_body(code, _NOT_JSON, [_CONTENT_TYPE]))

    @app.exception_handler(DomainError)
    def _domain(exc: DomainError) -> Response[str]:
        metrics.add_metric(name="ClientError", unit=MetricUnit.Count, value=1)
        if pages:
            return Response(exc.status, HTML, error_page(exc.status, exc.code, exc.message))
        return Response(exc.status, JSON, error_body(exc.code, exc.message, exc.details))

    @app.not_found
    def _missing(_exc: Exception) -> Response[str]:
        return Response(404, JSON, error_body("NOT_FOUND", "No such route"))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[str]:
        logger.exception("unhandled error")
        metrics.add_metric(name="ServerError", unit=MetricUnit.Count, value=1)
        return Response(500, JSON, error_body("INTERNAL_ERROR", "Something went wrong on our side"))

    return app


def endpoint_of(route: Route) -> Endpoint:
    """What the route's module (functions/<function>/route.py) declares."""
    endpoint: Endpoint = importlib.import_module(function_module(route.function, "route")).endpoint
    return endpoint


def register(resolver: APIGatewayHttpResolver, route: Route) -> None:
    """Serve the route on the resolver: method, path, tag and summary are the catalogue row's;
    the function and the responses it documents are its endpoint's."""
    endpoint = endpoint_of(route)
    resolver.route(
        route.resolver_path,
        route.method,
        summary=route.summary,
        responses=endpoint.responses(route),
        tags=[route.tag],
    )(endpoint.handle)


def _body_size(event: dict[str, Any]) -> int:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return len(base64.b64decode(body))
    return len(body.encode())


_NOT_JSON = "Send the body as JSON, with 'Content-Type: application/json'"
_CONTENT_TYPE = {"field": "Content-Type", "message": "must be application/json"}


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValidationFailed(
                "The request is not valid",
                [{"field": "body", "message": f"must not repeat the key {key!r}"}],
            )
        seen[key] = value
    return seen


def _one_json_object(event: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """One body, one resource (docs/security.md, finding 11), for a route that takes a body.

    Powertools would validate a JSON array's first element as the body and drop the rest, so
    anything but one JSON object is refused here, before the resolver runs: another media type
    is 415 (``multipart/form-data`` without a boundary included: it is never parsed), a body
    that is not UTF-8 JSON is 400 (as is nesting too deep to parse), an array or a scalar is
    422, and so is a repeated key, which would keep only its last value. A missing body is left to
    the resolver, which names it. Returns the event to resolve, its Content-Type spelt in lower
    case where it was not (the resolver compares it case-sensitively). ``headers``: the
    event's, names in lower case.
    """
    content_type = headers.get("content-type", "")
    media, _, parameters = content_type.partition(";")
    if media.strip().lower() not in {"", JSON}:
        raise UnsupportedMediaType(_NOT_JSON, [_CONTENT_TYPE])
    body = event.get("body")
    if body is None or body == "":
        return event
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body
        # JSON between systems is UTF-8 (RFC 8259); json.loads would also take UTF-16 bytes
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise BadRequest("The body is nested too deeply") from None
    except ValueError:  # not JSON, not UTF-8, or not base64
        raise BadRequest("The body is not valid JSON") from None
    if not isinstance(value, dict):
        detail = {"field": "body", "message": "must be one JSON object, not an array or a value"}
        raise ValidationFailed("The request is not valid", [detail])
    if media and not content_type.startswith(JSON):
        others = {k: v for k, v in headers.items() if k != "content-type"}
        spelled = JSON + (f";{parameters}" if parameters else "")
        event = {**event, "headers": {**others, "content-type": spelled}}
    return event


_NOT_FORM = f"Send the body as a form, with 'Content-Type: {FORM}'"
_FORM_CONTENT_TYPE = {"field": "Content-Type", "message": f"must be {FORM}"}


def _one_form_object(event: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """A form body, for a route whose body is declared as one (``Endpoint.takes_form``): the
    JSON body's rules (decision 28) for ``application/x-www-form-urlencoded``. Another media
    type is 415, a body that is not UTF-8 (raw or percent-encoded) 400, a repeated field 422;
    the fields become one JSON object of strings, which the resolver validates against the
    route's model like any JSON body (so an unknown or missing field is 422 and named)."""
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != FORM:
        raise UnsupportedMediaType(_NOT_FORM, [_FORM_CONTENT_TYPE])
    body = event.get("body") or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except ValueError:  # not base64, not UTF-8, or a percent-escape that is not UTF-8
        raise BadRequest("The body is not valid form data") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            detail = {"field": "body", "message": f"must not repeat the field {name!r}"}
            raise ValidationFailed("The request is not valid", [detail])
        fields[name] = value
    others = {k: v for k, v in headers.items() if k != "content-type"}
    return {
        **event,
        "headers": {**others, "content-type": JSON},
        "body": json.dumps(fields),
        "isBase64Encoded": False,
    }


def _caller_for(route: Route, headers: dict[str, str]) -> Caller | None:
    if route.auth == "public":
        return None
    authorization = headers.get("authorization")
    if authorization is None and route.auth == "user":
        from promptvault.core.errors import Unauthorized

        raise Unauthorized("Sign in to do this: send 'Authorization: Bearer <accessToken>'")
    if authorization is None:
        return None
    from promptvault.identity.credentials import authenticate, permit

    caller = authenticate(authorization)
    permit(route, caller)
    return caller


def _limit(route: Route, caller: Caller | None, event: dict[str, Any]) -> None:
    if route.rate_limit != "none":
        from promptvault.ratelimit.gate import check

        check(route, caller, event)


def _refusal(exc: DomainError) -> dict[str, Any]:
    response = error_response(exc.status, exc.code, exc.message, exc.details)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response["headers"]["Retry-After"] = str(retry_after)
    return response


def open_clients(route: Route) -> None:
    """What this function's requests use, made at init and nothing more (a route that calls
    no AWS service loads no botocore): the credential check and the rate limiter, the table's
    connection (table access, a rate limit or a credential to check), Cognito for the routes
    that call it, Secrets Manager where the server secret comes from it. No call is made."""
    from promptvault.core.settings import get_settings

    access = set(route.access)
    checks = route.auth != "public" or route.rate_limit != "none"
    # what _caller_for and _limit import, imported now
    if route.auth != "public":
        from promptvault.identity.credentials import authenticate  # noqa: F401
    if route.rate_limit != "none":
        from promptvault.ratelimit.gate import check  # noqa: F401
    if checks or any(a.startswith(("table:", "index:")) for a in access):
        from promptvault.data.transactions import connect

        connect()
    if any(a.startswith("cognito:") for a in access):
        from promptvault.core import aws

        aws.client("cognito-idp")
    if "secret:read" in access and get_settings().cursor_secret_arn:
        from promptvault.core import aws

        aws.client("secretsmanager")


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def prime(resolver: APIGatewayHttpResolver, endpoint: Endpoint) -> None:
    """Build now what the first request would: the schemas of the bodies this route reads and
    answers (``ApiModel`` defers them, so a function builds only its own), and the resolver's
    validation of the route's parameters and body."""
    hints = typing.get_type_hints(endpoint.handle, include_extras=True)
    for model in {*_models_in(endpoint.model), *(m for h in hints.values() for m in _models_in(h))}:
        model.model_rebuild()
    for served in (*resolver._static_routes, *resolver._dynamic_routes):
        served.dependant  # noqa: B018  (cached properties: the parameters' validation)
        served.body_field  # noqa: B018


def build_handler(function: str) -> Any:
    route = by_function()[function]
    endpoint = endpoint_of(route)
    resolver = make_resolver(pages=endpoint.answers_html)
    register(resolver, route)
    prime(resolver, endpoint)
    open_clients(route)
    takes_body = endpoint.takes_body
    one_object = _one_form_object if endpoint.takes_form else _one_json_object

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        # Every answer, the resolver's and the refusals before it, gets the security headers.
        credentialed = "authorization" in headers
        return with_security_headers(answer(event, headers, context), credentialed)

    def answer(event: dict[str, Any], headers: dict[str, str], context: Any) -> dict[str, Any]:
        try:
            if _body_size(event) > route.max_body_bytes:
                raise PayloadTooLarge(f"The body exceeds {route.max_body_bytes} bytes")
            caller = _caller_for(route, headers)
            _limit(route, caller, event)
        except DomainError as exc:
            return _refusal(exc)
        if takes_body:
            try:
                event = one_object(event, headers)
            except DomainError as exc:
                metrics.add_metric(name="ClientError", unit=MetricUnit.Count, value=1)
                return _refusal(exc)
        token = bind_caller(caller)
        try:
            return resolver.resolve(event, context)
        finally:
            unbind_caller(token)

    with_metrics = metrics.log_metrics(handle)
    return logger.inject_lambda_context(
        with_metrics, correlation_id_path=correlation_paths.API_GATEWAY_HTTP
    )
