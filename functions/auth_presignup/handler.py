"""Cognito pre-sign-up trigger: auto-confirms sign-ups in stages whose config turns it on.

Attached by infra only where ``autoConfirmSignup`` is true; the local runtime, where no
trigger runs, gets the same effect from AUTO_CONFIRM_SIGNUP in the sign-up service.
"""

from typing import Any


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    response = event.setdefault("response", {})
    response["autoConfirmUser"] = True
    if "email" in event.get("request", {}).get("userAttributes", {}):
        response["autoVerifyEmail"] = True
    return event
