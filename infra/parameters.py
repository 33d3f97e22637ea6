"""What one stack tells another, by name: SSM parameters instead of CloudFormation exports.

A strong export (``Fn::ImportValue``) pins the exporting stack: it may neither change nor drop
the value while another stack imports it, so a later deploy stops at "export in use". Values
that are not deterministic (a stream ARN, a domain endpoint, an API id, generated role ARNs)
are published by their owner as ``/promptvault/<stage>/<key>`` and read by the consumer:

- ``resolve``: a ``{{resolve:ssm:…}}`` dynamic reference, resolved by CloudFormation at each
  create/update of the reading stack (any ordinary resource property);
- ``template_parameter``: an SSM-typed template parameter, for custom-resource properties
  (CloudFormation does not resolve dynamic references there).

Neither re-reads a value on its own: a reading stack picks up a changed value at its next
update, so the owner stacks are deployed first (``add_dependency`` in ``infra/app.py``).
"""

from __future__ import annotations

from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra.stages import StageConfig

TABLE_STREAM_ARN = "data/table-stream-arn"
SEARCH_ENDPOINT = "search/endpoint"  # host name, no scheme
SEARCH_ADMIN_ROLE_ARN = "search/admin-role-arn"
API_ID = "api/id"
CURSOR_SECRET_ARN = "api/cursor-secret-arn"
SEARCH_ROLE_PREFIX = "search-roles/"  # + function name: the role FGAC maps


def parameter_name(config: StageConfig, key: str) -> str:
    return f"/promptvault/{config.name}/{key}"


def publish(scope: Construct, construct_id: str, config: StageConfig, key: str, value: str) -> None:
    ssm.StringParameter(
        scope,
        construct_id,
        parameter_name=parameter_name(config, key),
        string_value=value,
        description=f"PromptVault {config.name}: read by other stacks instead of an export",
    )


def resolve(config: StageConfig, key: str) -> str:
    return f"{{{{resolve:ssm:{parameter_name(config, key)}}}}}"


def template_parameter(scope: Construct, config: StageConfig, key: str) -> str:
    return ssm.StringParameter.value_for_string_parameter(scope, parameter_name(config, key))
