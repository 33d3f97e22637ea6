"""Public profiles, their edits, public prompts, follows with exact counts, the leaderboard."""

from __future__ import annotations

import pytest

from promptvault.users.leaderboard import add_reputation
from tests.support.api import call
from tests.support.factories import create_prompt, sign_up
from tests.support.identity import with_role
from tests.support.streams import drain


def profile(username: str) -> dict:
    reply = call("GET", f"/v1/users/{username}")
    assert reply.status == 200, reply.body
    return dict(reply.data)


def test_a_profile_is_public_and_shows_no_email():
    user = sign_up()

    shown = profile(user.username)

    assert shown["username"] == user.username
    assert user.email not in str(shown)
    assert {"joinedAt", "publicPrompts", "followers", "following", "reputation"} <= set(shown)


def test_the_owner_edits_the_profile_and_null_clears_a_field():
    user = sign_up()
    body = {
        "displayName": "Ada L.",
        "bio": "Writes prompts.",
        "avatarUrl": "https://example.com/ada.png",
        "website": "https://ada.example.com/",
        "twitter": "ada_l",
        "github": "ada-l",
    }

    edited = call("PATCH", "/v1/users/me", body, token=user.token)
    cleared = call("PATCH", "/v1/users/me", {"bio": None}, token=user.token)

    assert edited.status == 200
    assert {k: edited.data[k] for k in body} == body
    assert cleared.data["bio"] is None
    assert cleared.data["github"] == "ada-l"


@pytest.mark.parametrize(
    "body",
    [
        {"website": "javascript:alert(1)"},
        {"website": "https://user:pw@example.com"},
        {"website": "ftp://example.com"},
        {"avatarUrl": "http://example.com/a.png"},
        {"twitter": "@ada"},
        {"twitter": "x" * 16},
        {"github": "-ada"},
        {"github": "ada--l"},
        {"displayName": "two\nlines"},
        {"bio": "x" * 301},
        {"email": "new@example.com"},
        {},
    ],
)
def test_bad_profile_fields_are_422(body):
    reply = call("PATCH", "/v1/users/me", body, token=sign_up().token)

    assert reply.status == 422, reply.body


@pytest.mark.parametrize(
    "name", ["no-such-user-here", "..%2F..%2Fetc%2Fpasswd", "USER#x", "ME", "x" * 300, "a\x00b"]
)
def test_unknown_or_hostile_usernames_are_404(name):
    assert call("GET", f"/v1/users/{name}").status == 404
    assert call("GET", f"/v1/users/{name}/prompts").status == 404
    assert call("GET", f"/v1/users/{name}/followers").status == 404


def test_a_users_prompts_are_only_their_public_published_ones():
    user = sign_up()
    shown = create_prompt(user)
    for hidden in ({"visibility": "private"}, {"visibility": "unlisted"}, {"status": "draft"}):
        create_prompt(user, **hidden)

    listed = call("GET", f"/v1/users/{user.username}/prompts")

    assert [p["id"] for p in listed.data] == [shown["id"]]


def test_follow_counts_are_exact_and_repeats_change_nothing():
    ada, bob = sign_up(), sign_up()

    for _ in range(2):
        assert call("PUT", f"/v1/users/{ada.username}/follow", token=bob.token).status == 200
    drain()  # the counts are the counters consumer's, from the follow item's records
    followed = (profile(ada.username)["followers"], profile(bob.username)["following"])
    for _ in range(2):
        assert call("DELETE", f"/v1/users/{ada.username}/follow", token=bob.token).status == 204
    drain()

    assert followed == (1, 1)
    assert (profile(ada.username)["followers"], profile(bob.username)["following"]) == (0, 0)


def test_no_one_follows_themselves():
    ada = sign_up()

    reply = call("PUT", f"/v1/users/{ada.username}/follow", token=ada.token)

    drain()

    assert reply.status == 422
    assert profile(ada.username)["followers"] == 0


def test_followers_and_following_page_with_a_cursor_bound_to_the_list():
    star = sign_up()
    fans = [sign_up() for _ in range(3)]
    for fan in fans:
        call("PUT", f"/v1/users/{star.username}/follow", token=fan.token)

    first = call("GET", f"/v1/users/{star.username}/followers", query={"limit": "2"})
    cursor = first.body["meta"]["nextCursor"]
    second = call("GET", f"/v1/users/{star.username}/followers", query={"cursor": cursor})
    foreign = call("GET", f"/v1/users/{fans[0].username}/followers", query={"cursor": cursor})

    names = [f["username"] for f in first.data + second.data]
    assert names == [f.username for f in reversed(fans)]
    assert foreign.status == 400
    following = call("GET", f"/v1/users/{fans[0].username}/following")
    assert [f["username"] for f in following.data] == [star.username]


def test_the_leaderboard_ranks_by_reputation_with_a_cursor():
    low, high = sign_up(), sign_up()
    add_reputation(low.id, 1_000_001)
    add_reputation(high.id, 1_000_002)

    top = call("GET", "/v1/leaderboard", query={"limit": "2"})

    assert [e["username"] for e in top.data] == [high.username, low.username]
    assert top.data[0]["reputation"] == 1_000_002
    assert call("GET", "/v1/leaderboard", query={"cursor": "forged"}).status == 400


def test_only_admins_set_roles_and_the_next_token_carries_them():
    admin, target = with_role("admin"), sign_up()
    moderator = with_role("moderator")

    refused = call(
        "PUT", f"/v1/admin/users/{target.username}/role", {"role": "admin"}, token=moderator.token
    )
    granted = call(
        "PUT", f"/v1/admin/users/{target.username}/role", {"role": "moderator"}, token=admin.token
    )
    from tests.support.identity import relogin

    promoted = relogin(target)
    prompt = create_prompt(sign_up())
    archived = call(
        "POST",
        f"/v1/moderation/prompts/{prompt['id']}/archive",
        {"reason": "spam"},
        token=promoted.token,
    )

    assert refused.status == 403
    assert granted.status == 200
    assert granted.data["role"] == "moderator"
    assert archived.status == 201, archived.body


def test_a_moderator_archives_any_public_prompt_and_the_action_is_recorded():
    moderator, owner = with_role("moderator"), sign_up()
    prompt = create_prompt(owner)

    reply = call(
        "POST",
        f"/v1/moderation/prompts/{prompt['id']}/archive",
        {"reason": "Spam links"},
        token=moderator.token,
    )

    assert reply.status == 201, reply.body
    assert reply.data["moderatorId"] == moderator.id
    assert reply.data["reason"] == "Spam links"
    assert call("GET", f"/v1/prompts/{prompt['id']}").data["status"] == "archived"
    feed = call("GET", "/v1/prompts", query={"limit": "100"})
    assert prompt["id"] not in {p["id"] for p in feed.data}


def test_moderators_cannot_reach_private_prompts_by_id():
    moderator, owner = with_role("moderator"), sign_up()
    prompt = create_prompt(owner, visibility="private")

    reply = call(
        "POST",
        f"/v1/moderation/prompts/{prompt['id']}/archive",
        {"reason": "looking"},
        token=moderator.token,
    )

    assert reply.status == 404
