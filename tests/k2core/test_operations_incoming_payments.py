"""Incoming payments (STK push): request body, validation, status query."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from operation_support import (
    BASE,
    CALLBACK,
    body_of,
    check_create,
    check_pinned_get,
    invalid_fields,
    json_response,
)

from k2core import (
    IncomingPaymentResult,
    NotFoundError,
    PayloadError,
    ValidationError,
    incoming_payments,
)
from k2core.testing_params import incoming_payment_params

VALID: dict[str, Any] = {
    "till_number": "K445566",
    "first_name": "Akinyi",
    "last_name": "Were",
    "phone_number": "0799 123 456",
    "amount": "150",
    "callback_url": CALLBACK,
}


def build(**changes: Any) -> Any:
    return incoming_payments.create(BASE, **{**VALID, **changes})


def test_create_request() -> None:
    check_create(build(), "incoming_payments", "incoming_payments.create")


def test_body_nests_flat_parameters() -> None:
    body = body_of(build(email="akinyi@example.com", metadata={"order": "A1"}))

    assert body == {
        "payment_channel": "M-PESA STK Push",
        "till_number": "K445566",
        "subscriber": {
            "first_name": "Akinyi",
            "last_name": "Were",
            "phone_number": "+254799123456",
            "email": "akinyi@example.com",
        },
        "amount": {"currency": "KES", "value": Decimal(150)},
        "metadata": {"order": "A1"},
        "_links": {"callback_url": CALLBACK},
    }


def test_optional_fields_omitted_not_null() -> None:
    raw = build().request.body

    assert b"null" not in raw
    assert b"email" not in raw
    assert b"metadata" not in raw
    assert b"middle_name" not in raw


def test_middle_name_sent_when_given() -> None:
    assert body_of(build(middle_name="Atieno"))["subscriber"]["middle_name"] == "Atieno"


def test_amount_sent_exactly() -> None:
    assert b'"value":1500.05}' in build(amount=Decimal("1500.05")).request.body
    assert b'"value":0.10}' in build(amount="0.10").request.body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("till_number", ""),
        ("first_name", None),
        ("last_name", "  "),
        ("phone_number", "+256712345678"),
        ("phone_number", "0712"),
        ("amount", 150.0),
        ("amount", 0),
        ("amount", True),
        ("callback_url", "not a url"),
        ("currency", "USD"),
        ("currency", "kes"),
        ("email", "akinyi"),
        ("metadata", {str(index): index for index in range(6)}),
        ("payment_channel", ""),
    ],
)
def test_invalid_field_named(field: str, value: Any) -> None:
    fields = invalid_fields(incoming_payments.create, **{**VALID, field: value})

    assert fields == (field,) or fields[0].startswith(field)


def test_all_invalid_fields_reported_together() -> None:
    fields = invalid_fields(
        incoming_payments.create,
        **{**VALID, "first_name": "", "phone_number": "1", "amount": -1, "callback_url": "x"},
    )

    assert set(fields) == {"first_name", "phone_number", "amount", "callback_url"}


def test_metadata_entry_path() -> None:
    fields = invalid_fields(incoming_payments.create, **{**VALID, "metadata": {"a": [1]}})

    assert fields == ("metadata.a",)


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        build(subscriber={"phone_number": "0712345678"})


def test_missing_required_keyword_is_validation_error() -> None:
    values = dict(VALID)
    del values["phone_number"]

    with pytest.raises(ValidationError) as caught:
        incoming_payments.create(BASE, **values)

    assert caught.value.fields == ("phone_number",)
    assert caught.value.errors[0].problem == "is missing"


@given(incoming_payment_params())
def test_valid_params_encode_reference_shape(params: dict[str, Any]) -> None:
    body = body_of(incoming_payments.create(BASE, **params))

    assert set(body) <= {
        "payment_channel",
        "till_number",
        "subscriber",
        "amount",
        "metadata",
        "_links",
    }
    assert {"payment_channel", "till_number", "subscriber", "amount", "_links"} <= set(body)
    assert set(body["subscriber"]) <= {
        "first_name",
        "middle_name",
        "last_name",
        "phone_number",
        "email",
    }
    assert set(body["amount"]) == {"currency", "value"}
    assert set(body["_links"]) == {"callback_url"}
    assert body["subscriber"]["phone_number"].startswith("+254")
    assert len(body["subscriber"]["phone_number"]) == 13
    assert body["amount"]["value"] == Decimal(str(params["amount"]).strip())


def test_get_is_pinned() -> None:
    check_pinned_get(incoming_payments.get, "incoming_payments", "incoming_payments.get")


PENDING = {
    "data": {
        "id": "7a1c0b1e-0000-4000-8000-00000000c0de",
        "type": "incoming_payment",
        "attributes": {
            "initiation_time": "2026-12-04T09:15:02.412+03:00",
            "status": "Pending",
            "event": {"type": "Incoming Payment Request", "resource": None, "errors": None},
            "metadata": None,
            "_links": {
                "callback_url": CALLBACK,
                "self": f"{BASE}/api/v2/incoming_payments/7a1c0b1e-0000-4000-8000-00000000c0de",
            },
        },
    }
}


def test_get_parses_pending_status() -> None:
    url = PENDING["data"]["attributes"]["_links"]["self"]  # type: ignore[index]
    result = incoming_payments.get(BASE, url).parse(json_response(PENDING))

    assert isinstance(result, IncomingPaymentResult)
    assert result.data.id == "7a1c0b1e-0000-4000-8000-00000000c0de"
    assert result.data.attributes.status == "Pending"


def test_get_rejects_other_result_type() -> None:
    other = {"data": {**PENDING["data"], "type": "payment_link"}}
    operation = incoming_payments.get(BASE, f"{BASE}/api/v2/incoming_payments/x")

    with pytest.raises(PayloadError):
        operation.parse(json_response(other))


def test_get_rejects_unknown_result_type() -> None:
    other = {"data": {"id": "x", "type": "settlement_transfer", "attributes": {}}}
    operation = incoming_payments.get(BASE, f"{BASE}/api/v2/incoming_payments/x")

    with pytest.raises(PayloadError) as caught:
        operation.parse(json_response(other))

    assert caught.value.path == "$.data.type"


@pytest.mark.parametrize("body", [b"", b"<html></html>", b"{}", b'{"data": 1}'])
def test_get_unreadable_status_is_payload_error(body: bytes) -> None:
    operation = incoming_payments.get(BASE, f"{BASE}/api/v2/incoming_payments/x")

    with pytest.raises(PayloadError):
        operation.parse(json_response(body))


def test_get_not_found() -> None:
    operation = incoming_payments.get(BASE, f"{BASE}/api/v2/incoming_payments/x")

    with pytest.raises(NotFoundError):
        operation.parse(
            json_response({"error_code": 404, "error_message": "Not found"}, status=404)
        )
