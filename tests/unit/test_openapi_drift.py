"""The committed OpenAPI document is the one the catalogue and route modules generate
(run `make openapi`)."""

from pathlib import Path

from infra.openapi import build_openapi, render
from promptvault.catalogue import ROUTES

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_openapi_document_matches_the_code():
    assert DOCUMENT.read_text() == render(build_openapi()), "run `make openapi` and commit"


def test_every_catalogue_route_is_documented():
    paths = build_openapi()["paths"]

    for route in ROUTES:
        assert route.method.lower() in paths[route.path], route.route_key
