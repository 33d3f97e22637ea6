"""Bodies a client or an attacker can send over HTTP that once reached a 500: each is a 4xx in
the error envelope, and a 204 is bodiless on the wire, as the document says."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Account

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _update_profile(http: httpx.Client, owner: Account, body: bytes, content_type: str):
    # a route with a body on the general rate limit: refusals count against limits too
    return http.patch(
        "/v1/users/me", content=body, headers={**owner.auth, "Content-Type": content_type}
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"bio": "caf\xe9 notes"}',  # Latin-1, not UTF-8
        b"\xff\xfe{\x00}\x00",  # UTF-16 with a byte-order mark
        '{"bio": "Writes prompts"}'.encode("utf-16-le"),
        b"\x80\x81\x82",
    ],
)
def test_a_body_that_is_not_utf8_json_is_400_in_the_envelope(http, owner, body):
    response = _update_profile(http, owner, body, "application/json")

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=x", "text/plain", "application/xml"],
)
def test_a_body_in_another_media_type_is_415_in_the_envelope(http, owner, content_type):
    response = _update_profile(http, owner, b"--x\r\n\r\n", content_type)

    assert response.status_code == 415, response.text
    assert response.json()["success"] is False
    error = response.json()["error"]
    assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert error["details"] == [{"field": "Content-Type", "message": "must be application/json"}]


def test_a_204_has_no_body_and_no_content_type(http, owner):
    created = http.post(
        "/v1/users/me/api-keys",
        json={"name": "short-lived", "scopes": ["read"]},
        headers=owner.auth,
    )
    assert created.status_code == 201, created.text

    deleted = http.delete(
        f"/v1/users/me/api-keys/{created.json()['data']['id']}", headers=owner.auth
    )

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert "content-type" not in deleted.headers
