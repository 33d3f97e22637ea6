"""The webhooks' scenarios (issue 13): one realistic request per route and the delivery
trigger's messages, each on a person of its own (at most ten webhooks each), so every scenario
runs any number of times in any order. Receivers are real HTTP servers on 127.0.0.1 (the test
and bench stages' loopback exception), started once per process and stopped at exit.

``bench/scenarios.py`` lists them (WEBHOOK_SCENARIOS, STREAM_TRIGGERS); its ``Request`` is
imported where used, as that module imports this one.
"""

from __future__ import annotations

import atexit
import json
import uuid
from functools import cache
from typing import Any

from tests.support.api import call
from tests.support.factories import User, sign_up


@cache
def receiver_url() -> str:
    """A receiver answering 200 to everything, for the whole process."""
    from tests.support.webhooks import receiver

    running = receiver()
    state = running.__enter__()
    atexit.register(running.__exit__, None, None, None)
    return state.url


@cache
def nobody_listening() -> str:
    """A loopback URL whose port refuses (a receiver started and stopped)."""
    from tests.support.webhooks import receiver

    with receiver() as state:
        return state.url


def hooked(
    url: str | None = None, events: tuple[str, ...] = ("prompt.version.created",)
) -> tuple[User, dict[str, Any]]:
    """A new person with one webhook (to ``url``, by default the process's receiver)."""
    someone = sign_up()
    body = {"url": url or receiver_url(), "events": list(events)}
    made = call("POST", "/v1/webhooks", body, token=someone.token)
    assert made.status == 201, made.body
    return someone, made.data


def _request(method: str, path: str, token: str, body: Any = None) -> Any:
    from bench.scenarios import Request

    return Request(method, path, body, token=token)


def create(_: Any) -> Any:
    body = {"url": receiver_url(), "events": ["prompt.version.created", "prompt.deleted"]}
    return _request("POST", "/v1/webhooks", sign_up().token, body)


def listing(_: Any) -> Any:
    someone, _hook = hooked()
    return _request("GET", "/v1/webhooks", someone.token)


def delete(_: Any) -> Any:
    someone, hook = hooked()
    return _request("DELETE", f"/v1/webhooks/{hook['id']}", someone.token)


def ping(_: Any) -> Any:
    someone, hook = hooked()
    return _request("POST", f"/v1/webhooks/{hook['id']}/test", someone.token)


def deliveries(_: Any) -> Any:
    """A page with one delivery (a ping's)."""
    someone, hook = hooked()
    pinged = call("POST", f"/v1/webhooks/{hook['id']}/test", token=someone.token)
    assert pinged.status == 200, pinged.body
    return _request("GET", f"/v1/webhooks/{hook['id']}/deliveries", someone.token)


def rotate(_: Any) -> Any:
    someone, hook = hooked()
    return _request("POST", f"/v1/webhooks/{hook['id']}/rotate-secret", someone.token)


# --- the delivery trigger's messages ----------------------------------------------------------


def _sqs(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": uuid.uuid4().hex,
                "receiptHandle": "r",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:webhooks-deliver",
                "awsRegion": "us-east-1",
            }
        ]
    }


def _event(owner: str) -> dict[str, Any]:
    from promptvault.events.catalogue import Envelope

    return Envelope(
        id=uuid.uuid4().hex,
        type="prompt.version.created",
        version=1,
        occurred_at="2026-11-30T12:00:00.000Z",
        data={
            "promptId": f"p_{uuid.uuid4().hex}",
            "version": 2,
            "actorId": owner,
            "ownerId": owner,
        },
    ).model_dump(mode="json", by_alias=True)


def event_message(_: Any) -> dict[str, Any]:
    """A new version of a person's prompt, from the bus: their one webhook gets a delivery."""
    someone, _hook = hooked()
    return _sqs(
        {
            "detail-type": "prompt.version.created",
            "source": "promptvault",
            "detail": _event(someone.id),
        }
    )


def _opened(url: str) -> dict[str, Any]:
    """A delivery opened for a new person's webhook (its message held back): the message."""
    from promptvault.events.catalogue import Envelope
    from promptvault.webhooks.delivery import Deliverer

    someone, _hook = hooked(url)
    held: list[tuple[dict[str, Any], int]] = []
    Deliverer(enqueue=held.extend).open_for(Envelope.model_validate(_event(someone.id)))
    [(message, _delay)] = held
    return message


def delivery_message(_: Any) -> dict[str, Any]:
    """A delivery due now, to a receiver that answers 200."""
    return _sqs(_opened(receiver_url()))


def failing_delivery_message(_: Any) -> dict[str, Any]:
    """A delivery due now, to a port that refuses: the retry is queued (30 s later)."""
    return _sqs(_opened(nobody_listening()))


def waiting_delivery_message(_: Any) -> dict[str, Any]:
    """A retry message that came before its delivery is due: sent on, no attempt."""
    from promptvault.webhooks import delivery

    message = _opened(nobody_listening())
    held: list[tuple[dict[str, Any], int]] = []
    engine = delivery.Deliverer(enqueue=held.extend)
    delivery.handle_message(message, engine)  # the first attempt fails: due in 30 s
    return _sqs(message)
