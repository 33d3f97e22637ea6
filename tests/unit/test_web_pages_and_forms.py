"""The web layer's two general extensions: endpoints that answer people with HTML pages, and
bodies posted as forms (RFC 8058's one-click unsubscribe is the first of each)."""

from __future__ import annotations

import base64
import json
from typing import Annotated

import pytest
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from promptvault.catalogue import by_function
from promptvault.core.errors import BadRequest, UnsupportedMediaType, ValidationFailed
from promptvault.email.schemas import OneClickUnsubscribe
from promptvault.web.envelope import FORM, HTML, HTML_CSP, error_page, with_security_headers
from promptvault.web.handler_factory import _one_form_object, endpoint_of
from promptvault.web.responses import Endpoint, documented, ok


def answer(content_type: str, **headers: str) -> dict:
    return {"statusCode": 200, "headers": {"Content-Type": content_type, **headers}, "body": "x"}


def test_an_html_answer_gets_a_policy_that_loads_nothing_and_posts_only_back():
    headers = with_security_headers(answer(HTML), credentialed=False)["headers"]

    assert headers["Content-Security-Policy"] == HTML_CSP
    assert "default-src 'none'" in HTML_CSP
    assert "form-action 'self'" in HTML_CSP
    assert "frame-ancestors 'none'" in HTML_CSP


def test_a_json_answer_gets_no_page_policy_and_a_routes_own_policy_is_kept():
    assert (
        "Content-Security-Policy"
        not in with_security_headers(answer("application/json"), credentialed=False)["headers"]
    )
    own = answer("text/html", **{"content-security-policy": "default-src 'self'"})
    kept = with_security_headers(own, credentialed=False)["headers"]

    assert kept["content-security-policy"] == "default-src 'self'"
    assert "Content-Security-Policy" not in kept


def test_an_error_page_shows_the_message_as_text():
    page = error_page(400, "INVALID_TOKEN", '<script>alert("x")</script> & more')

    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    assert "400 INVALID_TOKEN" in page
    assert "<style" not in page


def _json(body: OneClickUnsubscribe) -> Response[str]:
    return ok(body)


def _form(body: Annotated[OneClickUnsubscribe, Body(media_type=FORM)]) -> Response[str]:
    return ok(body)


def _none() -> Response[str]:
    return ok({})


def test_an_endpoint_takes_a_form_when_its_body_is_declared_as_one():
    assert Endpoint(_form, None).takes_form is True
    assert Endpoint(_json, None).takes_form is False
    assert Endpoint(_none, None).takes_form is False
    assert endpoint_of(by_function()["email_unsubscribe"]).takes_form is True


def test_an_html_endpoint_documents_its_success_and_own_refusals_as_pages():
    responses = Endpoint(_none, None, errors=(400, 410), media_type=HTML).responses(
        by_function()["email_unsubscribe_page"]
    )

    assert list(responses[200]["content"]) == ["text/html"]
    assert set(responses[410]["content"]) == {"application/json", "text/html"}
    assert set(responses[413]["content"]) == {"application/json"}  # the web layer's: JSON
    assert documented(None, pages=(200,))[200]["content"] == {
        "text/html": {"schema": {"type": "string"}}
    }


def event(body: str | None, content_type: str = FORM, encoded: bool = False) -> dict:
    return {"headers": {"content-type": content_type}, "body": body, "isBase64Encoded": encoded}


def test_a_form_becomes_the_one_json_object_the_resolver_validates():
    read = _one_form_object(event("List-Unsubscribe=One-Click"), {"content-type": FORM})

    assert read["headers"]["content-type"] == "application/json"
    assert json.loads(read["body"]) == {"List-Unsubscribe": "One-Click"}


def test_a_base64_form_and_percent_escapes_are_read_as_their_text():
    raw = base64.b64encode(b"List-Unsubscribe=One-Click&note=caf%C3%A9+%F0%9F%9A%80").decode()

    read = _one_form_object(event(raw, encoded=True), {"content-type": FORM})

    assert json.loads(read["body"]) == {"List-Unsubscribe": "One-Click", "note": "café 🚀"}


def test_an_empty_form_is_an_empty_object():
    assert json.loads(_one_form_object(event(None), {"content-type": FORM})["body"]) == {}


@pytest.mark.parametrize(
    ("body", "encoded", "refusal"),
    [
        ("a=%FF", False, BadRequest),
        (base64.b64encode(b"a=\xff").decode(), True, BadRequest),
        ("not base64!", True, BadRequest),
        ("a=1&a=2", False, ValidationFailed),
    ],
)
def test_a_form_that_is_not_utf8_or_repeats_a_field_is_refused(body, encoded, refusal):
    with pytest.raises(refusal):
        _one_form_object(event(body, encoded=encoded), {"content-type": FORM})


@pytest.mark.parametrize(
    "content_type", ["", "application/json", "multipart/form-data", "text/plain"]
)
def test_a_form_route_takes_forms_only(content_type):
    with pytest.raises(UnsupportedMediaType):
        _one_form_object(event("a=1", content_type), {"content-type": content_type})
