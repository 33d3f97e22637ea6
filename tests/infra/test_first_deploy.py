"""A first deploy that succeeds, and a second that updates (issue 10).

Read off the synthesized templates of every stage: the search index is put by the deploy
before any function may write; a failed first create leaves nothing behind; stacks do not
pin each other with exports; Cognito mails through SES; alarms reach someone and cover the
search domain, the table and the account's concurrency.
"""

import json
import re

import pytest

from infra.stacks.search_access import INDEX_NAME, index_template_body
from infra.stages import StageConfigError, cdk_json_context, load_stage
from promptvault.search.opensearch_body import index_body

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

# The only exports left, with why they cannot block an update: the user pool and its app
# client are never replaced in place (a new pool would lose every account), so their ids and
# ARN never change, and the API is their only importer.
ALLOWED_EXPORTS = {
    ("Identity", "AWS::Cognito::UserPool"),
    ("Identity", "AWS::Cognito::UserPoolClient"),
}
SSM_REFERENCE = re.compile(r"\{\{resolve:ssm:([^}:]+)\}\}")


def _exporting_stack(export_name):
    return export_name.split(":")[0].split("-", 2)[2]


def _imports(template):
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "Fn::ImportValue" in value:
                found.append(value["Fn::ImportValue"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(template)
    return found


def test_stacks_share_values_by_name_not_by_export_except_the_stable_user_pool(assembly):
    exported = {}
    for name, template in assembly.templates.items():
        for output in template.get("Outputs", {}).values():
            if "Export" in output:
                ref = output["Value"].get("Ref") or output["Value"]["Fn::GetAtt"][0]
                kind = template["Resources"][ref]["Type"]
                exported[output["Export"]["Name"]] = (name.split("-", 2)[2], kind)

    assert set(exported.values()) <= ALLOWED_EXPORTS
    for name, template in assembly.templates.items():
        for imported in _imports(template):
            assert imported in exported, (name, imported)
            assert not name.endswith(("Streams", "Events", "SearchAccess", "Observability")), name


def _published(assembly):
    return {
        resource["Properties"]["Name"]: name
        for name, template in assembly.templates.items()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::SSM::Parameter"
    }


def _read(assembly):
    """(reading template, parameter name) for every dynamic reference and SSM parameter."""
    found = []
    for name, template in assembly.templates.items():
        found += [(name, ref) for ref in SSM_REFERENCE.findall(json.dumps(template))]
        for parameter in template.get("Parameters", {}).values():
            default = str(parameter.get("Default", ""))
            if parameter["Type"].startswith("AWS::SSM::") and default.startswith("/promptvault/"):
                found.append((name, default))
    return found


def test_every_value_a_stack_reads_is_published_by_a_stack_deployed_before_it(assembly):
    published = _published(assembly)
    manifest = json.loads((assembly.outdir / "manifest.json").read_text())
    artifacts = manifest["artifacts"]

    def stack_of(template):  # a nested template deploys with its parent stack
        if template in artifacts:
            return template
        return f"PromptVault-{assembly.stage}-Api"

    reads = _read(assembly)
    assert reads
    for reader, parameter in reads:
        assert parameter in published, (reader, parameter)
        owner = stack_of(published[parameter])
        if owner != stack_of(reader):
            assert owner in artifacts[stack_of(reader)]["dependencies"], (reader, owner)


def test_stream_consumers_read_the_stream_from_its_published_arn(assembly):
    mappings = [
        m
        for m in assembly.resources("AWS::Lambda::EventSourceMapping").values()
        if "StartingPosition" in m["Properties"]  # streams; queue mappings read their queue
    ]

    assert mappings
    for mapping in mappings:
        assert mapping["Properties"]["EventSourceArn"] == (
            f"{{{{resolve:ssm:/promptvault/{assembly.stage}/data/table-stream-arn}}}}"
        )


STATEFUL = (
    "AWS::DynamoDB::Table",
    "AWS::Cognito::UserPool",
    "AWS::OpenSearchService::Domain",
    "AWS::SecretsManager::Secret",
)


def test_prod_retains_data_except_when_its_own_create_fails(prod):
    for kind in STATEFUL:
        for resource in prod.resources(kind).values():
            assert resource["DeletionPolicy"] == "RetainExceptOnCreate", kind
            assert resource["UpdateReplacePolicy"] == "Retain", kind
    for name, group in prod.resources("AWS::Logs::LogGroup").items():
        if "search-mapping" in json.dumps(group["Properties"]):
            continue  # a deploy-time helper's logs go with it
        assert group["DeletionPolicy"] == "RetainExceptOnCreate", name


def test_no_stage_keeps_a_plain_retain_that_would_block_a_retried_first_deploy(assembly):
    for name, template in assembly.templates.items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Lambda::LayerVersion":
                continue  # unnamed: versions stay valid for rollbacks, a retry never clashes
            assert resource.get("DeletionPolicy") != "Retain", (name, logical_id)


def test_dev_tears_its_data_down(dev):
    for kind in STATEFUL:
        for resource in dev.resources(kind).values():
            assert resource["DeletionPolicy"] == "Delete", kind


def test_the_deploy_puts_the_index_template_before_any_role_is_mapped(assembly):
    template = assembly.stack("SearchAccess")["Resources"]
    (put_template,) = [
        (logical_id, r)
        for logical_id, r in template.items()
        if r["Type"] == "Custom::OpenSearchIndexTemplate"
    ]
    (mapping,) = [r for r in template.values() if r["Type"] == "Custom::OpenSearchRolesMapping"]
    props = put_template[1]["Properties"]
    body = json.loads(props["Template"])

    assert put_template[0] in mapping["DependsOn"]
    assert (props["TemplateName"], props["IndexName"]) == (INDEX_NAME, "prompts")
    assert body == index_template_body()
    assert body["template"] == index_body()
    assert body["template"]["mappings"]["dynamic"] == "strict"
    assert body["template"]["settings"]["index"]["gc_deletes"]
    assert "prompts" in [p.rstrip("*") for p in body["index_patterns"]]


def test_stages_outside_the_sandbox_mail_through_ses_with_the_configuration_set(assembly):
    (pool,) = assembly.resources("AWS::Cognito::UserPool").values()
    email = pool["Properties"].get("EmailConfiguration", {})
    sender = assembly.stacks.config.email

    if assembly.stage == "dev":
        assert sender is None
        assert email.get("EmailSendingAccount", "COGNITO_DEFAULT") == "COGNITO_DEFAULT"
        return
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["ConfigurationSet"] == f"promptvault-{assembly.stage}"
    assert email["From"].endswith(f"<{sender.from_address}>")
    assert email["SourceArn"]["Fn::Join"][1][-1] == f":identity/{sender.identity}"


def _stages():
    return json.loads(json.dumps(cdk_json_context()["promptvault:stages"]))


@pytest.mark.parametrize("missing", ["email", "alarm_subscriptions"])
@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_synth_refuses_a_stage_without_a_sender_or_alarm_subscribers(stage, missing):
    stages = _stages()
    del stages[stage][missing]

    with pytest.raises(StageConfigError, match=missing):
        load_stage(stage, stages)


def test_the_sender_must_belong_to_its_ses_identity():
    stages = _stages()
    stages["prod"]["email"]["from_address"] = "no-reply@elsewhere.example"

    with pytest.raises(StageConfigError, match="identity"):
        load_stage("prod", stages)


def test_dev_may_use_cognitos_sender_and_no_subscribers():
    stages = _stages()
    stages["dev"].pop("email", None)
    stages["dev"]["alarm_subscriptions"] = []

    assert load_stage("dev", stages).email is None


def test_alarm_subscribers_come_from_the_stage_with_a_dead_letter_queue(assembly):
    subscriptions = [
        r
        for r in assembly.stack("Observability")["Resources"].values()
        if r["Type"] == "AWS::SNS::Subscription"
    ]
    wanted = {(s.protocol, s.endpoint) for s in assembly.stacks.config.alarm_subscriptions}
    (topic,) = [
        logical_id
        for logical_id, r in assembly.stack("Observability")["Resources"].items()
        if r["Type"] == "AWS::SNS::Topic"
    ]

    assert {(s["Properties"]["Protocol"], s["Properties"]["Endpoint"]) for s in subscriptions} == (
        wanted
    )
    for subscription in subscriptions:
        assert subscription["Properties"]["TopicArn"] == {"Ref": topic}
        assert "deadLetterTargetArn" in subscription["Properties"]["RedrivePolicy"]
    if assembly.stage != "dev":
        assert wanted


def _alarms(assembly):
    return [a["Properties"] for a in assembly.resources("AWS::CloudWatch::Alarm").values()]


def _on(assembly, metric):
    return [a for a in _alarms(assembly) if a.get("MetricName") == metric]


@pytest.mark.parametrize(
    "metric",
    ["ClusterStatus.red", "FreeStorageSpace", "JVMMemoryPressure", "ClusterIndexWritesBlocked"],
)
def test_the_search_domain_is_alarmed(assembly, metric):
    (alarm,) = _on(assembly, metric)
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}

    assert alarm["Namespace"] == "AWS/ES"
    assert dimensions["DomainName"] == f"promptvault-{assembly.stage}"
    assert dimensions["ClientId"] == {"Ref": "AWS::AccountId"}
    assert alarm["AlarmActions"]


def test_yellow_pages_only_where_replicas_can_be_placed(assembly):
    yellow = _on(assembly, "ClusterStatus.yellow")

    assert len(yellow) == (1 if assembly.stacks.config.search.instance_count > 1 else 0)


def test_free_storage_alarm_is_a_quarter_of_a_nodes_volume(prod):
    (alarm,) = _on(prod, "FreeStorageSpace")

    assert alarm["Threshold"] == prod.stacks.config.search.volume_gb * 1024 / 4
    assert alarm["ComparisonOperator"] == "LessThanOrEqualToThreshold"


@pytest.mark.parametrize("kind", ["Read", "Write"])
def test_table_throttles_on_the_table_and_every_gsi_are_alarmed(assembly, kind):
    metric = f"{kind}ThrottleEvents"
    (alarm,) = [
        a
        for a in _alarms(assembly)
        if any(
            m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == metric
            for m in a.get("Metrics", [])
        )
    ]
    watched = [
        {d["Name"]: d["Value"] for d in m["MetricStat"]["Metric"]["Dimensions"]}
        for m in alarm["Metrics"]
        if "MetricStat" in m
    ]

    assert {w.get("GlobalSecondaryIndexName") for w in watched} == {
        None,
        *assembly.stacks.data.index_names,
    }
    assert {w["TableName"] for w in watched} == {f"promptvault-{assembly.stage}"}
    assert alarm["Threshold"] == 0


def test_account_concurrency_pages_at_the_stage_threshold(assembly):
    (alarm,) = _on(assembly, "ConcurrentExecutions")

    assert alarm["Namespace"] == "AWS/Lambda"
    assert "Dimensions" not in alarm  # the whole account, every function
    assert alarm["Threshold"] == assembly.stacks.config.alarms.account_concurrency


def test_failure_queue_alarm_names_the_streams_queue(assembly):
    queues = [
        r["Properties"]["QueueName"]
        for r in assembly.stack("Streams")["Resources"].values()
        if r["Type"] == "AWS::SQS::Queue"
    ]
    watched = [a["Dimensions"] for a in _on(assembly, "ApproximateNumberOfMessagesVisible")]

    assert len(queues) == 1
    assert watched.count([{"Name": "QueueName", "Value": queues[0]}]) == 1
