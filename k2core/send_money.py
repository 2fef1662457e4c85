"""Send money: pay external recipients, move funds to the merchant's own accounts, or sweep.

`create(base_url, destinations=[...], callback_url=...)` sends `POST /api/v2/send_money`.
Each destination is one of the six Structs below or a plain mapping with that kind's fields
and a `type` key naming the kind (`"mobile_wallet"`, `"bank_account"`, `"till"`, `"paybill"`,
`"merchant_wallet"` or `"merchant_bank_account"`). Several destinations go in one call. With no
`destinations` at all the request is a sweep of all available funds to the merchant's own
accounts, and the body leaves `destinations` out. An empty list is rejected, so a list that
happens to be empty never becomes a sweep. Amounts are sent as exact JSON numbers; mobile
numbers as `254XXXXXXXXX`; `network` defaults to `"Safaricom"` and `currency` to `"KES"`.

The parser returns the Location URL. `get` returns a `SendMoneyResult`, the Struct the result
callback decodes to. Raises `ValidationError` naming every invalid field, destinations as
`destinations[<index>].<field>`, and `UnsafeUrlError` from `get` for a URL off the base
URL's host.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import Links, create_operation, get_operation, result_parser
from k2core.config import BaseUrl
from k2core.errors import FieldError
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.results import SendMoneyResult

__all__ = [
    "BankAccount",
    "Destination",
    "MerchantBankAccount",
    "MerchantWallet",
    "MobileWallet",
    "Paybill",
    "Till",
    "create",
    "get",
]

Amount = int | Decimal | str


class MobileWallet(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="mobile_wallet"
):
    """An external M-PESA mobile wallet."""

    phone_number: str
    amount: Amount
    description: str
    network: str | None = None
    nickname: str | None = None
    favourite: bool | None = None


class BankAccount(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="bank_account"):
    """An external bank account; `bank_branch_ref` comes from the K2 dashboard."""

    account_name: str
    account_number: str
    bank_branch_ref: str
    amount: Amount
    description: str
    nickname: str | None = None
    favourite: bool | None = None


class Till(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="till"):
    """An external M-PESA till (buy goods)."""

    till_number: str
    amount: Amount
    description: str
    nickname: str | None = None
    favourite: bool | None = None


class Paybill(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="paybill"):
    """An external M-PESA paybill and the account number to pay into."""

    paybill_number: str
    paybill_account_number: str
    amount: Amount
    description: str
    nickname: str | None = None
    favourite: bool | None = None


class MerchantWallet(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="merchant_wallet"
):
    """The merchant's own wallet; `reference` is its account reference from the dashboard."""

    reference: str
    amount: Amount
    description: str | None = None


class MerchantBankAccount(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="merchant_bank_account"
):
    """The merchant's own bank account; `reference` is its account reference."""

    reference: str
    amount: Amount
    description: str | None = None


Destination = MobileWallet | BankAccount | Till | Paybill | MerchantWallet | MerchantBankAccount

_parse_status = result_parser(SendMoneyResult)


class _WireMobileWallet(msgspec.Struct, kw_only=True, tag_field="type", tag="mobile_wallet"):
    nickname: str | UnsetType = UNSET
    phone_number: str
    network: str
    amount: Decimal
    description: str
    favourite: bool | UnsetType = UNSET


class _WireBankAccount(msgspec.Struct, kw_only=True, tag_field="type", tag="bank_account"):
    nickname: str | UnsetType = UNSET
    account_name: str
    account_number: str
    bank_branch_ref: str
    amount: Decimal
    description: str
    favourite: bool | UnsetType = UNSET


class _WireTill(msgspec.Struct, kw_only=True, tag_field="type", tag="till"):
    nickname: str | UnsetType = UNSET
    till_number: str
    amount: Decimal
    description: str
    favourite: bool | UnsetType = UNSET


class _WirePaybill(msgspec.Struct, kw_only=True, tag_field="type", tag="paybill"):
    nickname: str | UnsetType = UNSET
    paybill_number: str
    paybill_account_number: str
    amount: Decimal
    description: str
    favourite: bool | UnsetType = UNSET


class _WireOwnAccount(msgspec.Struct, kw_only=True, tag_field="type"):
    reference: str
    amount: Decimal
    description: str | UnsetType = UNSET


class _WireMerchantWallet(_WireOwnAccount, tag="merchant_wallet"):
    pass


class _WireMerchantBankAccount(_WireOwnAccount, tag="merchant_bank_account"):
    pass


_Wire = (
    _WireMobileWallet
    | _WireBankAccount
    | _WireTill
    | _WirePaybill
    | _WireMerchantWallet
    | _WireMerchantBankAccount
)

_Builder = Callable[[params.Errors, str, Mapping[str, Any]], _Wire]


class _Body(msgspec.Struct, kw_only=True):
    destinations: list[_Wire] | UnsetType = UNSET
    source_identifier: str | UnsetType = UNSET
    currency: str
    metadata: dict[str, Any] | UnsetType = UNSET
    links: Links = msgspec.field(name="_links")


def create(
    base_url: str | BaseUrl,
    *,
    callback_url: str = REQUIRED,
    destinations: Sequence[Destination | Mapping[str, Any]] | None = None,
    currency: str = "KES",
    source_identifier: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Operation[str]:
    """Build `POST /api/v2/send_money`; with no `destinations` it is a sweep of all funds."""
    errors: params.Errors = []
    body = _Body(
        destinations=_destinations(errors, destinations),
        source_identifier=params.optional_text(errors, "source_identifier", source_identifier),
        currency=params.choice(errors, "currency", currency, params.CURRENCIES),
        metadata=params.metadata(errors, "metadata", metadata),
        links=Links(params.url(errors, "callback_url", callback_url)),
    )
    params.raise_for_errors(errors)
    return create_operation(base_url, "send_money", body, "send_money.create")


def _destinations(errors: params.Errors, value: object) -> list[_Wire] | UnsetType:
    if value is None:
        return UNSET
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        errors.append(
            FieldError("destinations", _kind_of(value), "a list of destinations, or None to sweep")
        )
        return UNSET
    if not value:
        errors.append(
            FieldError(
                "destinations",
                "is an empty list",
                "at least one destination; leave destinations out to sweep all funds",
            )
        )
        return UNSET
    return [
        _destination(errors, f"destinations[{index}]", item) for index, item in enumerate(value)
    ]


def _destination(errors: params.Errors, at: str, item: object) -> _Wire:
    if isinstance(item, msgspec.Struct) and type(item) in _KIND_OF_STRUCT:
        kind = _KIND_OF_STRUCT[type(item)]
        fields: Mapping[str, Any] = msgspec.structs.asdict(item)
    elif isinstance(item, Mapping):
        fields = item
        kind = params.choice(errors, f"{at}.type", item.get("type"), params.DESTINATION_TYPES)
        if not kind:
            return _PLACEHOLDER
    else:
        errors.append(FieldError(at, _kind_of(item), _DESTINATION_EXPECTED))
        return _PLACEHOLDER

    accepted = _FIELDS[kind]
    for name in fields:
        if name != "type" and name not in accepted:
            errors.append(
                FieldError(
                    f"{at}.{name}",
                    f"is not a field of a {kind} destination",
                    "only " + ", ".join(sorted(accepted)),
                )
            )
    return _BUILDERS[kind](errors, at, fields)


def _mobile_wallet(errors: params.Errors, at: str, field_values: Mapping[str, Any]) -> _Wire:
    return _WireMobileWallet(
        nickname=params.optional_text(errors, f"{at}.nickname", field_values.get("nickname")),
        phone_number=params.phone(
            errors, f"{at}.phone_number", field_values.get("phone_number"), prefix="254"
        ),
        network=params.network(errors, f"{at}.network", field_values.get("network")),
        amount=params.amount(errors, f"{at}.amount", field_values.get("amount")),
        description=params.text(errors, f"{at}.description", field_values.get("description")),
        favourite=params.flag(errors, f"{at}.favourite", field_values.get("favourite")),
    )


def _bank_account(errors: params.Errors, at: str, field_values: Mapping[str, Any]) -> _Wire:
    return _WireBankAccount(
        nickname=params.optional_text(errors, f"{at}.nickname", field_values.get("nickname")),
        account_name=params.text(errors, f"{at}.account_name", field_values.get("account_name")),
        account_number=params.text(
            errors, f"{at}.account_number", field_values.get("account_number")
        ),
        bank_branch_ref=params.text(
            errors, f"{at}.bank_branch_ref", field_values.get("bank_branch_ref")
        ),
        amount=params.amount(errors, f"{at}.amount", field_values.get("amount")),
        description=params.text(errors, f"{at}.description", field_values.get("description")),
        favourite=params.flag(errors, f"{at}.favourite", field_values.get("favourite")),
    )


def _till(errors: params.Errors, at: str, field_values: Mapping[str, Any]) -> _Wire:
    return _WireTill(
        nickname=params.optional_text(errors, f"{at}.nickname", field_values.get("nickname")),
        till_number=params.text(errors, f"{at}.till_number", field_values.get("till_number")),
        amount=params.amount(errors, f"{at}.amount", field_values.get("amount")),
        description=params.text(errors, f"{at}.description", field_values.get("description")),
        favourite=params.flag(errors, f"{at}.favourite", field_values.get("favourite")),
    )


def _paybill(errors: params.Errors, at: str, field_values: Mapping[str, Any]) -> _Wire:
    return _WirePaybill(
        nickname=params.optional_text(errors, f"{at}.nickname", field_values.get("nickname")),
        paybill_number=params.text(
            errors, f"{at}.paybill_number", field_values.get("paybill_number")
        ),
        paybill_account_number=params.text(
            errors, f"{at}.paybill_account_number", field_values.get("paybill_account_number")
        ),
        amount=params.amount(errors, f"{at}.amount", field_values.get("amount")),
        description=params.text(errors, f"{at}.description", field_values.get("description")),
        favourite=params.flag(errors, f"{at}.favourite", field_values.get("favourite")),
    )


def _own_account(wire: type[_WireOwnAccount]) -> _Builder:
    def build(errors: params.Errors, at: str, field_values: Mapping[str, Any]) -> _Wire:
        account = wire(
            reference=params.text(errors, f"{at}.reference", field_values.get("reference")),
            amount=params.amount(errors, f"{at}.amount", field_values.get("amount")),
            description=params.optional_text(
                errors, f"{at}.description", field_values.get("description")
            ),
        )
        return cast(_Wire, account)

    return build


def _kind_of(value: object) -> str:
    if value is None:
        return "is missing"
    kind = type(value)
    if kind.__module__ == "builtins":
        return f"is of type {kind.__qualname__}"
    return f"is of type {kind.__module__}.{kind.__qualname__}"


_KIND_OF_STRUCT: dict[type[msgspec.Struct], str] = {
    MobileWallet: "mobile_wallet",
    BankAccount: "bank_account",
    Till: "till",
    Paybill: "paybill",
    MerchantWallet: "merchant_wallet",
    MerchantBankAccount: "merchant_bank_account",
}
_FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(struct.__struct_fields__) for struct, kind in _KIND_OF_STRUCT.items()
}
_BUILDERS: dict[str, _Builder] = {
    "mobile_wallet": _mobile_wallet,
    "bank_account": _bank_account,
    "till": _till,
    "paybill": _paybill,
    "merchant_wallet": _own_account(_WireMerchantWallet),
    "merchant_bank_account": _own_account(_WireMerchantBankAccount),
}
_DESTINATION_EXPECTED = (
    "a k2core.send_money destination (MobileWallet, BankAccount, Till, Paybill, MerchantWallet, "
    "MerchantBankAccount) or a mapping with a 'type' key"
)
# Returned for a destination too malformed to build; the collected errors are raised anyway.
_PLACEHOLDER = _WireMerchantWallet(reference="", amount=Decimal(0))


def get(base_url: str | BaseUrl, url: str) -> Operation[SendMoneyResult]:
    """Build the status query of a URL returned by `create`."""
    return get_operation(base_url, url, "send_money.get", _parse_status)
