"""Expiring share links: a private (or any) prompt shown to whoever holds the link, until it
expires, is revoked or has spent its view budget (issue 12, decision 63).

A token is ``pvs_`` + the prompt's id hex + the link's id hex + 256 random bits; only the
SHA-256 of the random part is stored (the ids only say where to look, the secret is what
opens). Reading through a link is one conditional write that counts the view and checks the
secret and the bounds together, then one read of the prompt.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import Conflict, Gone, NotFound, field_error
from promptvault.core.settings import get_settings
from promptvault.data.models import PromptItem, ShareItem, prompt_pk, share_sk
from promptvault.prompts import repository as repo
from promptvault.prompts import service

DEFAULT_LIFETIME = timedelta(days=7)
LONGEST_LIFETIME = timedelta(days=365)
CLOCK_LEEWAY = timedelta(minutes=5)
KEPT_AFTER_END = timedelta(days=30)  # an ended link answers 410 this long, then the TTL sweeps
MAX_LIVE_SHARES = 100  # per prompt
SHARED_PATH = "/v1/shared/"
_PREFIX = "pvs_"
_TOKEN = re.compile(r"^pvs_([0-9a-f]{32})([0-9a-f]{32})([A-Za-z0-9_-]{43})$")
_SHARE_ID = re.compile(r"^sh_[0-9a-f]{32}$")
_NOT_FOUND = "No share link with that token"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_share_id(moment: datetime) -> str:
    """``sh_`` + 12 hex digits of the creation time in ms + 80 random bits: sorted by time."""
    return f"sh_{int(moment.timestamp() * 1000):012x}{secrets.token_hex(10)}"


def _ends_at(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at <= now:
        raise field_error("expiresAt", "must be in the future")
    if expires_at > now + LONGEST_LIFETIME + CLOCK_LEEWAY:
        raise field_error("expiresAt", f"must be at most {LONGEST_LIFETIME.days} days from now")
    return expires_at


def status_of(share: ShareItem, now: str) -> str:
    if share.revoked_at is not None:
        return "revoked"
    if share.ends_at <= now:
        return "expired"
    if share.max_views is not None and share.views >= share.max_views:
        return "exhausted"
    return "active"


def link_of(token: str) -> str:
    return f"{get_settings().public_url}{SHARED_PATH}{token}"


def create_share(
    caller: Caller, prompt_id: str, expires_at: datetime | None, max_views: int | None
) -> tuple[ShareItem, str]:
    """A new link to the caller's own prompt, and its one-time token."""
    head = service.owned_prompt(prompt_id, caller)
    moment = utcnow()
    ends = _ends_at(expires_at, moment)
    now = iso(moment)
    if _live_count(head.prompt_id, now) >= MAX_LIVE_SHARES:
        raise Conflict(f"At most {MAX_LIVE_SHARES} live share links per prompt; revoke one first")
    share_id, secret = _new_share_id(moment), secrets.token_urlsafe(32)
    share = ShareItem(
        prompt_pk(head.prompt_id),
        share_sk(share_id),
        prompt_id=head.prompt_id,
        share_id=share_id,
        token_hash=_digest(secret),
        created_at=now,
        ends_at=iso(ends),
        max_views=max_views,
        views=0,
        expires_at=ends + KEPT_AFTER_END,
    )
    repo.put_share(share)
    token = f"{_PREFIX}{head.prompt_id.removeprefix('p_')}{share_id.removeprefix('sh_')}{secret}"
    return share, token


def _live_count(prompt_id: str, now: str) -> int:
    count, start = 0, None
    while True:
        shares, start = repo.query_shares(prompt_id, 100, start)
        count += sum(1 for share in shares if status_of(share, now) == "active")
        if not start:
            return count


def list_shares(
    caller: Caller, prompt_id: str, cursor: str | None, limit: int
) -> tuple[list[tuple[ShareItem, str]], dict[str, Any]]:
    """The caller's links of their prompt with each one's status, newest first."""
    head = service.owned_prompt(prompt_id, caller)
    scope = f"shares:{head.prompt_id}"
    shares, last = repo.query_shares(head.prompt_id, limit, decode_cursor(cursor, scope))
    now = iso(utcnow())
    return [(share, status_of(share, now)) for share in shares], page_meta(last, scope)


def revoke_share(caller: Caller, prompt_id: str, share_id: str) -> None:
    """Revoke one of the caller's links; revoking a revoked link again changes nothing."""
    head = service.owned_prompt(prompt_id, caller)
    if not _SHARE_ID.match(share_id):
        raise NotFound("No share link with that id")
    moment = utcnow()
    if repo.revoke_share(head.prompt_id, share_id, iso(moment), moment + KEPT_AFTER_END):
        return
    if repo.get_share(head.prompt_id, share_id) is None:
        raise NotFound("No share link with that id")


@dataclass(frozen=True, slots=True)
class Opened:
    head: PromptItem
    share: str  # the link's id


def open_share(token: str) -> Opened:
    """The prompt a live link names, its view counted; 404 for a token that names no link,
    410 for a link that has ended (expired, revoked, view budget spent)."""
    found = _TOKEN.match(token)
    if found is None:
        raise NotFound(_NOT_FOUND)
    prompt_id, share_id = f"p_{found[1]}", f"sh_{found[2]}"
    digest = _digest(found[3])
    now = iso(utcnow())
    if not repo.spend_share_view(prompt_id, share_id, digest, now):
        share = repo.get_share(prompt_id, share_id)
        if share is None or not secrets.compare_digest(share.token_hash, digest):
            raise NotFound(_NOT_FOUND)
        raise Gone(f"This share link has ended ({status_of(share, now)})")
    head = repo.get_head(prompt_id)
    if head is None:  # deleted between the two calls: its links go with it
        raise NotFound(_NOT_FOUND)
    return Opened(head, share_id)
