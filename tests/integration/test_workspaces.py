"""Workspaces and members (issue 14, docs/workspaces.md, decisions 72 and 73).

Everyone has a personal workspace (derived: one member, never changed); team workspaces have
a product-wide unique slug, members with roles (owner > admin > editor > viewer), at least one
owner at all times, and are 404 to anyone who is not a member."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from promptvault.core.errors import Conflict, PersonalWorkspace
from promptvault.core.ids import new_id
from promptvault.data.models import WorkspaceItem
from promptvault.workspaces import repository as repo
from promptvault.workspaces import service
from promptvault.workspaces.roles import Action, Role, can
from promptvault.workspaces.schemas import MAX_MEMBERS, MAX_OWNED
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, sign_up
from tests.support.identity import api_key


def slug() -> str:
    return f"team-{uuid.uuid4().hex[:12]}"


def workspace(user: User, **body: Any) -> dict[str, Any]:
    made = call(
        "POST", "/v1/workspaces", {"name": "Team", "slug": slug(), **body}, token=user.token
    )
    assert made.status == 201, made.body
    return made.data


def team(roles: tuple[Role, ...] = (Role.ADMIN, Role.EDITOR, Role.VIEWER)) -> dict[str, Any]:
    """A workspace with an owner and one member per role: ``people[role]``, plus ``ws``."""
    owner = sign_up()
    made = workspace(owner)
    people: dict[str, Any] = {"ws": made, Role.OWNER: owner}
    for role in roles:
        person = sign_up()
        service.add_member(made["id"], person.id, role, invited_by=owner.id)
        people[role] = person
    return people


def members_path(ws: dict[str, Any], user_id: str = "") -> str:
    base = f"/v1/workspaces/{ws['id']}/members"
    return f"{base}/{user_id}" if user_id else base


def set_role(by: User, ws: dict[str, Any], user: User, role: str) -> Reply:
    return call("PATCH", members_path(ws, user.id), {"role": role}, token=by.token)


def remove(by: User, ws: dict[str, Any], user: User) -> Reply:
    return call("DELETE", members_path(ws, user.id), token=by.token)


def roles_of(ws: dict[str, Any], by: User) -> dict[str, str]:
    listed = call("GET", members_path(ws), token=by.token, query={"limit": "100"})
    assert listed.status == 200, listed.body
    return {member["userId"]: member["role"] for member in listed.data}


# --- roles ------------------------------------------------------------------------------------


def test_each_role_may_do_what_the_roles_below_it_may():
    assert can(Role.VIEWER, Action.READ)
    assert not can(Role.VIEWER, Action.EDIT_PROMPTS)
    assert can(Role.EDITOR, Action.EDIT_PROMPTS)
    assert not can(Role.EDITOR, Action.MANAGE_MEMBERS)
    assert can(Role.ADMIN, Action.MANAGE_MEMBERS)
    assert not can(Role.ADMIN, Action.MANAGE_OWNERS)
    assert can(Role.OWNER, Action.DELETE_WORKSPACE)
    assert not can(None, Action.READ)


# --- create, read, list -----------------------------------------------------------------------


def test_a_new_team_workspace_has_its_creator_as_owner():
    owner = sign_up()
    wanted = slug()

    made = call("POST", "/v1/workspaces", {"name": "Growth", "slug": wanted}, token=owner.token)

    assert made.status == 201, made.body
    assert made.data["slug"] == wanted
    assert made.data["name"] == "Growth"
    assert made.data["role"] == "owner"
    assert made.data["memberCount"] == 1
    assert made.data["personal"] is False
    assert service.membership(made.data["id"], owner.id) is Role.OWNER


def test_a_slug_is_unique_across_the_product():
    taken = workspace(sign_up())["slug"]

    again = call("POST", "/v1/workspaces", {"name": "Mine", "slug": taken}, token=sign_up().token)

    assert again.status == 409
    assert again.error["code"] == "SLUG_TAKEN"


@pytest.mark.parametrize("bad", ["ab", "-abc", "abc-", "ABC", "a_b_c", "a" * 41])
def test_a_malformed_slug_is_refused(bad: str):
    made = call("POST", "/v1/workspaces", {"name": "T", "slug": bad}, token=sign_up().token)

    assert made.status == 422


def test_everyone_has_a_personal_workspace_listed_first():
    person = sign_up()
    made = workspace(person)

    listed = call("GET", "/v1/workspaces", token=person.token)

    assert listed.status == 200, listed.body
    first, second = listed.data
    assert first["id"] == f"ws_{person.id}"
    assert first["personal"] is True
    assert first["role"] == "owner"
    assert first["slug"] is None
    assert first["memberCount"] == 1
    assert second["id"] == made["id"]
    assert second["role"] == "owner"


def test_the_listing_pages_with_a_cursor():
    person = sign_up()
    made = [workspace(person)["id"] for _ in range(3)]
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        page = call("GET", "/v1/workspaces", token=person.token, query=query)
        assert page.status == 200, page.body
        seen += [ws["id"] for ws in page.data]
        cursor = page.body["meta"]["nextCursor"]
        if not cursor:
            break

    assert seen == [f"ws_{person.id}", *made]


def test_a_tampered_cursor_is_400():
    person = sign_up()
    workspace(person)
    page = call("GET", "/v1/workspaces", token=person.token, query={"limit": "1"})
    cursor = page.body["meta"]["nextCursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")

    again = call("GET", "/v1/workspaces", token=person.token, query={"cursor": tampered})

    assert again.status == 400
    assert again.error["code"] == "INVALID_CURSOR"


def test_someone_elses_cursor_is_400():
    person, other = sign_up(), sign_up()
    workspace(person)
    page = call("GET", "/v1/workspaces", token=person.token, query={"limit": "1"})

    again = call(
        "GET",
        "/v1/workspaces",
        token=other.token,
        query={"cursor": page.body["meta"]["nextCursor"]},
    )

    assert again.status == 400


def test_every_member_reads_the_workspace_with_their_role():
    people = team()
    for role in Role:
        got = call("GET", f"/v1/workspaces/{people['ws']['id']}", token=people[role].token)
        assert got.status == 200, got.body
        assert got.data["role"] == role.value
        assert got.data["memberCount"] == 4


def test_a_non_member_gets_404_for_every_workspace_route():
    people = team(())
    ws = people["ws"]
    stranger = sign_up()
    requests = [
        ("GET", f"/v1/workspaces/{ws['id']}", None),
        ("PATCH", f"/v1/workspaces/{ws['id']}", {"name": "Mine now"}),
        ("DELETE", f"/v1/workspaces/{ws['id']}", None),
        ("GET", members_path(ws), None),
        ("PATCH", members_path(ws, people[Role.OWNER].id), {"role": "viewer"}),
        ("DELETE", members_path(ws, people[Role.OWNER].id), None),
    ]
    for method, path, body in requests:
        reply = call(method, path, body, token=stranger.token)
        assert reply.status == 404, (method, path, reply.body)


def test_someone_elses_personal_workspace_is_404():
    person, other = sign_up(), sign_up()

    got = call("GET", f"/v1/workspaces/ws_{person.id}", token=other.token)

    assert got.status == 404
    assert service.membership(f"ws_{person.id}", other.id) is None


def test_an_unknown_or_malformed_id_is_404():
    person = sign_up()
    for wid in ("ws_" + "0" * 32, "nope", "ws_"):
        assert call("GET", f"/v1/workspaces/{wid}", token=person.token).status == 404


def test_an_api_key_reads_its_owners_workspaces():
    person = sign_up()
    workspace(person)
    key = api_key(person)

    listed = call("GET", "/v1/workspaces", token=key["key"])

    assert listed.status == 200, listed.body
    assert [ws["personal"] for ws in listed.data] == [True, False]


# --- edit and delete --------------------------------------------------------------------------


def test_admins_and_owners_rename_and_reslug():
    people = team()
    ws = people["ws"]
    for role in (Role.ADMIN, Role.OWNER):
        wanted = slug()
        edited = call(
            "PATCH",
            f"/v1/workspaces/{ws['id']}",
            {"name": f"By {role}", "slug": wanted},
            token=people[role].token,
        )
        assert edited.status == 200, edited.body
        assert edited.data["slug"] == wanted
        assert edited.data["name"] == f"By {role}"
        assert edited.data["role"] == role.value


def test_a_slug_given_up_is_free_again():
    people = team(())
    ws = people["ws"]
    old = ws["slug"]
    moved = call(
        "PATCH", f"/v1/workspaces/{ws['id']}", {"slug": slug()}, token=people[Role.OWNER].token
    )
    assert moved.status == 200, moved.body

    taken = workspace(sign_up(), slug=old)

    assert taken["slug"] == old


def test_a_rename_to_a_taken_slug_is_409_and_changes_nothing():
    people = team(())
    ws = people["ws"]
    other = workspace(sign_up())

    edited = call(
        "PATCH",
        f"/v1/workspaces/{ws['id']}",
        {"name": "Renamed", "slug": other["slug"]},
        token=people[Role.OWNER].token,
    )

    assert edited.status == 409
    assert edited.error["code"] == "SLUG_TAKEN"
    got = call("GET", f"/v1/workspaces/{ws['id']}", token=people[Role.OWNER].token)
    assert got.data["name"] == "Team"
    assert got.data["slug"] == ws["slug"]


def test_editors_and_viewers_may_not_edit_the_workspace():
    people = team()
    for role in (Role.EDITOR, Role.VIEWER):
        edited = call(
            "PATCH",
            f"/v1/workspaces/{people['ws']['id']}",
            {"name": "Nope"},
            token=people[role].token,
        )
        assert edited.status == 403, edited.body


def test_an_empty_edit_is_422():
    people = team(())
    edited = call(
        "PATCH", f"/v1/workspaces/{people['ws']['id']}", {}, token=people[Role.OWNER].token
    )
    assert edited.status == 422


def test_only_an_owner_deletes_a_workspace_and_its_members_go_with_it():
    people = team()
    ws = people["ws"]
    for role in (Role.ADMIN, Role.EDITOR, Role.VIEWER):
        refused = call("DELETE", f"/v1/workspaces/{ws['id']}", token=people[role].token)
        assert refused.status == 403, refused.body

    gone = call("DELETE", f"/v1/workspaces/{ws['id']}", token=people[Role.OWNER].token)

    assert gone.status == 204
    for role in Role:
        assert call("GET", f"/v1/workspaces/{ws['id']}", token=people[role].token).status == 404
        assert service.membership(ws["id"], people[role].id) is None
        listed = call("GET", "/v1/workspaces", token=people[role].token)
        assert [w["id"] for w in listed.data] == [f"ws_{people[role].id}"]
    assert workspace(sign_up(), slug=ws["slug"])["slug"] == ws["slug"]  # the slug is free


def test_the_personal_workspace_cannot_be_renamed_deleted_or_shared():
    person, other = sign_up(), sign_up()
    mine = f"/v1/workspaces/ws_{person.id}"

    renamed = call("PATCH", mine, {"name": "Mine"}, token=person.token)
    deleted = call("DELETE", mine, token=person.token)
    changed = call("PATCH", f"{mine}/members/{person.id}", {"role": "viewer"}, token=person.token)
    left = call("DELETE", f"{mine}/members/{person.id}", token=person.token)

    for reply in (renamed, deleted, changed, left):
        assert reply.status == 409, reply.body
        assert reply.error["code"] == "PERSONAL_WORKSPACE"
    with pytest.raises(PersonalWorkspace):
        service.add_member(f"ws_{person.id}", other.id, Role.VIEWER, invited_by=person.id)


def test_the_personal_workspace_lists_its_one_member():
    person = sign_up()

    listed = call("GET", f"/v1/workspaces/ws_{person.id}/members", token=person.token)

    assert listed.status == 200, listed.body
    assert [(m["userId"], m["role"]) for m in listed.data] == [(person.id, "owner")]


def test_at_most_so_many_workspaces_owned(monkeypatch: pytest.MonkeyPatch):
    person = sign_up()
    workspace(person)
    workspace(person)
    monkeypatch.setattr(service, "MAX_OWNED", 2)

    third = call("POST", "/v1/workspaces", {"name": "Three", "slug": slug()}, token=person.token)

    assert third.status == 409
    assert MAX_OWNED == 50


# --- members ----------------------------------------------------------------------------------


def test_every_member_lists_the_members_with_their_roles():
    people = team()
    for role in Role:
        assert roles_of(people["ws"], people[role]) == {people[r].id: r.value for r in Role}


def test_the_members_listing_pages_and_refuses_a_tampered_cursor():
    people = team()
    ws = people["ws"]
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = call("GET", members_path(ws), token=people[Role.VIEWER].token, query=query)
        assert page.status == 200, page.body
        seen += [m["userId"] for m in page.data]
        cursor = page.body["meta"]["nextCursor"]
        if not cursor:
            break
        last = cursor

    assert sorted(seen) == sorted(people[r].id for r in Role)
    assert len(seen) == 4
    bad = call("GET", members_path(ws), token=people[Role.OWNER].token, query={"cursor": last[:-3]})
    assert bad.status == 400


def test_add_member_is_idempotent_and_keeps_the_existing_role():
    people = team((Role.EDITOR,))
    ws, editor = people["ws"], people[Role.EDITOR]

    service.add_member(ws["id"], editor.id, Role.ADMIN, invited_by=people[Role.OWNER].id)

    assert service.membership(ws["id"], editor.id) is Role.EDITOR
    got = call("GET", f"/v1/workspaces/{ws['id']}", token=editor.token)
    assert got.data["memberCount"] == 2


def test_add_member_to_a_deleted_workspace_is_a_conflict():
    people = team(())
    ws = people["ws"]
    assert (
        call("DELETE", f"/v1/workspaces/{ws['id']}", token=people[Role.OWNER].token).status == 204
    )

    with pytest.raises(Conflict):
        service.add_member(ws["id"], sign_up().id, Role.VIEWER, invited_by=people[Role.OWNER].id)


def test_a_full_workspace_takes_no_one_more(monkeypatch: pytest.MonkeyPatch):
    people = team((Role.VIEWER,))
    monkeypatch.setattr(service, "MAX_MEMBERS", 2)

    with pytest.raises(Conflict, match="At most 2 members"):
        service.add_member(people["ws"]["id"], sign_up().id, Role.VIEWER, invited_by="x")
    assert MAX_MEMBERS == 500


def test_an_admin_changes_roles_below_owner():
    people = team()
    ws = people["ws"]

    changed = set_role(people[Role.ADMIN], ws, people[Role.VIEWER], "editor")

    assert changed.status == 200, changed.body
    assert changed.data["role"] == "editor"
    assert changed.data["userId"] == people[Role.VIEWER].id
    assert service.membership(ws["id"], people[Role.VIEWER].id) is Role.EDITOR


def test_only_an_owner_grants_or_revokes_owner():
    people = team()
    ws = people["ws"]

    granted_by_admin = set_role(people[Role.ADMIN], ws, people[Role.EDITOR], "owner")
    demoted_by_admin = set_role(people[Role.ADMIN], ws, people[Role.OWNER], "viewer")
    granted = set_role(people[Role.OWNER], ws, people[Role.EDITOR], "owner")

    assert granted_by_admin.status == 403
    assert demoted_by_admin.status == 403
    assert granted.status == 200, granted.body
    assert service.membership(ws["id"], people[Role.EDITOR].id) is Role.OWNER


def test_editors_and_viewers_manage_no_one():
    people = team()
    ws = people["ws"]
    for role in (Role.EDITOR, Role.VIEWER):
        assert set_role(people[role], ws, people[Role.VIEWER], "admin").status == 403
        assert remove(people[role], ws, people[Role.ADMIN]).status == 403
        assert set_role(people[role], ws, people[role], "admin").status == 403


def test_an_unknown_member_is_404():
    people = team(())
    stranger = sign_up()

    assert set_role(people[Role.OWNER], people["ws"], stranger, "viewer").status == 404
    assert remove(people[Role.OWNER], people["ws"], stranger).status == 404


def test_an_invalid_role_is_422():
    people = team((Role.VIEWER,))
    reply = set_role(people[Role.OWNER], people["ws"], people[Role.VIEWER], "superuser")
    assert reply.status == 422


def test_the_last_owner_cannot_be_demoted_nor_leave():
    people = team((Role.ADMIN,))
    ws, owner = people["ws"], people[Role.OWNER]

    demoted = set_role(owner, ws, owner, "admin")
    left = remove(owner, ws, owner)

    for reply in (demoted, left):
        assert reply.status == 409, reply.body
        assert reply.error["code"] == "LAST_OWNER"
    assert service.membership(ws["id"], owner.id) is Role.OWNER


def test_with_a_second_owner_the_first_may_step_down_and_leave():
    people = team((Role.ADMIN,))
    ws, owner, admin = people["ws"], people[Role.OWNER], people[Role.ADMIN]
    assert set_role(owner, ws, admin, "owner").status == 200

    assert set_role(owner, ws, owner, "editor").status == 200
    assert remove(owner, ws, owner).status == 204

    assert service.membership(ws["id"], owner.id) is None
    assert set_role(admin, ws, admin, "viewer").error["code"] == "LAST_OWNER"


def test_two_owners_cannot_both_step_down():
    people = team((Role.ADMIN,))
    ws, first, second = people["ws"], people[Role.OWNER], people[Role.ADMIN]
    assert set_role(first, ws, second, "owner").status == 200

    replies = [set_role(first, ws, first, "viewer"), set_role(second, ws, second, "viewer")]

    assert [r.status for r in replies] == [200, 409]
    owners = [uid for uid, role in roles_of(ws, second).items() if role == "owner"]
    assert owners == [second.id]


def test_anyone_may_leave():
    people = team()
    ws = people["ws"]
    for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN):
        left = remove(people[role], ws, people[role])
        assert left.status == 204, left.body
        assert call("GET", f"/v1/workspaces/{ws['id']}", token=people[role].token).status == 404

    got = call("GET", f"/v1/workspaces/{ws['id']}", token=people[Role.OWNER].token)
    assert got.data["memberCount"] == 1


def test_admins_remove_members_below_owner_and_owners_remove_anyone():
    people = team((Role.ADMIN, Role.EDITOR, Role.VIEWER))
    ws = people["ws"]
    second_owner = sign_up()
    service.add_member(ws["id"], second_owner.id, Role.OWNER, invited_by=people[Role.OWNER].id)

    assert remove(people[Role.ADMIN], ws, second_owner).status == 403
    assert remove(people[Role.ADMIN], ws, people[Role.VIEWER]).status == 204
    assert remove(people[Role.OWNER], ws, people[Role.ADMIN]).status == 204
    assert remove(people[Role.OWNER], ws, second_owner).status == 204

    assert set(roles_of(ws, people[Role.OWNER])) == {people[Role.OWNER].id, people[Role.EDITOR].id}


# --- account deletion -------------------------------------------------------------------------


def delete_account(user: User) -> Reply:
    return call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token)


def test_the_last_owner_of_a_shared_workspace_cannot_delete_their_account():
    people = team((Role.ADMIN,))
    owner = people[Role.OWNER]

    refused = delete_account(owner)

    assert refused.status == 409, refused.body
    assert refused.error["code"] == "LAST_OWNER"
    assert people["ws"]["slug"] in refused.error["message"]
    assert call("GET", "/v1/users/me", token=owner.token).status == 200  # nothing happened


def test_once_ownership_moved_the_account_goes_and_its_memberships_with_it():
    people = team((Role.ADMIN,))
    ws, owner, admin = people["ws"], people[Role.OWNER], people[Role.ADMIN]
    assert set_role(owner, ws, admin, "owner").status == 200

    assert delete_account(owner).status == 204

    assert roles_of(ws, admin) == {admin.id: "owner"}
    got = call("GET", f"/v1/workspaces/{ws['id']}", token=admin.token)
    assert got.data["memberCount"] == 1


def test_a_workspace_one_is_alone_in_goes_with_the_account():
    person = sign_up()
    alone = workspace(person)
    joined = team(())
    service.add_member(joined["ws"]["id"], person.id, Role.EDITOR, invited_by="x")

    assert delete_account(person).status == 204

    assert service.membership(alone["id"], person.id) is None
    assert workspace(sign_up(), slug=alone["slug"])["slug"] == alone["slug"]
    assert set(roles_of(joined["ws"], joined[Role.OWNER])) == {joined[Role.OWNER].id}


def test_a_slug_race_has_one_winner_and_the_loser_writes_nothing():
    """Two creates that both found the slug free: the guard's condition in the transaction
    decides, and the losing workspace and its owner are not written either."""
    wanted = slug()
    attempts = []
    for person in (sign_up(), sign_up()):
        workspace_id = new_id("ws")
        item = WorkspaceItem(
            repo.workspace_pk(workspace_id),
            "META",
            workspace_id=workspace_id,
            name="Race",
            slug=wanted,
            member_count=1,
            owner_count=1,
            created_at="2026-01-01T00:00:00Z",
            updated_at="2026-01-01T00:00:00Z",
        )
        attempts.append((item, repo.new_member(workspace_id, person.id, Role.OWNER, "t"), person))

    repo.create_workspace(attempts[0][0], attempts[0][1])
    loser, owner, person = attempts[1]
    with pytest.raises(repo.SlugTaken):
        repo.create_workspace(loser, owner)

    assert repo.get_workspace(loser.workspace_id) is None
    assert service.membership(loser.workspace_id, person.id) is None
