"""The user pool is built from promptvault.identity.pool, the local runtime's definition."""

import pytest

from promptvault.identity import pool as spec

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _one(assembly, kind):
    (resource,) = assembly.resources(kind).values()
    return resource["Properties"]


def test_password_policy_matches_the_shared_definition(assembly):
    policy = _one(assembly, "AWS::Cognito::UserPool")["Policies"]["PasswordPolicy"]

    assert policy == spec.PASSWORD_POLICY


def test_a_changed_email_waits_for_its_code_as_the_shared_definition_says(assembly):
    pool = _one(assembly, "AWS::Cognito::UserPool")

    assert pool["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": list(
            spec.ATTRIBUTES_REQUIRE_VERIFICATION_BEFORE_UPDATE
        )
    }
    assert pool["UsernameAttributes"] == list(spec.USERNAME_ATTRIBUTES)
    assert pool["AutoVerifiedAttributes"] == list(spec.AUTO_VERIFIED_ATTRIBUTES)


def test_groups_are_user_moderator_admin(assembly):
    groups = assembly.resources("AWS::Cognito::UserPoolGroup").values()

    assert sorted(g["Properties"]["GroupName"] for g in groups) == sorted(spec.GROUPS)


def test_client_has_the_declared_flows_no_secret_and_token_lifetimes(assembly):
    client = _one(assembly, "AWS::Cognito::UserPoolClient")

    assert client["ExplicitAuthFlows"] == list(spec.CLIENT_AUTH_FLOWS)
    assert client["GenerateSecret"] is False
    assert client["AccessTokenValidity"] == spec.ACCESS_TOKEN_MINUTES
    assert client["RefreshTokenValidity"] == spec.REFRESH_TOKEN_DAYS


def test_pre_sign_up_auto_confirm_trigger_only_where_the_stage_turns_it_on(assembly):
    pool = _one(assembly, "AWS::Cognito::UserPool")
    trigger = pool.get("LambdaConfig", {}).get("PreSignUp")

    assert (trigger is not None) == assembly.stacks.config.auto_confirm_signup


def test_prod_user_pool_is_retained_with_deletion_protection(prod, dev):
    (prod_pool,) = prod.resources("AWS::Cognito::UserPool").values()
    (dev_pool,) = dev.resources("AWS::Cognito::UserPool").values()

    assert prod_pool["DeletionPolicy"] == "RetainExceptOnCreate"
    assert prod_pool["Properties"]["DeletionProtection"] == "ACTIVE"
    assert dev_pool["DeletionPolicy"] == "Delete"
