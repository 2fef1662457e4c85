"""The error tree: hierarchy, messages and pickling."""

from __future__ import annotations

import builtins
import pickle

import pytest

import k2core
from k2core import errors


def test_every_error_derives_from_k2error() -> None:
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            assert issubclass(value, k2core.K2Error), name


def test_no_error_name_shadows_builtin() -> None:
    for name in errors.__all__:
        assert not hasattr(builtins, name), name


def test_validation_error_lists_every_field() -> None:
    error = k2core.ValidationError(
        [
            k2core.FieldError("amount", "is zero", "a positive amount"),
            k2core.FieldError("phone_number", "is empty", "a Kenyan mobile number"),
        ]
    )

    assert error.fields == ("amount", "phone_number")
    assert "2 invalid parameters" in str(error)
    assert "amount: is zero; expected a positive amount" in str(error)
    assert "phone_number: is empty" in str(error)


def test_validation_error_needs_errors() -> None:
    with pytest.raises(ValueError):
        k2core.ValidationError([])


@pytest.mark.parametrize(
    "error",
    [
        k2core.ValidationError([k2core.FieldError("a", "b", "c")]),
        k2core.PayloadError("bad amount", "$.event.resource.amount"),
        k2core.PayloadTooLargeError(2_000_000, 1_048_576),
        k2core.NotFoundError(404, "Not Found", code="404", body_excerpt="{}"),
        k2core.ApiError(500, "boom"),
    ],
)
def test_errors_pickle_round_trip(error: k2core.K2Error) -> None:
    restored = pickle.loads(pickle.dumps(error))

    assert type(restored) is type(error)
    assert str(restored) == str(error)


def test_rate_limited_keeps_retry_after_through_pickle() -> None:
    error = k2core.RateLimitedError(429, "Too Many Requests")
    error.retry_after = 2.5

    restored = pickle.loads(pickle.dumps(error))

    assert restored.retry_after == 2.5
    assert restored.status == 429


def test_api_error_summary_skips_repeated_status() -> None:
    error = k2core.AuthenticationError(401, "InvalidAccessToken", code="401")

    assert str(error) == "HTTP 401: InvalidAccessToken"
    assert error.code == "401"
    assert error.status == 401


def test_api_error_summary_shows_distinct_code() -> None:
    error = k2core.AuthenticationError(401, "The access token expired", code="ExpiredAccessToken")

    assert str(error) == "HTTP 401 ExpiredAccessToken: The access token expired"


def test_payload_too_large_message() -> None:
    error = k2core.PayloadTooLargeError(2048, 1024)

    assert str(error) == "body of 2048 bytes exceeds the limit of 1024 bytes"
    assert isinstance(error, k2core.PayloadError)
