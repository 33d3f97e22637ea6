"""The runtime's own pages: the OpenAPI document, Swagger UI, the outbox, gateway errors."""

from __future__ import annotations

from email.message import EmailMessage

import boto3
import httpx
import pytest

from promptvault.catalogue import ROUTES
from tests.e2e.conftest import LocalStage

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_openapi_json_describes_every_catalogue_route(http: httpx.Client):
    response = http.get("/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "PromptVault API"
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert {(route.method, route.path) for route in ROUTES} <= operations
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_serves_swagger_ui_without_a_cdn(http: httpx.Client):
    page = http.get("/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in page.text
    assert "PromptVault API" in page.text
    script = http.get("/docs/assets/swagger-ui-bundle.min.js")
    assert script.status_code == 200
    assert len(script.content) > 100_000


def test_the_docs_page_has_a_content_security_policy_that_allows_only_itself(
    http: httpx.Client,
):
    import base64
    import hashlib
    import re

    page = http.get("/docs")
    policy = page.headers["content-security-policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert inline  # the page's own script runs by its hash, nothing else inline
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert directives["script-src"] == f"'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["connect-src"] == "'self'"  # "Try it out" calls this same origin
    assert page.headers["x-content-type-options"] == "nosniff"


def test_api_answers_carry_the_security_headers_locally_too(http: httpx.Client):
    listing = http.get("/v1/prompts")
    refused = http.get("/v1/users/me", headers={"Authorization": "Bearer nope"})

    for response in (listing, refused):
        assert response.headers["strict-transport-security"] == (
            "max-age=63072000; includeSubDomains"
        )
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert refused.status_code == 401
    assert refused.headers["cache-control"] == "no-store"


def test_outbox_lists_what_was_sent_through_ses(http: httpx.Client, local_stage: LocalStage):
    message = EmailMessage()
    message["From"] = "PromptVault <noreply@promptvault.local>"
    message["To"] = "reader@example.com"
    message["Subject"] = "Someone forked your prompt"
    message["List-Unsubscribe"] = "<https://example.com/unsubscribe?t=1>"
    message.set_content("Plain text body")
    message.add_alternative("<p>HTML body</p>", subtype="html")
    ses = boto3.client(
        "sesv2",
        endpoint_url=local_stage.moto_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    ses.send_email(
        FromEmailAddress="noreply@promptvault.local",
        Destination={"ToAddresses": ["reader@example.com"]},
        Content={"Raw": {"Data": message.as_bytes()}},
    )

    outbox = http.get("/_local/outbox")

    assert outbox.status_code == 200
    sent = [m for m in outbox.json() if m["subject"] == "Someone forked your prompt"]
    assert len(sent) == 1
    assert sent[0]["to"] == ["reader@example.com"]
    assert sent[0]["text"].strip() == "Plain text body"
    assert sent[0]["html"].strip() == "<p>HTML body</p>"
    assert sent[0]["headers"]["List-Unsubscribe"] == "<https://example.com/unsubscribe?t=1>"


NOT_FOUND = {"message": "Not Found"}  # what an API Gateway HTTP API answers with no route


def test_an_unknown_route_is_404_as_api_gateway_answers_it(http: httpx.Client):
    response = http.get("/v1/no-such-thing")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == NOT_FOUND


def test_a_known_path_with_another_method_is_404_as_on_api_gateway(http: httpx.Client):
    response = http.put("/v1/prompts")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert "allow" not in response.headers


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "QUERY", "BREW"])
def test_a_method_no_route_has_is_404_json_never_a_501_page(http: httpx.Client, method: str):
    response = http.request(method, "/v1/prompts")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
