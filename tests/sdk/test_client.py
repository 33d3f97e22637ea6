"""The SDK's cache, revalidation, retries and fallback against httpx.MockTransport (no server);
tests/e2e/test_sdk.py runs the same client against the local runtime."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from promptvault_sdk import APIError, AsyncPromptVault, PromptVault, Unreachable
from promptvault_sdk.client import retry_after_seconds

VERSION = {
    "promptId": "p1",
    "version": 3,
    "title": "Greeting",
    "type": "text",
    "content": "Hello {{who}}",
    "messages": None,
    "variables": [{"name": "who", "type": "string", "required": True}],
    "labels": ["latest", "production"],
}
ETAG = '"v3-abc"'


class Server:
    """A scripted API: answers in order (the last one repeats), records each request."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def ok() -> httpx.Response:
    return httpx.Response(200, json={"success": True, "data": VERSION}, headers={"ETag": ETAG})


def limited(after: str = "2") -> httpx.Response:
    body = {"success": False, "error": {"code": "RATE_LIMITED", "message": "slow down"}}
    return httpx.Response(429, json=body, headers={"Retry-After": after})


def client(server: Server, sleeps: list[float] | None = None, **settings) -> PromptVault:
    slept = sleeps if sleeps is not None else []
    return PromptVault(
        "http://pv.test",
        "pv_test",
        transport=httpx.MockTransport(server),
        sleep=slept.append,
        **settings,
    )


def test_a_429_is_retried_after_its_retry_after():
    server = Server(limited("2"), limited("1"), ok())
    sleeps: list[float] = []

    prompt = client(server, sleeps).get_prompt("p1")

    assert prompt.version == 3
    assert prompt.compile(who="Ada") == "Hello Ada"
    assert sleeps == [2.0, 1.0]
    assert len(server.requests) == 3
    assert server.requests[0].headers["Authorization"] == "Bearer pv_test"
    assert server.requests[0].url.params["label"] == "production"


def test_retry_after_is_bounded_and_retries_are_too():
    server = Server(limited("3600"))
    sleeps: list[float] = []

    with pytest.raises(APIError) as raised:
        client(server, sleeps, max_retries=2, max_retry_after=5).get_prompt("p1")

    assert raised.value.status == 429
    assert sleeps == [5.0, 5.0]
    assert len(server.requests) == 3


def test_a_5xx_is_retried_with_backoff_then_the_fallback_is_used_and_logged(caplog):
    server = Server(httpx.Response(503))
    sleeps: list[float] = []
    caplog.set_level(logging.WARNING, "promptvault_sdk")

    prompt = client(server, sleeps, max_retries=2, backoff=0.1).get_prompt(
        "p1", fallback="Hi {{who}}"
    )

    assert prompt.is_fallback
    assert prompt.compile(who="Ada") == "Hi Ada"
    assert len(sleeps) == 2
    assert 0.05 <= sleeps[0] <= 0.1
    assert 0.1 <= sleeps[1] <= 0.2
    assert "using the fallback for p1" in caplog.text


def test_a_not_found_is_an_answer_not_an_outage():
    body = {"success": False, "error": {"code": "LABEL_NOT_SET", "message": "no production"}}
    server = Server(httpx.Response(404, json=body))

    with pytest.raises(APIError) as raised:
        client(server).get_prompt("p1", fallback="unused")

    assert raised.value.code == "LABEL_NOT_SET"
    assert len(server.requests) == 1


def test_fresh_hits_make_no_request_then_a_stale_entry_revalidates_with_if_none_match():
    server = Server(ok(), httpx.Response(304, headers={"ETag": ETAG}))
    vault = client(server, cache_ttl=60)

    first = vault.get_prompt("p1")
    hit = vault.get_prompt("p1")
    assert len(server.requests) == 1
    assert hit is first

    stale = vault.get_prompt("p1", cache_ttl=0)
    assert stale is first
    assert len(server.requests) == 2
    assert server.requests[1].headers["If-None-Match"] == ETAG


def test_background_revalidation_answers_the_cached_version_at_once():
    server = Server(ok(), httpx.Response(304, headers={"ETag": ETAG}))
    vault = client(server, cache_ttl=60, background_revalidation=True)
    first = vault.get_prompt("p1")
    vault._cache[("p1", "production", None)].fetched_at -= 120  # now stale

    assert vault.get_prompt("p1") is first
    vault.wait_for_revalidation()
    assert [r.headers.get("If-None-Match") for r in server.requests] == [None, ETAG]
    assert vault.get_prompt("p1") is first
    assert len(server.requests) == 2  # fresh again after the 304


def test_an_outage_after_a_fetch_serves_the_cached_version_with_a_warning(caplog):
    server = Server(ok(), httpx.Response(502))
    vault = client(server, max_retries=1)
    first = vault.get_prompt("p1")
    caplog.set_level(logging.WARNING, "promptvault_sdk")

    assert vault.get_prompt("p1", cache_ttl=0) is first
    assert "using the cached p1 version 3" in caplog.text


def test_no_fallback_means_the_outage_is_raised():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    vault = PromptVault(
        "http://pv.test", transport=httpx.MockTransport(refuse), sleep=lambda _: None
    )
    with pytest.raises(Unreachable):
        vault.get_prompt("p1")


def test_the_async_client_has_the_same_behaviour():
    server = Server(limited("0"), ok(), httpx.Response(304, headers={"ETag": ETAG}))

    async def main() -> None:
        async with AsyncPromptVault(
            "http://pv.test", "pv_test", transport=httpx.MockTransport(server)
        ) as vault:
            first = await vault.get_prompt("p1")
            assert await vault.get_prompt("p1") is first
            assert await vault.get_prompt("p1", cache_ttl=0) is first
            assert first.compile(who="Ada") == "Hello Ada"

    asyncio.run(main())
    assert len(server.requests) == 3
    assert server.requests[2].headers["If-None-Match"] == ETAG


def test_retry_after_reads_seconds_and_dates():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


def test_the_async_client_revalidates_in_the_background_when_asked():
    server = Server(ok(), httpx.Response(304, headers={"ETag": ETAG}))

    async def main() -> None:
        async with AsyncPromptVault(
            "http://pv.test",
            transport=httpx.MockTransport(server),
            background_revalidation=True,
        ) as vault:
            first = await vault.get_prompt("p1")
            vault._cache[("p1", "production", None)].fetched_at -= 120
            assert await vault.get_prompt("p1") is first  # at once, stale
            await vault.wait_for_revalidation()
            assert await vault.get_prompt("p1") is first

    asyncio.run(main())
    assert [r.headers.get("If-None-Match") for r in server.requests] == [None, ETAG]
