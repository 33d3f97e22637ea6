"""The SDK's ``verify_signature`` against the server's signer (promptvault.webhooks.signing)
and a vector computed by hand, so a receiver can check a delivery without the SDK too."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from promptvault_sdk.webhooks import InvalidSignature, verify_signature

from promptvault.webhooks.signing import sign

BODY = json.dumps({"id": "e1", "type": "prompt.deleted", "createdAt": "x", "data": {}}).encode()
NOW = 1_796_000_000


def test_a_hand_computed_signature_verifies():
    secret = "whsec_hand"
    digest = hmac.new(secret.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    headers = {"promptvault-signature": f"t={NOW},v1={digest}"}  # any header case

    event = verify_signature(secret, headers, BODY, now=NOW)

    assert event["type"] == "prompt.deleted"


def test_the_servers_signature_verifies_with_either_secret_during_a_rotation():
    headers = {"PromptVault-Signature": sign(["whsec_new", "whsec_old"], NOW, BODY)}

    assert verify_signature("whsec_new", headers, BODY, now=NOW)
    assert verify_signature("whsec_old", headers, BODY.decode(), now=NOW + 300)
    assert verify_signature(["whsec_x", "whsec_old"], headers, BODY, now=NOW - 300)


@pytest.mark.parametrize(
    ("secret", "headers", "body", "now"),
    [
        ("whsec_other", None, BODY, NOW),  # another secret
        ("whsec_new", None, BODY + b" ", NOW),  # the body changed
        ("whsec_new", None, BODY, NOW + 301),  # too old: a replay
        ("whsec_new", None, BODY, NOW - 301),  # from the future
        ("whsec_new", {}, BODY, NOW),  # no header
        ("whsec_new", {"PromptVault-Signature": f"t={NOW}"}, BODY, NOW),  # no v1
        ("whsec_new", {"PromptVault-Signature": "v1=00"}, BODY, NOW),  # no t
        ("whsec_new", {"PromptVault-Signature": f"t={NOW},v0=00"}, BODY, NOW),
    ],
)
def test_what_is_refused(secret, headers, body, now):
    signed = {"PromptVault-Signature": sign(["whsec_new"], NOW, BODY)}

    with pytest.raises(InvalidSignature):
        verify_signature(secret, signed if headers is None else headers, body, now=now)


def test_a_tolerance_of_zero_skips_the_age_check():
    headers = {"PromptVault-Signature": sign(["whsec_new"], NOW, BODY)}

    assert verify_signature("whsec_new", headers, BODY, tolerance=0, now=NOW + 10**6)
