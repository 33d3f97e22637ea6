"""The CDK app: one set of stacks for one stage, checked by cdk-nag at synth.

``cdk synth -c stage=prod`` (cdk.json runs this module) or, offline and faster,
``python -m infra.app --stage prod``. Stacks are wired here and nowhere else.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Aws, Environment, Stack, Tags

from infra import parameters, uploads
from infra.access import Grantable
from infra.components.service_function import function_name
from infra.consumers import CONSUMERS, StreamConsumer, bus_name
from infra.environment import published_api_url, stage_environment
from infra.nag import add_checks, assert_clean
from infra.stacks.api import ApiStack
from infra.stacks.data import DataStack, index_arns
from infra.stacks.email import EmailStack, feedback_topic_name
from infra.stacks.events import EventsStack
from infra.stacks.identity import PRESIGNUP_PACKAGE, IdentityStack
from infra.stacks.observability import ObservabilityStack
from infra.stacks.search import SearchStack
from infra.stacks.search_access import SearchAccessStack, SearchRole, publish_search_role
from infra.stacks.streams import StreamsStack
from infra.stages import STAGES_KEY, StageConfig, cdk_json_context, load_stage
from promptvault.catalogue import ROUTES, TRIGGERS


@dataclass(frozen=True, slots=True)
class StageStacks:
    config: StageConfig
    data: DataStack
    identity: IdentityStack
    search: SearchStack
    email: EmailStack
    api: ApiStack
    streams: StreamsStack | None
    observability: ObservabilityStack
    search_access: SearchAccessStack
    events: EventsStack

    @property
    def all(self) -> list[Stack]:
        stacks: list[Stack | None] = [
            self.data,
            self.identity,
            self.search,
            self.email,
            self.api,
            self.events,
            self.streams,
            self.observability,
            self.search_access,
        ]
        return [stack for stack in stacks if stack is not None]


def build_stage(
    app: App, config: StageConfig, consumers: Sequence[StreamConsumer] = CONSUMERS
) -> StageStacks:
    env = Environment(
        account=config.account or os.environ.get("CDK_DEFAULT_ACCOUNT"), region=config.region
    )

    def named(concern: str) -> dict[str, object]:
        return {"stack_name": config.stack_name(concern), "env": env}

    # What every function is told about the stage; PUBLIC_URL is added by where it is known:
    # the API's own stack, or the API id it publishes (stacks deployed after it). The
    # pre-sign-up trigger deploys before the API exists and builds no links: it goes without.
    shared = stage_environment(config)
    after_api = stage_environment(config, public_url=published_api_url(config))
    data = DataStack(app, config.stack_name("Data"), config=config, **named("Data"))
    identity = IdentityStack(
        app, config.stack_name("Identity"), config=config, environment=shared, **named("Identity")
    )
    search = SearchStack(app, config.stack_name("Search"), config=config, **named("Search"))
    email = EmailStack(app, config.stack_name("Email"), config=config, **named("Email"))
    api = ApiStack(
        app,
        config.stack_name("Api"),
        config=config,
        data=data,
        identity=identity,
        search=search,
        stage_environment=shared,
        **named("Api"),
    )
    events = EventsStack(
        app,
        config.stack_name("Events"),
        config=config,
        grantable=_consumer_grantable(
            config, data, identity, [a for t in TRIGGERS for a in t.access]
        ),
        environment=after_api,
        feedback_topic_arn=(
            f"arn:{Aws.PARTITION}:sns:{config.region}:{config.account or Aws.ACCOUNT_ID}:"
            f"{feedback_topic_name(config)}"
        ),
        triggers=TRIGGERS,
        **named("Events"),
    )
    streams = None
    if consumers:
        streams = StreamsStack(
            app,
            config.stack_name("Streams"),
            config=config,
            consumers=consumers,
            stream_arn=parameters.resolve(config, parameters.TABLE_STREAM_ARN),
            grantable=_consumer_grantable(
                config, data, identity, [a for c in consumers for a in c.access]
            ),
            environment={
                **after_api,
                "TABLE_NAME": config.prefix,
                "SEARCH_ENDPOINT": "https://"
                + parameters.resolve(config, parameters.SEARCH_ENDPOINT),
            },
            **named("Streams"),
        )
    functions = [function_name(config, route.function) for route in ROUTES]
    if identity.presignup is not None:
        functions.append(function_name(config, PRESIGNUP_PACKAGE))
    consumer_names = [function_name(config, c.package) for c in consumers]
    trigger_names = [function_name(config, package) for package in events.functions]
    observability = ObservabilityStack(
        app,
        config.stack_name("Observability"),
        config=config,
        function_names=[*functions, *consumer_names, *trigger_names],
        consumer_names=consumer_names,
        dead_letter_queues=events.dead_letter_queues,
        table_index_names=data.index_names,
        **named("Observability"),
    )
    search_access = _search_access(app, config, api, streams, consumers, named)
    stacks = StageStacks(
        config, data, identity, search, email, api, streams, observability, search_access, events
    )
    _order(stacks)
    for stack in stacks.all:
        Tags.of(stack).add("project", "promptvault")
        Tags.of(stack).add("stage", config.name)
    return stacks


def _order(stacks: StageStacks) -> None:
    """Deploy order without exports: a stack reads what another published (infra/parameters.py)
    only after that one is deployed. Only Identity's pool and client ids are still exported."""
    s = stacks
    after: list[tuple[Stack | None, list[Stack | None]]] = [
        (s.identity, [s.email]),  # the pool sends through the configuration set
        (s.api, [s.data, s.search]),
        # the bus before its publisher and consumers; the cursor secret and the API id are
        # the API's, the feedback topic the Email stack's
        (s.events, [s.data, s.email, s.api]),
        (s.streams, [s.data, s.search, s.email, s.api, s.events]),
        (s.observability, [s.data, s.search, s.api, s.streams, s.events]),
        (s.search_access, [s.search, s.api, s.streams]),
    ]
    for reader, owners in after:
        for owner in owners:
            if reader is not None and owner is not None:
                reader.add_stack_dependency(owner)


def _consumer_grantable(
    config: StageConfig,
    data: DataStack,
    identity: IdentityStack,
    access: Iterable[str],
) -> Grantable:
    """What the triggers may be granted, by deterministic name or published by its owner."""
    region, account = config.region, config.account or Aws.ACCOUNT_ID
    table = f"arn:{Aws.PARTITION}:dynamodb:{region}:{account}:table/{config.prefix}"
    access = list(access)
    return Grantable(
        table_arn=table,
        index_arns=index_arns(table, data.index_names),
        # A stream consumer that needs the pool (none today) would import its stable ARN.
        user_pool_arn=(
            identity.user_pool.user_pool_arn
            if any(a.startswith("cognito:") for a in access)
            else ""
        ),
        cursor_secret_arn=parameters.resolve(config, parameters.CURSOR_SECRET_ARN),
        search_domain_arn=f"arn:{Aws.PARTITION}:es:{region}:{account}:domain/{config.prefix}",
        email_resources=(
            f"arn:{Aws.PARTITION}:ses:{region}:{account}:identity/*",
            f"arn:{Aws.PARTITION}:ses:{region}:{account}:configuration-set/{config.prefix}",
        ),
        event_bus_arn=(
            f"arn:{Aws.PARTITION}:events:{region}:{account}:event-bus/{bus_name(config.prefix)}"
        ),
        imports_bucket_arn=uploads.bucket_arn(config),
    )


def _search_access(
    app: App,
    config: StageConfig,
    api: ApiStack,
    streams: StreamsStack | None,
    consumers: Sequence[StreamConsumer],
    named: Callable[[str], dict[str, object]],
) -> SearchAccessStack:
    """Wired last: it maps the search functions' roles, which their own stacks publish."""
    functions = api.functions
    readers = [
        publish_search_role(config, route.function, functions[route.function])
        for route in ROUTES
        if "search:read" in route.access
    ]
    writers: list[SearchRole] = []
    if streams is not None:
        for consumer in consumers:
            function = streams.functions[consumer.package]
            if "search:write" in consumer.access:
                writers.append(publish_search_role(config, consumer.package, function))
            elif "search:read" in consumer.access:
                readers.append(publish_search_role(config, consumer.package, function))
    return SearchAccessStack(
        app,
        config.stack_name("SearchAccess"),
        config=config,
        readers=readers,
        writers=writers,
        **named("SearchAccess"),
    )


def _forget_previous_stage(outdir: Path) -> None:
    """Drop another stage's templates so cdk.out holds one stage; asset dirs are reused."""
    for pattern in (
        "*.template.json",
        "*.assets.json",
        "*.metadata.json",
        "validation-report.json",
    ):
        for stale in outdir.glob(pattern):
            stale.unlink()


def synth(stage: str, outdir: str, consumers: Sequence[StreamConsumer] = CONSUMERS) -> StageStacks:
    """Build, validate (cdk-nag) and write one stage's cloud assembly to outdir."""
    context = cdk_json_context()
    _forget_previous_stage(Path(outdir))
    app = App(outdir=outdir, context={**context, "stage": stage})  # flags + stages, as the CLI
    stacks = build_stage(app, load_stage(stage, context[STAGES_KEY]), consumers)
    add_checks(app)
    app.synth()
    assert_clean(outdir)
    return stacks


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", help="dev | staging | prod (default: context 'stage')")
    parser.add_argument("--out", default=os.environ.get("CDK_OUTDIR", "cdk.out"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.stage is None and "CDK_OUTDIR" in os.environ:
        # Run by the CDK CLI: stage and stage table come through the CLI's context.
        app = App()
        stage = app.node.try_get_context("stage") or "dev"
        stages = app.node.try_get_context(STAGES_KEY) or cdk_json_context()[STAGES_KEY]
        build_stage(app, load_stage(stage, stages))
        add_checks(app)
        outdir = app.synth().directory
        assert_clean(outdir)
    else:
        stage = args.stage or "dev"
        synth(stage, args.out)
    print(f"synthesized {stage} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
