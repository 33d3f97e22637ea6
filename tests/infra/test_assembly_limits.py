"""Whole-assembly guarantees: cdk-nag clean, small stacks, outputs operators need."""

import pytest

from infra import bundling
from infra.nag import findings

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

MAX_RESOURCES = 400  # CloudFormation's limit is 500; keep head-room


def test_cdk_nag_has_no_unacknowledged_findings(assembly):
    assert findings(assembly.outdir) == []


def test_every_stack_and_nested_stack_stays_under_the_resource_budget(assembly):
    for name, template in assembly.templates.items():
        assert len(template["Resources"]) <= MAX_RESOURCES, name


def test_stack_names_carry_the_stage(assembly):
    for stack in assembly.stacks.all:
        assert stack.stack_name.startswith(f"PromptVault-{assembly.stage}-")


def test_operators_get_the_outputs_they_need(assembly):
    outputs = {
        name for template in assembly.templates.values() for name in template.get("Outputs", {})
    }

    for wanted in (
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "TableName",
        "SearchEndpoint",
        "AlarmTopicArn",
    ):
        assert wanted in outputs, wanted


def test_layer_ships_our_package_and_arm64_wheels_as_bytecode(dev):
    layer = bundling.built_layer() / "python"

    assert (layer / "promptvault" / "__pycache__").is_dir()
    # data files travel with the code: reference data, the email templates (docs/email.md)
    assert (layer / "promptvault" / "reference" / "categories.json").is_file()
    templates = layer / "promptvault" / "email" / "templates"
    assert {"base.html", "base.txt", "unsubscribe.html"} <= {p.name for p in templates.iterdir()}
    assert (layer / "pydantic_core").is_dir()
    assert any(p.name.endswith("aarch64-linux-gnu.so") for p in (layer / "pydantic_core").iterdir())
    assert bundling.tree_size_mb(layer) < bundling.LAYER_SIZE_LIMIT_MB
