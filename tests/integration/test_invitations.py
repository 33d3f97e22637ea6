"""Invitations to a workspace by email (issue 14, decisions 74 and 75), in moto: one SES
email with a one-time link, accepted by the invited account only, exactly once; used,
revoked, expired and tampered links refused without a change."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest

from bench.counting import counting_aws_calls
from infra.local.outbox import sent_emails
from promptvault.core.clock import utcnow
from promptvault.data.models import InvitationItem
from promptvault.identity import directory
from promptvault.workspaces import invitation_repository, invitations, service
from promptvault.workspaces.roles import Role
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, sign_up
from tests.support.settings import stage_env

LINK = re.compile(r"https?://\S+/v1/invitations/(pvi_[A-Za-z0-9_-]+)/accept")


def new_workspace(owner: User) -> str:
    slug = f"team-{uuid.uuid4().hex[:12]}"
    made = call("POST", "/v1/workspaces", {"name": "Prompt team", "slug": slug}, token=owner.token)
    assert made.status == 201, made.body
    return str(made.data["id"])


def invite(by: User, workspace_id: str, email: str, role: str = "editor") -> Reply:
    body = {"email": email, "role": role}
    return call("POST", f"/v1/workspaces/{workspace_id}/invitations", body, token=by.token)


def emails_to(address: str) -> list[dict[str, Any]]:
    return [e for e in sent_emails() if address.lower() in [a.lower() for a in e["to"]]]


def token_sent_to(address: str) -> str:
    """The token of the latest invitation emailed to the address (text and HTML agree)."""
    last = emails_to(address)[-1]
    (token,) = set(LINK.findall(last["text"]))
    assert set(LINK.findall(last["html"])) == {token}
    return token


def accept(token: str, by: User) -> Reply:
    return call("POST", f"/v1/invitations/{token}/accept", token=by.token)


def pending(by: User, workspace_id: str, **query: str) -> Reply:
    return call("GET", f"/v1/workspaces/{workspace_id}/invitations", token=by.token, query=query)


def invited(owner: User, person: User, role: str = "editor") -> tuple[str, str, dict[str, Any]]:
    """A new workspace of the owner's, the person invited to it: (workspace, token, answer)."""
    workspace_id = new_workspace(owner)
    made = invite(owner, workspace_id, person.email, role)
    assert made.status == 201, made.body
    return workspace_id, token_sent_to(person.email), made.data


def member_with(owner: User, role: Role) -> tuple[str, User]:
    workspace_id, person = new_workspace(owner), sign_up()
    service.add_member(workspace_id, person.id, role, invited_by=owner.id)
    return workspace_id, person


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


# --- the happy path ---------------------------------------------------------------------------


def test_an_invitation_emails_one_link_and_the_invited_account_joins_with_its_role(owner):
    person = sign_up()
    workspace_id = new_workspace(owner)
    before = len(emails_to(person.email))

    made = invite(owner, workspace_id, person.email.upper(), "editor")

    assert made.status == 201, made.body
    assert set(made.data) == {
        "id",
        "email",
        "role",
        "invitedBy",
        "createdAt",
        "expiresAt",
        "status",
    }
    assert made.data["email"] == person.email  # stored lowercased
    assert (made.data["role"], made.data["invitedBy"], made.data["status"]) == (
        "editor",
        owner.id,
        "pending",
    )
    assert "pvi_" not in str(made.body)  # the token is in the email only
    sent = emails_to(person.email)
    assert len(sent) == before + 1
    assert "Prompt team" in sent[-1]["subject"]
    assert owner.username in sent[-1]["subject"]
    assert "List-Unsubscribe" not in sent[-1]["headers"]  # transactional
    token = token_sent_to(person.email)
    assert [i["id"] for i in pending(owner, workspace_id).data] == [made.data["id"]]

    joined = accept(token, person)

    assert joined.status == 200, joined.body
    assert (joined.data["id"], joined.data["role"], joined.data["memberCount"]) == (
        workspace_id,
        "editor",
        2,
    )
    assert joined.headers["Cache-Control"] == "no-store"
    assert service.membership(workspace_id, person.id) == Role.EDITOR
    assert pending(owner, workspace_id).data == []


def test_the_expiry_is_seven_days_after_the_invitation(owner):
    person = sign_up()
    _, _, made = invited(owner, person)
    from datetime import datetime

    created = datetime.fromisoformat(made["createdAt"].replace("Z", "+00:00"))
    ends = datetime.fromisoformat(made["expiresAt"].replace("Z", "+00:00"))
    assert ends - created == timedelta(days=7)


def test_someone_without_an_account_yet_signs_up_with_the_address_and_accepts(owner):
    name = f"n{uuid.uuid4().hex[:10]}"
    workspace_id = new_workspace(owner)
    assert invite(owner, workspace_id, f"{name}@Example.com", "viewer").status == 201
    token = token_sent_to(f"{name}@example.com")

    person = sign_up(name)
    joined = accept(token, person)

    assert joined.status == 200, joined.body
    assert service.membership(workspace_id, person.id) == Role.VIEWER


# --- refusals change nothing --------------------------------------------------------------------


def test_another_account_is_refused_and_the_invitation_stays_pending(owner):
    person, stranger = sign_up(), sign_up()
    workspace_id, token, made = invited(owner, person)

    refused = accept(token, stranger)

    assert refused.status == 403, refused.body
    assert service.membership(workspace_id, stranger.id) is None
    assert [i["id"] for i in pending(owner, workspace_id).data] == [made["id"]]
    assert accept(token, person).status == 200  # the right account still can


def test_a_used_link_is_410_the_second_time_and_changes_nothing(owner):
    person = sign_up()
    workspace_id, token, _ = invited(owner, person, "viewer")
    assert accept(token, person).status == 200
    service.remove_member(owner_caller(owner), workspace_id, person.id)

    again = accept(token, person)

    assert again.status == 410, again.body
    assert service.membership(workspace_id, person.id) is None  # not back in


def owner_caller(owner: User) -> Any:
    from promptvault.core.caller import Caller

    return Caller(owner.id, username=owner.username)


def test_an_expired_link_is_410_and_no_longer_listed(owner, monkeypatch):
    person = sign_up()
    workspace_id, token, _ = invited(owner, person)
    later = utcnow() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(invitations, "utcnow", lambda: later)

    refused = accept(token, person)

    assert refused.status == 410, refused.body
    assert "expired" in refused.error["message"]
    assert service.membership(workspace_id, person.id) is None
    assert pending(owner, workspace_id).data == []
    # the address may be invited again once the old invitation has expired
    assert invite(owner, workspace_id, person.email).status == 201


def test_a_revoked_link_is_410_and_revoking_again_changes_nothing(owner):
    person = sign_up()
    workspace_id, token, made = invited(owner, person)
    path = f"/v1/workspaces/{workspace_id}/invitations/{made['id']}"

    assert call("DELETE", path, token=owner.token).status == 204
    refused = accept(token, person)

    assert refused.status == 410, refused.body
    assert "revoked" in refused.error["message"]
    assert service.membership(workspace_id, person.id) is None
    assert pending(owner, workspace_id).data == []
    assert call("DELETE", path, token=owner.token).status == 204
    assert invite(owner, workspace_id, person.email).status == 201  # a new one may follow


def test_an_accepted_invitation_cannot_be_revoked(owner):
    person = sign_up()
    workspace_id, token, made = invited(owner, person)
    assert accept(token, person).status == 200

    refused = call(
        "DELETE", f"/v1/workspaces/{workspace_id}/invitations/{made['id']}", token=owner.token
    )

    assert refused.status == 409, refused.body


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the secret
        lambda t: "pvi_" + "0" * 32 + t[36:],  # another workspace
        lambda t: t[:36] + "0" * 32 + t[68:],  # another invitation
        lambda t: t + "x",
        lambda t: "nonsense",
    ],
    ids=["secret", "workspace", "invitation", "longer", "garbage"],
)
def test_a_tampered_token_is_404_and_changes_nothing(owner, tamper):
    person = sign_up()
    workspace_id, token, made = invited(owner, person)

    refused = accept(tamper(token), person)

    assert refused.status == 404, refused.body
    assert service.membership(workspace_id, person.id) is None
    assert [i["id"] for i in pending(owner, workspace_id).data] == [made["id"]]


def test_exactly_once_two_accepts_from_the_same_read_add_one_member(owner):
    """Two requests that both read the invitation pending: one claim wins, the other's whole
    transaction is cancelled (decision 75)."""
    person = sign_up()
    workspace_id, token, made = invited(owner, person)
    invitation = invitation_repository.get_invitation(workspace_id, made["id"])
    assert invitation is not None
    now = utcnow()
    stamp = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    invitation_repository.accept(invitation, person.id, stamp, now + timedelta(days=30), 500)
    with pytest.raises(invitation_repository.Claimed):
        invitation_repository.accept(invitation, person.id, stamp, now + timedelta(days=30), 500)

    joined = accept(token, person)
    assert joined.status == 410, joined.body
    workspace = call("GET", f"/v1/workspaces/{workspace_id}", token=owner.token)
    assert workspace.data["memberCount"] == 2


# --- who may invite -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_editors_and_viewers_are_403_on_every_invitation_route(owner, role):
    workspace_id, member = member_with(owner, role)
    base = f"/v1/workspaces/{workspace_id}/invitations"

    assert invite(member, workspace_id, sign_up().email).status == 403
    assert call("GET", base, token=member.token).status == 403
    assert call("DELETE", f"{base}/iv_{'0' * 32}", token=member.token).status == 403


def test_non_members_get_404_on_every_invitation_route(owner):
    workspace_id, stranger = new_workspace(owner), sign_up()
    base = f"/v1/workspaces/{workspace_id}/invitations"

    assert invite(stranger, workspace_id, sign_up().email).status == 404
    assert call("GET", base, token=stranger.token).status == 404
    assert call("DELETE", f"{base}/iv_{'0' * 32}", token=stranger.token).status == 404
    assert invite(stranger, f"ws_{'0' * 32}", sign_up().email).status == 404


def test_admins_invite_below_owner_and_only_owners_invite_owners(owner):
    workspace_id, admin = member_with(owner, Role.ADMIN)

    assert invite(admin, workspace_id, sign_up().email, "owner").status == 403
    assert invite(admin, workspace_id, sign_up().email, "admin").status == 201
    person = sign_up()
    assert invite(owner, workspace_id, person.email, "owner").status == 201
    assert accept(token_sent_to(person.email), person).data["role"] == "owner"
    workspace = call("GET", f"/v1/workspaces/{workspace_id}", token=owner.token)
    assert workspace.data["memberCount"] == 3


def test_ones_personal_workspace_takes_no_invitations(owner):
    refused = invite(owner, f"ws_{owner.id}", sign_up().email)

    assert refused.status == 409, refused.body


# --- one pending invitation per address, caps ---------------------------------------------------


def test_a_second_invitation_to_a_pending_address_is_409_and_sends_nothing(owner):
    person = sign_up()
    workspace_id, _, _ = invited(owner, person)
    sent = len(emails_to(person.email))

    again = invite(owner, workspace_id, person.email, "admin")

    assert again.status == 409, again.body
    assert len(emails_to(person.email)) == sent
    assert len(pending(owner, workspace_id).data) == 1


def test_inviting_a_member_is_409(owner):
    workspace_id, member = member_with(owner, Role.VIEWER)

    assert invite(owner, workspace_id, member.email).status == 409
    assert invite(owner, workspace_id, owner.email).status == 409


def test_a_suppressed_address_is_not_invited(owner):
    person = sign_up()
    assert directory.suppress_email(person.id, person.email, "bounce", "2026-01-01T00:00:00.000Z")
    workspace_id = new_workspace(owner)

    refused = invite(owner, workspace_id, person.email)

    assert refused.status == 409, refused.body
    assert emails_to(person.email) == []


def test_a_workspace_holds_at_most_the_pending_cap(owner, monkeypatch):
    monkeypatch.setattr(invitations, "MAX_PENDING", 2)
    workspace_id = new_workspace(owner)
    assert invite(owner, workspace_id, sign_up().email).status == 201
    assert invite(owner, workspace_id, sign_up().email).status == 201

    refused = invite(owner, workspace_id, sign_up().email)

    assert refused.status == 409, refused.body
    assert "100" not in refused.error["message"]


# --- the pending list ---------------------------------------------------------------------------


def test_the_pending_list_pages_newest_first_and_refuses_a_tampered_cursor(owner):
    workspace_id = new_workspace(owner)
    made = [invite(owner, workspace_id, sign_up().email).data["id"] for _ in range(3)]

    first = pending(owner, workspace_id, limit="2")
    second = pending(owner, workspace_id, limit="2", cursor=first.body["meta"]["nextCursor"])

    assert [i["id"] for i in first.data + second.data] == made[::-1]
    assert second.body["meta"]["hasMore"] is False
    cursor = first.body["meta"]["nextCursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert pending(owner, workspace_id, cursor=tampered).status == 400
    other = new_workspace(owner)
    assert pending(owner, other, cursor=cursor).status == 400  # another workspace's cursor


def test_another_workspaces_invitation_id_is_404(owner):
    person = sign_up()
    _, _, made = invited(owner, person)
    mine = new_workspace(owner)

    refused = call("DELETE", f"/v1/workspaces/{mine}/invitations/{made['id']}", token=owner.token)

    assert refused.status == 404, refused.body
    assert (
        call("DELETE", f"/v1/workspaces/{mine}/invitations/not-an-id", token=owner.token).status
        == 404
    )


def test_the_email_shows_what_people_wrote_as_text(owner):
    slug = f"team-{uuid.uuid4().hex[:12]}"
    name = "<script>alert(1)</script> {{ 7*7 }}"
    made = call("POST", "/v1/workspaces", {"name": name, "slug": slug}, token=owner.token)
    assert made.status == 201, made.body
    person = sign_up()

    assert invite(owner, made.data["id"], person.email).status == 201

    email = emails_to(person.email)[-1]
    assert "<script>" not in email["html"]
    assert "&lt;script&gt;" in email["html"]
    assert "{{ 7*7 }}" in email["text"]
    assert "as an editor" in email["text"]


def test_a_deleted_workspace_takes_its_invitations_and_their_links_answer_404(owner):
    person = sign_up()
    workspace_id, token, _ = invited(owner, person)

    assert call("DELETE", f"/v1/workspaces/{workspace_id}", token=owner.token).status == 204
    refused = accept(token, person)

    assert refused.status == 404, refused.body


def test_a_revocation_that_commits_first_cancels_an_accept_read_before_it(owner):
    person = sign_up()
    workspace_id, _, made = invited(owner, person)
    stale = invitation_repository.get_invitation(workspace_id, made["id"])
    assert stale is not None
    path = f"/v1/workspaces/{workspace_id}/invitations/{made['id']}"
    assert call("DELETE", path, token=owner.token).status == 204
    now = utcnow()
    stamp = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    with pytest.raises(invitation_repository.Claimed):
        invitation_repository.accept(stale, person.id, stamp, now + timedelta(days=30), 500)

    assert service.membership(workspace_id, person.id) is None


def test_a_stage_without_a_sender_sends_nothing_and_still_invites(owner):
    person = sign_up()
    workspace_id = new_workspace(owner)

    with stage_env(EMAIL_SENDER=""), counting_aws_calls() as counter:
        made = invite(owner, workspace_id, person.email)

    assert made.status == 201, made.body
    assert "SendEmail" not in counter.snapshot()
    assert emails_to(person.email) == []


def test_a_deleted_account_is_named_in_no_invitation_of_the_workspaces_it_left(owner):
    admin, newcomer = sign_up(), sign_up()
    workspace_id, token, _ = invited(owner, admin, "admin")
    assert accept(token, admin).status == 200
    assert invite(admin, workspace_id, newcomer.email).status == 201
    assert accept(token_sent_to(newcomer.email), newcomer).status == 200

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=admin.token)

    assert gone.status == 204, gone.body
    records = list(
        InvitationItem.query(
            f"WORKSPACE#{workspace_id}",
            InvitationItem.sk.startswith("INVITATION#"),
        )
    )
    assert sorted((r.invited_by, r.accepted_by) for r in records) == sorted(
        [(owner.id, "deleted-user"), ("deleted-user", newcomer.id)]
    )
    assert admin.id not in str([r.attribute_values for r in records])
