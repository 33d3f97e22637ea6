"""Writes docs/events.md from the event catalogue: ``python -m promptvault.events.docs``."""

from __future__ import annotations

import json
import sys

from promptvault.catalogue import TRIGGERS
from promptvault.events.catalogue import EVENTS, SOURCE, Envelope

HEADER = """# Domain events

Generated from `layers/promptvault/events/catalogue.py` by `make events-doc`
(`python -m promptvault.events.docs > docs/events.md`); `tests/unit/test_events_catalogue.py`
fails when this file is stale.

Every event is put on the stage's EventBridge bus (`promptvault-<stage>-events`) with
`source` = `{source}` and `detail-type` = the event's type. Its `detail` is the envelope
below; `id` is derived from the DynamoDB stream record (the same table change always gives
the same id), so every consumer deduplicates on it. Delivery is at-least-once and unordered.
Events are made by the `stream_events` consumer from the change named under "made from":
an item's INSERT (its new image), or for `prompt.deleted` the prompt head's REMOVE by a request
(its old image; the id is derived from that stream record, so a replay gives the same id).
Re-ratings, other removals and TTL sweeps are not events.
"""


def _schema(model: type) -> str:
    schema = model.model_json_schema(by_alias=True)  # type: ignore[attr-defined]
    return json.dumps(schema, indent=2, sort_keys=True)


def render() -> str:
    lines = [HEADER.format(source=SOURCE), "## The envelope (`detail`)", ""]
    lines += ["```json", _schema(Envelope), "```", ""]
    lines += ["## Events", "", "| detail-type | version | made from | consumers | what |"]
    lines += ["|---|---|---|---|---|"]
    for event in EVENTS:
        consumers = (
            ", ".join(f"`{t.function}`" for t in TRIGGERS if event.type in t.events) or "none yet"
        )
        lines.append(
            f"| `{event.type}` | {event.version} | `{event.item}` {event.change} | {consumers} "
            f"| {event.summary} |"
        )
    lines.append("")
    for event in EVENTS:
        lines += [f"### `{event.type}` (version {event.version})", "", "`data`:", ""]
        lines += ["```json", _schema(event.data), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
