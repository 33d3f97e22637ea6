"""The local gateway's translation, checked without a server: requests in, payload v2 out."""

from __future__ import annotations

import base64
import json

from infra.local.events import HttpRequest, build_event, to_http_response
from infra.local.routing import Match, RouteTable


def _request(**overrides: object) -> HttpRequest:
    fields: dict[str, object] = {
        "method": "GET",
        "path": "/v1/prompts/abc",
        "query": "",
        "headers": [("Host", "127.0.0.1:3000"), ("User-Agent", "curl/8")],
        "body": b"",
        "source_ip": "127.0.0.1",
    }
    return HttpRequest(**{**fields, **overrides})  # type: ignore[arg-type]


def test_headers_are_lower_cased_and_duplicates_comma_joined():
    request = _request(headers=[("X-Tag", "a"), ("x-tag", "b"), ("Host", "localhost")])

    event = build_event(request, "GET /v1/prompts/{id}", {"id": "abc"})

    assert event["headers"]["x-tag"] == "a,b"
    assert event["requestContext"]["domainName"] == "localhost"


def test_cookies_leave_the_headers_for_their_own_field():
    request = _request(headers=[("Cookie", "a=1; b=2")])

    event = build_event(request, "GET /v1/prompts/{id}", {"id": "abc"})

    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_repeated_query_values_are_comma_joined_and_the_raw_string_kept():
    event = build_event(_request(query="tag=a&tag=b&q=x%20y"), "GET /v1/prompts", {})

    assert event["rawQueryString"] == "tag=a&tag=b&q=x%20y"
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "x y"}


def test_absent_parts_are_left_out_as_api_gateway_does():
    event = build_event(_request(path="/v1/prompts"), "GET /v1/prompts", {})

    assert {"body", "cookies", "queryStringParameters", "pathParameters"}.isdisjoint(event)
    assert event["version"] == "2.0"
    assert event["requestContext"]["stage"] == "$default"
    assert event["requestContext"]["http"]["userAgent"] == "curl/8"


def test_json_bodies_pass_as_text_and_binary_ones_as_base64():
    text = build_event(
        _request(body=b'{"a": 1}', headers=[("Content-Type", "application/json")]), "k", {}
    )
    binary = build_event(
        _request(body=b"\x89PNG", headers=[("Content-Type", "image/png")]), "k", {}
    )

    assert (text["body"], text["isBase64Encoded"]) == ('{"a": 1}', False)
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x89PNG"


def test_a_literal_segment_wins_over_a_parameter_and_parameters_are_decoded():
    routes = RouteTable()

    me = routes.match("GET", "/v1/users/me/prompts")
    prompt = routes.match("GET", "/v1/prompts/caf%C3%A9")

    assert isinstance(me, Match)
    assert me.route.function == "users_me_prompts"
    assert isinstance(prompt, Match)
    assert prompt.path_parameters == {"id": "café"}


def test_a_known_path_under_another_method_matches_no_route():
    routes = RouteTable()

    assert routes.match("PUT", "/v1/prompts/abc") is None
    assert routes.match("TRACE", "/v1/prompts") is None


def test_responses_keep_cookies_and_decode_base64_bodies():
    result = {
        "statusCode": 201,
        "headers": {"ETag": '"r1"'},
        "cookies": ["a=1; Path=/", "b=2"],
        "body": base64.b64encode(b"bytes").decode(),
        "isBase64Encoded": True,
    }

    response = to_http_response(result, "req-1")

    assert response.status == 201
    assert response.body == b"bytes"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2"]
    assert ("apigw-requestid", "req-1") in response.headers


def test_a_bare_return_value_becomes_a_200_json_answer():
    response = to_http_response({"hello": "world"}, "req-2")

    assert response.status == 200
    assert json.loads(response.body) == {"hello": "world"}
