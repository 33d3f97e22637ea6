"""A fresh account on a running local runtime, signed in: what the local benches start from."""

from __future__ import annotations

import uuid
from typing import Any


def signed_in(http: Any) -> dict[str, str]:
    """Sign up and log in over ``http`` (an httpx client on the gateway); the auth header."""
    suffix = uuid.uuid4().hex[:10]
    email, password = f"bench.{suffix}@example.com", "Correct-Horse-9"
    signed_up = http.post(
        "/v1/auth/signup",
        json={"email": email, "password": password, "username": f"bench_{suffix}"},
    )
    assert signed_up.status_code == 201, signed_up.text
    login = http.post("/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['data']['accessToken']}"}
