"""Payment links: a shareable link through which a customer pays a till.

`create` sends `POST /api/v2/payment_links` with `till_number`, `amount`, `currency` (defaults
to `"KES"`, the only accepted value), optional `payment_reference`, `note` and `metadata`, and
`callback_url`, where K2 posts the result once the customer pays. The parser returns the
Location URL. `get` returns a `PaymentLinkResult`, the Struct the result callback decodes to.
`cancel` sends `POST <Location URL>/cancel` with no body and returns the API's message text.
Raises `ValidationError` listing every invalid field, and `UnsafeUrlError` from `get` and
`cancel` for a URL off the base URL's host.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import Links, create_operation, get_operation, query_request, result_parser
from k2core._decoding import decode
from k2core.config import BaseUrl
from k2core.http import Request, Response
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.responses import raise_for_status
from k2core.results import PaymentLinkResult

__all__ = ["cancel", "create", "get"]

_parse_status = result_parser(PaymentLinkResult)


class _CancelAnswer(msgspec.Struct):
    message: str


_CANCEL_DECODER = msgspec.json.Decoder(_CancelAnswer)


class _Body(msgspec.Struct, kw_only=True):
    till_number: str
    currency: str
    amount: Decimal
    payment_reference: str | UnsetType = UNSET
    note: str | UnsetType = UNSET
    metadata: dict[str, Any] | UnsetType = UNSET
    links: Links = msgspec.field(name="_links")


def create(
    base_url: str | BaseUrl,
    *,
    till_number: str = REQUIRED,
    amount: int | Decimal | str = REQUIRED,
    callback_url: str = REQUIRED,
    currency: str = "KES",
    payment_reference: str | None = None,
    note: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Operation[str]:
    """Build `POST /api/v2/payment_links`; the parser returns the Location URL."""
    errors: params.Errors = []
    body = _Body(
        till_number=params.text(errors, "till_number", till_number),
        currency=params.choice(errors, "currency", currency, params.CURRENCIES),
        amount=params.amount(errors, "amount", amount),
        payment_reference=params.optional_text(errors, "payment_reference", payment_reference),
        note=params.optional_text(errors, "note", note),
        metadata=params.metadata(errors, "metadata", metadata),
        links=Links(params.url(errors, "callback_url", callback_url)),
    )
    params.raise_for_errors(errors)
    return create_operation(base_url, "payment_links", body, "payment_links.create")


def get(base_url: str | BaseUrl, url: str) -> Operation[PaymentLinkResult]:
    """Build the status query of a URL returned by `create`."""
    return get_operation(base_url, url, "payment_links.get", _parse_status)


def cancel(base_url: str | BaseUrl, url: str) -> Operation[str]:
    """Build `POST <url>/cancel` for a payment link URL returned by `create`.

    The request has no body. The parser returns the API's `message` text (such as
    `"Payment link cancelled."`), or `""` when a 2xx response has an empty body.
    """
    query = query_request(base_url, url, "payment_links.cancel")
    request = Request(
        method="POST",
        url=_cancel_url(query.url),
        headers=query.headers,
        idempotent=False,
        operation="payment_links.cancel",
    )
    return Operation(request=request, parse=_parse_cancel)


def _cancel_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/cancel"))


def _parse_cancel(response: Response) -> str:
    raise_for_status(response)
    if not response.body.strip():
        return ""
    return decode(_CANCEL_DECODER, response.body).message
