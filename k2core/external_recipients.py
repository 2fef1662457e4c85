"""External recipients: register a mobile wallet, bank account, till or paybill to pay later.

`create(base_url, type=..., ...)` takes the recipient's kind and the fields of that kind as
keyword arguments and sends `{"type": <kind>, "external_recipient": {<fields>}}`. Each kind has
its own fields, and a field of another kind is rejected rather than dropped:

| type            | required                                      | optional            |
| --------------- | --------------------------------------------- | ------------------- |
| `mobile_wallet` | first_name, last_name, phone_number           | email, network      |
| `bank_account`  | account_name, account_number, bank_branch_ref | settlement_method   |
| `till`          | till_name, till_number                        |                     |
| `paybill`       | paybill_name, paybill_number,                 |                     |
|                 | paybill_account_number                        |                     |

Every type also accepts an optional `nickname`.

Mobile numbers are sent as `+254XXXXXXXXX`; `network` defaults to `"Safaricom"`, the only
accepted value; `settlement_method` is `"EFT"` or `"RTS"`. The parser returns the Location URL.
`get` returns an `ExternalRecipientStatus`. Raises `ValidationError` listing every invalid
field, and `UnsafeUrlError` from `get` for a URL off the base URL's host.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import create_operation, get_operation
from k2core.config import BaseUrl
from k2core.errors import FieldError
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.responses import json_parser
from k2core.statuses import ExternalRecipientStatus

__all__ = ["RECIPIENT_FIELDS", "RECIPIENT_TYPES", "create", "get"]

RECIPIENT_TYPES = ("mobile_wallet", "bank_account", "till", "paybill")

# The fields each recipient type accepts. Any other field that is given is an error.
RECIPIENT_FIELDS: dict[str, frozenset[str]] = {
    "mobile_wallet": frozenset(
        {"first_name", "last_name", "phone_number", "email", "network", "nickname"}
    ),
    "bank_account": frozenset(
        {"account_name", "account_number", "bank_branch_ref", "settlement_method", "nickname"}
    ),
    "till": frozenset({"till_name", "till_number", "nickname"}),
    "paybill": frozenset({"paybill_name", "paybill_number", "paybill_account_number", "nickname"}),
}

_parse_status = json_parser(ExternalRecipientStatus)


class _MobileWallet(msgspec.Struct, kw_only=True):
    first_name: str
    last_name: str
    phone_number: str
    email: str | UnsetType = UNSET
    network: str
    nickname: str | UnsetType = UNSET


class _BankAccount(msgspec.Struct, kw_only=True):
    account_name: str
    account_number: str
    bank_branch_ref: str
    settlement_method: str | UnsetType = UNSET
    nickname: str | UnsetType = UNSET


class _Till(msgspec.Struct, kw_only=True):
    till_name: str
    till_number: str
    nickname: str | UnsetType = UNSET


class _Paybill(msgspec.Struct, kw_only=True):
    paybill_name: str
    paybill_number: str
    paybill_account_number: str
    nickname: str | UnsetType = UNSET


_Recipient = _MobileWallet | _BankAccount | _Till | _Paybill


class _Body(msgspec.Struct):
    type: str
    external_recipient: _Recipient


def create(
    base_url: str | BaseUrl,
    *,
    type: str = REQUIRED,
    nickname: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_number: str | None = None,
    email: str | None = None,
    network: str | None = None,
    account_name: str | None = None,
    account_number: str | None = None,
    bank_branch_ref: str | None = None,
    settlement_method: str | None = None,
    till_name: str | None = None,
    till_number: str | None = None,
    paybill_name: str | None = None,
    paybill_number: str | None = None,
    paybill_account_number: str | None = None,
) -> Operation[str]:
    """Build `POST /api/v2/external_recipients`; the parser returns the Location URL."""
    field_values = {
        "nickname": nickname,
        "first_name": first_name,
        "last_name": last_name,
        "phone_number": phone_number,
        "email": email,
        "network": network,
        "account_name": account_name,
        "account_number": account_number,
        "bank_branch_ref": bank_branch_ref,
        "settlement_method": settlement_method,
        "till_name": till_name,
        "till_number": till_number,
        "paybill_name": paybill_name,
        "paybill_number": paybill_number,
        "paybill_account_number": paybill_account_number,
    }
    errors: params.Errors = []
    kind = params.choice(errors, "type", type, RECIPIENT_TYPES)
    params.raise_for_errors(errors)  # the other fields depend on the type
    recipient = _recipient(errors, kind, field_values)
    params.raise_for_errors(errors)

    body = _Body(type=kind, external_recipient=recipient)
    return create_operation(base_url, "external_recipients", body, "external_recipients.create")


def get(base_url: str | BaseUrl, url: str) -> Operation[ExternalRecipientStatus]:
    """Build the status query of a recipient URL returned by `create`."""
    return get_operation(base_url, url, "external_recipients.get", _parse_status)


def _recipient(errors: params.Errors, kind: str, field_values: dict[str, str | None]) -> _Recipient:
    accepted = RECIPIENT_FIELDS[kind]
    for name, value in field_values.items():
        if value is not None and name not in accepted:
            errors.append(
                FieldError(
                    name,
                    f"is not a field of a {kind} recipient",
                    "only " + ", ".join(sorted(accepted)),
                )
            )

    nickname = params.optional_text(errors, "nickname", field_values["nickname"])
    if kind == "mobile_wallet":
        return _MobileWallet(
            first_name=params.text(errors, "first_name", field_values["first_name"]),
            last_name=params.text(errors, "last_name", field_values["last_name"]),
            phone_number=params.phone(
                errors, "phone_number", field_values["phone_number"], prefix="+254"
            ),
            email=params.optional_email(errors, "email", field_values["email"]),
            network=params.network(errors, "network", field_values["network"]),
            nickname=nickname,
        )
    if kind == "bank_account":
        method = field_values["settlement_method"]
        return _BankAccount(
            account_name=params.text(errors, "account_name", field_values["account_name"]),
            account_number=params.text(errors, "account_number", field_values["account_number"]),
            bank_branch_ref=params.text(errors, "bank_branch_ref", field_values["bank_branch_ref"]),
            settlement_method=UNSET
            if method is None
            else params.choice(errors, "settlement_method", method, params.SETTLEMENT_METHODS),
            nickname=nickname,
        )
    if kind == "till":
        return _Till(
            till_name=params.text(errors, "till_name", field_values["till_name"]),
            till_number=params.text(errors, "till_number", field_values["till_number"]),
            nickname=nickname,
        )
    return _Paybill(
        paybill_name=params.text(errors, "paybill_name", field_values["paybill_name"]),
        paybill_number=params.text(errors, "paybill_number", field_values["paybill_number"]),
        paybill_account_number=params.text(
            errors, "paybill_account_number", field_values["paybill_account_number"]
        ),
        nickname=nickname,
    )
