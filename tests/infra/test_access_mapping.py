"""The catalogue's access words map to the narrowest IAM statements, on named resources."""

import pytest

from infra.access import Grantable, statements_for

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

RESOURCES = Grantable(
    table_arn="arn:table",
    index_arns=("arn:table/index/GSI1", "arn:table/index/GSI2"),
    user_pool_arn="arn:pool",
    cursor_secret_arn="arn:secret",
    search_domain_arn="arn:domain",
)


def _grants(access, *, auto_confirm=False):
    statements = statements_for(access, RESOURCES, auto_confirm_signup=auto_confirm)
    grants = set()
    for statement in statements:
        rendered = statement.to_statement_json()
        actions = (
            rendered["Action"] if isinstance(rendered["Action"], list) else [rendered["Action"]]
        )
        resources = rendered["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        grants |= {(a, r) for a in actions for r in resources}
    return grants


def test_no_access_grants_nothing():
    assert _grants(()) == set()


def test_cognito_client_flows_need_no_iam():
    assert _grants(("cognito:client",)) == set()


def test_readers_query_the_table_and_its_indexes_but_cannot_write():
    grants = _grants(("table:read",))

    assert ("dynamodb:Query", "arn:table/index/GSI1") in grants
    assert ("dynamodb:GetItem", "arn:table") in grants
    assert ("secretsmanager:GetSecretValue", "arn:secret") in grants
    assert not {a for a, _ in grants} & {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"}


def test_writers_write_only_to_the_table():
    grants = _grants(("table:write",))

    assert {r for _, r in grants} == {"arn:table"}
    assert ("dynamodb:PutItem", "arn:table") in grants


def test_admin_confirm_is_granted_only_where_the_stage_auto_confirms():
    assert _grants(("cognito:admin-confirm",), auto_confirm=False) == set()
    assert _grants(("cognito:admin-confirm",), auto_confirm=True) == {
        ("cognito-idp:AdminConfirmSignUp", "arn:pool")
    }


def test_search_writers_may_index_the_domain_only():
    grants = _grants(("search:write",))

    assert ("es:ESHttpPut", "arn:domain/*") in grants
    assert {r for _, r in grants} == {"arn:domain/*"}


def test_an_undeclared_access_word_fails_loudly():
    with pytest.raises(ValueError, match="no IAM mapping"):
        statements_for(("s3:everything",), RESOURCES, auto_confirm_signup=False)
