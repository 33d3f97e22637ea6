"""What each person wants to hear about, and how: per event type, in-app on or off, and email
at once (``instant``), in the daily or the weekly digest, or never (``off``).

Only the choices a person made are stored (email/repository.py); every other type follows
``DEFAULTS``, so a default changed later reaches everyone who never chose. One item per
person also holds the epoch of their unsubscribe links (email/tokens.py): a link names the
epoch it was made in and works while that epoch is current; ``revoke_links`` moves it on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from promptvault.core.errors import Conflict, ValidationFailed
from promptvault.data.models import NotificationPrefsItem
from promptvault.email import repository

# The event types that notify (promptvault/events/catalogue.py); comments, replies and
# mentions (issue 12) email ``instant`` by default.
CATEGORIES: tuple[str, ...] = (
    "prompt.rated",
    "prompt.bookmarked",
    "prompt.forked",
    "user.followed",
    "comment.created",
    "comment.replied",
    "user.mentioned",
)
EmailMode = Literal["instant", "daily", "weekly", "off"]
EMAIL_MODES: tuple[str, ...] = get_args(EmailMode)
Period = Literal["daily", "weekly"]
# What an unsubscribe link may name besides a type: a digest, which stands for every type
# whose email mode is that period.
DIGEST_CATEGORIES: tuple[str, ...] = ("digest:daily", "digest:weekly")
UNSUBSCRIBE_CATEGORIES: tuple[str, ...] = (*CATEGORIES, *DIGEST_CATEGORIES)

_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Preference:
    in_app: bool
    email: EmailMode


# Issue 11: follows and forks by email at once, ratings and bookmarks in the daily digest;
# in-app on for all.
DEFAULTS: dict[str, Preference] = {
    "prompt.rated": Preference(in_app=True, email="daily"),
    "prompt.bookmarked": Preference(in_app=True, email="daily"),
    "prompt.forked": Preference(in_app=True, email="instant"),
    "user.followed": Preference(in_app=True, email="instant"),
    "comment.created": Preference(in_app=True, email="instant"),
    "comment.replied": Preference(in_app=True, email="instant"),
    "user.mentioned": Preference(in_app=True, email="instant"),
}
_SILENT = Preference(in_app=False, email="off")  # a type that does not notify


@dataclass(frozen=True, slots=True)
class Preferences:
    by_type: dict[str, Preference]
    token_epoch: int

    def of(self, event_type: str) -> Preference:
        """The choice for one event type; a type that does not notify is silent."""
        return self.by_type.get(event_type, _SILENT)


@dataclass(frozen=True, slots=True)
class Change:
    """What to change of one type's choice; None keeps it."""

    in_app: bool | None = None
    email: EmailMode | None = None


def _stored_choices(item: NotificationPrefsItem | None) -> dict[str, dict[str, object]]:
    if item is None or item.by_type is None:
        return {}
    raw = item.by_type.as_dict() if hasattr(item.by_type, "as_dict") else dict(item.by_type)
    return {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}


def _merged(choices: Mapping[str, Mapping[str, object]], epoch: int) -> Preferences:
    by_type: dict[str, Preference] = {}
    for category, default in DEFAULTS.items():
        chosen = choices.get(category, {})
        in_app = chosen.get("inApp")
        email = chosen.get("email")
        by_type[category] = Preference(
            in_app=in_app if isinstance(in_app, bool) else default.in_app,
            email=email if email in EMAIL_MODES else default.email,  # type: ignore[arg-type]
        )
    return Preferences(by_type, epoch)


def _preferences_of(item: NotificationPrefsItem | None) -> Preferences:
    return _merged(_stored_choices(item), item.token_epoch if item else 0)


def load(user_id: str) -> Preferences:
    """One GetItem; the defaults when the person never chose anything."""
    return _preferences_of(repository.get(user_id))


def _checked(changes: Mapping[str, Change]) -> None:
    problems = []
    for category, change in changes.items():
        if category not in CATEGORIES:
            problems.append({"field": f"preferences.{category}", "message": "unknown type"})
        elif change.email is not None and change.email not in EMAIL_MODES:
            field = f"preferences.{category}.email"
            problems.append({"field": field, "message": f"must be one of {list(EMAIL_MODES)}"})
    if problems:
        raise ValidationFailed("The request is not valid", problems)


def update(user_id: str, changes: Mapping[str, Change]) -> Preferences:
    """Apply the changes on top of what is stored (read, then one conditional PutItem; a
    write that loses a race reads again); the preferences as now stored. Unknown types or
    modes are 422 and write nothing."""
    _checked(changes)
    for _ in range(_ATTEMPTS):
        item = repository.get(user_id)
        choices = _stored_choices(item)
        for category, change in changes.items():
            chosen = dict(choices.get(category, {}))
            if change.in_app is not None:
                chosen["inApp"] = change.in_app
            if change.email is not None:
                chosen["email"] = change.email
            choices[category] = chosen
        if item is not None and choices == _stored_choices(item):
            return _preferences_of(item)  # already so: nothing to write
        epoch, revision = (item.token_epoch, item.revision) if item else (0, 0)
        try:
            repository.save(repository.new_item(user_id, choices, epoch, revision + 1), revision)
        except repository.Changed:
            continue
        return _merged(choices, epoch)
    raise Conflict("The preferences changed while this change was written; try again")


def types_of(category: str, preferences: Preferences) -> list[str]:
    """The types an unsubscribe category stands for: the type itself, or for a digest every
    type whose email mode is that period now."""
    if category in CATEGORIES:
        return [category]
    if category in DIGEST_CATEGORIES:
        period = category.split(":", 1)[1]
        return [t for t in CATEGORIES if preferences.of(t).email == period]
    raise ValueError(f"not an unsubscribe category: {category!r}")


def unsubscribe(user_id: str, category: str, epoch: int) -> bool:
    """Turn email off for a category (a type, or a digest: every type whose email mode is
    that period), in one conditional write that also requires the stored token epoch to be
    ``epoch`` and the account to exist. False when the epoch is no longer current or the
    account is gone (the link is revoked); True when email is off, also when it already was
    (nothing is written then: a mail provider may post the same link again)."""
    if category not in UNSUBSCRIBE_CATEGORIES:
        raise ValueError(f"not an unsubscribe category: {category!r}")
    for _ in range(_ATTEMPTS):
        item = repository.get(user_id)
        current = _preferences_of(item)
        if current.token_epoch != epoch:
            return False
        switched = [t for t in types_of(category, current) if current.of(t).email != "off"]
        if not switched:
            return True
        choices = _stored_choices(item)
        for category_type in switched:
            choices[category_type] = {**choices.get(category_type, {}), "email": "off"}
        revision = item.revision if item else 0
        try:
            repository.save_while_account_exists(
                repository.new_item(user_id, choices, epoch, revision + 1), revision
            )
        except repository.AccountGone:
            return False
        except repository.Changed:
            continue
        return True
    raise Conflict("The preferences changed while this link was used; try again")


def revoke_links(user_id: str) -> int:
    """Move the epoch on, so every unsubscribe link made before stops working (call it when
    the account's email address changes: the old mailbox may be someone else's now). The new
    epoch; the choices stay."""
    for _ in range(_ATTEMPTS):
        item = repository.get(user_id)
        epoch, revision = (item.token_epoch, item.revision) if item else (0, 0)
        moved = repository.new_item(user_id, _stored_choices(item), epoch + 1, revision + 1)
        try:
            repository.save(moved, revision)
        except repository.Changed:
            continue
        return epoch + 1
    raise Conflict("The preferences changed while the links were revoked; try again")


def forget(user_id: str) -> int:
    """Account deletion: the item goes (one DeleteItem); how many items went (0 or 1)."""
    return repository.delete(user_id)
