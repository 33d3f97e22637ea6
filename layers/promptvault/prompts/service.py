"""Prompt rules: visibility, ownership, immutable versions, optimistic concurrency.

Routes call these functions; these call the repository. Nothing here knows HTTP
beyond raising domain errors.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slugify import slugify

from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.errors import (
    BadRequest,
    Conflict,
    Gone,
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
    Message,
    Moderation,
    PromptItem,
    PromptStatsItem,
    Variable,
    VersionItem,
    prompt_pk,
    version_sk,
)
from promptvault.prompts import repository as repo
from promptvault.prompts.schemas import (
    MessageIn,
    PromptCreate,
    PromptUpdate,
    VariableIn,
    chat_content,
    variables_problem,
)
from promptvault.prompts.templates import VariableSpec

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
    "prompt_type",
    "messages",
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


def is_visible(head: PromptItem, caller: Caller | None, *, by_slug: bool = False) -> bool:
    """Public and unlisted are readable by link, the id (122 random bits: unguessable);
    private and drafts only by their owner. A slug is guessable (it is the title), so by slug
    others reach public prompts only: an unlisted prompt is whoever has its link (issue 16,
    finding 1)."""
    if caller is not None and caller.user_id == head.owner_id:
        return True
    if is_hidden(head):  # pending review or hidden by a moderator: moderators alone
        return caller is not None and caller.is_moderator
    return _open_to_others(head.visibility, head.status, by_slug)


def is_hidden(head: PromptItem) -> bool:
    """Hidden from everyone but its owner and moderators: reported by enough people (pending
    review) or hidden by a moderator (issue 12, decision 70)."""
    return head.moderation is not None and head.moderation.action == "hide"


def _open_to_others(visibility: str | None, status: str | None, by_slug: bool) -> bool:
    if status == "draft":
        return False
    return visibility == "public" or (visibility == "unlisted" and not by_slug)


def is_listed(head: PromptItem) -> bool:
    """Public and published (and not hidden): in the feed and search, so its id is anyone's
    to know."""
    return head.visibility == "public" and head.status == "published" and not is_hidden(head)


def _index_keys(head: PromptItem) -> None:
    head.gsi1pk = f"OWNER#{head.owner_id}"
    head.gsi1sk = f"{head.created_at}#{head.prompt_id}"
    listed = is_listed(head)
    head.gsi2pk = repo.FEED_KEY if listed else None
    head.gsi2sk = f"{head.created_at}#{head.prompt_id}" if listed else None


def _variables(items: list[VariableIn]) -> list[Variable]:
    return [_variable(v) for v in items]


def _variable(v: VariableIn) -> Variable:
    text_default = v.type in ("string", "enum")
    return Variable(
        name=v.name,
        description=v.description,
        kind=v.type,
        required=v.required,
        default=v.default if text_default else None,
        default_json=json.dumps(v.default) if v.default is not None and not text_default else None,
        max_length=v.max_length,
        values=v.enum,
    )


def variable_spec(variable: Variable) -> VariableSpec:
    """A stored variable as the renderer checks values against it (absent type: string)."""
    kind = variable.kind or "string"
    default: Any = variable.default
    if variable.default_json is not None:
        default = json.loads(variable.default_json)
    return VariableSpec(
        variable.name,
        kind,  # type: ignore[arg-type]
        variable.required is not False,
        default is not None,
        default,
        variable.max_length,
        tuple(str(value) for value in variable.values or ()),
    )


def _messages(items: list[MessageIn]) -> list[Message]:
    return [Message(role=m.role, content=m.content) for m in items]


def prompt_type(item: PromptItem | VersionItem) -> str:
    return item.prompt_type or "text"


def template_texts_of(item: PromptItem | VersionItem) -> list[str]:
    """The texts a prompt or version substitutes variables in."""
    if prompt_type(item) == "chat":
        return [m.content for m in item.messages or []]
    return [item.content]


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
    return insert_new_prompt(caller.user_id, create_content(data), data.visibility, data.status)


def create_content(data: PromptCreate) -> dict[str, Any]:
    """A create body's content as stored, by field (an import stores each version so)."""
    content: dict[str, Any] = {name: getattr(data, name) for name in CONTENT_FIELDS}
    content["variables"] = _variables(data.variables)
    content["tags"] = set(data.tags) or None
    content["content"] = data.template()
    content["messages"] = _messages(data.messages) if data.messages is not None else None
    return content


def new_slug(title: str) -> str:
    """A new prompt's slug: its title's, with a random suffix (insert_new_prompt)."""
    return _suffixed(slugify(title, max_length=80) or "prompt")


def index_keys(head: PromptItem) -> None:
    """The owner-index and feed keys a new head is written with."""
    _index_keys(head)


def snapshot_of(head: PromptItem, number: int, author: str, message: str | None) -> VersionItem:
    """Version ``number`` as a copy of the head's content."""
    return _snapshot(head, number, author, message)


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
    """A new prompt at version 1. Its slug is its title's with a random suffix, always, so
    which slug one gets never depends on others' prompts, private ones included (issue 16,
    finding 3); a slug in use or ever used (a tombstone) is drawn again. ``linked`` names
    items written in the same transaction (a fork's link on its original)."""
    now = now_iso()
    prompt_id = new_prompt_id()
    base_slug = slugify(content["title"], max_length=80) or "prompt"
    head = PromptItem(
        prompt_pk(prompt_id),
        META,
        prompt_id=prompt_id,
        owner_id=owner_id,
        slug=_suffixed(base_slug),
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
            head.slug = _suffixed(base_slug)
    raise Conflict("Could not reserve a unique slug; try again")


def _suffixed(base_slug: str) -> str:
    return f"{base_slug}-{short_suffix()}"  # 6 hex digits


def heads_by_id(prompt_ids: list[str]) -> dict[str, PromptItem]:
    """The heads of these prompts that still exist, by id (one BatchGetItem per 100)."""
    return repo.get_heads(prompt_ids)


def is_prompt_id(value: str) -> bool:
    return bool(_ID.match(value))


@dataclass(frozen=True, slots=True)
class PromptRef:
    """A prompt as a request named it: by its id (its link) or by its slug."""

    prompt_id: str
    by_slug: bool = False

    def admits(self, head: PromptItem, caller: Caller | None) -> bool:
        """Whether the caller may see ``head`` (read by this id) when named this way."""
        return is_visible(head, caller, by_slug=self.by_slug)


def resolve_id(id_or_slug: str, caller: Caller | None) -> PromptRef | None:
    """The one place that turns what a route's ``{id}`` names into a prompt id, for this
    caller. An id as it is (no read). A slug through its guard (one GetItem), which alone
    answers when the slug was never given or is hidden from the caller (None for both: the
    same read and the same 404, no oracle) and when it was deleted (410 Gone). None for a
    string that is neither. Callers still check the head with ``PromptRef.admits``."""
    if _ID.match(id_or_slug):
        return PromptRef(id_or_slug)
    if len(id_or_slug) > 120 or not _SLUG.match(id_or_slug):
        return None
    guard = repo.slug_guard(id_or_slug)
    if guard is not None and guard.deleted_at is not None:
        raise Gone("That prompt was deleted; its link no longer works")
    if guard is None or guard.prompt_id is None:
        return None
    if guard.visibility is None:  # a guard written before it carried the copy: the head says
        head = repo.get_head(guard.prompt_id)
        hidden = head is None or not is_visible(head, caller, by_slug=True)
    else:
        mine = caller is not None and caller.user_id == guard.owner_id
        hidden = not (mine or _open_to_others(guard.visibility, guard.status, by_slug=True))
    return None if hidden else PromptRef(guard.prompt_id, by_slug=True)


def find_prompt(id_or_slug: str, caller: Caller | None) -> PromptItem:
    """The prompt by id or slug if the caller may see it; 404 otherwise (never 403), the
    same for a prompt hidden from the caller as for none; 410 for a deleted slug."""
    ref = resolve_id(id_or_slug, caller)
    head = repo.get_head(ref.prompt_id) if ref else None
    if ref is None or head is None or not ref.admits(head, caller):
        raise NotFound(_NOT_FOUND)
    return head


def find_prompt_with_stats(
    id_or_slug: str, caller: Caller | None
) -> tuple[PromptItem, PromptStatsItem | None]:
    """``find_prompt`` plus the counters, still one read for an id (BatchGetItem)."""
    ref = resolve_id(id_or_slug, caller)
    head, stats = repo.get_head_with_stats(ref.prompt_id) if ref else (None, None)
    if ref is None or head is None or not ref.admits(head, caller):
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
    sent = patch.model_fields_set - {"change_message", "publish_history"}
    chat = prompt_type(head) == "chat"
    if chat and "content" in sent:
        raise field_error("content", "a chat prompt's content is its messages: send messages")
    if not chat and "messages" in sent:
        raise field_error("messages", "only a chat prompt has messages")
    for name in sent:
        value: Any = getattr(patch, name)
        if name == "variables":
            value = _variables(value or [])
        elif name == "tags":
            value = set(value or []) or None
        elif name == "messages":
            value = _messages(value)
            head.content = chat_content(value)
        if name in CONTENT_FIELDS and _comparable(getattr(head, name)) != _comparable(value):
            changed_content = True
        setattr(head, name, value)
    return changed_content


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [v.as_dict() if hasattr(v, "as_dict") else v for v in value]
    return value


def _check_variables(head: PromptItem) -> None:
    problem = variables_problem(list(head.variables), template_texts_of(head))
    if problem:
        raise field_error("variables", problem)


def update_prompt(
    caller: Caller, prompt_id: str, if_match: str | None, patch: PromptUpdate
) -> tuple[PromptItem, PromptStatsItem | None]:
    """The edited head and its counters (as read before the edit, which does not touch them)."""
    head, stats = owned_prompt_with_stats(prompt_id, caller)
    expected = check_if_match(head, if_match)
    _moderation_stands(head, patch)
    hidden_before = not is_visible(head, None)
    content_changed = _apply_patch(head, patch)
    if content_changed:
        _check_variables(head)
    if hidden_before and is_visible(head, None):
        _decide_history(head, patch.publish_history)
    head.revision = expected + 1
    head.updated_at = now_iso()
    _index_keys(head)
    version = None
    if content_changed:
        head.version = head.version + 1
        version = _snapshot(head, head.version, caller.user_id, patch.change_message)
    _save(head, expected, version)
    return head, stats


def first_public_version(head: PromptItem) -> int:
    return head.history_from or 1


def readable_versions_from(head: PromptItem, caller: Caller | None) -> int:
    """The oldest version the caller may read: the owner all, others from the published one."""
    if caller is not None and caller.user_id == head.owner_id:
        return 1
    return first_public_version(head)


def _decide_history(head: PromptItem, publish_history: bool | None) -> None:
    """A prompt others could not see becomes visible: its earlier versions need a decision."""
    earlier = head.version - first_public_version(head)
    if earlier <= 0:
        return
    if publish_history is None:
        versions = f"{earlier} earlier version{'s' if earlier > 1 else ''}"
        raise Conflict(
            f"This makes {versions} visible to others; send publishHistory: true to publish "
            "them, false to publish only the current one",
            [{"field": "publishHistory", "message": f"required: {versions}"}],
        )
    head.history_from = 1 if publish_history else head.version


def _moderation_stands(head: PromptItem, patch: PromptUpdate) -> None:
    """A moderator's archive is undone by a moderator only; the owner's other edits go on."""
    wanted = patch.status if "status" in patch.model_fields_set else head.status
    if head.moderation is not None and wanted != head.status:
        reason = head.moderation.reason
        raise Conflict(
            f"A moderator archived this prompt ({reason}); only a moderator can restore it",
            [{"field": "status", "message": "set by a moderator"}],
        )


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
        repo.delete_prompt(head, now_iso())  # the slug stays, as a tombstone (finding 7)
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


def archive_as_moderator(prompt_id: str, reason: str) -> PromptItem:
    """Any prompt, archived (it leaves the feed, stays readable by link: decision 7). Drafts
    and private prompts are not exposed: moderators find prompts through public links."""
    head = _moderated(prompt_id)
    now = now_iso()
    head.moderation = Moderation(action="archive", reason=reason, at=now)
    return _set_status(head, "archived", now)


def restore_as_moderator(prompt_id: str) -> PromptItem:
    """Undo a moderator's archive or a hide: published again (an archived prompt), shown to
    others again (a hidden one), and the owner's status is theirs again."""
    head = _moderated(prompt_id)
    if head.moderation is None:
        raise Conflict(
            "No moderator archived or hid this prompt", [{"field": "id", "message": "not"}]
        )
    head.moderation = None
    return _set_status(head, "published" if head.status == "archived" else head.status, now_iso())


def hide_as_moderator(prompt_id: str, reason: str, *, pending: bool = False) -> PromptItem:
    """Hidden from everyone but its owner and moderators (it leaves the feed, search and
    every listing), status unchanged; a moderator's ``restore`` shows it again. ``pending``:
    hidden by reports, awaiting review. Hiding what is hidden writes nothing, except that a
    moderator's hide makes a pending one stand."""
    head = _moderated(prompt_id)
    standing = head.moderation is not None and not head.moderation.pending
    if is_hidden(head) and (pending or standing):
        return head
    head.moderation = Moderation(
        action="hide", reason=reason, at=now_iso(), pending=True if pending else None
    )
    return _set_status(head, head.status, head.moderation.at)


def unhide_pending(prompt_id: str) -> PromptItem | None:
    """A dismissal: a prompt hidden by reports, pending review, is shown again; anything a
    moderator decided stands. None when the prompt is gone."""
    head = repo.get_head(prompt_id) if _ID.match(prompt_id) else None
    if head is None or head.moderation is None or not head.moderation.pending:
        return head
    head.moderation = None
    return _set_status(head, head.status, now_iso())


def delete_as_moderator(prompt_id: str) -> PromptItem:
    """Removed by a moderator: deleted as its owner would delete it (the moderation record
    stays, an audit trail)."""
    head = _moderated(prompt_id)
    try:
        repo.delete_prompt(head, now_iso())
    except repo.RevisionMismatch as exc:
        raise Conflict("The prompt changed while it was being removed; try again") from exc
    return head


def _moderated(prompt_id: str) -> PromptItem:
    """A prompt moderators act on: one others could see (public or unlisted, not a draft),
    or one already hidden or archived by moderation."""
    head = repo.get_head(prompt_id) if _ID.match(prompt_id) else None
    if head is None:
        raise NotFound(_NOT_FOUND)
    if head.moderation is None and not _open_to_others(head.visibility, head.status, False):
        raise NotFound(_NOT_FOUND)
    return head


def _set_status(head: PromptItem, status: str, now: str) -> PromptItem:
    expected = head.revision
    head.status = status
    head.revision = expected + 1
    head.updated_at = now
    _index_keys(head)
    _save(head, expected, None)
    return head


def version_number(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise NotFound("No such version")
    return int(raw)


def get_version(caller: Caller | None, id_or_slug: str, number: int) -> VersionItem:
    head = find_prompt(id_or_slug, caller)
    readable = readable_versions_from(head, caller) <= number <= head.version
    version = repo.get_version(head.prompt_id, number) if readable else None
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
    readable = readable_versions_from(head, caller) <= min(a, b) and max(a, b) <= head.version
    found = repo.get_versions(head.prompt_id, (a, b)) if readable else {}
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
