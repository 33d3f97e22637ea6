"""Prompt rules: visibility, ownership, immutable versions, optimistic concurrency.

Routes call these functions; these call the repository. Nothing here knows HTTP
beyond raising domain errors.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any

from slugify import slugify

from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
    field_error,
)
from promptvault.core.ids import new_id, short_suffix
from promptvault.data.models import (
    META,
    ForkedFrom,
    Item,
    PromptItem,
    PromptStatsItem,
    Variable,
    VersionItem,
    prompt_pk,
    version_sk,
)
from promptvault.prompts import repository as repo
from promptvault.prompts.schemas import (
    PromptCreate,
    PromptUpdate,
    VariableIn,
    variables_problem,
)

CONTENT_FIELDS = (
    "title",
    "description",
    "content",
    "instructions",
    "example_output",
    "variables",
    "category",
    "model",
    "tags",
)
_ID = re.compile(r"^p_[0-9a-f]{32}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SLUG_ATTEMPTS = 4
# one strong entity tag: no list (a blind overwrite by guessing), no weak W/ tag
_STRONG_TAG = re.compile(r'^"[\x21\x23-\x7e]{1,64}"$')
_NOT_FOUND = "No prompt with that id"


def new_prompt_id() -> str:
    return new_id("p")


def etag(head: PromptItem) -> str:
    return f'"r{head.revision}"'


def is_visible(head: PromptItem, caller: Caller | None) -> bool:
    """Public and unlisted are readable by link; private and drafts only by their owner."""
    if caller is not None and caller.user_id == head.owner_id:
        return True
    return head.visibility in {"public", "unlisted"} and head.status != "draft"


def _index_keys(head: PromptItem) -> None:
    head.gsi1pk = f"OWNER#{head.owner_id}"
    head.gsi1sk = f"{head.created_at}#{head.prompt_id}"
    listed = head.visibility == "public" and head.status == "published"
    head.gsi2pk = repo.FEED_KEY if listed else None
    head.gsi2sk = f"{head.created_at}#{head.prompt_id}" if listed else None


def _variables(items: list[VariableIn]) -> list[Variable]:
    return [Variable(name=v.name, description=v.description, default=v.default) for v in items]


def _snapshot(head: PromptItem, number: int, author: str, message: str | None) -> VersionItem:
    version = VersionItem(
        prompt_pk(head.prompt_id),
        version_sk(number),
        prompt_id=head.prompt_id,
        number=number,
        author_id=author,
        change_message=message,
        created_at=head.updated_at,
    )
    for name in CONTENT_FIELDS:
        setattr(version, name, getattr(head, name))
    return version


def create_prompt(caller: Caller, data: PromptCreate) -> PromptItem:
    content: dict[str, Any] = {name: getattr(data, name) for name in CONTENT_FIELDS}
    content["variables"] = _variables(data.variables)
    content["tags"] = set(data.tags) or None
    return insert_new_prompt(caller.user_id, content, data.visibility, data.status)


def content_of(head: PromptItem) -> dict[str, Any]:
    """A prompt's current content, by field: what a new prompt can start from (a fork)."""
    return {name: getattr(head, name) for name in CONTENT_FIELDS}


def insert_new_prompt(
    owner_id: str,
    content: dict[str, Any],
    visibility: str,
    status: str,
    *,
    forked_from: ForkedFrom | None = None,
    change_message: str | None = None,
    linked: Callable[[PromptItem], Iterable[Item]] = lambda head: (),
) -> PromptItem:
    """A new prompt at version 1 with a unique slug from its title. ``linked`` names items
    written in the same transaction (a fork's link on its original)."""
    now = now_iso()
    prompt_id = new_prompt_id()
    base_slug = slugify(content["title"], max_length=80) or "prompt"
    head = PromptItem(
        prompt_pk(prompt_id),
        META,
        prompt_id=prompt_id,
        owner_id=owner_id,
        slug=base_slug,
        visibility=visibility,
        status=status,
        version=1,
        revision=1,
        created_at=now,
        updated_at=now,
        forked_from=forked_from,
        **content,
    )
    _index_keys(head)
    first = _snapshot(head, 1, owner_id, change_message)
    for _ in range(_SLUG_ATTEMPTS):
        try:
            repo.insert_prompt(head, first, tuple(linked(head)))
            return head
        except repo.SlugTaken:
            head.slug = f"{base_slug}-{short_suffix()}"
    raise Conflict("Could not reserve a unique slug; try again")


def is_prompt_id(value: str) -> bool:
    return bool(_ID.match(value))


def resolve_id(id_or_slug: str) -> str | None:
    """An id as it is; a slug through its guard (one GetItem); None for neither."""
    if _ID.match(id_or_slug):
        return id_or_slug
    if len(id_or_slug) <= 120 and _SLUG.match(id_or_slug):
        return repo.resolve_slug(id_or_slug)
    return None


def find_prompt(id_or_slug: str, caller: Caller | None) -> PromptItem:
    """The prompt by id or slug if the caller may see it; 404 otherwise (never 403)."""
    prompt_id = resolve_id(id_or_slug)
    head = repo.get_head(prompt_id) if prompt_id else None
    if head is None or not is_visible(head, caller):
        raise NotFound(_NOT_FOUND)
    return head


def find_prompt_with_stats(
    id_or_slug: str, caller: Caller | None
) -> tuple[PromptItem, PromptStatsItem | None]:
    """``find_prompt`` plus the counters, still one read for an id (BatchGetItem)."""
    prompt_id = resolve_id(id_or_slug)
    head, stats = repo.get_head_with_stats(prompt_id) if prompt_id else (None, None)
    if head is None or not is_visible(head, caller):
        raise NotFound(_NOT_FOUND)
    return head, stats


def owned_prompt(prompt_id: str, caller: Caller) -> PromptItem:
    """The caller's own prompt by id; others' prompts are 404 so existence never leaks."""
    head = repo.get_head(prompt_id) if _ID.match(prompt_id) else None
    if head is None or head.owner_id != caller.user_id:
        raise NotFound(_NOT_FOUND)
    return head


def owned_prompt_with_stats(
    prompt_id: str, caller: Caller
) -> tuple[PromptItem, PromptStatsItem | None]:
    """``owned_prompt`` plus its counters in the same single read (BatchGetItem): what an
    edit answers with (an edit never changes the counters)."""
    head, stats = repo.get_head_with_stats(prompt_id) if _ID.match(prompt_id) else (None, None)
    if head is None or head.owner_id != caller.user_id:
        raise NotFound(_NOT_FOUND)
    return head, stats


def check_if_match(head: PromptItem, if_match: str | None) -> int:
    """The revision the client edits; 428 without If-Match, 412 when it is stale."""
    if if_match is None or not if_match.strip() or if_match.strip() == "*":
        raise PreconditionRequired(
            "Send If-Match with the prompt's current ETag",
            [{"field": "If-Match", "message": "required"}],
        )
    tag = if_match.strip()
    if not _STRONG_TAG.match(tag):
        raise BadRequest(
            "If-Match takes exactly one strong ETag, as read from the prompt",
            [{"field": "If-Match", "message": 'must be one quoted tag such as "r3"'}],
        )
    if tag != etag(head):
        raise PreconditionFailed("The prompt has changed since you read it", _current(head))
    return head.revision


def _current(head: PromptItem | None) -> list[dict[str, Any]]:
    """The 412 details: what the client must re-read to edit again."""
    if head is None:
        return []
    return [
        {
            "field": "If-Match",
            "message": f"current ETag is {etag(head)}",
            "currentVersion": head.version,
            "currentETag": etag(head),
        }
    ]


def _apply_patch(head: PromptItem, patch: PromptUpdate) -> bool:
    """Copies the sent fields onto the head; True when a content-bearing field changed."""
    changed_content = False
    for name in patch.model_fields_set - {"change_message"}:
        value: Any = getattr(patch, name)
        if name == "variables":
            value = _variables(value or [])
        elif name == "tags":
            value = set(value or []) or None
        if name in CONTENT_FIELDS and _comparable(getattr(head, name)) != _comparable(value):
            changed_content = True
        setattr(head, name, value)
    return changed_content


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [v.as_dict() if hasattr(v, "as_dict") else v for v in value]
    return value


def _check_variables(head: PromptItem) -> None:
    variables = [
        VariableIn(name=v.name, description=v.description, default=v.default)
        for v in head.variables
    ]
    problem = variables_problem(variables, head.content)
    if problem:
        raise field_error("variables", problem)


def update_prompt(
    caller: Caller, prompt_id: str, if_match: str | None, patch: PromptUpdate
) -> tuple[PromptItem, PromptStatsItem | None]:
    """The edited head and its counters (as read before the edit, which does not touch them)."""
    head, stats = owned_prompt_with_stats(prompt_id, caller)
    expected = check_if_match(head, if_match)
    content_changed = _apply_patch(head, patch)
    if content_changed:
        _check_variables(head)
    head.revision = expected + 1
    head.updated_at = now_iso()
    _index_keys(head)
    version = None
    if content_changed:
        head.version = head.version + 1
        version = _snapshot(head, head.version, caller.user_id, patch.change_message)
    _save(head, expected, version)
    return head, stats


def _save(head: PromptItem, expected: int, version: VersionItem | None) -> None:
    try:
        repo.save_edit(head, expected, version)
    except repo.RevisionMismatch as exc:
        current = repo.get_head(head.prompt_id)
        raise PreconditionFailed(
            "The prompt was changed by another request", _current(current)
        ) from exc


def delete_prompt(caller: Caller, prompt_id: str) -> None:
    head = owned_prompt(prompt_id, caller)
    try:
        repo.delete_prompt(head)
    except repo.RevisionMismatch as exc:
        raise Conflict("The prompt changed while it was being deleted; try again") from exc


def delete_prompts_of(owner_id: str) -> int:
    """Every prompt the user owns, each as its owner would delete it (account deletion)."""
    owner = Caller(user_id=owner_id)
    count = 0
    start: dict[str, Any] | None = None
    while True:
        heads, start = repo.query_owner_prompts(owner_id, 100, start, None)
        for head in heads:
            delete_prompt(owner, head.prompt_id)
            count += 1
        if not start:
            return count


def archive_as_moderator(prompt_id: str) -> PromptItem:
    """Any prompt, archived (it leaves the feed, stays readable by link: decision 7). Drafts
    and private prompts are not exposed: moderators find prompts through public links."""
    head = repo.get_head(prompt_id) if _ID.match(prompt_id) else None
    if head is None or not is_visible(head, None):
        raise NotFound(_NOT_FOUND)
    expected = head.revision
    head.status = "archived"
    head.revision = expected + 1
    head.updated_at = now_iso()
    _index_keys(head)
    _save(head, expected, None)
    return head


def version_number(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise NotFound("No such version")
    return int(raw)


def get_version(caller: Caller | None, id_or_slug: str, number: int) -> VersionItem:
    head = find_prompt(id_or_slug, caller)
    version = repo.get_version(head.prompt_id, number) if number <= head.version else None
    if version is None:
        raise NotFound("No such version")
    return version


def restore_version(
    caller: Caller, prompt_id: str, number: int, if_match: str | None, message: str | None
) -> tuple[PromptItem, PromptStatsItem | None]:
    """The restored head and its counters (read with it, in one BatchGetItem)."""
    head, stats = owned_prompt_with_stats(prompt_id, caller)
    expected = check_if_match(head, if_match) if if_match is not None else head.revision
    source = repo.get_version(prompt_id, number) if number <= head.version else None
    if source is None:
        raise NotFound("No such version")
    for name in CONTENT_FIELDS:
        setattr(head, name, getattr(source, name))
    head.version += 1
    head.revision = expected + 1
    head.updated_at = now_iso()
    _index_keys(head)
    version = _snapshot(head, head.version, caller.user_id, message or f"Restored version {number}")
    version.restored_from = number
    _save(head, expected, version)
    return head, stats


def _field_text(value: Any) -> Any:
    if isinstance(value, set):
        return sorted(value)
    return _comparable(value)


def diff_versions(caller: Caller | None, id_or_slug: str, a: int, b: int) -> dict[str, Any]:
    head = find_prompt(id_or_slug, caller)
    found = repo.get_versions(head.prompt_id, (a, b)) if max(a, b) <= head.version else {}
    if a not in found or b not in found:
        raise NotFound("No such version")
    before, after = found[a], found[b]
    content_diff = "\n".join(
        difflib.unified_diff(
            before.content.splitlines(),
            after.content.splitlines(),
            fromfile=f"v{a}",
            tofile=f"v{b}",
            lineterm="",
        )
    )
    changes = [
        {
            "field": name,
            "before": _field_text(getattr(before, name)),
            "after": _field_text(getattr(after, name)),
        }
        for name in CONTENT_FIELDS
        if name != "content"
        and _field_text(getattr(before, name)) != _field_text(getattr(after, name))
    ]
    return {
        "prompt_id": head.prompt_id,
        "from_version": a,
        "to_version": b,
        "content_diff": content_diff,
        "changes": changes,
    }


def bad_range(a: int, b: int) -> None:
    if a == b:
        raise ValidationFailed(
            "from and to must differ", [{"field": "from", "message": "equals to"}]
        )
