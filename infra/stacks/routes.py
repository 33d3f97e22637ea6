"""One nested stack per catalogue tag: a function, an integration and a route per row.

Nesting keeps one deployable API stack while each domain's resources get their own
500-resource budget, so the catalogue can grow without touching the stack layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import NestedStack, Stack
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.access import Grantable, effective_access, statements_for, touches_table
from infra.components.service_function import ServiceFunction
from infra.nag import acknowledge
from infra.stacks.streams import acknowledge_email, acknowledge_uploads
from infra.stages import StageConfig
from promptvault.catalogue import Route

# The catalogue's auth mode → API Gateway's own check: none (decision 12). A JWT authoriser
# on "user" routes would refuse personal API keys (Bearer pv_…), and the functions verify
# every credential themselves (identity/credentials.py), tokens and keys alike.
AUTHORIZATION = {"public": "NONE", "optional": "NONE", "user": "NONE"}
# Stages whose endpoints start from a SnapStart snapshot (decision 2, docs/performance.md):
# the client-facing functions of prod, where a cold start is a customer waiting. Dev and
# staging deploy often and rarely scale out, so snapshots would cost more than they save.
SNAP_START_STAGES = ("prod",)


@dataclass(frozen=True, slots=True)
class RouteWiring:
    """What every route in a group needs from the parent API stack."""

    config: StageConfig
    api_id: str
    authorizer_id: str
    layer: lambda_.ILayerVersion
    grantable: Grantable
    user_pool_id: str
    user_pool_client_id: str
    search_endpoint: str = ""  # https://<OpenSearch domain endpoint>
    # What every function of the stage is told (infra/environment.py: bus, sender, URL)
    stage_environment: Mapping[str, str] = field(default_factory=dict)


def construct_id(route: Route) -> str:
    return "".join(part.title() for part in route.function.split("_"))


def environment(route: Route, wiring: RouteWiring) -> dict[str, str]:
    """Only the settings this route's access needs (names match promptvault.core.settings)."""
    env = {
        **wiring.stage_environment,
        "USER_POOL_ID": wiring.user_pool_id,
        "USER_POOL_CLIENT_ID": wiring.user_pool_client_id,
        "MAX_BODY_BYTES": str(route.max_body_bytes),
    }
    if touches_table(effective_access(route)):
        env["TABLE_NAME"] = wiring.config.prefix
    if "secret:read" in route.access:
        env["CURSOR_SECRET_ARN"] = wiring.grantable.cursor_secret_arn
    if "search:read" in route.access:
        env["SEARCH_BACKEND"] = "opensearch"
        env["SEARCH_ENDPOINT"] = wiring.search_endpoint
    if "cognito:admin-confirm" in route.access:
        env["AUTO_CONFIRM_SIGNUP"] = str(wiring.config.auto_confirm_signup).lower()
    return env


class RoutesStack(NestedStack):
    def __init__(
        self, scope: Construct, construct_id_: str, *, routes: Sequence[Route], wiring: RouteWiring
    ) -> None:
        super().__init__(scope, construct_id_, description=f"PromptVault routes: {construct_id_}")
        self.functions: dict[str, ServiceFunction] = {}
        for route in routes:
            self.functions[route.function] = self._endpoint(route, wiring)

    def _endpoint(self, route: Route, wiring: RouteWiring) -> ServiceFunction:
        scope = Construct(self, construct_id(route))
        function = ServiceFunction(
            scope,
            "Handler",
            config=wiring.config,
            package=route.function,
            handler=route.handler,
            description=f"{route.route_key}: {route.summary}",
            layer=wiring.layer,
            environment=environment(route, wiring),
            statements=statements_for(
                effective_access(route),
                wiring.grantable,
                auto_confirm_signup=wiring.config.auto_confirm_signup,
            ),
            snap_start=wiring.config.name in SNAP_START_STAGES,
        )
        acknowledge_uploads(wiring.config, route.access, function)
        acknowledge_email(wiring.config, route.access, function)
        if "search:read" in route.access:
            config = wiring.config
            account = config.account or "<AWS::AccountId>"  # how cdk-nag renders the token
            domain = f"arn:<AWS::Partition>:es:{config.region}:{account}:domain/{config.prefix}"
            acknowledge(
                function.role,
                f"AwsSolutions-IAM5[Resource::{domain}/*]",
                "OpenSearch paths (indexes, documents) are not IAM resources; the grant is "
                "limited to this stage's domain, read actions only.",
            )
        integration = apigw.CfnIntegration(
            scope,
            "Integration",
            api_id=wiring.api_id,
            integration_type="AWS_PROXY",
            integration_uri=function.target.function_arn,
            payload_format_version="2.0",
        )
        authorization = AUTHORIZATION[route.auth]
        api_route = apigw.CfnRoute(
            scope,
            "Route",
            api_id=wiring.api_id,
            route_key=route.route_key,
            target=f"integrations/{integration.ref}",
            authorization_type=authorization,
            authorizer_id=wiring.authorizer_id if authorization == "JWT" else None,
        )
        if authorization == "NONE":
            acknowledge(
                api_route,
                "AwsSolutions-APIG4",
                f"Catalogue auth mode '{route.auth}': the handler verifies every credential "
                "itself (Cognito access token or personal API key; decision 12), and refuses "
                "anonymous callers where the mode is 'user'.",
            )
        lambda_.CfnPermission(
            scope,
            "Invoke",
            action="lambda:InvokeFunction",
            function_name=function.target.function_arn,
            principal="apigateway.amazonaws.com",
            source_arn=self._execute_arn(route, wiring.api_id),
        )
        return function

    def _execute_arn(self, route: Route, api_id: str) -> str:
        """Only this route's method and path (any stage) may invoke the function."""
        path = re.sub(r"\{[^}]+\}", "*", route.path)
        stack = Stack.of(self)
        return (
            f"arn:{stack.partition}:execute-api:{stack.region}:{stack.account}:"
            f"{api_id}/*/{route.method}{path}"
        )
