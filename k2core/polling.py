"""Polling: ask K2 to collect the transactions received in a time window.

`create` sends `POST /api/v2/polling` with `scope` (`"till"` or `"company"`), `scope_reference`
(the till number, required for till scope), `from_time`, `to_time` and `callback_url`. Times
are aware `datetime` values or ISO-8601 text with an offset; naive values are rejected, and
both are sent as ISO-8601 with their offset. `to_time` must be later than `from_time`. K2 posts
the transactions to `callback_url`. The parser returns the Location URL; `get` returns a
`PollingResult`, the Struct the result callback decodes to. Raises `ValidationError` listing
every invalid field, and `UnsafeUrlError` from `get` for a URL off the base URL's host.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType

from k2core import params
from k2core._builders import Links, create_operation, get_operation, result_parser
from k2core.config import BaseUrl
from k2core.errors import FieldError
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.results import PollingResult

__all__ = ["create", "get"]

_parse_status = result_parser(PollingResult)


class _Body(msgspec.Struct, kw_only=True):
    scope: str
    scope_reference: str | UnsetType = UNSET
    from_time: str
    to_time: str
    links: Links = msgspec.field(name="_links")


def create(
    base_url: str | BaseUrl,
    *,
    scope: str = REQUIRED,
    from_time: datetime | str = REQUIRED,
    to_time: datetime | str = REQUIRED,
    callback_url: str = REQUIRED,
    scope_reference: str | None = None,
) -> Operation[str]:
    """Build `POST /api/v2/polling`; the parser returns the Location URL."""
    errors: params.Errors = []
    start = params.timestamp(errors, "from_time", from_time)
    end = params.timestamp(errors, "to_time", to_time)
    body = _Body(
        scope=params.choice(errors, "scope", scope, params.SCOPES),
        scope_reference=params.optional_text(errors, "scope_reference", scope_reference),
        from_time=start.isoformat() if start else "",
        to_time=end.isoformat() if end else "",
        links=Links(params.url(errors, "callback_url", callback_url)),
    )
    if body.scope == "till" and scope_reference is None:
        errors.append(
            FieldError(
                "scope_reference", "is missing for till scope", "the till number as a string"
            )
        )
    if start is not None and end is not None and end <= start:
        errors.append(
            FieldError("to_time", "is not later than from_time", "a time after from_time")
        )
    params.raise_for_errors(errors)
    return create_operation(base_url, "polling", body, "polling.create")


def get(base_url: str | BaseUrl, url: str) -> Operation[PollingResult]:
    """Build the status query of a URL returned by `create`."""
    return get_operation(base_url, url, "polling.get", _parse_status)
