"""Send money: all six destination kinds, several at once, the sweep, validation, status."""

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

from k2core import PayloadError, SendMoneyResult, ValidationError, send_money
from k2core.testing_params import send_money_params

BRANCH = "2c4e6a8b-1357-4aaa-9bbb-0c0d0e0f1011"

# Each destination kind as a Struct and the JSON object it must become.
DESTINATIONS: list[tuple[Any, dict[str, Any]]] = [
    (
        send_money.MobileWallet(
            phone_number="+254 701 234 567", amount=250, description="Cashback", nickname="Tom"
        ),
        {
            "type": "mobile_wallet",
            "nickname": "Tom",
            "phone_number": "254701234567",
            "network": "Safaricom",
            "amount": 250,
            "description": "Cashback",
        },
    ),
    (
        send_money.BankAccount(
            account_name="Tom Ouma",
            account_number="22334455",
            bank_branch_ref=BRANCH,
            amount=Decimal("12000.75"),
            description="Salary",
            favourite=True,
        ),
        {
            "type": "bank_account",
            "account_name": "Tom Ouma",
            "account_number": "22334455",
            "bank_branch_ref": BRANCH,
            "amount": Decimal("12000.75"),
            "description": "Salary",
            "favourite": True,
        },
    ),
    (
        send_money.Till(till_number="991122", amount="80", description="Stock"),
        {"type": "till", "till_number": "991122", "amount": 80, "description": "Stock"},
    ),
    (
        send_money.Paybill(
            paybill_number="123123",
            paybill_account_number="HOUSE-9",
            amount=4300,
            description="Rent",
        ),
        {
            "type": "paybill",
            "paybill_number": "123123",
            "paybill_account_number": "HOUSE-9",
            "amount": 4300,
            "description": "Rent",
        },
    ),
    (
        send_money.MerchantWallet(reference="ref-wallet-1", amount=Decimal("99.99")),
        {"type": "merchant_wallet", "reference": "ref-wallet-1", "amount": Decimal("99.99")},
    ),
    (
        send_money.MerchantBankAccount(
            reference="ref-bank-1", amount=500000, description="Monthly sweep"
        ),
        {
            "type": "merchant_bank_account",
            "reference": "ref-bank-1",
            "amount": 500000,
            "description": "Monthly sweep",
        },
    ),
]


def mapping_of(struct: Any) -> dict[str, Any]:
    """The destination as a plain mapping, with `type` and only the fields that were set."""
    kind = struct.__struct_config__.tag
    fields = {name: getattr(struct, name) for name in struct.__struct_fields__}
    return {"type": kind, **{name: value for name, value in fields.items() if value is not None}}


def test_create_request() -> None:
    operation = send_money.create(BASE, destinations=[DESTINATIONS[0][0]], callback_url=CALLBACK)

    check_create(operation, "send_money", "send_money.create")


@pytest.mark.parametrize(("destination", "expected"), DESTINATIONS)
def test_each_kind_as_struct(destination: Any, expected: dict[str, Any]) -> None:
    body = body_of(send_money.create(BASE, destinations=[destination], callback_url=CALLBACK))

    assert body["destinations"] == [expected]


@pytest.mark.parametrize(("destination", "expected"), DESTINATIONS)
def test_each_kind_as_mapping(destination: Any, expected: dict[str, Any]) -> None:
    operation = send_money.create(
        BASE, destinations=[mapping_of(destination)], callback_url=CALLBACK
    )

    assert body_of(operation)["destinations"] == [expected]


def test_struct_and_mapping_build_same_bytes() -> None:
    structs = [destination for destination, _ in DESTINATIONS]
    mappings = [mapping_of(destination) for destination in structs]

    first = send_money.create(BASE, destinations=structs, callback_url=CALLBACK)
    second = send_money.create(BASE, destinations=mappings, callback_url=CALLBACK)

    assert first.request.body == second.request.body


def test_several_destinations_in_order() -> None:
    body = body_of(
        send_money.create(
            BASE,
            destinations=[destination for destination, _ in DESTINATIONS],
            source_identifier="till-7",
            metadata={"run": "2026-12"},
            callback_url=CALLBACK,
        )
    )

    assert list(body) == ["destinations", "source_identifier", "currency", "metadata", "_links"]
    assert body["destinations"] == [expected for _, expected in DESTINATIONS]
    assert body["currency"] == "KES"
    assert body["_links"] == {"callback_url": CALLBACK}


def test_sweep_omits_destinations() -> None:
    operation = send_money.create(BASE, callback_url=CALLBACK, metadata={"why": "sweep"})

    assert body_of(operation) == {
        "currency": "KES",
        "metadata": {"why": "sweep"},
        "_links": {"callback_url": CALLBACK},
    }
    assert b"null" not in operation.request.body


def test_empty_destination_list_is_not_a_sweep() -> None:
    fields = invalid_fields(send_money.create, destinations=[], callback_url=CALLBACK)

    assert fields == ("destinations",)


@pytest.mark.parametrize("value", ["mobile_wallet", {"type": "till"}, 5])
def test_destinations_must_be_a_list(value: Any) -> None:
    assert invalid_fields(send_money.create, destinations=value, callback_url=CALLBACK) == (
        "destinations",
    )


def test_amounts_are_exact_numbers() -> None:
    destination = {"type": "till", "till_number": "1", "amount": "0.30", "description": "x"}
    raw = send_money.create(BASE, destinations=[destination], callback_url=CALLBACK).request.body

    assert b'"amount":0.30,' in raw


@pytest.mark.parametrize(
    ("destination", "field"),
    [
        ({"type": "Till", "till_number": "1", "amount": 1, "description": "d"}, "type"),
        ({"till_number": "1", "amount": 1, "description": "d"}, "type"),
        ({"type": "till", "till_number": "1", "amount": 1.5, "description": "d"}, "amount"),
        ({"type": "till", "till_number": "1", "amount": 0, "description": "d"}, "amount"),
        ({"type": "till", "till_number": "1", "amount": "NaN", "description": "d"}, "amount"),
        ({"type": "till", "till_number": "", "amount": 1, "description": "d"}, "till_number"),
        ({"type": "till", "till_number": "1", "amount": 1}, "description"),
        (
            {
                "type": "till",
                "till_number": "1",
                "amount": 1,
                "description": "d",
                "phone_number": "0712345678",
            },
            "phone_number",
        ),
        (
            {
                "type": "mobile_wallet",
                "phone_number": "+255700000000",
                "amount": 1,
                "description": "d",
            },
            "phone_number",
        ),
        (
            {
                "type": "mobile_wallet",
                "phone_number": "0700000000",
                "amount": 1,
                "description": "d",
                "network": "Airtel",
            },
            "network",
        ),
        (
            {
                "type": "mobile_wallet",
                "phone_number": "0700000000",
                "amount": 1,
                "description": "d",
                "favourite": "yes",
            },
            "favourite",
        ),
        ({"type": "merchant_wallet", "amount": 1}, "reference"),
        (
            {"type": "merchant_bank_account", "reference": "r", "amount": 1, "description": ""},
            "description",
        ),
    ],
)
def test_invalid_destination_field_named(destination: dict[str, Any], field: str) -> None:
    fields = invalid_fields(
        send_money.create,
        destinations=[DESTINATIONS[0][0], destination],
        callback_url=CALLBACK,
    )

    assert fields == (f"destinations[1].{field}",)


def test_invalid_struct_destination_named() -> None:
    bad = send_money.Paybill(
        paybill_number="1", paybill_account_number=" ", amount=True, description="d"
    )
    fields = invalid_fields(send_money.create, destinations=[bad], callback_url=CALLBACK)

    assert fields == ("destinations[0].paybill_account_number", "destinations[0].amount")


def test_destination_of_wrong_type_named() -> None:
    fields = invalid_fields(send_money.create, destinations=[42], callback_url=CALLBACK)

    assert fields == ("destinations[0]",)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("currency", "USD"),
        ("callback_url", "ftp://x"),
        ("source_identifier", ""),
        ("metadata", {"a": {"b": 1}}),
    ],
)
def test_invalid_top_level_field_named(field: str, value: Any) -> None:
    values = {"callback_url": CALLBACK, field: value}

    assert invalid_fields(send_money.create, **values)[0].startswith(field)


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        send_money.create(BASE, callback_url=CALLBACK, destination=[])


def test_destination_struct_unknown_field_is_type_error() -> None:
    with pytest.raises(TypeError):
        send_money.Till(till_number="1", amount=1, description="d", till_name="x")  # type: ignore[call-arg]


@given(send_money_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    body = body_of(send_money.create(BASE, **values))
    allowed = {
        "mobile_wallet": {
            "type",
            "phone_number",
            "network",
            "amount",
            "description",
            "nickname",
            "favourite",
        },
        "bank_account": {
            "type",
            "account_name",
            "account_number",
            "bank_branch_ref",
            "amount",
            "description",
            "nickname",
            "favourite",
        },
        "till": {"type", "till_number", "amount", "description", "nickname", "favourite"},
        "paybill": {
            "type",
            "paybill_number",
            "paybill_account_number",
            "amount",
            "description",
            "nickname",
            "favourite",
        },
        "merchant_wallet": {"type", "reference", "amount", "description"},
        "merchant_bank_account": {"type", "reference", "amount", "description"},
    }

    assert {"currency", "_links"} <= set(body)
    assert set(body) <= {"destinations", "source_identifier", "currency", "metadata", "_links"}
    assert ("destinations" in body) == ("destinations" in values)
    for sent in body.get("destinations", []):
        assert set(sent) <= allowed[sent["type"]]
        assert sent["amount"] > 0
        if sent["type"] == "mobile_wallet":
            assert sent["phone_number"].startswith("254")
            assert len(sent["phone_number"]) == 12


def test_get_is_pinned() -> None:
    check_pinned_get(send_money.get, "send_money", "send_money.get")


SCHEDULED = {
    "data": {
        "id": "41d3c6b0-0000-4000-8000-0000000005e1",
        "type": "send_money",
        "attributes": {
            "status": "Scheduled",
            "created_at": "2026-12-04T10:01:02.345+03:00",
            "source_identifier": None,
            "destinations": None,
            "currency": "KES",
            "transfer_batches": None,
            "errors": None,
            "metadata": {"run": "2026-12"},
            "_links": {
                "callback_url": CALLBACK,
                "self": f"{BASE}/api/v2/send_money/41d3c6b0-0000-4000-8000-0000000005e1",
            },
        },
    }
}


def test_get_parses_scheduled_status() -> None:
    operation = send_money.get(BASE, f"{BASE}/api/v2/send_money/41d3c6b0")
    result = operation.parse(json_response(SCHEDULED))

    assert isinstance(result, SendMoneyResult)
    assert result.data.attributes.status == "Scheduled"


def test_get_truncated_body_is_payload_error() -> None:
    operation = send_money.get(BASE, f"{BASE}/api/v2/send_money/41d3c6b0")

    with pytest.raises(PayloadError):
        operation.parse(json_response(b'{"data": {"id": "41d3c6b0", "type": "send_mo'))


def test_webhook_struct_is_not_a_destination() -> None:
    from k2core import webhooks

    wallet = webhooks.MobileWallet(
        first_name="Tom", last_name="Ouma", phone_number="+254701234567", network="Safaricom"
    )

    with pytest.raises(ValidationError) as caught:
        send_money.create(BASE, destinations=[wallet], callback_url=CALLBACK)

    assert caught.value.errors[0].problem == "is of type k2core.webhooks.MobileWallet"
    assert "k2core.send_money destination" in caught.value.errors[0].expected
