"""The table in CloudFormation is the table the pynamodb models define."""

import pytest

from infra.stacks.data import model_table_definition

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _table(assembly):
    (table,) = assembly.resources("AWS::DynamoDB::Table").values()
    return table


def _by_name(items, key):
    return sorted(items, key=lambda item: item[key])


def test_keys_indexes_ttl_and_stream_match_the_models(assembly):
    expected = model_table_definition()
    props = _table(assembly)["Properties"]

    assert props["KeySchema"] == expected["KeySchema"]
    assert _by_name(props["AttributeDefinitions"], "AttributeName") == _by_name(
        expected["AttributeDefinitions"], "AttributeName"
    )
    actual_gsis = [
        {k: g[k] for k in ("IndexName", "KeySchema", "Projection")}
        for g in props["GlobalSecondaryIndexes"]
    ]
    assert _by_name(actual_gsis, "IndexName") == _by_name(
        expected["GlobalSecondaryIndexes"], "IndexName"
    )
    assert props["BillingMode"] == expected["BillingMode"] == "PAY_PER_REQUEST"
    assert props["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": expected["TimeToLive"]["AttributeName"],
        "Enabled": True,
    }


def test_table_is_encrypted_with_point_in_time_recovery(assembly):
    props = _table(assembly)["Properties"]

    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_prod_retains_the_table_and_protects_it_from_deletion(prod):
    table = _table(prod)

    assert table["DeletionPolicy"] == "RetainExceptOnCreate"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True


def test_dev_table_can_be_torn_down(dev):
    table = _table(dev)

    assert table["DeletionPolicy"] == "Delete"
    assert table["Properties"].get("DeletionProtectionEnabled") in (None, False)
