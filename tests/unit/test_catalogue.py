"""The route catalogue and the functions tree stay in step: no function without a route,
no route without a function, and every route module serves exactly its catalogue row."""

import importlib
from pathlib import Path

import pytest

from infra.consumers import CONSUMERS
from infra.local.pump import catalogue_consumers
from promptvault.catalogue import ROUTES, TRIGGERS, function_module
from promptvault.web.handler_factory import make_resolver, register
from promptvault.web.responses import Endpoint

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
PACKAGES = sorted(p.name for p in FUNCTIONS.iterdir() if (p / "__init__.py").exists())


def test_every_route_key_is_unique():
    keys = [route.route_key for route in ROUTES]

    assert len(keys) == len(set(keys))


def test_each_function_serves_one_route():
    functions = [route.function for route in ROUTES]

    assert len(functions) == len(set(functions))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_every_route_has_a_function_package_with_handler_and_route(route):
    package = FUNCTIONS / route.function

    assert (package / "handler.py").is_file()
    assert (package / "route.py").is_file()


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: t.function)
def test_every_trigger_has_a_function_package_with_a_handler(trigger):
    assert (FUNCTIONS / trigger.function / "handler.py").is_file()


def test_every_function_package_is_a_route_or_a_trigger():
    known = {route.function for route in ROUTES} | {trigger.function for trigger in TRIGGERS}

    assert set(PACKAGES) == known


def test_no_function_is_both_a_route_and_a_trigger():
    assert not {r.function for r in ROUTES} & {t.function for t in TRIGGERS}


def test_the_stream_consumers_deployed_and_pumped_are_the_catalogues_stream_triggers():
    streams = [t.function for t in TRIGGERS if t.source == "dynamodb:stream"]

    assert [c.package for c in CONSUMERS] == streams
    assert [c.name for c in catalogue_consumers()] == streams


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_each_route_module_declares_an_endpoint_and_no_route_of_its_own(route):
    module = importlib.import_module(function_module(route.function, "route"))

    assert isinstance(module.endpoint, Endpoint)
    assert module.endpoint.handle.__module__ == module.__name__
    assert not hasattr(module, "router")  # method, path, tag and summary are the row's


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_each_function_serves_exactly_its_catalogue_method_and_path(route):
    resolver = make_resolver()
    register(resolver, route)

    served = resolver._static_routes + resolver._dynamic_routes

    assert {(r.method, r.path) for r in served} == {(route.method, route.resolver_path)}
    assert {(tuple(r.tags), r.summary) for r in served} == {((route.tag,), route.summary)}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_each_handler_module_is_the_entry_built_for_its_function(route):
    handler = importlib.import_module(f"functions.{route.function}.handler").handler

    assert callable(handler)
    assert handler.__qualname__ == f"{route.function}.handler"


def test_resolver_path_uses_the_event_handler_syntax():
    paths = {route.path: route.resolver_path for route in ROUTES}

    assert paths["/v1/prompts/{id}/versions/{n}"] == "/v1/prompts/<id>/versions/<n>"
    assert all("{" not in path for path in paths.values())


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_every_route_is_versioned_and_bounded(route):
    assert route.path.startswith("/v1/")
    assert route.auth in {"public", "optional", "user"}
    assert 0 < route.max_body_bytes <= 64 * 1024


def test_only_account_routes_and_the_signed_unsubscribe_link_are_public_writes():
    """Anonymous writes: the account flows, and one-click unsubscribe (RFC 8058), whose signed
    link is its credential (a mail provider posts it without signing in)."""
    public_writes = {r.route_key for r in ROUTES if r.auth == "public" and r.method != "GET"}

    others = {key for key in public_writes if not key.startswith("POST /v1/auth/")}
    assert others == {"POST /v1/email/unsubscribe"}
