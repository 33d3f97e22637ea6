"""What the SDK raises."""

from __future__ import annotations

from typing import Any


class PromptVaultError(Exception):
    """Base of every SDK error."""


class APIError(PromptVaultError):
    """The API answered with an error envelope (``{"error": {"code", "message", "details"}}``)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.retry_after = retry_after


class Unreachable(PromptVaultError):
    """The API could not be reached (connection refused, timeout, or 429/5xx after every retry)."""


class CompileError(PromptVaultError, ValueError):
    """The variables do not fit the version: ``details`` are the server's 422 details."""

    message = "The variables do not fit this version"

    def __init__(self, details: list[dict[str, str]], message: str | None = None) -> None:
        self.details = details
        if message:
            self.message = message
        super().__init__(
            f"{self.message}: " + "; ".join(f"{d['field']} {d['message']}" for d in details)
        )
