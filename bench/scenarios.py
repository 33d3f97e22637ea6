"""One realistic request per endpoint, with the setup it needs (setup calls are not measured).

The world: a signed-up owner and a public prompt with two versions. Requests that change or
remove a prompt get a fresh prompt of their own, so every scenario can run any number of times
in any order. Used by the AWS call count (in-process moto) and the first-request timing
(moto in server mode); both drive the real handlers through ``tests.support.api``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import import_scenarios as import_files
from bench import webhook_scenarios as hooks
from tests.support.api import call, event, match
from tests.support.factories import PASSWORD, User, create_prompt, prompt_body, sign_up

AUTO_CONFIRM = "cognito-idp auto-confirm"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any = None
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    raw: str | None = None  # a body sent as it is (a form), instead of ``body`` as JSON


@dataclass
class World:
    owner: User
    prompt: dict[str, Any]  # a public prompt at version 2: id, slug, etag


@dataclass(frozen=True)
class Scenario:
    label: str  # what the tables show: "GET /v1/prompts/{id} (by slug)"
    function: str  # the catalogue function that serves it
    prepare: Callable[[World], Request]
    status: int  # the status a correct run returns


def _unique(prefix: str = "b") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def two_version_prompt(owner: User, versions: int = 2) -> dict[str, Any]:
    """A fresh public prompt with ``versions`` versions; its current ETag under ``etag``."""
    prompt = create_prompt(owner, title=f"Bench {_unique()}")
    for number in range(2, versions + 1):
        edited = call(
            "PATCH",
            f"/v1/prompts/{prompt['id']}",
            {"content": f"{prompt['content']} Edit {number}.", "changeMessage": f"edit {number}"},
            token=owner.token,
            headers={"If-Match": prompt["etag"]},
        )
        assert edited.status == 200, edited.body
        prompt = {**edited.data, "etag": edited.headers["ETag"]}
    return prompt


def make_world() -> World:
    owner = sign_up()
    return World(owner, two_version_prompt(owner))


def _cognito() -> Any:
    import boto3

    return boto3.client("cognito-idp")


def _signup(_: World) -> Request:
    name = _unique("u")
    body = {"email": f"{name}@example.com", "password": PASSWORD, "username": name}
    return Request("POST", "/v1/auth/signup", body)


def _confirm(_: World) -> Request:
    from promptvault.core.settings import get_settings

    email = f"{_unique('c')}@example.com"
    # An unconfirmed account, made straight in Cognito (the API's sign-up auto-confirms here).
    _cognito().sign_up(
        ClientId=get_settings().user_pool_client_id,
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    return Request("POST", "/v1/auth/confirm", {"email": email, "code": "123456"})


def _login(world: World) -> Request:
    body = {"email": world.owner.email, "password": PASSWORD}
    return Request("POST", "/v1/auth/login", body)


def _refresh(world: World) -> Request:
    login = call("POST", "/v1/auth/login", {"email": world.owner.email, "password": PASSWORD})
    assert login.status == 200, login.body
    return Request("POST", "/v1/auth/refresh", {"refreshToken": login.data["refreshToken"]})


def _forgot(world: World) -> Request:
    return Request("POST", "/v1/auth/forgot-password", {"email": world.owner.email})


def _reset(_: World) -> Request:
    someone = sign_up()  # not the owner: the owner's password must stay what the world knows
    asked = call("POST", "/v1/auth/forgot-password", {"email": someone.email})
    assert asked.status in {200, 202}, asked.body
    body = {"email": someone.email, "code": "123456", "password": "Another-Horse-7"}
    return Request("POST", "/v1/auth/reset-password", body)


def _me(world: World) -> Request:
    return Request("GET", "/v1/users/me", token=world.owner.token)


def _my_prompts(world: World) -> Request:
    return Request("GET", "/v1/users/me/prompts", token=world.owner.token)


def _create(world: World) -> Request:
    body = prompt_body(title=f"Bench {_unique()}")  # a new slug: no collision retry
    return Request("POST", "/v1/prompts", body, token=world.owner.token)


def _public(_: World) -> Request:
    return Request("GET", "/v1/prompts")


def _get_by_id(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}", token=world.owner.token)


def _get_by_slug(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['slug']}")


def _get_by_hidden_slug(world: World) -> Request:
    """An unlisted prompt's slug, asked by someone else: 404 (issue 16, finding 1)."""
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}", visibility="unlisted")
    return Request("GET", f"/v1/prompts/{prompt['slug']}")


def _get_by_unknown_slug(_: World) -> Request:
    return Request("GET", f"/v1/prompts/no-such-{_unique()}")


def _get_by_deleted_slug(world: World) -> Request:
    """A deleted prompt's slug: its tombstone answers 410 (issue 16, finding 7)."""
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=world.owner.token).status == 204
    return Request("GET", f"/v1/prompts/{prompt['slug']}")


def _update(world: World) -> Request:
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    body = {"content": prompt["content"] + " Be brief.", "changeMessage": "brief"}
    return Request(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        body,
        token=world.owner.token,
        headers={"If-Match": prompt["etag"]},
    )


def _delete(world: World) -> Request:
    prompt = two_version_prompt(world.owner)
    return Request("DELETE", f"/v1/prompts/{prompt['id']}", token=world.owner.token)


def _delete_many(world: World) -> Request:
    prompt = two_version_prompt(world.owner, versions=30)
    return Request("DELETE", f"/v1/prompts/{prompt['id']}", token=world.owner.token)


def _versions(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/versions")


def _version(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/versions/1")


def _restore(world: World) -> Request:
    prompt = two_version_prompt(world.owner)
    return Request(
        "POST", f"/v1/prompts/{prompt['id']}/versions/1/restore", token=world.owner.token
    )


def _diff(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/diff", query={"from": "1", "to": "2"})


# --- labels, fetch by label, rendering (issue 13) ----------------------------------------------


def _labelled(world: World, label: str = "production", version: int = 1) -> str:
    """The world's prompt with ``label`` on ``version`` (idempotent), its path."""
    path = f"/v1/prompts/{world.prompt['id']}"
    moved = call("PUT", f"{path}/labels/{label}", {"version": version}, token=world.owner.token)
    assert moved.status == 200, moved.body
    return path


def _label_set(world: World) -> Request:
    prompt = two_version_prompt(world.owner)
    path = f"/v1/prompts/{prompt['id']}/labels/production"
    return Request("PUT", path, {"version": 1}, token=world.owner.token)


def _label_delete(world: World) -> Request:
    prompt = two_version_prompt(world.owner)
    path = f"/v1/prompts/{prompt['id']}/labels/production"
    assert call("PUT", path, {"version": 1}, token=world.owner.token).status == 200
    return Request("DELETE", path, token=world.owner.token)


def _labels(world: World) -> Request:
    return Request("GET", f"{_labelled(world)}/labels")


def _label_history(world: World) -> Request:
    return Request("GET", f"{_labelled(world)}/labels/production/history")


def _render(world: World) -> Request:
    body = {"variables": {"topic": "the launch"}, "label": "production"}
    return Request("POST", f"{_labelled(world)}/render", body)


def _get_by_label(world: World) -> Request:
    return Request("GET", _labelled(world), query={"label": "production"})


def _get_by_label_unchanged(world: World) -> Request:
    """A client revalidating what it holds: If-None-Match with the tag it was given."""
    path = _labelled(world)
    first = call("GET", path, query={"label": "production"})
    assert first.status == 200, first.body
    headers = {"If-None-Match": first.headers["ETag"]}
    return Request("GET", path, headers=headers, query={"label": "production"})


LABEL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("PUT /v1/prompts/{id}/labels/{label}", "labels_set", _label_set, 200),
    Scenario("DELETE /v1/prompts/{id}/labels/{label}", "labels_delete", _label_delete, 204),
    Scenario("GET /v1/prompts/{id}/labels", "labels_list", _labels, 200),
    Scenario("GET /v1/prompts/{id}/labels/{label}/history", "labels_history", _label_history, 200),
    Scenario("POST /v1/prompts/{id}/render", "prompts_render", _render, 200),
    Scenario("GET /v1/prompts/{id}?label=production", "prompts_get", _get_by_label, 200),
    Scenario(
        "GET /v1/prompts/{id}?label=production (304)",
        "prompts_get",
        _get_by_label_unchanged,
        304,
    ),
)


# --- expiring share links (issue 12) -----------------------------------------------------------


def _new_share(world: World) -> dict[str, Any]:
    """A share link to a fresh private prompt (a prompt holds at most 100 live links, so
    each run makes its own prompt)."""
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}", visibility="private")
    made = call("POST", f"/v1/prompts/{prompt['id']}/shares", {}, token=world.owner.token)
    assert made.status == 201, made.body
    return {"prompt": prompt["id"], **made.data}


def _share_create(world: World) -> Request:
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}", visibility="private")
    path = f"/v1/prompts/{prompt['id']}/shares"
    return Request("POST", path, {"maxViews": 10}, token=world.owner.token)


def _shares(world: World) -> Request:
    share = _new_share(world)
    return Request("GET", f"/v1/prompts/{share['prompt']}/shares", token=world.owner.token)


def _share_revoke(world: World) -> Request:
    share = _new_share(world)
    path = f"/v1/prompts/{share['prompt']}/shares/{share['id']}"
    return Request("DELETE", path, token=world.owner.token)


def _shared(world: World) -> Request:
    return Request("GET", f"/v1/shared/{_new_share(world)['token']}")


SHARE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/prompts/{id}/shares", "shares_create", _share_create, 201),
    Scenario("GET /v1/prompts/{id}/shares", "shares_list", _shares, 200),
    Scenario("DELETE /v1/prompts/{id}/shares/{shareId}", "shares_revoke", _share_revoke, 204),
    Scenario("GET /v1/shared/{token}", "shared_get", _shared, 200),
)


def _categories(_: World) -> Request:
    return Request("GET", "/v1/categories")


def _models(_: World) -> Request:
    return Request("GET", "/v1/models")


def _tags(_: World) -> Request:
    return Request("GET", "/v1/tags", query={"prefix": "m"})


def _popular_tags(world: World) -> Request:
    """The week's most used tags (one Query per day of the window), after a public prompt
    took one today (the counters consumer keeps them from the stream)."""
    from tests.support.streams import drain

    create_prompt(world.owner, title=f"Bench {_unique()}", tags=["meetings"])
    drain()
    return Request("GET", "/v1/tags/popular", query={"window": "7d"})


# --- identity (issue 5) ------------------------------------------------------------------------


def _api_key(world: World, scopes: tuple[str, ...] = ("read",)) -> dict[str, Any]:
    made = call(
        "POST",
        "/v1/users/me/api-keys",
        {"name": _unique("k"), "scopes": list(scopes)},
        token=world.owner.token,
    )
    assert made.status == 201, made.body
    return dict(made.data)


def _key_create(world: World) -> Request:
    body = {"name": _unique("k"), "scopes": ["read", "write"]}
    return Request("POST", "/v1/users/me/api-keys", body, token=world.owner.token)


def _key_list(world: World) -> Request:
    return Request("GET", "/v1/users/me/api-keys", token=world.owner.token)


def _key_revoke(world: World) -> Request:
    key = _api_key(world)
    return Request("DELETE", f"/v1/users/me/api-keys/{key['id']}", token=world.owner.token)


def _get_with_key(world: World) -> Request:
    key = _api_key(world)["key"]
    # first use records lastUsedAt (at most once a minute); the measured request does not
    assert call("GET", f"/v1/prompts/{world.prompt['id']}", token=key).status == 200
    return Request("GET", f"/v1/prompts/{world.prompt['id']}", token=key)


def _me_update(world: World) -> Request:
    return Request("PATCH", "/v1/users/me", {"bio": "Writes prompts"}, token=world.owner.token)


def _me_delete(_: World) -> Request:
    someone = sign_up()  # a user with nothing: the fixed cost of deleting an account
    return Request("DELETE", "/v1/users/me", {"password": PASSWORD}, token=someone.token)


def _new_address() -> str:
    return f"{_unique('n')}@example.org"


def _email_change(_: World) -> Request:
    someone = sign_up()  # not the owner: the world keeps its address
    body = {"email": _new_address(), "password": PASSWORD}
    return Request("PUT", "/v1/users/me/email", body, token=someone.token)


def _email_verify(_: World) -> Request:
    from tests.support.identity import ask_email_change

    someone = sign_up()  # asked to move; the code Cognito emailed (moto keeps it)
    code = ask_email_change(someone, _new_address())
    return Request("POST", "/v1/users/me/email/verify", {"code": code}, token=someone.token)


def _profile(world: World) -> Request:
    return Request("GET", f"/v1/users/{world.owner.username}")


def _user_prompts(world: World) -> Request:
    return Request("GET", f"/v1/users/{world.owner.username}/prompts")


def _follow(world: World) -> Request:
    return Request("PUT", f"/v1/users/{sign_up().username}/follow", token=world.owner.token)


def _unfollow(world: World) -> Request:
    other = sign_up()
    assert call("PUT", f"/v1/users/{other.username}/follow", token=world.owner.token).status == 200
    return Request("DELETE", f"/v1/users/{other.username}/follow", token=world.owner.token)


def _followers(world: World) -> Request:
    return Request("GET", f"/v1/users/{world.owner.username}/followers")


def _following(world: World) -> Request:
    return Request("GET", f"/v1/users/{world.owner.username}/following")


def _leaderboard(_: World) -> Request:
    return Request("GET", "/v1/leaderboard")


def sign_in_admin(world: World) -> User:
    """A new user in the admin group, signed in again so the token carries the group."""
    from promptvault.core.settings import get_settings

    admin = sign_up()
    _cognito().admin_add_user_to_group(
        UserPoolId=get_settings().user_pool_id, Username=admin.email, GroupName="admin"
    )
    login = call("POST", "/v1/auth/login", {"email": admin.email, "password": PASSWORD})
    return User(admin.id, admin.username, admin.email, login.data["accessToken"])


def _role(world: World) -> Request:
    admin = sign_in_admin(world)
    body = {"role": "moderator"}
    return Request("PUT", f"/v1/admin/users/{sign_up().username}/role", body, token=admin.token)


def _archive(world: World) -> Request:
    admin = sign_in_admin(world)
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    body = {"reason": "spam"}
    return Request("POST", f"/v1/moderation/prompts/{prompt['id']}/archive", body, admin.token)


def _unarchive(world: World) -> Request:
    admin = sign_in_admin(world)
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    path = f"/v1/moderation/prompts/{prompt['id']}"
    assert call("POST", f"{path}/archive", {"reason": "spam"}, token=admin.token).status == 201
    return Request("POST", f"{path}/restore", {"reason": "reviewed"}, admin.token)


def _report_body(world: World) -> dict[str, Any]:
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    return {"targetType": "prompt", "targetId": prompt["id"], "reason": "spam"}


def _report(world: World) -> Request:
    return Request("POST", "/v1/reports", _report_body(world), token=sign_up().token)


def _my_reports(world: World) -> Request:
    reporter = sign_up()
    assert call("POST", "/v1/reports", _report_body(world), token=reporter.token).status == 201
    return Request("GET", "/v1/users/me/reports", token=reporter.token)


def _report_queue(world: World) -> Request:
    return Request("GET", "/v1/moderation/reports", token=sign_in_admin(world).token)


def resolve_request(world: World, action: str = "dismiss") -> Request:
    """A moderator resolves one person's report of a public prompt with ``action``."""
    filed = call("POST", "/v1/reports", _report_body(world), token=sign_up().token)
    assert filed.status == 201, filed.body
    body = {"action": action, "note": "Reviewed"}
    path = f"/v1/moderation/reports/{filed.data['id']}/resolve"
    return Request("POST", path, body, token=sign_in_admin(world).token)


def _comment_of(world: World) -> str:
    """A comment by someone on a fresh public prompt of the world's owner: its id."""
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    made = call(
        "POST", f"/v1/prompts/{prompt['id']}/comments", {"body": "A comment"}, token=sign_up().token
    )
    assert made.status == 201, made.body
    return str(made.data["id"])


def _comment_report(comment_id: str) -> dict[str, Any]:
    return {"targetType": "comment", "targetId": comment_id, "reason": "spam"}


def comment_report_request(world: World, third: bool = False) -> Request:
    """A report of a comment; ``third``: two people reported it already, so this one hides
    it pending review (the stage's threshold, 3)."""
    comment = _comment_of(world)
    for _ in range(2 if third else 0):
        filed = call("POST", "/v1/reports", _comment_report(comment), token=sign_up().token)
        assert filed.status == 201, filed.body
    return Request("POST", "/v1/reports", _comment_report(comment), token=sign_up().token)


def resolve_comment_request(world: World, action: str) -> Request:
    """A moderator resolves one person's report of a comment with ``action``."""
    comment = _comment_of(world)
    filed = call("POST", "/v1/reports", _comment_report(comment), token=sign_up().token)
    assert filed.status == 201, filed.body
    path = f"/v1/moderation/reports/{filed.data['id']}/resolve"
    return Request(
        "POST", path, {"action": action, "note": "Reviewed"}, token=sign_in_admin(world).token
    )


def _resolve(world: World) -> Request:
    """A moderator dismisses one person's report of a public prompt."""
    return resolve_request(world)


def _moderation_log(world: World) -> Request:
    return Request("GET", "/v1/moderation/actions", token=sign_in_admin(world).token)


IDENTITY_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/users/me/api-keys", "users_api_keys_create", _key_create, 201),
    Scenario("GET /v1/users/me/api-keys", "users_api_keys_list", _key_list, 200),
    Scenario("DELETE /v1/users/me/api-keys/{id}", "users_api_keys_revoke", _key_revoke, 204),
    Scenario("GET /v1/prompts/{id} (API key)", "prompts_get", _get_with_key, 200),
    Scenario("PATCH /v1/users/me", "users_me_update", _me_update, 200),
    Scenario("DELETE /v1/users/me (no content)", "users_me_delete", _me_delete, 204),
    Scenario("PUT /v1/users/me/email", "users_me_email", _email_change, 202),
    Scenario("POST /v1/users/me/email/verify", "users_me_email_verify", _email_verify, 200),
    Scenario("GET /v1/users/{username}", "users_get", _profile, 200),
    Scenario("GET /v1/users/{username}/prompts", "users_prompts", _user_prompts, 200),
    Scenario("PUT /v1/users/{username}/follow", "follows_create", _follow, 200),
    Scenario("DELETE /v1/users/{username}/follow", "follows_delete", _unfollow, 204),
    Scenario("GET /v1/users/{username}/followers", "follows_followers", _followers, 200),
    Scenario("GET /v1/users/{username}/following", "follows_following", _following, 200),
    Scenario("GET /v1/leaderboard", "leaderboard", _leaderboard, 200),
    Scenario("PUT /v1/admin/users/{username}/role", "admin_user_role", _role, 200),
    Scenario("POST /v1/moderation/prompts/{id}/archive", "moderation_archive", _archive, 201),
    Scenario("POST /v1/moderation/prompts/{id}/restore", "moderation_restore", _unarchive, 201),
    Scenario("POST /v1/reports", "reports_create", _report, 201),
    Scenario("GET /v1/users/me/reports", "reports_mine", _my_reports, 200),
    Scenario("GET /v1/moderation/reports", "moderation_reports", _report_queue, 200),
    Scenario("POST /v1/moderation/reports/{id}/resolve", "moderation_resolve", _resolve, 200),
    Scenario("GET /v1/moderation/actions", "moderation_actions", _moderation_log, 200),
)


# --- engagement (issue 4) ---------------------------------------------------------------------


def _prompt_path(world: World, action: str) -> str:
    return f"/v1/prompts/{world.prompt['id']}/{action}"


def _rate(world: World) -> Request:
    return Request("PUT", _prompt_path(world, "rating"), {"score": 4}, token=world.owner.token)


def _unrate(world: World) -> Request:
    assert call("PUT", _prompt_path(world, "rating"), {"score": 3}, token=world.owner.token)
    return Request("DELETE", _prompt_path(world, "rating"), token=world.owner.token)


def _ratings(world: World) -> Request:
    return Request("GET", _prompt_path(world, "ratings"), token=world.owner.token)


def _view(world: World) -> Request:
    return Request("POST", _prompt_path(world, "views"))


def _copy(world: World) -> Request:
    return Request("POST", _prompt_path(world, "copies"))


def _bookmark(world: World) -> Request:
    return Request("PUT", _prompt_path(world, "bookmark"), token=world.owner.token)


def _unbookmark(world: World) -> Request:
    return Request("DELETE", _prompt_path(world, "bookmark"), token=world.owner.token)


def _my_bookmarks(world: World) -> Request:
    assert call("PUT", _prompt_path(world, "bookmark"), token=world.owner.token).status == 200
    return Request("GET", "/v1/users/me/bookmarks", token=world.owner.token)


def _fork(world: World) -> Request:
    body = {"title": f"Fork {_unique()}"}  # a new slug: no collision retry
    return Request("POST", _prompt_path(world, "fork"), body, token=world.owner.token)


def _forks(world: World) -> Request:
    made = call(
        "POST", _prompt_path(world, "fork"), {"title": f"Fork {_unique()}"}, world.owner.token
    )
    assert made.status == 201, made.body
    return Request("GET", _prompt_path(world, "forks"))


# --- search (issue 4) --------------------------------------------------------------------------


def _search(_: World) -> Request:
    return Request("GET", "/v1/search", query={"q": "sumarise meeting", "category": "productivity"})


def _suggest(_: World) -> Request:
    return Request("GET", "/v1/search/suggest", query={"q": "summ"})


def _trending(_: World) -> Request:
    return Request("GET", "/v1/prompts", query={"sort": "trending"})


SEARCH_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("GET /v1/search", "search_query", _search, 200),
    Scenario("GET /v1/search/suggest", "search_suggest", _suggest, 200),
    Scenario("GET /v1/prompts?sort=trending", "prompts_list", _trending, 200),
)


ENGAGEMENT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("PUT /v1/prompts/{id}/rating", "engagement_rate", _rate, 200),
    Scenario("DELETE /v1/prompts/{id}/rating", "engagement_unrate", _unrate, 204),
    Scenario("GET /v1/prompts/{id}/ratings", "engagement_ratings", _ratings, 200),
    Scenario("POST /v1/prompts/{id}/views", "engagement_view", _view, 202),
    Scenario("POST /v1/prompts/{id}/copies", "engagement_copy", _copy, 202),
    Scenario("PUT /v1/prompts/{id}/bookmark", "engagement_bookmark", _bookmark, 200),
    Scenario("DELETE /v1/prompts/{id}/bookmark", "engagement_unbookmark", _unbookmark, 204),
    Scenario("GET /v1/users/me/bookmarks", "users_me_bookmarks", _my_bookmarks, 200),
    Scenario("POST /v1/prompts/{id}/fork", "engagement_fork", _fork, 201),
    Scenario("GET /v1/prompts/{id}/forks", "engagement_forks", _forks, 200),
)


def stream_record(
    name: str, new: dict[str, Any] | None, old: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda delivers it, from plain item attributes."""
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    image = new if new is not None else old
    assert image is not None

    def typed(item: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if item is None else {k: serializer.serialize(v) for k, v in item.items()}

    body: dict[str, Any] = {
        "Keys": typed({"PK": image["PK"], "SK": image["SK"]}),
        "SequenceNumber": str(10**20 + int(uuid.uuid4().int % 10**12)),
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        body["NewImage"] = typed(new)
    if old is not None:
        body["OldImage"] = typed(old)
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "eventVersion": "1.1",
        "awsRegion": "us-east-1",
        "dynamodb": body,
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/local",
    }


def counters_event(world: World, views: int = 10) -> dict[str, Any]:
    """A batch of ``views`` view events on one prompt whose stats item was counted before
    (the steady state): the previous update's events get their markers, then one update."""
    from promptvault.streams import counters

    pid = world.prompt["id"]

    def batch(size: int) -> dict[str, Any]:
        records = [
            stream_record(
                "INSERT",
                {
                    "PK": f"PROMPT#{pid}",
                    "SK": f"VIEW#{_unique()}",
                    "type": "Usage",
                    "promptId": pid,
                    "kind": "view",
                },
            )
            for _ in range(size)
        ]
        return {"Records": records}

    assert counters.handle(batch(1)) == {"batchItemFailures": []}  # before the counting
    return batch(views)


def indexer_event(world: World) -> dict[str, Any]:
    """One counter change on a prompt: a stats update for the index, no content re-index."""
    pid = world.prompt["id"]
    stats = {"PK": f"PROMPT#{pid}", "SK": "STATS", "type": "Stats", "views": 10, "updates": 1}
    return {"Records": [stream_record("INSERT", stats)]}


def indexer_delete_event(world: World) -> dict[str, Any]:
    """A prompt head removed: the index deletes its document, with the head's last revision."""
    pid = _unique("p")
    head = {"PK": f"PROMPT#{pid}", "SK": "META", "type": "Prompt", "revision": 3}
    return {"Records": [stream_record("REMOVE", None, old=head)]}


# --- notifications (issue 11) ---------------------------------------------------------------


def _engaged(world: World) -> User:
    """Another person rated the owner's prompt and the notifier told the owner: one unread
    notification (the events path in process: stream -> bus -> queue -> notifier)."""
    from tests.support.streams import drain

    fan = sign_up()
    path = _prompt_path(world, "rating")
    assert call("PUT", path, {"score": 5}, token=fan.token).status == 200
    drain()
    return fan


def _notifications(world: World) -> Request:
    _engaged(world)
    return Request("GET", "/v1/users/me/notifications", token=world.owner.token)


def _unread_count(world: World) -> Request:
    _engaged(world)
    return Request("GET", "/v1/users/me/notifications/unread-count", token=world.owner.token)


def _mark_all_read(world: World) -> Request:
    _engaged(world)
    call("POST", "/v1/users/me/notifications/read", {"all": True}, token=world.owner.token)
    _engaged(world)  # exactly one unread
    return Request("POST", "/v1/users/me/notifications/read", {"all": True}, world.owner.token)


NOTIFICATION_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("GET /v1/users/me/notifications", "notifications_list", _notifications, 200),
    Scenario(
        "GET /v1/users/me/notifications/unread-count",
        "notifications_unread_count",
        _unread_count,
        200,
    ),
    Scenario(
        "POST /v1/users/me/notifications/read (all, one unread)",
        "notifications_read",
        _mark_all_read,
        200,
    ),
)


def events_event(world: World) -> dict[str, Any]:
    """One rating's INSERT: one event, one PutEvents."""
    pid = world.prompt["id"]
    rating = {
        "PK": f"PROMPT#{pid}",
        "SK": f"RATING#u:{_unique('u')}",
        "type": "Rating",
        "promptId": pid,
        "rater": f"u:{_unique('u')}",
        "score": 4,
        "updatedAt": "2026-11-30T12:00:00.000Z",
    }
    return {"Records": [stream_record("INSERT", rating)]}


MALFORMED_MESSAGE = "m-malformed-event"


def _sqs_event(message_id: str, detail: dict[str, Any]) -> dict[str, Any]:
    import json

    body = json.dumps({"detail-type": "user.followed", "source": "promptvault", "detail": detail})
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": "r",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:notify",
                "awsRegion": "us-east-1",
            }
        ]
    }


def notify_malformed_event(world: World) -> dict[str, Any]:
    """An event that fails inside its exactly-once record: the record is released (DeleteItem)
    and the message reported for a retry (and, after five, the DLQ)."""
    return _sqs_event(MALFORMED_MESSAGE, {"id": _unique("e"), "type": "not.an.event"})


def notify_event(world: World) -> dict[str, Any]:
    """A new follower of the owner (email ``instant`` by default): one SQS message."""
    from promptvault.events.catalogue import Envelope

    fan = sign_up()
    detail = Envelope(
        id=_unique("e"),
        type="user.followed",
        version=1,
        occurred_at="2026-11-30T12:00:00.000Z",
        data={"userId": world.owner.id, "actorId": fan.id},
    ).model_dump(mode="json", by_alias=True)
    return _sqs_event(_unique("m"), detail)


def digest_event(world: World) -> dict[str, Any]:
    """The daily schedule, with one person's digest waiting (a rating: ``daily`` by default)."""
    from tests.support.events import drain_queues

    drain_queues()  # nothing else waiting
    _engaged(world)
    return {"period": "daily"}


def feedback_event(world: World) -> dict[str, Any]:
    """SES reports a permanent bounce of a person's address (SNS)."""
    import json

    person = sign_up()
    message = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": person.email}],
        },
        "mail": {"destination": [person.email]},
    }
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(message)}}]}


# label -> (function, event builder): the stream consumers' counted batches
STREAM_TRIGGERS: dict[str, tuple[str, Callable[[World], dict[str, Any]]]] = {
    "trigger stream_counters (10 views of one prompt)": ("stream_counters", counters_event),
    "trigger stream_indexer (a stats change)": ("stream_indexer", indexer_event),
    "trigger stream_indexer (a prompt deleted)": ("stream_indexer", indexer_delete_event),
    "trigger stream_events (a rating)": ("stream_events", events_event),
    "trigger events_notify (a follow, instant email)": ("events_notify", notify_event),
    "trigger events_notify (a malformed event: released, retried)": (
        "events_notify",
        notify_malformed_event,
    ),
    "trigger email_digest (one daily digest)": ("email_digest", digest_event),
    "trigger webhooks_deliver (an event, one webhook)": ("webhooks_deliver", hooks.event_message),
    "trigger webhooks_deliver (a delivery, 2xx)": ("webhooks_deliver", hooks.delivery_message),
    "trigger webhooks_deliver (a delivery refused: retry queued)": (
        "webhooks_deliver",
        hooks.failing_delivery_message,
    ),
    "trigger webhooks_deliver (a retry not yet due: sent on)": (
        "webhooks_deliver",
        hooks.waiting_delivery_message,
    ),
    "trigger email_feedback (a permanent bounce)": ("email_feedback", feedback_event),
    "trigger imports_process (an inline file of two prompts)": (
        "imports_process",
        import_files.upload_message,
    ),
}
# What a trigger answers when all went well (default: a partial batch response, no failure).
TRIGGER_REPLIES: dict[str, dict[str, Any]] = {
    "trigger email_digest (one daily digest)": {
        "period": "daily",
        "sent": 1,
        "empty": 0,
        "suppressed": 0,
        "skipped": 0,
    },
    "trigger email_feedback (a permanent bounce)": {"suppressed": 1},
    "trigger events_notify (a malformed event: released, retried)": {
        "batchItemFailures": [{"itemIdentifier": MALFORMED_MESSAGE}]
    },
}


# --- email preferences and one-click unsubscribe (issue 11) ---------------------------------


def _preferences(world: World) -> Request:
    return Request("GET", "/v1/users/me/notification-preferences", token=world.owner.token)


def _change_preferences(_: World) -> Request:
    someone = sign_up()  # a first choice: the change is written every run
    body = {"preferences": {"prompt.rated": {"email": "weekly"}, "user.followed": {"inApp": False}}}
    return Request("PUT", "/v1/users/me/notification-preferences", body, token=someone.token)


def _unsubscribe_link(category: str = "prompt.forked") -> dict[str, str]:
    """A new person's unsubscribe link (its query): every run turns an email off."""
    from promptvault.email.tokens import unsubscribe_token

    return {"token": unsubscribe_token(sign_up().id, category, 0)}


def _unsubscribe_page(_: World) -> Request:
    return Request("GET", "/v1/email/unsubscribe", query=_unsubscribe_link())


def _one_click(_: World) -> Request:
    form = {"content-type": "application/x-www-form-urlencoded"}
    link = _unsubscribe_link()
    raw = "List-Unsubscribe=One-Click"
    return Request("POST", "/v1/email/unsubscribe", headers=form, query=link, raw=raw)


EMAIL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "GET /v1/users/me/notification-preferences", "notification_prefs_get", _preferences, 200
    ),
    Scenario(
        "PUT /v1/users/me/notification-preferences",
        "notification_prefs_update",
        _change_preferences,
        200,
    ),
    Scenario("GET /v1/email/unsubscribe", "email_unsubscribe_page", _unsubscribe_page, 200),
    Scenario("POST /v1/email/unsubscribe", "email_unsubscribe", _one_click, 200),
)


def _export(_: World) -> Request:
    """A person with one prompt of two versions exports it (the calls grow with the prompts:
    one Query of versions per prompt, docs/imports.md)."""
    someone = sign_up()
    two_version_prompt(someone)
    return Request("GET", "/v1/users/me/export", token=someone.token, query={"format": "json"})


def _start_import(_: World) -> Request:
    someone = sign_up()
    body = {"format": "markdown", "content": import_files.FILE}
    return Request("POST", "/v1/imports", body, token=someone.token)


def _upload_import(_: World) -> Request:
    someone = sign_up()
    body = {"format": "prompts-chat-csv", "filename": "prompts.csv"}
    return Request("POST", "/v1/imports", body, token=someone.token)


def _started_import(world: World) -> str:
    started = call(
        "POST",
        "/v1/imports",
        {"format": "markdown", "content": import_files.FILE},
        token=world.owner.token,
    )
    assert started.status == 201, started.body
    return str(started.data["id"])


def _import_status(world: World) -> Request:
    path = f"/v1/imports/{_started_import(world)}"
    return Request("GET", path, token=world.owner.token)


def _import_rows(world: World) -> Request:
    path = f"/v1/imports/{_started_import(world)}/rows"
    return Request("GET", path, token=world.owner.token, query={"status": "rejected"})


IMPORT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("GET /v1/users/me/export", "users_me_export", _export, 200),
    Scenario("POST /v1/imports (inline)", "imports_create", _start_import, 201),
    Scenario("POST /v1/imports (an upload URL)", "imports_create", _upload_import, 201),
    Scenario("GET /v1/imports/{id}", "imports_get", _import_status, 200),
    Scenario("GET /v1/imports/{id}/rows", "imports_rows", _import_rows, 200),
)


WEBHOOK_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/webhooks", "webhooks_create", hooks.create, 201),
    Scenario("GET /v1/webhooks", "webhooks_list", hooks.listing, 200),
    Scenario("DELETE /v1/webhooks/{id}", "webhooks_delete", hooks.delete, 204),
    Scenario("POST /v1/webhooks/{id}/test", "webhooks_test", hooks.ping, 200),
    Scenario("GET /v1/webhooks/{id}/deliveries", "webhooks_deliveries", hooks.deliveries, 200),
    Scenario("POST /v1/webhooks/{id}/rotate-secret", "webhooks_rotate_secret", hooks.rotate, 200),
)


# --- comments (issue 12) -----------------------------------------------------------------------


def _commented(world: World, body: str = "Useful", parent: str | None = None) -> dict[str, Any]:
    """A comment of the owner's on the world's public prompt."""
    sent: dict[str, Any] = {"body": body} if parent is None else {"body": body, "parentId": parent}
    path = f"/v1/prompts/{world.prompt['id']}/comments"
    made = call("POST", path, sent, token=world.owner.token)
    assert made.status == 201, made.body
    return made.data


def _comment_create(world: World) -> Request:
    """A comment that mentions someone: the directory read (one BatchGetItem), then the
    comment and the mention in one transaction."""
    body = {"body": f"Try this with @{sign_up().username}"}
    path = f"/v1/prompts/{world.prompt['id']}/comments"
    return Request("POST", path, body, token=world.owner.token)


def _comment_reply(world: World) -> Request:
    body = {"body": "Agreed", "parentId": _commented(world)["id"]}
    path = f"/v1/prompts/{world.prompt['id']}/comments"
    return Request("POST", path, body, token=world.owner.token)


def _comments(world: World) -> Request:
    _commented(world)
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/comments")


def _comments_top(world: World) -> Request:
    _commented(world)
    path = f"/v1/prompts/{world.prompt['id']}/comments"
    return Request("GET", path, query={"sort": "top"})


def _replies(world: World) -> Request:
    top = _commented(world)
    _commented(world, "A reply", top["id"])
    return Request("GET", f"/v1/comments/{top['id']}/replies")


def _comment_edit(world: World) -> Request:
    """An edit that mentions someone new: told in the same transaction as the edit."""
    body = {"body": f"Edited: ask @{sign_up().username}"}
    path = f"/v1/comments/{_commented(world)['id']}"
    return Request("PATCH", path, body, token=world.owner.token)


def _comment_delete(world: World) -> Request:
    """A comment without replies, liked once: removed, and its like with it."""
    made = _commented(world)
    liked = call("PUT", f"/v1/comments/{made['id']}/like", token=sign_up().token)
    assert liked.status == 200, liked.body
    return Request("DELETE", f"/v1/comments/{made['id']}", token=world.owner.token)


def _comment_tombstone(world: World) -> Request:
    """A comment with a counted reply: kept as a tombstone."""
    from tests.support.streams import drain

    top = _commented(world)
    _commented(world, "A reply", top["id"])
    drain()
    return Request("DELETE", f"/v1/comments/{top['id']}", token=world.owner.token)


def _comment_like(world: World) -> Request:
    return Request("PUT", f"/v1/comments/{_commented(world)['id']}/like", token=sign_up().token)


def _comment_unlike(world: World) -> Request:
    made = _commented(world)
    someone = sign_up()
    liked = call("PUT", f"/v1/comments/{made['id']}/like", token=someone.token)
    assert liked.status == 200, liked.body
    return Request("DELETE", f"/v1/comments/{made['id']}/like", token=someone.token)


def commenter_to_delete(world: World) -> Request:
    """An account with one of each comment trace: a comment with a counted reply (a
    tombstone), a reply, a like, a mention made and a mention received; its deletion."""
    from tests.support.streams import drain

    someone = sign_up()
    path = f"/v1/prompts/{world.prompt['id']}/comments"
    body = {"body": f"Thanks @{world.owner.username}"}
    top = call("POST", path, body, token=someone.token)
    assert top.status == 201, top.body
    _commented(world, "You are welcome", top.data["id"])
    reply = {"body": "A reply", "parentId": _commented(world)["id"]}
    assert call("POST", path, reply, token=someone.token).status == 201
    liked = call("PUT", f"/v1/comments/{_commented(world)['id']}/like", token=someone.token)
    assert liked.status == 200, liked.body
    _commented(world, f"Ask @{someone.username}")
    drain()
    return Request("DELETE", "/v1/users/me", {"password": PASSWORD}, token=someone.token)


COMMENT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/prompts/{id}/comments", "comments_create", _comment_create, 201),
    Scenario("POST /v1/prompts/{id}/comments (a reply)", "comments_create", _comment_reply, 201),
    Scenario("GET /v1/prompts/{id}/comments", "comments_list", _comments, 200),
    Scenario("GET /v1/prompts/{id}/comments?sort=top", "comments_list", _comments_top, 200),
    Scenario("GET /v1/comments/{id}/replies", "comments_replies", _replies, 200),
    Scenario("PATCH /v1/comments/{id}", "comments_update", _comment_edit, 200),
    Scenario("DELETE /v1/comments/{id}", "comments_delete", _comment_delete, 204),
    Scenario(
        "DELETE /v1/comments/{id} (with replies: a tombstone)",
        "comments_delete",
        _comment_tombstone,
        204,
    ),
    Scenario("PUT /v1/comments/{id}/like", "comments_like", _comment_like, 200),
    Scenario("DELETE /v1/comments/{id}/like", "comments_unlike", _comment_unlike, 204),
)


# --- collections (issue 12) --------------------------------------------------------------------


def _new_collection(owner: User, *prompt_ids: str, visibility: str = "public") -> str:
    """A collection of the owner's holding these prompts, in this order: its id."""
    body = {"name": f"Bench {_unique()}", "visibility": visibility}
    made = call("POST", "/v1/collections", body, token=owner.token)
    assert made.status == 201, made.body
    for prompt_id in prompt_ids:
        path = f"/v1/collections/{made.data['id']}/prompts/{prompt_id}"
        assert call("PUT", path, {}, token=owner.token).status == 200
    return str(made.data["id"])


def _collection_create(_: World) -> Request:
    # a person of their own: a person has at most 100 collections, and runs repeat
    return Request("POST", "/v1/collections", {"name": "Bench shelf"}, token=sign_up().token)


def _collection_read(world: World) -> Request:
    """The collection with the world's public prompt and one more, read by its owner."""
    other = create_prompt(world.owner, title=f"Bench {_unique()}")
    collection = _new_collection(world.owner, world.prompt["id"], other["id"])
    return Request("GET", f"/v1/collections/{collection}", token=world.owner.token)


def _collection_edit(world: World) -> Request:
    path = f"/v1/collections/{_new_collection(world.owner)}"
    return Request("PATCH", path, {"name": "Renamed", "visibility": "private"}, world.owner.token)


def _collection_delete(world: World) -> Request:
    collection = _new_collection(world.owner, world.prompt["id"])
    return Request("DELETE", f"/v1/collections/{collection}", token=world.owner.token)


def _collection_put(world: World) -> Request:
    """The world's prompt into a collection of two, first."""
    others = [create_prompt(world.owner, title=f"Bench {_unique()}")["id"] for _ in range(2)]
    collection = _new_collection(world.owner, *others)
    path = f"/v1/collections/{collection}/prompts/{world.prompt['id']}"
    return Request("PUT", path, {"position": 1}, token=world.owner.token)


def _collection_remove(world: World) -> Request:
    collection = _new_collection(world.owner, world.prompt["id"])
    path = f"/v1/collections/{collection}/prompts/{world.prompt['id']}"
    return Request("DELETE", path, token=world.owner.token)


def _my_collections(world: World) -> Request:
    _new_collection(world.owner, visibility="private")
    return Request("GET", "/v1/users/me/collections", token=world.owner.token)


def _user_collections(world: World) -> Request:
    _new_collection(world.owner)
    return Request("GET", f"/v1/users/{world.owner.username}/collections")


COLLECTION_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/collections", "collections_create", _collection_create, 201),
    Scenario("GET /v1/collections/{id}", "collections_get", _collection_read, 200),
    Scenario("PATCH /v1/collections/{id}", "collections_update", _collection_edit, 200),
    Scenario("DELETE /v1/collections/{id}", "collections_delete", _collection_delete, 204),
    Scenario(
        "PUT /v1/collections/{id}/prompts/{promptId}",
        "collections_put_prompt",
        _collection_put,
        200,
    ),
    Scenario(
        "DELETE /v1/collections/{id}/prompts/{promptId}",
        "collections_remove_prompt",
        _collection_remove,
        204,
    ),
    Scenario("GET /v1/users/me/collections", "users_me_collections", _my_collections, 200),
    Scenario("GET /v1/users/{username}/collections", "users_collections", _user_collections, 200),
)

# --- workspaces (issue 14): each scenario a team of its own (an owner owns at most 50) ---------


def _team(size: int = 1) -> tuple[User, str, list[User]]:
    """A new person's team workspace with ``size - 1`` viewers besides its owner."""
    from promptvault.workspaces.roles import Role
    from promptvault.workspaces.service import add_member

    owner = sign_up()
    made = call("POST", "/v1/workspaces", {"name": "Bench", "slug": _unique("ws-")}, owner.token)
    assert made.status == 201, made.body
    members = [sign_up() for _ in range(size - 1)]
    for member in members:
        add_member(made.data["id"], member.id, Role.VIEWER, invited_by=owner.id)
    return owner, made.data["id"], members


def _workspace_create(_: World) -> Request:
    body = {"name": "Bench team", "slug": _unique("ws-")}
    return Request("POST", "/v1/workspaces", body, token=sign_up().token)


def _workspaces(_: World) -> Request:
    """Two team workspaces, a page of two: the personal one and a team one, and a cursor."""
    owner, _, _ = _team()
    made = call("POST", "/v1/workspaces", {"name": "Bench", "slug": _unique("ws-")}, owner.token)
    assert made.status == 201, made.body
    return Request("GET", "/v1/workspaces", token=owner.token, query={"limit": "2"})


def _workspace_read(_: World) -> Request:
    owner, workspace, _ = _team()
    return Request("GET", f"/v1/workspaces/{workspace}", token=owner.token)


def _workspace_edit(_: World) -> Request:
    owner, workspace, _ = _team()
    body = {"name": "Renamed", "slug": _unique("ws-")}
    return Request("PATCH", f"/v1/workspaces/{workspace}", body, token=owner.token)


def _workspace_delete(_: World) -> Request:
    owner, workspace, _ = _team(2)
    return Request("DELETE", f"/v1/workspaces/{workspace}", token=owner.token)


def _workspace_members(_: World) -> Request:
    owner, workspace, _ = _team(2)
    path = f"/v1/workspaces/{workspace}/members"
    return Request("GET", path, token=owner.token, query={"limit": "1"})


def _member_role(_: World) -> Request:
    owner, workspace, (member,) = _team(2)
    path = f"/v1/workspaces/{workspace}/members/{member.id}"
    return Request("PATCH", path, {"role": "editor"}, token=owner.token)


def _member_remove(_: World) -> Request:
    owner, workspace, (member,) = _team(2)
    path = f"/v1/workspaces/{workspace}/members/{member.id}"
    return Request("DELETE", path, token=owner.token)


WORKSPACE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/workspaces", "workspaces_create", _workspace_create, 201),
    Scenario("GET /v1/workspaces", "workspaces_list", _workspaces, 200),
    Scenario("GET /v1/workspaces/{id}", "workspaces_get", _workspace_read, 200),
    Scenario("PATCH /v1/workspaces/{id}", "workspaces_update", _workspace_edit, 200),
    Scenario("DELETE /v1/workspaces/{id}", "workspaces_delete", _workspace_delete, 204),
    Scenario("GET /v1/workspaces/{id}/members", "workspaces_members", _workspace_members, 200),
    Scenario(
        "PATCH /v1/workspaces/{id}/members/{userId}",
        "workspaces_member_update",
        _member_role,
        200,
    ),
    Scenario(
        "DELETE /v1/workspaces/{id}/members/{userId}",
        "workspaces_member_remove",
        _member_remove,
        204,
    ),
)

# --- invitations (issue 14, decisions 74 and 75): each in a team of its own --------------------


def _invitee() -> str:
    return f"{_unique('i')}@example.org"


def _invited(owner: User, workspace: str, email: str) -> dict[str, Any]:
    path = f"/v1/workspaces/{workspace}/invitations"
    made = call("POST", path, {"email": email, "role": "editor"}, token=owner.token)
    assert made.status == 201, made.body
    return dict(made.data)


def _invite(_: World) -> Request:
    """An address with no account yet (one that has one costs its guard's, profile's and
    member item's reads: 2 GetItem more, decision 74)."""
    owner, workspace, _ = _team()
    path = f"/v1/workspaces/{workspace}/invitations"
    return Request("POST", path, {"email": _invitee(), "role": "editor"}, token=owner.token)


def _invitations(_: World) -> Request:
    owner, workspace, _ = _team()
    for _ in range(2):
        _invited(owner, workspace, _invitee())
    path = f"/v1/workspaces/{workspace}/invitations"
    return Request("GET", path, token=owner.token, query={"limit": "1"})


def _invitation_revoke(_: World) -> Request:
    owner, workspace, _ = _team()
    invitation = _invited(owner, workspace, _invitee())
    path = f"/v1/workspaces/{workspace}/invitations/{invitation['id']}"
    return Request("DELETE", path, token=owner.token)


def _invitation_accept(_: World) -> Request:
    import re

    from infra.local.outbox import sent_emails

    owner, workspace, _ = _team()
    person = sign_up()
    _invited(owner, workspace, person.email)
    email = [e for e in sent_emails() if person.email in e["to"]][-1]
    (token,) = set(re.findall(r"/v1/invitations/(pvi_[A-Za-z0-9_-]+)/accept", email["text"]))
    return Request("POST", f"/v1/invitations/{token}/accept", token=person.token)


INVITATION_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/workspaces/{id}/invitations", "workspaces_invitations_create", _invite, 201),
    Scenario(
        "GET /v1/workspaces/{id}/invitations", "workspaces_invitations_list", _invitations, 200
    ),
    Scenario(
        "DELETE /v1/workspaces/{id}/invitations/{invitationId}",
        "workspaces_invitations_revoke",
        _invitation_revoke,
        204,
    ),
    Scenario("POST /v1/invitations/{token}/accept", "invitations_accept", _invitation_accept, 200),
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/auth/signup", "auth_signup", _signup, 201),
    Scenario("POST /v1/auth/confirm", "auth_confirm", _confirm, 200),
    Scenario("POST /v1/auth/login", "auth_login", _login, 200),
    Scenario("POST /v1/auth/refresh", "auth_refresh", _refresh, 200),
    Scenario("POST /v1/auth/forgot-password", "auth_forgot_password", _forgot, 202),
    Scenario("POST /v1/auth/reset-password", "auth_reset_password", _reset, 200),
    Scenario("GET /v1/users/me", "users_me", _me, 200),
    Scenario("GET /v1/users/me/prompts", "users_me_prompts", _my_prompts, 200),
    Scenario("POST /v1/prompts", "prompts_create", _create, 201),
    Scenario("GET /v1/prompts", "prompts_list", _public, 200),
    Scenario("GET /v1/prompts/{id}", "prompts_get", _get_by_id, 200),
    Scenario("GET /v1/prompts/{id} (by slug)", "prompts_get", _get_by_slug, 200),
    Scenario("GET /v1/prompts/{id} (a hidden slug)", "prompts_get", _get_by_hidden_slug, 404),
    Scenario("GET /v1/prompts/{id} (an unknown slug)", "prompts_get", _get_by_unknown_slug, 404),
    Scenario("GET /v1/prompts/{id} (a deleted slug)", "prompts_get", _get_by_deleted_slug, 410),
    Scenario("PATCH /v1/prompts/{id}", "prompts_update", _update, 200),
    Scenario("DELETE /v1/prompts/{id} (2 versions)", "prompts_delete", _delete, 204),
    Scenario("DELETE /v1/prompts/{id} (30 versions)", "prompts_delete", _delete_many, 204),
    Scenario("GET /v1/prompts/{id}/versions", "versions_list", _versions, 200),
    Scenario("GET /v1/prompts/{id}/versions/{n}", "versions_get", _version, 200),
    Scenario("POST /v1/prompts/{id}/versions/{n}/restore", "versions_restore", _restore, 201),
    Scenario("GET /v1/prompts/{id}/diff", "prompts_diff", _diff, 200),
    Scenario("GET /v1/categories", "reference_categories", _categories, 200),
    Scenario("GET /v1/models", "reference_models", _models, 200),
    Scenario("GET /v1/tags", "tags_list", _tags, 200),
    Scenario("GET /v1/tags/popular", "tags_popular", _popular_tags, 200),
    *LABEL_SCENARIOS,
    *SHARE_SCENARIOS,
    *IDENTITY_SCENARIOS,
    *ENGAGEMENT_SCENARIOS,
    *SEARCH_SCENARIOS,
    *NOTIFICATION_SCENARIOS,
    *EMAIL_SCENARIOS,
    *IMPORT_SCENARIOS,
    *WEBHOOK_SCENARIOS,
    *COMMENT_SCENARIOS,
    *COLLECTION_SCENARIOS,
    *WORKSPACE_SCENARIOS,
    *INVITATION_SCENARIOS,
)


def send(request: Request) -> Any:
    """The request through the real handler, in this process."""
    return call(
        request.method,
        request.path,
        request.body,
        token=request.token,
        headers=request.headers,
        query=request.query,
        raw=request.raw,
    )


def to_event(request: Request) -> dict[str, Any]:
    """The API Gateway HTTP API event ``send`` would build, for a handler in another process."""
    import json

    found = match(request.method, request.path)
    assert found, f"no route for {request.method} {request.path}"
    route, params = found
    headers = {"content-type": "application/json", **request.headers}
    if request.token:
        headers["authorization"] = f"Bearer {request.token}"
    body = request.raw if request.body is None else json.dumps(request.body)
    return event(route, request.path, params, body, headers, dict(request.query))


def presignup_event() -> dict[str, Any]:
    """What Cognito sends the pre-sign-up trigger."""
    return {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "us-east-1",
        "userPoolId": "us-east-1_bench",
        "userName": "bench@example.com",
        "callerContext": {"awsSdkVersion": "1", "clientId": "bench"},
        "request": {"userAttributes": {"email": "bench@example.com"}},
        "response": {},
    }
