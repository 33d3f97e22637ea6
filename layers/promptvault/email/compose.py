"""The emails creators get, and the unsubscribe page: words here, layout in ``templates/``.

Jinja2 renders our template files only; what people wrote (titles, names) is passed in as
values, never compiled, so ``{{ }}`` or ``{% %}`` in a title is text. HTML templates
autoescape (``select_autoescape``: on for ``.html``, off for ``.txt``); an undefined variable
is an error, never a blank. Every email has both parts, a link back to what it is about, a
"Manage notifications" link and its own unsubscribe link, which the List-Unsubscribe headers
repeat for one-click unsubscribing (RFC 8058). jinja2 is imported on first use, so only the
functions that compose pay for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from promptvault.core.settings import get_settings
from promptvault.email.preferences import CATEGORIES
from promptvault.email.tokens import unsubscribe_url

if TYPE_CHECKING:
    import jinja2

PRODUCT = "PromptVault"
TEMPLATES = Path(__file__).with_name("templates")
PREFERENCES_PATH = "/v1/users/me/notification-preferences"

# what each notifying type did, after who did it (a new type needs its words here)
_VERBS: dict[str, str] = {
    "prompt.rated": "rated",
    "prompt.bookmarked": "bookmarked",
    "prompt.forked": "forked",
    "user.followed": "followed you",
    "comment.created": "commented on",
    "comment.replied": "replied to your comment on",
    "user.mentioned": "mentioned you on",
}
_ABOUT_A_PROMPT = {
    "prompt.rated",
    "prompt.bookmarked",
    "prompt.forked",
    "comment.created",
    "comment.replied",
    "user.mentioned",
}
_UNSUBSCRIBE_WORDS: dict[str, str] = {
    "prompt.rated": "emails about ratings of your prompts",
    "prompt.bookmarked": "emails about bookmarks of your prompts",
    "prompt.forked": "emails about forks of your prompts",
    "user.followed": "emails about new followers",
    "comment.created": "emails about comments on your prompts",
    "comment.replied": "emails about replies to your comments",
    "user.mentioned": "emails about mentions of you in comments",
    "digest:daily": "the daily digest email",
    "digest:weekly": "the weekly digest email",
}
_UNSEEN = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: str
    username: str
    email: str
    display_name: str | None = None

    @property
    def name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing that happened, grouped: ``count`` actors in all, ``actors`` the names shown
    (newest first; "a guest" allowed)."""

    type: str
    actors: list[str]
    count: int
    target_title: str
    link: str  # absolute: the prompt, or the profile


@dataclass(frozen=True, slots=True)
class DigestLine:
    type: str
    target_title: str
    link: str
    count: int
    actors: list[str]


@dataclass(frozen=True, slots=True)
class Email:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def prepare(*templates: str) -> None:
    """Load jinja2 and compile these templates now (a function's init: decision 2), so its
    first request renders at once; nothing here reads a secret or calls AWS."""
    for template in templates:
        environment().get_template(template)


def _render(template: str, /, **values: Any) -> str:
    return environment().get_template(template).render(product=PRODUCT, **values)


def one_line(text: str) -> str:
    """Text for a header or a sentence: no line breaks or control characters, no run of
    spaces (titles and names are single lines already; a header must never get a second)."""
    return " ".join(_UNSEEN.sub(" ", text).split())


def who(actors: list[str], count: int) -> str:
    """Who did it, in words: "ada", "ada and bob", "ada and 4 others"."""
    names = [one_line(a) for a in actors if a and one_line(a)] or ["Someone"]
    if names[0] == "a guest":
        names[0] = "A guest"  # it starts the sentence; a username keeps its own spelling
    count = max(count, 1)
    if count == 1:
        return names[0]
    if count == 2 and len(names) >= 2:
        return f"{names[0]} and {names[1]}"
    others = count - 1
    return f"{names[0]} and {others} other{'s' if others != 1 else ''}"


def _verb(event_type: str) -> str:
    if event_type not in _VERBS:
        raise ValueError(f"no words for the event type {event_type!r}")
    return _VERBS[event_type]


def sentence(event_type: str, actors: list[str], count: int, title: str) -> str:
    """The whole of it: "ada and 4 others rated “Summarise a meeting”", "ada followed you"."""
    said = f"{who(actors, count)} {_verb(event_type)}"
    return f"{said} “{one_line(title)}”" if event_type in _ABOUT_A_PROMPT else said


def _absolute(link: str) -> str:
    if not link.startswith(("https://", "http://")):
        raise ValueError(f"an email links to absolute http(s) URLs only, not {link!r}")
    return link


def _line(event_type: str, actors: list[str], count: int, title: str, link: str) -> dict[str, Any]:
    """What a template shows of one happening: who, did what, to what, where."""
    return {
        "who": who(actors, count),
        "verb": _verb(event_type),
        "about_a_prompt": event_type in _ABOUT_A_PROMPT,
        "title": one_line(title),
        "link": _absolute(link),
        "sentence": sentence(event_type, actors, count, title),
    }


def unsubscribe_words(category: str) -> str:
    """What an unsubscribe category stops, in words: "emails about new followers"."""
    if category not in _UNSUBSCRIBE_WORDS:
        raise ValueError(f"not an unsubscribe category: {category!r}")
    return _UNSUBSCRIBE_WORDS[category]


def _email(
    recipient: Recipient, subject: str, template: str, category: str, epoch: int, **values: Any
) -> Email:
    link = unsubscribe_url(recipient.user_id, category, epoch)
    common = {
        "subject": subject,
        "name": one_line(recipient.name),
        "manage_url": f"{get_settings().public_url}{PREFERENCES_PATH}",
        "unsubscribe_url": link,
        "unsubscribe_words": unsubscribe_words(category),
        **values,
    }
    return Email(
        subject=subject,
        text=_render(f"{template}.txt", **common),
        html=_render(f"{template}.html", **common),
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notification_email(
    recipient: Recipient, notice: Notice, unsubscribe_category: str, epoch: int
) -> Email:
    """One happening, at once: "ada and 4 others rated “Summarise a meeting”"."""
    line = _line(notice.type, notice.actors, notice.count, notice.target_title, notice.link)
    action = "See the prompt" if line["about_a_prompt"] else "See the profile"
    return _email(
        recipient,
        one_line(line["sentence"]),
        "notification",
        unsubscribe_category,
        epoch,
        line=line,
        action=action,
    )


def digest_email(
    recipient: Recipient, period: Literal["daily", "weekly"], lines: list[DigestLine], epoch: int
) -> Email:
    """What a day or a week brought, one line per notification group, newest first."""
    if not lines:
        raise ValueError("a digest needs at least one line")
    shown = [_line(d.type, d.actors, d.count, d.target_title, d.link) for d in lines]
    updates = f"{len(shown)} update{'s' if len(shown) != 1 else ''}"
    subject = f"Your {period} {PRODUCT} digest: {updates}"
    when = "today" if period == "daily" else "this week"
    return _email(recipient, subject, "digest", f"digest:{period}", epoch, lines=shown, when=when)


UNSUBSCRIBE_PAGE = "unsubscribe.html"


def unsubscribe_page(category: str, token: str) -> str:
    """The page an unsubscribe link opens (GET): what it stops, and a button that posts the
    one-click form back to the same link. Opening it changes nothing, so a mail scanner that
    follows links unsubscribes nobody."""
    return _render(
        UNSUBSCRIBE_PAGE,
        words=unsubscribe_words(category),
        token=token,
        in_app=category in CATEGORIES,
    )


INVITATION = "invitation"
_ROLE_WORDS = {
    "owner": "an owner",
    "admin": "an admin",
    "editor": "an editor",
    "viewer": "a viewer",
}


def invitation_email(
    inviter: str, workspace: str, role: str, email: str, link: str, expires: str
) -> Email:
    """An invitation to a workspace (decision 74): who invited, to what, as what, the one-time
    link and when it ends. Transactional: no unsubscribe link (no preference stops it; the
    recipient may have no account), no List-Unsubscribe headers."""
    if role not in _ROLE_WORDS:
        raise ValueError(f"not a workspace role: {role!r}")
    inviter, workspace = one_line(inviter) or "Someone", one_line(workspace)
    subject = f"{inviter} invited you to “{workspace}” on {PRODUCT}"
    values = {
        "subject": subject,
        "inviter": inviter,
        "workspace": workspace,
        "role_words": _ROLE_WORDS[role],
        "email": one_line(email),
        "link": _absolute(link),
        "expires": expires,
    }
    return Email(
        subject=subject,
        text=_render(f"{INVITATION}.txt", **values),
        html=_render(f"{INVITATION}.html", **values),
    )
