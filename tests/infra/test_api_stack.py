"""One function, one route and one least-privilege role per catalogue row."""

import json

import pytest

from infra.components.service_function import function_name
from promptvault.catalogue import ROUTES

# Deploy-time helpers that are not ours to count per route: the search role-mapping custom
# resource (infra/stacks/search_access.py) and CDK's Provider framework in front of it.
INFRASTRUCTURE_HANDLERS = ("handler.on_event", "framework.onEvent")

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

# Decision 12: functions verify every credential (tokens and API keys); the gateway checks none.
EXPECTED_AUTHORIZATION = {"public": "NONE", "optional": "NONE", "user": "NONE"}
# Independent of infra/access.py on purpose: the rights each access word may bring.
ALLOWED_ACTIONS = {
    "table:get": {"dynamodb:GetItem"},
    "table:batch-get": {"dynamodb:BatchGetItem"},
    "table:query": {"dynamodb:Query"},
    "table:put": {"dynamodb:PutItem"},
    "table:update": {"dynamodb:UpdateItem"},
    "table:delete": {"dynamodb:DeleteItem"},
    "table:batch-write": {"dynamodb:BatchWriteItem"},
    "table:check": {"dynamodb:ConditionCheckItem"},
    "index:GSI1": {"dynamodb:Query"},
    "index:GSI2": {"dynamodb:Query"},
    "index:GSI3": {"dynamodb:Query"},
    "index:GSI4": {"dynamodb:Query"},
    "secret:read": {"secretsmanager:GetSecretValue"},
    "cognito:client": set(),
    "cognito:admin-confirm": {"cognito-idp:AdminConfirmSignUp"},
    "cognito:admin-roles": {
        "cognito-idp:AdminAddUserToGroup",
        "cognito-idp:AdminListGroupsForUser",
        "cognito-idp:AdminRemoveUserFromGroup",
    },
    "cognito:admin-delete": {"cognito-idp:AdminDeleteUser"},
    "search:read": {"es:ESHttpPost"},
    "uploads:put": {"s3:PutObject"},  # the imports bucket (infra/access.py UPLOADS)
    "uploads:get": {"s3:GetObject"},
    "email:send": {"ses:SendEmail", "ses:SendRawEmail"},  # an invitation's email (issue 14)
}
# The rate limiter (a counter's UpdateItem, read back when refused, replaced when expired) and
# the credential check (the profile or the key, and the key's last use) every request shares:
# only on their partitions (dynamodb:LeadingKeys), whatever the route declares.
COUNTING = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
BASELINE = {
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
}


def _functions(assembly):
    """Our functions by name (CDK's own helper functions, if any, are not ours)."""
    return {
        f["Properties"]["FunctionName"]: (key, f)
        for key, f in assembly.resources("AWS::Lambda::Function").items()
        if f["Properties"]["Handler"].startswith("functions.")
    }


def _actions_of_role(assembly, template_name, role_id):
    template = assembly.templates[template_name]
    documents = [
        p["PolicyDocument"]
        for p in template["Resources"][role_id]["Properties"].get("Policies", [])
    ]
    for resource in template["Resources"].values():
        if (
            resource["Type"] == "AWS::IAM::Policy"
            and {"Ref": role_id} in resource["Properties"]["Roles"]
        ):
            documents.append(resource["Properties"]["PolicyDocument"])
    actions = set()
    for document in documents:
        for statement in document["Statement"]:
            found = statement["Action"]
            actions |= set(found if isinstance(found, list) else [found])
    return actions


def test_function_count_is_catalogue_rows_plus_consumers_and_triggers(assembly):
    consumers = len(assembly.stacks.streams.functions) if assembly.stacks.streams else 0
    triggers = len(assembly.stacks.events.functions)  # events queue, schedule, email feedback
    expected = (
        len(ROUTES)
        + consumers
        + triggers
        + (1 if assembly.stacks.config.auto_confirm_signup else 0)
    )
    handlers = [
        f["Properties"]["Handler"] for f in assembly.resources("AWS::Lambda::Function").values()
    ]
    infrastructure = sorted(h for h in handlers if not h.startswith("functions."))

    assert len(_functions(assembly)) == expected
    assert infrastructure == sorted(INFRASTRUCTURE_HANDLERS)
    assert len(handlers) == expected + len(INFRASTRUCTURE_HANDLERS)


def test_every_catalogue_row_has_its_function_with_the_catalogue_handler(assembly):
    functions = _functions(assembly)

    for route in ROUTES:
        _, function = functions[function_name(assembly.stacks.config, route.function)]
        assert function["Properties"]["Handler"] == route.handler
        assert function["Properties"]["Architectures"] == ["arm64"]
        assert function["Properties"]["Runtime"] == "python3.12"
        assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}


def test_every_route_has_the_authoriser_its_auth_mode_demands(assembly):
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in assembly.resources("AWS::ApiGatewayV2::Route").values()
    }

    assert sorted(routes) == sorted(route.route_key for route in ROUTES)
    for route in ROUTES:
        assert routes[route.route_key]["AuthorizationType"] == EXPECTED_AUTHORIZATION[route.auth], (
            route.route_key
        )
        assert "AuthorizerId" not in routes[route.route_key]


def test_jwt_authoriser_trusts_the_user_pool_and_its_client(assembly):
    (authorizer,) = assembly.resources("AWS::ApiGatewayV2::Authorizer").values()
    jwt = authorizer["Properties"]["JwtConfiguration"]

    assert authorizer["Properties"]["AuthorizerType"] == "JWT"
    assert "cognito-idp" in json.dumps(jwt["Issuer"])
    assert len(jwt["Audience"]) == 1


def test_each_function_has_its_own_role(assembly):
    roles = [f["Properties"]["Role"] for _, f in _functions(assembly).values()]

    assert len({json.dumps(r, sort_keys=True) for r in roles}) == len(roles)


def test_roles_hold_only_what_the_route_declares(assembly):
    config = assembly.stacks.config
    functions = _functions(assembly)
    for route in ROUTES:
        key, function = functions[function_name(config, route.function)]
        template_name = key.split("/")[0]
        role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
        allowed = set(BASELINE)
        if route.rate_limit != "none" or route.auth != "public":
            allowed |= COUNTING
        for word in route.access:
            if word == "cognito:admin-confirm" and not config.auto_confirm_signup:
                continue
            allowed |= ALLOWED_ACTIONS[word]

        actions = _actions_of_role(assembly, template_name, role_id)

        assert actions <= allowed, (
            f"{route.function} may do more than declared: {actions - allowed}"
        )
        assert not any(a.endswith("*") for a in actions), route.function


def test_functions_get_the_settings_their_access_needs(assembly):
    functions = _functions(assembly)
    for route in ROUTES:
        _, function = functions[function_name(assembly.stacks.config, route.function)]
        env = function["Properties"]["Environment"]["Variables"]

        assert env["STAGE"] == assembly.stage
        assert {"USER_POOL_ID", "USER_POOL_CLIENT_ID"} <= set(env)
        assert env["MAX_BODY_BYTES"] == str(route.max_body_bytes)
        counts = route.rate_limit != "none" or route.auth != "public"
        touches = any(word.startswith(("table:", "index:")) for word in route.access)
        assert ("TABLE_NAME" in env) == (counts or touches)
        assert ("CURSOR_SECRET_ARN" in env) == ("secret:read" in route.access)


def test_routes_are_throttled_as_the_catalogue_says_with_a_stage_default(assembly):
    (stage,) = assembly.resources("AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["RouteSettings"]

    for route in ROUTES:
        assert settings[route.route_key]["ThrottlingRateLimit"] == route.throttle.rate
        assert settings[route.route_key]["ThrottlingBurstLimit"] == route.throttle.burst
    assert stage["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0


def test_access_logs_are_json_and_cors_comes_from_the_stage_config(assembly):
    (stage,) = assembly.resources("AWS::ApiGatewayV2::Stage").values()
    (api,) = assembly.resources("AWS::ApiGatewayV2::Api").values()

    assert (
        json.loads(stage["Properties"]["AccessLogSettings"]["Format"])["status"]
        == "$context.status"
    )
    assert api["Properties"]["CorsConfiguration"]["AllowOrigins"] == list(
        assembly.stacks.config.cors_origins
    )


def test_function_assets_hold_only_their_own_package(dev):
    functions = _functions(dev)
    route = ROUTES[0]
    _, function = functions[function_name(dev.stacks.config, route.function)]
    asset = dev.outdir / f"asset.{function['Properties']['Code']['S3Key'].removesuffix('.zip')}"

    packages = {
        p.name for p in (asset / "functions").iterdir() if p.is_dir() and p.name != "__pycache__"
    }

    assert packages == {route.function}
    assert (asset / "functions" / "__init__.py").is_file()
    assert (asset / "functions" / route.function / "__pycache__").is_dir()  # bytecode shipped
