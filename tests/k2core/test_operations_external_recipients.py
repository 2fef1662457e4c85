"""External recipients: the four recipient types, field rules, status query."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from operation_support import (
    BASE,
    body_of,
    check_create,
    check_pinned_get,
    invalid_fields,
    json_response,
)

from k2core import ExternalRecipientStatus, PayloadError, external_recipients
from k2core.statuses import ExternalRecipientAttributes, ExternalRecipientData
from k2core.testing_params import external_recipient_params

KINDS: dict[str, dict[str, Any]] = {
    "mobile_wallet": {
        "first_name": "Baraka",
        "last_name": "Mwangi",
        "phone_number": "0110 999 888",
        "email": "baraka@example.com",
        "nickname": "Baraka",
    },
    "bank_account": {
        "account_name": "Baraka Mwangi",
        "account_number": "000111222333",
        "bank_branch_ref": "9d3e0f12-aaaa-4bbb-8ccc-ddddeeeeffff",
        "settlement_method": "EFT",
    },
    "till": {"till_name": "Corner Shop", "till_number": "556677"},
    "paybill": {
        "paybill_name": "Power Co",
        "paybill_number": "888880",
        "paybill_account_number": "ACC-77",
    },
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_create_request(kind: str) -> None:
    operation = external_recipients.create(BASE, type=kind, **KINDS[kind])

    check_create(operation, "external_recipients", "external_recipients.create")


def test_mobile_wallet_body() -> None:
    body = body_of(external_recipients.create(BASE, type="mobile_wallet", **KINDS["mobile_wallet"]))

    assert body == {
        "type": "mobile_wallet",
        "external_recipient": {
            "first_name": "Baraka",
            "last_name": "Mwangi",
            "phone_number": "+254110999888",
            "email": "baraka@example.com",
            "network": "Safaricom",
            "nickname": "Baraka",
        },
    }


@pytest.mark.parametrize("kind", ["bank_account", "till", "paybill"])
def test_body_nests_fields(kind: str) -> None:
    body = body_of(external_recipients.create(BASE, type=kind, **KINDS[kind]))

    assert body == {"type": kind, "external_recipient": KINDS[kind]}


def test_bank_account_settlement_method_optional() -> None:
    values = {**KINDS["bank_account"]}
    del values["settlement_method"]
    body = body_of(external_recipients.create(BASE, type="bank_account", **values))

    assert "settlement_method" not in body["external_recipient"]


@pytest.mark.parametrize("kind", ["Till", "mobile", "mpesa", "", None])
def test_unknown_type_rejected(kind: Any) -> None:
    assert invalid_fields(external_recipients.create, type=kind) == ("type",)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_missing_required_fields_named(kind: str) -> None:
    fields = invalid_fields(external_recipients.create, type=kind)
    required = {
        "mobile_wallet": {"first_name", "last_name", "phone_number"},
        "bank_account": {"account_name", "account_number", "bank_branch_ref"},
        "till": {"till_name", "till_number"},
        "paybill": {"paybill_name", "paybill_number", "paybill_account_number"},
    }[kind]

    assert set(fields) == required


def test_field_of_other_kind_rejected() -> None:
    fields = invalid_fields(
        external_recipients.create, type="till", **KINDS["till"], phone_number="0712345678"
    )

    assert fields == ("phone_number",)


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("mobile_wallet", "phone_number", "+254 812 345 678"),
        ("mobile_wallet", "email", "baraka@"),
        ("mobile_wallet", "network", "Airtel"),
        ("mobile_wallet", "nickname", ""),
        ("bank_account", "settlement_method", "eft"),
        ("bank_account", "account_number", " "),
        ("till", "till_name", None),
        ("paybill", "paybill_account_number", ""),
    ],
)
def test_invalid_field_named(kind: str, field: str, value: Any) -> None:
    values = {**KINDS[kind], field: value}

    assert invalid_fields(external_recipients.create, type=kind, **values) == (field,)


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        external_recipients.create(BASE, type="till", **KINDS["till"], till_label="x")


@given(external_recipient_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    body = body_of(external_recipients.create(BASE, **values))
    kind = values["type"]
    recipient = body["external_recipient"]

    assert set(body) == {"type", "external_recipient"}
    assert body["type"] == kind
    assert set(recipient) <= external_recipients.RECIPIENT_FIELDS[kind]
    if kind == "mobile_wallet":
        assert recipient["phone_number"].startswith("+254")
        assert recipient["network"] == "Safaricom"


def test_get_is_pinned() -> None:
    check_pinned_get(external_recipients.get, "external_recipients", "external_recipients.get")


def test_get_parses_status() -> None:
    body = {
        "data": {
            "id": "61c0ffee-0000-4000-8000-000000000001",
            "type": "external_recipient",
            "attributes": {
                "status": "Active",
                "type": "till",
                "recipient_reference": "r-556677",
                "till_name": "Corner Shop",
                "till_number": "556677",
            },
        }
    }
    operation = external_recipients.get(BASE, f"{BASE}/api/v2/external_recipients/61c0")
    status = operation.parse(json_response(body))

    assert isinstance(status, ExternalRecipientStatus)
    assert status.data.attributes.till_number == "556677"
    assert status.data.attributes.recipient_reference == "r-556677"
    assert status.data.attributes.phone_number is None


def test_get_missing_data_is_payload_error() -> None:
    operation = external_recipients.get(BASE, f"{BASE}/api/v2/external_recipients/61c0")

    with pytest.raises(PayloadError) as caught:
        operation.parse(json_response({"result": {}}))

    assert caught.value.path == "$.data"


text = st.none() | st.text(max_size=8)


@given(
    st.builds(
        ExternalRecipientStatus,
        data=st.builds(
            ExternalRecipientData,
            id=st.text(max_size=8),
            type=st.text(max_size=8),
            attributes=st.builds(
                ExternalRecipientAttributes,
                **{name: text for name in ExternalRecipientAttributes.__struct_fields__},
            ),
        ),
    )
)
def test_status_round_trips(status: ExternalRecipientStatus) -> None:
    encoded = msgspec.json.encode(status)

    assert msgspec.json.decode(encoded, type=ExternalRecipientStatus) == status
