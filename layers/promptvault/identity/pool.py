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

# People sign in with their email address, which Cognito verifies (its own code by email).
USERNAME_ATTRIBUTES = ("email",)
AUTO_VERIFIED_ATTRIBUTES = ("email",)
# A change of address waits for the code Cognito sends to the new address: until it is
# verified the account keeps its old address, and signs in with it (decision 56).
ATTRIBUTES_REQUIRE_VERIFICATION_BEFORE_UPDATE = ("email",)
# How long the code for a changed address works (Cognito's: 24 hours); the account's pending
# address is kept as long (users/email_change.py).
ATTRIBUTE_CODE_HOURS = 24
