"""The local runtime's additions to moto's Cognito: a change of address verified by a code.

What moto 5.2.5 lacks (``moto/cognitoidp``): ``VerifyUserAttribute`` is not implemented
(``CognitoIdpResponse`` has no such method: moto raises ``NotImplementedError``, a 500), and
``UpdateUserAttributes`` (``CognitoIdpBackend.update_user_attributes``) changes the email at
once, whatever the pool's ``UserAttributeUpdateSettings`` say (moto keeps the setting in the
pool's ``extended_config`` and never reads it). The product's pool asks Cognito to keep the
old address until the new one is verified (``promptvault/identity/pool.py``, decision 56).

While installed (process-wide; ``install()`` / ``uninstall()`` are counted, like
``infra/local/moto_events.py``):

1. ``UpdateUserAttributes`` holds back every attribute the pool names in
   ``UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`` whose value
   changes: the user keeps the old value (and signs in with it); the new value waits with a
   six-digit code that works for ``CODE_LIFETIME`` (Cognito's 24 hours), and, for an email,
   Cognito's verification message with the code goes to the new address. It is kept in moto's
   SES store like any sent email, so ``infra.local.outbox.sent_emails`` and
   ``GET /_local/outbox`` show it (from the pool's ``EmailConfiguration.From``, else Cognito's
   default sender; the pool's ``VerificationMessageTemplate`` words it). The answer carries
   ``CodeDeliveryDetailsList``. A new address another user of the pool has is
   ``AliasExistsException`` (moto's own check); other attributes change at once, as before.
   A second change replaces the waiting value and its code, as on AWS.
2. ``VerifyUserAttribute`` (access token, attribute, code): the waiting value becomes the
   attribute and, for an email, ``email_verified`` is true. A wrong code is
   ``CodeMismatchException`` (nothing waiting too), an expired one ``ExpiredCodeException``,
   an address another user took meanwhile ``AliasExistsException``; an unknown token
   ``NotAuthorizedException``. A used code is gone.

``tests/integration/test_email_change.py`` drives both through the API.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from moto.cognitoidp.exceptions import (
    AliasExistsException,
    CodeMismatchException,
    ExpiredCodeException,
    NotAuthorizedError,
)
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, CognitoIdpUserPool
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

MOTO_VERSION = "5.2.5"  # what this was written against
CODE_LIFETIME = 24 * 3600  # seconds: Cognito's attribute verification codes last a day
COGNITO_SENDER = "no-reply@verificationemail.com"  # Cognito's default sender (no SES)
_WAITING = "_promptvault_waiting"  # on a moto user: attribute -> (value, code, expires at)

_state = threading.Lock()
_installs = 0
_original_update: Any = None


def _held(pool: CognitoIdpUserPool) -> set[str]:
    settings = pool.extended_config.get("UserAttributeUpdateSettings") or {}
    return set(settings.get("AttributesRequireVerificationBeforeUpdate") or ())


def _signed_in(
    backend: CognitoIdpBackend, access_token: str
) -> tuple[CognitoIdpUserPool, CognitoIdpUser]:
    for pool in backend.user_pools.values():
        if access_token in pool.access_tokens:
            _, username = pool.access_tokens[access_token]
            return pool, backend.admin_get_user(pool.id, username)
    raise NotAuthorizedError(access_token)


def _waiting(user: CognitoIdpUser) -> dict[str, tuple[str, str, float]]:
    found: dict[str, tuple[str, str, float]] | None = getattr(user, _WAITING, None)
    if found is None:
        found = {}
        setattr(user, _WAITING, found)
    return found


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def _send_code(backend: CognitoIdpBackend, pool: CognitoIdpUserPool, to: str, code: str) -> None:
    """Cognito's own verification email, kept where moto keeps every sent email."""
    from moto.ses.models import Message, ses_backends
    from moto.ses.utils import get_random_message_id

    config = pool.extended_config
    template = config.get("VerificationMessageTemplate") or {}
    subject = template.get("EmailSubject") or config.get("EmailVerificationSubject") or "Code"
    text = template.get("EmailMessage") or config.get("EmailVerificationMessage") or "{####}"
    sender = (config.get("EmailConfiguration") or {}).get("From") or COGNITO_SENDER
    ses = ses_backends[backend.account_id][backend.region_name]
    message = Message(
        get_random_message_id(),
        sender,
        subject,
        text.replace("{####}", code),
        {"ToAddresses": [to]},
    )
    ses.sent_messages.append(message)


def update_attributes(
    backend: CognitoIdpBackend, access_token: str, attributes: list[dict[str, str]]
) -> list[dict[str, str]]:
    """UpdateUserAttributes as Cognito does it for the pool's settings; the code deliveries."""
    pool, user = _signed_in(backend, access_token)
    held = _held(pool)
    changed = [a for a in attributes if a["Value"] != user.attribute_lookup.get(a["Name"])]
    email = next((a["Value"] for a in changed if a["Name"] == "email"), None)
    backend._verify_email_is_not_used(pool.id, email)
    waiting = [a for a in changed if a["Name"] in held]
    at_once = [a for a in attributes if a not in waiting]
    if at_once:
        user.update_attributes(at_once)
    deliveries = []
    for attribute in waiting:
        name, value = attribute["Name"], attribute["Value"]
        code = f"{secrets.randbelow(10**6):06d}"
        _waiting(user)[name] = (value, code, time.time() + CODE_LIFETIME)
        medium = "EMAIL" if name == "email" else "SMS"
        if name == "email":
            _send_code(backend, pool, value, code)
        deliveries.append(
            {"Destination": _masked(value), "DeliveryMedium": medium, "AttributeName": name}
        )
    return deliveries


def verify_attribute(backend: CognitoIdpBackend, access_token: str, name: str, code: str) -> None:
    """VerifyUserAttribute: the waiting value with this code becomes the attribute."""
    pool, user = _signed_in(backend, access_token)
    found = _waiting(user).get(name)
    if found is None or not secrets.compare_digest(found[1], str(code)):
        raise CodeMismatchException("Invalid verification code provided, please try again.")
    value, _, expires = found
    if time.time() > expires:
        raise ExpiredCodeException("Invalid code provided, please request a code again.")
    if name == "email":
        others = (u for u in pool.users.values() if u is not user)
        if any(u.attribute_lookup.get("email") == value for u in others):
            raise AliasExistsException()
    del _waiting(user)[name]
    user.update_attributes(
        [{"Name": name, "Value": value}, {"Name": f"{name}_verified", "Value": "true"}]
    )


def _update_user_attributes(self: CognitoIdpResponse) -> ActionResult:
    access_token = self._get_param("AccessToken")
    backend = self._get_region_agnostic_backend()._find_backend_by_access_token(access_token)
    deliveries = update_attributes(backend, access_token, self._get_param("UserAttributes"))
    if not deliveries:
        return EmptyResult()
    return ActionResult({"CodeDeliveryDetailsList": deliveries})


def _verify_user_attribute(self: CognitoIdpResponse) -> ActionResult:
    access_token = self._get_param("AccessToken")
    backend = self._get_region_agnostic_backend()._find_backend_by_access_token(access_token)
    verify_attribute(
        backend, access_token, self._get_param("AttributeName"), self._get_param("Code")
    )
    return EmptyResult()


def install() -> None:
    """Add to moto (process-wide). Counted: each ``install()`` wants one ``uninstall()``."""
    global _installs, _original_update
    with _state:
        _installs += 1
        if _installs > 1:
            return
        _original_update = CognitoIdpResponse.update_user_attributes
        CognitoIdpResponse.update_user_attributes = _update_user_attributes  # type: ignore[method-assign]
        CognitoIdpResponse.verify_user_attribute = _verify_user_attribute  # type: ignore[attr-defined]


def uninstall() -> None:
    """Undo one ``install()``; moto is itself again after the last one."""
    global _installs, _original_update
    with _state:
        if _installs == 0:
            return
        _installs -= 1
        if _installs:
            return
        CognitoIdpResponse.update_user_attributes = _original_update  # type: ignore[method-assign]
        del CognitoIdpResponse.verify_user_attribute  # type: ignore[attr-defined]
        _original_update = None


def installed() -> bool:
    return _installs > 0
