"""Issue 16's findings, each reproduced as it was found and held closed (docs/security.md)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from promptvault.search.engine import get_backend
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, prompt_body, sign_up
from tests.support.search import document


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any], if_match: str) -> Reply:
    headers = {"If-Match": if_match}
    return call("PATCH", f"/v1/prompts/{prompt['id']}", body, token=user.token, headers=headers)


# --- finding 9: If-Match takes exactly one strong tag ----------------------------------------


def test_finding_9_a_list_of_guessed_etags_is_not_a_match(owner):
    prompt = create_prompt(owner)
    guesses = ", ".join(f'"r{n}"' for n in range(1, 400))

    reply = edit(owner, prompt, {"title": "A blind overwrite"}, guesses)

    assert reply.status == 400, reply.body
    assert reply.error["details"][0]["field"] == "If-Match"
    assert call("GET", f"/v1/prompts/{prompt['id']}").data["title"] == prompt["title"]


@pytest.mark.parametrize("if_match", ['W/"r1"', '"r1", "r1"', '"r1",', "r1"])
def test_finding_9_a_weak_or_listed_or_unquoted_tag_is_400(if_match, owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": "A newer title"}, if_match)

    assert reply.status == 400, reply.body
    assert reply.error["code"] == "BAD_REQUEST"


def test_finding_9_restore_takes_one_strong_tag_too(owner):
    prompt = create_prompt(owner)

    reply = call(
        "POST",
        f"/v1/prompts/{prompt['id']}/versions/1/restore",
        token=owner.token,
        headers={"If-Match": f'{prompt["etag"]}, "r9"'},
    )

    assert reply.status == 400, reply.body


def test_finding_9_the_one_current_tag_still_edits(owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": "A newer title"}, prompt["etag"])

    assert reply.status == 200, reply.body


# --- finding 12: single-line text is visible, normalised text --------------------------------


@pytest.mark.parametrize(
    "name",
    ["     ", "\u200b\u200b\u200b\u200b\u200b", "ada\u202eevil", "two\u2028lines", "nel\x85here"],
    ids=["spaces", "zero-width", "rtl-override", "line-separator", "nel"],
)
def test_finding_12_a_blank_or_disguised_display_name_is_refused(name, owner):
    reply = call("PATCH", "/v1/users/me", {"displayName": name}, token=owner.token)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "displayName"


def test_finding_12_a_display_name_is_stored_trimmed_and_nfc(owner):
    reply = call("PATCH", "/v1/users/me", {"displayName": "  Cafe\u0301 Ada  "}, token=owner.token)

    assert reply.status == 200, reply.body
    assert reply.data["displayName"] == "Caf\u00e9 Ada"


def test_finding_12_a_display_name_may_not_be_another_users_username(owner):
    other = sign_up()

    reply = call("PATCH", "/v1/users/me", {"displayName": other.username}, token=owner.token)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "displayName"
    assert call("GET", f"/v1/users/{owner.username}").data["displayName"] != other.username


def test_finding_12_ones_own_username_is_a_fine_display_name(owner):
    reply = call("PATCH", "/v1/users/me", {"displayName": owner.username}, token=owner.token)

    assert reply.status == 200, reply.body


def test_finding_12_an_api_key_name_with_a_direction_override_is_refused(owner):
    body = {"name": "ci\u202etpircs", "scopes": ["read"]}

    reply = call("POST", "/v1/users/me/api-keys", body, token=owner.token)

    assert reply.status == 422, reply.body


# --- finding 11: one body, one resource ------------------------------------------------------


def test_finding_11_an_array_of_prompts_creates_none(owner):
    """The catalogue suite refuses every non-object body on every body route; this is the
    finding as it was reported: the first element was created, the rest silently dropped."""
    before = call("GET", "/v1/users/me/prompts", token=owner.token, query={"limit": "100"}).data
    bodies = [prompt_body(title="First of two"), prompt_body(title="Second of two")]

    reply = call("POST", "/v1/prompts", bodies, token=owner.token)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "body"
    after = call("GET", "/v1/users/me/prompts", token=owner.token, query={"limit": "100"}).data
    assert [p["id"] for p in after] == [p["id"] for p in before]


# --- finding 12: titles and the other text of a prompt ---------------------------------------

DISGUISED = ["     ", "\u200b" * 5, "Plan\u202eevil", "two\u2028lines", "nel\x85here"]
DISGUISED_IDS = ["spaces", "zero-width", "rtl-override", "line-separator", "nel"]


def _title_request(route: str, owner: User, title: str) -> Reply:
    if route == "create":
        return call("POST", "/v1/prompts", prompt_body(title=title), token=owner.token)
    prompt = create_prompt(owner)
    if route == "edit":
        return edit(owner, prompt, {"title": title}, prompt["etag"])
    return call("POST", f"/v1/prompts/{prompt['id']}/fork", {"title": title}, token=owner.token)


@pytest.mark.parametrize("route", ["create", "edit", "fork"])
@pytest.mark.parametrize("title", DISGUISED, ids=DISGUISED_IDS)
def test_finding_12_a_blank_or_disguised_title_is_refused(route, title, owner):
    reply = _title_request(route, owner, title)

    assert reply.status == 422, reply.body
    assert [d["field"] for d in reply.error["details"]] == ["title"]


@pytest.mark.parametrize("route", ["create", "edit", "fork"])
@pytest.mark.parametrize(
    "title",
    ["a   b", "ab\u200d\u200d\u200d", "\u00e9\u0301\u0301\u0301\u0301", "  ab  "],
    ids=["two-letters-spaced", "two-letters-joiners", "one-letter-marks", "two-letters-padded"],
)
def test_finding_12_a_title_needs_three_visible_characters(route, title, owner):
    reply = _title_request(route, owner, title)

    assert reply.status == 422, reply.body
    assert [d["field"] for d in reply.error["details"]] == ["title"]


@pytest.mark.parametrize("route", ["create", "edit", "fork"])
def test_finding_12_a_title_is_stored_trimmed_and_nfc(route, owner):
    reply = _title_request(route, owner, "  Cafe\u0301 notes, a b c  ")

    assert reply.status in {200, 201}, reply.body
    assert reply.data["title"] == "Caf\u00e9 notes, a b c"
    stored = call("GET", f"/v1/prompts/{reply.data['id']}", token=owner.token)
    assert stored.data["title"] == "Caf\u00e9 notes, a b c"


def test_finding_12_five_characters_with_three_visible_make_a_title(owner):
    reply = _title_request("create", owner, "a b c")

    assert reply.status == 201, reply.body
    assert reply.data["title"] == "a b c"


@pytest.mark.parametrize("message", DISGUISED, ids=DISGUISED_IDS)
def test_finding_12_a_blank_or_disguised_change_message_is_refused(message, owner):
    prompt = create_prompt(owner)
    body = {"content": prompt["content"] + " Keep it short.", "changeMessage": message}

    reply = edit(owner, prompt, body, prompt["etag"])

    assert reply.status == 422, reply.body
    assert [d["field"] for d in reply.error["details"]] == ["changeMessage"]


@pytest.mark.parametrize(
    "description", ["ab\u202ecd", "two\u2028lines", "\u200b" * 3], ids=DISGUISED_IDS[2:]
)
def test_finding_12_a_disguised_variable_description_is_refused(description, owner):
    variables = [{"name": "topic", "description": description}]

    reply = call("POST", "/v1/prompts", prompt_body(variables=variables), token=owner.token)

    assert reply.status == 422, reply.body
    assert [d["field"] for d in reply.error["details"]] == ["variables.0.description"]


def test_finding_12_the_text_of_a_prompt_is_stored_nfc_and_trimmed(owner):
    body = prompt_body(
        description="  Cafe\u0301 notes\nover two lines  ",
        content="\n  Summarise the cafe\u0301 notes about {{topic}} in five bullet points.\n\n",
        instructions="  Use the cafe\u0301 tone.  ",
        exampleOutput=" - Cafe\u0301 point ",
        variables=[{"name": "topic", "description": "  the cafe\u0301 topic ", "default": " x "}],
        tags=["  Cafe\u0301s  "],
    )

    reply = call("POST", "/v1/prompts", body, token=owner.token)

    assert reply.status == 201, reply.body
    data = reply.data
    assert data["description"] == "Caf\u00e9 notes\nover two lines"
    assert data["content"] == "Summarise the caf\u00e9 notes about {{topic}} in five bullet points."
    assert data["instructions"] == "Use the caf\u00e9 tone."
    assert data["exampleOutput"] == "- Caf\u00e9 point"
    (variable,) = data["variables"]
    assert (variable["name"], variable["description"], variable["default"]) == (
        "topic",
        "the caf\u00e9 topic",
        "x",
    )
    assert data["tags"] == ["cafes"]


def test_finding_12_a_search_for_decomposed_text_finds_the_composed_title(owner):
    tag = f"t{uuid.uuid4().hex[:12]}"
    get_backend().upsert([document(title="Caf\u00e9 menu writer", tags=(tag,))])

    for q in ["Cafe\u0301", "  cafe\u0301  "]:
        reply = call("GET", "/v1/search", query={"q": q, "tag": tag})
        assert reply.status == 200, reply.body
        assert [hit["title"] for hit in reply.data] == ["Caf\u00e9 menu writer"], q
    suggest = call("GET", "/v1/search/suggest", query={"q": "Cafe\u0301 m"})
    assert suggest.status == 200, suggest.body
    assert "Caf\u00e9 menu writer" in suggest.data


@pytest.mark.parametrize("q", ["\u202eevil", "two\u2028lines", "\u200b"])
def test_finding_12_a_search_query_with_odd_characters_is_not_refused(q):
    for path in ("/v1/search", "/v1/search/suggest"):
        reply = call("GET", path, query={"q": q})
        assert reply.status == 200, (path, reply.body)


# --- finding 8: one's own engagement and made-up guests do not stuff ratings or reputation ---


def _from_address(ip: str, method: str, path: str, body: Any = None, token: str = "") -> Reply:
    """A request whose client address (API Gateway's ``requestContext.http.sourceIp``) is
    ``ip``; ``call`` always sends 127.0.0.1."""
    import importlib
    import json

    from tests.support.api import FakeContext, event, match

    found = match(method, path)
    assert found is not None
    route, params = found
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    text = None if body is None else json.dumps(body)
    raw = event(route, path, params, text, headers, {})
    raw["requestContext"]["http"]["sourceIp"] = ip
    handler = importlib.import_module(f"functions.{route.function}.handler").handler
    response = handler(raw, FakeContext())
    payload = json.loads(response["body"]) if response.get("body") else None
    return Reply(response["statusCode"], response.get("headers") or {}, payload)


def _guest_id(n: int) -> str:
    import uuid

    return f"guest-{n:03d}-{uuid.uuid4().hex}"


def _guest_rates(prompt: dict[str, Any], guest: str, score: int, ip: str) -> Reply:
    body = {"score": score, "guestId": guest}
    return _from_address(ip, "PUT", f"/v1/prompts/{prompt['id']}/rating", body)


def _counted(path: str, token: str = "") -> Any:
    """What others see once the stream has been counted."""
    from tests.support.streams import drain

    drain()
    reply = call("GET", path, token=token or None)
    assert reply.status == 200, reply.body
    return reply.data


def test_finding_8_ten_made_up_guest_ids_from_one_address_count_once(owner):
    prompt = create_prompt(owner)

    replies = [_guest_rates(prompt, _guest_id(n), 5, "203.0.113.10") for n in range(10)]

    assert replies[0].status == 200, replies[0].body
    assert [r.status for r in replies[1:]] == [409] * 9, replies[1].body
    assert replies[1].error["code"] == "CONFLICT"
    assert replies[1].error["details"][0]["field"] == "guestId"
    ratings = _counted(f"/v1/prompts/{prompt['id']}/ratings")
    assert (ratings["count"], ratings["guest"]["count"]) == (1, 1)


def test_finding_8_a_guest_re_rating_from_the_same_address_replaces_its_rating(owner):
    prompt = create_prompt(owner)
    guest = _guest_id(1)

    first = _guest_rates(prompt, guest, 2, "203.0.113.11")
    again = _guest_rates(prompt, guest, 5, "203.0.113.11")

    assert (first.status, again.status) == (200, 200), again.body
    ratings = _counted(f"/v1/prompts/{prompt['id']}/ratings")
    assert (ratings["count"], ratings["average"]) == (1, 5.0)
    assert ratings["guest"] == {"count": 1, "average": 5.0}


def test_finding_8_guests_from_other_addresses_and_on_other_prompts_still_count(owner):
    prompt, other = create_prompt(owner), create_prompt(owner)

    replies = [
        _guest_rates(prompt, _guest_id(n), 4, ip)
        for n, ip in enumerate(["203.0.113.21", "203.0.113.22", "198.51.100.23"])
    ]
    elsewhere = _guest_rates(other, _guest_id(9), 4, "203.0.113.21")

    assert [r.status for r in replies] == [200, 200, 200]
    assert elsewhere.status == 200, elsewhere.body
    assert _counted(f"/v1/prompts/{prompt['id']}/ratings")["guest"]["count"] == 3


def test_finding_8_an_address_may_add_one_guest_rating_per_prompt_per_day(owner, monkeypatch):
    from datetime import timedelta

    from promptvault.core.clock import utcnow
    from promptvault.engagement import service

    prompt = create_prompt(owner)
    assert _guest_rates(prompt, _guest_id(1), 3, "203.0.113.31").status == 200
    assert _guest_rates(prompt, _guest_id(2), 3, "203.0.113.31").status == 409

    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(service, "utcnow", lambda: tomorrow)
    next_day = _guest_rates(prompt, _guest_id(2), 3, "203.0.113.31")

    assert next_day.status == 200, next_day.body
    assert _guest_rates(prompt, _guest_id(3), 3, "203.0.113.31").status == 409


def test_finding_8_an_ipv6_slash_64_is_one_source(owner):
    prompt = create_prompt(owner)

    first = _guest_rates(prompt, _guest_id(1), 4, "2001:db8:1:2::1")
    same_network = _guest_rates(prompt, _guest_id(2), 4, "2001:db8:1:2:ffff:ffff:ffff:9")
    other_network = _guest_rates(prompt, _guest_id(3), 4, "2001:db8:1:3::1")

    assert (first.status, same_network.status, other_network.status) == (200, 409, 200)


def test_finding_8_the_client_address_is_stored_only_as_a_keyed_hash(owner):
    import boto3

    from promptvault.core.settings import get_settings

    prompt = create_prompt(owner)
    assert _guest_rates(prompt, _guest_id(1), 4, "192.0.2.177").status == 200
    assert _guest_rates(prompt, _guest_id(2), 4, "2001:db8:77:88::5").status == 200

    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    stored = str(table.scan()["Items"])
    for text in ("192.0.2.177", "2001:db8:77:88", "2001:0db8:0077:0088"):
        assert text not in stored


def test_finding_8_rating_bookmarking_and_forking_ones_own_prompt_earns_nothing():
    """The probe: own 5 stars, own bookmark, three own forks and ten made-up guests moved an
    account from reputation 0 to the top of the leaderboard."""
    author = sign_up()
    prompt = create_prompt(author)
    path = f"/v1/prompts/{prompt['id']}"

    assert call("PUT", f"{path}/rating", {"score": 5}, token=author.token).status == 200
    assert call("PUT", f"{path}/bookmark", token=author.token).status == 200
    for _ in range(3):
        assert call("POST", f"{path}/fork", {}, token=author.token).status == 201
    for n in range(10):
        _guest_rates(prompt, _guest_id(n), 5, "203.0.113.41")

    profile = _counted(f"/v1/users/{author.username}")
    assert profile["reputation"] == 0
    board = call("GET", "/v1/leaderboard", query={"limit": "100"}).data
    assert author.username not in {e["username"] for e in board if e["reputation"] > 0}


def test_finding_8_ones_own_rating_is_shown_as_ones_own_but_not_counted():
    author = sign_up()
    prompt = create_prompt(author)
    path = f"/v1/prompts/{prompt['id']}"

    assert call("PUT", f"{path}/rating", {"score": 5}, token=author.token).status == 200

    ratings = _counted(f"{path}/ratings", author.token)
    assert (ratings["count"], ratings["average"], ratings["mine"]) == (0, None, 5)
    stats = _counted(path)["stats"]
    assert (stats["ratingCount"], stats["ratingAverage"]) == (0, None)


def test_finding_8_ones_own_bookmarks_views_copies_and_forks_are_not_counted():
    author = sign_up()
    prompt = create_prompt(author)
    path = f"/v1/prompts/{prompt['id']}"

    assert call("PUT", f"{path}/bookmark", token=author.token).status == 200
    assert call("POST", f"{path}/views", token=author.token).status == 202
    assert call("POST", f"{path}/copies", token=author.token).status == 202
    assert call("POST", f"{path}/fork", {}, token=author.token).status == 201
    assert call("POST", f"{path}/views").status == 202  # anonymous: counted

    stats = _counted(path)["stats"]
    assert (stats["bookmarks"], stats["views"], stats["copies"], stats["forks"]) == (0, 1, 0, 0)
    mine = call("GET", "/v1/users/me/bookmarks", token=author.token).data
    assert [b["prompt"]["id"] for b in mine] == [prompt["id"]]  # still one's own bookmark


def test_finding_8_others_engagement_still_earns_reputation():
    author, fan = sign_up(), sign_up()
    prompt = create_prompt(author)
    path = f"/v1/prompts/{prompt['id']}"

    call("PUT", f"{path}/rating", {"score": 5}, token=fan.token)  # +2
    call("PUT", f"{path}/bookmark", token=fan.token)  # +2
    call("POST", f"{path}/fork", {}, token=fan.token)  # +5

    assert _counted(f"/v1/users/{author.username}")["reputation"] == 9
    stats = _counted(path)["stats"]
    assert (stats["ratingCount"], stats["bookmarks"], stats["forks"]) == (1, 1, 1)


def test_finding_8_guest_ratings_count_in_the_average_but_earn_no_reputation():
    author, fan = sign_up(), sign_up()
    prompt = create_prompt(author)
    path = f"/v1/prompts/{prompt['id']}"
    for n, ip in enumerate(["203.0.113.51", "203.0.113.52"]):
        assert _guest_rates(prompt, _guest_id(n), 5, ip).status == 200

    assert _counted(f"/v1/users/{author.username}")["reputation"] == 0
    call("PUT", f"{path}/rating", {"score": 5}, token=fan.token)
    assert _counted(f"/v1/users/{author.username}")["reputation"] == 2
    assert _counted(path)["stats"]["ratingCount"] == 3


def test_finding_8_the_ratings_breakdown_separates_guests_and_signed_in_raters(owner):
    prompt = create_prompt(owner)
    path = f"/v1/prompts/{prompt['id']}"
    for score in (5, 3):
        assert call("PUT", f"{path}/rating", {"score": score}, token=sign_up().token).status == 200
    assert _guest_rates(prompt, _guest_id(1), 1, "203.0.113.61").status == 200

    ratings = _counted(f"{path}/ratings")

    assert (ratings["count"], ratings["average"]) == (3, 3.0)
    assert ratings["signedIn"] == {"count": 2, "average": 4.0}
    assert ratings["guest"] == {"count": 1, "average": 1.0}
    assert ratings["breakdown"] == {"1": 1, "2": 0, "3": 1, "4": 0, "5": 1}


# --- finding 1: an unlisted prompt is reached by its link (the id), never by its slug --------

# every route that resolves a slug: (method, path after the slug, body, query, success)
BY_LINK = [
    ("GET", "", None, {}, 200),
    ("GET", "/versions", None, {}, 200),
    ("GET", "/versions/1", None, {}, 200),
    ("GET", "/diff", None, {"from": "1", "to": "2"}, 200),
    ("GET", "/ratings", None, {}, 200),
    ("GET", "/forks", None, {}, 200),
    ("POST", "/views", None, {}, 202),
    ("POST", "/copies", None, {}, 202),
    ("PUT", "/rating", {"score": 4}, {}, 200),
    ("DELETE", "/rating", None, {}, 204),
    ("PUT", "/bookmark", None, {}, 200),
    ("POST", "/fork", {}, {}, 201),
    ("GET", "/labels", None, {}, 200),
    ("GET", "/labels/production/history", None, {}, 200),
    ("POST", "/render", {"variables": {"topic": "x"}, "version": 1}, {}, 200),
]
BY_LINK_IDS = [f"{method} {tail or '/'}" for method, tail, *_ in BY_LINK]


@pytest.fixture(scope="module")
def stranger() -> User:
    return sign_up()


def _hidden_title(word: str = "Quarterly layoffs plan") -> str:
    return f"{word} {uuid.uuid4().hex[:8]}"


def _with_two_versions(user: User, **fields: Any) -> dict[str, Any]:
    prompt = create_prompt(user, title=_hidden_title(), **fields)
    body = {"content": "Summarise the layoffs about {{topic}} in three bullet points."}
    edited = edit(user, prompt, body, prompt["etag"])
    assert edited.status == 200, edited.body
    return {**edited.data, "etag": edited.headers["ETag"]}


def _on(prompt_ref: str, method: str, tail: str, body: Any, query: dict[str, str], token: str):
    return call(method, f"/v1/prompts/{prompt_ref}{tail}", body, token=token, query=query)


@pytest.mark.parametrize(("method", "tail", "body", "query", "success"), BY_LINK, ids=BY_LINK_IDS)
def test_finding_1_an_unlisted_prompts_slug_answers_others_like_an_unknown_slug(
    method, tail, body, query, success, owner, stranger
):
    unlisted = _with_two_versions(owner, visibility="unlisted")
    unknown = f"no-such-prompt-{uuid.uuid4().hex[:8]}"

    by_slug = _on(unlisted["slug"], method, tail, body, query, stranger.token)
    by_unknown = _on(unknown, method, tail, body, query, stranger.token)

    assert by_slug.status == 404, by_slug.body
    assert by_slug.body == by_unknown.body


@pytest.mark.parametrize(("method", "tail", "body", "query", "success"), BY_LINK, ids=BY_LINK_IDS)
def test_finding_1_an_unlisted_prompt_is_reached_by_its_id(
    method, tail, body, query, success, owner, stranger
):
    unlisted = _with_two_versions(owner, visibility="unlisted")

    reply = _on(unlisted["id"], method, tail, body, query, stranger.token)

    assert reply.status == success, reply.body


@pytest.mark.parametrize(
    "state",
    [{"visibility": "unlisted"}, {"visibility": "private"}, {"status": "draft"}],
    ids=["unlisted", "private", "draft"],
)
def test_finding_1_the_owner_still_reaches_their_hidden_prompt_by_its_slug(state, owner):
    prompt = create_prompt(owner, title=_hidden_title(), **state)

    reply = call("GET", f"/v1/prompts/{prompt['slug']}", token=owner.token)

    assert reply.status == 200, reply.body
    assert reply.data["id"] == prompt["id"]


def test_finding_1_a_public_prompt_is_still_reached_by_its_slug(owner):
    prompt = create_prompt(owner, title=_hidden_title("Team standup template"))

    reply = call("GET", f"/v1/prompts/{prompt['slug']}")

    assert reply.status == 200, reply.body
    assert reply.data["id"] == prompt["id"]


def test_finding_1_an_unlisted_prompts_slug_stops_resolving_when_it_is_unlisted(owner, stranger):
    prompt = create_prompt(owner, title=_hidden_title())
    assert call("GET", f"/v1/prompts/{prompt['slug']}", token=stranger.token).status == 200

    unlisted = edit(owner, prompt, {"visibility": "unlisted"}, prompt["etag"])

    assert unlisted.status == 200, unlisted.body
    assert call("GET", f"/v1/prompts/{prompt['slug']}", token=stranger.token).status == 404
    assert call("GET", f"/v1/prompts/{prompt['id']}", token=stranger.token).status == 200


# --- finding 2: a fork of a prompt others cannot list publicly stays private -----------------


def _fork(user: User, prompt: dict[str, Any], body: dict[str, Any] | None = None) -> Reply:
    return call("POST", f"/v1/prompts/{prompt['id']}/fork", body or {}, token=user.token)


def _listed_ids(path: str, token: str | None = None, **query: str) -> set[str]:
    reply = call("GET", path, token=token, query={"limit": "100", **query})
    assert reply.status == 200, reply.body
    return {entry["id"] for entry in reply.data}


NOT_LISTED = [
    {"visibility": "unlisted"},
    {"visibility": "unlisted", "status": "archived"},
    {"status": "archived"},
]
NOT_LISTED_IDS = ["unlisted", "unlisted-archived", "public-archived"]


@pytest.mark.parametrize("state", NOT_LISTED, ids=NOT_LISTED_IDS)
@pytest.mark.parametrize("asked", [{}, {"visibility": "public"}, {"visibility": "unlisted"}])
def test_finding_2_a_fork_of_a_prompt_others_cannot_list_starts_private(
    state, asked, owner, stranger
):
    from tests.support.streams import drain

    original = create_prompt(owner, title=_hidden_title(), **state)

    reply = _fork(stranger, original, asked)

    assert reply.status == 201, reply.body
    assert reply.data["visibility"] == "private"
    fork_id = reply.data["id"]
    assert call("GET", f"/v1/prompts/{fork_id}").status == 404
    assert fork_id not in _listed_ids("/v1/prompts")
    assert fork_id not in _listed_ids(f"/v1/prompts/{original['id']}/forks")
    drain()
    found = call("GET", "/v1/search", query={"q": original["title"]})
    assert fork_id not in {hit["id"] for hit in found.data}


def test_finding_2_a_forks_origin_is_shown_only_to_who_may_see_it(owner, stranger):
    original = create_prompt(owner, title=_hidden_title(), visibility="unlisted")
    fork = _fork(stranger, original)
    fork_etag = fork.headers["ETag"]
    shared = edit(stranger, fork.data, {"visibility": "public"}, fork_etag)  # the forker's act
    assert shared.status == 200, shared.body
    third = sign_up()
    origin = {"id": original["id"], "version": 1}

    mine = call("GET", f"/v1/prompts/{fork.data['id']}", token=stranger.token)
    theirs = call("GET", f"/v1/prompts/{fork.data['id']}", token=third.token)
    anyones = call("GET", f"/v1/prompts/{fork.data['id']}")
    feed = call("GET", "/v1/prompts", query={"limit": "100"}).data
    forks = call("GET", f"/v1/prompts/{original['id']}/forks").data

    assert shared.data["forkedFrom"] == origin
    assert mine.data["forkedFrom"] == origin
    assert theirs.data["forkedFrom"] is None
    assert anyones.data["forkedFrom"] is None
    assert [p["forkedFrom"] for p in feed if p["id"] == fork.data["id"]] == [None]
    assert [p["forkedFrom"] for p in forks if p["id"] == fork.data["id"]] == [None]
    assert original["id"] not in str(anyones.body)


def test_finding_2_a_forks_first_version_does_not_name_the_original(owner, stranger):
    original = create_prompt(owner, title=_hidden_title(), visibility="unlisted")
    fork = _fork(stranger, original).data

    versions = call("GET", f"/v1/prompts/{fork['id']}/versions", token=stranger.token)
    first = call("GET", f"/v1/prompts/{fork['id']}/versions/1", token=stranger.token)

    assert versions.status == first.status == 200, versions.body
    assert original["id"] not in str(versions.body)
    assert original["id"] not in str(first.body)
    assert first.data["changeMessage"] == "Forked from version 1"


def test_finding_2_a_fork_of_a_public_prompt_is_as_asked_and_names_its_origin(owner, stranger):
    original = create_prompt(owner, title=_hidden_title("Team standup template"))

    fork = _fork(stranger, original)

    assert fork.status == 201, fork.body
    assert fork.data["visibility"] == "public"
    seen = call("GET", f"/v1/prompts/{fork.data['id']}")
    assert seen.data["forkedFrom"] == {"id": original["id"], "version": 1}
    assert fork.data["id"] in _listed_ids(f"/v1/prompts/{original['id']}/forks")


def test_finding_2_the_owner_forks_their_own_unlisted_prompt_as_they_ask(owner, stranger):
    original = create_prompt(owner, title=_hidden_title(), visibility="unlisted")

    fork = _fork(owner, original, {"visibility": "public"})

    assert fork.status == 201, fork.body
    assert fork.data["visibility"] == "public"
    assert fork.data["forkedFrom"] == {"id": original["id"], "version": 1}
    seen = call("GET", f"/v1/prompts/{fork.data['id']}", token=stranger.token)
    assert seen.status == 200, seen.body
    assert seen.data["forkedFrom"] is None  # the origin's link stays the owner's to give


# --- finding 3: no oracle: slugs and answers do not depend on others' private prompts --------


def _slug_base(title: str) -> str:
    return title.lower().replace(" ", "-")


def test_finding_3_a_title_someone_keeps_private_gets_a_slug_like_any_other(owner, stranger):
    import re

    from bench.counting import counting_aws_calls

    taken_title, fresh_title = _hidden_title(), _hidden_title("Quarterly hiring plan")
    create_prompt(owner, title=taken_title, visibility="private")

    with counting_aws_calls() as counter:
        over_private = create_prompt(stranger, title=taken_title)
    calls_over_private = counter.snapshot()
    with counting_aws_calls() as counter:
        fresh = create_prompt(stranger, title=fresh_title)

    assert re.fullmatch(rf"{_slug_base(taken_title)}-[0-9a-f]{{6}}", over_private["slug"])
    assert re.fullmatch(rf"{_slug_base(fresh_title)}-[0-9a-f]{{6}}", fresh["slug"])
    assert calls_over_private == counter.snapshot()


def test_finding_3_one_title_twice_gets_two_slugs(owner):
    title = _hidden_title("Team standup template")

    first, second = create_prompt(owner, title=title), create_prompt(owner, title=title)

    assert first["slug"] != second["slug"]
    assert first["slug"].startswith(_slug_base(title) + "-")
    assert second["slug"].startswith(_slug_base(title) + "-")


HIDDEN_STATES = [{"visibility": "private"}, {"visibility": "unlisted"}, {"status": "draft"}]


@pytest.mark.parametrize("state", HIDDEN_STATES, ids=["private", "unlisted", "draft"])
@pytest.mark.parametrize(("method", "tail", "body", "query", "success"), BY_LINK, ids=BY_LINK_IDS)
def test_finding_3_a_hidden_slug_costs_the_same_aws_calls_as_an_unknown_one(
    state, method, tail, body, query, success, owner, stranger
):
    from bench.counting import counting_aws_calls

    hidden = create_prompt(owner, title=_hidden_title(), **state)
    unknown = f"no-such-prompt-{uuid.uuid4().hex[:8]}"

    with counting_aws_calls() as counter:
        seen = _on(hidden["slug"], method, tail, body, query, stranger.token)
    hidden_calls = counter.snapshot()
    with counting_aws_calls() as counter:
        unseen = _on(unknown, method, tail, body, query, stranger.token)

    assert (seen.status, seen.body) == (unseen.status, unseen.body) == (404, unseen.body)
    assert hidden_calls == counter.snapshot()


# --- finding 7: a deleted prompt's slug is tombstoned: 410 Gone, never given again -----------


def _deleted(user: User, title: str | None = None) -> dict[str, Any]:
    prompt = create_prompt(user, title=title or _hidden_title("Team standup template"))
    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=user.token).status == 204
    return prompt


def _slug_item(slug: str) -> dict[str, Any] | None:
    import boto3

    from promptvault.core.settings import get_settings

    reply = boto3.client("dynamodb").get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"SLUG#{slug}"}, "SK": {"S": "SLUG"}},
    )
    return reply.get("Item")


def test_finding_7_a_deleted_prompts_slug_is_never_given_to_another_prompt(
    owner, stranger, monkeypatch
):
    from promptvault.prompts import service

    title = _hidden_title("Team standup template")
    gone = _deleted(owner, title)
    # the next slug of that title is drawn to be the deleted one's: the tombstone refuses it
    draws = iter([gone["slug"].rsplit("-", 1)[1], "c0ffee"])
    monkeypatch.setattr(service, "short_suffix", lambda *args: next(draws))

    reborn = create_prompt(stranger, title=title)

    assert reborn["slug"] != gone["slug"]
    old_link = call("GET", f"/v1/prompts/{gone['slug']}")
    assert old_link.status == 410, old_link.body
    assert old_link.error["code"] == "GONE"
    assert call("GET", f"/v1/prompts/{reborn['slug']}").data["id"] == reborn["id"]


def test_finding_7_a_slug_tombstone_keeps_only_the_slug_and_when(owner):
    gone = _deleted(owner)

    tombstone = _slug_item(gone["slug"])

    assert tombstone is not None
    assert set(tombstone) == {"PK", "SK", "type", "deletedAt"}, tombstone
    assert call("GET", f"/v1/prompts/{gone['id']}").status == 404  # the id is simply gone


# (method, path with {id}) -> the body the route needs; routes left out need none
_BODIES = {
    ("PUT", "/v1/prompts/{id}/rating"): {"score": 4},
    ("POST", "/v1/prompts/{id}/fork"): {},
    ("PATCH", "/v1/prompts/{id}"): {"title": "A newer title"},
    ("POST", "/v1/moderation/prompts/{id}/archive"): {"reason": "spam"},
    ("POST", "/v1/moderation/prompts/{id}/restore"): {"reason": "fine"},
    ("PUT", "/v1/prompts/{id}/labels/{label}"): {"version": 1},
    ("POST", "/v1/prompts/{id}/render"): {"variables": {"topic": "x"}, "version": 1},
    ("POST", "/v1/prompts/{id}/shares"): {},
    ("POST", "/v1/prompts/{id}/comments"): {"body": "A comment"},
}
_QUERIES = {("GET", "/v1/prompts/{id}/diff"): {"from": "1", "to": "2"}}
SLUG_ROUTES = {
    f"{method} /v1/prompts/{{id}}"
    + tail.replace("/versions/1", "/versions/{n}").replace("/labels/production", "/labels/{label}")
    for method, tail, *_ in BY_LINK
} | {  # comments are read and written on what the caller can see, by id or slug
    "GET /v1/prompts/{id}/comments",
    "POST /v1/prompts/{id}/comments",
}


def _routes_with_an_id() -> list[Any]:
    from promptvault.catalogue import ROUTES

    return [route for route in ROUTES if "prompts/{id}" in route.path]


@pytest.mark.parametrize("route", _routes_with_an_id(), ids=lambda route: route.route_key)
def test_finding_7_every_route_that_resolves_slugs_answers_and_documents_410(route, owner):
    import importlib

    gone = _deleted(owner)
    path = route.path.replace("{id}", gone["slug"]).replace("{n}", "1")
    path = path.replace("{label}", "production")
    key = (route.method, route.path)
    headers = {"If-Match": gone["etag"]}

    reply = call(route.method, path, _BODIES.get(key), owner.token, headers, _QUERIES.get(key))

    endpoint = importlib.import_module(f"functions.{route.function}.route").endpoint
    documented = endpoint.responses(route)
    if route.route_key in SLUG_ROUTES:
        assert reply.status == 410, reply.body
        assert reply.error["code"] == "GONE"
        assert 410 in documented
    else:  # owner-only and moderation routes take ids only
        assert reply.status in {403, 404}, reply.body
        assert 410 not in documented
