"""The test kit in `k2core.testing`: signed samples, strategies and encoding."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

import k2core
from k2core import (
    DarajaWebhook,
    PaymentLinkResult,
    SettlementTransferCompleted,
    UnknownWebhook,
    find_signature,
    parse_result,
    parse_webhook,
    verify_signature,
)
from k2core.testing import (
    RESULT_KINDS,
    SAMPLE_KINDS,
    WEBHOOK_KINDS,
    SignedSample,
    results,
    sample_document,
    signed_sample,
    webhooks,
)

API_KEY = "kit-test-api-key"


def test_sample_kinds_cover_every_shape() -> None:
    required = {
        "buygoods_transaction_received",
        "buygoods_transaction_reversed",
        "b2b_transaction_received",
        "b2b_transaction_reversed",
        "card_transaction_received",
        "card_transaction_voided",
        "card_transaction_reversed",
        "customer_created",
        "settlement_transfer_completed_bank_account",
        "settlement_transfer_completed_mobile_wallet",
        "daraja_buygoods",
        "daraja_b2b",
        "m2m_transaction_received",
        "incoming_payment_success",
        "incoming_payment_failed",
        "send_money",
        "reversal",
        "payment_link",
        "polling",
    }

    assert required <= set(SAMPLE_KINDS)
    assert set(WEBHOOK_KINDS) | set(RESULT_KINDS) == set(SAMPLE_KINDS)
    assert not set(WEBHOOK_KINDS) & set(RESULT_KINDS)


@pytest.mark.parametrize("kind", SAMPLE_KINDS)
def test_signed_sample_headers_and_signature(kind: str) -> None:
    sample = signed_sample(kind, API_KEY)

    assert isinstance(sample, SignedSample)
    assert sample.kind == kind
    assert sample.headers["Content-Type"] == "application/json"
    assert sample.headers["X-KopoKopo-Signature"] == sample.signature
    assert find_signature(sample.headers) == sample.signature
    verify_signature(sample.body, sample.signature, API_KEY)
    assert json.loads(sample.body) == sample_document(kind)


@pytest.mark.parametrize("kind", WEBHOOK_KINDS)
def test_webhook_samples_parse(kind: str) -> None:
    sample = signed_sample(kind, API_KEY)

    event = parse_webhook(sample.body, sample.signature, API_KEY)

    if kind.startswith("daraja"):
        assert isinstance(event, DarajaWebhook)
    elif kind == "m2m_transaction_received":
        assert isinstance(event, UnknownWebhook)
    else:
        assert not isinstance(event, (DarajaWebhook, UnknownWebhook))
        assert event.topic == sample_document(kind)["topic"]


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_result_samples_parse(kind: str) -> None:
    sample = signed_sample(kind, API_KEY)

    result = parse_result(sample.body, sample.signature, API_KEY)

    assert result.data.type == sample_document(kind)["data"]["type"]
    assert result.data.attributes is not None


def test_sample_failed_stk_result() -> None:
    sample = signed_sample("incoming_payment_failed", API_KEY)

    result = parse_result(sample.body, sample.signature, API_KEY)

    assert isinstance(result, k2core.IncomingPaymentResult)
    assert result.data.attributes.status == "Failed"
    assert result.data.attributes.event.resource is None
    assert isinstance(result.data.attributes.event.errors, str)


def test_settlement_samples_have_both_destinations() -> None:
    bank = signed_sample("settlement_transfer_completed_bank_account", API_KEY)
    wallet = signed_sample("settlement_transfer_completed_mobile_wallet", API_KEY)

    bank_event = parse_webhook(bank.body, bank.signature, API_KEY)
    wallet_event = parse_webhook(wallet.body, wallet.signature, API_KEY)

    assert isinstance(bank_event, SettlementTransferCompleted)
    assert isinstance(wallet_event, SettlementTransferCompleted)
    assert isinstance(bank_event.event.resource.destination, k2core.BankAccountDestination)
    assert isinstance(wallet_event.event.resource.destination, k2core.MobileWalletDestination)


def test_overrides_merge_into_nested_objects() -> None:
    sample = signed_sample(
        "buygoods_transaction_received",
        API_KEY,
        id="override-1",
        event={"resource": {"amount": "250.00", "sender_middle_name": "Akinyi"}},
    )

    event = parse_webhook(sample.body, sample.signature, API_KEY)

    assert event.id == "override-1"
    assert event.event.resource.amount == Decimal("250.00")
    assert event.event.resource.sender_middle_name == "Akinyi"
    assert event.event.resource.till_number == "K555123"


def test_override_none_sends_null() -> None:
    sample = signed_sample("payment_link", API_KEY, data={"attributes": {"metadata": None}})

    result = parse_result(sample.body, sample.signature, API_KEY)

    assert isinstance(result, PaymentLinkResult)
    assert result.data.attributes.metadata is None
    assert b'"metadata":null' in sample.body


def test_samples_are_independent_copies() -> None:
    first = sample_document("polling")
    first["data"]["attributes"]["transactions"].clear()

    assert sample_document("polling")["data"]["attributes"]["transactions"]


def test_unknown_kind_lists_known_kinds() -> None:
    with pytest.raises(ValueError, match="buygoods_transaction_received"):
        signed_sample("no_such_event", API_KEY)


def test_signed_sample_repr_hides_signature() -> None:
    sample = signed_sample("customer_created", API_KEY)

    assert sample.signature not in repr(sample)
    assert "customer_created" in repr(sample)


def test_unknown_strategy_names_rejected() -> None:
    with pytest.raises(ValueError, match="buygoods_transaction_received"):
        webhooks("no_such_topic")
    with pytest.raises(ValueError, match="incoming_payment"):
        results("no_such_result")


def test_import_needs_no_hypothesis() -> None:
    code = (
        "import sys\n"
        "import k2core, k2core.testing\n"
        "k2core.testing.signed_sample('customer_created', 'key')\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis was imported'\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr
