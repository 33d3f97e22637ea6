"""OpenSearch: sized per stage, encrypted, HTTPS only, fine-grained access on."""

import pytest

from infra.components.service_function import function_name
from infra.consumers import CONSUMERS
from infra.stacks.routes import construct_id
from promptvault.catalogue import ROUTES

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _domain(assembly):
    (domain,) = assembly.resources("AWS::OpenSearchService::Domain").values()
    return domain


def test_domain_is_encrypted_https_only_with_fine_grained_access(assembly):
    props = _domain(assembly)["Properties"]

    assert props["EncryptionAtRestOptions"]["Enabled"] is True
    assert props["NodeToNodeEncryptionOptions"]["Enabled"] is True
    assert props["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert props["AdvancedSecurityOptions"]["Enabled"] is True
    assert props["AdvancedSecurityOptions"]["InternalUserDatabaseEnabled"] is False
    assert "MasterUserARN" in props["AdvancedSecurityOptions"]["MasterUserOptions"]


def test_dev_runs_one_small_node(dev):
    cluster = _domain(dev)["Properties"]["ClusterConfig"]

    assert cluster["InstanceCount"] == 1
    assert cluster["DedicatedMasterEnabled"] is False
    assert cluster["ZoneAwarenessEnabled"] is False


def test_prod_is_multi_az_with_dedicated_masters_and_retained(prod):
    domain = _domain(prod)
    cluster = domain["Properties"]["ClusterConfig"]

    assert cluster["InstanceCount"] == 3
    assert cluster["ZoneAwarenessConfig"] == {"AvailabilityZoneCount": 3}
    assert (cluster["DedicatedMasterEnabled"], cluster["DedicatedMasterCount"]) == (True, 3)
    assert domain["DeletionPolicy"] == "RetainExceptOnCreate"


def test_domain_logs_are_published(assembly):
    options = _domain(assembly)["Properties"]["LogPublishingOptions"]

    assert {"ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "AUDIT_LOGS"} <= set(options)


def _role_refs(template, backend_roles):
    """Each backend role is an SSM parameter the function's own stack publishes."""
    parameters = template["Parameters"]
    return [parameters[role["Ref"]]["Default"] for role in backend_roles]


def test_fine_grained_roles_map_the_indexer_and_search_functions(assembly):
    (mapping,) = assembly.resources("Custom::OpenSearchRolesMapping").values()
    template = assembly.stack("SearchAccess")
    props = mapping["Properties"]
    read = _role_refs(template, props["Roles"]["promptvault_read"]["BackendRoles"])
    write = _role_refs(template, props["Roles"]["promptvault_write"]["BackendRoles"])
    (admin, endpoint) = _role_refs(template, [props["MasterRoleArn"], props["Endpoint"]])
    searchers = [construct_id(r) for r in ROUTES if "search:read" in r.access]
    writers = [c for c in CONSUMERS if "search:write" in c.access]

    prefix = f"/promptvault/{assembly.stage}"
    assert (admin, endpoint) == (f"{prefix}/search/admin-role-arn", f"{prefix}/search/endpoint")
    assert searchers
    assert sorted(read) == sorted(
        f"{prefix}/search-roles/{function_name(assembly.stacks.config, r.function)}"
        for r in ROUTES
        if "search:read" in r.access
    )
    assert [c.package for c in writers] == ["stream_indexer"]
    assert write == [f"{prefix}/search-roles/promptvault-{assembly.stage}-stream-indexer"]
    assert props["Roles"]["promptvault_read"]["AllowedActions"] == ["read"]
    assert props["Roles"]["promptvault_write"]["IndexPatterns"] == ["prompts*"]


def _search_admin(assembly):
    resources = assembly.stack("Search")["Resources"]
    (role,) = (r for k, r in resources.items() if k.startswith("SearchAdmin"))
    return role["Properties"]


def test_the_master_role_is_not_trusted_by_the_whole_account(assembly):
    """Issue 10: only the SearchAccess custom resource's role (by name: it is made later) and
    operators tagged for this stage may assume it; every statement carries its condition."""
    trust = _search_admin(assembly)["AssumeRolePolicyDocument"]["Statement"]
    conditions = [statement.get("Condition") for statement in trust]
    mapping_role = f"role/promptvault-{assembly.stage}-search-mapping"

    assert all(conditions), trust
    assert mapping_role in str(conditions[0]["ArnEquals"]["aws:PrincipalArn"])
    assert conditions[1] == {
        "StringEquals": {"aws:PrincipalTag/promptvault-search-admin": assembly.stage}
    }
    (mapping,) = (
        r
        for r in assembly.stack("SearchAccess")["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("RoleName")
    )
    assert mapping["Properties"]["RoleName"] == f"promptvault-{assembly.stage}-search-mapping"


def test_the_master_role_may_administer_the_domain_and_read_the_table_to_reindex(assembly):
    """Issue 10, finding 1: a trust policy alone gave the custom resource and reindex 403."""
    (policy,) = _search_admin(assembly)["Policies"]
    actions = {
        action
        for statement in policy["PolicyDocument"]["Statement"]
        for action in statement["Action"]
    }

    assert actions == {
        "es:ESHttpDelete",
        "es:ESHttpHead",
        "es:ESHttpPost",
        "es:ESHttpPut",
        "dynamodb:BatchGetItem",
        "dynamodb:Scan",
    }
