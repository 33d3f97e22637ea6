"""One HTTP POST of a delivery to a checked target (webhooks/targets.py), with urllib3.

The connection goes to the address that was checked, never to a fresh DNS answer: for https
the TLS handshake names the host (SNI) and the certificate must be valid for it; the Host
header names it too. Redirects are not followed (a 3xx is a failed attempt), nothing is
retried here (the schedule retries), the whole exchange is bounded by ``TIMEOUT``, and only the
first ``EXCERPT_BYTES`` of the answer are read and kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import urllib3

from promptvault.webhooks.targets import Target

TIMEOUT = urllib3.Timeout(connect=5.0, read=5.0, total=5.0)
EXCERPT_BYTES = 256
USER_AGENT = "PromptVault-Webhooks/1"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got: a 2xx delivers."""

    status_code: int | None
    error: str | None
    duration_ms: int
    excerpt: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=TIMEOUT,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=TIMEOUT, retries=False)


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


def post(target: Target, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to the target; never raises for what the receiver or the network does."""
    sent = {
        **headers,
        "Host": _host_header(target),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    started = time.monotonic()
    pool = _pool(target)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=sent,
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            raw = response.read(EXCERPT_BYTES, decode_content=False)
        finally:
            response.release_conn()
        excerpt = raw.decode("utf-8", "replace") if raw else None
        status = response.status
        error = None if 200 <= status < 300 else f"the receiver answered {status}"
        return Outcome(status, error, _since(started), excerpt)
    except urllib3.exceptions.HTTPError as failure:
        return Outcome(None, _reason(failure), _since(started))
    except OSError as failure:
        return Outcome(None, f"connection failed: {type(failure).__name__}", _since(started))
    finally:
        pool.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _reason(failure: Exception) -> str:
    # NewConnectionError is a ConnectTimeoutError in urllib3 2: ask for it first
    if isinstance(failure, urllib3.exceptions.NewConnectionError):
        return "connection refused or unreachable"
    if isinstance(failure, urllib3.exceptions.TimeoutError):  # connect and read timeouts
        return "timed out"
    if isinstance(failure, urllib3.exceptions.SSLError):
        return "TLS failed (the certificate must be valid for the host)"
    if isinstance(failure, urllib3.exceptions.ProtocolError):
        return "the connection broke"
    return f"request failed: {type(failure).__name__}"
