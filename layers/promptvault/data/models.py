"""The single table, owned by pynamodb models. Key design: docs/data-model.md.

Every entity lives in one table with generic keys (PK/SK) and two overloaded GSIs:
GSI1 lists an owner's prompts, GSI2 the public feed. CDK builds the table from
``table_definition()`` below, and a test compares the synthesized template with it.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    Attribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.constants import NUMBER
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from promptvault.settings import get_settings

_settings = get_settings()


class _Meta:
    table_name = _settings.table_name
    region = _settings.region
    host = _settings.dynamodb_endpoint
    billing_mode = "PAY_PER_REQUEST"


class IntegerAttribute(Attribute[int]):
    """A DynamoDB number that is always a whole number (versions, revisions, counts)."""

    attr_type = NUMBER

    def serialize(self, value: int) -> str:
        return str(int(value))

    def deserialize(self, value: str) -> int:
        return int(value)


class OwnerIndex(GlobalSecondaryIndex["Item"]):
    """GSI1: an owner's prompts, newest first (GSI1PK=OWNER#<uid>, GSI1SK=<createdAt>#<pid>)."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class FeedIndex(GlobalSecondaryIndex["Item"]):
    """GSI2: the public feed, sparse (only public + published heads carry GSI2PK)."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class Item(Model):
    """Base of every entity: the keys, the entity type and the TTL attribute."""

    class Meta(_Meta):
        stream_view_type = "NEW_AND_OLD_IMAGES"

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    entity = DiscriminatorAttribute(attr_name="type")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    expires_at = TTLAttribute(null=True, attr_name="expiresAt")

    by_owner = OwnerIndex()
    feed = FeedIndex()


class Variable(MapAttribute[str, Any]):
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    default = UnicodeAttribute(null=True)  # type: ignore[assignment]  # "default" is also a pynamodb arg


class ContentMixin:
    """The content-bearing fields: what a version snapshots."""

    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    content = UnicodeAttribute()
    instructions = UnicodeAttribute(null=True)
    example_output = UnicodeAttribute(null=True, attr_name="exampleOutput")
    variables = ListAttribute(of=Variable, default=list)
    category = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)


class PromptItem(Item, ContentMixin, discriminator="Prompt"):
    """PK=PROMPT#<pid>, SK=META: the head, the current content."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    owner_id = UnicodeAttribute(attr_name="ownerId")
    slug = UnicodeAttribute()
    visibility = UnicodeAttribute()
    status = UnicodeAttribute()
    version = IntegerAttribute()  # the current content version
    revision = IntegerAttribute()  # bumps on every accepted edit; the ETag and the optimistic lock
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")


class VersionItem(Item, ContentMixin, discriminator="Version"):
    """PK=PROMPT#<pid>, SK=VERSION#<n:06d>: an immutable snapshot."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    number = IntegerAttribute()
    author_id = UnicodeAttribute(attr_name="authorId")
    change_message = UnicodeAttribute(null=True, attr_name="changeMessage")
    restored_from = IntegerAttribute(null=True, attr_name="restoredFrom")
    created_at = UnicodeAttribute(attr_name="createdAt")


class SlugItem(Item, discriminator="Slug"):
    """PK=SLUG#<slug>, SK=SLUG: reserves a slug and resolves it to a prompt id."""

    prompt_id = UnicodeAttribute(attr_name="promptId")


class UserItem(Item, discriminator="User"):
    """PK=USER#<uid>, SK=PROFILE."""

    user_id = UnicodeAttribute(attr_name="userId")
    username = UnicodeAttribute()
    email = UnicodeAttribute()
    display_name = UnicodeAttribute(null=True, attr_name="displayName")
    created_at = UnicodeAttribute(attr_name="createdAt")


class GuardItem(Item, discriminator="Guard"):
    """PK=USERNAME#<name> or EMAIL#<email>, SK=GUARD: uniqueness, written in one transaction."""

    user_id = UnicodeAttribute(null=True, attr_name="userId")


def prompt_pk(prompt_id: str) -> str:
    return f"PROMPT#{prompt_id}"


def version_sk(number: int) -> str:
    return f"VERSION#{number:06d}"


META = "META"
VERSION_PREFIX = "VERSION#"


def table_definition() -> dict[str, Any]:
    """CreateTable arguments derived from the models: keys, GSIs, billing, stream and TTL."""
    key_attrs = [("PK", "HASH"), ("SK", "RANGE")]
    indexes = [Item.by_owner, Item.feed]
    gsis = []
    attribute_names = {name for name, _ in key_attrs}
    for index in indexes:
        schema = index._get_schema()
        attribute_names.update(k["AttributeName"] for k in schema["key_schema"])
        gsis.append(
            {
                "IndexName": schema["index_name"],
                "KeySchema": schema["key_schema"],
                "Projection": schema["projection"],
            }
        )
    return {
        "TableName": Item.Meta.table_name,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in sorted(attribute_names)
        ],
        "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in key_attrs],
        "GlobalSecondaryIndexes": gsis,
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {
            "StreamEnabled": True,
            "StreamViewType": Item.Meta.stream_view_type,
        },
        "TimeToLive": {"AttributeName": "expiresAt", "Enabled": True},
    }
