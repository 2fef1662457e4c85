"""Typed Structs for Kopo Kopo webhook events, and the functions that verify and decode them.

Accepts: the raw body bytes of a webhook POST, its `X-KopoKopo-Signature` value and the API key.
Returns: one Struct per topic (a tagged union on `topic`), or `DarajaWebhook` for the flat
Daraja-format payload, which has no `topic` and is recognised by `TransactionType`. A
well-formed event with any other topic, such as the legacy `m2m_transaction_received`, becomes
`UnknownWebhook`, which keeps every raw field.
Raises: a `k2core.SignatureError` subclass when verification fails, `k2core.PayloadTooLargeError`
for bodies over `max_body_size`, and `k2core.PayloadError` with the JSON path for anything else
that cannot be decoded. `parse_webhook` raises nothing else for any bytes.
Never: decodes a body before its size and signature are checked (`parse_webhook`), or re-encodes
a body. Unknown extra fields are ignored, so new API fields do not break decoding.

Structs without container fields are declared `gc=False`: they cannot be part of a reference
cycle, and leaving them out of garbage-collector tracking makes decoding faster.

Amounts are exact `Decimal` values (`NaN` and infinities are rejected); till numbers, references
and phone numbers stay strings; timestamps are timezone-aware `datetime` values.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, get_args

import msgspec
from msgspec.structs import force_setattr

from k2core._decoding import (
    DEFAULT_MAX_BODY_SIZE,
    AwareDatetime,
    check_body,
    check_depth,
    field_check,
    nesting_error,
    parse_daraja_time,
    parse_decimal_text,
    payload_error,
    reject_amount,
)
from k2core.errors import PayloadError
from k2core.signatures import ApiKeys, SignatureInput, verify_signature

__all__ = [
    "WEBHOOK_TOPICS",
    "B2bTransaction",
    "B2bTransactionReceived",
    "B2bTransactionReversed",
    "BankAccount",
    "BankAccountDestination",
    "BuygoodsTransaction",
    "BuygoodsTransactionReceived",
    "BuygoodsTransactionReversed",
    "CardTransaction",
    "CardTransactionReceived",
    "CardTransactionReversed",
    "CardTransactionVoided",
    "Customer",
    "CustomerCreated",
    "DarajaWebhook",
    "MobileWallet",
    "MobileWalletDestination",
    "SettlementDisbursement",
    "SettlementTransfer",
    "SettlementTransferCompleted",
    "UnknownWebhook",
    "Webhook",
    "WebhookEvent",
    "WebhookLinks",
    "decode_webhook_unverified",
    "parse_webhook",
]

R = TypeVar("R")


class WebhookLinks(msgspec.Struct, frozen=True, gc=False):
    """The `_links` object of a webhook: the event's own URL and its resource's URL."""

    self_url: str = msgspec.field(name="self")
    resource_url: str | None = msgspec.field(default=None, name="resource")


class WebhookEvent(msgspec.Struct, Generic[R], frozen=True):
    """The `event` object: a label such as `Buygoods Transaction`, and the resource."""

    type: str
    resource: R


class BuygoodsTransaction(msgspec.Struct, frozen=True, gc=False):
    """A Lipa Na M-PESA till payment, as received or as reversed."""

    id: str
    amount: Decimal
    currency: str
    reference: str
    till_number: str
    status: str
    origination_time: AwareDatetime
    system: str | None = None
    sender_phone_number: str | None = None
    hashed_sender_phone: str | None = None
    sender_first_name: str | None = None
    sender_middle_name: str | None = None
    sender_last_name: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class B2bTransaction(msgspec.Struct, frozen=True, gc=False):
    """A payment from another till (`sending_till`) into one of the merchant's tills."""

    id: str
    amount: Decimal
    currency: str
    reference: str
    till_number: str
    status: str
    origination_time: AwareDatetime
    sending_till: str | None = None
    system: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class CardTransaction(msgspec.Struct, frozen=True, gc=False):
    """A card payment; `settled` is sent only with `card_transaction_received`."""

    id: str
    amount: Decimal
    currency: str
    reference: str
    status: str
    origination_time: AwareDatetime
    till_number: str | None = None
    customer_cc_number: str | None = None
    settled: bool | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class Customer(msgspec.Struct, frozen=True, gc=False):
    """A new M-PESA customer. The API sends no `id`; it is at the end of `_links.resource`."""

    phone_number: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None


class BankAccount(msgspec.Struct, frozen=True, gc=False):
    """A merchant bank account that received a settlement."""

    reference: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    bank_branch_ref: str | None = None
    settlement_method: str | None = None


class MobileWallet(msgspec.Struct, frozen=True, gc=False):
    """A merchant mobile wallet that received a settlement."""

    reference: str | None = None
    phone_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    network: str | None = None
    email: str | None = None


class BankAccountDestination(
    msgspec.Struct, frozen=True, gc=False, tag_field="type", tag="Bank Account"
):
    """A settlement `destination` whose `type` is `Bank Account`."""

    resource: BankAccount


class MobileWalletDestination(
    msgspec.Struct, frozen=True, gc=False, tag_field="type", tag="Mobile Wallet"
):
    """A settlement `destination` whose `type` is `Mobile Wallet`."""

    resource: MobileWallet


class SettlementDisbursement(msgspec.Struct, frozen=True, gc=False):
    """One transfer of a settlement batch."""

    amount: Decimal
    status: str
    origination_time: AwareDatetime | None = None
    transaction_reference: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class SettlementTransfer(msgspec.Struct, frozen=True):
    """A settlement batch moved to one of the merchant's own accounts."""

    id: str
    amount: Decimal
    currency: str
    status: str
    origination_time: AwareDatetime
    # NOTE: a destination `type` other than "Bank Account" or "Mobile Wallet" is rejected with
    # a PayloadError at `$.event.resource.destination.type`; no other value has been seen.
    destination: BankAccountDestination | MobileWalletDestination
    disbursements: list[SettlementDisbursement]

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class _K2Webhook(msgspec.Struct, frozen=True, tag_field="topic"):
    """The envelope shared by every K2-format event; subclasses add `event`."""

    id: str
    created_at: AwareDatetime
    links: WebhookLinks = msgspec.field(name="_links")

    @property
    def topic(self) -> str:
        """The subscription topic, such as `buygoods_transaction_received`."""
        return str(self.__struct_config__.tag)


class BuygoodsTransactionReceived(_K2Webhook, frozen=True, tag="buygoods_transaction_received"):
    """`buygoods_transaction_received`: a customer paid one of the merchant's tills."""

    event: WebhookEvent[BuygoodsTransaction]


class BuygoodsTransactionReversed(_K2Webhook, frozen=True, tag="buygoods_transaction_reversed"):
    """`buygoods_transaction_reversed`: a till payment was reversed."""

    event: WebhookEvent[BuygoodsTransaction]


class B2bTransactionReceived(_K2Webhook, frozen=True, tag="b2b_transaction_received"):
    """`b2b_transaction_received`: another till paid one of the merchant's tills."""

    event: WebhookEvent[B2bTransaction]


class B2bTransactionReversed(_K2Webhook, frozen=True, tag="b2b_transaction_reversed"):
    """`b2b_transaction_reversed`: a till-to-till payment was reversed."""

    event: WebhookEvent[B2bTransaction]


class CardTransactionReceived(_K2Webhook, frozen=True, tag="card_transaction_received"):
    """`card_transaction_received`: a card payment was received."""

    event: WebhookEvent[CardTransaction]


class CardTransactionVoided(_K2Webhook, frozen=True, tag="card_transaction_voided"):
    """`card_transaction_voided`: a card payment was voided."""

    event: WebhookEvent[CardTransaction]


class CardTransactionReversed(_K2Webhook, frozen=True, tag="card_transaction_reversed"):
    """`card_transaction_reversed`: a card payment was reversed."""

    event: WebhookEvent[CardTransaction]


class CustomerCreated(_K2Webhook, frozen=True, tag="customer_created"):
    """`customer_created`: a customer paid the merchant for the first time."""

    event: WebhookEvent[Customer]


class SettlementTransferCompleted(_K2Webhook, frozen=True, tag="settlement_transfer_completed"):
    """`settlement_transfer_completed`: funds reached a merchant bank account or wallet."""

    event: WebhookEvent[SettlementTransfer]


class DarajaWebhook(
    msgspec.Struct,
    frozen=True,
    gc=False,
    rename={
        "transaction_type": "TransactionType",
        "trans_id": "TransID",
        "trans_time": "TransTime",
        "trans_amount": "TransAmount",
        "business_short_code": "BusinessShortCode",
        "bill_ref_number": "BillRefNumber",
        "invoice_number": "InvoiceNumber",
        "org_account_balance": "OrgAccountBalance",
        "third_party_trans_id": "ThirdPartyTransId",
        "third_party_trans_id_alt": "ThirdPartyTransID",
        "msisdn": "MSISDN",
        "first_name": "FirstName",
        "middle_name": "MiddleName",
        "last_name": "LastName",
    },
):
    """A buygoods or b2b payment in Safaricom's Daraja format (`enable_daraja_payload`).

    The body is a flat object without `topic`. `trans_time` keeps the `TransTime` text
    (`YYYYMMDDHHMMSS`, East Africa Time); `transaction_time` is the same instant as an aware
    `datetime`. The API spells one key both `ThirdPartyTransId` and `ThirdPartyTransID`:
    `third_party_trans_id` contains the value under either spelling, and
    `third_party_trans_id_alt` keeps the `ThirdPartyTransID` value as sent. `org_account_balance`
    stays text because the API sends `""` when it has no balance to report. A non-empty value
    must be a finite decimal, and `account_balance` returns it as a `Decimal`.
    """

    transaction_type: str
    trans_id: str
    trans_time: str
    trans_amount: Decimal
    business_short_code: str
    bill_ref_number: str | None = None
    invoice_number: str | None = None
    org_account_balance: str | None = None
    third_party_trans_id: str | None = None
    third_party_trans_id_alt: str | None = None
    msisdn: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None

    def __post_init__(self) -> None:
        if not self.trans_amount.is_finite():
            reject_amount("TransAmount", self.trans_amount)
        field_check("TransTime", parse_daraja_time, self.trans_time)
        if self.org_account_balance:
            field_check("OrgAccountBalance", parse_decimal_text, self.org_account_balance)
        if self.third_party_trans_id is None and self.third_party_trans_id_alt is not None:
            force_setattr(self, "third_party_trans_id", self.third_party_trans_id_alt)

    @property
    def transaction_time(self) -> datetime:
        """`TransTime` as an aware `datetime` in East Africa Time (UTC+03:00)."""
        return parse_daraja_time(self.trans_time)

    @property
    def account_balance(self) -> Decimal | None:
        """`OrgAccountBalance` as a `Decimal`, or `None` when the API sent `""` or nothing."""
        if not self.org_account_balance:
            return None
        return parse_decimal_text(self.org_account_balance)


class UnknownWebhook(msgspec.Struct, frozen=True):
    """A well-formed event whose `topic` this version does not model.

    `raw` is the whole decoded body, so no field is lost.
    """

    topic: str
    raw: dict[str, Any]


_K2Event = (
    BuygoodsTransactionReceived
    | BuygoodsTransactionReversed
    | B2bTransactionReceived
    | B2bTransactionReversed
    | CardTransactionReceived
    | CardTransactionVoided
    | CardTransactionReversed
    | CustomerCreated
    | SettlementTransferCompleted
)

Webhook = _K2Event | DarajaWebhook | UnknownWebhook
"""Every value `parse_webhook` returns."""

WEBHOOK_TOPICS = frozenset(str(cls.__struct_config__.tag) for cls in get_args(_K2Event))
"""The topics decoded into their own Struct; any other topic becomes `UnknownWebhook`."""


class _WebhookProbe(msgspec.Struct):
    """The two keys that decide how to decode a body that the tagged union rejected."""

    topic: Any = msgspec.UNSET
    transaction_type: Any = msgspec.field(default=msgspec.UNSET, name="TransactionType")


_K2_DECODER = msgspec.json.Decoder(_K2Event)
_DARAJA_DECODER = msgspec.json.Decoder(DarajaWebhook)
_PROBE_DECODER = msgspec.json.Decoder(_WebhookProbe)
_RAW_DECODER = msgspec.json.Decoder(dict[str, Any])


def parse_webhook(
    body: bytes,
    signature: SignatureInput,
    api_key: ApiKeys,
    *,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> Webhook:
    """Verify and decode a webhook: size check, then signature, then JSON decoding.

    `signature` is the `X-KopoKopo-Signature` value (see `k2core.find_signature`) and
    `api_key` the application's API key, or several keys during a rotation.
    """
    check_body(body, max_body_size)
    verify_signature(body, signature, api_key)
    return decode_webhook_unverified(body)


def decode_webhook_unverified(body: bytes) -> Webhook:
    """Decode a webhook body WITHOUT checking its signature.

    Use it only for bodies already verified or for debugging; anyone can forge an unsigned body.
    """
    # No depth scan here: the tagged union keeps no raw JSON, and msgspec raises
    # RecursionError for nesting it cannot follow, even inside fields it skips.
    try:
        return _decode_webhook(body)
    except RecursionError:
        raise nesting_error() from None


def _decode_webhook(body: bytes) -> Webhook:
    try:
        return _K2_DECODER.decode(body)
    except msgspec.ValidationError as error:
        return _decode_other(body, error)
    except msgspec.DecodeError as error:
        raise payload_error(error) from error


def _decode_other(body: bytes, error: msgspec.ValidationError) -> Webhook:
    """Decode a Daraja payload or an unknown topic, or report why the union rejected `body`."""
    try:
        probe = _PROBE_DECODER.decode(body)
    except msgspec.ValidationError:
        raise payload_error(error) from error
    except msgspec.DecodeError as probe_error:
        raise payload_error(probe_error) from probe_error

    if probe.topic is msgspec.UNSET:
        if probe.transaction_type is not msgspec.UNSET:
            try:
                return _DARAJA_DECODER.decode(body)
            except msgspec.DecodeError as daraja_error:
                raise payload_error(daraja_error) from daraja_error
        raise PayloadError(
            "Object missing required field `topic` (a Kopo Kopo webhook) or `TransactionType` "
            "(a Daraja payload) at $",
            path="$.topic",
        ) from error
    if isinstance(probe.topic, str) and probe.topic not in WEBHOOK_TOPICS:
        check_depth(body)  # `raw` keeps the whole body, so it must respect MAX_NESTING_DEPTH.
        try:
            raw = _RAW_DECODER.decode(body)
        except msgspec.DecodeError as raw_error:
            raise payload_error(raw_error) from raw_error
        return UnknownWebhook(topic=probe.topic, raw=raw)
    raise payload_error(error) from error
