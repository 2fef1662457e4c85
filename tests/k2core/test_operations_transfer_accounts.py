"""Transfer accounts: merchant wallets and bank accounts, field rules, status queries."""

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

from k2core import MerchantBankAccountStatus, MerchantWalletStatus, transfer_accounts
from k2core.statuses import (
    MerchantBankAccountAttributes,
    MerchantBankAccountData,
    MerchantWalletAttributes,
    MerchantWalletData,
)
from k2core.testing_params import transfer_account_params

WALLET: dict[str, Any] = {
    "type": "merchant_wallet",
    "first_name": "Njeri",
    "last_name": "Kariuki",
    "phone_number": "+254 700 111 222",
}
BANK: dict[str, Any] = {
    "type": "merchant_bank_account",
    "account_name": "Njeri Stores",
    "account_number": "5550001112",
    "bank_branch_ref": "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b",
    "settlement_method": "RTS",
}


def test_create_wallet_request() -> None:
    operation = transfer_accounts.create(BASE, **WALLET)

    check_create(operation, "merchant_wallets", "transfer_accounts.create")


def test_create_bank_account_request() -> None:
    operation = transfer_accounts.create(BASE, **BANK)

    check_create(operation, "merchant_bank_accounts", "transfer_accounts.create")


def test_wallet_body_has_no_type_and_plain_254() -> None:
    body = body_of(transfer_accounts.create(BASE, **WALLET, nickname="Till float"))

    assert body == {
        "first_name": "Njeri",
        "last_name": "Kariuki",
        "nickname": "Till float",
        "phone_number": "254700111222",
        "network": "Safaricom",
    }


def test_bank_account_body() -> None:
    body = body_of(transfer_accounts.create(BASE, **BANK))
    expected = {key: value for key, value in BANK.items() if key != "type"}

    assert body == expected


@pytest.mark.parametrize("method", ["EFT", "RTS"])
def test_settlement_methods(method: str) -> None:
    body = body_of(transfer_accounts.create(BASE, **{**BANK, "settlement_method": method}))

    assert body["settlement_method"] == method


@pytest.mark.parametrize("method", ["eft", "Rts", "SWIFT", None, ""])
def test_settlement_method_rejected(method: Any) -> None:
    values = {**BANK, "settlement_method": method}

    assert invalid_fields(transfer_accounts.create, **values) == ("settlement_method",)


@pytest.mark.parametrize("kind", ["wallet", "merchant_wallets", "bank_account", None])
def test_unknown_type_rejected(kind: Any) -> None:
    assert invalid_fields(transfer_accounts.create, type=kind) == ("type",)


def test_field_of_other_kind_rejected() -> None:
    values = {**WALLET, "settlement_method": "EFT"}

    assert invalid_fields(transfer_accounts.create, **values) == ("settlement_method",)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**WALLET, "phone_number": "0712"}, "phone_number"),
        ({**WALLET, "first_name": ""}, "first_name"),
        ({**WALLET, "network": "Telkom"}, "network"),
        ({**BANK, "bank_branch_ref": "  "}, "bank_branch_ref"),
        ({**BANK, "nickname": ""}, "nickname"),
    ],
)
def test_invalid_field_named(values: dict[str, Any], field: str) -> None:
    assert invalid_fields(transfer_accounts.create, **values) == (field,)


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        transfer_accounts.create(BASE, **WALLET, email="njeri@example.com")


@given(transfer_account_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    operation = transfer_accounts.create(BASE, **values)
    body = body_of(operation)
    kind = values["type"]

    assert "type" not in body
    assert set(body) <= transfer_accounts.ACCOUNT_FIELDS[kind]
    assert operation.request.url.endswith(
        "/merchant_wallets" if kind == "merchant_wallet" else "/merchant_bank_accounts"
    )
    if kind == "merchant_wallet":
        assert body["phone_number"].startswith("254")
        assert len(body["phone_number"]) == 12


def test_get_is_pinned() -> None:
    check_pinned_get(transfer_accounts.get, "merchant_wallets", "transfer_accounts.get")
    check_pinned_get(transfer_accounts.get, "merchant_bank_accounts", "transfer_accounts.get")


def test_get_bank_account_status() -> None:
    body = {
        "data": {
            "id": "7104f019-0000-4000-8000-000000000002",
            "type": "merchant_bank_account",
            "attributes": {
                "status": "Approved",
                "account_reference": "acc-ref-1",
                "bank_branch_ref": BANK["bank_branch_ref"],
                "account_name": "Njeri Stores",
                "account_number": "5550001112",
                "settlement_method": "RTS",
            },
        }
    }
    operation = transfer_accounts.get(BASE, f"{BASE}/api/v2/merchant_bank_accounts/7104")
    status = operation.parse(json_response(body))

    assert isinstance(status, MerchantBankAccountStatus)
    assert status.data.attributes.account_reference == "acc-ref-1"
    assert status.data.attributes.settlement_method == "RTS"


def test_get_wallet_status() -> None:
    body = {
        "data": {
            "id": "wallet-1",
            "type": "merchant_wallet",
            "attributes": {
                "status": "Pending",
                "account_reference": "wal-ref-1",
                "phone_number": "254700111222",
                "network": "Safaricom",
                "first_name": "Njeri",
                "last_name": "Kariuki",
            },
        }
    }
    operation = transfer_accounts.get(BASE, f"{BASE}/api/v2/merchant_wallets/wallet-1")
    status = operation.parse(json_response(body))

    assert isinstance(status, MerchantWalletStatus)
    assert status.data.attributes.account_reference == "wal-ref-1"


text = st.none() | st.text(max_size=8)


@given(
    st.builds(
        MerchantWalletStatus,
        data=st.builds(
            MerchantWalletData,
            id=st.text(max_size=8),
            type=st.just("merchant_wallet"),
            attributes=st.builds(
                MerchantWalletAttributes,
                **{name: text for name in MerchantWalletAttributes.__struct_fields__},
            ),
        ),
    ),
    st.builds(
        MerchantBankAccountStatus,
        data=st.builds(
            MerchantBankAccountData,
            id=st.text(max_size=8),
            type=st.just("merchant_bank_account"),
            attributes=st.builds(
                MerchantBankAccountAttributes,
                **{name: text for name in MerchantBankAccountAttributes.__struct_fields__},
            ),
        ),
    ),
)
def test_statuses_round_trip(wallet: MerchantWalletStatus, bank: MerchantBankAccountStatus) -> None:
    assert msgspec.json.decode(msgspec.json.encode(wallet), type=MerchantWalletStatus) == wallet
    assert msgspec.json.decode(msgspec.json.encode(bank), type=MerchantBankAccountStatus) == bank
