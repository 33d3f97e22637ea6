"""The import worker's scenario (bench/scenarios.py STREAM_TRIGGERS): one small inline import,
its file's ObjectCreated event taken from the worker's queue as Lambda hands it over."""

from __future__ import annotations

from typing import Any

from tests.support import uploads
from tests.support.api import call
from tests.support.factories import sign_up

FILE = "\n".join(
    f"---\ntitle: Bench import {n}\ntags: [bench]\n---\n\nSummarise {{{{topic}}}} in {n} lines.\n"
    for n in (1, 2)
)


def upload_message(_: Any) -> dict[str, Any]:
    """A new person's inline import of two prompts: the SQS event with its S3 notification."""
    someone = sign_up()
    uploads.purge()  # other scenarios' files, never delivered: this one's event alone
    started = call(
        "POST", "/v1/imports", {"format": "markdown", "content": FILE}, token=someone.token
    )
    assert started.status == 201, started.body
    (message,) = uploads.messages()
    from infra.local.queues import lambda_record

    return {"Records": [lambda_record(message, uploads.route().queue_arn)]}
