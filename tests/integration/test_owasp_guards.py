"""Guards for the OWASP API Security Top 10 (2023) risks no other test file owns.

docs/security.md maps each of the ten risks to the tests that cover it; most live beside the
feature they protect. These are the rest: outbound requests (API7, server-side request
forgery), what an unexpected failure tells the caller (API8), and the documented inventory
matching what is deployed (API9).
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from promptvault.catalogue import ROUTES
from promptvault.prompts import service
from tests.support.api import FakeContext, call, event
from tests.support.factories import create_prompt, sign_up

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [ROOT / "layers" / "promptvault", ROOT / "functions"]

# Modules that can open a connection to an address given at run time.
OUTBOUND = {"urllib.request", "http.client", "httpx", "requests", "urllib3", "aiohttp", "socket"}
# The only product modules allowed to make outbound requests, and why the address is safe:
ALLOWED_OUTBOUND = {
    # the user pool's key set: JWKS_URL is stage configuration, never request data
    "layers/promptvault/identity/tokens.py",
    # webhooks fetch what a person registered, by design: only https to public addresses,
    # checked at registration and again after DNS at delivery, connecting to the checked
    # address (docs/webhooks.md "SSRF rules"; tests/unit/test_webhook_targets.py)
    "layers/promptvault/webhooks/targets.py",
    "layers/promptvault/webhooks/sender.py",
}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def product_files() -> list[Path]:
    return sorted(file for folder in PRODUCT for file in folder.rglob("*.py"))


def test_api7_only_configured_addresses_are_ever_fetched():
    """No request can make the product fetch an address it chose: the only module that opens
    connections by URL reads the key set at the stage's JWKS_URL. The AWS SDK and the search
    client reach endpoints from settings, never from a request."""
    reaching = {
        str(file.relative_to(ROOT)) for file in product_files() if imported_modules(file) & OUTBOUND
    }
    assert reaching == ALLOWED_OUTBOUND


def test_api7_the_guard_notices_an_outbound_import(tmp_path: Path):
    sneaky = tmp_path / "fetch.py"
    sneaky.write_text("from urllib.request import urlopen\nimport httpx\n")
    assert imported_modules(sneaky) & OUTBOUND == {"urllib.request", "httpx"}


def test_api7_the_key_set_address_comes_from_settings_not_the_token():
    source = (ROOT / "layers/promptvault/identity/tokens.py").read_text()
    assert "jwks_url" in source
    # the token's header may pick a key ("kid") but never where keys are fetched from
    assert '"jku"' not in source
    assert '"x5u"' not in source


def test_api8_an_unexpected_failure_is_500_in_the_envelope_and_tells_nothing(monkeypatch):
    owner = sign_up()
    prompt = create_prompt(owner)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("table arn:aws:dynamodb:us-east-1:123456789012:table/pv secret=hunter2")

    monkeypatch.setattr(service, "find_prompt_with_stats", broken)
    reply = call("GET", f"/v1/prompts/{prompt['id']}", token=owner.token)

    assert reply.status == 500
    assert reply.error == {
        "code": "INTERNAL_ERROR",
        "message": "Something went wrong on our side",
        "details": [],
    }
    text = json.dumps(reply.body)
    for leak in ("arn:aws", "hunter2", "Traceback", "RuntimeError", ".py"):
        assert leak not in text


@pytest.mark.parametrize("path", ["/v1/admin", "/v1/prompts/x/debug", "/v1/../etc/passwd"])
def test_api9_no_route_answers_outside_the_catalogue(path: str):
    """A function serves its catalogue row and nothing else: any other path reaching it (a
    forgotten debug route, an old version) is the envelope's 404."""
    route = next(r for r in ROUTES if r.route_key == "GET /v1/prompts/{id}")
    module = importlib.import_module(f"functions.{route.function}.handler")
    response = module.handler(event(route, path, {}, None, {}, {}), FakeContext())
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["error"]["code"] == "NOT_FOUND"
