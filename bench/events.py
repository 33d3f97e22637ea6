"""Domain events through the local backbone (issue 11): how fast, and what one event costs.

Where it runs: in-process moto, as the integration tests run the events path
(``tests.support.aws.moto_aws``: the stage's table, bus, rule, queues and SES identity made by
the local runtime's own code, with its fix to moto's EventBridge delivery), plus the local
runtime's DynamoDB patch (``infra/local/moto_dynamodb.py``, which ``make run`` installs). The
path is the local runtime's: its stream pump (``infra/local/pump.py``) hands table records to
every stream consumer of the catalogue; ``stream_events`` puts the domain events on the bus
(PutEvents, 10 entries a call); moto's rule sends each to the ``events_notify`` queue inside
that PutEvents call; the runtime's queue poller (``infra/local/queues.py``, through
``tests.support.events.drain_queues``) hands them to the notifier, 10 a batch. One thread, no
HTTP hop to moto and no poll interval: a drain runs every step back to back, so the rates are
the work's, not the local runtime's latency (``make run`` adds moto's HTTP round trip per call
and the pump's and poller's 100 ms polls).

Measured, with every consumer timed and metered under its own name (``Meter``; botocore's
before-call and after-call events, ``bench.counting``):

1. **Throughput.** ``THROUGHPUT_ACTIONS`` engagement actions (ratings, bookmarks, forks,
   follows in turn) by distinct people on the prompts of ``CREATORS`` creators, written
   through the API before the clock starts; then one drain, timed, split by stage.
2. **One event of each kind** (``CASES``), each on a fresh creator: the AWS calls of the
   events consumers (``stream_events`` + ``events_notify``), the DynamoDB write units of
   their writes (each written item sized before and after the call from moto's backend in
   this process, priced by ``bench.engagement.write_units``: 1 unit per started KB of the
   larger image, twice in a transaction), SES calls and the emails moto accepted
   (``infra/local/outbox``). Goals: at most one SES call per email; no email for one's own
   action.
3. **A viral prompt.** ``VIRAL_FANS`` people each rate one creator's prompt and follow the
   creator, in one burst: the instant emails (bounded by ``EMAIL_DAILY_CAP``), the grouped
   notification items, then the daily digest run and the emails again.

``python -m bench --only events`` prints the tables and writes section ``events`` of
bench/results.json; docs/performance.md ("Domain events") has the figures.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench.engagement import write_units
from bench.report import table

THROUGHPUT_ACTIONS = 200
CREATORS = 4
MIX = ("rating", "bookmark", "fork", "follow")
VIRAL_FANS = 250  # each rates the viral prompt and follows its creator: 500 events

SETUP = "setup"  # calls made by the bench's own requests and reads: never reported
PUBLISH = "stream_events"
NOTIFY = "events_notify"
DIGEST = "email_digest"
COUNTERS = "stream_counters"
INDEXER = "stream_indexer"
TRANSPORT = "transport"  # what no consumer does: the pump's and the poller's calls and work
STREAM_READS = "stream reads"  # the pump's DescribeStream, GetShardIterator, GetRecords
QUEUE_CALLS = "queue calls"  # the poller's ReceiveMessage, DeleteMessageBatch
STREAM_OPERATIONS = frozenset({"DescribeStream", "GetShardIterator", "GetRecords"})
EVENT_CONSUMERS = (PUBLISH, NOTIFY)

SES_OPERATIONS = frozenset({"SendEmail", "SendRawEmail", "SendBulkEmail"})
DYNAMODB_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)
GOAL_SES_CALLS_PER_EMAIL = 1
GOAL_OWN_ACTION_EMAILS = 0


@dataclass(frozen=True)
class Case:
    label: str
    kind: str  # one of MIX
    own: bool = False  # the creator acts on their own prompt
    instant: bool = False  # the creator chose instant email for this kind first


CASES = (
    Case("rating", "rating"),
    Case("bookmark", "bookmark"),
    Case("fork", "fork"),
    Case("follow", "follow"),
    Case("rating, recipient's email instant", "rating", instant=True),
    Case("own rating", "rating", own=True),
    Case("own bookmark", "bookmark", own=True),
    Case("own fork", "fork", own=True),
)
EMAIL_KIND = {
    "rating": "prompt.rated",
    "bookmark": "prompt.bookmarked",
    "fork": "prompt.forked",
    "follow": "user.followed",
}


# --- pure parts ------------------------------------------------------------------------------


def plan(actions: int, creators: int) -> list[tuple[int, str]]:
    """(creator, kind) of each action: the creators in turn, each given the kinds in turn."""
    return [(n % creators, MIX[(n // creators) % len(MIX)]) for n in range(actions)]


def ses_ok(ses_calls: int, emails: int) -> bool:
    """At most one SES call per email accepted (no call at all when no email went out)."""
    return ses_calls <= GOAL_SES_CALLS_PER_EMAIL * emails


def own_ok(own: bool, emails: int) -> bool:
    return not own or emails == GOAL_OWN_ACTION_EMAILS


def plain(value: Any) -> Any:
    """A deserialized DynamoDB value with boto3's ``Binary`` as bytes (``item_bytes`` sizes
    bytes, not wrappers)."""
    from boto3.dynamodb.types import Binary

    if isinstance(value, Binary):
        return bytes(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return {plain(v) for v in value}
    return value


def written_keys(operation: str, request: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(table, typed key or item) of every item a DynamoDB write request names."""
    if operation == "PutItem":
        return [(request["TableName"], request["Item"])]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(request["TableName"], request["Key"])]
    if operation == "BatchWriteItem":
        return [
            (name, entry.get("PutRequest", {}).get("Item") or entry["DeleteRequest"]["Key"])
            for name, entries in request.get("RequestItems", {}).items()
            for entry in entries
        ]
    if operation == "TransactWriteItems":
        named = []
        for entry in request.get("TransactItems", []):
            for action in ("Put", "Update", "Delete", "ConditionCheck"):
                if action in entry:
                    part = entry[action]
                    named.append((part["TableName"], part.get("Item") or part["Key"]))
        return named
    return []


Stored = Callable[[str, str, dict[str, Any]], dict[str, Any] | None]


def moto_item(region: str, table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """The item at ``key`` (a typed key, or a whole typed item) as moto holds it now, read from
    its backend in this process (no API call: looking is not counted)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    item = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_item(table_name, key)
    return None if item is None else plain(item.to_regular_json())


class Meter:
    """AWS calls, DynamoDB write units and time, by the stage that made them (a consumer's
    name while its handler runs, else ``SETUP``). ``price``: size every written item before
    and after its call (off while timing the throughput)."""

    def __init__(self, stored: Stored = moto_item) -> None:
        self.stored = stored
        self.stage = SETUP
        self.price = False
        self.reset()

    def reset(self) -> None:
        self.calls: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.units: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.handled: Counter[str] = Counter()  # records or messages handed to each consumer
        self.call_seconds: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.published = 0  # entries put on the bus
        self._pending: tuple[str, str, str, list[Any], list[Any]] | None = None
        self._call: tuple[str, str, float] | None = None

    @contextmanager
    def at(self, stage: str) -> Iterator[None]:
        previous, self.stage = self.stage, stage
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started
            self.stage = previous

    def wrap(self, stage: str, handler: Callable[[dict[str, Any], Any], Any]) -> Any:
        def metered(event: dict[str, Any], context: Any) -> Any:
            self.handled[stage] += len(event.get("Records") or [])
            with self.at(stage):
                return handler(event, context)

        return metered

    def before(self, model: Any, params: dict[str, Any]) -> None:
        name = model.name
        self.calls[self.stage][name] += 1
        self._prepare(model, params)
        self._call = (self.stage, name, time.perf_counter())

    def _prepare(self, model: Any, params: dict[str, Any]) -> None:
        name = model.name
        service = model.service_model.service_name
        priced = self.price and service == "dynamodb" and name in DYNAMODB_WRITES
        if name != "PutEvents" and not priced:
            return
        body = params.get("body")
        request = json.loads(body) if body else {}
        if name == "PutEvents":
            self.published += len(request.get("Entries", []))
            return
        region = (params.get("context") or {}).get("client_region") or "us-east-1"
        keys = written_keys(name, request)
        old = [self.stored(region, table_name, key) for table_name, key in keys]
        self._pending = (self.stage, name, region, keys, old)

    def after(self, model: Any, parsed: dict[str, Any]) -> None:
        call, self._call = self._call, None
        if call is not None and call[1] == model.name:  # the call's time, pricing left out
            self.call_seconds[call[0]][call[1]] += time.perf_counter() - call[2]
        pending, self._pending = self._pending, None
        if pending is None or pending[1] != model.name:
            return
        stage, name, region, keys, old = pending
        new = [self.stored(region, table_name, key) for table_name, key in keys]
        units = sum(write_units(o, n) for o, n in zip(old, new, strict=True))
        self.units[stage] += units * (2 if name == "TransactWriteItems" else 1)

    def calls_of(self, *stages: str) -> dict[str, int]:
        total: Counter[str] = Counter()
        for stage in stages:
            total.update(self.calls.get(stage, Counter()))
        return dict(sorted(total.items()))

    def ses_calls(self, *stages: str) -> int:
        return sum(n for op, n in self.calls_of(*stages).items() if op in SES_OPERATIONS)


# --- the backbone in this process ------------------------------------------------------------


class Backbone:
    """The stream pump over the catalogue's stream consumers and the poller over its queue
    consumers, every handler metered under its function's name."""

    def __init__(self, meter: Meter) -> None:
        import boto3

        from infra.local.handlers import load_handler
        from infra.local.pump import StreamPump, catalogue_consumers
        from promptvault.catalogue import TRIGGERS
        from promptvault.core.settings import get_settings

        self.meter = meter
        table_name = get_settings().table_name
        described = boto3.client("dynamodb").describe_table(TableName=table_name)
        consumers = catalogue_consumers()
        for consumer in consumers:
            consumer.handler = meter.wrap(consumer.name, consumer.handler)
        self.pump = StreamPump(
            described["Table"]["LatestStreamArn"], consumers, boto3.client("dynamodbstreams")
        )
        self.queues: dict[str, Any] = {}
        for trigger in TRIGGERS:
            handler = load_handler(trigger.function) if trigger.source == "events:queue" else None
            if handler is not None:
                self.queues[trigger.function] = meter.wrap(trigger.function, handler)

    def drain(self) -> float:
        """Deliver everything written so far, and what the consumers wrote or published in
        turn; the seconds it took."""
        from tests.support.events import drain_queues

        started = time.perf_counter()
        with self.meter.at(TRANSPORT):  # what no consumer does: stream reads, receives, deletes
            while True:
                while self.pump.drain():
                    pass
                if not drain_queues(self.queues):
                    break
        return time.perf_counter() - started


# --- the world -------------------------------------------------------------------------------


def act(kind: str, actor: Any, creator: Any, prompt_id: str) -> None:
    """One engagement action through the API (the endpoint writes the item the event is
    made from)."""
    from tests.support.api import call

    if kind == "rating":
        reply = call("PUT", f"/v1/prompts/{prompt_id}/rating", {"score": 5}, token=actor.token)
    elif kind == "bookmark":
        reply = call("PUT", f"/v1/prompts/{prompt_id}/bookmark", token=actor.token)
    elif kind == "fork":
        reply = call("POST", f"/v1/prompts/{prompt_id}/fork", {}, token=actor.token)
    elif kind == "follow":
        reply = call("PUT", f"/v1/users/{creator.username}/follow", token=actor.token)
    else:
        raise ValueError(kind)
    assert reply.status < 300, (kind, reply.status, reply.body)


def _emails_to(address: str) -> int:
    from infra.local.outbox import sent_emails

    return sum(1 for email in sent_emails() if address in email["to"])


def _all_emails() -> int:
    from infra.local.outbox import sent_emails

    return len(sent_emails())


def _notifications(user_id: str) -> list[dict[str, Any]]:
    from promptvault.notifications import repository

    items, _ = repository.query_page(user_id, False, 100, None)
    return [{"kind": item.kind, "occurrences": item.occurrences} for item in items]


def _has_digest(user_id: str) -> bool:
    from promptvault.notifications import repository

    return repository.get_digest(user_id, "daily") is not None


def _item_sizes(user_id: str, prompt_id: str) -> dict[str, int]:
    """Bytes of the recipient's grouped items after the burst (``item_bytes``): what each
    rewrite of them costs."""
    from bench.engagement import item_bytes
    from promptvault.core.settings import get_settings
    from promptvault.notifications import repository

    table_name = get_settings().table_name
    keys = {
        "notification (prompt.rated)": "NOTIF#"
        + repository.notification_id("prompt.rated", prompt_id),
        "notification (user.followed)": "NOTIF#"
        + repository.notification_id("user.followed", user_id),
        "daily digest": "DIGEST#daily",
    }
    sizes = {}
    for label, sk in keys.items():
        key = {"PK": {"S": repository.user_pk(user_id)}, "SK": {"S": sk}}
        item = moto_item(os.environ.get("AWS_DEFAULT_REGION", "us-east-1"), table_name, key)
        sizes[label] = item_bytes(item) if item else 0
    return sizes


# --- the three parts -------------------------------------------------------------------------


def measure_cases(meter: Meter, backbone: Backbone) -> list[dict[str, Any]]:
    from promptvault.email import preferences
    from tests.support.factories import create_prompt, sign_up

    rows = []
    for case in CASES:
        creator = sign_up()
        prompt = create_prompt(creator, title=f"Events bench: {case.label}")
        actor = creator if case.own else sign_up()
        if case.instant:
            change = preferences.Change(email="instant")
            preferences.update(creator.id, {EMAIL_KIND[case.kind]: change})
        backbone.drain()  # the setup's own records and events out of the way
        act(case.kind, actor, creator, prompt["id"])
        meter.reset()
        meter.price = True
        emails_before = _all_emails()
        backbone.drain()
        meter.price = False
        emails = _all_emails() - emails_before
        calls = {stage: meter.calls_of(stage) for stage in EVENT_CONSUMERS}
        ses = meter.ses_calls(*EVENT_CONSUMERS)
        with meter.at(SETUP):
            in_app = bool(_notifications(creator.id))
            digest = _has_digest(creator.id)
        rows.append(
            {
                "case": case.label,
                "kind": case.kind,
                "own": case.own,
                "instant": case.instant,
                "bus_events": meter.published,
                "notifier_messages": meter.handled[NOTIFY],
                "calls": calls,
                "calls_total": sum(sum(c.values()) for c in calls.values()),
                "write_units": sum(meter.units[stage] for stage in EVENT_CONSUMERS),
                "ses_calls": ses,
                "emails": emails,
                "in_app": in_app,
                "daily_digest": digest,
                "ses_ok": ses_ok(ses, emails),
                "own_ok": own_ok(case.own, emails),
            }
        )
    return rows


def measure_throughput(meter: Meter, backbone: Backbone, fans: list[Any]) -> dict[str, Any]:
    from tests.support.factories import create_prompt, sign_up

    creators = [sign_up() for _ in range(CREATORS)]
    prompts = [create_prompt(c, title=f"Events bench creator {i}") for i, c in enumerate(creators)]
    backbone.drain()
    actions = plan(THROUGHPUT_ACTIONS, CREATORS)
    for n, (c, kind) in enumerate(actions):
        act(kind, fans[n], creators[c], prompts[c]["id"])
    meter.reset()
    emails_before = _all_emails()
    read_before = backbone.pump.read_total
    seconds = backbone.drain()
    records_read = backbone.pump.read_total - read_before
    emails = _all_emails() - emails_before
    stages = {s: meter.seconds[s] for s in (PUBLISH, NOTIFY, COUNTERS, INDEXER)}
    transport = max(0.0, seconds - sum(stages.values()))
    timed = meter.call_seconds[TRANSPORT]
    stages[STREAM_READS] = sum(timed[op] for op in STREAM_OPERATIONS)
    stages[QUEUE_CALLS] = sum(v for op, v in timed.items() if op not in STREAM_OPERATIONS)
    stages[TRANSPORT] = max(0.0, transport - stages[STREAM_READS] - stages[QUEUE_CALLS])
    events_path = seconds - stages[COUNTERS] - stages[INDEXER]
    n = len(actions)
    messages = meter.handled[NOTIFY]
    return {
        "actions": n,
        "by_kind": dict(Counter(kind for _, kind in actions)),
        "creators": CREATORS,
        "bus_events": meter.published,
        "notifier_messages": messages,
        "stream_records_read": records_read,
        "seconds": round(seconds, 3),
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "actions_per_second": round(n / seconds, 1),
        "events_path_seconds": round(events_path, 3),
        "events_path_actions_per_second": round(n / events_path, 1),
        "publish_ms_per_event": round(stages[PUBLISH] * 1e3 / max(meter.published, 1), 2),
        "notify_ms_per_message": round(stages[NOTIFY] * 1e3 / max(messages, 1), 2),
        "calls": {s: meter.calls_of(s) for s in (PUBLISH, NOTIFY, COUNTERS, INDEXER, TRANSPORT)},
        "transport_call_seconds": {op: round(v, 3) for op, v in sorted(timed.items())},
        "put_events_calls": meter.calls_of(PUBLISH).get("PutEvents", 0),
        "ses_calls": meter.ses_calls(NOTIFY),
        "emails": emails,
    }


def measure_viral(meter: Meter, backbone: Backbone, fans: list[Any]) -> dict[str, Any]:
    from promptvault.core.settings import get_settings
    from promptvault.notifications import digests
    from tests.support.factories import create_prompt, sign_up

    with meter.at(SETUP):
        digests.handle({"period": "daily"})  # the earlier parts' digests: sent, not counted
    creator = sign_up()
    prompt = create_prompt(creator, title="Events bench: viral")
    backbone.drain()
    for fan in fans:
        act("rating", fan, creator, prompt["id"])
        act("follow", fan, creator, prompt["id"])
    meter.reset()
    meter.price = True
    seconds = backbone.drain()
    instant = _emails_to(creator.email)
    messages = meter.handled[NOTIFY]
    drain = {
        "seconds_with_pricing": round(seconds, 3),
        "bus_events": meter.published,
        "notifier_messages": messages,
        "calls": meter.calls_of(*EVENT_CONSUMERS),
        "calls_per_event": round(sum(meter.calls_of(*EVENT_CONSUMERS).values()) / messages, 2),
        "write_units": meter.units[PUBLISH] + meter.units[NOTIFY],
        "write_units_per_event": round((meter.units[PUBLISH] + meter.units[NOTIFY]) / messages, 2),
        "ses_calls": meter.ses_calls(*EVENT_CONSUMERS),
    }
    with meter.at(SETUP):
        notifications = _notifications(creator.id)
        sizes = _item_sizes(creator.id, prompt["id"])
    meter.reset()
    with meter.at(DIGEST):
        ran = digests.handle({"period": "daily"})
    meter.price = False
    total = _emails_to(creator.email)
    cap = get_settings().email_daily_cap
    ses = drain["ses_calls"] + meter.ses_calls(DIGEST)
    return {
        "fans": len(fans),
        "events": 2 * len(fans),
        "email_daily_cap": cap,
        "drain": drain,
        "instant_emails": instant,
        "notification_items": len(notifications),
        "notifications": notifications,
        "item_bytes": sizes,
        "digest_run": ran,
        "digest_calls": meter.calls_of(DIGEST),
        "digest_write_units": meter.units[DIGEST],
        "digest_emails": total - instant,
        "emails": total,
        "ses_calls": ses,
        "instant_within_cap": instant <= cap,
        "ses_ok": ses_ok(ses, total),
        "grouped": len(notifications) == len({n["kind"] for n in notifications}),
    }


@contextmanager
def _step(label: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"  {label} ...", file=sys.stderr, flush=True)
    yield
    print(f"  {label}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def run() -> dict[str, Any]:
    import warnings

    import tests.conftest  # noqa: F401  (the test environment, before promptvault is imported)
    from bench.counting import counting_aws_calls
    from infra.local import moto_dynamodb
    from tests.support.aws import moto_aws
    from tests.support.factories import sign_up

    warnings.filterwarnings("ignore", message="No application metrics to publish")
    meter = Meter()
    with moto_aws(), counting_aws_calls(meter.before, meter.after):
        moto_dynamodb.install()
        try:
            backbone = Backbone(meter)
            # first: every consumer is built here, outside the timed drain
            with _step(f"events: one event of each of {len(CASES)} kinds"):
                cases = measure_cases(meter, backbone)
            people = max(THROUGHPUT_ACTIONS, VIRAL_FANS)
            with _step(f"events: {people} sign-ups"):
                fans = [sign_up() for _ in range(people)]
            with _step(f"events: throughput, {THROUGHPUT_ACTIONS} actions"):
                throughput = measure_throughput(meter, backbone, fans)
            with _step(f"events: a viral prompt, {2 * VIRAL_FANS} events"):
                viral = measure_viral(meter, backbone, fans[:VIRAL_FANS])
        finally:
            moto_dynamodb.uninstall()
    meets = (
        all(row["ses_ok"] and row["own_ok"] for row in cases)
        and viral["ses_ok"]
        and viral["instant_within_cap"]
        and throughput["ses_calls"] <= throughput["emails"]
    )
    return {
        "method": "in-process moto with the local runtime's DynamoDB patch; the local "
        "runtime's stream pump and queue poller, drained back to back on one thread; every "
        "consumer timed and its AWS calls counted (botocore before-call); write units from "
        "each written item's size before and after the call (moto's backend), 1 per started "
        "KB, 2x in a transaction",
        "goals": {
            "ses_calls_per_email": GOAL_SES_CALLS_PER_EMAIL,
            "emails_for_own_actions": GOAL_OWN_ACTION_EMAILS,
        },
        "throughput": throughput,
        "cases": cases,
        "viral": viral,
        "meets_goal": meets,
    }


# --- tables ----------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _short(calls: dict[str, int]) -> str:
    return " ".join(f"{name}:{n}" for name, n in calls.items()) or "-"


def throughput_table(part: dict[str, Any]) -> str:
    events = part["bus_events"]
    rows = []
    transport_calls = part["calls"][TRANSPORT]
    stream_calls = sum(n for op, n in transport_calls.items() if op in STREAM_OPERATIONS)
    calls_by_stage = {
        stage: sum(part["calls"][stage].values()) for stage in (PUBLISH, NOTIFY, COUNTERS, INDEXER)
    }
    calls_by_stage[STREAM_READS] = stream_calls
    calls_by_stage[QUEUE_CALLS] = sum(transport_calls.values()) - stream_calls
    for stage, label in (
        (PUBLISH, "stream_events (publish)"),
        (NOTIFY, "events_notify (notify)"),
        (COUNTERS, "stream_counters"),
        (INDEXER, "stream_indexer"),
        (STREAM_READS, "pump: stream reads"),
        (QUEUE_CALLS, "poller: SQS receive, delete"),
        (TRANSPORT, "pump and poller, the rest"),
    ):
        seconds = part["stage_seconds"][stage]
        calls = calls_by_stage.get(stage)
        rows.append(
            [
                label,
                f"{seconds:.2f}",
                f"{100 * seconds / part['seconds']:.0f}%",
                f"{seconds * 1e3 / part['actions']:.1f}",
                "" if calls is None else f"{calls / part['actions']:.2f}",
            ]
        )
    rows.append(["drain", f"{part['seconds']:.2f}", "100%", "", ""])
    headers = ["stage", "s", "share", "ms / action", "AWS calls / action"]
    kinds = ", ".join(f"{part['by_kind'][k]} {k}s" for k in MIX if k in part["by_kind"])
    title = (
        f"Domain events through the local backbone: {part['actions']} actions ({kinds}) on "
        f"{part['creators']} creators -> {events} bus events -> {part['notifier_messages']} "
        "notifier messages"
    )
    note = (
        f"{part['actions_per_second']:.0f} actions/s with every stream consumer; "
        f"{part['events_path_actions_per_second']:.0f} actions/s on the events path alone "
        f"(drain minus counters and indexer). publish {part['publish_ms_per_event']:.1f} ms "
        f"per bus event ({part['put_events_calls']} PutEvents for {events} events), notify "
        f"{part['notify_ms_per_message']:.1f} ms per message; the pump read "
        f"{part['stream_records_read']} stream records; {part['emails']} emails, "
        f"{part['ses_calls']} SES calls."
    )
    return f"{title}\n{table(headers, rows, {1, 2, 3, 4})}\n{note}"


def cases_table(cases: list[dict[str, Any]]) -> str:
    rows = []
    for row in cases:
        then = (
            "nothing"
            if not row["in_app"] and not row["emails"] and not row["daily_digest"]
            else " + ".join(
                part
                for part, on in (
                    ("in-app", row["in_app"]),
                    ("email now", row["emails"]),
                    ("daily digest", row["daily_digest"]),
                )
                if on
            )
        )
        rows.append(
            [
                row["case"],
                row["bus_events"],
                _short(row["calls"][PUBLISH]),
                row["calls_total"] - sum(row["calls"][PUBLISH].values()),
                row["write_units"],
                row["ses_calls"],
                row["emails"],
                then,
                _verdict(row["ses_ok"]),
                _verdict(row["own_ok"]) if row["own"] else "",
            ]
        )
    headers = [
        "one event",
        "bus events",
        "stream_events calls",
        "events_notify calls",
        "write units",
        "SES calls",
        "emails",
        "the creator gets",
        "SES <= 1/email",
        "own: 0 emails",
    ]
    title = "One engagement event through the events consumers (stream_events + events_notify)"
    return f"{title}\n{table(headers, rows, {1, 3, 4, 5, 6})}"


def viral_table(part: dict[str, Any]) -> str:
    drain = part["drain"]
    kinds = ", ".join(f"{n['kind']} x{n['occurrences']}" for n in part["notifications"])
    rows = [
        [
            "events in the burst",
            part["events"],
            f"{part['fans']} ratings + {part['fans']} follows",
            "",
        ],
        [
            "instant emails",
            part["instant_emails"],
            f"<= EMAIL_DAILY_CAP {part['email_daily_cap']}",
            _verdict(part["instant_within_cap"]),
        ],
        [
            "notification items",
            part["notification_items"],
            f"1 per kind and target ({kinds})",
            _verdict(part["grouped"]),
        ],
        ["daily digest emails", part["digest_emails"], "1", _verdict(part["digest_emails"] <= 1)],
        ["emails in all", part["emails"], "", ""],
        [
            "SES calls",
            part["ses_calls"],
            "<= 1 per email",
            _verdict(part["ses_ok"]),
        ],
        ["AWS calls / event (consumers)", f"{drain['calls_per_event']:.2f}", "", ""],
        ["write units / event (consumers)", f"{drain['write_units_per_event']:.2f}", "", ""],
        *(
            [f"{label}, bytes", size, "rewritten whole by each event", ""]
            for label, size in part["item_bytes"].items()
        ),
    ]
    headers = ["viral prompt", "value", "bound", "verdict"]
    title = (
        f"A viral prompt: {part['events']} events on one creator in one burst, then the daily "
        "digest"
    )
    return f"{title}\n{table(headers, rows, {1})}"


def events_table(section: dict[str, Any]) -> str:
    return "\n\n".join(
        [
            throughput_table(section["throughput"]),
            cases_table(section["cases"]),
            viral_table(section["viral"]),
        ]
    )


if __name__ == "__main__":
    print(events_table(run()))
