"""OpenSearch: sized per stage, encrypted, HTTPS only, fine-grained access on."""

import pytest

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
    assert domain["DeletionPolicy"] == "Retain"


def test_domain_logs_are_published(assembly):
    options = _domain(assembly)["Properties"]["LogPublishingOptions"]

    assert {"ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "AUDIT_LOGS"} <= set(options)


def _role_refs(backend_roles):
    """Each backend role is an ARN imported from the stack that owns the function."""
    return [role["Fn::ImportValue"] for role in backend_roles]


def test_fine_grained_roles_map_the_indexer_and_search_functions(assembly):
    (mapping,) = assembly.resources("Custom::OpenSearchRolesMapping").values()
    props = mapping["Properties"]
    read = _role_refs(props["Roles"]["promptvault_read"]["BackendRoles"])
    write = _role_refs(props["Roles"]["promptvault_write"]["BackendRoles"])
    searchers = [construct_id(r) for r in ROUTES if "search:read" in r.access]
    writers = [c for c in CONSUMERS if "search:write" in c.access]

    assert "SearchAdmin" in props["MasterRoleArn"]["Fn::ImportValue"]
    assert "DomainEndpoint" in props["Endpoint"]["Fn::ImportValue"]
    assert searchers
    assert len(read) == len(searchers)
    for name in searchers:
        assert any(f"{name}HandlerRole" in ref for ref in read), name
    assert [c.package for c in writers] == ["stream_indexer"]
    assert len(write) == 1
    assert "StreamIndexerRole" in write[0]
    assert props["Roles"]["promptvault_read"]["AllowedActions"] == ["read"]
    assert props["Roles"]["promptvault_write"]["IndexPatterns"] == ["prompts*"]
