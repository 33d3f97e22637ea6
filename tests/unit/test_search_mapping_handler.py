"""The deploy's custom resource: index template first, then the index only when missing."""

import json

import pytest

from infra.search_mapping import handler
from infra.stacks.search_access import index_template_body


class Domain:
    """Records the signed calls; answers HEAD on the index with the given status."""

    def __init__(self, index_status: int, create_status: int = 200) -> None:
        self.index_status = index_status
        self.create_status = create_status
        self.calls: list[tuple[str, str, object]] = []

    def __call__(self, method, endpoint, path, body, credentials, region, *, accept=()):
        self.calls.append((method, path, body))
        if method == "HEAD":
            return self.index_status, ""
        if method == "PUT" and path == "prompts" and self.create_status != 200:
            return self.create_status, '{"error":{"type":"resource_already_exists_exception"}}'
        return 200, "{}"


@pytest.fixture
def domain(monkeypatch):
    def install(index_status: int, create_status: int = 200) -> Domain:
        fake = Domain(index_status, create_status)
        monkeypatch.setattr(handler, "_call", fake)
        monkeypatch.setattr(handler, "_assume", lambda role_arn: object())
        return fake

    return install


def _event(request_type="Create"):
    return {
        "RequestType": request_type,
        "ResourceType": handler.INDEX_TEMPLATE,
        "ResourceProperties": {
            "Endpoint": "search.example",
            "MasterRoleArn": "arn:aws:iam::123456789012:role/admin",
            "TemplateName": "prompts",
            "IndexName": "prompts",
            "Template": json.dumps(index_template_body()),
        },
    }


def test_a_fresh_domain_gets_the_template_then_the_index(domain):
    fake = domain(index_status=404)

    result = handler.on_event(_event())

    assert [(m, p) for m, p, _ in fake.calls] == [
        ("PUT", "_index_template/prompts"),
        ("HEAD", "prompts"),
        ("PUT", "prompts"),
    ]
    assert fake.calls[0][2] == index_template_body()
    assert result["PhysicalResourceId"] == "indextemplate-search.example"


def test_an_index_created_meanwhile_is_not_an_error(domain):
    fake = domain(index_status=404, create_status=400)

    handler.on_event(_event())

    assert fake.calls[-1][:2] == ("PUT", "prompts")


def test_an_existing_index_gets_the_mapping_and_settings_again(domain):
    fake = domain(index_status=200)

    handler.on_event(_event("Update"))

    body = index_template_body()["template"]
    assert fake.calls[2:] == [
        ("PUT", "prompts/_mapping", body["mappings"]),
        ("PUT", "prompts/_settings", body["settings"]),
    ]


def test_delete_leaves_the_index_and_its_data(domain):
    fake = domain(index_status=200)

    handler.on_event({**_event("Delete"), "PhysicalResourceId": "indextemplate-search.example"})

    assert fake.calls == []
