"""Prompts leaving and entering in bulk: what an export reads, what an import writes.

An export reads every prompt a person owns with all its versions and its labels. An import
writes new prompts several to a TransactWriteItems, each exactly as ``service.create_prompt``
writes one (head, versions, slug guard, zeroed stats; the same conditions), so the stream
consumers see imported prompts as they see created ones (docs/imports.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from promptvault.core.clock import now_iso
from promptvault.data.models import (
    LABELS,
    META,
    LabelEntry,
    LabelsItem,
    PromptItem,
    VersionItem,
    prompt_pk,
)
from promptvault.prompts import repository as repo
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptCreate, VersionOut
from promptvault.prompts.views import version_out

TRANSACTION_LIMIT = 100  # writes per TransactWriteItems
AlsoWrite = repo.AlsoWrite
WritesRefused = repo.WritesRefused


@dataclass(frozen=True, slots=True)
class Owned:
    """A prompt as its owner exports it: the head, every version oldest first, its labels."""

    head: PromptItem
    versions: list[VersionOut]
    labels: dict[str, int]  # label -> version number (``latest`` is never stored)


def owned_prompts(owner_id: str) -> Iterator[Owned]:
    """Every prompt the person owns, newest first: one Query of the owner index per page of
    100, one BatchGetItem of their labels per page, one Query of versions per prompt."""
    start: dict[str, Any] | None = None
    while True:
        heads, start = repo.query_owner_prompts(owner_id, 100, start, None)
        labels = repo.labels_of([head.prompt_id for head in heads])
        for head in heads:
            versions = [version_out(v) for v in repo.query_all_versions(head.prompt_id)]
            item = labels.get(head.prompt_id)
            moved = {entry.name: entry.version for entry in (item.entries if item else [])}
            yield Owned(head, versions, moved)
        if not start:
            return


@dataclass
class NewPrompt:
    """A prompt an import writes: its versions (validated bodies, oldest first), visibility,
    status and labels by version number; ``id`` is drawn when it is built."""

    versions: list[PromptCreate]
    visibility: str
    status: str
    labels: dict[str, int]
    change_messages: list[str | None]
    head: PromptItem | None = None
    items: tuple[list[VersionItem], LabelsItem | None] = ([], None)

    @property
    def writes(self) -> int:
        """The TransactWriteItems entries it takes: head, versions, guard, stats, labels."""
        return 3 + len(self.versions) + (1 if self.labels else 0)


def build(owner_id: str, prompt: NewPrompt, now: str | None = None) -> PromptItem:
    """The head (and its versions and labels) as ``service.insert_new_prompt`` makes them,
    with a fresh id and slug; kept on ``prompt`` for ``insert``."""
    now = now or now_iso()
    versions = [service.create_content(body) for body in prompt.versions]
    current = versions[-1]
    prompt_id = service.new_prompt_id()
    head = PromptItem(
        prompt_pk(prompt_id),
        META,
        prompt_id=prompt_id,
        owner_id=owner_id,
        slug=service.new_slug(current["title"]),
        visibility=prompt.visibility,
        status=prompt.status,
        version=len(versions),
        revision=1,
        created_at=now,
        updated_at=now,
        **current,
    )
    service.index_keys(head)
    snapshots = []
    messages = [*prompt.change_messages, *[None] * len(versions)]
    for number, content in enumerate(versions, start=1):
        message = messages[number - 1]
        snapshot = service.snapshot_of(head, number, owner_id, message)
        for name, value in content.items():
            setattr(snapshot, name, value)
        snapshots.append(snapshot)
    labels = None
    if prompt.labels:
        entries = [
            LabelEntry(name=name, version=number, moved_by=owner_id, moved_at=now, revision=1)
            for name, number in sorted(prompt.labels.items())
        ]
        labels = LabelsItem(
            prompt_pk(prompt_id), LABELS, prompt_id=prompt_id, revision=1, entries=entries
        )
    prompt.head, prompt.items = head, (snapshots, labels)
    return head


def insert(prompts: list[NewPrompt], also: list[AlsoWrite]) -> None:
    """The built prompts and ``also`` in one transaction (``repo.insert_many``)."""
    batch = []
    for prompt in prompts:
        if prompt.head is None:
            raise ValueError("build the prompt before inserting it")
        versions, labels = prompt.items
        batch.append((prompt.head, versions, labels))
    repo.insert_many(batch, also)


def slug_positions(prompts: list[NewPrompt]) -> dict[int, int]:
    """Transaction position of each prompt's slug guard -> the prompt's index."""
    positions, at = {}, 0
    for index, prompt in enumerate(prompts):
        versions, labels = prompt.items
        positions[at + 1 + len(versions)] = index
        at += 3 + len(versions) + (1 if labels is not None else 0)
    return positions


def redraw_slug(prompt: NewPrompt) -> None:
    if prompt.head is not None:
        prompt.head.slug = service.new_slug(prompt.head.title)


def puts_of(prompts: list[NewPrompt]) -> int:
    return sum(prompt.writes for prompt in prompts)
