"""Parameter checks: phone numbers, amounts, text, emails, URLs, metadata, choices, times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from k2core import FieldError, ValidationError, params
from k2core.testing_params import amounts, phone_numbers

EAT = timezone(timedelta(hours=3))


def check(function, value, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run one check; return its result and the errors it collected."""
    errors: list[FieldError] = []
    result = function(errors, "field", value, *args, **kwargs)
    return result, errors


@pytest.mark.parametrize(
    "given_number",
    [
        "0712345678",
        "0112345678",
        "254712345678",
        "254112345678",
        "+254712345678",
        "+254112345678",
        "0712 345 678",
        "0712-345-678",
        "+254 712-345 678",
    ],
)
def test_phone_accepts_kenyan_forms(given_number: str) -> None:
    national = given_number.replace(" ", "").replace("-", "")[-9:]

    assert params.normalize_phone(given_number) == national
    assert check(params.phone, given_number, prefix="+254") == ("+254" + national, [])
    assert check(params.phone, given_number, prefix="254") == ("254" + national, [])


@pytest.mark.parametrize(
    ("given_number", "problem"),
    [
        ("071234567", "is not a Kenyan mobile number"),
        ("07123456789", "is not a Kenyan mobile number"),
        ("+255712345678", "country code must be 254"),
        ("0812345678", "is not a Kenyan mobile number"),
        ("712345678", "is not a Kenyan mobile number"),
        ("07123x5678", "contains characters other than digits"),
        ("0712.345.678", "contains characters other than digits"),
        ("", "is empty"),
        ("   ", "is only whitespace"),
        (None, "is missing"),
        (712345678, "is of type int"),
        ("٠٧١٢٣٤٥٦٧٨", "contains characters other than digits"),
    ],
)
def test_phone_rejects_invalid(given_number: object, problem: str) -> None:
    result, errors = check(params.phone, given_number, prefix="254")

    assert result == ""
    assert len(errors) == 1
    assert errors[0].field == "field"
    assert problem in errors[0].problem
    assert "Kenyan mobile number" in errors[0].expected


@given(phone_numbers())
def test_phone_every_drawn_form_normalises(number: str) -> None:
    result, errors = check(params.phone, number, prefix="254")

    assert errors == []
    assert len(result) == 12
    assert result.startswith(("2547", "2541"))
    assert result[-6:] == number.replace(" ", "").replace("-", "")[-6:]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, Decimal(1)),
        (20000, Decimal(20000)),
        (Decimal("100.50"), Decimal("100.50")),
        ("100", Decimal(100)),
        ("0.01", Decimal("0.01")),
        (" 1500.25 ", Decimal("1500.25")),
        ("1.010", Decimal("1.010")),
        (Decimal("1E+3"), Decimal("1000")),
        ("999999999999.99", Decimal("999999999999.99")),
    ],
)
def test_amount_accepts_exact_values(value: object, expected: Decimal) -> None:
    result, errors = check(params.amount, value)

    assert errors == []
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (1.5, "is a float"),
        (100.0, "is a float"),
        (True, "is of type bool"),
        (0, "must be greater than zero"),
        (Decimal("0.00"), "must be greater than zero"),
        (-5, "must be greater than zero"),
        ("-0.01", "must be greater than zero"),
        (Decimal("NaN"), "is not a finite number"),
        ("Infinity", "is not a finite number"),
        (Decimal("-Infinity"), "is not a finite number"),
        ("abc", "is not a decimal number"),
        ("10_00", "is not a decimal number"),
        ("\u0661\u0660", "is not a decimal number"),
        ("\uff11\uff10", "is not a decimal number"),
        ("", "is empty"),
        (None, "is missing"),
        ([100], "is of type list"),
        ("1.005", "has a fraction of a cent"),
        (Decimal("0.0000001"), "has a fraction of a cent"),
        ("1000000000000", "is too large"),
        (Decimal("1E+999999999"), "is too large"),
    ],
)
def test_amount_rejects_invalid(value: object, problem: str) -> None:
    _, errors = check(params.amount, value)

    assert len(errors) == 1
    assert problem in errors[0].problem
    assert "not float" in errors[0].expected


@given(amounts())
def test_amount_encodes_digit_for_digit(value: int | Decimal | str) -> None:
    result, errors = check(params.amount, value)
    encoded = msgspec.json.Encoder(decimal_format="number").encode({"amount": result})

    assert errors == []
    assert encoded == b'{"amount":' + str(Decimal(str(value).strip())).encode() + b"}"


@pytest.mark.parametrize(
    ("value", "problem"),
    [(None, "is missing"), ("", "is empty"), (" \t", "is only whitespace"), (5, "is of type int")],
)
def test_text_rejects_blank_or_wrong_type(value: object, problem: str) -> None:
    _, errors = check(params.text, value)

    assert [error.problem for error in errors] == [problem]


def test_text_keeps_value_exactly() -> None:
    assert check(params.text, " K000000 ") == (" K000000 ", [])


def test_optional_text_none_is_unset() -> None:
    assert check(params.optional_text, None) == (msgspec.UNSET, [])


def test_optional_text_rejects_empty() -> None:
    _, errors = check(params.optional_text, "")

    assert errors[0].problem == "is empty"
    assert "None to leave it out" in errors[0].expected


@pytest.mark.parametrize("value", ["jane@example.com", "jane.doe+k2@mail.example.co.ke", "a@b.co"])
def test_email_accepts_practical_addresses(value: str) -> None:
    assert check(params.email, value) == (value, [])


@pytest.mark.parametrize(
    "value", ["jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a@b@c.com"]
)
def test_email_rejects_invalid(value: str) -> None:
    _, errors = check(params.email, value)

    assert [error.problem for error in errors] == ["is not a valid email address"]


def test_email_rejects_overlong() -> None:
    _, errors = check(params.email, "a" * 250 + "@example.com")

    assert len(errors) == 1


def test_optional_email_none_is_unset() -> None:
    assert check(params.optional_email, None) == (msgspec.UNSET, [])


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/k2/callback",
        "http://example.com/callback?order=1",
        "https://example.com:8443/x",
        "http://127.0.0.1:5000/cb",
    ],
)
def test_url_accepts_absolute_http_urls(value: str) -> None:
    assert check(params.url, value) == (value, [])


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("example.com/callback", "is not an absolute http or https URL"),
        ("/callback", "is not an absolute http or https URL"),
        ("ftp://example.com/x", "is not an absolute http or https URL"),
        ("https://", "is not an absolute http or https URL"),
        ("https://example.com/a b", "contains whitespace"),
        ("https://example.com:99999/", "is not a valid URL"),
        ("https://user:secret@example.com/", "must not contain user credentials"),
        ("", "is empty"),
    ],
)
def test_url_rejects_invalid(value: str, problem: str) -> None:
    _, errors = check(params.url, value)

    assert len(errors) == 1
    assert problem in errors[0].problem


def test_url_https_only_allows_loopback_http() -> None:
    assert check(params.url, "http://localhost:8000/hook", https_only=True)[1] == []
    _, errors = check(params.url, "http://example.com/hook", https_only=True)

    assert "uses http" in errors[0].problem
    assert errors[0].expected == "an absolute https URL"


def test_choice_rejects_near_misses() -> None:
    for value in ("Till", "til", "till ", "TILL", "tills"):
        _, errors = check(params.choice, value, params.SCOPES)

        assert len(errors) == 1
        assert "is not an accepted value" in errors[0].problem
        assert errors[0].expected == "one of 'till', 'company'"


def test_choice_accepts_exact_value() -> None:
    assert check(params.choice, "company", params.SCOPES) == ("company", [])


def test_choice_missing() -> None:
    assert check(params.choice, None, params.CURRENCIES)[1][0].problem == "is missing"


def test_network_defaults_to_safaricom() -> None:
    assert check(params.network, None) == ("Safaricom", [])
    assert check(params.network, "safaricom")[1][0].expected == "one of 'Safaricom'"


def test_flag_accepts_only_bool() -> None:
    assert check(params.flag, True) == (True, [])
    assert check(params.flag, None) == (msgspec.UNSET, [])
    assert check(params.flag, "true")[1][0].problem == "is of type str"
    assert check(params.flag, 1)[1][0].problem == "is of type int"


def test_metadata_accepts_five_scalar_entries() -> None:
    value = {"a": "x", "b": 1, "c": True, "d": Decimal("1.5"), "e": 2.5}

    assert check(params.metadata, value) == (value, [])


def test_metadata_none_is_unset() -> None:
    assert check(params.metadata, None) == (msgspec.UNSET, [])


def test_metadata_rejects_six_entries() -> None:
    _, errors = check(params.metadata, {str(index): index for index in range(6)})

    assert errors[0].problem == "has 6 entries"
    assert "at most 5" in errors[0].expected


def test_metadata_reports_each_bad_entry() -> None:
    value = {"nested": {"a": 1}, "items": [1], "missing": None, "nan": float("nan"), "": "x"}
    _, errors = check(params.metadata, value)

    assert [error.field for error in errors] == [
        "field.nested",
        "field.items",
        "field.missing",
        "field.nan",
        "field['']",
    ]


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN")])
def test_metadata_rejects_non_finite_decimal(value: Decimal) -> None:
    _, errors = check(params.metadata, {"rate": value})

    assert [error.field for error in errors] == ["field.rate"]
    assert errors[0].problem == "value is not a finite number"


def test_metadata_rejects_non_string_key() -> None:
    _, errors = check(params.metadata, {1: "x"})

    assert errors[0].problem == "key is not a non-empty string"


def test_metadata_rejects_non_mapping() -> None:
    _, errors = check(params.metadata, [("a", 1)])

    assert errors[0].problem == "is of type list"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 5, 1, 10, 0, tzinfo=EAT), datetime(2024, 5, 1, 10, 0, tzinfo=EAT)),
        ("2024-05-01T10:00:00+03:00", datetime(2024, 5, 1, 10, 0, tzinfo=EAT)),
        ("2024-05-01T07:00:00Z", datetime(2024, 5, 1, 7, 0, tzinfo=timezone.utc)),
        ("2024-05-01T10:00:00.123+03:00", datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=EAT)),
    ],
)
def test_timestamp_accepts_aware_values(value: object, expected: datetime) -> None:
    result, errors = check(params.timestamp, value)

    assert errors == []
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (datetime(2024, 5, 1, 10, 0), "has no timezone offset"),
        ("2024-05-01T10:00:00", "has no timezone offset"),
        ("2024-05-01", "has no timezone offset"),
        ("yesterday", "is not an ISO-8601 date and time"),
        (1714550400, "is of type int"),
        (None, "is missing"),
    ],
)
def test_timestamp_rejects_naive_or_invalid(value: object, problem: str) -> None:
    result, errors = check(params.timestamp, value)

    assert result is None
    assert [error.problem for error in errors] == [problem]


def test_raise_for_errors_collects_all() -> None:
    errors: list[FieldError] = []
    params.text(errors, "first_name", None)
    params.amount(errors, "amount", 1.5)
    params.phone(errors, "phone_number", "123", prefix="254")

    with pytest.raises(ValidationError) as caught:
        params.raise_for_errors(errors)

    assert caught.value.fields == ("first_name", "amount", "phone_number")


def test_raise_for_errors_silent_when_empty() -> None:
    params.raise_for_errors([])


@given(st.text(max_size=20))
def test_phone_never_raises(value: str) -> None:
    result, errors = check(params.phone, value, prefix="254")

    assert (result == "") == bool(errors)


def test_testing_kit_exposes_parameter_strategies() -> None:
    from k2core import testing, testing_params

    for name in testing_params.__all__:
        assert getattr(testing, name) is getattr(testing_params, name)
    with pytest.raises(AttributeError):
        testing.no_such_strategy  # noqa: B018


def test_amount_exponent_sent_as_plain_number() -> None:
    from k2core import incoming_payments

    operation = incoming_payments.create(
        "http://127.0.0.1:8000",
        till_number="K000000",
        first_name="Jane",
        last_name="Doe",
        phone_number="0712345678",
        amount=Decimal("2E+3"),
        callback_url="https://example.com/k2/callbacks",
    )

    assert b'"value":2000}' in operation.request.body
    assert b"E+" not in operation.request.body
