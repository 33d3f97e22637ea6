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
    """In JSON always; an HTML endpoint's own refusals may also come as a page."""
    endpoint = endpoint_of(route)
    for status, response in _operation(route)["responses"].items():
        if int(status) >= 400:
            content = dict(response["content"])
            schema = content.pop("application/json")["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, status
            pages = endpoint.errors if endpoint.answers_html else ()
            assert set(content) == ({"text/html"} if int(status) in pages else set()), status


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_an_html_endpoint_declares_its_success_as_a_page(route: Route):
    endpoint = endpoint_of(route)
    success = _operation(route)["responses"][str(endpoint.status)]

    if endpoint.files:  # a file to save (the export): each media type it is sent as
        assert sorted(success["content"]) == sorted(endpoint.files)
        documents = {"schema": {"type": "array", "items": {"type": "object"}}}
        text = {"schema": {"type": "string"}}
        for media_type, content in success["content"].items():
            structured = media_type in ("application/json", "application/yaml")
            assert content == (documents if structured else text), media_type
        return
    expected = "text/html" if endpoint.answers_html else "application/json"
    assert list(success.get("content", {expected: None})) == [expected]


def test_only_the_export_answers_a_file():
    files = {route.route_key: endpoint_of(route).files for route in ROUTES}

    assert {key for key, media in files.items() if media} == {"GET /v1/users/me/export"}


def test_a_form_body_is_declared_as_a_form():
    forms = [route for route in ROUTES if endpoint_of(route).takes_form]

    assert [route.route_key for route in forms] == ["POST /v1/email/unsubscribe"]
    for route in forms:
        content = _operation(route)["requestBody"]["content"]
        assert list(content) == ["application/x-www-form-urlencoded"]


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
        for media in body["content"].values():
            assert {"type": "null"} not in media["schema"].get("anyOf", []), route.route_key
