"""A test kit for code that receives Kopo Kopo webhooks and result callbacks.

Accepts: a sample kind (see `SAMPLE_KINDS`), an API key and optional overrides.
Returns: `signed_sample` returns a `SignedSample` whose `.body`, `.signature` and `.headers` are
exactly what Kopo Kopo would POST; `webhooks()` and `results()` return hypothesis strategies of
parsed values, and `encode` turns such a value back into body bytes.
Raises: `ValueError` for an unknown kind; `ImportError` from the strategy functions when
hypothesis is not installed.
Never: contacts a network or reads the environment. `signed_sample` and `encode` work without
hypothesis; only `webhooks()` and `results()` import it, when first called.

The sample values are invented: the ids, till numbers, phone numbers and names identify no real
person or business.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from k2core._decoding import EAST_AFRICA_TIME
from k2core.results import (
    RESULT_TYPES,
    IncomingPayment,
    IncomingPaymentAttributes,
    IncomingPaymentData,
    IncomingPaymentEvent,
    IncomingPaymentResult,
    PaymentLinkAttributes,
    PaymentLinkData,
    PaymentLinkDetails,
    PaymentLinkResult,
    PolledTransaction,
    PollingAttributes,
    PollingData,
    PollingResult,
    PollingTransaction,
    Result,
    ResultLinks,
    ReversalAttributes,
    ReversalBulkPayment,
    ReversalData,
    ReversalResult,
    ReversalsData,
    SendMoneyAttributes,
    SendMoneyData,
    SendMoneyDestination,
    SendMoneyDisbursement,
    SendMoneyResult,
    TransferBatch,
    UnknownResult,
    UnknownResultData,
)
from k2core.signatures import SIGNATURE_HEADER, sign
from k2core.webhooks import (
    WEBHOOK_TOPICS,
    B2bTransaction,
    B2bTransactionReceived,
    B2bTransactionReversed,
    BankAccount,
    BankAccountDestination,
    BuygoodsTransaction,
    BuygoodsTransactionReceived,
    BuygoodsTransactionReversed,
    CardTransaction,
    CardTransactionReceived,
    CardTransactionReversed,
    CardTransactionVoided,
    Customer,
    CustomerCreated,
    DarajaWebhook,
    MobileWallet,
    MobileWalletDestination,
    SettlementDisbursement,
    SettlementTransfer,
    SettlementTransferCompleted,
    UnknownWebhook,
    Webhook,
    WebhookEvent,
    WebhookLinks,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "RESULT_KINDS",
    "SAMPLE_KINDS",
    "WEBHOOK_KINDS",
    "SignedSample",
    "encode",
    "results",
    "sample_document",
    "signed_sample",
    "webhooks",
]

_BASE = "https://sandbox.kopokopo.com"
_CALLBACKS = "https://merchant.example.com/k2"


@dataclass(frozen=True)
class SignedSample:
    """A sample body signed with an API key, ready to POST to a webhook or callback endpoint.

    The repr shows only the kind and the body size, never the signature.
    """

    kind: str
    body: bytes = field(repr=False)
    signature: str = field(repr=False)
    headers: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        return f"SignedSample(kind={self.kind!r}, body=<{len(self.body)} bytes>)"


def signed_sample(kind: str, api_key: str | bytes, **overrides: Any) -> SignedSample:
    """Build a signed sample event or result of `kind` (one of `SAMPLE_KINDS`).

    Each keyword replaces the top-level field of that name in the JSON document. Mapping values
    merge into the existing object instead of replacing it, so
    `signed_sample("buygoods_transaction_received", key, event={"resource": {"amount": "250"}})`
    changes the amount only. A `None` value sends JSON `null`. The body is compact JSON; the
    signature is computed over exactly those bytes.
    """
    document = _merged(sample_document(kind), overrides)
    body = msgspec.json.encode(document)
    signature = sign(body, api_key)
    headers = {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}
    return SignedSample(kind=kind, body=body, signature=signature, headers=headers)


def sample_document(kind: str) -> dict[str, Any]:
    """Return a fresh copy of the JSON document of the sample `kind`."""
    build = _SAMPLES.get(kind)
    if build is None:
        known = ", ".join(SAMPLE_KINDS)
        raise ValueError(f"unknown sample kind {kind!r}; expected one of: {known}")
    return copy.deepcopy(build())


def encode(value: Webhook | Result) -> bytes:
    """Encode a parsed webhook or result back into compact JSON body bytes.

    `UnknownWebhook` and `UnknownResult` encode their `raw` document; every other Struct
    encodes with its wire field names, so `decode_*_unverified(encode(value)) == value`.
    """
    if isinstance(value, (UnknownWebhook, UnknownResult)):
        return msgspec.json.encode(value.raw)
    return msgspec.json.encode(value)


def _merged(document: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        current = document.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            document[key] = _merged(current, value)
        else:
            document[key] = value
    return document


# Sample documents. Values are invented; amounts are decimal strings as the API sends them.


def _links(kind: str, event_id: str, resource: str) -> dict[str, str]:
    return {
        "self": f"{_BASE}/webhook_events/{event_id}",
        "resource": f"{_BASE}/{kind}/{resource}",
    }


def _webhook(topic: str, event_type: str, resource: dict[str, Any], kind: str) -> dict[str, Any]:
    event_id = "7c1e0a52-4b7d-4f7e-9d1c-2f8a61b0c001"
    resource_id = str(resource.get("id", "a9d3e1f0-5c2b-4e8d-b7a6-000000000042"))
    return {
        "topic": topic,
        "id": event_id,
        "created_at": "2025-03-14T09:26:53+03:00",
        "event": {"type": event_type, "resource": resource},
        "_links": _links(kind, event_id, resource_id),
    }


def _buygoods(status: str) -> dict[str, Any]:
    return {
        "id": "b2f4c6d8-1357-4a9b-8cde-0f1e2d3c4b5a",
        "amount": "1500.50",
        "status": status,
        "system": "Lipa Na M-PESA",
        "currency": "KES",
        "reference": "QKX7R2M9PL",
        "till_number": "K555123",
        "sender_phone_number": "+254711000111",
        "hashed_sender_phone": "9f2c" * 16,
        "origination_time": "2025-03-14T09:26:51.408+03:00",
        "sender_first_name": "Wanjiru",
        "sender_middle_name": None,
        "sender_last_name": "Kamau",
    }


def _b2b(status: str) -> dict[str, Any]:
    return {
        "id": "c3a5e7f9-2468-4b0d-9f1e-1a2b3c4d5e6f",
        "amount": "72000",
        "status": status,
        "system": "Lipa Na M-PESA",
        "currency": "KES",
        "reference": "QKB3T8N1ZD",
        "till_number": "555123",
        "sending_till": "000777",
        "origination_time": "2025-03-14T11:02:09+03:00",
    }


def _card(status: str, settled: bool | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "id": "d4b6f8a0-3579-4c1e-8a2b-2b3c4d5e6f70",
        "reference": "CRD4410029",
        "origination_time": "2025-03-14T12:40:00+03:00",
        "amount": "3250.00",
        "currency": "KES",
        "till_number": "555123",
        "customer_cc_number": "424242******4242",
        "status": status,
    }
    if settled is not None:
        resource["settled"] = settled
    return resource


def _settlement(destination: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "e5c7a9b1-4680-4d2f-9b3c-3c4d5e6f7081",
        "amount": "98000.25",
        "status": "Transferred",
        "currency": "KES",
        "destination": destination,
        "disbursements": [
            {
                "amount": "48000.25",
                "status": "Transferred",
                "origination_time": "2025-03-15T06:00:01.120+03:00",
                "transaction_reference": None,
            },
            {
                "amount": "50000.0",
                "status": "Transferred",
                "origination_time": "2025-03-15T06:00:01.187+03:00",
                "transaction_reference": "QKS9W4E6RT",
            },
        ],
        "origination_time": "2025-03-15T06:00:00.950+03:00",
    }


_BANK_DESTINATION = {
    "type": "Bank Account",
    "resource": {
        "reference": "f6d8b0c2-5791-4e3a-8c4d-4d5e6f708192",
        "account_name": "Duka La Mama Ltd",
        "account_number": "0011223344",
        "bank_branch_ref": "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9",
        "settlement_method": "RTS",
    },
}

_WALLET_DESTINATION = {
    "type": "Mobile Wallet",
    "resource": {
        "reference": "07e9c1d3-6802-4f4b-9d5e-5e6f708192a3",
        "first_name": "Achieng",
        "last_name": "Odhiambo",
        "phone_number": "+254722000333",
        "network": "Safaricom",
    },
}


def _daraja(transaction_type: str, msisdn: str, first_name: str) -> dict[str, Any]:
    return {
        "TransactionType": transaction_type,
        "TransID": "QKD5Y7U9IO",
        "TransTime": "20250314092651",
        "TransAmount": "840.00",
        "BusinessShortCode": "555123",
        "BillRefNumber": "",
        "InvoiceNumber": "",
        "OrgAccountBalance": "",
        "ThirdPartyTransId": "",
        "MSISDN": msisdn,
        "FirstName": first_name,
        "MiddleName": None,
        "LastName": None,
    }


_RESULT_PATHS = {
    "incoming_payment": "incoming_payments",
    "send_money": "send_money",
    "reversal": "reversals",
    "reversals": "reversals",
    "payment_link": "payment_links",
    "polling": "polling",
}


def _result(kind: str, result_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
    path = _RESULT_PATHS[kind]
    attributes["_links"] = {
        "callback_url": f"{_CALLBACKS}/callbacks/{path}",
        "self": f"{_BASE}/api/v2/{path}/{result_id}",
    }
    return {"data": {"id": result_id, "type": kind, "attributes": attributes}}


def _incoming_payment(status: str, resource: Any, errors: str | None) -> dict[str, Any]:
    return _result(
        "incoming_payment",
        "1f3e5a7c-9b0d-4e2f-8a1c-6f708192a3b4",
        {
            "initiation_time": "2025-03-14T09:25:40.512+03:00",
            "status": status,
            "event": {"type": "Incoming Payment Request", "resource": resource, "errors": errors},
            "metadata": {"order_id": "ORD-20250314-0042", "channel": "web"},
        },
    )


_STK_PAYMENT = {
    "id": "2a4c6e8a-0b1c-4d3e-9f2a-708192a3b4c5",
    "reference": "QKP1A3S5DF",
    "origination_time": "2025-03-14T09:25:58+03:00",
    "sender_phone_number": "+254711000111",
    "amount": "0.10",
    "currency": "KES",
    "till_number": "K555123",
    "system": "Lipa Na M-PESA",
    "status": "Received",
    "sender_first_name": "Wanjiru",
    "sender_middle_name": None,
    "sender_last_name": "Kamau",
}


def _send_money(status: str, done: bool) -> dict[str, Any]:
    destinations = [
        {
            "type": "mobile_wallet",
            "amount": 2500,
            "network": "Safaricom",
            "nickname": "Achieng",
            "favourite": False,
            "description": "March stipend",
            "phone_number": "254722000333",
        }
    ]
    batches = [
        {
            "status": "Transferred",
            "amount": "2500.0",
            "disbursements": [
                {
                    "amount": "2500.0",
                    "errors": None,
                    "status": "Transferred",
                    "nickname": "Achieng",
                    "favourite": False,
                    "phone_number": "254722000333",
                    "destination_type": "mobile_wallet",
                    "origination_time": "2025-03-14T13:10:12.004+03:00",
                    "destination_reference": "3b5d7f9b-1c2d-4e4f-8a3b-8192a3b4c5d6",
                    "transaction_reference": "QKM2Z4X6CV",
                }
            ],
        }
    ]
    attributes = {
        "status": status,
        "created_at": "2025-03-14T13:09:58.331+03:00",
        "source_identifier": "payroll-2025-03" if done else None,
        "destinations": destinations if done else None,
        "currency": "KES",
        "transfer_batches": batches if done else None,
        "errors": None,
        "metadata": {"batch": "2025-03"},
    }
    return _result("send_money", "4c6e8a0c-2d3e-4f5a-9b4c-92a3b4c5d6e7", attributes)


def _reversal(kind: str, status: str, paid: bool) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "status": status,
        "created_at": "2025-03-16T08:15:31.650+03:00",
        "transaction_reference": "QKX7R2M9PL",
        "reason": "Customer paid twice",
        "errors": None,
        "metadata": None,
    }
    if paid:
        attributes["reversal_bulk_payment"] = {
            "amount": "1500.50",
            "status": "Transferred",
            "origination_time": "2025-03-16T08:16:02.118+03:00",
            "transaction_reference": "QKR8V0B2NM",
        }
    return _result(kind, "5d7f9b1d-3e4f-4a6b-8c5d-a3b4c5d6e7f8", attributes)


def _payment_link(link: dict[str, Any]) -> dict[str, Any]:
    attributes = {
        "status": "Processed",
        "created_at": "2025-03-10T15:00:00.250+03:00",
        "till_name": "Duka La Mama",
        "till_number": "555123",
        "payment_reference": "INV-2025-0311",
        "currency": "KES",
        "amount": 4999.99,
        "note": "Two bags of maize flour",
        "payment_link": link,
        "errors": None,
        "metadata": {"invoice": "INV-2025-0311"},
    }
    return _result("payment_link", "6e8a0c2e-4f5a-4b7c-9d6e-b4c5d6e7f809", attributes)


_LINK = f"{_BASE}/links/7f9b1d3f-5a6b-4c8d-8e7f-c5d6e7f8091a"


def _polling() -> dict[str, Any]:
    transaction = _buygoods("Received")
    del transaction["hashed_sender_phone"]
    b2b = _b2b("Complete")
    attributes = {
        "status": "Success",
        "from_time": "2025-03-13T00:00:00+03:00",
        "to_time": "2025-03-14T00:00:00+03:00",
        "transactions": [
            {"type": "Buygoods Transaction", "resource": transaction},
            {"type": "External Till to Till Transaction", "resource": b2b},
        ],
        "scope": "Till",
        "scope_reference": "555123",
    }
    return _result("polling", "8a0c2e4a-6b7c-4d9e-9f80-d6e7f8091a2b", attributes)


_SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "buygoods_transaction_received": lambda: _webhook(
        "buygoods_transaction_received",
        "Buygoods Transaction",
        _buygoods("Received"),
        "financial_transaction",
    ),
    "buygoods_transaction_reversed": lambda: _webhook(
        "buygoods_transaction_reversed",
        "Buygoods Transaction",
        _buygoods("Reversed"),
        "financial_transaction",
    ),
    "b2b_transaction_received": lambda: _webhook(
        "b2b_transaction_received",
        "External Till to Till Transaction",
        _b2b("Complete"),
        "financial_transaction",
    ),
    "b2b_transaction_reversed": lambda: _webhook(
        "b2b_transaction_reversed",
        "External Till To Till Reversal Transaction",
        _b2b("Reversed"),
        "financial_transaction",
    ),
    "card_transaction_received": lambda: _webhook(
        "card_transaction_received", "Card Transaction", _card("Received", True), "card_payment"
    ),
    "card_transaction_voided": lambda: _webhook(
        "card_transaction_voided", "Card Transaction", _card("Voided", None), "card_payment"
    ),
    "card_transaction_reversed": lambda: _webhook(
        "card_transaction_reversed", "Card Transaction", _card("Reversed", None), "card_payment"
    ),
    "customer_created": lambda: _webhook(
        "customer_created",
        "Customer Created",
        {
            "first_name": "Wanjiru",
            "middle_name": "Njeri",
            "last_name": "Kamau",
            "phone_number": "+254711000111",
        },
        "mobile_money_user",
    ),
    "settlement_transfer_completed": lambda: _webhook(
        "settlement_transfer_completed",
        "Settlement Transfer",
        _settlement(_BANK_DESTINATION),
        "transfer_batch",
    ),
    "settlement_transfer_completed_bank_account": lambda: _webhook(
        "settlement_transfer_completed",
        "Settlement Transfer",
        _settlement(_BANK_DESTINATION),
        "transfer_batch",
    ),
    "settlement_transfer_completed_mobile_wallet": lambda: _webhook(
        "settlement_transfer_completed",
        "Settlement Transfer",
        _settlement(_WALLET_DESTINATION),
        "transfer_batch",
    ),
    "m2m_transaction_received": lambda: _webhook(
        "m2m_transaction_received",
        "Merchant to Merchant Transaction",
        {
            "id": "9b1d3f5b-7c8d-4eaf-8091-e7f8091a2b3c",
            "amount": "1200",
            "status": "Received",
            "currency": "KES",
            "origination_time": "2025-03-14T16:45:10+03:00",
            "sending_merchant": "Mji Hardware Ltd",
        },
        "payment_batches",
    ),
    "daraja_buygoods": lambda: _daraja(
        "Buygoods", "Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1eHF1dXo=", "Wanjiru"
    ),
    "daraja_b2b": lambda: _daraja(
        "Organization To Organization Transfer", "000777", "Mji Hardware Ltd"
    ),
    "incoming_payment_success": lambda: _incoming_payment("Success", _STK_PAYMENT, None),
    "incoming_payment_failed": lambda: _incoming_payment(
        "Failed", None, "The customer cancelled the request."
    ),
    "incoming_payment_pending": lambda: _incoming_payment("Pending", None, None),
    "send_money": lambda: _send_money("Processed", True),
    "send_money_scheduled": lambda: _send_money("Scheduled", False),
    "reversal": lambda: _reversal("reversal", "Processed", True),
    "reversal_scheduled": lambda: _reversal("reversals", "Scheduled", False),
    "payment_link": lambda: _payment_link(
        {
            "status": "Paid",
            "expires_at": "2025-03-17T15:00:00.260+03:00",
            "link": _LINK,
            "transaction_reference": "QKL3C5V7BN",
            "sender_phone_number": 254711000111,
            "origination_time": "2025-03-11T10:21:44.000+03:00",
        }
    ),
    "payment_link_active": lambda: _payment_link(
        {
            "payment_link_status": "active",
            "expires_at": "2025-03-17T15:00:00.260+03:00",
            "initiator_name": "Wanjiru Kamau",
            "link": _LINK,
        }
    ),
    "polling": _polling,
}

_RESULT_SAMPLES = frozenset(
    {
        "incoming_payment_success",
        "incoming_payment_failed",
        "incoming_payment_pending",
        "send_money",
        "send_money_scheduled",
        "reversal",
        "reversal_scheduled",
        "payment_link",
        "payment_link_active",
        "polling",
    }
)

SAMPLE_KINDS: tuple[str, ...] = tuple(_SAMPLES)
"""Every kind `signed_sample` builds: webhook topics, Daraja payloads, results and statuses."""

WEBHOOK_KINDS: tuple[str, ...] = tuple(kind for kind in _SAMPLES if kind not in _RESULT_SAMPLES)
"""The sample kinds that `parse_webhook` decodes."""

RESULT_KINDS: tuple[str, ...] = tuple(kind for kind in _SAMPLES if kind in _RESULT_SAMPLES)
"""The sample kinds that `parse_result` decodes."""


# Hypothesis strategies. hypothesis is imported on first use, so importing this module and
# building signed samples work without it.


def webhooks(topic: str | None = None) -> SearchStrategy[Webhook]:
    """Return a strategy of parsed webhooks of every topic, or only of `topic`.

    `topic` is a webhook topic, `"daraja"` or `"unknown"` (any other topic, kept raw).
    """
    strategies = _webhook_strategies()
    if topic is None:
        from hypothesis import strategies as st

        return st.one_of(*strategies.values())
    if topic not in strategies:
        raise ValueError(f"unknown topic {topic!r}; expected one of: {', '.join(strategies)}")
    return strategies[topic]


def results(kind: str | None = None) -> SearchStrategy[Result]:
    """Return a strategy of parsed results of every `data.type`, or only of `kind`.

    `kind` is a result type (`incoming_payment`, `send_money`, `reversal`, `payment_link`,
    `polling`) or `"unknown"` (any other `data.type`, kept raw).
    """
    strategies = _result_strategies()
    if kind is None:
        from hypothesis import strategies as st

        return st.one_of(*strategies.values())
    if kind not in strategies:
        raise ValueError(f"unknown result kind {kind!r}; expected one of: {', '.join(strategies)}")
    return strategies[kind]


class _Primitives:
    """The value strategies shared by every Struct strategy."""

    def __init__(self) -> None:
        from hypothesis import strategies as st

        self.st = st
        self.ids = st.text("abcdef0123456789-", min_size=1, max_size=36)
        self.text = st.text(st.characters(codec="utf-8"), max_size=24)
        self.optional_text = st.none() | self.text
        self.amounts = st.decimals(
            min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2
        )
        self.phones = st.from_regex(r"\+2547[0-9]{8}", fullmatch=True)
        self.tills = st.from_regex(r"K?[0-9]{6}", fullmatch=True)
        self.references = st.from_regex(r"[A-Z0-9]{10}", fullmatch=True)
        self.times = st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2099, 12, 31),
            timezones=st.sampled_from([EAST_AFRICA_TIME, timezone.utc]),
        )
        self.urls = self.ids.map(lambda value: f"{_BASE}/resources/{value}")
        self.metadata = st.none() | st.dictionaries(self.text, self.text, max_size=5)
        self.errors = st.none() | self.text
        scalars = st.none() | st.booleans() | st.integers(-(2**62), 2**62) | self.text
        self.json = st.recursive(
            scalars,
            lambda children: (
                st.lists(children, max_size=3) | st.dictionaries(self.text, children, max_size=3)
            ),
            max_leaves=8,
        )


def _webhook_strategies() -> dict[str, SearchStrategy[Any]]:
    from hypothesis import strategies as st

    p = _Primitives()
    buygoods, b2b, card, customer = _resource_strategies(p)
    links = st.builds(WebhookLinks, self_url=p.urls, resource_url=st.none() | p.urls)

    def envelope(cls: type[Any], resource: SearchStrategy[Any]) -> SearchStrategy[Any]:
        event = st.builds(WebhookEvent, type=p.text, resource=resource)
        return st.builds(cls, id=p.ids, created_at=p.times, links=links, event=event)

    return {
        "buygoods_transaction_received": envelope(BuygoodsTransactionReceived, buygoods),
        "buygoods_transaction_reversed": envelope(BuygoodsTransactionReversed, buygoods),
        "b2b_transaction_received": envelope(B2bTransactionReceived, b2b),
        "b2b_transaction_reversed": envelope(B2bTransactionReversed, b2b),
        "card_transaction_received": envelope(CardTransactionReceived, card),
        "card_transaction_voided": envelope(CardTransactionVoided, card),
        "card_transaction_reversed": envelope(CardTransactionReversed, card),
        "customer_created": envelope(CustomerCreated, customer),
        "settlement_transfer_completed": envelope(
            SettlementTransferCompleted, _settlement_strategy(p)
        ),
        "daraja": _daraja_strategy(p),
        "unknown": _unknown_webhook_strategy(p),
    }


def _resource_strategies(p: _Primitives) -> tuple[SearchStrategy[Any], ...]:
    """Return strategies of the buygoods, b2b, card and customer webhook resources."""
    from hypothesis import strategies as st

    buygoods = st.builds(
        BuygoodsTransaction,
        id=p.ids,
        amount=p.amounts,
        currency=st.just("KES"),
        reference=p.references,
        till_number=p.tills,
        status=p.text,
        origination_time=p.times,
        system=p.optional_text,
        sender_phone_number=st.none() | p.phones,
        hashed_sender_phone=st.none() | st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
        sender_first_name=p.optional_text,
        sender_middle_name=p.optional_text,
        sender_last_name=p.optional_text,
    )
    b2b = st.builds(
        B2bTransaction,
        id=p.ids,
        amount=p.amounts,
        currency=st.just("KES"),
        reference=p.references,
        till_number=p.tills,
        status=p.text,
        origination_time=p.times,
        sending_till=st.none() | p.tills,
        system=p.optional_text,
    )
    card = st.builds(
        CardTransaction,
        id=p.ids,
        amount=p.amounts,
        currency=st.just("KES"),
        reference=p.references,
        status=p.text,
        origination_time=p.times,
        till_number=st.none() | p.tills,
        customer_cc_number=p.optional_text,
        settled=st.none() | st.booleans(),
    )
    customer = st.builds(
        Customer,
        phone_number=st.none() | p.phones,
        first_name=p.optional_text,
        middle_name=p.optional_text,
        last_name=p.optional_text,
    )
    return buygoods, b2b, card, customer


def _settlement_strategy(p: _Primitives) -> SearchStrategy[SettlementTransfer]:
    from hypothesis import strategies as st

    bank = st.builds(
        BankAccount,
        reference=st.none() | p.ids,
        account_name=p.optional_text,
        account_number=st.none() | st.from_regex(r"[0-9]{4,16}", fullmatch=True),
        bank_branch_ref=st.none() | p.ids,
        settlement_method=st.none() | st.sampled_from(["EFT", "RTS"]),
    )
    wallet = st.builds(
        MobileWallet,
        reference=st.none() | p.ids,
        phone_number=st.none() | p.phones,
        first_name=p.optional_text,
        last_name=p.optional_text,
        network=st.none() | st.just("Safaricom"),
        email=p.optional_text,
    )
    destination = st.builds(BankAccountDestination, resource=bank) | st.builds(
        MobileWalletDestination, resource=wallet
    )
    disbursement = st.builds(
        SettlementDisbursement,
        amount=p.amounts,
        status=p.text,
        origination_time=st.none() | p.times,
        transaction_reference=st.none() | p.references,
    )
    return st.builds(
        SettlementTransfer,
        id=p.ids,
        amount=p.amounts,
        currency=st.just("KES"),
        status=p.text,
        origination_time=p.times,
        destination=destination,
        disbursements=st.lists(disbursement, max_size=3),
    )


def _daraja_strategy(p: _Primitives) -> SearchStrategy[DarajaWebhook]:
    from hypothesis import strategies as st

    return st.builds(
        DarajaWebhook,
        transaction_type=st.sampled_from(
            ["Buygoods", "Pay Bill", "Organization To Organization Transfer", "Business Payment"]
        ),
        trans_id=p.references,
        trans_time=p.times.map(lambda moment: moment.strftime("%Y%m%d%H%M%S")),
        trans_amount=p.amounts,
        business_short_code=p.tills,
        bill_ref_number=p.optional_text,
        invoice_number=p.optional_text,
        org_account_balance=st.none() | st.just("") | p.amounts.map(str),
        third_party_trans_id=p.optional_text,
        third_party_trans_id_alt=p.optional_text,
        msisdn=st.none() | p.phones,
        first_name=p.optional_text,
        middle_name=p.optional_text,
        last_name=p.optional_text,
    )


def _unknown_webhook_strategy(p: _Primitives) -> SearchStrategy[UnknownWebhook]:
    from hypothesis import strategies as st

    topics = p.text.filter(lambda topic: topic not in WEBHOOK_TOPICS)

    def build(topic: str, extra: dict[str, Any]) -> UnknownWebhook:
        raw = {key: value for key, value in extra.items() if key != "topic"}
        raw["topic"] = topic
        return UnknownWebhook(topic=topic, raw=raw)

    return st.builds(build, topics, st.dictionaries(p.text, p.json, max_size=4))


def _result_strategies() -> dict[str, SearchStrategy[Any]]:
    p = _Primitives()
    from hypothesis import strategies as st

    links = st.builds(ResultLinks, callback_url=st.none() | p.urls, self_url=st.none() | p.urls)
    return {
        "incoming_payment": _incoming_payment_strategy(p, links),
        "send_money": _send_money_strategy(p, links),
        "reversal": _reversal_strategy(p, links),
        "payment_link": _payment_link_strategy(p, links),
        "polling": _polling_strategy(p, links),
        "unknown": _unknown_result_strategy(p),
    }


def _incoming_payment_strategy(
    p: _Primitives, links: SearchStrategy[ResultLinks]
) -> SearchStrategy[IncomingPaymentResult]:
    from hypothesis import strategies as st

    payment = st.builds(
        IncomingPayment,
        id=p.ids,
        amount=p.amounts,
        currency=st.just("KES"),
        reference=p.references,
        origination_time=p.times,
        status=p.text,
        till_number=st.none() | p.tills,
        system=p.optional_text,
        sender_phone_number=st.none() | p.phones,
        sender_first_name=p.optional_text,
        sender_middle_name=p.optional_text,
        sender_last_name=p.optional_text,
    )
    event = st.builds(
        IncomingPaymentEvent, type=p.text, resource=st.none() | payment, errors=p.errors
    )
    attributes = st.builds(
        IncomingPaymentAttributes,
        status=st.sampled_from(["Pending", "Success", "Failed"]),
        initiation_time=p.times,
        event=event,
        metadata=p.metadata,
        links=links,
    )
    data = st.builds(IncomingPaymentData, id=p.ids, attributes=attributes)
    return st.builds(IncomingPaymentResult, data=data)


def _send_money_strategy(
    p: _Primitives, links: SearchStrategy[ResultLinks]
) -> SearchStrategy[SendMoneyResult]:
    from hypothesis import strategies as st

    destination = st.builds(
        SendMoneyDestination,
        type=st.sampled_from(["mobile_wallet", "bank_account", "till", "paybill"]),
        amount=p.amounts,
        description=p.optional_text,
        nickname=p.optional_text,
        favourite=st.none() | st.booleans(),
        phone_number=st.none() | p.phones,
        till_number=st.none() | p.tills,
    )
    disbursement = st.builds(
        SendMoneyDisbursement,
        amount=p.amounts,
        status=p.text,
        destination_type=p.optional_text,
        destination_reference=st.none() | p.ids,
        transaction_reference=st.none() | p.references,
        origination_time=st.none() | p.times,
        errors=p.errors,
    )
    batch = st.builds(
        TransferBatch,
        amount=p.amounts,
        status=p.text,
        disbursements=st.lists(disbursement, max_size=3),
    )
    attributes = st.builds(
        SendMoneyAttributes,
        status=st.sampled_from(["Scheduled", "Processed"]),
        created_at=p.times,
        currency=st.none() | st.just("KES"),
        source_identifier=p.optional_text,
        destinations=st.none() | st.lists(destination, max_size=3),
        transfer_batches=st.none() | st.lists(batch, max_size=3),
        errors=p.errors,
        metadata=p.metadata,
        links=links,
    )
    data = st.builds(SendMoneyData, id=p.ids, attributes=attributes)
    return st.builds(SendMoneyResult, data=data)


def _reversal_strategy(
    p: _Primitives, links: SearchStrategy[ResultLinks]
) -> SearchStrategy[ReversalResult]:
    from hypothesis import strategies as st

    payment = st.builds(
        ReversalBulkPayment,
        amount=p.amounts,
        status=p.text,
        origination_time=st.none() | p.times,
        transaction_reference=st.none() | p.references,
    )
    attributes = st.builds(
        ReversalAttributes,
        status=st.sampled_from(["Scheduled", "Received", "Processed"]),
        created_at=p.times,
        transaction_reference=p.references,
        reason=p.optional_text,
        reversal_bulk_payment=st.none() | payment,
        errors=p.errors,
        metadata=p.metadata,
        links=links,
    )
    data = st.builds(ReversalData, id=p.ids, attributes=attributes) | st.builds(
        ReversalsData, id=p.ids, attributes=attributes
    )
    return st.builds(ReversalResult, data=data)


def _payment_link_strategy(
    p: _Primitives, links: SearchStrategy[ResultLinks]
) -> SearchStrategy[PaymentLinkResult]:
    from hypothesis import strategies as st

    details = st.builds(
        PaymentLinkDetails,
        link=st.none() | p.urls,
        expires_at=st.none() | p.times,
        payment_link_status=st.none() | st.sampled_from(["active", "Active", "cancelled"]),
        initiator_name=p.optional_text,
        status=st.none() | st.just("Paid"),
        transaction_reference=st.none() | p.references,
        sender_phone_number=st.none() | st.from_regex(r"2547[0-9]{8}", fullmatch=True),
        origination_time=st.none() | p.times,
    )
    attributes = st.builds(
        PaymentLinkAttributes,
        status=p.text,
        created_at=p.times,
        amount=p.amounts,
        payment_link=details,
        till_number=st.none() | p.tills,
        till_name=p.optional_text,
        currency=st.none() | st.just("KES"),
        payment_reference=p.optional_text,
        note=p.optional_text,
        errors=p.errors,
        metadata=p.metadata,
        links=links,
    )
    data = st.builds(PaymentLinkData, id=p.ids, attributes=attributes)
    return st.builds(PaymentLinkResult, data=data)


def _polling_strategy(
    p: _Primitives, links: SearchStrategy[ResultLinks]
) -> SearchStrategy[PollingResult]:
    from hypothesis import strategies as st

    transaction = st.builds(
        PolledTransaction,
        id=p.ids,
        amount=p.amounts,
        currency=st.just("KES"),
        reference=p.references,
        status=p.text,
        origination_time=p.times,
        till_number=st.none() | p.tills,
        system=p.optional_text,
        sending_till=st.none() | p.tills,
        sender_phone_number=st.none() | p.phones,
        sender_first_name=p.optional_text,
        sender_middle_name=p.optional_text,
        sender_last_name=p.optional_text,
    )
    entry = st.builds(PollingTransaction, type=p.text, resource=transaction)
    attributes = st.builds(
        PollingAttributes,
        status=p.text,
        from_time=p.times,
        to_time=p.times,
        transactions=st.none() | st.lists(entry, max_size=4),
        scope=st.none() | st.sampled_from(["Company", "Till"]),
        scope_reference=st.none() | p.tills,
        links=links,
    )
    data = st.builds(PollingData, id=p.ids, attributes=attributes)
    return st.builds(PollingResult, data=data)


def _unknown_result_strategy(p: _Primitives) -> SearchStrategy[UnknownResult]:
    from hypothesis import strategies as st

    kinds = p.text.filter(lambda kind: kind not in RESULT_TYPES)

    def build(kind: str, result_id: str | None, attributes: dict[str, Any] | None) -> UnknownResult:
        data: dict[str, Any] = {"type": kind, "id": result_id, "attributes": attributes}
        return UnknownResult(
            data=UnknownResultData(type=kind, id=result_id, attributes=attributes),
            raw={"data": data},
        )

    attributes = st.none() | st.dictionaries(p.text, p.json, max_size=4)
    return st.builds(build, kinds, st.none() | p.ids, attributes)


# Parameter strategies for the operation builders live in k2core.testing_params, which imports
# hypothesis when it loads. They are reachable here too (`k2core.testing.send_money_params()`),
# loaded on first access so that `signed_sample` keeps working without hypothesis.
_PARAMETER_STRATEGIES = frozenset(
    {
        "amounts",
        "aware_datetimes",
        "callback_urls",
        "destinations",
        "digits",
        "external_recipient_params",
        "incoming_payment_params",
        "metadata",
        "names",
        "payment_link_params",
        "phone_numbers",
        "polling_params",
        "reversal_params",
        "send_money_params",
        "transfer_account_params",
        "webhook_subscription_params",
    }
)


def __getattr__(name: str) -> Any:
    if name in _PARAMETER_STRATEGIES:
        from k2core import testing_params

        return getattr(testing_params, name)
    raise AttributeError(f"module 'k2core.testing' has no attribute {name!r}")
