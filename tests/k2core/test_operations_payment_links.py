"""Payment links: request body, validation, cancel, status query."""

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
    Headers,
    NotFoundError,
    PayloadError,
    PaymentLinkResult,
    Response,
    UnsafeUrlError,
    payment_links,
)
from k2core.testing_params import payment_link_params

VALID: dict[str, Any] = {"till_number": "667788", "amount": 2500, "callback_url": CALLBACK}
LINK = f"{BASE}/api/v2/payment_links/c1d2e3f4-0000-4000-8000-000000000abc"


def test_create_request() -> None:
    check_create(payment_links.create(BASE, **VALID), "payment_links", "payment_links.create")


def test_body() -> None:
    body = body_of(
        payment_links.create(
            BASE,
            **VALID,
            payment_reference="INV-88",
            note="Thanks for shopping",
            metadata={"customer": "c-9"},
        )
    )

    assert body == {
        "till_number": "667788",
        "currency": "KES",
        "amount": 2500,
        "payment_reference": "INV-88",
        "note": "Thanks for shopping",
        "metadata": {"customer": "c-9"},
        "_links": {"callback_url": CALLBACK},
    }


def test_minimal_body_omits_optionals() -> None:
    assert body_of(payment_links.create(BASE, **VALID)) == {
        "till_number": "667788",
        "currency": "KES",
        "amount": 2500,
        "_links": {"callback_url": CALLBACK},
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("till_number", " "),
        ("amount", 99.5),
        ("amount", "-1"),
        ("amount", Decimal("Infinity")),
        ("currency", "KSH"),
        ("payment_reference", ""),
        ("note", 5),
        ("callback_url", None),
    ],
)
def test_invalid_field_named(field: str, value: Any) -> None:
    assert invalid_fields(payment_links.create, **{**VALID, field: value}) == (field,)


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        payment_links.create(BASE, **VALID, expires_at="tomorrow")


@given(payment_link_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    body = body_of(payment_links.create(BASE, **values))

    assert {"till_number", "currency", "amount", "_links"} <= set(body)
    assert set(body) <= {
        "till_number",
        "currency",
        "amount",
        "payment_reference",
        "note",
        "metadata",
        "_links",
    }
    assert body["amount"] == Decimal(str(values["amount"]))


def test_get_is_pinned() -> None:
    check_pinned_get(payment_links.get, "payment_links", "payment_links.get")


def test_get_parses_status() -> None:
    body = {
        "data": {
            "id": "c1d2e3f4-0000-4000-8000-000000000abc",
            "type": "payment_link",
            "attributes": {
                "status": "Processed",
                "created_at": "2026-12-04T12:00:00.000+03:00",
                "till_name": "Corner Shop",
                "till_number": "667788",
                "payment_reference": None,
                "currency": "KES",
                "amount": 2500,
                "note": None,
                "payment_link": {
                    "payment_link_status": "active",
                    "expires_at": "2026-12-11T12:00:00.000+03:00",
                    "initiator_name": "Shop Owner",
                    "link": f"{BASE}/links/0000",
                },
                "errors": None,
                "metadata": None,
                "_links": {"callback_url": CALLBACK, "self": LINK},
            },
        }
    }
    result = payment_links.get(BASE, LINK).parse(json_response(body))

    assert isinstance(result, PaymentLinkResult)
    assert result.data.attributes.status == "Processed"


def test_cancel_request() -> None:
    operation = payment_links.cancel(BASE, LINK)
    request = operation.request

    assert request.method == "POST"
    assert request.url == LINK + "/cancel"
    assert request.body == b""
    assert request.headers.get("content-type") is None
    assert request.idempotent is False
    assert request.operation == "payment_links.cancel"
    assert operation.needs_token is True


def test_cancel_url_with_trailing_slash() -> None:
    assert payment_links.cancel(BASE, LINK + "/").request.url == LINK + "/cancel"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/api/v2/payment_links/c1d2",
        "http://sandbox.kopokopo.com/api/v2/payment_links/c1d2",
    ],
)
def test_cancel_is_pinned(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        payment_links.cancel(BASE, url)


@pytest.mark.parametrize(
    "message", ["Payment link cancelled.", "Payment link cancelled successfully"]
)
def test_cancel_returns_message(message: str) -> None:
    assert payment_links.cancel(BASE, LINK).parse(json_response({"message": message})) == message


def test_cancel_empty_body() -> None:
    empty = Response(status=200, headers=Headers({}), body=b"")

    assert payment_links.cancel(BASE, LINK).parse(empty) == ""


def test_cancel_unexpected_body() -> None:
    with pytest.raises(PayloadError) as caught:
        payment_links.cancel(BASE, LINK).parse(json_response({"msg": "done"}))

    assert caught.value.path == "$.message"


def test_cancel_not_found() -> None:
    with pytest.raises(NotFoundError):
        payment_links.cancel(BASE, LINK).parse(json_response({"error_message": "Not found"}, 404))
