from __future__ import annotations

from promptvault.core.schema import ApiModel


class CategoryOut(ApiModel):
    slug: str
    name: str
    description: str
    icon: str
    color: str
    parent: str | None


class ModelOut(ApiModel):
    slug: str
    name: str
    provider: str
