"""Labels: names that point at versions (``production``, ``staging``, ...), fetching a version
by label or number with an entity tag, and rendering it with checked variables.

``latest`` is not stored: it is the head's ``version``, so it follows every new version and
cannot be moved or removed by hand. Every other label lives in the prompt's labels item
(PK=PROMPT#<pid>, SK=LABELS), moved by a write conditioned on the item's revision together
with an append-only history entry (decision 44).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
    field_error,
)
from promptvault.data.models import (
    LABELS,
    LabelEntry,
    LabelMoveItem,
    LabelsItem,
    PromptItem,
    VersionItem,
    label_move_sk,
    prompt_pk,
)
from promptvault.prompts import repository as repo
from promptvault.prompts import service
from promptvault.prompts.schemas import LABEL_PATTERN, RenderRequest
from promptvault.prompts.templates import (
    MAX_OUTPUT_CHARS,
    placeholders_of,
    rendered_length,
    resolve,
    substitute,
)

LATEST = "latest"
PRODUCTION = "production"  # what a client asks for when it names no label or version
MAX_LABELS = 20  # per prompt, latest not counted
_LABEL = re.compile(LABEL_PATTERN)
_STRONG_TAG = re.compile(r'"[\x21\x23-\x7e]{1,64}"')
_ATTEMPTS = 3  # a move without If-Match retries when another move got in first
_NOT_FOUND = "No prompt with that id"
# Fetched by label or number: a client may keep it for a short while and use it a while
# longer while it revalidates (the SDK's cache and fallback, issue 13).
CACHE_CONTROL = "private, max-age=30, stale-while-revalidate=300"


class LabelNotSet(NotFound):
    """The prompt exists and is visible, but no version carries that label."""

    code = "LABEL_NOT_SET"


def label_name(raw: str) -> str:
    """A label from a path or body: refused (422) unless it matches the documented pattern."""
    if len(raw) > 36 or not _LABEL.match(raw):
        raise field_error(
            "label", "must be 1-36 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
        )
    return raw


def _settable(raw: str) -> str:
    name = label_name(raw)
    if name == LATEST:
        raise field_error("label", "latest follows the newest version; it cannot be set by hand")
    return name


def labels_etag(labels: LabelsItem | None) -> str:
    """The tag of a prompt's labels as a whole: what If-Match on a move or removal names."""
    return f'"L{labels.revision if labels else 0}"'


# --- reading --------------------------------------------------------------------------------


def _find(id_or_slug: str, caller: Caller | None) -> tuple[PromptItem, LabelsItem | None]:
    """``service.find_prompt`` with the labels item read in the same BatchGetItem."""
    ref = service.resolve_id(id_or_slug, caller)
    head, labels = repo.get_head_with_labels(ref.prompt_id) if ref else (None, None)
    if ref is None or head is None or not ref.admits(head, caller):
        raise NotFound(_NOT_FOUND)
    return head, labels


def _owned(prompt_id: str, caller: Caller) -> tuple[PromptItem, LabelsItem | None]:
    """The caller's own prompt, by id, with its labels; others' are 404 (existence never
    leaks). Owners move labels; editors come with workspaces."""
    found = repo.get_head_with_labels(prompt_id) if service.is_prompt_id(prompt_id) else None
    head, labels = found or (None, None)
    if head is None or head.owner_id != caller.user_id:
        raise NotFound(_NOT_FOUND)
    return head, labels


def _entries(labels: LabelsItem | None) -> list[LabelEntry]:
    return list(labels.entries) if labels is not None else []


@dataclass(frozen=True, slots=True)
class LabelView:
    name: str
    version: int
    moved_by: str | None
    moved_at: str | None


def _views(head: PromptItem, labels: LabelsItem | None) -> list[LabelView]:
    latest = LabelView(LATEST, head.version, None, None)
    stored = [LabelView(e.name, e.version, e.moved_by, e.moved_at) for e in _entries(labels)]
    return [latest, *sorted(stored, key=lambda view: view.name)]


def list_labels(caller: Caller | None, id_or_slug: str) -> tuple[list[LabelView], str]:
    """Every label of a prompt the caller may see (latest first), and the labels' tag."""
    head, labels = _find(id_or_slug, caller)
    return _views(head, labels), labels_etag(labels)


def label_history(
    caller: Caller | None, id_or_slug: str, raw_label: str, cursor: str | None, limit: int
) -> tuple[list[LabelMoveItem], dict[str, Any]]:
    """A label's moves, newest first (removals included)."""
    name = label_name(raw_label)
    if name == LATEST:
        raise field_error(
            "label", "latest follows the newest version: its history is the versions list"
        )
    head = service.find_prompt(id_or_slug, caller)
    scope = f"labels:{head.prompt_id}:{name}"
    moves, last = repo.query_label_history(
        head.prompt_id, name, limit, decode_cursor(cursor, scope)
    )
    return moves, page_meta(last, scope)


# --- moving ---------------------------------------------------------------------------------


def move_label(
    caller: Caller, prompt_id: str, raw_label: str, version: int, if_match: str | None
) -> tuple[LabelView, str]:
    """Point the label at ``version`` (an existing version of the caller's prompt): the
    label as it now is, and the labels' new tag. Moving it where it already points writes
    nothing (PUT is idempotent)."""
    name = _settable(raw_label)

    def change(head: PromptItem, entries: list[LabelEntry]) -> LabelEntry | None:
        if version > head.version:
            raise ValidationFailed(
                "No such version",
                [{"field": "version", "message": f"the newest version is {head.version}"}],
            )
        current = next((e for e in entries if e.name == name), None)
        if current is not None and current.version == version:
            return current
        if current is None and len(entries) >= MAX_LABELS:
            raise Conflict(
                f"A prompt has at most {MAX_LABELS} labels besides latest; remove one first",
                [{"field": "label", "message": f"at most {MAX_LABELS}"}],
            )
        return LabelEntry(name=name, version=version)

    labels = _write(caller, prompt_id, name, if_match, change)
    entry = next(e for e in _entries(labels) if e.name == name)
    return LabelView(name, entry.version, entry.moved_by, entry.moved_at), labels_etag(labels)


def remove_label(caller: Caller, prompt_id: str, raw_label: str, if_match: str | None) -> None:
    name = _settable(raw_label)

    def change(head: PromptItem, entries: list[LabelEntry]) -> LabelEntry | None:
        if not any(e.name == name for e in entries):
            raise LabelNotSet(f"No version is labelled {name}")
        return None

    _write(caller, prompt_id, name, if_match, change)


def _write(
    caller: Caller,
    prompt_id: str,
    name: str,
    if_match: str | None,
    change: Callable[[PromptItem, list[LabelEntry]], LabelEntry | None],
) -> LabelsItem:
    """Read, change one label, write conditionally; on a lost race read again (without
    If-Match) or 412 (with it: the client asked for exactly the labels it read)."""
    expected_tag: str | None = None
    for _ in range(_ATTEMPTS):
        head, labels = _owned(prompt_id, caller)  # 404 first: an If-Match proves nothing
        expected_tag = _strong_tag(if_match)
        if expected_tag is not None and expected_tag != labels_etag(labels):
            raise PreconditionFailed("The labels have moved since you read them", _tag(labels))
        entries = _entries(labels)
        current = next((e for e in entries if e.name == name), None)
        wanted = change(head, entries)
        if wanted is current and labels is not None:  # already so: nothing to write
            return labels
        revision = (labels.revision if labels else 0) + 1
        now = now_iso()
        others = [e for e in entries if e.name != name]
        if wanted is not None:
            wanted.moved_by, wanted.moved_at, wanted.revision = caller.user_id, now, revision
            others.append(wanted)
        moved = LabelsItem(
            prompt_pk(head.prompt_id), LABELS, prompt_id=head.prompt_id, revision=revision
        )
        moved.entries = others
        record = LabelMoveItem(
            prompt_pk(head.prompt_id),
            label_move_sk(name, revision),
            prompt_id=head.prompt_id,
            label=name,
            from_version=current.version if current else None,
            to_version=wanted.version if wanted else None,
            moved_by=caller.user_id,
            moved_at=now,
            revision=revision,
            owner_id=head.owner_id,
        )
        try:
            repo.save_label_move(moved, revision - 1, record)
            return moved
        except repo.LabelsChanged:
            if expected_tag is not None:
                raise PreconditionFailed(
                    "The labels moved while this move was written", _tag(None)
                ) from None
        except repo.PromptGone:
            raise NotFound(_NOT_FOUND) from None
    raise Conflict("Other moves of this prompt's labels got in first; try again")


def _strong_tag(if_match: str | None) -> str | None:
    if if_match is None or not if_match.strip():
        return None
    tag = if_match.strip()
    if not _STRONG_TAG.fullmatch(tag):  # one strong tag; another one than ours is 412
        raise BadRequest(
            "If-Match takes the labels' ETag, as read from GET /v1/prompts/{id}/labels",
            [{"field": "If-Match", "message": 'must be one quoted tag such as "L3"'}],
        )
    return tag


def _tag(labels: LabelsItem | None) -> list[dict[str, Any]]:
    if labels is None:
        return [{"field": "If-Match", "message": "read the labels again"}]
    return [{"field": "If-Match", "message": f"current ETag is {labels_etag(labels)}"}]


# --- fetching by label or number --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pick:
    """Which version a request for a label or a number answers, decided from the head and the
    labels alone (one read), with the tag of what it answers."""

    head: PromptItem
    number: int
    label: str | None  # the label asked for; None when asked by number
    labels: list[str]  # every label on that version now
    etag: str


def pick_version(
    caller: Caller | None, id_or_slug: str, label: str | None, number: int | None
) -> Pick:
    """The version a label or number names, if the caller may read it: 404 for a prompt they
    cannot see, a version that does not exist or one before the history they may read, and
    LABEL_NOT_SET for a label no version carries. Without either: ``production``."""
    if label is not None and number is not None:
        raise field_error("version", "ask for a label or a version, not both")
    name = label_name(label) if label is not None else (None if number else PRODUCTION)
    head, labels = _find(id_or_slug, caller)
    views = _views(head, labels)
    if name is not None:
        found = next((v for v in views if v.name == name), None)
        if found is None:
            raise LabelNotSet(
                f"No version of this prompt is labelled {name}",
                [{"field": "label", "message": f"{name} is not set (see GET .../labels)"}],
            )
        number = found.version
    assert number is not None
    if not service.readable_versions_from(head, caller) <= number <= head.version:
        raise NotFound("No such version")
    on_it = sorted(v.name for v in views if v.version == number)
    return Pick(head, number, name, on_it, _version_tag(head.prompt_id, number, on_it))


def _version_tag(prompt_id: str, number: int, labels: list[str]) -> str:
    """Strong: a version's content never changes, so its number and the labels on it are all
    that can change what a fetch by label or number answers."""
    digest = hashlib.sha256(f"{prompt_id}\n{number}\n{','.join(labels)}".encode()).hexdigest()
    return f'"v{number}-{digest[:20]}"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): any listed tag, W/ or not, or *."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def load_version(pick: Pick) -> VersionItem:
    version = repo.get_version(pick.head.prompt_id, pick.number)
    if version is None:  # versions are never deleted on their own: the prompt just was
        raise NotFound("No such version")
    return version


# --- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rendered:
    pick: Pick
    prompt_type: str
    text: str | None
    messages: list[tuple[str, str]] | None


def render(caller: Caller | None, id_or_slug: str, request: RenderRequest) -> Rendered:
    """The version (by label, number, or production) with its variables substituted: 422
    listing every problem with the values at once."""
    pick = pick_version(caller, id_or_slug, request.label, request.version)
    version = load_version(pick)
    chat = service.prompt_type(version) == "chat"
    texts = service.template_texts_of(version)
    specs = [service.variable_spec(v) for v in version.variables or []]
    values, problems = resolve(
        specs, placeholders_of(texts), request.variables, strict=request.strict
    )
    if problems:
        raise ValidationFailed("The variables do not fit this version", problems)
    if sum(rendered_length(text, values) for text in texts) > MAX_OUTPUT_CHARS:
        raise field_error("variables", f"the rendered prompt exceeds {MAX_OUTPUT_CHARS} characters")
    if chat:
        messages = [(m.role, substitute(m.content, values)) for m in version.messages or []]
        return Rendered(pick, "chat", None, messages)
    return Rendered(pick, "text", substitute(version.content, values), None)
