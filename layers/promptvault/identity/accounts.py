"""Accounts over Cognito: sign-up (with unique usernames), confirmation, login, refresh and
password reset. Cognito errors become domain errors here, in one place."""

from __future__ import annotations

from contextlib import suppress
from typing import Any, Literal

from botocore.exceptions import ClientError

from promptvault.core import aws
from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidCode,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    field_error,
)
from promptvault.core.settings import get_settings
from promptvault.data.models import UserItem
from promptvault.identity import directory
from promptvault.identity.schemas import EmailStatus, UserOut


def _cognito() -> Any:
    return aws.client("cognito-idp")


def _client_id() -> str:
    return get_settings().user_pool_client_id


# The statuses _map answers with: every route that calls Cognito documents them.
COGNITO_REFUSALS = (401, 403, 409, 422, 429)


def _map(error: ClientError) -> DomainError:
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    if code == "InvalidPasswordException":
        return field_error("password", message or "The password does not meet the policy")
    if code in {"CodeMismatchException", "ExpiredCodeException"}:
        return field_error("code", "The code is wrong or has expired")
    if code in {"NotAuthorizedException", "UserNotFoundException"}:
        return Unauthorized("Wrong email or password, or the token has expired")
    if code == "UserNotConfirmedException":
        return Forbidden("Confirm your email address first (POST /v1/auth/confirm)")
    if code in {"UsernameExistsException", "AliasExistsException"}:
        return Conflict(
            "An account with this email already exists", [{"field": "email", "message": "taken"}]
        )
    if code in {
        "TooManyRequestsException",
        "LimitExceededException",
        "TooManyFailedAttemptsException",
    }:
        return RateLimited("Too many attempts; wait and try again")
    if code == "InvalidParameterException":
        return ValidationFailed(message or "The request is not valid")
    raise error


def sign_up(email: str, password: str, username: str) -> UserOut:
    email = email.lower()
    try:
        directory.reserve(username, email)
    except directory.Taken as taken:
        raise Conflict(
            f"That {taken.field} is already in use", [{"field": taken.field, "message": "taken"}]
        ) from taken
    settings = get_settings()
    try:
        result = _cognito().sign_up(
            ClientId=_client_id(),
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
        confirmed = bool(result.get("UserConfirmed"))
        if settings.auto_confirm_signup and not confirmed:
            # What the pre-sign-up trigger does on AWS, done here where no trigger runs.
            _cognito().admin_confirm_sign_up(UserPoolId=settings.user_pool_id, Username=email)
            confirmed = True
    except ClientError as error:
        directory.release(username, email)
        raise _map(error) from error
    now = now_iso()
    profile = UserItem(
        f"USER#{result['UserSub']}",
        directory.PROFILE,
        user_id=result["UserSub"],
        username=username,
        email=email,
        created_at=now,
    )
    directory.create_profile(profile, username, email)
    return account_out(profile, confirmed=confirmed)


def delete_sign_in(email: str) -> None:
    """The Cognito user, if still there (account deletion repeats this step safely)."""
    cognito = _cognito()
    with suppress(cognito.exceptions.UserNotFoundException):
        cognito.admin_delete_user(UserPoolId=get_settings().user_pool_id, Username=email)


def account_out(profile: UserItem, confirmed: bool | None = None) -> UserOut:
    """The signed-in person's own view of their account (with the email; never public)."""
    return UserOut(
        id=profile.user_id,
        username=profile.username,
        email=profile.email,
        display_name=profile.display_name,
        created_at=profile.created_at,
        confirmed=confirmed,
        email_status=email_status(profile),
    )


FIX_SUPPRESSED = {
    "bounce": "Mail to this address bounced, so we stopped sending to it. Check that the "
    "mailbox exists and accepts mail, then ask support to lift the suppression, or move the "
    "account to another address (PUT /v1/users/me/email).",
    "complaint": "This address marked our email as spam, so we stopped sending to it. Ask "
    "support to lift the suppression if that was a mistake, or move the account to another "
    "address (PUT /v1/users/me/email).",
}


def email_status(profile: UserItem) -> EmailStatus:
    if not profile.email_suppressed_at:
        return EmailStatus(suppressed=False)
    reason: Literal["bounce", "complaint"] = (
        "complaint" if profile.email_suppressed_reason == "complaint" else "bounce"
    )
    return EmailStatus(
        suppressed=True,
        reason=reason,
        since=profile.email_suppressed_at,
        how_to_fix=FIX_SUPPRESSED[reason],
    )


def my_account(caller: Caller) -> UserOut:
    # the credential check read the profile already for a Cognito token; an API key's has none
    found = caller.profile
    profile = found if isinstance(found, UserItem) else directory.get_profile(caller.user_id)
    if profile is None:
        raise NotFound("No profile for this account")
    return account_out(profile)


def confirm(email: str, code: str) -> None:
    try:
        _cognito().confirm_sign_up(
            ClientId=_client_id(), Username=email.lower(), ConfirmationCode=code
        )
    except ClientError as error:
        raise _map(error) from error


def _tokens(result: dict[str, Any], refresh_token: str | None = None) -> dict[str, Any]:
    auth = result["AuthenticationResult"]
    return {
        "access_token": auth["AccessToken"],
        "id_token": auth["IdToken"],
        "refresh_token": auth.get("RefreshToken", refresh_token),
        "expires_in": auth["ExpiresIn"],
    }


def login(email: str, password: str) -> dict[str, Any]:
    try:
        result = _cognito().initiate_auth(
            ClientId=_client_id(),
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email.lower(), "PASSWORD": password},
        )
    except ClientError as error:
        raise _map(error) from error
    return _tokens(result)


def refresh(refresh_token: str) -> dict[str, Any]:
    try:
        result = _cognito().initiate_auth(
            ClientId=_client_id(),
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except ClientError as error:
        raise _map(error) from error
    return _tokens(result, refresh_token)


def forgot_password(email: str) -> None:
    """Always accepted, so the answer never tells whether an account exists."""
    try:
        _cognito().forgot_password(ClientId=_client_id(), Username=email.lower())
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {
            "UserNotFoundException",
            "InvalidParameterException",
        }:
            raise _map(error) from error


def reset_password(email: str, code: str, password: str) -> None:
    try:
        _cognito().confirm_forgot_password(
            ClientId=_client_id(), Username=email.lower(), ConfirmationCode=code, Password=password
        )
    except ClientError as error:
        # An unknown account answers like a wrong code, so the answer never tells whether an
        # account exists (moto says ResourceNotFoundException where Cognito says UserNotFound).
        if error.response.get("Error", {}).get("Code") in _NO_SUCH_USER:
            raise field_error("code", "The code is wrong or has expired") from error
        raise _map(error) from error


_NO_SUCH_USER = {"UserNotFoundException", "ResourceNotFoundException"}


def change_email(access_token: str, email: str) -> None:
    """Ask Cognito to change the person's address (UpdateUserAttributes with their own access
    token). The pool keeps the old address until the new one is verified (decision 56) and
    Cognito emails its code to the new one."""
    try:
        _cognito().update_user_attributes(
            AccessToken=access_token, UserAttributes=[{"Name": "email", "Value": email}]
        )
    except ClientError as error:
        raise _map(error) from error


def verify_email(access_token: str, code: str) -> None:
    """The code Cognito sent to the new address (VerifyUserAttribute): the address becomes the
    person's sign-in. A wrong or expired code is 400 ``INVALID_CODE``; nothing changes."""
    try:
        _cognito().verify_user_attribute(AccessToken=access_token, AttributeName="email", Code=code)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _WRONG_CODE:
            raise InvalidCode(
                "The code is wrong or has expired",
                [{"field": "code", "message": "wrong or expired"}],
            ) from error
        raise _map(error) from error


_WRONG_CODE = {"CodeMismatchException", "ExpiredCodeException"}
