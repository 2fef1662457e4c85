"""Measurement 2: build a complete, sendable request for an STK push and a multi-destination
send money, from the caller's parameters to the method, URL, headers (with the bearer token)
and JSON body bytes.

- k2: `k2core.incoming_payments.create` / `k2core.send_money.create` (parameter validation,
  phone normalisation, Decimal amounts, encoding) followed by `k2core.authorize`;
- official: the official SDK's request model, payload and headers, prepared by `requests`
  into the bytes `requests.post` would send (`benchmarks.official`).

Nothing is sent. Before timing, each contender's body is decoded once and must carry the
expected till number or destination count.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from benchmarks import official
from benchmarks.harness import OFFICIAL, OURS, Contender, Section
from benchmarks.settings import Settings

# Built, never sent: the URL only has to be one both SDKs accept.
BASE_URL = "https://sandbox.kopokopo.com"
TOKEN = "bench-access-token-7c4e1f09b2a6d853"
CALLBACK_URL = "https://shop.example.com/k2/callbacks"

STK_PARAMS: dict[str, Any] = {
    "till_number": "K812460",
    "first_name": "Brian",
    "last_name": "Otieno",
    "phone_number": "+254711302845",
    "email": "brian.otieno@example.com",
    "metadata": {"customer_id": "C-004871", "reference": "INV-2026-03-0142"},
    "callback_url": f"{CALLBACK_URL}/stk",
}

# Four destinations of three kinds: two M-PESA wallets, a bank account and a paybill.
DESTINATIONS: list[dict[str, Any]] = [
    {
        "type": "mobile_wallet",
        "nickname": "Akinyi Wanjiru",
        "phone_number": "254722481930",
        "network": "Safaricom",
        "amount": 1500,
        "description": "March commission",
        "favourite": True,
    },
    {
        "type": "mobile_wallet",
        "nickname": "Otieno Brian",
        "phone_number": "254711302845",
        "network": "Safaricom",
        "amount": 2750,
        "description": "March commission",
        "favourite": False,
    },
    {
        "type": "bank_account",
        "nickname": "Supplier account",
        "account_name": "Maji Safi Supplies Ltd",
        "account_number": "01192837465500",
        "bank_branch_ref": "5b9e2c47-d01a-4e63-8f7b-93a0c6e1d284",
        "amount": 48200,
        "description": "Invoice 7781",
        "favourite": True,
    },
    {
        "type": "paybill",
        "nickname": "Electricity",
        "paybill_number": "888880",
        "paybill_account_number": "54012278",
        "amount": 3100,
        "description": "Power bill March",
        "favourite": True,
    },
]

SEND_MONEY_METADATA = {"batch": "2026-03-payouts", "notes": "Monthly payouts"}


def _ours_stk() -> Callable[[], object]:
    from k2core import authorize, base_url, incoming_payments

    base = base_url(BASE_URL)
    params = {**STK_PARAMS, "amount": Decimal("2450")}
    return lambda: authorize(incoming_payments.create(base, **params).request, TOKEN)


def _ours_send_money() -> Callable[[], object]:
    from k2core import authorize, base_url, send_money

    base = base_url(BASE_URL)
    destinations = [{**item, "amount": Decimal(item["amount"])} for item in DESTINATIONS]

    def build() -> object:
        operation = send_money.create(
            base,
            destinations=destinations,
            currency="KES",
            metadata=SEND_MONEY_METADATA,
            callback_url=f"{CALLBACK_URL}/send-money",
        )
        return authorize(operation.request, TOKEN)

    return build


def _official_stk(sdk: official.OfficialSdk) -> Callable[[], object]:
    params = {
        "payment_channel": "M-PESA STK Push",
        "till_number": STK_PARAMS["till_number"],
        "subscriber": {
            "first_name": STK_PARAMS["first_name"],
            "last_name": STK_PARAMS["last_name"],
            "phone_number": STK_PARAMS["phone_number"],
            "email": STK_PARAMS["email"],
        },
        "amount": {"currency": "KES", "value": 2450},
        "metadata": STK_PARAMS["metadata"],
        "callback_url": STK_PARAMS["callback_url"],
    }
    return lambda: official.build_incoming_payment(sdk, BASE_URL, TOKEN, params)


def _official_send_money(sdk: official.OfficialSdk) -> Callable[[], object]:
    def build() -> object:
        # The official models mutate the destination dicts they are given, so pass copies.
        params = {
            "source_identifier": None,
            "destinations": [dict(item) for item in DESTINATIONS],
            "callback_url": f"{CALLBACK_URL}/send-money",
            "currency": "KES",
            "metadata": SEND_MONEY_METADATA,
        }
        return official.build_send_money(sdk, BASE_URL, TOKEN, params)

    return build


def body_of(request: Any) -> dict[str, Any]:
    """Decode the JSON body of a k2 `Request` or a prepared `requests` request."""
    body = request.body
    return dict(json.loads(body))


def _check(contender: Contender, check: Callable[[dict[str, Any]], bool], notes: list[str]) -> bool:
    try:
        request: Any = contender.run()
        good = check(body_of(request)) and "Bearer" in str(request.headers.get("Authorization"))
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not timed
        notes.append(f"{contender.label} failed: {type(exc).__name__}: {exc}")
        return False
    if not good:
        notes.append(f"{contender.label} built an unexpected request; not timed")
    return good


def _is_stk(body: dict[str, Any]) -> bool:
    return bool(body["till_number"] == STK_PARAMS["till_number"])


def _is_send_money(body: dict[str, Any]) -> bool:
    return len(body["destinations"]) == len(DESTINATIONS)


def _case(
    settings: Settings,
    case: str,
    builders: list[tuple[str, str, Callable[[], Callable[[], object]]]],
    check: Callable[[dict[str, Any]], bool],
) -> Section:
    notes: list[str] = []
    contenders = []
    for key, label, make in builders:
        try:
            contender = Contender(key, label, make())
        except (ImportError, AttributeError) as exc:
            notes.append(f"{label} is not available in this tree ({exc}); not measured")
            continue
        if _check(contender, check, notes):
            contenders.append(contender)
    return Section("Request building", case, "s", settings.time(contenders), notes=notes)


def run(settings: Settings) -> list[Section]:
    """Measure building an STK push and a four-destination send money request."""
    sdk = official.load()
    stk: list[tuple[str, str, Callable[[], Callable[[], object]]]] = [
        (OURS, "k2 `incoming_payments.create` + `authorize`", _ours_stk)
    ]
    send: list[tuple[str, str, Callable[[], Callable[[], object]]]] = [
        (OURS, "k2 `send_money.create` + `authorize`", _ours_send_money)
    ]
    if sdk is not None:
        stk.append((OFFICIAL, "official: model + `requests` prepare", lambda: _official_stk(sdk)))
        send.append(
            (OFFICIAL, "official: model + `requests` prepare", lambda: _official_send_money(sdk))
        )
    sections = [
        _case(settings, "STK push", stk, _is_stk),
        _case(settings, f"send money, {len(DESTINATIONS)} destinations", send, _is_send_money),
    ]
    if sdk is None:
        for section in sections:
            section.notes.append("official SDK not installed; not measured")
    return sections
