"""People's identities: the Cognito user pool, its app client and the role groups.

Policy, groups, auth flows and token lifetimes come from ``promptvault.identity.pool``, the
same definition the local runtime gives moto, so local and AWS sign-in behave alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

import promptvault.identity.pool as spec
from infra import removal
from infra.components.service_function import ServiceFunction
from infra.components.shared_layer import shared_layer
from infra.nag import acknowledge
from infra.stages import StageConfig
from promptvault.catalogue import handler_path

PRESIGNUP_PACKAGE = "auth_presignup"
# Lower precedence wins when a user is in several groups.
GROUP_PRECEDENCE = {"admin": 0, "moderator": 1, "user": 2}


class IdentityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        environment: Mapping[str, str] | None = None,
        **kw: Any,
    ):
        super().__init__(scope, construct_id, **kw)
        self.user_pool = self._user_pool(config)
        self.client = self._client(config)
        for group in spec.GROUPS:
            cognito.CfnUserPoolGroup(
                self,
                f"Group{group.title()}",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=group,
                precedence=GROUP_PRECEDENCE.get(group, 10),
                description=f"PromptVault {group}s",
            )
        self.presignup: ServiceFunction | None = None
        if config.auto_confirm_signup:
            self.presignup = ServiceFunction(
                self,
                "PreSignUp",
                config=config,
                package=PRESIGNUP_PACKAGE,
                handler=handler_path(PRESIGNUP_PACKAGE),
                description="Cognito pre-sign-up trigger: auto-confirms in this stage",
                layer=shared_layer(self),
                environment={**(environment or {}), "AUTO_CONFIRM_SIGNUP": "true"},
            )
            self.user_pool.add_trigger(
                cognito.UserPoolOperation.PRE_SIGN_UP, self.presignup.function
            )
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.client_id)

    @property
    def client_id(self) -> str:
        return self.client.ref

    def _user_pool(self, config: StageConfig) -> cognito.UserPool:
        policy = spec.PASSWORD_POLICY
        user_pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=config.prefix,
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            # a change of address waits for Cognito's code: the old address stays (and signs
            # in) until the new one is verified (UserAttributeUpdateSettings, decision 56)
            keep_original=cognito.KeepOriginalAttrs(
                email="email" in spec.ATTRIBUTES_REQUIRE_VERIFICATION_BEFORE_UPDATE
            ),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=int(policy["MinimumLength"]),
                require_uppercase=bool(policy["RequireUppercase"]),
                require_lowercase=bool(policy["RequireLowercase"]),
                require_digits=bool(policy["RequireNumbers"]),
                require_symbols=bool(policy["RequireSymbols"]),
                temp_password_validity=Duration.days(int(policy["TemporaryPasswordValidityDays"])),
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            email=_email(config),
            deletion_protection=config.retain_data,
            removal_policy=removal.stateful(config),
        )
        acknowledge(
            user_pool,
            "AwsSolutions-COG2",
            "MFA is optional (TOTP): programs sign in with email + password or API keys "
            "through the API; requiring MFA would break the documented USER_PASSWORD flow.",
        )
        for rule in ("AwsSolutions-COG3", "AwsSolutions-COG8"):
            acknowledge(
                user_pool,
                rule,
                "Threat protection needs the PLUS feature plan (per-MAU cost); auth routes are "
                "throttled per route (10 rps) and Cognito's lockout applies. Revisit at launch.",
            )
        return user_pool

    def _client(self, config: StageConfig) -> cognito.CfnUserPoolClient:
        return cognito.CfnUserPoolClient(
            self,
            "ApiClient",
            user_pool_id=self.user_pool.user_pool_id,
            client_name=f"{config.prefix}-api",
            generate_secret=False,  # the API is the client; no secret to leak into code
            explicit_auth_flows=list(spec.CLIENT_AUTH_FLOWS),
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            access_token_validity=spec.ACCESS_TOKEN_MINUTES,
            id_token_validity=spec.ID_TOKEN_MINUTES,
            refresh_token_validity=spec.REFRESH_TOKEN_DAYS,
            token_validity_units=cognito.CfnUserPoolClient.TokenValidityUnitsProperty(
                access_token="minutes", id_token="minutes", refresh_token="days"
            ),
        )


def _email(config: StageConfig) -> cognito.UserPoolEmail | None:
    """Cognito's own sender allows 50 emails a day: every stage but a sandbox one sends
    through SES, with the stage's configuration set (suppression, bounce feedback)."""
    if config.email is None:
        return None  # sandbox stage (stages.SANDBOX_STAGES): Cognito's default sender
    return cognito.UserPoolEmail.with_ses(
        from_email=config.email.from_address,
        from_name=config.email.from_name,
        ses_verified_domain=config.email.identity,
        configuration_set_name=config.prefix,  # EmailStack's configuration set
        ses_region=config.region,
    )
