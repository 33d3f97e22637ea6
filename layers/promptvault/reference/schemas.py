from __future__ import annotations

from pydantic import Field

from promptvault.core.schema import ApiModel


class CategoryOut(ApiModel):
    slug: str
    name: str
    description: str
    icon: str
    color: str
    parent: str | None
    prompt_count: int = Field(
        description="Public, published prompts in the category (kept from the table's stream)"
    )


class ModelOut(ApiModel):
    slug: str
    name: str
    provider: str
