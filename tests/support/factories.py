"""Factories: users with tokens, prompts with sensible defaults."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.support.api import call

PASSWORD = "Correct-Horse-9"


@dataclass
class User:
    id: str
    username: str
    email: str
    token: str


def sign_up(username: str | None = None) -> User:
    username = username or f"u{uuid.uuid4().hex[:10]}"
    email = f"{username}@example.com"
    created = call(
        "POST", "/v1/auth/signup", {"email": email, "password": PASSWORD, "username": username}
    )
    assert created.status == 201, created.body
    login = call("POST", "/v1/auth/login", {"email": email, "password": PASSWORD})
    assert login.status == 200, login.body
    return User(created.data["id"], username, email, login.data["accessToken"])


def prompt_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Summarise a meeting",
        "content": "Summarise the meeting notes about {{topic}} in five bullet points.",
        "variables": [{"name": "topic", "description": "what the meeting was about"}],
        "category": "productivity",
        "model": "claude-sonnet",
        "tags": ["Meetings", "summary"],
    }
    body.update(overrides)
    return body


def create_prompt(user: User, **overrides: Any) -> dict[str, Any]:
    reply = call("POST", "/v1/prompts", prompt_body(**overrides), token=user.token)
    assert reply.status == 201, reply.body
    return {**reply.data, "etag": reply.headers["ETag"]}
