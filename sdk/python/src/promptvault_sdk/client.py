"""Sync and async clients: fetch by label or version with an in-process cache, revalidation
with ``If-None-Match``, a logged fallback, bounded retries honouring ``Retry-After``."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from promptvault_sdk.errors import APIError, PromptVaultError, Unreachable
from promptvault_sdk.models import Import, ImportRow, Label, Message, Prompt, Rendered

log = logging.getLogger("promptvault_sdk")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# The import format each file extension means (``import_file`` without ``format``).
IMPORT_FORMATS = {
    ".csv": "prompts-chat-csv",
    ".json": "langfuse-json",
    ".yml": "prompt-yml",
    ".yaml": "prompt-yml",
    ".md": "markdown",
    ".markdown": "markdown",
}
EXPORT_FORMATS = ("json", "csv", "yaml", "markdown")
INLINE_IMPORT_CHARS = 60_000  # the API's inline limit; a larger file goes by pre-signed PUT


def import_format_of(path: str | Path) -> str:
    """The import format a file name's extension names; ValueError for another one."""
    suffix = Path(path).suffix.lower()
    if suffix not in IMPORT_FORMATS:
        known = ", ".join(sorted(IMPORT_FORMATS))
        raise ValueError(f"cannot tell the format of {Path(path).name!r} ({known}): pass format=")
    return IMPORT_FORMATS[suffix]


Fallback = str | list[Message] | Prompt | None
CacheKey = tuple[str, str | None, int | None]


@dataclass(slots=True)
class _Entry:
    prompt: Prompt
    fetched_at: float  # time.monotonic()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After``: delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def api_error(response: httpx.Response) -> APIError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    return APIError(
        response.status_code,
        error.get("code") or f"HTTP_{response.status_code}",
        error.get("message") or response.reason_phrase,
        error.get("details") or [],
        retry_after_seconds(response.headers.get("Retry-After")),
    )


def _data(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise api_error(response)
    if response.status_code == 204 or not response.content:
        return None
    return response.json()["data"]


class _Core:
    """What both clients share: settings, the cache, request shapes, retry delays."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        cache_ttl: float = 60.0,
        timeout: float = 10.0,
        max_retries: int = 3,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        max_retry_after: float = 30.0,
        background_revalidation: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.cache_ttl = cache_ttl
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.background_revalidation = background_revalidation
        self._cache: dict[CacheKey, _Entry] = {}

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "promptvault-sdk-python/0.1"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    @staticmethod
    def _key(name_or_id: str, label: str | None, version: int | None) -> CacheKey:
        if version is not None:
            return (name_or_id, None, version)
        return (name_or_id, label or "production", None)

    @staticmethod
    def _path(name_or_id: str, *rest: str) -> str:
        return "/".join(["/v1/prompts", quote(name_or_id, safe=""), *rest])

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        """How long to wait before retry ``attempt`` (1-based): Retry-After when the answer
        has one (capped at ``max_retry_after``), else exponential backoff with jitter."""
        if response is not None:
            after = retry_after_seconds(response.headers.get("Retry-After"))
            if after is not None:
                return min(after, self.max_retry_after)
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not a secret)

    def _retryable(self, method: str, response: httpx.Response) -> bool:
        if response.status_code == 429:
            return True  # refused before any work: safe for every method
        return response.status_code in RETRY_STATUSES and method in ("GET", "PUT", "DELETE")

    def _fresh(self, entry: _Entry | None, ttl: float) -> bool:
        return entry is not None and time.monotonic() - entry.fetched_at < ttl

    def _store(self, key: CacheKey, response: httpx.Response, entry: _Entry | None) -> Prompt:
        """A 304 keeps the cached prompt (now fresh again); a 200 replaces it."""
        if response.status_code == 304 and entry is not None:
            entry.fetched_at = time.monotonic()
            return entry.prompt
        data = _data(response)
        prompt = Prompt.from_api(data, response.headers.get("ETag"))
        self._cache[key] = _Entry(prompt, time.monotonic())
        return prompt

    def _conditional(self, entry: _Entry | None) -> dict[str, str]:
        if entry is not None and entry.prompt.etag:
            return {"If-None-Match": entry.prompt.etag}
        return {}

    @staticmethod
    def _params(key: CacheKey) -> dict[str, Any]:
        return {"version": key[2]} if key[2] is not None else {"label": key[1]}

    def _unreachable(
        self, name_or_id: str, key: CacheKey, error: Exception, fallback: Fallback
    ) -> Prompt:
        """Never silent: the stale cached version first, then the fallback, else raise."""
        entry = self._cache.get(key)
        if entry is not None:
            log.warning(
                "PromptVault unreachable (%s): using the cached %s version %s",
                error,
                name_or_id,
                entry.prompt.version,
            )
            return entry.prompt
        if fallback is not None:
            log.warning(
                "PromptVault unreachable (%s): using the fallback for %s", error, name_or_id
            )
            return Prompt.from_fallback(name_or_id, fallback)
        raise error

    def clear_cache(self) -> None:
        self._cache.clear()

    def invalidate(
        self, name_or_id: str, label: str | None = "production", version: int | None = None
    ) -> None:
        self._cache.pop(self._key(name_or_id, label, version), None)


class PromptVault(_Core):
    """The sync client. ``get_prompt`` serves from the cache while fresh (no request), then
    revalidates with ``If-None-Match`` (304: the cached version stays). Revalidation is
    synchronous by default; ``background_revalidation=True`` answers the stale version at
    once and revalidates in a thread.

    ``transport`` and ``event_hooks`` pass to the ``httpx.Client`` (tests count requests).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **settings: Any,
    ) -> None:
        super().__init__(base_url, api_key, **settings)
        self._sleep = sleep
        self._lock = threading.Lock()
        self._revalidating: dict[CacheKey, threading.Thread] = {}
        self.http = httpx.Client(
            base_url=self.base_url,
            headers=self._headers(),
            timeout=self.timeout,
            transport=transport,
            event_hooks=dict(event_hooks or {}),
        )

    def __enter__(self) -> PromptVault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.wait_for_revalidation()
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call with bounded retries on 429/5xx and connection errors; ``Unreachable``
        when every attempt failed to get an answer."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError as error:
                if attempt > self.max_retries:
                    raise Unreachable(f"{method} {path}: {error!r}") from error
                self._sleep(self._delay(attempt, None))
                continue
            if not self._retryable(method, response):
                return response
            if attempt > self.max_retries:
                if response.status_code >= 500:
                    raise Unreachable(f"{method} {path}: {response.status_code}")
                return response
            self._sleep(self._delay(attempt, response))

    # --- prompts ---------------------------------------------------------------------------

    def get_prompt(
        self,
        name_or_id: str,
        label: str | None = "production",
        version: int | None = None,
        *,
        fallback: Fallback = None,
        cache_ttl: float | None = None,
    ) -> Prompt:
        """The version a label (default ``production``) or a number names."""
        key = self._key(name_or_id, label, version)
        ttl = self.cache_ttl if cache_ttl is None else cache_ttl
        with self._lock:
            entry = self._cache.get(key)
        if self._fresh(entry, ttl):
            assert entry is not None
            return entry.prompt
        if entry is not None and self.background_revalidation and ttl > 0:
            self._revalidate_in_background(name_or_id, key)
            return entry.prompt
        try:
            return self._fetch(key, entry)
        except (Unreachable, APIError) as error:
            if isinstance(error, APIError) and error.status != 429:
                raise  # an answer (404, 401, ...): not an outage
            return self._unreachable(name_or_id, key, error, fallback)

    def _fetch(self, key: CacheKey, entry: _Entry | None) -> Prompt:
        response = self.request(
            "GET", self._path(key[0]), params=self._params(key), headers=self._conditional(entry)
        )
        with self._lock:
            return self._store(key, response, entry)

    def _revalidate_in_background(self, name_or_id: str, key: CacheKey) -> None:
        with self._lock:
            if key in self._revalidating:
                return

            def run() -> None:
                try:
                    self._fetch(key, self._cache.get(key))
                except PromptVaultError as error:
                    log.warning("PromptVault: revalidating %s failed (%s)", name_or_id, error)
                finally:
                    with self._lock:
                        self._revalidating.pop(key, None)

            thread = threading.Thread(target=run, name="promptvault-revalidate", daemon=True)
            self._revalidating[key] = thread
        thread.start()

    def wait_for_revalidation(self, timeout: float | None = None) -> None:
        """Join the background revalidations in flight (tests, shutdown)."""
        with self._lock:
            threads = list(self._revalidating.values())
        for thread in threads:
            thread.join(timeout)

    def render(
        self,
        name_or_id: str,
        variables: Mapping[str, Any] | None = None,
        *,
        label: str | None = None,
        version: int | None = None,
        strict: bool = True,
    ) -> Rendered:
        """Server-side render (``POST .../render``): the 422 is an APIError with details."""
        body: dict[str, Any] = {"variables": dict(variables or {}), "strict": strict}
        if label is not None:
            body["label"] = label
        if version is not None:
            body["version"] = version
        return Rendered.from_api(
            _data(self.request("POST", self._path(name_or_id, "render"), json=body))
        )

    def create_prompt(self, body: Mapping[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = _data(self.request("POST", "/v1/prompts", json=dict(body)))
        return data

    def labels(self, name_or_id: str) -> list[Label]:
        return [
            Label.from_api(x) for x in _data(self.request("GET", self._path(name_or_id, "labels")))
        ]

    def set_label(self, name_or_id: str, label: str, version: int) -> Label:
        response = self.request(
            "PUT",
            self._path(name_or_id, "labels", quote(label, safe="")),
            json={"version": version},
        )
        moved = Label.from_api(_data(response))
        self.invalidate(name_or_id, label)
        return moved

    # --- import and export -----------------------------------------------------------------

    def import_file(
        self,
        path: str | Path,
        format: str | None = None,
        wait: bool = True,
        *,
        timeout: float = 900.0,
        poll_seconds: float = 0.5,
    ) -> Import:
        """Import a file: inline when it is small UTF-8 text, else through the pre-signed
        upload URL; ``format`` from the extension unless given. With ``wait``, the import
        once done or failed (``TimeoutError`` after ``timeout`` seconds)."""
        path = Path(path)
        fmt = format or import_format_of(path)
        data = path.read_bytes()
        try:
            text: str | None = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None  # the worker says what is wrong with it
        if text is not None and 0 < len(text) <= INLINE_IMPORT_CHARS:
            body: dict[str, Any] = {"format": fmt, "content": text}
            started = Import.from_api(_data(self.request("POST", "/v1/imports", json=body)))
        else:
            body = {"format": fmt, "filename": path.name[:200]}
            started = Import.from_api(_data(self.request("POST", "/v1/imports", json=body)))
            self._upload(started, data)
        return self.wait_for_import(started.id, timeout, poll_seconds) if wait else started

    def _upload(self, started: Import, data: bytes) -> None:
        """The file's bytes to the pre-signed URL: no API credentials go with it (the URL is
        its own authorisation; S3 refuses a second one)."""
        if not started.upload_url:
            raise PromptVaultError("the import has no upload URL")
        response = httpx.put(started.upload_url, content=data, timeout=self.timeout)
        if response.status_code >= 300:
            detail = f"{response.status_code} {response.text[:200]}"
            raise PromptVaultError(f"upload of import {started.id} failed: {detail}")

    def wait_for_import(
        self, import_id: str, timeout: float = 900.0, poll_seconds: float = 0.5
    ) -> Import:
        deadline = time.monotonic() + timeout
        while True:
            found = self.get_import(import_id)
            if found.finished:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"import {import_id} is still {found.status}")
            self._sleep(poll_seconds)

    def get_import(self, import_id: str) -> Import:
        path = f"/v1/imports/{quote(import_id, safe='')}"
        return Import.from_api(_data(self.request("GET", path)))

    def import_rows(self, import_id: str, status: str | None = None) -> Iterator[ImportRow]:
        """Every row of an import (``status``: created, skipped or rejected), page by page."""
        path = f"/v1/imports/{quote(import_id, safe='')}/rows"
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 100}
            if status:
                params["status"] = status
            if cursor:
                params["cursor"] = cursor
            response = self.request("GET", path, params=params)
            for row in _data(response):
                yield ImportRow.from_api(row)
            cursor = response.json().get("meta", {}).get("nextCursor")
            if not cursor:
                return

    def export(self, format: str = "json") -> str:
        """Every prompt the key's owner owns, as the text of a file in ``format``."""
        response = self.request("GET", "/v1/users/me/export", params={"format": format})
        if response.status_code >= 400:
            raise api_error(response)
        return response.text


class AsyncPromptVault(_Core):
    """The async client: the same API on ``httpx.AsyncClient`` (``await`` each call).
    ``background_revalidation=True`` revalidates in an ``asyncio`` task."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        **settings: Any,
    ) -> None:
        super().__init__(base_url, api_key, **settings)
        self._tasks: dict[CacheKey, asyncio.Task[None]] = {}
        self.http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._headers(),
            timeout=self.timeout,
            transport=transport,
            event_hooks=dict(event_hooks or {}),
        )

    async def __aenter__(self) -> AsyncPromptVault:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.wait_for_revalidation()
        await self.http.aclose()

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.http.request(method, path, **kwargs)
            except httpx.TransportError as error:
                if attempt > self.max_retries:
                    raise Unreachable(f"{method} {path}: {error!r}") from error
                await asyncio.sleep(self._delay(attempt, None))
                continue
            if not self._retryable(method, response):
                return response
            if attempt > self.max_retries:
                if response.status_code >= 500:
                    raise Unreachable(f"{method} {path}: {response.status_code}")
                return response
            await asyncio.sleep(self._delay(attempt, response))

    async def get_prompt(
        self,
        name_or_id: str,
        label: str | None = "production",
        version: int | None = None,
        *,
        fallback: Fallback = None,
        cache_ttl: float | None = None,
    ) -> Prompt:
        key = self._key(name_or_id, label, version)
        ttl = self.cache_ttl if cache_ttl is None else cache_ttl
        entry = self._cache.get(key)
        if self._fresh(entry, ttl):
            assert entry is not None
            return entry.prompt
        if entry is not None and self.background_revalidation and ttl > 0:
            if key not in self._tasks:
                self._tasks[key] = asyncio.create_task(self._revalidate(name_or_id, key))
            return entry.prompt
        try:
            return await self._fetch(key, entry)
        except (Unreachable, APIError) as error:
            if isinstance(error, APIError) and error.status != 429:
                raise  # an answer (404, 401, ...): not an outage
            return self._unreachable(name_or_id, key, error, fallback)

    async def _fetch(self, key: CacheKey, entry: _Entry | None) -> Prompt:
        response = await self.request(
            "GET", self._path(key[0]), params=self._params(key), headers=self._conditional(entry)
        )
        return self._store(key, response, entry)

    async def _revalidate(self, name_or_id: str, key: CacheKey) -> None:
        try:
            await self._fetch(key, self._cache.get(key))
        except PromptVaultError as error:
            log.warning("PromptVault: revalidating %s failed (%s)", name_or_id, error)
        finally:
            self._tasks.pop(key, None)

    async def wait_for_revalidation(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def render(
        self,
        name_or_id: str,
        variables: Mapping[str, Any] | None = None,
        *,
        label: str | None = None,
        version: int | None = None,
        strict: bool = True,
    ) -> Rendered:
        body: dict[str, Any] = {"variables": dict(variables or {}), "strict": strict}
        if label is not None:
            body["label"] = label
        if version is not None:
            body["version"] = version
        response = await self.request("POST", self._path(name_or_id, "render"), json=body)
        return Rendered.from_api(_data(response))

    async def create_prompt(self, body: Mapping[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = _data(await self.request("POST", "/v1/prompts", json=dict(body)))
        return data

    async def labels(self, name_or_id: str) -> list[Label]:
        response = await self.request("GET", self._path(name_or_id, "labels"))
        return [Label.from_api(x) for x in _data(response)]

    async def set_label(self, name_or_id: str, label: str, version: int) -> Label:
        response = await self.request(
            "PUT",
            self._path(name_or_id, "labels", quote(label, safe="")),
            json={"version": version},
        )
        moved = Label.from_api(_data(response))
        self.invalidate(name_or_id, label)
        return moved
