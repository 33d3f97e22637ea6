"""The envelope every endpoint speaks."""

import json

from promptvault.core.errors import (
    BadRequest,
    Conflict,
    DomainError,
    InvalidCursor,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    field_error,
)
from promptvault.web.envelope import error_body, error_response, success_body


def test_success_has_data_and_meta():
    body = json.loads(success_body({"id": "p_1"}, {"hasMore": False}))

    assert body == {"success": True, "data": {"id": "p_1"}, "meta": {"hasMore": False}}


def test_success_meta_defaults_to_an_empty_object():
    assert json.loads(success_body([]))["meta"] == {}


def test_error_has_code_message_and_details():
    details = [{"field": "title", "message": "too short"}]

    body = json.loads(error_body("VALIDATION_ERROR", "The request is not valid", details))

    assert body == {
        "success": False,
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "The request is not valid",
            "details": details,
        },
    }


def test_error_details_default_to_an_empty_list():
    assert json.loads(error_body("NOT_FOUND", "gone"))["error"]["details"] == []


def test_unicode_is_kept_readable():
    assert "履歴書" in success_body({"title": "履歴書"})


def test_an_early_error_is_a_gateway_response_with_the_envelope():
    response = error_response(413, "PAYLOAD_TOO_LARGE", "too big")

    assert response["statusCode"] == 413
    assert response["headers"]["Content-Type"] == "application/json"
    assert json.loads(response["body"])["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_each_domain_error_has_a_stable_code_and_its_status():
    expected = {
        BadRequest: ("BAD_REQUEST", 400),
        InvalidCursor: ("INVALID_CURSOR", 400),
        Unauthorized: ("UNAUTHORIZED", 401),
        NotFound: ("NOT_FOUND", 404),
        Conflict: ("CONFLICT", 409),
        PreconditionFailed: ("PRECONDITION_FAILED", 412),
        PayloadTooLarge: ("PAYLOAD_TOO_LARGE", 413),
        ValidationFailed: ("VALIDATION_ERROR", 422),
        PreconditionRequired: ("PRECONDITION_REQUIRED", 428),
        RateLimited: ("RATE_LIMITED", 429),
    }
    for error, (code, status) in expected.items():
        assert issubclass(error, DomainError)
        assert (error.code, error.status) == (code, status)


def test_a_field_error_names_its_field():
    error = field_error("tags", "too many")

    assert error.status == 422
    assert error.details == [{"field": "tags", "message": "too many"}]
