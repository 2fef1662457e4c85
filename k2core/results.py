"""Typed Structs for result callbacks and status queries, and the functions that decode them.

Kopo Kopo POSTs a result to the `callback_url` of an incoming payment, send money, reversal,
payment link or polling request once it finishes. A status query (`GET` of the resource URL)
returns the same `{"data": {"id", "type", "attributes"}}` envelope, also while still pending.

Accepts: the raw body bytes, its `X-KopoKopo-Signature` value and the API key.
Returns: one Struct per `data.type`, each the whole envelope (`result.data.id`,
`result.data.type`, `result.data.attributes.status`), or `UnknownResult`, which keeps every raw
field of a well-formed body with any other `data.type`, such as the v1 `payment` and
`settlement_transfer` results.
Raises: a `k2core.SignatureError` subclass when verification fails, `k2core.PayloadTooLargeError`
for bodies over `max_body_size`, and `k2core.PayloadError` with the JSON path for anything else
that cannot be decoded. `parse_result` raises nothing else for any bytes.
Never: decodes a body before its size and signature are checked (`parse_result`), or re-encodes
a body. Unknown extra fields are ignored.

Structs without container fields are declared `gc=False`: they cannot be part of a reference
cycle, and leaving them out of garbage-collector tracking makes decoding faster.

Pending shapes decode too: a null `event.resource`, null `destinations` and
`transfer_batches`, a missing `reversal_bulk_payment` and null `metadata` all become `None`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, get_args

import msgspec
from msgspec.structs import force_setattr

from k2core._decoding import (
    DEFAULT_MAX_BODY_SIZE,
    AwareDatetime,
    check_body,
    check_depth,
    nesting_error,
    payload_error,
    reject_amount,
)
from k2core.signatures import ApiKeys, SignatureInput, verify_signature

__all__ = [
    "RESULT_TYPES",
    "IncomingPayment",
    "IncomingPaymentAttributes",
    "IncomingPaymentData",
    "IncomingPaymentEvent",
    "IncomingPaymentResult",
    "PaymentLinkAttributes",
    "PaymentLinkData",
    "PaymentLinkDetails",
    "PaymentLinkResult",
    "PolledTransaction",
    "PollingAttributes",
    "PollingData",
    "PollingResult",
    "PollingTransaction",
    "Result",
    "ResultLinks",
    "ReversalAttributes",
    "ReversalBulkPayment",
    "ReversalData",
    "ReversalResult",
    "ReversalsData",
    "SendMoneyAttributes",
    "SendMoneyData",
    "SendMoneyDestination",
    "SendMoneyDisbursement",
    "SendMoneyResult",
    "TransferBatch",
    "UnknownResult",
    "UnknownResultData",
    "decode_result_unverified",
    "parse_result",
]

Errors = str | list[Any] | dict[str, Any] | None
"""The `errors` value: `null`, or a reason; the documented form is a string."""

Metadata = dict[str, Any] | None


class ResultLinks(msgspec.Struct, frozen=True, gc=False):
    """The `_links` object: where the result was sent, and the resource's status URL."""

    callback_url: str | None = None
    self_url: str | None = msgspec.field(default=None, name="self")


class _ResultData(msgspec.Struct, frozen=True, tag_field="type"):
    """The `data` object shared by every result; subclasses add `attributes`."""

    id: str

    @property
    def type(self) -> str:
        """The `data.type` value, such as `incoming_payment`."""
        return str(self.__struct_config__.tag)


class IncomingPayment(msgspec.Struct, frozen=True, gc=False):
    """The M-PESA payment that completed an STK push."""

    id: str
    amount: Decimal
    currency: str
    reference: str
    origination_time: AwareDatetime
    status: str
    till_number: str | None = None
    system: str | None = None
    sender_phone_number: str | None = None
    sender_first_name: str | None = None
    sender_middle_name: str | None = None
    sender_last_name: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class IncomingPaymentEvent(msgspec.Struct, frozen=True):
    """`event`: `resource` is `None` while pending and on failure, and `errors` is the reason."""

    type: str
    resource: IncomingPayment | None = None
    errors: Errors = None


class IncomingPaymentAttributes(msgspec.Struct, frozen=True):
    """An STK push: `status` is `Pending`, `Success` or `Failed` (also seen: `Sent`, `Received`)."""

    status: str
    initiation_time: AwareDatetime
    event: IncomingPaymentEvent
    metadata: Metadata = None
    links: ResultLinks = msgspec.field(default_factory=ResultLinks, name="_links")

    def holds_nested_json(self) -> bool:
        """Return whether `metadata` or `errors` contains an array or object."""
        return _nests(self.metadata) or type(self.event.errors) in _CONTAINERS



class IncomingPaymentData(_ResultData, frozen=True, tag="incoming_payment"):
    """The `data` object of an STK push result or status."""

    attributes: IncomingPaymentAttributes


class SendMoneyDestination(msgspec.Struct, frozen=True, gc=False):
    """One destination of a send-money request, as echoed back; fields depend on `type`."""

    type: str
    amount: Decimal
    description: str | None = None
    nickname: str | None = None
    favourite: bool | None = None
    phone_number: str | None = None
    network: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    bank_branch_ref: str | None = None
    settlement_method: str | None = None
    till_number: str | None = None
    paybill_number: str | None = None
    paybill_account_number: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class SendMoneyDisbursement(msgspec.Struct, frozen=True):
    """One transfer to one destination."""

    amount: Decimal
    status: str
    destination_type: str | None = None
    destination_reference: str | None = None
    transaction_reference: str | None = None
    origination_time: AwareDatetime | None = None
    errors: Errors = None
    nickname: str | None = None
    favourite: bool | None = None
    phone_number: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class TransferBatch(msgspec.Struct, frozen=True):
    """The transfers made for one destination."""

    amount: Decimal
    status: str
    disbursements: list[SendMoneyDisbursement] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class SendMoneyAttributes(msgspec.Struct, frozen=True):
    """A send-money request: `status` is `Scheduled` while pending and `Processed` when done."""

    status: str
    created_at: AwareDatetime
    currency: str | None = None
    source_identifier: str | None = None
    destinations: list[SendMoneyDestination] | None = None
    transfer_batches: list[TransferBatch] | None = None
    errors: Errors = None
    metadata: Metadata = None
    links: ResultLinks = msgspec.field(default_factory=ResultLinks, name="_links")

    def holds_nested_json(self) -> bool:
        """Return whether `metadata` or any `errors` contains an array or object."""
        if _nests(self.metadata) or type(self.errors) in _CONTAINERS:
            return True
        return any(
            type(disbursement.errors) in _CONTAINERS
            for batch in self.transfer_batches or ()
            for disbursement in batch.disbursements
        )


class SendMoneyData(_ResultData, frozen=True, tag="send_money"):
    """The `data` object of a send-money result or status."""

    attributes: SendMoneyAttributes


class ReversalBulkPayment(msgspec.Struct, frozen=True, gc=False):
    """The payment that returned the money to the customer."""

    amount: Decimal
    status: str
    origination_time: AwareDatetime | None = None
    transaction_reference: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class ReversalAttributes(msgspec.Struct, frozen=True):
    """A reversal: `reversal_bulk_payment` is `None` until the money has been returned."""

    status: str
    created_at: AwareDatetime
    transaction_reference: str
    reason: str | None = None
    reversal_bulk_payment: ReversalBulkPayment | None = None
    errors: Errors = None
    metadata: Metadata = None
    links: ResultLinks = msgspec.field(default_factory=ResultLinks, name="_links")

    def holds_nested_json(self) -> bool:
        """Return whether `metadata` or `errors` contains an array or object."""
        return _nests(self.metadata) or type(self.errors) in _CONTAINERS



class ReversalData(_ResultData, frozen=True, tag="reversal"):
    """The `data` object of a reversal result or status."""

    attributes: ReversalAttributes


class ReversalsData(ReversalData, frozen=True, tag="reversals"):
    """A reversal whose `data.type` was sent in the plural, as some status queries do."""


class PaymentLinkDetails(msgspec.Struct, frozen=True, gc=False):
    """The `payment_link` object.

    A status query fills `payment_link_status` and `initiator_name`; the result callback after
    a payment fills `status`, `transaction_reference`, `sender_phone_number` and
    `origination_time`. `sender_phone_number` is always a `str` once decoded, although the API
    has sent it as a JSON number.
    """

    link: str | None = None
    expires_at: AwareDatetime | None = None
    payment_link_status: str | None = None
    initiator_name: str | None = None
    status: str | None = None
    transaction_reference: str | None = None
    sender_phone_number: str | int | None = None
    origination_time: AwareDatetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.sender_phone_number, int):
            force_setattr(self, "sender_phone_number", str(self.sender_phone_number))


class PaymentLinkAttributes(msgspec.Struct, frozen=True):
    """A payment link and, once paid, its payment."""

    status: str
    created_at: AwareDatetime
    amount: Decimal
    payment_link: PaymentLinkDetails
    till_number: str | None = None
    till_name: str | None = None
    currency: str | None = None
    payment_reference: str | None = None
    note: str | None = None
    errors: Errors = None
    metadata: Metadata = None
    links: ResultLinks = msgspec.field(default_factory=ResultLinks, name="_links")

    def holds_nested_json(self) -> bool:
        """Return whether `metadata` or `errors` contains an array or object."""
        return _nests(self.metadata) or type(self.errors) in _CONTAINERS


    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class PaymentLinkData(_ResultData, frozen=True, tag="payment_link"):
    """The `data` object of a payment-link result or status."""

    attributes: PaymentLinkAttributes


class PolledTransaction(msgspec.Struct, frozen=True, gc=False):
    """A transaction found by polling: the fields of a buygoods or b2b webhook resource."""

    id: str
    amount: Decimal
    currency: str
    reference: str
    status: str
    origination_time: AwareDatetime
    till_number: str | None = None
    system: str | None = None
    sending_till: str | None = None
    sender_phone_number: str | None = None
    hashed_sender_phone: str | None = None
    sender_first_name: str | None = None
    sender_middle_name: str | None = None
    sender_last_name: str | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            reject_amount("amount", self.amount)


class PollingTransaction(msgspec.Struct, frozen=True, gc=False):
    """One entry of `transactions`: a label such as `Buygoods Transaction` and the transaction."""

    type: str
    resource: PolledTransaction


class PollingAttributes(msgspec.Struct, frozen=True):
    """A polling request and the transactions received in its time window."""

    status: str
    from_time: AwareDatetime
    to_time: AwareDatetime
    transactions: list[PollingTransaction] | None = None
    scope: str | None = None
    scope_reference: str | None = None
    links: ResultLinks = msgspec.field(default_factory=ResultLinks, name="_links")

    def holds_nested_json(self) -> bool:
        """Return False: a polling result keeps no raw JSON values."""
        return False


class PollingData(_ResultData, frozen=True, tag="polling"):
    """The `data` object of a polling result or status."""

    attributes: PollingAttributes


class IncomingPaymentResult(msgspec.Struct, frozen=True):
    """The result or status of an STK push (`data.type` `incoming_payment`)."""

    data: IncomingPaymentData


class SendMoneyResult(msgspec.Struct, frozen=True):
    """The result or status of a send-money request (`data.type` `send_money`)."""

    data: SendMoneyData


class ReversalResult(msgspec.Struct, frozen=True):
    """The result or status of a reversal (`data.type` `reversal` or `reversals`)."""

    data: ReversalData


class PaymentLinkResult(msgspec.Struct, frozen=True):
    """The result or status of a payment link (`data.type` `payment_link`)."""

    data: PaymentLinkData


class PollingResult(msgspec.Struct, frozen=True):
    """The result or status of a polling request (`data.type` `polling`)."""

    data: PollingData


class UnknownResultData(msgspec.Struct, frozen=True):
    """The `data` object of a result type this version does not model."""

    type: str
    id: str | None = None
    attributes: dict[str, Any] | None = None


class UnknownResult(msgspec.Struct, frozen=True):
    """A well-formed result whose `data.type` this version does not model.

    `data` contains `id`, `type` and the raw `attributes`; `raw` is the whole decoded body.
    """

    data: UnknownResultData
    raw: dict[str, Any]


Result = (
    IncomingPaymentResult
    | SendMoneyResult
    | ReversalResult
    | PaymentLinkResult
    | PollingResult
    | UnknownResult
)
"""Every value `parse_result` returns."""

_Data = (
    IncomingPaymentData
    | SendMoneyData
    | ReversalData
    | ReversalsData
    | PaymentLinkData
    | PollingData
)
_ENVELOPES: dict[type[_ResultData], Any] = {
    IncomingPaymentData: IncomingPaymentResult,
    SendMoneyData: SendMoneyResult,
    ReversalData: ReversalResult,
    ReversalsData: ReversalResult,
    PaymentLinkData: PaymentLinkResult,
    PollingData: PollingResult,
}

RESULT_TYPES = frozenset(str(cls.__struct_config__.tag) for cls in get_args(_Data))
"""The `data.type` values decoded into their own Struct; others become `UnknownResult`."""


class _Envelope(msgspec.Struct, frozen=True):
    data: _Data


class _TypeProbe(msgspec.Struct):
    type: Any = msgspec.UNSET


class _EnvelopeProbe(msgspec.Struct):
    """The one key that decides whether a body the union rejected is an unknown result."""

    data: _TypeProbe | None = None


class _UnknownEnvelope(msgspec.Struct):
    data: UnknownResultData


_DECODER = msgspec.json.Decoder(_Envelope)
_PROBE_DECODER = msgspec.json.Decoder(_EnvelopeProbe)
_UNKNOWN_DECODER = msgspec.json.Decoder(_UnknownEnvelope)
_RAW_DECODER = msgspec.json.Decoder(dict[str, Any])


def parse_result(
    body: bytes,
    signature: SignatureInput,
    api_key: ApiKeys,
    *,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> Result:
    """Verify and decode a result callback: size check, then signature, then JSON decoding.

    `signature` is the `X-KopoKopo-Signature` value (see `k2core.find_signature`) and
    `api_key` the application's API key, or several keys during a rotation.
    """
    check_body(body, max_body_size)
    verify_signature(body, signature, api_key)
    return decode_result_unverified(body)


def decode_result_unverified(body: bytes) -> Result:
    """Decode a result or status-query body WITHOUT checking a signature.

    Status-query responses arrive over the authenticated HTTPS connection and carry no
    signature. For callbacks, use `parse_result`.
    """
    try:
        data = _DECODER.decode(body).data
    except msgspec.ValidationError as error:
        return _decode_unknown(body, error)
    except msgspec.DecodeError as error:
        raise payload_error(error) from error
    except RecursionError:
        raise nesting_error() from None

    # `metadata` and `errors` are kept as raw JSON, so their nesting must respect
    # MAX_NESTING_DEPTH. Only an array or object inside them can nest deeper, and then the
    # exact scan of the body decides. Flat values, the usual case, skip the scan.
    if data.attributes.holds_nested_json():
        check_depth(body)
    return _ENVELOPES[type(data)](data=data)  # type: ignore[no-any-return]


_FLAT_TYPES = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (dict, list)


def _nests(metadata: Metadata) -> bool:
    return metadata is not None and not _FLAT_TYPES.issuperset(map(type, metadata.values()))


def _decode_unknown(body: bytes, error: msgspec.ValidationError) -> Result:
    """Decode a body with an unmodelled `data.type`, or report why the union rejected it."""
    try:
        return _decode_unknown_type(body, error)
    except RecursionError:
        raise nesting_error() from None


def _decode_unknown_type(body: bytes, error: msgspec.ValidationError) -> Result:
    try:
        data = _PROBE_DECODER.decode(body).data
    except msgspec.ValidationError:
        raise payload_error(error) from error
    except msgspec.DecodeError as probe_error:
        raise payload_error(probe_error) from probe_error

    kind = data.type if data is not None else None
    if not isinstance(kind, str) or kind in RESULT_TYPES:
        raise payload_error(error) from error
    check_depth(body)  # `raw` keeps the whole body, so it must respect MAX_NESTING_DEPTH.
    try:
        envelope = _UNKNOWN_DECODER.decode(body)
        raw = _RAW_DECODER.decode(body)
    except msgspec.DecodeError as unknown_error:
        raise payload_error(unknown_error) from unknown_error
    return UnknownResult(data=envelope.data, raw=raw)
