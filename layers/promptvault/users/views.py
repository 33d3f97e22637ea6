"""Item → response model conversions for the identity endpoints."""

from __future__ import annotations

from promptvault.data.models import ApiKeyItem
from promptvault.identity.apikeys import public_id
from promptvault.users.schemas import ApiKeyOut


def api_key_out(item: ApiKeyItem) -> ApiKeyOut:
    return ApiKeyOut(
        id=public_id(item.key_id),
        name=item.name,
        scopes=sorted(item.scopes),
        created_at=item.created_at,
        expires_at=item.expires_at,
        last_used_at=item.last_used_at,
    )
