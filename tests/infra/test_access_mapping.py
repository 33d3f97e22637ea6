"""The catalogue's access words map to the narrowest IAM statements, on named resources."""

import pytest

from infra.access import Grantable, effective_access, statements_for
from promptvault.catalogue import Route

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

RESOURCES = Grantable(
    table_arn="arn:table",
    index_arns=("arn:table/index/GSI1", "arn:table/index/GSI2", "arn:table/index/GSI3"),
    user_pool_arn="arn:pool",
    cursor_secret_arn="arn:secret",
    search_domain_arn="arn:domain",
    email_resources=("arn:ses/identity/*", "arn:ses/configuration-set/x"),
    event_bus_arn="arn:bus",
)
LEADING_KEYS = "ForAllValues:StringLike"


def _rendered(access, *, auto_confirm=False):
    statements = statements_for(access, RESOURCES, auto_confirm_signup=auto_confirm)
    return [statement.to_statement_json() for statement in statements]


def _listed(value):
    return value if isinstance(value, list) else [value]


def _grants(access, *, auto_confirm=False):
    """(action, resource, leading-key prefixes or None) for every statement."""
    grants = set()
    for rendered in _rendered(access, auto_confirm=auto_confirm):
        keys = rendered.get("Condition", {}).get(LEADING_KEYS, {}).get("dynamodb:LeadingKeys")
        prefixes = tuple(_listed(keys)) if keys else None
        grants |= {
            (a, r, prefixes)
            for a in _listed(rendered["Action"])
            for r in _listed(rendered["Resource"])
        }
    return grants


def test_no_access_grants_nothing():
    assert _grants(()) == set()


def test_cognito_client_flows_need_no_iam():
    assert _grants(("cognito:client",)) == set()


def test_each_table_word_grants_its_one_action_on_the_table():
    assert _grants(("table:get", "table:put")) == {
        ("dynamodb:GetItem", "arn:table", None),
        ("dynamodb:PutItem", "arn:table", None),
    }


def test_an_index_word_queries_that_index_only():
    assert _grants(("index:GSI2",)) == {("dynamodb:Query", "arn:table/index/GSI2", None)}


def test_the_server_secret_only_where_declared():
    assert ("secretsmanager:GetSecretValue", "arn:secret", None) in _grants(("secret:read",))
    assert not any("secretsmanager" in a for a, _, _ in _grants(("table:get", "index:GSI1")))


def test_the_rate_limiter_touches_only_its_counters():
    assert _grants(("table:rate-limit",)) == {
        (action, "arn:table", ("RATE#*",))
        for action in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
    }


def test_the_credential_check_reads_profiles_and_keys_and_touches_keys():
    grants = _grants(("table:credentials",))

    assert ("dynamodb:GetItem", "arn:table", ("APIKEY#*", "USER#*")) in grants
    assert ("dynamodb:UpdateItem", "arn:table", ("APIKEY#*",)) in grants


def test_shared_paths_add_nothing_the_route_already_has_on_the_whole_table():
    grants = _grants(("table:get", "table:rate-limit", "table:credentials"))

    assert ("dynamodb:GetItem", "arn:table", None) in grants
    assert not any(a == "dynamodb:GetItem" and keys for a, _, keys in grants)
    assert ("dynamodb:UpdateItem", "arn:table", ("APIKEY#*", "RATE#*")) in grants


def test_routes_imply_the_paths_their_requests_take():
    route = Route("GET", "/v1/x", "x", "optional", "x", ("search:read",))
    public = Route("GET", "/v1/y", "y", "public", "y", rate_limit="none")

    assert effective_access(route) == ("search:read", "table:rate-limit", "table:credentials")
    assert effective_access(public) == ()


def test_admin_confirm_is_granted_only_where_the_stage_auto_confirms():
    assert _grants(("cognito:admin-confirm",), auto_confirm=False) == set()
    assert _grants(("cognito:admin-confirm",), auto_confirm=True) == {
        ("cognito-idp:AdminConfirmSignUp", "arn:pool", None)
    }


def test_search_readers_post_queries_and_writers_also_index_and_delete():
    assert _grants(("search:read",)) == {("es:ESHttpPost", "arn:domain/*", None)}
    writes = {a for a, _, _ in _grants(("search:write",))}
    assert writes == {"es:ESHttpDelete", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"}


def test_an_undeclared_access_word_fails_loudly():
    with pytest.raises(ValueError, match="no IAM mapping"):
        statements_for(("s3:everything",), RESOURCES, auto_confirm_signup=False)


def test_the_events_publisher_may_put_events_on_the_stages_bus_only():
    assert _grants(("events:put",)) == {("events:PutEvents", "arn:bus", None)}
    assert not any(a.startswith("events:") for a, _, _ in _grants(("table:put", "email:send")))


def test_email_send_is_ses_send_on_the_identities_and_the_configuration_set():
    assert _grants(("email:send",)) == {
        (action, resource, None)
        for action in ("ses:SendEmail", "ses:SendRawEmail")
        for resource in ("arn:ses/identity/*", "arn:ses/configuration-set/x")
    }
    assert not any(a.startswith("ses:") for a, _, _ in _grants(("table:put", "events:put")))


@pytest.mark.parametrize("word", ["events:put", "email:send"])
def test_a_word_without_its_resource_fails_loudly(word):
    bare = Grantable(table_arn="arn:table", index_arns=(), user_pool_arn="", cursor_secret_arn="")

    with pytest.raises(ValueError, match=word):
        statements_for((word,), bare, auto_confirm_signup=False)
