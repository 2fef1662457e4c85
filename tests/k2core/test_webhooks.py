"""Verifying and decoding webhook events: every topic, the Daraja payload, and bad input."""

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
    B2bTransactionReceived,
    B2bTransactionReversed,
    BankAccountDestination,
    BuygoodsTransactionReceived,
    BuygoodsTransactionReversed,
    CardTransactionReceived,
    CardTransactionReversed,
    CardTransactionVoided,
    CustomerCreated,
    DarajaWebhook,
    MobileWalletDestination,
    PayloadError,
    PayloadTooLargeError,
    SettlementTransferCompleted,
    SignatureMismatchError,
    UnknownWebhook,
    decode_webhook_unverified,
    parse_webhook,
    sign,
)
from k2core import webhooks as webhooks_module

FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"
API_KEY = "whk-test-api-key-21"
CLIENT_SECRET = "whk-test-client-secret-77"
EAT = timezone(timedelta(hours=3))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def compact(body: bytes) -> bytes:
    """The same document without whitespace, as some senders emit it."""
    document = json.loads(body)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def parse(body: bytes) -> Any:
    return parse_webhook(body, sign(body, API_KEY), API_KEY)


def check_buygoods_received(event: Any) -> None:
    assert isinstance(event, BuygoodsTransactionReceived)
    assert event.topic == "buygoods_transaction_received"
    assert event.id == "0e4a6c8e-2f3a-4b5c-9d6e-7f8091a2b3c4"
    assert event.created_at == datetime(2024, 7, 19, 18, 4, 12, tzinfo=EAT)
    resource = event.event.resource
    assert event.event.type == "Buygoods Transaction"
    assert resource.amount == Decimal("2750.75")
    assert str(resource.amount) == "2750.75"
    assert resource.till_number == "K204060"
    assert resource.reference == "RBA4D6F8H0"
    assert resource.sender_phone_number == "+254798000222"
    assert resource.hashed_sender_phone == "3c" * 32
    assert resource.sender_first_name == "Zoë"
    assert resource.sender_middle_name is None
    assert event.links.resource_url is not None
    assert event.links.resource_url.endswith(resource.id)


def check_buygoods_reversed(event: Any) -> None:
    assert isinstance(event, BuygoodsTransactionReversed)
    resource = event.event.resource
    assert resource.status == "Reversed"
    assert str(resource.amount) == "0.10"
    assert resource.hashed_sender_phone is None
    assert resource.sender_middle_name == ""
    assert resource.system == "Lipa Na Mpesa"


def check_b2b_received(event: Any) -> None:
    assert isinstance(event, B2bTransactionReceived)
    resource = event.event.resource
    assert event.event.type == "External Till to Till Transaction"
    assert resource.amount == Decimal("100")
    assert resource.till_number == "000123"
    assert resource.sending_till == "009876"
    assert resource.status == "Complete"


def check_b2b_reversed(event: Any) -> None:
    assert isinstance(event, B2bTransactionReversed)
    assert event.event.resource.status == "Reversed"
    assert event.event.resource.system == "M-PESA"
    assert event.event.resource.reference == "RBC6F8H0K2"


def check_card(cls: type[Any], status: str, settled: bool | None) -> Callable[[Any], None]:
    def check(event: Any) -> None:
        assert isinstance(event, cls)
        resource = event.event.resource
        assert resource.status == status
        assert resource.settled is settled
        assert resource.amount == Decimal("15000.00")
        assert resource.customer_cc_number == "510510******5100"
        assert resource.till_number == "204060"

    return check


def check_customer_created(event: Any) -> None:
    assert isinstance(event, CustomerCreated)
    customer = event.event.resource
    assert customer.first_name == "Baraka"
    assert customer.middle_name is None
    assert customer.phone_number == "+254700111999"
    assert event.links.resource_url is not None
    user_id = "b6c51ef9-6d7e-4f80-9102-0d1e2f3a4b56"
    assert event.links.resource_url.endswith(f"/mobile_money_user/{user_id}")


def check_settlement_bank(event: Any) -> None:
    assert isinstance(event, SettlementTransferCompleted)
    transfer = event.event.resource
    assert transfer.amount == Decimal("125000.50")
    assert isinstance(transfer.destination, BankAccountDestination)
    assert transfer.destination.resource.account_number == "0700123456"
    assert transfer.destination.resource.settlement_method == "EFT"
    assert [d.amount for d in transfer.disbursements] == [Decimal("100000.50"), Decimal("25000.0")]
    assert transfer.disbursements[0].transaction_reference is None
    assert transfer.disbursements[1].transaction_reference == "FT24218XQ"
    assert transfer.disbursements[0].origination_time == datetime(
        2024, 8, 5, 6, 28, 41, 402000, tzinfo=EAT
    )


def check_settlement_wallet(event: Any) -> None:
    assert isinstance(event, SettlementTransferCompleted)
    destination = event.event.resource.destination
    assert isinstance(destination, MobileWalletDestination)
    assert destination.resource.phone_number == "+254700111999"
    assert destination.resource.network == "Safaricom"
    assert event.event.resource.disbursements[0].transaction_reference == "RBD7G9J1L3"


def check_m2m(event: Any) -> None:
    assert isinstance(event, UnknownWebhook)
    assert event.topic == "m2m_transaction_received"
    assert event.raw["event"]["resource"]["sending_merchant"] == "Pwani Fresh Ltd"
    assert event.raw["event"]["resource"]["amount"] == "999.99"
    batch_id = "12cb7e5f-2334-45e6-9768-6d7e8f900112"
    assert event.raw["_links"]["resource"].endswith(f"/payment_batches/{batch_id}")


def check_daraja_buygoods(event: Any) -> None:
    assert isinstance(event, DarajaWebhook)
    assert event.transaction_type == "Buygoods"
    assert event.trans_id == "RBE8H0K2M4"
    assert event.trans_amount == Decimal("1500.50")
    assert event.business_short_code == "204060"
    assert event.third_party_trans_id == ""
    assert event.third_party_trans_id_alt is None
    assert event.org_account_balance == ""
    assert event.account_balance is None
    assert event.first_name == "Zoë"
    assert event.last_name is None
    assert event.trans_time == "20240806235959"
    assert event.transaction_time == datetime(2024, 8, 6, 23, 59, 59, tzinfo=EAT)
    assert event.transaction_time == datetime(2024, 8, 6, 20, 59, 59, tzinfo=timezone.utc)


def check_daraja_b2b(event: Any) -> None:
    assert isinstance(event, DarajaWebhook)
    assert event.transaction_type == "Business Payment"
    assert event.trans_amount == Decimal("250")
    assert event.third_party_trans_id == "TP-20240101-7"
    assert event.third_party_trans_id_alt == "TP-20240101-7"
    assert event.org_account_balance == "48210.00"
    assert event.account_balance == Decimal("48210.00")
    assert event.bill_ref_number == "INV-88"
    assert event.transaction_time.utcoffset() == timedelta(hours=3)


CONFORMANCE = {
    "buygoods_transaction_received.json": check_buygoods_received,
    "buygoods_transaction_reversed.json": check_buygoods_reversed,
    "b2b_transaction_received.json": check_b2b_received,
    "b2b_transaction_reversed.json": check_b2b_reversed,
    "card_transaction_received.json": check_card(CardTransactionReceived, "Received", True),
    "card_transaction_voided.json": check_card(CardTransactionVoided, "Voided", None),
    "card_transaction_reversed.json": check_card(CardTransactionReversed, "Reversed", None),
    "customer_created.json": check_customer_created,
    "settlement_transfer_completed.bank_account.json": check_settlement_bank,
    "settlement_transfer_completed.mobile_wallet.json": check_settlement_wallet,
    "m2m_transaction_received.json": check_m2m,
    "daraja.buygoods.json": check_daraja_buygoods,
    "daraja.b2b.json": check_daraja_b2b,
}


def test_every_fixture_has_checks() -> None:
    names = {path.name for path in FIXTURES.glob("*.json")}

    assert names - {"buygoods_transaction_received.escaped.json"} == set(CONFORMANCE)


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_fixture_pretty_printed(name: str) -> None:
    body = fixture_bytes(name)
    assert b"\n  " in body

    CONFORMANCE[name](parse(body))


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_fixture_compact(name: str) -> None:
    body = compact(fixture_bytes(name))
    assert b"\n" not in body

    CONFORMANCE[name](parse(body))


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_fixture_unverified_matches_verified(name: str) -> None:
    body = fixture_bytes(name)

    assert decode_webhook_unverified(body) == parse(body)


def test_escaped_body_verifies_as_received() -> None:
    body = fixture_bytes("buygoods_transaction_received.escaped.json")
    assert b"https:\\/\\/" in body
    assert b"\\u0026" in body
    assert b'", "' in body

    event = parse(body)

    assert isinstance(event, BuygoodsTransactionReceived)
    resource = event.event.resource
    assert resource.sender_first_name == "Jörg & Søren"
    assert resource.sender_last_name == "Ng\u2019ang\u2019a \u2013 Ōtieno"
    assert event.links.self_url.startswith("https://sandbox.kopokopo.com/webhook_events/")
    assert resource.amount == Decimal("845")
    assert event.created_at == datetime(2024, 10, 1, 20, 15, tzinfo=timezone.utc)
    assert resource.origination_time == datetime(2024, 10, 1, 23, 14, 58, 500000, tzinfo=EAT)


def test_escaped_body_rejects_unescaped_signature() -> None:
    body = fixture_bytes("buygoods_transaction_received.escaped.json")
    unescaped = json.dumps(json.loads(body), ensure_ascii=False).encode()

    with pytest.raises(SignatureMismatchError):
        parse_webhook(body, sign(unescaped, API_KEY), API_KEY)


def test_signed_with_client_secret_rejected() -> None:
    body = fixture_bytes("buygoods_transaction_received.json")

    with pytest.raises(SignatureMismatchError):
        parse_webhook(body, sign(body, CLIENT_SECRET), API_KEY)


def test_rotated_keys_accepted() -> None:
    body = fixture_bytes("customer_created.json")

    event = parse_webhook(body, sign(body, "new-key"), ["old-key", "new-key"])

    assert isinstance(event, CustomerCreated)


def test_wrong_signature_never_decodes() -> None:
    body = b'{"topic": not json'

    with pytest.raises(SignatureMismatchError):
        parse_webhook(body, sign(b"{}", API_KEY), API_KEY)
    with pytest.raises(k2core.MissingSignatureError):
        parse_webhook(body, None, API_KEY)


def test_wrong_signature_skips_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    monkeypatch.setattr(webhooks_module, "decode_webhook_unverified", calls.append)
    body = fixture_bytes("customer_created.json")

    with pytest.raises(SignatureMismatchError):
        webhooks_module.parse_webhook(body, sign(body, "other"), API_KEY)

    assert calls == []


def test_oversize_rejected_before_signature() -> None:
    body = b'{"topic":"x","pad":"' + b"a" * 2000 + b'"}'

    with pytest.raises(PayloadTooLargeError) as caught:
        parse_webhook(body, "not even a signature", API_KEY, max_body_size=1000)

    assert caught.value.size == len(body)
    assert caught.value.limit == 1000
    assert isinstance(caught.value, PayloadError)


def test_default_size_limit_is_one_mebibyte() -> None:
    assert k2core.DEFAULT_MAX_BODY_SIZE == 1_048_576
    body = b'{"topic":"x","pad":"' + b"a" * k2core.DEFAULT_MAX_BODY_SIZE + b'"}'

    with pytest.raises(PayloadTooLargeError):
        parse_webhook(body, sign(body, API_KEY), API_KEY)


def test_body_at_size_limit_accepted() -> None:
    body = fixture_bytes("customer_created.json")

    event = parse_webhook(body, sign(body, API_KEY), API_KEY, max_body_size=len(body))

    assert isinstance(event, CustomerCreated)


def test_deeply_nested_body_is_payload_error() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    assert len(body) == 200_000

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert caught.value.path == "$"


def test_deep_nesting_in_ignored_field_is_payload_error() -> None:
    document = json.loads(fixture_bytes("buygoods_transaction_received.json"))
    document["event"]["extension"] = "NESTED"
    depth = 100_000
    body = json.dumps(document).encode().replace(b'"NESTED"', b"[" * depth + b"]" * depth)
    assert len(body) > 200_000

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert caught.value.path == "$"
    assert "deeper than the decoder's recursion limit" in str(caught.value)


def test_shallow_nesting_in_ignored_field_is_skipped() -> None:
    document = json.loads(fixture_bytes("buygoods_transaction_received.json"))
    document["event"]["extension"] = "NESTED"
    limit = k2core.MAX_NESTING_DEPTH
    nested = b"[" * (limit + 5) + b"]" * (limit + 5)
    body = json.dumps(document).encode().replace(b'"NESTED"', nested)

    event = parse(body)

    assert isinstance(event, BuygoodsTransactionReceived)


def test_deep_unclosed_brackets_are_payload_error() -> None:
    body = b'{"topic":"x","a":' + b"[" * 200_000

    with pytest.raises(PayloadError):
        parse(body)


def test_brackets_inside_strings_do_not_count() -> None:
    note = "[" * 500 + "{" * 500 + 'a quoted " [[[ and a backslash \\ [[['
    body = json.dumps({"topic": "note_created", "text": note}).encode()
    assert b'\\"' in body

    event = parse(body)

    assert isinstance(event, UnknownWebhook)
    assert event.raw["text"].startswith("[[[[")


def test_nesting_at_limit_accepted() -> None:
    limit = k2core.MAX_NESTING_DEPTH
    nested = "[" * (limit - 1) + "]" * (limit - 1)
    body = ('{"topic":"nested","value":' + nested + "}").encode()

    assert isinstance(parse(body), UnknownWebhook)
    deeper = body.replace(b":[", b":[[").replace(b"]}", b"]]}")
    with pytest.raises(PayloadError):
        parse(deeper)


def test_unknown_topic_keeps_raw_fields() -> None:
    document = {
        "topic": "loyalty_points_awarded",
        "id": "aa-1",
        "event": {"type": "Points", "resource": {"points": 40, "tier": None}},
        "extra": [1, "two", {"three": 3.5}],
    }
    body = json.dumps(document).encode()

    event = parse(body)

    assert event == UnknownWebhook(topic="loyalty_points_awarded", raw=document)


def test_unknown_extra_fields_ignored() -> None:
    document = json.loads(fixture_bytes("buygoods_transaction_received.json"))
    document["new_envelope_field"] = {"nested": [1, 2]}
    document["event"]["resource"]["loyalty_tier"] = "gold"

    event = parse(json.dumps(document).encode())

    check_buygoods_received(event)


def _with_resource(name: str, **changes: Any) -> bytes:
    document = json.loads(fixture_bytes(name))
    for key, value in changes.items():
        if value is _REMOVE:
            del document["event"]["resource"][key]
        else:
            document["event"]["resource"][key] = value
    return json.dumps(document).encode()


_REMOVE = object()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1500.50", "1500.50"), ("0.10", "0.10"), ("100", "100"), (1500.5, "1500.5"), (7, "7")],
)
def test_amounts_are_exact_decimals(raw: object, expected: str) -> None:
    event = parse(_with_resource("buygoods_transaction_received.json", amount=raw))

    amount = event.event.resource.amount
    assert isinstance(amount, Decimal)
    assert str(amount) == expected


@pytest.mark.parametrize("raw", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "", "abc"])
def test_invalid_amount_names_path(raw: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse(_with_resource("buygoods_transaction_received.json", amount=raw))

    assert caught.value.path == "$.event.resource.amount"
    assert "$.event.resource.amount" in str(caught.value)


def test_non_finite_disbursement_names_path() -> None:
    document = json.loads(fixture_bytes("settlement_transfer_completed.bank_account.json"))
    document["event"]["resource"]["disbursements"][1]["amount"] = "Infinity"

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.event.resource.disbursements[1].amount"


def test_missing_optional_field_is_none() -> None:
    body = _with_resource(
        "buygoods_transaction_received.json",
        hashed_sender_phone=_REMOVE,
        sender_middle_name=_REMOVE,
        system=_REMOVE,
    )

    resource = parse(body).event.resource

    assert resource.hashed_sender_phone is None
    assert resource.sender_middle_name is None
    assert resource.system is None


@pytest.mark.parametrize("field", ["id", "created_at", "event", "_links"])
def test_missing_envelope_field_names_path(field: str) -> None:
    document = json.loads(fixture_bytes("b2b_transaction_received.json"))
    del document[field]

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == f"$.{field}"


@pytest.mark.parametrize("field", ["amount", "reference", "till_number", "origination_time"])
def test_missing_resource_field_names_path(field: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse(_with_resource("b2b_transaction_received.json", **{field: _REMOVE}))

    assert caught.value.path == f"$.event.resource.{field}"


def test_till_number_must_stay_string() -> None:
    with pytest.raises(PayloadError) as caught:
        parse(_with_resource("b2b_transaction_received.json", till_number=123))

    assert caught.value.path == "$.event.resource.till_number"


def test_naive_timestamp_rejected() -> None:
    with pytest.raises(PayloadError) as caught:
        naive = "2024-07-21T09:15:30"
        parse(_with_resource("b2b_transaction_received.json", origination_time=naive))

    assert caught.value.path == "$.event.resource.origination_time"


def test_unknown_settlement_destination_type() -> None:
    document = json.loads(fixture_bytes("settlement_transfer_completed.bank_account.json"))
    document["event"]["resource"]["destination"]["type"] = "Crypto Wallet"

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.event.resource.destination.type"


def test_daraja_both_third_party_spellings() -> None:
    document = json.loads(fixture_bytes("daraja.buygoods.json"))
    document["ThirdPartyTransId"] = "TP-ID"
    lower = parse(json.dumps(document).encode())
    del document["ThirdPartyTransId"]
    document["ThirdPartyTransID"] = "TP-ID"
    upper = parse(json.dumps(document).encode())

    assert lower.third_party_trans_id == "TP-ID"
    assert upper.third_party_trans_id == "TP-ID"
    assert upper.third_party_trans_id_alt == "TP-ID"


@pytest.mark.parametrize(
    "raw", ["2024080623595", "20241306235959", "2024-08-06 23:5", "20240230120000"]
)
def test_daraja_invalid_trans_time(raw: str) -> None:
    document = json.loads(fixture_bytes("daraja.buygoods.json"))
    document["TransTime"] = raw

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.TransTime"


def test_daraja_nan_amount() -> None:
    document = json.loads(fixture_bytes("daraja.b2b.json"))
    document["TransAmount"] = "NaN"

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.TransAmount"


def test_daraja_missing_required_field() -> None:
    document = json.loads(fixture_bytes("daraja.b2b.json"))
    del document["TransID"]

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.TransID"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b"{}", "$.topic"),
        (b"[]", "$"),
        (b'"text"', "$"),
        (b'{"topic": 7}', "$.topic"),
        (b'{"topic": null}', "$.topic"),
        (b"not json", None),
        (b"", None),
        (b'{"topic": "customer_created"', None),
        (b'\xff\xfe{"topic": 1}', None),
    ],
)
def test_malformed_bodies_are_payload_errors(body: bytes, path: str | None) -> None:
    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert caught.value.path == path


def test_body_must_be_bytes() -> None:
    with pytest.raises(TypeError):
        parse_webhook("{}", sign(b"{}", API_KEY), API_KEY)  # type: ignore[arg-type]


def test_parsed_event_converts_to_dict_and_tuple() -> None:
    event = parse(fixture_bytes("buygoods_transaction_received.json"))

    builtins = msgspec.to_builtins(event)
    fields = msgspec.structs.asdict(event)
    values = msgspec.structs.astuple(event)

    assert builtins["topic"] == "buygoods_transaction_received"
    assert builtins["event"]["resource"]["amount"] == "2750.75"
    assert builtins["_links"]["self"] == event.links.self_url
    assert fields["id"] == event.id
    assert fields["event"] is event.event
    assert values == (event.id, event.created_at, event.links, event.event)


def test_topics_cover_every_struct() -> None:
    assert webhooks_module.WEBHOOK_TOPICS == {
        "buygoods_transaction_received",
        "buygoods_transaction_reversed",
        "b2b_transaction_received",
        "b2b_transaction_reversed",
        "card_transaction_received",
        "card_transaction_voided",
        "card_transaction_reversed",
        "customer_created",
        "settlement_transfer_completed",
    }


def test_public_names_exported_from_k2core() -> None:
    missing = [name for name in webhooks_module.__all__ if name not in k2core.__all__]

    assert missing == []
    for name in webhooks_module.__all__:
        assert getattr(k2core, name) is getattr(webhooks_module, name)


def test_unknown_topic_with_invalid_utf8() -> None:
    body = b'{"topic": "loyalty_points_awarded", "note": "\xff\xfe"}'

    with pytest.raises(PayloadError) as caught:
        parse(body)

    assert caught.value.path is None
    assert "UTF-8" in str(caught.value)


def test_readme_webhook_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Receiving webhooks and result callbacks", 1)[1].split("\n## ")[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}

    exec(compile(code, "README.md", "exec"), namespace)

    assert capsys.readouterr().out == "QKX7R2M9PL 1500.50 K555123\n"
    assert namespace["as_dict"]["event"]["resource"]["amount"] == "1500.50"
    assert namespace["fields"]["id"] == namespace["event"].id
    assert namespace["values"][0] == namespace["event"].id


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "1,000.00"])
def test_daraja_invalid_account_balance(raw: str) -> None:
    document = json.loads(fixture_bytes("daraja.b2b.json"))
    document["OrgAccountBalance"] = raw

    with pytest.raises(PayloadError) as caught:
        parse(json.dumps(document).encode())

    assert caught.value.path == "$.OrgAccountBalance"
