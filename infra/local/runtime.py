"""Starts and stops the pieces of the local stage, in order.

Order matters: the environment must be in place before the first ``promptvault`` data
import (the models read settings at import), and the user pool must exist before the
settings that name it are read.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import warnings
from contextlib import suppress
from dataclasses import dataclass, field

from infra.local import environment, opensearch_node, resources
from infra.local.gateway import Action, Gateway, GatewayServer, serve
from infra.local.opensearch_node import OpenSearchNode
from infra.local.pump import StreamPump, start_pump
from infra.local.queues import QueuePoller, settle, start_poller
from infra.local.triggers import LocalTriggers


@dataclass
class LocalRuntime:
    """A running local stage. ``stop()`` is idempotent; use it as a context manager in tests."""

    base_url: str
    moto_url: str
    user_pool: resources.UserPool
    table_name: str
    _server: GatewayServer
    _moto: object
    _thread: threading.Thread
    pump: StreamPump | None = None
    moto_patched: bool = True  # infra/local/moto_dynamodb.py, undone by stop()
    search_node: OpenSearchNode | None = None  # make run SEARCH=opensearch
    event_bus: str = ""  # the stage's EventBridge bus in moto
    poller: QueuePoller | None = None  # the events:queue triggers' queues, as Lambda polls them
    triggers: LocalTriggers | None = None  # the schedule and email:feedback triggers, by hand
    _stopped: bool = field(default=False)

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until nothing moves: every stream record and queued message delivered (or
        dead-lettered), and what their functions wrote or published delivered in turn."""
        settle(self.pump, self.poller, timeout=timeout)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.poller is not None:
            self.poller.stop()
        if self.pump is not None:
            self.pump.stop()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        with suppress(Exception):
            self._moto.stop()  # type: ignore[attr-defined]
        if self.moto_patched:
            from infra.local import moto_dynamodb

            moto_dynamodb.uninstall()
        from infra.local import moto_cognito, moto_events

        moto_events.uninstall()
        moto_cognito.uninstall()
        if self.search_node is not None:
            self.search_node.stop()

    def __enter__(self) -> LocalRuntime:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _start_moto(*, patch: bool = True) -> tuple[object, str]:
    from moto.server import ThreadedMotoServer

    from infra.local import moto_cognito, moto_dynamodb, moto_events

    # A rule's target gets the event itself, as on AWS (infra/local/moto_events.py).
    moto_events.install()
    # A change of address waits for its code, verified by VerifyUserAttribute (moto_cognito.py).
    moto_cognito.install()
    if patch:
        # Transactions journal the items they touch instead of copying the table, one lock
        # serialises DynamoDB requests, the stream shard is trimmed once read: write latency
        # stays flat as the stage fills up (docs/local.md, "Staying fast").
        moto_dynamodb.install()

    # One line per moto call would bury the gateway's own log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Powertools warns on every request that publishes no metric; metrics are off here.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        moto.start()
    except BaseException:
        if patch:
            moto_dynamodb.uninstall()
        moto_events.uninstall()
        moto_cognito.uninstall()
        raise
    host, port = moto.get_host_and_port()
    return moto, f"http://{host}:{port}"


# Packages the functions share and import (some lazily, at their first call) from the gateway's
# request threads, the stream pump and the queue poller at once. A package with import cycles
# (Powertools' data classes, reached from both the event handler and the batch utility) that
# two threads import for the first time at the same moment hands one of them a partially
# initialised module: ``ImportError: cannot import name 'SQSEvent'``, a 500 to the client. On
# Lambda one container runs one invocation at a time, so this is the local runtime's own race;
# importing them here, before any thread starts, closes it.
SHARED_PACKAGES = (
    "aws_lambda_powertools.utilities.data_classes",
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.idempotency",
)


def _import_shared_packages() -> None:
    for name in SHARED_PACKAGES:
        importlib.import_module(name)


def _prepare_search_index(url: str) -> None:
    """What the deploy does on AWS (Custom::OpenSearchIndexTemplate): the index with its
    mapping before any function writes or searches, and its primary shard started, so the
    first search never meets an index whose shards are still starting (503)."""
    from opensearchpy import OpenSearch

    from promptvault.search.opensearch_body import index_body

    client = OpenSearch(hosts=[url], timeout=90)
    index = os.environ.get("SEARCH_INDEX_NAME", "prompts")
    if not client.indices.exists(index=index):
        client.indices.create(index=index, body=index_body())
    client.cluster.health(index=index, wait_for_status="yellow")  # the node waits up to 30 s


def start_local(port: int = 0, *, patch_moto: bool = True, search: str = "tantivy") -> LocalRuntime:
    """Start moto, create the stage's resources, and serve the gateway on 127.0.0.1:port.

    ``port=0`` picks a free port (see ``base_url``). This sets the process environment
    the way CDK sets a function's, so run it in a process of its own when other code in
    the process has already read ``promptvault`` settings (the e2e suite does).
    ``patch_moto=False`` runs moto as released (no ``infra.local.moto_dynamodb``): only the
    benchmark's "before" figures want that. ``search="opensearch"`` starts a real OpenSearch
    node on 127.0.0.1 (infra/local/opensearch_node.py) and searches on it instead of tantivy.
    """
    if search not in ("tantivy", "opensearch"):
        raise ValueError(f"SEARCH is tantivy or opensearch, not {search!r}")
    node = opensearch_node.start() if search == "opensearch" else None
    try:
        moto, moto_url = _start_moto(patch=patch_moto)
    except BaseException:
        if node is not None:
            node.stop()
        raise
    pump: StreamPump | None = None
    poller: QueuePoller | None = None
    server: GatewayServer | None = None
    try:
        environment.apply(
            environment.forced(moto_url, node.url if node else ""), environment.defaults()
        )
        pool = resources.create_user_pool()
        environment.apply(environment.identity(pool.pool_id, pool.client_id, moto_url))
        table_name = resources.create_table()
        resources.create_email_identity()
        # The stage's bus, and per events:queue trigger its rule, queue and DLQ.
        bus = os.environ["EVENT_BUS_NAME"]
        resources.create_event_bus(bus)
        routes = resources.create_event_queues(bus, environment.PREFIX)
        environment.apply(resources.own_queue_environment(routes))  # webhooks' own queue
        # The imports bucket, its uploads' events into the import worker's queue (docs/imports.md)
        routes += resources.create_upload_queues(os.environ["IMPORTS_BUCKET"], environment.PREFIX)
        if node is not None:
            _prepare_search_index(node.url)
        _import_shared_packages()  # before the threads that import them start
        gateway = Gateway()
        triggers = LocalTriggers()  # the schedule and email:feedback triggers, fired by hand
        add_trigger_actions(gateway, triggers)
        server = serve(gateway, port)
        host, bound_port = server.server_address[:2]
        # links in emails (unsubscribe, the prompt) lead back to this runtime, as PUBLIC_URL
        # names the stage's API on AWS
        environment.apply({"PUBLIC_URL": f"http://{host!s}:{bound_port}"})
        pump = start_pump(table_name)  # the stream consumers, as Lambda would run them
        poller = start_poller(routes)  # the queue consumers, as Lambda would run them
        gateway.add_page("/_local/dead-letters", pump.dead_letters.copy)
        gateway.add_page("/_local/queues", poller.describe)
    except BaseException:
        for worker in (poller, pump):
            if worker is not None:
                worker.stop()
        if server is not None:
            server.server_close()
        moto.stop()  # type: ignore[attr-defined]
        if node is not None:
            node.stop()
        if patch_moto:
            from infra.local import moto_dynamodb

            moto_dynamodb.uninstall()
        from infra.local import moto_cognito, moto_events

        moto_events.uninstall()
        moto_cognito.uninstall()
        raise
    # A short poll keeps Ctrl-C snappy: shutdown() waits for the loop's next poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="gateway", daemon=True
    )
    thread.start()
    return LocalRuntime(
        base_url=f"http://{host!s}:{bound_port}",
        moto_url=moto_url,
        user_pool=pool,
        table_name=table_name,
        _server=server,
        _moto=moto,
        _thread=thread,
        pump=pump,
        moto_patched=patch_moto,
        search_node=node,
        event_bus=bus,
        poller=poller,
        triggers=triggers,
    )


def add_trigger_actions(gateway: Gateway, triggers: LocalTriggers) -> None:
    """``POST /_local/schedules/<period>`` per schedule, ``POST /_local/email/feedback``, and
    ``GET /_local/schedules`` listing the periods (infra/local/triggers.py)."""
    for period in triggers.periods:
        gateway.add_action(f"/_local/schedules/{period}", _schedule_action(triggers, period))
    gateway.add_action("/_local/email/feedback", triggers.email_feedback)
    gateway.add_page("/_local/schedules", triggers.schedules)


def _schedule_action(triggers: LocalTriggers, period: str) -> Action:
    return lambda _body: triggers.run_schedule(period)
