"""Incoming payments (M-PESA STK push): ask a customer's phone to approve a payment.

`create` takes the request as flat keyword arguments and nests them the way the API expects.
`first_name`, `last_name`, `phone_number` and `email` go into `subscriber`. `amount` and
`currency` go into `amount`, as `value` and `currency`. `callback_url` goes into `_links`. The phone
number is normalised to `+254XXXXXXXXX`. `payment_channel` defaults to `"M-PESA STK Push"` and
`currency` to `"KES"`, the only currency the API accepts. The parser returns the Location URL
of the payment request. `get` queries that URL and returns an `IncomingPaymentResult`, the same
Struct the result callback decodes to. Raises `ValidationError` listing every invalid field,
and `UnsafeUrlError` from `get` for a URL off the base URL's host.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import Links, create_operation, get_operation, result_parser
from k2core.config import BaseUrl
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.results import IncomingPaymentResult

__all__ = ["PAYMENT_CHANNEL", "create", "get"]

PAYMENT_CHANNEL = "M-PESA STK Push"

_parse_status = result_parser(IncomingPaymentResult)


class _Subscriber(msgspec.Struct, kw_only=True):
    first_name: str
    middle_name: str | UnsetType = UNSET
    last_name: str
    phone_number: str
    email: str | UnsetType = UNSET


class _Amount(msgspec.Struct):
    currency: str
    value: Decimal


class _Body(msgspec.Struct, kw_only=True):
    payment_channel: str
    till_number: str
    subscriber: _Subscriber
    amount: _Amount
    metadata: dict[str, Any] | UnsetType = UNSET
    links: Links = msgspec.field(name="_links")


def create(
    base_url: str | BaseUrl,
    *,
    till_number: str = REQUIRED,
    first_name: str = REQUIRED,
    last_name: str = REQUIRED,
    phone_number: str = REQUIRED,
    amount: int | Decimal | str = REQUIRED,
    callback_url: str = REQUIRED,
    currency: str = "KES",
    email: str | None = None,
    middle_name: str | None = None,
    metadata: dict[str, Any] | None = None,
    payment_channel: str = PAYMENT_CHANNEL,
) -> Operation[str]:
    """Build `POST /api/v2/incoming_payments`; the parser returns the Location URL."""
    errors: params.Errors = []
    subscriber = _Subscriber(
        first_name=params.text(errors, "first_name", first_name),
        middle_name=params.optional_text(errors, "middle_name", middle_name),
        last_name=params.text(errors, "last_name", last_name),
        phone_number=params.phone(errors, "phone_number", phone_number, prefix="+254"),
        email=params.optional_email(errors, "email", email),
    )
    body = _Body(
        payment_channel=params.text(errors, "payment_channel", payment_channel),
        till_number=params.text(errors, "till_number", till_number),
        subscriber=subscriber,
        amount=_Amount(
            currency=params.choice(errors, "currency", currency, params.CURRENCIES),
            value=params.amount(errors, "amount", amount),
        ),
        metadata=params.metadata(errors, "metadata", metadata),
        links=Links(params.url(errors, "callback_url", callback_url)),
    )
    params.raise_for_errors(errors)
    return create_operation(base_url, "incoming_payments", body, "incoming_payments.create")


def get(base_url: str | BaseUrl, url: str) -> Operation[IncomingPaymentResult]:
    """Build the status query of a URL returned by `create`."""
    return get_operation(base_url, url, "incoming_payments.get", _parse_status)
