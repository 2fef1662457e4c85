"""Sample webhook events of every topic, as K2 POSTs them to subscription URLs.

`webhook_event(event_type, ...)` builds one event in the K2 envelope (`topic`, `id`,
`created_at`, `event.type`, `event.resource`, `_links`) or, with `daraja=True`, in the flat
Safaricom Daraja format, which only `buygoods_transaction_received` and
`b2b_transaction_received` support. Values (ids, references, amounts, times) come from the
arguments, so two events differ and a test can predict them. Card event labels are not
documented by K2; the emulator uses descriptive labels of its own for them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from k2io.emulator.payloads import EAT, format_amount, format_time, format_time_seconds
from k2io.emulator.validation import DARAJA_EVENTS, EVENT_SCOPES

__all__ = ["EVENT_TYPES", "EventValues", "webhook_event"]

JsonObject = dict[str, Any]

EVENT_TYPES = tuple(EVENT_SCOPES)

_LABELS = {
    "buygoods_transaction_received": "Buygoods Transaction",
    "buygoods_transaction_reversed": "Buygoods Transaction",
    "b2b_transaction_received": "External Till to Till Transaction",
    "b2b_transaction_reversed": "External Till To Till Reversal Transaction",
    "card_transaction_received": "Card Transaction",
    "card_transaction_voided": "Card Transaction Void",
    "card_transaction_reversed": "Card Transaction Reversal",
    "customer_created": "Customer Created",
    "settlement_transfer_completed": "Settlement Transfer",
}

_RESOURCE_PATHS = {
    "customer_created": "mobile_money_user",
    "settlement_transfer_completed": "transfer_batch",
}


@dataclass(frozen=True)
class EventValues:
    """The values one sample event is built from."""

    base_url: str
    now: datetime
    reference: str
    amount: Decimal = Decimal("1250")
    till_number: str = "000123"
    phone_number: str = "+254722000000"


def webhook_event(event_type: str, values: EventValues, *, daraja: bool = False) -> JsonObject:
    """Build a sample event of `event_type`; raise ValueError for an unknown type."""
    if event_type not in _LABELS:
        raise ValueError(
            f"unknown event type {event_type!r}; expected one of: {', '.join(EVENT_TYPES)}"
        )
    if daraja:
        if event_type not in DARAJA_EVENTS:
            raise ValueError(
                f"{event_type} has no Daraja format; only {' and '.join(sorted(DARAJA_EVENTS))} do"
            )
        return _daraja(event_type, values)

    event_id = str(uuid.uuid4())
    resource_id = str(uuid.uuid4())
    resource_path = _RESOURCE_PATHS.get(event_type, "financial_transaction")
    return {
        "topic": event_type,
        "id": event_id,
        "created_at": format_time_seconds(values.now),
        "event": {
            "type": _LABELS[event_type],
            "resource": _resource(event_type, resource_id, values),
        },
        "_links": {
            "self": f"{values.base_url}/webhook_events/{event_id}",
            "resource": f"{values.base_url}/{resource_path}/{resource_id}",
        },
    }


def _resource(event_type: str, resource_id: str, values: EventValues) -> JsonObject:
    if event_type == "customer_created":
        return {
            "first_name": "Amani",
            "middle_name": None,
            "last_name": "Wanjiru",
            "phone_number": values.phone_number,
        }
    if event_type == "settlement_transfer_completed":
        return _settlement(resource_id, values)

    resource: JsonObject = {
        "id": resource_id,
        "amount": format_amount(values.amount),
        "status": "Received",
        "system": "Lipa Na M-PESA",
        "currency": "KES",
        "reference": values.reference,
        "till_number": values.till_number,
        "origination_time": format_time_seconds(values.now),
    }
    if event_type.startswith("buygoods"):
        resource.update(
            sender_phone_number=values.phone_number,
            sender_first_name="Amani",
            sender_middle_name=None,
            sender_last_name="Wanjiru",
        )
    if event_type.startswith("b2b"):
        resource["sending_till"] = "000777"
    if event_type.startswith("card"):
        resource.pop("system")
        resource["customer_cc_number"] = "411111******1111"
    _set_status(event_type, resource)
    return resource


def _set_status(event_type: str, resource: JsonObject) -> None:
    if event_type.endswith("_reversed"):
        resource["status"] = "Reversed"
    elif event_type == "b2b_transaction_received":
        resource["status"] = "Complete"
    elif event_type == "card_transaction_voided":
        resource["status"] = "Voided"
    elif event_type == "card_transaction_received":
        resource["settled"] = False
    if event_type == "buygoods_transaction_received":
        phone = resource["sender_phone_number"].encode("ascii")
        resource["hashed_sender_phone"] = hashlib.sha256(phone).hexdigest()


def _settlement(resource_id: str, values: EventValues) -> JsonObject:
    half = (values.amount / 2).quantize(Decimal("0.01"))
    return {
        "id": resource_id,
        "amount": format_amount(values.amount),
        "status": "Transferred",
        "currency": "KES",
        "destination": {
            "type": "Bank Account",
            "resource": {
                "reference": str(uuid.uuid4()),
                "account_name": "Emulated Merchant Ltd",
                "account_number": "1234567890",
                "bank_branch_ref": str(uuid.uuid4()),
                "settlement_method": "EFT",
            },
        },
        "disbursements": [
            {
                "amount": format_amount(part),
                "status": "Transferred",
                "origination_time": format_time(values.now),
                "transaction_reference": None,
            }
            for part in (half, values.amount - half)
        ],
        "origination_time": format_time(values.now),
    }


def _daraja(event_type: str, values: EventValues) -> JsonObject:
    buygoods = event_type == "buygoods_transaction_received"
    return {
        "TransactionType": "Buygoods" if buygoods else "Organization To Organization Transfer",
        "TransID": values.reference,
        "TransTime": values.now.astimezone(EAT).strftime("%Y%m%d%H%M%S"),
        "TransAmount": format_amount(values.amount),
        "BusinessShortCode": values.till_number,
        "BillRefNumber": "",
        "InvoiceNumber": "",
        "OrgAccountBalance": "",
        "ThirdPartyTransId": "",
        "MSISDN": values.phone_number if buygoods else "000777",
        "FirstName": "Amani" if buygoods else "Emulated Supplier Ltd",
        "MiddleName": None,
        "LastName": "Wanjiru" if buygoods else None,
    }
