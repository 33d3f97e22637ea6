"""Domain errors: each has a stable code clients can switch on and the HTTP status it maps to."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "INTERNAL_ERROR"
    status = 500

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(DomainError):
    code, status = "BAD_REQUEST", 400


class InvalidCursor(DomainError):
    code, status = "INVALID_CURSOR", 400


class InvalidToken(DomainError):
    """A signed link's token (one-click unsubscribe) that is not ours, altered or garbage."""

    code, status = "INVALID_TOKEN", 400


class InvalidCode(DomainError):
    """A verification code Cognito sent (a change of address) that is wrong or has expired."""

    code, status = "INVALID_CODE", 400


class Unauthorized(DomainError):
    code, status = "UNAUTHORIZED", 401


class Forbidden(DomainError):
    code, status = "FORBIDDEN", 403


class NotFound(DomainError):
    code, status = "NOT_FOUND", 404


class Conflict(DomainError):
    code, status = "CONFLICT", 409


class SlugTaken(Conflict):
    """Another workspace holds that slug (workspace slugs are unique across the product)."""

    code = "SLUG_TAKEN"


class LastOwner(Conflict):
    """The change would leave a team workspace without an owner (decision 73)."""

    code = "LAST_OWNER"


class PersonalWorkspace(Conflict):
    """A personal workspace is not renamed, deleted, or shared (decision 72)."""

    code = "PERSONAL_WORKSPACE"


class Gone(DomainError):
    """What a link named is gone for good (a deleted prompt's slug: never given again)."""

    code, status = "GONE", 410


class RevokedLink(Gone):
    """A signed link that was ours but has been revoked (the account's email address changed,
    or the account is gone): it never works again."""

    code = "LINK_REVOKED"


class PreconditionFailed(DomainError):
    code, status = "PRECONDITION_FAILED", 412


class PayloadTooLarge(DomainError):
    code, status = "PAYLOAD_TOO_LARGE", 413


class UnsupportedMediaType(DomainError):
    code, status = "UNSUPPORTED_MEDIA_TYPE", 415


class ValidationFailed(DomainError):
    code, status = "VALIDATION_ERROR", 422


class PreconditionRequired(DomainError):
    code, status = "PRECONDITION_REQUIRED", 428


class RateLimited(DomainError):
    code, status = "RATE_LIMITED", 429


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field, "message": message}])
