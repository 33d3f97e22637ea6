"""Response bodies of the tag and category-count endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from promptvault.core.schema import ApiModel

Window = Literal["1d", "7d", "30d"]


class TagOut(ApiModel):
    tag: str
    count: int = Field(description="Public, published prompts that carry the tag")


class PopularTagOut(ApiModel):
    tag: str
    uses: int = Field(description="Times public, published prompts took the tag in the window")
    count: int = Field(description="Public, published prompts that carry the tag now")
