"""Webhook subscriptions: ask K2 to POST events of one type to a URL, and query one.

`create` accepts the API's fields as keyword arguments and returns an `Operation[str]` whose
parser returns the new subscription's URL from the `Location` header. `get` queries that URL
and returns a `WebhookSubscriptionStatus`. These rules are checked before a request exists.
`event_type` and `scope` must be exact members of their lists. `scope_reference` (the till
number) is required for till scope. `url` must be https, or http on a loopback host.
`enable_daraja_payload` may be true only for `buygoods_transaction_received` and
`b2b_transaction_received`. Optional fields
left as `None` are omitted from the body. Raises `ValidationError` listing every invalid field,
and `UnsafeUrlError` from `get` for a URL off the base URL's host.
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
from k2core.statuses import WebhookSubscriptionStatus

__all__ = ["DARAJA_EVENT_TYPES", "create", "get"]

DARAJA_EVENT_TYPES = ("buygoods_transaction_received", "b2b_transaction_received")

_parse_status = json_parser(WebhookSubscriptionStatus)


class _Body(msgspec.Struct, kw_only=True):
    event_type: str
    url: str
    scope: str
    scope_reference: str | UnsetType = UNSET
    enable_daraja_payload: bool | UnsetType = UNSET


def create(
    base_url: str | BaseUrl,
    *,
    event_type: str = REQUIRED,
    url: str = REQUIRED,
    scope: str = REQUIRED,
    scope_reference: str | None = None,
    enable_daraja_payload: bool | None = None,
) -> Operation[str]:
    """Build `POST /api/v2/webhook_subscriptions`; the parser returns the Location URL."""
    errors: params.Errors = []
    body = _Body(
        event_type=params.choice(errors, "event_type", event_type, params.EVENT_TYPES),
        url=params.url(errors, "url", url, https_only=True),
        scope=params.choice(errors, "scope", scope, params.SCOPES),
        scope_reference=params.optional_text(errors, "scope_reference", scope_reference),
        enable_daraja_payload=params.flag(errors, "enable_daraja_payload", enable_daraja_payload),
    )
    if body.scope == "till" and body.scope_reference is UNSET and scope_reference is None:
        errors.append(
            FieldError(
                "scope_reference", "is missing for till scope", "the till number as a string"
            )
        )
    # The Daraja rule needs a valid event_type; an invalid one is already reported above.
    daraja_allowed = not body.event_type or body.event_type in DARAJA_EVENT_TYPES
    if body.enable_daraja_payload is True and not daraja_allowed:
        errors.append(
            FieldError(
                "enable_daraja_payload",
                f"is only available for {' and '.join(DARAJA_EVENT_TYPES)}",
                "False or None for this event_type",
            )
        )
    params.raise_for_errors(errors)
    return create_operation(base_url, "webhook_subscriptions", body, "webhook_subscriptions.create")


def get(base_url: str | BaseUrl, url: str) -> Operation[WebhookSubscriptionStatus]:
    """Build the status query of a subscription URL returned by `create`."""
    return get_operation(base_url, url, "webhook_subscriptions.get", _parse_status)
