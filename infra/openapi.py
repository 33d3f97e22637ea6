"""The OpenAPI document, generated from the route catalogue and the functions' endpoints.

A build tool, not shipped in the Lambda layer. Every catalogue route is registered on one
resolver the way its function registers it (``promptvault.web.handler_factory.register``:
method, path, tag and summary from the row; parameters, bodies and response models from the
route module's endpoint); the catalogue then adds what a resolver cannot know: the auth mode
of each route (security, ``x-auth``) and a stable operationId. ``python -m infra.openapi``
prints it; ``make openapi`` commits it as docs/openapi.json and a test fails on drift.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from promptvault.catalogue import ROUTES, Route, function_module

TITLE = "PromptVault API"
BEARER = "bearerAuth"
_DESCRIPTION = (
    "A prompt library: store, version, label, render, share and search AI prompts. "
    "Every answer is an envelope: `{success, data, meta}` or `{success: false, error}`. "
    "Writes need `Authorization: Bearer <accessToken>` from `POST /v1/auth/login`, or a "
    "personal API key (`Bearer pv_…`) with the route's scope."
)
_TAGS = {
    "auth": "Sign-up, confirmation, login, tokens and password reset",
    "users": "Profiles, the signed-in user, personal API keys and account deletion",
    "social": "Follows and the reputation leaderboard",
    "notifications": "In-app notifications, email preferences and one-click unsubscribe",
    "admin": "Roles (admins) and moderation (moderators and admins)",
    "prompts": "Prompts and their immutable versions",
    "reference": "Reference data: categories and models; the tags of public prompts",
    "imports": "Import prompts from files (asynchronously, exactly once) and export one's own",
    "community": "Collections and comments: what people gather and say about prompts",
    "webhooks": "Signed webhooks for events on one's prompts: register, test ping, deliveries "
    "and secret rotation",
    "workspaces": "Workspaces: a personal one for everyone, team ones with members and roles",
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _api_version() -> str:
    try:
        return version("promptvault")
    except PackageNotFoundError:
        return "0.0.0"


def built_routes() -> list[Route]:
    """Catalogue routes whose function package has a route module, in catalogue order."""
    return [r for r in ROUTES if importlib.util.find_spec(function_module(r.function, "route"))]


def _security(route: Route) -> list[dict[str, list[str]]] | None:
    if route.auth == "user":
        return [{BEARER: []}]
    if route.auth == "optional":
        return [{}, {BEARER: []}]  # anonymous allowed; a token, when sent, must be valid
    return None


def _annotate(document: dict[str, Any]) -> None:
    """Stamp each catalogued operation with its auth mode and operationId (its tag and summary
    came with its registration)."""
    paths = document.get("paths", {})
    for route in ROUTES:
        operation = paths.get(route.path, {}).get(route.method.lower())
        if operation is None:
            continue
        operation["operationId"] = route.function
        operation["x-auth"] = route.auth
        security = _security(route)
        if security is None:
            operation.pop("security", None)
        else:
            operation["security"] = security


def _what_is_sent(document: dict[str, Any]) -> None:
    """Say what goes over the wire where the resolver's inference does not: a 204 has no body
    (the resolver infers a string from the handler's return type), and an optional body is
    left out, never sent as JSON ``null`` (the web layer takes one JSON object or nothing)."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            no_content = operation.get("responses", {}).get("204")
            if no_content is not None:
                no_content.pop("content", None)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                alternatives = media.get("schema", {}).get("anyOf", [])
                objects = [a for a in alternatives if a != {"type": "null"}]
                if len(alternatives) == 2 and len(objects) == 1:
                    media["schema"] = objects[0]


def _schema_document() -> dict[str, Any]:
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Tag

    from promptvault.web.handler_factory import make_resolver, register

    resolver = make_resolver()
    for route in built_routes():
        register(resolver, route)
    used_tags = dict.fromkeys(route.tag for route in ROUTES)
    schema = resolver.get_openapi_json_schema(
        title=TITLE,
        version=_api_version(),
        description=_DESCRIPTION,
        tags=[Tag(name=tag, description=_TAGS.get(tag)) for tag in used_tags],
        security_schemes={
            BEARER: HTTPBearer(
                bearerFormat="JWT", description="A Cognito access token from POST /v1/auth/login"
            )
        },
    )
    document: dict[str, Any] = json.loads(schema)
    return document


def build_openapi() -> dict[str, Any]:
    """The whole document as a dict (deterministic: same code, same document)."""
    document = _schema_document()
    _annotate(document)
    _what_is_sent(document)
    return document


def render(document: dict[str, Any]) -> str:
    """The committed form: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    # Importing the routers must not need AWS: no tracer daemon, no real endpoints read.
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("AWS_REGION", "us-east-1")
    sys.stdout.write(render(build_openapi()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
