"""Verifying and decoding result callbacks and status-query bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest

import k2core
from k2core import (
    IncomingPaymentResult,
    PayloadError,
    PayloadTooLargeError,
    PaymentLinkResult,
    PollingResult,
    ReversalResult,
    SendMoneyResult,
    SignatureMismatchError,
    UnknownResult,
    decode_result_unverified,
    parse_result,
    sign,
)
from k2core import results as results_module

FIXTURES = Path(__file__).parents[1] / "fixtures" / "results"
API_KEY = "res-test-api-key-48"
EAT = timezone(timedelta(hours=3))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def compact(body: bytes) -> bytes:
    document = json.loads(body)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def parse(body: bytes) -> Any:
    return parse_result(body, sign(body, API_KEY), API_KEY)


def check_stk_success(result: Any) -> None:
    assert isinstance(result, IncomingPaymentResult)
    assert result.data.type == "incoming_payment"
    assert result.data.id == "34ed9071-4556-4708-b98a-8f9001122334"
    attributes = result.data.attributes
    assert attributes.status == "Success"
    assert attributes.initiation_time == datetime(2024, 9, 1, 10, 9, 55, 123000, tzinfo=EAT)
    payment = attributes.event.resource
    assert payment is not None
    assert payment.amount == Decimal("1500.50")
    assert payment.till_number == "K000123"
    assert payment.reference == "RBG0K2M4P6"
    assert payment.sender_first_name == "Zoë"
    assert payment.sender_middle_name is None
    assert attributes.event.errors is None
    assert attributes.metadata == {"order": "000123", "till": "K204060"}
    assert attributes.links.self_url is not None
    assert attributes.links.self_url.endswith(result.data.id)


def check_stk_failed(result: Any) -> None:
    assert isinstance(result, IncomingPaymentResult)
    attributes = result.data.attributes
    assert attributes.status == "Failed"
    assert attributes.event.resource is None
    assert attributes.event.errors == "Request cancelled by user"


def check_stk_pending(result: Any) -> None:
    assert isinstance(result, IncomingPaymentResult)
    attributes = result.data.attributes
    assert attributes.status == "Pending"
    assert attributes.event.resource is None
    assert attributes.event.errors is None
    assert attributes.metadata is None


def check_send_money(result: Any) -> None:
    assert isinstance(result, SendMoneyResult)
    attributes = result.data.attributes
    assert result.data.type == "send_money"
    assert attributes.status == "Processed"
    assert attributes.source_identifier == "salary-sept"
    assert attributes.destinations is not None
    assert [d.amount for d in attributes.destinations] == [Decimal("1234.5"), Decimal("300")]
    assert attributes.destinations[1].till_number == "000456"
    assert attributes.transfer_batches is not None
    first = attributes.transfer_batches[0].disbursements[0]
    assert first.amount == Decimal("1234.50")
    assert first.transaction_reference == "RBH1L3N5Q7"
    assert first.destination_type == "mobile_wallet"
    assert first.origination_time == datetime(2024, 9, 2, 16, 0, 30, 500000, tzinfo=EAT)
    assert attributes.transfer_batches[1].disbursements[0].destination_type == "till"


def check_send_money_scheduled(result: Any) -> None:
    assert isinstance(result, SendMoneyResult)
    attributes = result.data.attributes
    assert attributes.status == "Scheduled"
    assert attributes.destinations is None
    assert attributes.transfer_batches is None
    assert attributes.source_identifier is None
    assert attributes.metadata is None


def check_reversal(result: Any) -> None:
    assert isinstance(result, ReversalResult)
    assert result.data.type == "reversal"
    attributes = result.data.attributes
    assert attributes.transaction_reference == "RBG0K2M4P6"
    assert attributes.reversal_bulk_payment is not None
    assert attributes.reversal_bulk_payment.amount == Decimal("1500.50")
    assert attributes.reversal_bulk_payment.transaction_reference == "RVS3N5Q7T9"


def check_reversal_scheduled(result: Any) -> None:
    assert isinstance(result, ReversalResult)
    assert result.data.type == "reversals"
    assert result.data.attributes.status == "Scheduled"
    assert result.data.attributes.reversal_bulk_payment is None


def check_payment_link(result: Any) -> None:
    assert isinstance(result, PaymentLinkResult)
    attributes = result.data.attributes
    assert attributes.amount == Decimal("5400")
    assert attributes.till_number == "000123"
    link = attributes.payment_link
    assert link.status == "Paid"
    assert link.transaction_reference == "RBK3N5Q7S9"
    assert link.sender_phone_number == "254798000222"
    assert link.payment_link_status is None
    assert link.initiator_name is None


def check_payment_link_active(result: Any) -> None:
    assert isinstance(result, PaymentLinkResult)
    link = result.data.attributes.payment_link
    assert link.payment_link_status == "Active"
    assert link.initiator_name == "Amina Yusuf"
    assert link.status is None
    assert link.sender_phone_number is None
    assert link.expires_at == datetime(2024, 10, 4, 11, 11, 11, 200000, tzinfo=EAT)


def check_polling(result: Any) -> None:
    assert isinstance(result, PollingResult)
    attributes = result.data.attributes
    assert attributes.scope == "Company"
    assert attributes.scope_reference is None
    assert attributes.from_time == datetime(2024, 9, 1, tzinfo=EAT)
    assert attributes.transactions is not None
    buygoods, b2b = attributes.transactions
    assert buygoods.type == "Buygoods Transaction"
    assert buygoods.resource.amount == Decimal("1500.50")
    assert buygoods.resource.sender_last_name == "Mutua"
    assert b2b.resource.sending_till == "009876"
    assert b2b.resource.till_number == "000123"


def check_unknown(kind: str, status: str) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert isinstance(result, UnknownResult)
        assert result.data.type == kind
        assert result.data.id is not None
        assert result.data.attributes is not None
        assert result.data.attributes["status"] == status
        assert result.raw["data"]["type"] == kind

    return check


CONFORMANCE = {
    "incoming_payment.success.json": check_stk_success,
    "incoming_payment.failed.json": check_stk_failed,
    "incoming_payment.pending.json": check_stk_pending,
    "send_money.json": check_send_money,
    "send_money.scheduled.json": check_send_money_scheduled,
    "reversal.json": check_reversal,
    "reversal.scheduled.json": check_reversal_scheduled,
    "payment_link.json": check_payment_link,
    "payment_link.active.json": check_payment_link_active,
    "polling.json": check_polling,
    "merchant_bank_account.status.json": check_unknown("merchant_bank_account", "Approved"),
    "v1_payment.json": check_unknown("payment", "Sent"),
    "v1_settlement_transfer.json": check_unknown("settlement_transfer", "Transferred"),
}


def test_every_fixture_has_checks() -> None:
    assert {path.name for path in FIXTURES.glob("*.json")} == set(CONFORMANCE)


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_fixture_pretty_printed(name: str) -> None:
    body = fixture_bytes(name)
    assert b"\n  " in body

    CONFORMANCE[name](parse(body))


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_fixture_compact(name: str) -> None:
    CONFORMANCE[name](parse(compact(fixture_bytes(name))))


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_status_query_decodes_unverified(name: str) -> None:
    body = fixture_bytes(name)

    assert decode_result_unverified(body) == parse(body)


def test_v1_result_keeps_raw_fields() -> None:
    result = parse(fixture_bytes("v1_payment.json"))

    assert result.raw == json.loads(fixture_bytes("v1_payment.json"))
    assert result.data.attributes["amount"] == {"currency": "KES", "value": "20000"}


def test_wrong_signature_never_decodes() -> None:
    with pytest.raises(SignatureMismatchError):
        parse_result(b"{not json", sign(b"{}", API_KEY), API_KEY)


def test_oversize_rejected_before_signature() -> None:
    body = fixture_bytes("polling.json")

    with pytest.raises(PayloadTooLargeError):
        parse_result(body, None, API_KEY, max_body_size=len(body) - 1)


def _with_attributes(name: str, **changes: Any) -> bytes:
    document = json.loads(fixture_bytes(name))
    document["data"]["attributes"].update(changes)
    return json.dumps(document).encode()


def test_missing_data_is_payload_error() -> None:
    with pytest.raises(PayloadError) as caught:
        parse(b'{"result": {}}')

    assert caught.value.path == "$.data"


@pytest.mark.parametrize("field", ["id", "attributes"])
def test_missing_data_field_names_path(field: str) -> None:
    document = json.loads(fixture_bytes("reversal.json"))
    del document["data"][field]

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == f"$.data.{field}"


def test_missing_status_names_path() -> None:
    document = json.loads(fixture_bytes("send_money.json"))
    del document["data"]["attributes"]["status"]

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.data.attributes.status"


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-inf", ""])
def test_invalid_bulk_payment_amount(raw: str) -> None:
    body = _with_attributes(
        "reversal.json",
        reversal_bulk_payment={"amount": raw, "status": "Transferred"},
    )

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert caught.value.path == "$.data.attributes.reversal_bulk_payment.amount"


def test_invalid_payment_link_amount() -> None:
    with pytest.raises(PayloadError) as caught:
        parse(_with_attributes("payment_link.json", amount="NaN"))

    assert caught.value.path == "$.data.attributes.amount"


def test_invalid_stk_amount_path() -> None:
    document = json.loads(fixture_bytes("incoming_payment.success.json"))
    document["data"]["attributes"]["event"]["resource"]["amount"] = "Infinity"

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.data.attributes.event.resource.amount"


def test_unknown_type_without_attributes_keeps_raw() -> None:
    body = b'{"data": {"type": "settlement_transfer", "id": "s-1"}, "meta": [1]}'

    result = parse(body)

    assert isinstance(result, UnknownResult)
    assert result.data.attributes is None
    assert result.raw["meta"] == [1]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b'{"data": {"type": 5, "id": "x"}}', "$.data.type"),
        (b'{"data": {"id": "x"}}', "$.data.type"),
        (b'{"data": []}', "$.data"),
        (b'{"data": null}', "$.data"),
        (b"[]", "$"),
        (b'{"data": {"type": "payment", "id": 7}}', "$.data.id"),
    ],
)
def test_malformed_envelopes(body: bytes, path: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert caught.value.path == path


def test_known_type_with_bad_field_is_not_unknown() -> None:
    with pytest.raises(PayloadError) as caught:
        parse(_with_attributes("polling.json", transactions="none"))

    assert caught.value.path == "$.data.attributes.transactions"


def test_payment_link_phone_number_string_kept() -> None:
    document = json.loads(fixture_bytes("payment_link.json"))
    document["data"]["attributes"]["payment_link"]["sender_phone_number"] = "+254798000222"

    result = parse(json.dumps(document).encode())

    assert result.data.attributes.payment_link.sender_phone_number == "+254798000222"


def test_parsed_result_converts_to_dict_and_tuple() -> None:
    result = parse(fixture_bytes("send_money.json"))

    builtins = msgspec.to_builtins(result)
    data = msgspec.structs.asdict(result.data)
    values = msgspec.structs.astuple(result.data.attributes)

    assert builtins["data"]["type"] == "send_money"
    assert builtins["data"]["attributes"]["transfer_batches"][0]["amount"] == "1234.50"
    assert builtins["data"]["attributes"]["_links"]["self"].endswith(result.data.id)
    assert data["id"] == result.data.id
    assert values[0] == "Processed"


def test_result_types_cover_every_struct() -> None:
    assert results_module.RESULT_TYPES == {
        "incoming_payment",
        "send_money",
        "reversal",
        "reversals",
        "payment_link",
        "polling",
    }


def test_public_names_exported_from_k2core() -> None:
    missing = [name for name in results_module.__all__ if name not in k2core.__all__]

    assert missing == []
    for name in results_module.__all__:
        assert getattr(k2core, name) is getattr(results_module, name)


def test_unknown_type_with_invalid_utf8() -> None:
    body = b'{"data": {"type": "payment", "id": "p-1", "attributes": {"note": "\xff"}}}'

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert "UTF-8" in str(caught.value)


def _with_metadata(metadata_json: bytes) -> bytes:
    document = json.loads(fixture_bytes("incoming_payment.success.json"))
    document["data"]["attributes"]["metadata"] = "METADATA"
    return json.dumps(document).encode().replace(b'"METADATA"', metadata_json)


def test_nested_metadata_within_limit_kept() -> None:
    limit = k2core.MAX_NESTING_DEPTH
    # The body itself nests 3 levels down to `metadata`, which adds 1 for its own object.
    inner = b"[" * (limit - 4) + b"]" * (limit - 4)
    body = _with_metadata(b'{"order": ' + inner + b"}")

    result = parse(body)

    assert isinstance(result, IncomingPaymentResult)
    assert isinstance(result.data.attributes.metadata["order"], list)


def test_metadata_deeper_than_limit_rejected() -> None:
    limit = k2core.MAX_NESTING_DEPTH
    inner = b"[" * limit + b"]" * limit
    body = _with_metadata(b'{"order": ' + inner + b"}")

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert f"the limit is {limit}" in str(caught.value)


def test_deep_nesting_in_ignored_result_field_rejected() -> None:
    document = json.loads(fixture_bytes("send_money.json"))
    document["data"]["attributes"]["extension"] = "NESTED"
    depth = 100_000
    body = json.dumps(document).encode().replace(b'"NESTED"', b"[" * depth + b"]" * depth)

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert "deeper than the decoder's recursion limit" in str(caught.value)


def test_unknown_result_type_deeper_than_limit_rejected() -> None:
    limit = k2core.MAX_NESTING_DEPTH
    nested = "[" * limit + "]" * limit
    body = (
        '{"data": {"id": "x", "type": "loyalty", "attributes": {"v": ' + nested + "}}}"
    ).encode()

    with pytest.raises(PayloadError):
        parse(body)
