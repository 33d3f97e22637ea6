"""The Cognito user pool's shape: one definition read by CDK and by the local runtime."""

from __future__ import annotations

PASSWORD_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}

GROUPS = ("user", "moderator", "admin")

# Programs and people sign in with email + password through our API (USER_PASSWORD_AUTH)
# and refresh; SRP stays on for future first-party clients.
CLIENT_AUTH_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH")

ACCESS_TOKEN_MINUTES = 60
ID_TOKEN_MINUTES = 60
REFRESH_TOKEN_DAYS = 30
