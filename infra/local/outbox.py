"""The emails the product sent through SES, read back from moto for ``GET /_local/outbox``.

moto keeps every accepted send (SES v2 included) in the v1 backend's ``sent_messages``,
in order. It lives in this process, so it is read directly: the ``/moto-api/data.json``
dump splits messages by type and loses the order. Raw messages are parsed with the
standard library's ``email`` package to recover the text part, the HTML part and headers.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import Parser
from typing import Any


def sent_emails() -> list[dict[str, Any]]:
    """Every email sent so far in any account and region, oldest first."""
    from moto.ses.models import ses_backends

    emails: list[dict[str, Any]] = []
    for account_id in list(ses_backends.keys()):
        for region, backend in list(ses_backends[account_id].items()):
            for message in list(backend.sent_messages):
                email = _describe(message)
                if email is not None:
                    emails.append({**email, "region": region})
    return emails


def _describe(message: Any) -> dict[str, Any] | None:
    if hasattr(message, "raw_data"):
        return _describe_raw(message)
    if hasattr(message, "subject"):
        return _describe_simple(message)
    return None  # templated sends: SES v2 templates are not implemented by moto


def _unique(addresses: list[str]) -> list[str]:
    # moto lists a raw message's recipients twice (parameter and header).
    return list(dict.fromkeys(addresses))


def _describe_simple(message: Any) -> dict[str, Any]:
    """A ``Simple`` send: moto keeps only one body, the HTML one when both were given."""
    destinations = message.destinations or {}
    body = message.body or ""
    is_html = body.lstrip().startswith("<")
    return {
        "id": message.id,
        "from": message.source,
        "to": _unique(destinations.get("ToAddresses", [])),
        "cc": _unique(destinations.get("CcAddresses", [])),
        "bcc": _unique(destinations.get("BccAddresses", [])),
        "subject": message.subject,
        "text": None if is_html else body,
        "html": body if is_html else None,
        "headers": {},
        "raw": False,
    }


def _describe_raw(message: Any) -> dict[str, Any]:
    parsed = Parser(policy=policy.default).parsestr(message.raw_data)
    assert isinstance(parsed, EmailMessage)
    return {
        "id": message.id,
        "from": message.source or parsed.get("From"),
        "to": _unique([str(a) for a in message.destinations or []]),
        "cc": _header_list(parsed, "Cc"),
        "bcc": [],
        "subject": parsed.get("Subject"),
        "text": _part(parsed, "plain"),
        "html": _part(parsed, "html"),
        "headers": {name: str(value) for name, value in parsed.items()},
        "raw": True,
    }


def _header_list(parsed: EmailMessage, name: str) -> list[str]:
    value = parsed.get(name)
    return [a.strip() for a in str(value).split(",")] if value else []


def _part(parsed: EmailMessage, subtype: str) -> str | None:
    body = parsed.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_subtype() != subtype:
        return None
    content = body.get_content()
    return content if isinstance(content, str) else None
