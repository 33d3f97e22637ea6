"""Counts AWS API calls with botocore's ``before-call`` event, on every botocore client.

boto3 clients and pynamodb's connection both go through ``BaseClient._make_api_call``, which
emits ``before-call.<service>.<Operation>`` once per API call (retries are not new calls).
Each client has its own copy of the event system, so the hook is registered on each client:
clients created while counting (``Session.create_client`` is wrapped) and clients that already
exist (found once through the garbage collector, e.g. a cached Cognito client or pynamodb's
connection from an earlier request).
"""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient
from botocore.session import Session

_HOOK_ID = "promptvault-bench-call-counter"
_ANSWER_HOOK_ID = "promptvault-bench-answer-listener"  # unique ids are per emitter, not per event

# Told of every call: the operation model and the request botocore is about to send (its
# ``body`` holds the serialized parameters), e.g. to record what each call touched.
Listener = Callable[[Any, dict[str, Any]], None]
# Told of every answer: the operation model and the parsed response (``after-call``).
AnswerListener = Callable[[Any, dict[str, Any]], None]


class CallCounter:
    """API calls by operation name (``GetItem``, ``InitiateAuth``) since the last ``reset``."""

    def __init__(
        self, listener: Listener | None = None, answers: AnswerListener | None = None
    ) -> None:
        self.calls: Counter[str] = Counter()
        self._clients: weakref.WeakSet[BaseClient] = weakref.WeakSet()
        self._listener = listener
        self._answers = answers

    def _on_call(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls[model.name] += 1
        if self._listener is not None:
            self._listener(model, params)
        # None: botocore goes on and makes the call.

    def _on_answer(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if self._answers is not None:
            self._answers(model, parsed)

    def attach(self, client: BaseClient) -> None:
        if client in self._clients:
            return
        client.meta.events.register("before-call", self._on_call, unique_id=_HOOK_ID)
        client.meta.events.register("after-call", self._on_answer, unique_id=_ANSWER_HOOK_ID)
        self._clients.add(client)

    def detach_all(self) -> None:
        for client in list(self._clients):
            client.meta.events.unregister("before-call", unique_id=_HOOK_ID)
            client.meta.events.unregister("after-call", unique_id=_ANSWER_HOOK_ID)
        self._clients = weakref.WeakSet()

    def reset(self) -> None:
        self.calls.clear()

    def snapshot(self) -> dict[str, int]:
        return dict(sorted(self.calls.items()))


@contextmanager
def counting_aws_calls(
    listener: Listener | None = None, answers: AnswerListener | None = None
) -> Iterator[CallCounter]:
    counter = CallCounter(listener, answers)
    original = Session.create_client

    def create_client(self: Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        counter.attach(client)
        return client

    Session.create_client = create_client  # type: ignore[method-assign]
    for obj in gc.get_objects():
        # an S3 client's region redirector holds a weakref.proxy to it, which passes
        # isinstance but cannot be weakly referenced: the client itself is found on its own
        if isinstance(obj, BaseClient) and not isinstance(obj, weakref.ProxyTypes):
            counter.attach(obj)
    try:
        yield counter
    finally:
        Session.create_client = original  # type: ignore[method-assign]
        counter.detach_all()


def format_calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(calls.items())) or "none"
