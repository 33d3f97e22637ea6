"""What a stage costs a month, built from what each request is measured to do.

Measured here, in-process against moto, on the scenarios the AWS-call counts use: every
DynamoDB call each request makes, with the size of each item it reads or writes (from the
request parameters and the parsed responses, via botocore's ``before-call`` and
``after-call`` events), turned into read and write request units by DynamoDB's own rules;
and each handler's warm duration (median of ``WARM_RUNS``, moto in the same process, so an
upper bound of what the function bills). A request mix weights them into one average request;
the stream consumers' share comes from their own scenarios, per write.

Not measured, so stated as assumptions beside the table: the log bytes per request, the
traffic mix, and the prices (``PRICES``: AWS list prices, eu-west-1, on-demand).

``python -m bench --only cost`` prints the table; docs/cost.md explains it.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections import defaultdict
from typing import Any

from bench.report import table

WARM_RUNS = 5
# One average request is this mix of the counted scenarios (weights in percent): a prompt
# library is read far more than written, and most reads are a prompt, a page or a search.
MIX: dict[str, float] = {
    "GET /v1/prompts/{id}": 30,
    "GET /v1/prompts/{id} (by slug)": 8,
    "GET /v1/prompts": 12,
    "GET /v1/search": 14,
    "GET /v1/search/suggest": 4,
    "POST /v1/prompts/{id}/views": 10,
    "POST /v1/prompts/{id}/copies": 4,
    "PUT /v1/prompts/{id}/rating": 3,
    "PUT /v1/prompts/{id}/bookmark": 2,
    "GET /v1/users/me": 3,
    "GET /v1/users/me/prompts": 2,
    "GET /v1/prompts/{id}/versions": 1,
    "PATCH /v1/prompts/{id}": 2,
    "POST /v1/prompts": 1,
    "POST /v1/prompts/{id}/fork": 1,
    "POST /v1/auth/login": 2,
    "POST /v1/auth/refresh": 1,
}
# Requests whose writes reach the stream consumers (one counters event and one index update
# each, measured on the consumers' scenarios per record).
STREAMED = {
    "POST /v1/prompts/{id}/views",
    "POST /v1/prompts/{id}/copies",
    "PUT /v1/prompts/{id}/rating",
    "PUT /v1/prompts/{id}/bookmark",
    "PATCH /v1/prompts/{id}",
    "POST /v1/prompts",
    "POST /v1/prompts/{id}/fork",
}
# The requests whose item becomes a domain event (rating, bookmark, fork INSERTs): each also
# passes through the events publisher and the notifier (priced as a follow with an instant
# email: the dearer path; a digest entry costs about as much in writes and no SES call).
EVENT_SOURCES = {
    "PUT /v1/prompts/{id}/rating",
    "PUT /v1/prompts/{id}/bookmark",
    "POST /v1/prompts/{id}/fork",
}
# The consumers a request of each kind passes through; the other trigger rows (a deleted
# prompt's index removal, a malformed event, the digest schedule, SES feedback) are rare or
# scheduled, not per request.
CONSUMER_FEEDS: dict[str, set[str]] = {
    "trigger stream_counters (10 views of one prompt)": STREAMED,
    "trigger stream_indexer (a stats change)": STREAMED,
    "trigger stream_indexer (a prompt deleted)": STREAMED,
    "trigger stream_events (a rating)": EVENT_SOURCES,
    "trigger events_notify (a follow, instant email)": EVENT_SOURCES,
}
LOG_BYTES_PER_REQUEST = 1_500  # access log line (~600 B) + START/END/REPORT + one app line
TRAFFIC = {"idle": 0, "1M requests/month": 1_000_000, "50M requests/month": 50_000_000}

# AWS list prices, eu-west-1, on-demand (USD); check the pricing pages before relying on them.
PRICES = {
    "api_per_million": 1.11,  # HTTP API, first 300M
    "lambda_per_million": 0.20,
    "lambda_gb_second": 0.0000133334,  # arm64
    "ddb_wru_per_million": 0.7069,  # on-demand
    "ddb_rru_per_million": 0.1414,
    "ddb_storage_gb_month": 0.283,
    "ddb_pitr_gb_month": 0.226,
    "logs_ingest_gb": 0.57,
    "logs_store_gb_month": 0.03,
    "alarm_month": 0.10,
    "secret_month": 0.40,
    "kms_key_month": 1.00,
    "search_instance_hour": {
        "t3.small.search": 0.040,
        "m6g.large.search": 0.142,
        "r6g.large.search": 0.186,
    },
    "search_gp3_gb_month": 0.146,
}
HOURS_A_MONTH = 730
# CloudWatch alarms per stage, as synthesized (tests/infra/test_cost_model.py keeps it true)
ALARMS = {"dev": 254, "staging": 253, "prod": 253}
KMS_KEYS = 3  # table, topics, secret
DATA_GB = {"dev": 1, "staging": 5, "prod": 20}  # table size assumed per stage


def _item_bytes(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (serialized JSON, a slight over-count)."""
    return sum(len(name) + len(json.dumps(value, default=_raw)) for name, value in item.items())


def _raw(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return "x" * len(value)  # binary attributes count their length
    raise TypeError(type(value).__name__)


def _write_units(size: int, transactional: bool = False) -> float:
    return max(1, math.ceil(size / 1024)) * (2 if transactional else 1)


def _read_units(size: int, consistent: bool = False) -> float:
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2


class UnitMeter:
    """Read and write request units of the DynamoDB calls made since ``reset``."""

    def __init__(self) -> None:
        self.read = 0.0
        self.write = 0.0
        self._pending: dict[int, tuple[str, dict[str, Any]]] = {}

    def reset(self) -> None:
        self.read = self.write = 0.0

    def before(self, model: Any, params: dict[str, Any]) -> None:
        if model.service_model.service_name != "dynamodb":
            return
        name, body = model.name, params.get("body")
        request = json.loads(body) if isinstance(body, bytes | str) and body else {}
        if name == "PutItem":
            self.write += _write_units(_item_bytes(request.get("Item", {})))
        elif name in ("UpdateItem", "DeleteItem"):
            self.write += 1  # counters, guards and heads here are under 1 KB
        elif name == "BatchWriteItem":
            for requests in request.get("RequestItems", {}).values():
                for entry in requests:
                    item = entry.get("PutRequest", {}).get("Item")
                    self.write += _write_units(_item_bytes(item)) if item else 1
        elif name == "TransactWriteItems":
            for entry in request.get("TransactItems", []):
                item = entry.get("Put", {}).get("Item")
                size = _item_bytes(item) if item else 1
                self.write += _write_units(size, transactional=True)

    def after(self, model: Any, parsed: dict[str, Any]) -> None:
        if model.service_model.service_name != "dynamodb":
            return
        name = model.name
        if name == "GetItem":
            self.read += _read_units(_item_bytes(parsed.get("Item") or {}))
        elif name == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                self.read += sum(_read_units(_item_bytes(i)) for i in items)
        elif name in ("Query", "Scan"):
            total = sum(_item_bytes(i) for i in parsed.get("Items", []))
            self.read += _read_units(total)


def measure() -> dict[str, dict[str, float]]:
    """Per scenario of the mix and per stream record: units, AWS calls and warm duration."""
    import importlib

    import tests.conftest  # noqa: F401  (the test environment, before promptvault is imported)
    from bench.counting import counting_aws_calls
    from bench.scenarios import SCENARIOS, STREAM_TRIGGERS, make_world, send
    from tests.support.aws import moto_aws
    from tests.support.ratelimits import enforced

    meter = UnitMeter()
    wanted = {s.label: s for s in SCENARIOS if s.label in MIX}
    missing = set(MIX) - set(wanted)
    if missing:
        raise ValueError(f"the mix names scenarios that do not exist: {sorted(missing)}")
    rows: dict[str, dict[str, float]] = {}
    with moto_aws(), enforced(), counting_aws_calls(meter.before, meter.after) as counter:
        world = make_world()
        for label, scenario in wanted.items():
            samples = []
            for _ in range(WARM_RUNS + 1):  # the first run builds the handler: not warm
                request = scenario.prepare(world)
                meter.reset()
                counter.reset()
                started = time.perf_counter()
                reply = send(request)
                samples.append((time.perf_counter() - started) * 1e3)
                assert reply.status == scenario.status, (label, reply.status, reply.body)
            rows[label] = {
                "rru": meter.read,
                "wru": meter.write,
                "calls": sum(counter.snapshot().values()),
                "warm_ms": statistics.median(samples[1:]),
            }
        for label, (function, build) in STREAM_TRIGGERS.items():
            handler = importlib.import_module(f"functions.{function}.handler").handler
            event = build(world)
            records = len(event.get("Records") or [None])  # a schedule's event: one run
            meter.reset()
            started = time.perf_counter()
            handler(event, None)
            elapsed = (time.perf_counter() - started) * 1e3
            rows[label] = {
                "rru": meter.read / records,
                "wru": meter.write / records,
                "calls": 0,
                "warm_ms": elapsed / records,
            }
    return rows


def average_request(rows: dict[str, dict[str, float]]) -> dict[str, float]:
    weight = sum(MIX.values())
    average: dict[str, float] = defaultdict(float)
    for label, share in MIX.items():
        for key in ("rru", "wru", "warm_ms"):
            average[key] += rows[label][key] * share / weight
    for label, feeds in CONSUMER_FEEDS.items():
        fed = sum(share for request, share in MIX.items() if request in feeds) / weight
        for key in ("rru", "wru", "warm_ms"):
            average[key] += rows[label][key] * fed
        average["consumer_ms"] += rows[label]["warm_ms"] * fed
    return dict(average)


def fixed_floor(stage: str) -> dict[str, float]:
    from infra.stages import load_stage

    config = load_stage(stage)
    sizing = config.search
    prices = PRICES["search_instance_hour"]
    assert isinstance(prices, dict)
    data_nodes = prices[sizing.instance_type] * sizing.instance_count * HOURS_A_MONTH
    masters = (
        prices[sizing.master_instance_type] * sizing.master_count * HOURS_A_MONTH
        if sizing.master_instance_type
        else 0.0
    )
    storage = float(PRICES["search_gp3_gb_month"]) * sizing.volume_gb * sizing.instance_count
    table = DATA_GB[stage] * float(PRICES["ddb_storage_gb_month"])
    if config.retain_data:
        table += DATA_GB[stage] * float(PRICES["ddb_pitr_gb_month"])
    return {
        "search data nodes": data_nodes,
        "search masters": masters,
        "search storage": storage,
        "table storage": table,
        "alarms": ALARMS[stage] * float(PRICES["alarm_month"]),
        "secret + KMS keys": float(PRICES["secret_month"])
        + KMS_KEYS * float(PRICES["kms_key_month"]),
    }


def per_million(average: dict[str, float], memory_mb: int) -> dict[str, float]:
    """USD per million requests of the average request, by service."""
    gb_seconds = memory_mb / 1024 * (average["warm_ms"] / 1e3) * 1e6
    consumer_invocations = 0.1  # consumers run per batch of up to 100 records: ~0.1 a request
    return {
        "API Gateway": float(PRICES["api_per_million"]),
        "Lambda requests": float(PRICES["lambda_per_million"]) * (1 + consumer_invocations),
        "Lambda duration": gb_seconds * float(PRICES["lambda_gb_second"]),
        "DynamoDB writes": average["wru"] * float(PRICES["ddb_wru_per_million"]),
        "DynamoDB reads": average["rru"] * float(PRICES["ddb_rru_per_million"]),
        "CloudWatch Logs": LOG_BYTES_PER_REQUEST / 1e3 * float(PRICES["logs_ingest_gb"]),
    }


def run() -> dict[str, Any]:
    from infra.stages import STAGE_NAMES, load_stage

    rows = measure()
    average = average_request(rows)
    stages = {}
    for stage in STAGE_NAMES:
        floor = fixed_floor(stage)
        variable = per_million(average, load_stage(stage).function_memory_mb)
        stages[stage] = {
            "floor": {k: round(v, 2) for k, v in floor.items()},
            "per_million": {k: round(v, 3) for k, v in variable.items()},
            "months": {
                name: round(sum(floor.values()) + sum(variable.values()) * count / 1e6, 0)
                for name, count in TRAFFIC.items()
            },
        }
    return {
        "method": "DynamoDB request units from measured item sizes and warm handler durations "
        "(in-process moto: an upper bound), per scenario of the mix; list prices eu-west-1",
        "mix": MIX,
        "scenarios": {k: {m: round(v, 3) for m, v in row.items()} for k, row in rows.items()},
        "average_request": {k: round(v, 3) for k, v in average.items()},
        "stages": stages,
    }


def print_table(section: dict[str, Any]) -> None:
    average = section["average_request"]
    print(
        f"\nMonthly cost by stage (average request: {average['rru']:.2f} RRU, "
        f"{average['wru']:.2f} WRU, {average['warm_ms']:.0f} ms warm; USD, list prices)"
    )
    headers = ["stage", "fixed floor", "per 1M requests", *TRAFFIC]
    body = []
    for stage, data in section["stages"].items():
        body.append(
            [
                stage,
                f"{sum(data['floor'].values()):,.0f}",
                f"{sum(data['per_million'].values()):.2f}",
                *(f"{data['months'][name]:,.0f}" for name in TRAFFIC),
            ]
        )
    print(table(headers, body, right={1, 2, 3, 4, 5}))
