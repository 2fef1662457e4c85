"""The floor for verify+parse: HMAC plus one typed msgspec decode, with no SDK code in between.

These Structs describe the same payloads as k2's webhook and result Structs, with the same
field types: `Decimal` amounts, timezone-aware `datetime`s and optional names as `None`. So the
floor does the same conversion work as the SDK and nothing more. It has no size check, no
signature format check, no nesting limit, no finite-amount check and no error translation.
Each decoder is a module-level tagged union, built once, as a hand-written receiver tuned for
speed would do.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

# Timestamps must carry a UTC offset, as in the SDK's Structs; msgspec checks it while decoding.
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class Links(msgspec.Struct, frozen=True):
    self_url: str = msgspec.field(name="self")
    resource: str | None = None


class BuygoodsResource(msgspec.Struct, frozen=True):
    id: str
    amount: Decimal
    status: str
    system: str
    currency: str
    reference: str
    till_number: str
    sender_phone_number: str
    origination_time: AwareDatetime
    sender_first_name: str | None = None
    sender_middle_name: str | None = None
    sender_last_name: str | None = None
    hashed_sender_phone: str | None = None


class BuygoodsEvent(msgspec.Struct, frozen=True):
    type: str
    resource: BuygoodsResource


class BuygoodsReceived(
    msgspec.Struct, frozen=True, tag_field="topic", tag="buygoods_transaction_received"
):
    id: str
    created_at: AwareDatetime
    event: BuygoodsEvent
    links: Links = msgspec.field(name="_links")


class BankAccount(msgspec.Struct, frozen=True):
    reference: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    bank_branch_ref: str | None = None
    settlement_method: str | None = None


class MobileWallet(msgspec.Struct, frozen=True):
    reference: str | None = None
    phone_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    network: str | None = None
    email: str | None = None


class BankAccountDestination(msgspec.Struct, frozen=True, tag_field="type", tag="Bank Account"):
    resource: BankAccount


class MobileWalletDestination(msgspec.Struct, frozen=True, tag_field="type", tag="Mobile Wallet"):
    resource: MobileWallet


class Disbursement(msgspec.Struct, frozen=True):
    amount: Decimal
    status: str
    origination_time: AwareDatetime | None = None
    transaction_reference: str | None = None


class SettlementResource(msgspec.Struct, frozen=True):
    id: str
    amount: Decimal
    status: str
    currency: str
    destination: BankAccountDestination | MobileWalletDestination
    disbursements: list[Disbursement]
    origination_time: AwareDatetime


class SettlementEvent(msgspec.Struct, frozen=True):
    type: str
    resource: SettlementResource


class SettlementCompleted(
    msgspec.Struct, frozen=True, tag_field="topic", tag="settlement_transfer_completed"
):
    id: str
    created_at: AwareDatetime
    event: SettlementEvent
    links: Links = msgspec.field(name="_links")


class ResultLinks(msgspec.Struct, frozen=True):
    callback_url: str
    self_url: str = msgspec.field(name="self")


class PaymentResource(msgspec.Struct, frozen=True):
    id: str
    reference: str
    origination_time: AwareDatetime
    sender_phone_number: str
    amount: Decimal
    currency: str
    till_number: str
    system: str
    status: str
    sender_first_name: str | None = None
    sender_middle_name: str | None = None
    sender_last_name: str | None = None


class PaymentEvent(msgspec.Struct, frozen=True):
    type: str
    resource: PaymentResource | None = None
    errors: str | None = None


class IncomingPaymentAttributes(msgspec.Struct, frozen=True):
    initiation_time: AwareDatetime
    status: str
    event: PaymentEvent
    links: ResultLinks = msgspec.field(name="_links")
    metadata: dict[str, str] | None = None


class IncomingPaymentData(msgspec.Struct, frozen=True, tag_field="type", tag="incoming_payment"):
    id: str
    attributes: IncomingPaymentAttributes


class PollingTransaction(msgspec.Struct, frozen=True):
    type: str
    resource: BuygoodsResource


class PollingAttributes(msgspec.Struct, frozen=True):
    status: str
    from_time: AwareDatetime
    to_time: AwareDatetime
    transactions: list[PollingTransaction]
    scope: str
    links: ResultLinks = msgspec.field(name="_links")
    scope_reference: str | None = None


class PollingData(msgspec.Struct, frozen=True, tag_field="type", tag="polling"):
    id: str
    attributes: PollingAttributes


class Result(msgspec.Struct, frozen=True):
    data: IncomingPaymentData | PollingData


Webhook = BuygoodsReceived | SettlementCompleted

WEBHOOK_DECODER = msgspec.json.Decoder(Webhook)
RESULT_DECODER = msgspec.json.Decoder(Result)


def verify(body: bytes, signature: str, key: bytes) -> None:
    """Raise ValueError unless `signature` is the hex HMAC-SHA256 of `body` under `key`."""
    if not hmac.compare_digest(hmac.digest(key, body, "sha256").hex(), signature):
        raise ValueError("the HMAC signature does not match the body")


def parse_webhook(body: bytes, signature: str, key: bytes) -> Webhook:
    """Verify `body`, then decode it as one of the floor's webhook Structs."""
    verify(body, signature, key)
    return WEBHOOK_DECODER.decode(body)


def parse_result(body: bytes, signature: str, key: bytes) -> Result:
    """Verify `body`, then decode it as the floor's result envelope."""
    verify(body, signature, key)
    return RESULT_DECODER.decode(body)
