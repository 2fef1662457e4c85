"""Signed sample bodies for the verify+parse and memory measurements.

Each `Sample` contains the exact bytes K2 would POST (compact JSON, as sent), the lowercase hex
HMAC-SHA256 signature of those bytes under `API_KEY`, and whether the body is a webhook or a
result callback. The values are invented but shaped like production traffic: Kenyan phone
numbers, M-PESA references, decimal amounts as strings and times with a +03:00 offset.
Building the samples is deterministic, so every run measures the same bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

API_KEY = "bench-api-key-4f1c9a7e2d"

_EVENT_BASE = "https://sandbox.kopokopo.com"


@dataclass(frozen=True)
class Sample:
    """One signed body: `kind` is `"webhook"` or `"result"`."""

    name: str
    kind: str
    body: bytes
    signature: str


def sign(body: bytes, key: str = API_KEY) -> str:
    """Return the lowercase hex HMAC-SHA256 of `body` under `key`, as K2 signs callbacks."""
    return hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sample(name: str, kind: str, document: dict[str, Any]) -> Sample:
    body = _encode(document)
    return Sample(name=name, kind=kind, body=body, signature=sign(body))


def buygoods_webhook_document(index: int = 0) -> dict[str, Any]:
    """Build a `buygoods_transaction_received` webhook whose ids and amount depend on `index`."""
    event_id = f"6f0e2a1c-3b7d-4e58-9a21-{index:012d}"
    resource_id = f"b81c4d2e-90aa-4f1b-8c3e-{index:012d}"
    return {
        "topic": "buygoods_transaction_received",
        "id": event_id,
        "created_at": "2026-03-14T09:26:53+03:00",
        "event": {
            "type": "Buygoods Transaction",
            "resource": {
                "id": resource_id,
                "amount": f"{1250 + index % 997}.0",
                "status": "Received",
                "system": "Lipa Na M-PESA",
                "currency": "KES",
                "reference": f"QCE{index % 10_000_000:07d}",
                "till_number": "K812460",
                "sender_phone_number": "+254722481930",
                "hashed_sender_phone": hashlib.sha256(b"254722481930").hexdigest(),
                "origination_time": "2026-03-14T09:26:51+03:00",
                "sender_last_name": "Wanjiru",
                "sender_first_name": "Akinyi",
                "sender_middle_name": None,
            },
        },
        "_links": {
            "self": f"{_EVENT_BASE}/webhook_events/{event_id}",
            "resource": f"{_EVENT_BASE}/financial_transaction/{resource_id}",
        },
    }


def settlement_webhook_document() -> dict[str, Any]:
    """Build a `settlement_transfer_completed` webhook: a bank account, three disbursements."""
    event_id = "9a3f5c71-2e04-4b8d-b6f2-71c0d94e5a18"
    resource_id = "e4b2a9d0-58c1-4f37-a2e6-0d9b71c35f42"
    disbursements = [
        {
            "amount": amount,
            "status": "Transferred",
            "origination_time": f"2026-03-14T17:02:1{second}.41{second}+03:00",
            "transaction_reference": None,
        }
        for second, amount in enumerate(("38250.0", "12000.0", "4730.5"))
    ]
    return {
        "topic": "settlement_transfer_completed",
        "id": event_id,
        "created_at": "2026-03-14T17:05:02+03:00",
        "event": {
            "type": "Settlement Transfer",
            "resource": {
                "id": resource_id,
                "amount": "54980.5",
                "status": "Transferred",
                "currency": "KES",
                "destination": {
                    "type": "Bank Account",
                    "resource": {
                        "reference": "c7d1e0b4-6a29-4f58-9b3e-2a4f61d8c905",
                        "account_name": "Akinyi Wanjiru Traders",
                        "account_number": "01192837465500",
                        "bank_branch_ref": "5b9e2c47-d01a-4e63-8f7b-93a0c6e1d284",
                        "settlement_method": "EFT",
                    },
                },
                "disbursements": disbursements,
                "origination_time": "2026-03-14T17:02:09.118+03:00",
            },
        },
        "_links": {
            "self": f"{_EVENT_BASE}/webhook_events/{event_id}",
            "resource": f"{_EVENT_BASE}/transfer_batch/{resource_id}",
        },
    }


def stk_result_document() -> dict[str, Any]:
    """Build a successful STK push (`incoming_payment`) result callback."""
    payment_id = "3d8b61f2-7a4e-4c09-b15d-e62f80a9c473"
    return {
        "data": {
            "id": payment_id,
            "type": "incoming_payment",
            "attributes": {
                "initiation_time": "2026-03-14T12:40:07.512+03:00",
                "status": "Success",
                "event": {
                    "type": "Incoming Payment Request",
                    "resource": {
                        "id": "71c2e9a4-0b5d-4f86-9e13-a48d2c6f0b97",
                        "reference": "QCF7T2LM9X",
                        "origination_time": "2026-03-14T12:40:19+03:00",
                        "sender_phone_number": "+254711302845",
                        "amount": "2450.0",
                        "currency": "KES",
                        "till_number": "K812460",
                        "system": "Lipa Na M-PESA",
                        "status": "Received",
                        "sender_first_name": "Brian",
                        "sender_middle_name": "Kiprono",
                        "sender_last_name": "Otieno",
                    },
                    "errors": None,
                },
                "metadata": {
                    "customer_id": "C-004871",
                    "reference": "INV-2026-03-0142",
                    "notes": "Order 8812, two items",
                },
                "_links": {
                    "callback_url": "https://shop.example.com/k2/stk-results",
                    "self": f"{_EVENT_BASE}/api/v2/incoming_payments/{payment_id}",
                },
            },
        }
    }


def _polling_transaction(index: int) -> dict[str, Any]:
    minute, second = divmod(index * 37, 60)
    clock = f"{8 + minute // 60:02d}:{minute % 60:02d}:{second:02d}"
    return {
        "type": "Buygoods Transaction",
        "resource": {
            "id": f"0c5e8a2d-41f7-4b6a-93d0-{index:012d}",
            "amount": f"{(index * 173) % 9000 + 10}.0",
            "status": "Received",
            "system": "Lipa Na M-PESA",
            "currency": "KES",
            "reference": f"QC{index:08d}",
            "till_number": "K812460",
            "origination_time": f"2026-03-13T{clock}+03:00",
            "sender_last_name": "Mwangi",
            "sender_first_name": "Wambui",
            "sender_middle_name": None,
            "sender_phone_number": f"+2547{index:08d}",
        },
    }


def polling_result_document(transactions: int = 100) -> dict[str, Any]:
    """Build a polling result callback carrying `transactions` buygoods transactions."""
    polling_id = "5e27c0b9-8d4f-4a31-b6e8-19f0d3a72c64"
    return {
        "data": {
            "id": polling_id,
            "type": "polling",
            "attributes": {
                "status": "Success",
                "from_time": "2026-03-13T08:00:00+03:00",
                "to_time": "2026-03-13T20:00:00+03:00",
                "transactions": [_polling_transaction(index) for index in range(transactions)],
                "scope": "Till",
                "scope_reference": "K812460",
                "_links": {
                    "callback_url": "https://shop.example.com/k2/polling-results",
                    "self": f"{_EVENT_BASE}/api/v2/polling/{polling_id}",
                },
            },
        }
    }


def samples() -> list[Sample]:
    """Return the four payload kinds measured by verify+parse, smallest first."""
    return [
        _sample("buygoods webhook", "webhook", buygoods_webhook_document()),
        _sample("settlement webhook", "webhook", settlement_webhook_document()),
        _sample("STK result", "result", stk_result_document()),
        _sample("polling result, 100 transactions", "result", polling_result_document()),
    ]


def buygoods_sample(index: int = 0) -> Sample:
    """Return a signed buygoods webhook whose ids and amount depend on `index`."""
    return _sample("buygoods webhook", "webhook", buygoods_webhook_document(index))


def official_variant(sample_name: str) -> tuple[Sample, str] | None:
    """Return a body the official SDK can decompose, and what was added, for a kind it rejects.

    `k2connect` 2.0.0 reads a `reference` from every settlement resource and a `metadata` object
    from every result, but settlement webhooks carry no `reference` and polling results no
    `metadata`, so its `decompose` raises `KeyError` on both. The variant adds the one key it
    reads, so its speed can still be compared on a body of nearly the same size.
    """
    if sample_name == "settlement webhook":
        document = settlement_webhook_document()
        document["event"]["resource"]["reference"] = "QCS7H2K1PZ"
        return _sample(sample_name, "webhook", document), "`event.resource.reference`"
    if sample_name.startswith("polling result"):
        document = polling_result_document()
        document["data"]["attributes"]["metadata"] = None
        return _sample(sample_name, "result", document), "`data.attributes.metadata`"
    return None
