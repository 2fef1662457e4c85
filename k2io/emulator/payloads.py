"""JSON bodies the emulator sends, in the K2 Connect v2 wire format.

Builds error bodies, status-query and result-callback envelopes for every resource kind, and
sample webhook events of every topic (the Daraja format included). Functions take the stored
resource and plain values and return `dict`s ready for `encode`; they never read the clock
or perform I/O. Timestamps are ISO-8601 in East Africa Time (UTC+03:00), as K2 sends them.
Amounts are decimal strings in results and webhooks and JSON numbers where the API echoes a
request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import msgspec

from k2io.emulator.state import Resource, Transaction

__all__ = [
    "EAT",
    "JsonObject",
    "api_error",
    "encode",
    "format_amount",
    "format_time",
    "oauth_error",
    "result_body",
    "status_body",
]

JsonObject = dict[str, Any]

EAT = timezone(timedelta(hours=3), "EAT")

_ENCODER = msgspec.json.Encoder(decimal_format="number")


def encode(document: object) -> bytes:
    """Encode `document` as compact UTF-8 JSON; `Decimal` values become exact JSON numbers."""
    return _ENCODER.encode(document)


def format_time(moment: datetime) -> str:
    """Format an aware datetime in EAT with milliseconds: `2026-04-29T19:45:07.978+03:00`."""
    return moment.astimezone(EAT).isoformat(timespec="milliseconds")


def format_time_seconds(moment: datetime) -> str:
    """Format an aware datetime in EAT with seconds only, as webhook envelopes carry it."""
    return moment.astimezone(EAT).isoformat(timespec="seconds")


def format_amount(value: Decimal | int) -> str:
    """Format an amount as K2's decimal strings: `100` becomes `"100.0"`, `99.5` stays."""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"{amount.quantize(Decimal(1))}.0"
    return format(amount.normalize(), "f")


def api_error(status: int, message: str) -> JsonObject:
    """Build the business API's error body: `{"error_code": 400, "error_message": "..."}`."""
    return {"error_code": status, "error_message": message}


def oauth_error(error: str, description: str) -> JsonObject:
    """Build the OAuth endpoints' error body: `{"error": ..., "error_description": ...}`."""
    return {"error": error, "error_description": description}


def links(callback_url: str | None, self_url: str) -> JsonObject:
    """Build the `_links` object of a status or result envelope."""
    return {"callback_url": callback_url, "self": self_url}


def envelope(resource_id: str, resource_type: str, attributes: Mapping[str, Any]) -> JsonObject:
    """Build the `{"data": {"id", "type", "attributes"}}` envelope of statuses and results."""
    return {"data": {"id": resource_id, "type": resource_type, "attributes": dict(attributes)}}


def status_body(resource: Resource) -> JsonObject:
    """Build the body of `GET <Location>` for `resource` in its current state."""
    return _STATUS_BUILDERS[resource.kind](resource)


def result_body(resource: Resource) -> JsonObject:
    """Build the result callback body for a completed `resource`.

    It is the status body, except for a paid payment link, whose `payment_link` object carries
    the payment instead of the link's state.
    """
    if resource.kind == "payment_links":
        return _payment_link(resource, paid_result=True)
    return status_body(resource)


def _common(resource: Resource) -> JsonObject:
    return {
        "errors": resource.error,
        "metadata": resource.request.get("metadata"),
        "_links": links(resource.callback_url, resource.url),
    }


def _incoming_payment(resource: Resource) -> JsonObject:
    transaction = resource.details.get("transaction")
    event = {
        "type": "Incoming Payment Request",
        "resource": None if transaction is None else _transaction_resource(transaction),
        "errors": resource.error,
    }
    attributes = {
        "initiation_time": format_time(resource.created_at),
        "status": resource.status,
        "event": event,
        "metadata": resource.request.get("metadata"),
        "_links": links(resource.callback_url, resource.url),
    }
    return envelope(resource.id, resource.type, attributes)


def _transaction_resource(transaction: Transaction) -> JsonObject:
    return {
        "id": transaction.id,
        "reference": transaction.reference,
        "origination_time": format_time_seconds(transaction.origination_time),
        "sender_phone_number": transaction.phone_number,
        "amount": format_amount(transaction.amount),
        "currency": "KES",
        "till_number": transaction.till_number,
        "system": "Lipa Na M-PESA",
        "status": "Received",
        "sender_first_name": transaction.first_name,
        "sender_middle_name": transaction.middle_name,
        "sender_last_name": transaction.last_name,
    }


def _send_money(resource: Resource) -> JsonObject:
    done = resource.completed_at is not None
    request = resource.request
    attributes = {
        "status": resource.status,
        "created_at": format_time(resource.created_at),
        "source_identifier": request.get("source_identifier") if done else None,
        "destinations": request.get("destinations") if done else None,
        "currency": request["currency"],
        "transfer_batches": _batches(resource) if done else None,
        **_common(resource),
    }
    return envelope(resource.id, resource.type, attributes)


def _batches(resource: Resource) -> list[JsonObject]:
    return [
        {
            "status": "Failed" if batch["error"] else "Transferred",
            "amount": format_amount(batch["amount"]),
            "disbursements": [_disbursement(batch)],
        }
        for batch in resource.details.get("batches", [])
    ]


def _disbursement(batch: JsonObject) -> JsonObject:
    destination = batch["destination"]
    echoed = {
        key: value
        for key, value in destination.items()
        if key not in ("type", "amount", "description", "reference")
    }
    return {
        "amount": format_amount(batch["amount"]),
        "errors": batch["error"],
        "status": "Failed" if batch["error"] else "Transferred",
        **echoed,
        "destination_type": destination["type"],
        "origination_time": format_time(batch["time"]),
        "destination_reference": batch["destination_reference"],
        "transaction_reference": batch["transaction_reference"],
    }


def _polling(resource: Resource) -> JsonObject:
    request = resource.request
    transactions = resource.details.get("transactions", [])
    attributes = {
        "status": resource.status,
        "from_time": request["from_time"],
        "to_time": request["to_time"],
        "transactions": [_polled(transaction) for transaction in transactions],
        "scope": request["scope"].capitalize(),
        "scope_reference": request.get("scope_reference") or None,
        "_links": links(resource.callback_url, resource.url),
    }
    return envelope(resource.id, resource.type, attributes)


def _polled(transaction: Transaction) -> JsonObject:
    fields = _transaction_resource(transaction)
    return {"type": "Buygoods Transaction", "resource": fields}


def _reversal(resource: Resource) -> JsonObject:
    details = resource.details
    bulk_payment = None
    if "reversal_reference" in details:
        bulk_payment = {
            "amount": format_amount(details["amount"]),
            "status": "Transferred",
            "origination_time": format_time(details["time"]),
            "transaction_reference": details["reversal_reference"],
        }
    attributes = {
        "status": resource.status,
        "created_at": format_time(resource.created_at),
        "transaction_reference": resource.request["transaction_reference"],
        "reason": resource.request["reason"],
        "reversal_bulk_payment": bulk_payment,
        **_common(resource),
    }
    return envelope(resource.id, resource.type, attributes)


def _payment_link(resource: Resource, *, paid_result: bool = False) -> JsonObject:
    request = resource.request
    attributes = {
        "status": resource.status,
        "created_at": format_time(resource.created_at),
        "till_name": f"Emulated till {request['till_number']}",
        "till_number": request["till_number"],
        "payment_reference": request.get("payment_reference"),
        "currency": request["currency"],
        "amount": request["amount"],
        "note": request.get("note"),
        "payment_link": _link_state(resource, paid_result=paid_result),
        **_common(resource),
    }
    return envelope(resource.id, resource.type, attributes)


def _link_state(resource: Resource, *, paid_result: bool) -> JsonObject:
    details = resource.details
    expires_at = format_time(resource.created_at + timedelta(days=7))
    link = f"{resource.url.split('/api/v2/')[0]}/links/{resource.id}"
    if not paid_result:
        return {
            "payment_link_status": details.get("link_status", "active"),
            "expires_at": expires_at,
            "initiator_name": "Emulator",
            "link": link,
        }
    return {
        "status": "Paid",
        "expires_at": expires_at,
        "link": link,
        "transaction_reference": details["transaction_reference"],
        "sender_phone_number": int(details["sender_phone_number"].lstrip("+")),
        "origination_time": format_time(details["paid_at"]),
    }


def _webhook_subscription(resource: Resource) -> JsonObject:
    request = resource.request
    attributes = {
        "event_type": request["event_type"],
        "webhook_uri": request["url"],
        "status": resource.status,
        "scope": request["scope"],
        "scope_reference": request.get("scope_reference"),
    }
    return envelope(resource.id, resource.type, attributes)


def _account(resource: Resource) -> JsonObject:
    echoed = {key: value for key, value in resource.request.items() if key != "_links"}
    attributes = {
        "status": resource.status,
        "account_reference": resource.details["reference"],
        **echoed,
    }
    return envelope(resource.id, resource.type, attributes)


def _recipient(resource: Resource) -> JsonObject:
    attributes = {
        "recipient_type": resource.request["type"],
        "status": resource.status,
        "recipient_reference": resource.details["reference"],
        **resource.request["external_recipient"],
    }
    return envelope(resource.id, resource.type, attributes)


_STATUS_BUILDERS: dict[str, Callable[[Resource], JsonObject]] = {
    "webhook_subscriptions": _webhook_subscription,
    "incoming_payments": _incoming_payment,
    "external_recipients": _recipient,
    "merchant_wallets": _account,
    "merchant_bank_accounts": _account,
    "send_money": _send_money,
    "polling": _polling,
    "reversals": _reversal,
    "payment_links": _payment_link,
}
