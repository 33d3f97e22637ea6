"""The document declares what the web layer can answer for each route, derived from its
catalogue row, and says what goes over the wire where the resolver's inference would not."""

from __future__ import annotations

import pytest

from infra.openapi import build_openapi, built_routes
from promptvault.catalogue import Route
from promptvault.web.handler_factory import endpoint_of

DOCUMENT = build_openapi()
ROUTES = built_routes()


def _operation(route: Route) -> dict:
    return DOCUMENT["paths"][route.path][route.method.lower()]


def _declared(route: Route) -> set[int]:
    return {int(status) for status in _operation(route)["responses"]}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_every_route_declares_what_the_web_layer_can_answer(route: Route):
    declared = _declared(route)

    assert {400, 413, 422} <= declared
    assert (415 in declared) == endpoint_of(route).takes_body
    assert {401, 403} <= declared or route.auth == "public"
    assert 429 in declared or route.rate_limit == "none"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_error_statuses_answer_the_error_envelope(route: Route):
    for status, response in _operation(route)["responses"].items():
        if int(status) >= 400:
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, status


def test_a_204_declares_no_body():
    no_content = [
        _operation(route)["responses"]["204"]
        for route in ROUTES
        if "204" in _operation(route)["responses"]
    ]

    assert no_content
    assert all("content" not in response for response in no_content)


def test_an_optional_body_is_documented_as_left_out_never_as_null():
    for route in ROUTES:
        body = _operation(route).get("requestBody")
        if body is None:
            continue
        schema = body["content"]["application/json"]["schema"]
        assert {"type": "null"} not in schema.get("anyOf", []), route.route_key
