"""Golden requests: the exact method, URL, headers and body bytes of every operation.

Each case builds one operation from fixed parameters and compares its request with
`tests/golden/<case>.json`. After an intended change to a request, rewrite the files with
`K2_UPDATE_GOLDEN=1 python -m pytest tests/k2core/test_operations_golden.py` and review the
diff line by line before committing it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from k2core import (
    BaseUrl,
    Operation,
    external_recipients,
    incoming_payments,
    payment_links,
    polling,
    reversals,
    send_money,
    tokens,
    transfer_accounts,
    webhook_subscriptions,
)

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
HOST = "https://sandbox.kopokopo.com"
BASE: str | BaseUrl = HOST
CALLBACK = "https://shop.example.com/k2/results"
EAT = timezone(timedelta(hours=3))


def _location(resource: str) -> str:
    return f"{HOST}/api/v2/{resource}/5b7e1c2a-33d1-4c4f-9d0b-8a1f2e3d4c5b"


CASES: dict[str, Callable[[], Operation[Any]]] = {
    "tokens.request_token": lambda: tokens.request_token(
        BASE, client_id="test-client-id", client_secret="test+secret/with=signs"
    ),
    "tokens.revoke_token": lambda: tokens.revoke_token(
        BASE, client_id="test-client-id", client_secret="test-secret", token="tok-123"
    ),
    "tokens.introspect_token": lambda: tokens.introspect_token(
        BASE, client_id="test-client-id", client_secret="test-secret", token="tok-123"
    ),
    "tokens.token_info": lambda: tokens.token_info(BASE),
    "webhook_subscriptions.create.till": lambda: webhook_subscriptions.create(
        BASE,
        event_type="buygoods_transaction_received",
        url="https://shop.example.com/k2/webhooks",
        scope="till",
        scope_reference="112233",
        enable_daraja_payload=True,
    ),
    "webhook_subscriptions.create.company": lambda: webhook_subscriptions.create(
        BASE,
        event_type="settlement_transfer_completed",
        url="https://shop.example.com/k2/webhooks",
        scope="company",
    ),
    "webhook_subscriptions.get": lambda: webhook_subscriptions.get(
        BASE, _location("webhook_subscriptions")
    ),
    "incoming_payments.create": lambda: incoming_payments.create(
        BASE,
        till_number="K112233",
        first_name="Wanjiru",
        last_name="Kamau",
        phone_number="0722 000 111",
        email="wanjiru@example.com",
        amount=Decimal("1250.50"),
        metadata={"order_id": "ORD-0042", "attempt": 1},
        callback_url=CALLBACK,
    ),
    "incoming_payments.get": lambda: incoming_payments.get(BASE, _location("incoming_payments")),
    "external_recipients.create.mobile_wallet": lambda: external_recipients.create(
        BASE,
        type="mobile_wallet",
        first_name="Otieno",
        last_name="Odhiambo",
        phone_number="254110222333",
        email="otieno@example.com",
        nickname="Otieno M-PESA",
    ),
    "external_recipients.create.bank_account": lambda: external_recipients.create(
        BASE,
        type="bank_account",
        account_name="Otieno Odhiambo",
        account_number="1234567890",
        bank_branch_ref="0b9c3f0e-1111-4222-8333-444455556666",
        settlement_method="RTS",
        nickname="Otieno bank",
    ),
    "external_recipients.create.till": lambda: external_recipients.create(
        BASE, type="till", till_name="Mama Mboga", till_number="445566"
    ),
    "external_recipients.create.paybill": lambda: external_recipients.create(
        BASE,
        type="paybill",
        paybill_name="Water Company",
        paybill_number="778899",
        paybill_account_number="METER-42",
        nickname="Water",
    ),
    "external_recipients.get": lambda: external_recipients.get(
        BASE, _location("external_recipients")
    ),
    "transfer_accounts.create.merchant_wallet": lambda: transfer_accounts.create(
        BASE,
        type="merchant_wallet",
        first_name="Achieng",
        last_name="Otieno",
        phone_number="+254 733 444 555",
        nickname="Float wallet",
    ),
    "transfer_accounts.create.merchant_bank_account": lambda: transfer_accounts.create(
        BASE,
        type="merchant_bank_account",
        account_name="Shop Ltd",
        account_number="0099887766",
        bank_branch_ref="0b9c3f0e-1111-4222-8333-444455556666",
        settlement_method="EFT",
    ),
    "transfer_accounts.get": lambda: transfer_accounts.get(BASE, _location("merchant_wallets")),
    "send_money.create.all_kinds": lambda: send_money.create(
        BASE,
        destinations=[
            send_money.MobileWallet(
                phone_number="0722000111",
                amount=500,
                description="Refund",
                nickname="Wanjiru",
                favourite=True,
            ),
            send_money.BankAccount(
                account_name="Otieno Odhiambo",
                account_number="1234567890",
                bank_branch_ref="0b9c3f0e-1111-4222-8333-444455556666",
                amount=Decimal("10000.00"),
                description="Supplier invoice 17",
            ),
            {"type": "till", "till_number": "445566", "amount": "75.5", "description": "Lunch"},
            send_money.Paybill(
                paybill_number="778899",
                paybill_account_number="METER-42",
                amount=1999,
                description="Water bill",
                favourite=False,
            ),
            send_money.MerchantWallet(reference="c0ffee00-0000-4000-8000-000000000001", amount=1),
            {
                "type": "merchant_bank_account",
                "reference": "c0ffee00-0000-4000-8000-000000000002",
                "amount": Decimal("250000"),
                "description": "Weekly settlement",
            },
        ],
        source_identifier="shop-1",
        metadata={"batch": "2026-12-04"},
        callback_url=CALLBACK,
    ),
    "send_money.create.sweep": lambda: send_money.create(BASE, callback_url=CALLBACK),
    "send_money.get": lambda: send_money.get(BASE, _location("send_money")),
    "polling.create.till": lambda: polling.create(
        BASE,
        scope="till",
        scope_reference="112233",
        from_time=datetime(2026, 11, 1, 0, 0, tzinfo=EAT),
        to_time="2026-11-02T00:00:00Z",
        callback_url=CALLBACK,
    ),
    "polling.create.company": lambda: polling.create(
        BASE,
        scope="company",
        from_time="2026-11-01T08:30:00+03:00",
        to_time=datetime(2026, 11, 1, 18, 0, 5, tzinfo=EAT),
        callback_url=CALLBACK,
    ),
    "polling.get": lambda: polling.get(BASE, _location("polling")),
    "reversals.create": lambda: reversals.create(
        BASE,
        transaction_reference="QWE1234567",
        reason="Customer paid twice",
        metadata={"ticket": "T-9"},
        callback_url=CALLBACK,
    ),
    "reversals.get": lambda: reversals.get(BASE, _location("reversals")),
    "payment_links.create": lambda: payment_links.create(
        BASE,
        till_number="445566",
        amount="3500",
        payment_reference="INV-2026-0042",
        note="Invoice 42",
        callback_url=CALLBACK,
    ),
    "payment_links.cancel": lambda: payment_links.cancel(BASE, _location("payment_links")),
    "payment_links.get": lambda: payment_links.get(BASE, _location("payment_links")),
}


def describe(operation: Operation[Any]) -> dict[str, Any]:
    request = operation.request
    return {
        "operation": request.operation,
        "method": request.method,
        "url": request.url,
        "headers": [list(pair) for pair in request.headers.items()],
        "body": request.body.decode("utf-8"),
        "idempotent": request.idempotent,
        "needs_token": operation.needs_token,
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_request(case: str) -> None:
    actual = describe(CASES[case]())
    path = GOLDEN / f"{case}.json"
    if os.environ.get("K2_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")

    expected = json.loads(path.read_text())

    assert actual["method"] == expected["method"]
    assert actual["url"] == expected["url"]
    assert actual["headers"] == expected["headers"]
    assert actual["body"] == expected["body"]
    assert actual == expected


def test_golden_files_match_cases() -> None:
    names = {path.stem for path in GOLDEN.glob("*.json")}

    assert names == set(CASES)


def test_every_endpoint_has_golden_case() -> None:
    endpoints = {
        (describe(build())["method"], describe(build())["url"]) for build in CASES.values()
    }

    # 4 OAuth calls, create and get for 8 areas, the second transfer account kind, cancel.
    assert len(endpoints) == 22


@pytest.mark.parametrize("base", [HOST + "/", BaseUrl(HOST), BaseUrl(HOST + "/")])
def test_base_url_forms_build_same_requests(
    base: str | BaseUrl, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {case: describe(build()) for case, build in CASES.items()}
    monkeypatch.setattr(sys.modules[__name__], "BASE", base)

    for case, build in CASES.items():
        assert describe(build()) == expected[case], case
