"""The HTTP API: one route and one function per catalogue row, grouped by tag.

This stack owns what all routes share: the API and its CORS, the JWT authoriser bound to
the user pool, the access log, the shared layer and the cursor-signing secret. The stage
is created after the route stacks because per-route throttles may only name routes that
already exist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from aws_cdk import Aws, CfnOutput, Stack
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import parameters, removal, uploads
from infra.access import Grantable
from infra.components.service_function import RETENTION, ServiceFunction
from infra.components.shared_layer import shared_layer
from infra.nag import acknowledge
from infra.stacks.data import DataStack, index_arns, table_arn
from infra.stacks.identity import IdentityStack
from infra.stacks.routes import RoutesStack, RouteWiring
from infra.stacks.search import SearchStack
from infra.stages import StageConfig
from promptvault.catalogue import ROUTES, Route

# Stage-wide ceiling; each route's own throttle from the catalogue applies beneath it.
DEFAULT_THROTTLE = {"ThrottlingRateLimit": 200, "ThrottlingBurstLimit": 400}
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "userAgent": "$context.identity.userAgent",
}
CORS_HEADERS = ["authorization", "content-type", "if-match", "idempotency-key", "x-api-key"]
EXPOSED_HEADERS = ["etag", "location", "retry-after"]


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: DataStack,
        identity: IdentityStack,
        search: SearchStack | None = None,
        stage_environment: Mapping[str, str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kw)
        self.api = apigw.CfnApi(
            self,
            "HttpApi",
            name=config.prefix,
            protocol_type="HTTP",
            description=f"PromptVault API ({config.name})",
            cors_configuration=apigw.CfnApi.CorsProperty(
                allow_origins=list(config.cors_origins),
                allow_methods=sorted({route.method for route in ROUTES} | {"OPTIONS"}),
                allow_headers=CORS_HEADERS,
                expose_headers=EXPOSED_HEADERS,
                max_age=3600,
            ),
        )
        self.authorizer = apigw.CfnAuthorizer(
            self,
            "CognitoJwt",
            api_id=self.api.ref,
            name="cognito",
            authorizer_type="JWT",
            identity_source=["$request.header.Authorization"],
            jwt_configuration=apigw.CfnAuthorizer.JWTConfigurationProperty(
                audience=[identity.client_id],
                issuer=f"https://cognito-idp.{self.region}.amazonaws.com/"
                f"{identity.user_pool.user_pool_id}",
            ),
        )
        self.cursor_secret = self._cursor_secret(config)
        account = config.account or Aws.ACCOUNT_ID
        wiring = RouteWiring(
            config=config,
            api_id=self.api.ref,
            authorizer_id=self.authorizer.ref,
            layer=shared_layer(self),
            grantable=Grantable(
                table_arn=table_arn(self, config),
                index_arns=index_arns(table_arn(self, config), data.index_names),
                user_pool_arn=identity.user_pool.user_pool_arn,
                cursor_secret_arn=self.cursor_secret.secret_arn,
                search_domain_arn=search.domain_arn if search else None,
                imports_bucket_arn=uploads.bucket_arn(config),
                # an invitation's email (issue 14): the stage's identities and its
                # configuration set, by name, as the notifier's grant (infra/app.py)
                email_resources=(
                    f"arn:{Aws.PARTITION}:ses:{config.region}:{account}:identity/*",
                    f"arn:{Aws.PARTITION}:ses:{config.region}:{account}:"
                    f"configuration-set/{config.prefix}",
                ),
            ),
            user_pool_id=identity.user_pool.user_pool_id,
            user_pool_client_id=identity.client_id,
            search_endpoint=(
                f"https://{parameters.resolve(config, parameters.SEARCH_ENDPOINT)}"
                if search
                else ""
            ),
            # PUBLIC_URL: the API's own URL (no stage has a custom domain; infra/environment.py)
            stage_environment={
                **(stage_environment or {}),
                "PUBLIC_URL": self.api.attr_api_endpoint,
            },
        )
        self.route_stacks = [
            RoutesStack(self, f"Routes{tag.title()}", routes=routes, wiring=wiring)
            for tag, routes in _by_tag(ROUTES).items()
        ]
        self.stage = self._stage(config)
        parameters.publish(self, "ApiIdParameter", config, parameters.API_ID, self.api.ref)
        parameters.publish(
            self,
            "CursorSecretParameter",
            config,
            parameters.CURSOR_SECRET_ARN,
            self.cursor_secret.secret_arn,
        )
        CfnOutput(self, "ApiUrl", value=self.api.attr_api_endpoint)
        CfnOutput(self, "ApiId", value=self.api.ref)

    @property
    def functions(self) -> dict[str, ServiceFunction]:
        return {name: fn for stack in self.route_stacks for name, fn in stack.functions.items()}

    def _cursor_secret(self, config: StageConfig) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self,
            "CursorSecret",
            secret_name=f"{config.prefix}/cursor-signing-key",
            description="HMAC key that signs pagination cursors",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=removal.stateful(config),
        )
        acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "Cursor signing key, not a credential: rotating it only invalidates open page "
            "cursors, so it is rotated by hand (new version) rather than by a rotation Lambda.",
        )
        return secret

    def _stage(self, config: StageConfig) -> apigw.CfnStage:
        access_log = logs.LogGroup(
            self,
            "AccessLog",
            log_group_name=f"/aws/apigateway/{config.prefix}/access",
            retention=RETENTION[config.log_retention_days],
            removal_policy=removal.stateful(config),
        )
        stage = apigw.CfnStage(
            self,
            "DefaultStage",
            api_id=self.api.ref,
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=apigw.CfnStage.AccessLogSettingsProperty(
                destination_arn=access_log.log_group_arn,
                format=json.dumps(ACCESS_LOG_FORMAT, separators=(",", ":")),
            ),
            default_route_settings=apigw.CfnStage.RouteSettingsProperty(
                detailed_metrics_enabled=True,
                throttling_rate_limit=DEFAULT_THROTTLE["ThrottlingRateLimit"],
                throttling_burst_limit=DEFAULT_THROTTLE["ThrottlingBurstLimit"],
            ),
            route_settings={
                route.route_key: {
                    "ThrottlingRateLimit": route.throttle.rate,
                    "ThrottlingBurstLimit": route.throttle.burst,
                    "DetailedMetricsEnabled": True,
                }
                for route in ROUTES
            },
        )
        for routes in self.route_stacks:
            stage.node.add_dependency(routes)
        return stage


def _by_tag(routes: tuple[Route, ...]) -> dict[str, list[Route]]:
    groups: dict[str, list[Route]] = defaultdict(list)
    for route in routes:
        groups[route.tag].append(route)
    return dict(groups)
