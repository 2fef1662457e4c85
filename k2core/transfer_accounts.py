"""Transfer accounts: register the merchant's own M-PESA wallet or bank account.

`create(base_url, type="merchant_wallet", ...)` sends `POST /api/v2/merchant_wallets` with
`first_name`, `last_name`, `phone_number` (sent as `254XXXXXXXXX`), `network` (defaults to
`"Safaricom"`) and an optional `nickname`. `create(base_url, type="merchant_bank_account", ...)`
sends `POST /api/v2/merchant_bank_accounts` with `account_name`, `account_number`,
`bank_branch_ref`, `settlement_method` (`"EFT"` or `"RTS"`) and an optional `nickname`. `type`
only selects the endpoint and is not part of the body. A field of the other kind is rejected.
The parser returns the Location URL. `get` returns a `MerchantWalletStatus` for a
`/merchant_wallets/` URL and a `MerchantBankAccountStatus` for a `/merchant_bank_accounts/`
URL. Raises `ValidationError` listing every invalid field, and `UnsafeUrlError` from `get`
for a URL off the base URL's host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import create_operation, get_operation
from k2core.config import BaseUrl
from k2core.errors import FieldError
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.responses import json_parser
from k2core.statuses import MerchantBankAccountStatus, MerchantWalletStatus

__all__ = ["ACCOUNT_FIELDS", "ACCOUNT_TYPES", "create", "get"]

ACCOUNT_TYPES = ("merchant_wallet", "merchant_bank_account")

# The fields each account type accepts. Any other field that is given is an error.
ACCOUNT_FIELDS: dict[str, frozenset[str]] = {
    "merchant_wallet": frozenset(
        {"first_name", "last_name", "phone_number", "network", "nickname"}
    ),
    "merchant_bank_account": frozenset(
        {"account_name", "account_number", "bank_branch_ref", "settlement_method", "nickname"}
    ),
}

_RESOURCES = {
    "merchant_wallet": "merchant_wallets",
    "merchant_bank_account": "merchant_bank_accounts",
}
_parse_wallet = json_parser(MerchantWalletStatus)
_parse_bank_account = json_parser(MerchantBankAccountStatus)


class _MerchantWallet(msgspec.Struct, kw_only=True):
    first_name: str
    last_name: str
    nickname: str | UnsetType = UNSET
    phone_number: str
    network: str


class _MerchantBankAccount(msgspec.Struct, kw_only=True):
    account_name: str
    account_number: str
    bank_branch_ref: str
    settlement_method: str
    nickname: str | UnsetType = UNSET


def create(
    base_url: str | BaseUrl,
    *,
    type: str = REQUIRED,
    nickname: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_number: str | None = None,
    network: str | None = None,
    account_name: str | None = None,
    account_number: str | None = None,
    bank_branch_ref: str | None = None,
    settlement_method: str | None = None,
) -> Operation[str]:
    """Build the POST that adds a transfer account; the parser returns the Location URL."""
    field_values = {
        "nickname": nickname,
        "first_name": first_name,
        "last_name": last_name,
        "phone_number": phone_number,
        "network": network,
        "account_name": account_name,
        "account_number": account_number,
        "bank_branch_ref": bank_branch_ref,
        "settlement_method": settlement_method,
    }
    errors: params.Errors = []
    kind = params.choice(errors, "type", type, ACCOUNT_TYPES)
    params.raise_for_errors(errors)  # the other fields depend on the type

    for name, value in field_values.items():
        if value is not None and name not in ACCOUNT_FIELDS[kind]:
            errors.append(
                FieldError(
                    name,
                    f"is not a field of a {kind}",
                    "only " + ", ".join(sorted(ACCOUNT_FIELDS[kind])),
                )
            )
    body = _account(errors, kind, field_values)
    params.raise_for_errors(errors)
    return create_operation(base_url, _RESOURCES[kind], body, "transfer_accounts.create")


def get(
    base_url: str | BaseUrl, url: str
) -> Operation[MerchantWalletStatus] | Operation[MerchantBankAccountStatus]:
    """Build the status query of an account URL returned by `create`.

    The URL's path selects the result type: `/merchant_bank_accounts/` decodes a
    `MerchantBankAccountStatus`, anything else a `MerchantWalletStatus`.
    """
    if "/merchant_bank_accounts/" in urlsplit(url).path:
        return get_operation(base_url, url, "transfer_accounts.get", _parse_bank_account)
    return get_operation(base_url, url, "transfer_accounts.get", _parse_wallet)


def _account(
    errors: params.Errors, kind: str, field_values: dict[str, str | None]
) -> _MerchantWallet | _MerchantBankAccount:
    nickname = params.optional_text(errors, "nickname", field_values["nickname"])
    if kind == "merchant_wallet":
        return _MerchantWallet(
            first_name=params.text(errors, "first_name", field_values["first_name"]),
            last_name=params.text(errors, "last_name", field_values["last_name"]),
            nickname=nickname,
            phone_number=params.phone(
                errors, "phone_number", field_values["phone_number"], prefix="254"
            ),
            network=params.network(errors, "network", field_values["network"]),
        )
    return _MerchantBankAccount(
        account_name=params.text(errors, "account_name", field_values["account_name"]),
        account_number=params.text(errors, "account_number", field_values["account_number"]),
        bank_branch_ref=params.text(errors, "bank_branch_ref", field_values["bank_branch_ref"]),
        settlement_method=params.choice(
            errors,
            "settlement_method",
            field_values["settlement_method"],
            params.SETTLEMENT_METHODS,
        ),
        nickname=nickname,
    )
