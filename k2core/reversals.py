"""Reversals: return an incoming M-PESA payment received within the last 30 days.

`create` sends `POST /api/v2/reversals` with `transaction_reference` (the M-PESA code of the
payment), `reason`, optional `metadata` (at most 5 entries) and `callback_url`. The parser
returns the Location URL; `get` returns a `ReversalResult`, the Struct the result callback
decodes to. Raises `ValidationError` listing every invalid field, and `UnsafeUrlError` from
`get` for a URL off the base URL's host.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import Links, create_operation, get_operation, result_parser
from k2core.config import BaseUrl
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.results import ReversalResult

__all__ = ["create", "get"]

_parse_status = result_parser(ReversalResult)


class _Body(msgspec.Struct, kw_only=True):
    transaction_reference: str
    reason: str
    metadata: dict[str, Any] | UnsetType = UNSET
    links: Links = msgspec.field(name="_links")


def create(
    base_url: str | BaseUrl,
    *,
    transaction_reference: str = REQUIRED,
    reason: str = REQUIRED,
    callback_url: str = REQUIRED,
    metadata: dict[str, Any] | None = None,
) -> Operation[str]:
    """Build `POST /api/v2/reversals`; the parser returns the Location URL."""
    errors: params.Errors = []
    body = _Body(
        transaction_reference=params.text(errors, "transaction_reference", transaction_reference),
        reason=params.text(errors, "reason", reason),
        metadata=params.metadata(errors, "metadata", metadata),
        links=Links(params.url(errors, "callback_url", callback_url)),
    )
    params.raise_for_errors(errors)
    return create_operation(base_url, "reversals", body, "reversals.create")


def get(base_url: str | BaseUrl, url: str) -> Operation[ReversalResult]:
    """Build the status query of a URL returned by `create`."""
    return get_operation(base_url, url, "reversals.get", _parse_status)
