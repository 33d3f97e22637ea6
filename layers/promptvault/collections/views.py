"""Collection items into response models."""

from __future__ import annotations

from promptvault.collections.schemas import CollectedPrompt, CollectionDetail, CollectionOut
from promptvault.collections.service import Shown
from promptvault.core.caller import Caller
from promptvault.data.models import CollectionItem
from promptvault.prompts.views import prompt_out


def collection_out(collection: CollectionItem) -> CollectionOut:
    return CollectionOut(
        id=collection.collection_id,
        owner_id=collection.owner_id,
        name=collection.name,
        description=collection.description,
        visibility=collection.visibility,  # type: ignore[arg-type]
        created_at=collection.created_at,
        updated_at=collection.updated_at,
    )


def collection_detail(
    collection: CollectionItem, shown: list[Shown], viewer: Caller | None
) -> CollectionDetail:
    return CollectionDetail(
        **collection_out(collection).model_dump(),
        prompts=[
            CollectedPrompt(added_at=entry.added_at, prompt=prompt_out(head, stats, viewer))
            for entry, head, stats in shown
        ],
    )
