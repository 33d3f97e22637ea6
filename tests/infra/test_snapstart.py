"""SnapStart (decision 2): prod's endpoints start from a snapshot of a published version, and
API Gateway invokes that version through an alias; dev invokes $LATEST and snapshots nothing."""

from __future__ import annotations

from typing import Any

import pytest

from infra.components.service_function import function_name
from promptvault.catalogue import ROUTES

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _by_route(assembly) -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    """Per route function: its function, and the version, alias, integration and permission
    that point at it (directly or through the alias), each with its logical id."""
    names = {function_name(assembly.stacks.config, r.function): r.function for r in ROUTES}
    found: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for template in assembly.nested().values():
        resources = template.get("Resources", {})
        for function_id, resource in resources.items():
            if resource["Type"] != "AWS::Lambda::Function":
                continue
            function = names.get(resource["Properties"]["FunctionName"])
            if function is None:
                continue
            mine = {"function": (function_id, resource)}
            targets = [{"Fn::GetAtt": [function_id, "Arn"]}]
            for other_id, other in resources.items():
                if other.get("Properties", {}).get("FunctionName") == {"Ref": function_id}:
                    mine[other["Type"]] = (other_id, other)
                    if other["Type"] == "AWS::Lambda::Alias":
                        targets.append({"Ref": other_id})
            for other_id, other in resources.items():
                properties = other.get("Properties", {})
                pointer = properties.get("IntegrationUri") or properties.get("FunctionName")
                if other["Type"] in _CALLERS and pointer in targets:
                    mine[other["Type"]] = (other_id, other)
            found[function] = mine
    assert set(found) == {r.function for r in ROUTES}
    return found


_CALLERS = ("AWS::ApiGatewayV2::Integration", "AWS::Lambda::Permission")


def test_prod_endpoints_snapshot_their_published_versions(prod):
    for function, resources in _by_route(prod).items():
        _, props = resources["function"]
        assert props["Properties"].get("SnapStart") == {"ApplyOn": "PublishedVersions"}, function


def test_prod_gateway_invokes_the_live_alias_of_the_current_version(prod):
    for function, resources in _by_route(prod).items():
        function_id, _ = resources["function"]
        alias_id, alias = resources["AWS::Lambda::Alias"]
        version_id, version = resources["AWS::Lambda::Version"]
        _, integration = resources["AWS::ApiGatewayV2::Integration"]
        _, permission = resources["AWS::Lambda::Permission"]

        assert alias["Properties"]["Name"] == "live", function
        assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
        assert version["Properties"]["FunctionName"] == {"Ref": function_id}
        assert integration["Properties"]["IntegrationUri"] == {"Ref": alias_id}, function
        assert permission["Properties"]["FunctionName"] == {"Ref": alias_id}, function


def test_prod_deletes_a_replaced_version_so_no_old_snapshot_is_billed(prod):
    for function, resources in _by_route(prod).items():
        _, version = resources["AWS::Lambda::Version"]
        assert version.get("DeletionPolicy") == "Delete", function


def test_dev_invokes_latest_and_takes_no_snapshot(dev):
    for function, resources in _by_route(dev).items():
        function_id, props = resources["function"]
        _, integration = resources["AWS::ApiGatewayV2::Integration"]

        assert "SnapStart" not in props["Properties"], function
        assert "AWS::Lambda::Alias" not in resources, function
        assert integration["Properties"]["IntegrationUri"] == {
            "Fn::GetAtt": [function_id, "Arn"]
        }, function
