"""A function's synthesized role, as concrete policy documents, and moto's evaluator over them.

CloudFormation tokens (``Ref``, ``Fn::GetAtt``, ``Fn::ImportValue``, ``Fn::Join``, nested-stack
parameters) are resolved over the stage's templates to the ARNs the resources will have: the
names are deterministic (``promptvault-<stage>``), the account is the stage's or a stand-in.
Decisions are moto's (``moto.iam.access_control.IAMPolicy``): actions and resources with IAM's
wildcards, explicit denies, conditions. moto evaluates ``StringEquals`` only and passes over
operators it does not know, so ``ForAllValues:StringLike`` (what ``dynamodb:LeadingKeys``
needs) is registered for the evaluation with moto's own wildcard matcher; without it a
prefix condition would never be checked at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

STAND_IN_ACCOUNT = "123456789012"
# A value another stack publishes (infra/parameters.py), read by a dynamic reference.
SSM_REFERENCE = re.compile(r"\{\{resolve:ssm:([^}:]+)\}\}")
Template = dict[str, Any]


@dataclass(frozen=True, slots=True)
class StageArns:
    """Where the product's resources are in one stage, as the roles name them."""

    table: str
    user_pool: str
    secret: str
    search_domain: str
    event_bus: str = "<no event bus>"
    configuration_set: str = "<no configuration set>"
    email_identity: str = "<no sending identity>"
    queues: str = "<no queues>"  # the stage's queue ARN prefix: arn:aws:sqs:…:promptvault-<stage>-
    imports_bucket: str = "<no imports bucket>"

    def of(self, resource: str) -> str:
        """The ARN of an observed resource (``tests.support.iam_observed.Need.resource``)."""
        if resource == "table":
            return self.table
        if resource.startswith("index/"):
            return f"{self.table}/{resource}"
        if resource == "user-pool":
            return self.user_pool
        if resource == "secret":
            return self.secret
        if resource.startswith("search/"):
            return f"{self.search_domain}/{resource.removeprefix('search/')}"
        if resource == "event-bus":
            return self.event_bus
        if resource == "configuration-set":
            return self.configuration_set
        if resource == "email-identity":
            return self.email_identity
        if resource.startswith("queue/"):  # one of the stage's queues, by its name's tail
            return self.queues + resource.removeprefix("queue/")
        if resource.startswith("imports-bucket/"):  # an object of the imports bucket
            return f"{self.imports_bucket}/{resource.removeprefix('imports-bucket/')}"
        return resource


class Resolver:
    """Resolves tokens in any of the stage's templates (top-level and nested)."""

    def __init__(self, templates: dict[str, Template], region: str, account: str | None) -> None:
        self.templates = templates
        self.region = region
        self.account = account or STAND_IN_ACCOUNT
        self._exports: dict[str, tuple[str, Any]] = {}
        self._parameters: dict[str, tuple[str, Any]] = {}
        self._published: dict[str, tuple[str, Any]] = {}  # SSM parameter name -> its value
        for name, template in templates.items():
            for output in template.get("Outputs", {}).values():
                if "Export" in output:
                    self._exports[output["Export"]["Name"]] = (name, output["Value"])
            for resource in template.get("Resources", {}).values():
                if resource["Type"] == "AWS::SSM::Parameter":
                    properties = resource["Properties"]
                    self._published[properties["Name"]] = (name, properties["Value"])
                if resource["Type"] == "AWS::CloudFormation::Stack":
                    for param, value in resource["Properties"].get("Parameters", {}).items():
                        known = self._parameters.setdefault(param, (name, value))
                        assert known == (name, value), f"parameter {param} passed two values"

    def resolve(self, value: Any, template: str) -> Any:
        if isinstance(value, list):
            return [self.resolve(item, template) for item in value]
        if isinstance(value, str):
            return SSM_REFERENCE.sub(lambda found: self._ssm(found[1]), value)
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {key: self.resolve(item, template) for key, item in value.items()}
        ((function, argument),) = value.items()
        if function == "Ref":
            return self._ref(argument, template)
        if function == "Fn::GetAtt":
            return self._attribute(argument[0], argument[1], template)
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(str(self.resolve(part, template)) for part in parts)
        if function == "Fn::ImportValue":
            source, exported = self._exports[self.resolve(argument, template)]
            return self.resolve(exported, source)
        if function.startswith("Fn::"):
            raise NotImplementedError(f"{function} in a policy: teach the resolver")
        return {key: self.resolve(item, template) for key, item in value.items()}

    def _ssm(self, parameter: str) -> str:
        """What the owner publishes under that name, resolved in the owner's template."""
        source, value = self._published[parameter]
        return str(self.resolve(value, source))

    def _ref(self, name: str, template: str) -> str:
        pseudo = {
            "AWS::Partition": "aws",
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        resources = self.templates[template].get("Resources", {})
        if name in resources:
            resource = resources[name]
            if resource["Type"] == "AWS::SecretsManager::Secret":  # Ref is the secret's ARN
                return self._arn(resource, name)
            return f"<{name}>"
        if name in self.templates[template].get("Parameters", {}):
            source, value = self._parameters[name]
            return str(self.resolve(value, source))
        raise KeyError(f"{template}: Ref {name}")

    def _attribute(self, logical_id: str, attribute: str, template: str) -> str:
        resource = self.templates[template]["Resources"][logical_id]
        arn = self._arn(resource, logical_id)
        if attribute == "Arn":
            return arn
        if attribute == "StreamArn":
            return f"{arn}/stream/*"
        return f"<{logical_id}.{attribute}>"

    def _arn(self, resource: dict[str, Any], logical_id: str) -> str:
        properties = resource.get("Properties", {})
        where = f"{self.region}:{self.account}"
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{where}:table/{properties['TableName']}"
        if kind == "AWS::SecretsManager::Secret":
            return f"arn:aws:secretsmanager:{where}:secret:{properties['Name']}-Abc123"
        if kind == "AWS::Cognito::UserPool":
            return f"arn:aws:cognito-idp:{where}:userpool/{self.region}_{logical_id}"
        if kind == "AWS::OpenSearchService::Domain":
            return f"arn:aws:es:{where}:domain/{properties['DomainName']}"
        if kind == "AWS::Logs::LogGroup":
            return f"arn:aws:logs:{where}:log-group:{properties['LogGroupName']}:*"
        if kind == "AWS::SQS::Queue":
            return f"arn:aws:sqs:{where}:{properties['QueueName']}"
        if kind == "AWS::Events::EventBus":
            return f"arn:aws:events:{where}:event-bus/{properties['Name']}"
        if kind == "AWS::SES::ConfigurationSet":
            return f"arn:aws:ses:{where}:configuration-set/{properties['Name']}"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::{self.account}:role/{properties.get('RoleName', logical_id)}"
        return f"<{logical_id}.Arn>"

    def only(self, kind: str) -> tuple[str, str]:
        """The one resource of a type in the stage: (template, logical id)."""
        found = [
            (name, logical_id)
            for name, template in self.templates.items()
            for logical_id, resource in template.get("Resources", {}).items()
            if resource["Type"] == kind
        ]
        assert len(found) == 1, f"{kind}: {found}"
        return found[0]

    def stage_arns(self) -> StageArns:
        def arn(kind: str) -> str:
            template, logical_id = self.only(kind)
            return self._arn(self.templates[template]["Resources"][logical_id], logical_id)

        configuration_set = arn("AWS::SES::ConfigurationSet")
        event_bus = arn("AWS::Events::EventBus")
        # the bus is <prefix>-events; queues are <prefix>-<function> (infra/stacks/events.py)
        where, bus_name = event_bus.split(":event-bus/")
        queues = where.replace(":events:", ":sqs:") + ":" + bus_name.removesuffix("events")
        # the sending identity (a domain verified outside the templates): any of the account's
        return StageArns(
            table=arn("AWS::DynamoDB::Table"),
            user_pool=arn("AWS::Cognito::UserPool"),
            secret=arn("AWS::SecretsManager::Secret"),
            search_domain=arn("AWS::OpenSearchService::Domain"),
            event_bus=event_bus,
            queues=queues,
            imports_bucket=self._bucket_arn(),
            configuration_set=configuration_set,
            email_identity=configuration_set.split(":configuration-set/")[0]
            + ":identity/promptvault.example",
        )

    def _bucket_arn(self) -> str:
        """The imports bucket's ARN: its name carries the account and region (a token)."""
        template, logical_id = self.only("AWS::S3::Bucket")
        name = self.resolve(
            self.templates[template]["Resources"][logical_id]["Properties"]["BucketName"], template
        )
        return f"arn:aws:s3:::{name}"

    def role_of_function(self, function_name: str) -> tuple[str, str]:
        """(template, role logical id) of the Lambda function with this name."""
        for name, template in self.templates.items():
            for resource in template.get("Resources", {}).values():
                properties = resource.get("Properties", {})
                if (
                    resource["Type"] == "AWS::Lambda::Function"
                    and properties.get("FunctionName") == function_name
                ):
                    return name, properties["Role"]["Fn::GetAtt"][0]
        raise KeyError(f"no function named {function_name}")

    def policies(self, template: str, role: str) -> list[dict[str, Any]]:
        """Every policy document of a role, resolved: inline, attached (AWS::IAM::Policy)."""
        resources = self.templates[template]["Resources"]
        found = [p["PolicyDocument"] for p in resources[role]["Properties"].get("Policies", [])]
        for resource in resources.values():
            attached = resource["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}
            if attached and {"Ref": role} in resource["Properties"].get("Roles", []):
                found.append(resource["Properties"]["PolicyDocument"])
        assert not resources[role]["Properties"].get("ManagedPolicyArns"), (
            f"{role}: managed policies are not read here"
        )
        return [self.resolve(document, template) for document in found]


def statements(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for document in documents:
        listed = document["Statement"]
        found.extend(listed if isinstance(listed, list) else [listed])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@contextmanager
def prefix_conditions() -> Iterator[None]:
    """moto's evaluator with ``ForAllValues:StringLike`` (see the module doc)."""
    from moto.iam import policy_conditions
    from moto.iam.access_control import IAMPolicyStatement

    def string_like(expected: list[str] | str, actual: str) -> bool:
        return any(IAMPolicyStatement._match(p, actual) for p in as_list(expected))

    operations = policy_conditions.CONDITION_OPERATIONS
    saved = dict(operations)
    operations["ForAllValues:StringLike"] = string_like
    operations["StringLike"] = string_like
    try:
        yield
    finally:
        operations.clear()
        operations.update(saved)


def allows(
    documents: list[dict[str, Any]], action: str, resource: str, leading_key: str | None
) -> bool:
    """IAM's answer (moto's evaluator) for one request under a role's policies."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    context = {"dynamodb:LeadingKeys": leading_key} if leading_key is not None else {}
    permitted = False
    for document in documents:
        result = IAMPolicy(json.dumps(document)).is_action_permitted(
            action, resource, incoming_condition_values=context
        )
        if result == PermissionResult.DENIED:
            return False
        permitted = permitted or result == PermissionResult.PERMITTED
    return permitted
