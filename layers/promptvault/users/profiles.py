"""Public profiles: read by username, edited by their owner, and their public prompts."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError

from promptvault.core.caller import Caller
from promptvault.core.errors import NotFound, field_error
from promptvault.data.models import PromptItem, UserItem
from promptvault.identity import directory
from promptvault.identity.directory import profile_by_username, user_id_of
from promptvault.prompts import listing
from promptvault.users.schemas import ProfileOut, ProfileUpdate

__all__ = ["profile_by_username", "user_id_of"]  # what the people routes look up
EDITABLE = ("display_name", "bio", "avatar_url", "website", "twitter", "github")


def profile_out(profile: UserItem) -> ProfileOut:
    return ProfileOut(
        username=profile.username,
        display_name=profile.display_name,
        bio=profile.bio,
        avatar_url=profile.avatar_url,
        website=profile.website,
        twitter=profile.twitter,
        github=profile.github,
        joined_at=profile.created_at,
        public_prompts=max(0, profile.public_prompts or 0),
        followers=max(0, profile.followers or 0),
        following=max(0, profile.following or 0),
        reputation=profile.reputation or 0,
    )


def _not_someone_else(caller: Caller, display_name: str) -> None:
    """A display name may not pass for another person's username (one GetItem of its guard)."""
    try:
        owner = user_id_of(display_name.lower())
    except NotFound:
        return
    if owner != caller.user_id:
        raise field_error("displayName", "must not be another user's username")


def update_profile(caller: Caller, patch: ProfileUpdate) -> UserItem:
    """Only the sent fields change (one UpdateItem); the profile must still exist."""
    sent = patch.model_fields_set & set(EDITABLE)
    if patch.display_name is not None:
        _not_someone_else(caller, patch.display_name)
    actions: list[Any] = []
    for name in sorted(sent):
        attribute = getattr(UserItem, name)
        value = getattr(patch, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    profile = UserItem(f"USER#{caller.user_id}", directory.PROFILE)
    try:
        profile.update(actions=actions, condition=UserItem.pk.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("No profile for this account") from error
        raise
    return profile


def list_public_prompts(
    username: str, cursor: str | None, limit: int
) -> tuple[list[PromptItem], dict[str, Any]]:
    return listing.list_public_of(user_id_of(username), cursor, limit)
