"""The unsubscribe link of every email (RFC 8058): opened, it shows what it stops and a
button; posted (by the button, or by a mail provider's one-click), it turns that email off.

The link's token is its only credential (email/tokens.py): nobody signs in, and the link
works until the person's link epoch moves on (an email address change) or the account goes.
"""

from __future__ import annotations

from promptvault.core.errors import RevokedLink
from promptvault.email import compose, preferences
from promptvault.email.schemas import UnsubscribedOut
from promptvault.email.tokens import read_unsubscribe_token

_REVOKED = (
    "This unsubscribe link no longer works: the account's email address changed or the "
    "account was deleted. Manage notifications from your account instead."
)


def one_click(token: str) -> UnsubscribedOut:
    """Email off for the link's category; 400 for a token that is not ours, 410 for one that
    was revoked. Posting the same link again answers the same and writes nothing."""
    claim = read_unsubscribe_token(token)
    if not preferences.unsubscribe(claim.user_id, claim.category, claim.epoch):
        raise RevokedLink(_REVOKED)
    return UnsubscribedOut(category=claim.category)


def prepare_page() -> None:
    """What the page's first request would load (jinja2, its template), loaded at init."""
    compose.prepare(compose.UNSUBSCRIBE_PAGE)


def confirmation_page(token: str) -> str:
    """The page the link opens; it reads and changes nothing but the token itself, so a link
    scanner that opens every link in a mailbox unsubscribes nobody."""
    claim = read_unsubscribe_token(token)
    return compose.unsubscribe_page(claim.category, token)
