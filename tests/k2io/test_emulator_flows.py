"""The emulator's state machine, signed result callbacks, webhook events and the k2core parsers."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from decimal import Decimal
from typing import Any

import pytest
from test_emulator_support import Receiver, call, receiving, stk_body, token_for, valid_bodies

import k2core
from k2io.emulator import EVENT_TYPES, FAILING_PHONE, PENDING_PHONE, Emulator


def _create(emu: Emulator, kind: str, body: dict[str, Any], token: str) -> str:
    answer = call(emu, "POST", f"/api/v2/{kind}", body=body, token=token)
    assert answer.status == 201, answer.body
    return answer.headers["Location"]


def _signature_is_valid(posted_headers: dict[str, str], body: bytes, key: str) -> bool:
    expected = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(posted_headers["X-KopoKopo-Signature"], expected)


def test_stk_push_succeeds_with_signed_callback(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        url = _create(k2_emulator, "incoming_payments", stk_body(receiver.url + "/stk"), token)
        pending = call(k2_emulator, "GET", url, token=token).json()
        (posted,) = receiver.wait(1)
    final = call(k2_emulator, "GET", url, token=token).json()

    assert pending["data"]["attributes"]["status"] == "Pending"
    assert pending["data"]["attributes"]["event"]["resource"] is None
    assert posted.path == "/stk"
    assert posted.headers["Content-Type"] == "application/json"
    assert _signature_is_valid(posted.headers, posted.body, k2_emulator.api_key)
    result = k2core.parse_result(
        posted.body, posted.headers["X-KopoKopo-Signature"], k2_emulator.api_key
    )
    attributes = result.data.attributes
    assert attributes.status == "Success"
    assert attributes.event.resource.amount == Decimal("875")
    assert attributes.event.resource.sender_phone_number == "+254722334455"
    assert attributes.event.resource.till_number == "K445566"
    assert attributes.metadata == {"invoice": "INV-77"}
    assert attributes.links.self_url == url
    assert final["data"]["attributes"]["status"] == "Success"
    assert k2_emulator.balance == Decimal("1000875")


def test_failing_phone_fails_with_message(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        body = stk_body(receiver.url)
        body["subscriber"]["phone_number"] = FAILING_PHONE
        _create(k2_emulator, "incoming_payments", body, token)
        (posted,) = receiver.wait(1)

    document = json.loads(posted.body)["data"]["attributes"]
    assert document["status"] == "Failed"
    assert document["event"]["resource"] is None
    assert document["event"]["errors"] == "The subscriber cancelled the payment request."
    assert k2_emulator.balance == Decimal("1000000")


def test_pending_phone_never_completes(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        body = stk_body(receiver.url)
        body["subscriber"]["phone_number"] = PENDING_PHONE
        url = _create(k2_emulator, "incoming_payments", body, token)
        time.sleep(0.3)

        assert receiver.posted == []
    assert call(k2_emulator, "GET", url, token=token).json()["data"]["attributes"]["status"] == (
        "Pending"
    )
    assert k2_emulator.callbacks == []


def test_send_money_beyond_balance_fails() -> None:
    with Emulator(completion_delay=0.01, initial_balance=Decimal("30")) as emu, receiving() as rx:
        token = token_for(emu)
        body = valid_bodies(rx.url)["send_money"]
        _create(emu, "send_money", body, token)
        (posted,) = rx.wait(1)

    attributes = json.loads(posted.body)["data"]["attributes"]
    assert attributes["status"] == "Failed"
    assert attributes["errors"] == "Insufficient balance"
    assert emu.balance == Decimal("30")


def test_send_money_to_own_account_and_sweep(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    account_url = _create(
        k2_emulator, "merchant_wallets", valid_bodies("")["merchant_wallets"], token
    )
    status = call(k2_emulator, "GET", account_url, token=token).json()
    reference = status["data"]["attributes"]["account_reference"]
    with receiving() as receiver:
        own = {
            "destinations": [{"type": "merchant_wallet", "reference": reference, "amount": 100}],
            "currency": "KES",
            "_links": {"callback_url": receiver.url + "/own"},
        }
        unknown = {
            "destinations": [{"type": "merchant_wallet", "reference": "nope", "amount": 5}],
            "currency": "KES",
            "_links": {"callback_url": receiver.url + "/unknown"},
        }
        _create(k2_emulator, "send_money", own, token)
        _create(k2_emulator, "send_money", unknown, token)
        receiver.wait(2)
        sweep = {"currency": "KES", "_links": {"callback_url": receiver.url + "/sweep"}}
        _create(k2_emulator, "send_money", sweep, token)
        posted = {item.path: json.loads(item.body) for item in receiver.wait(3)}

    own_batch = posted["/own"]["data"]["attributes"]["transfer_batches"][0]
    assert own_batch["disbursements"][0]["destination_reference"] == reference
    assert own_batch["disbursements"][0]["status"] == "Transferred"
    assert posted["/unknown"]["data"]["attributes"]["status"] == "Failed"
    swept = posted["/sweep"]["data"]["attributes"]
    assert swept["status"] == "Processed"
    assert swept["transfer_batches"][0]["amount"] == "999900.0"
    assert k2_emulator.balance == 0


def test_reversal_needs_a_received_payment(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        _create(k2_emulator, "incoming_payments", stk_body(receiver.url + "/stk"), token)
        (paid,) = receiver.wait(1)
        reference = json.loads(paid.body)["data"]["attributes"]["event"]["resource"]["reference"]
        for name, transaction in (("first", reference), ("again", reference), ("other", "X1")):
            body = {
                "transaction_reference": transaction,
                "reason": "Customer returned goods",
                "_links": {"callback_url": f"{receiver.url}/{name}"},
            }
            _create(k2_emulator, "reversals", body, token)
            receiver.wait(len(receiver.posted) + 1)
        posted = {item.path: json.loads(item.body)["data"] for item in receiver.posted}

    first = posted["/first"]["attributes"]
    assert posted["/first"]["type"] == "reversal"
    assert first["status"] == "Processed"
    assert first["reversal_bulk_payment"]["amount"] == "875.0"
    assert posted["/again"]["attributes"]["status"] == "Failed"
    assert "already been reversed" in posted["/again"]["attributes"]["errors"]
    assert posted["/other"]["attributes"]["status"] == "Failed"


def test_polling_returns_received_payments(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        _create(k2_emulator, "incoming_payments", stk_body(receiver.url + "/stk"), token)
        receiver.wait(1)
        body = {
            "scope": "till",
            "scope_reference": "K445566",
            "from_time": "2000-01-01T00:00:00Z",
            "to_time": "2100-01-01T00:00:00+03:00",
            "_links": {"callback_url": receiver.url + "/poll"},
        }
        _create(k2_emulator, "polling", body, token)
        posted = receiver.wait(2)[1]

    result = k2core.parse_result(
        posted.body, posted.headers["X-KopoKopo-Signature"], k2_emulator.api_key
    )
    assert result.data.attributes.status == "Success"
    assert len(result.data.attributes.transactions) == 1
    assert result.data.attributes.scope == "Till"


def test_payment_link_paid_then_not_cancellable(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        url = _create(
            k2_emulator, "payment_links", valid_bodies(receiver.url)["payment_links"], token
        )
        k2_emulator.pay_payment_link(url, "+254700111222")
        (posted,) = receiver.wait(1)
    cancel = call(k2_emulator, "POST", url + "/cancel", token=token)
    status = call(k2_emulator, "GET", url, token=token).json()

    link = json.loads(posted.body)["data"]["attributes"]["payment_link"]
    assert link["status"] == "Paid"
    assert link["sender_phone_number"] == 254700111222
    assert cancel.status == 400
    assert "already paid" in cancel.json()["error_message"]
    assert status["data"]["attributes"]["payment_link"]["payment_link_status"] == "paid"


def test_payment_link_cancel(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    url = _create(
        k2_emulator, "payment_links", valid_bodies("http://127.0.0.1:9")["payment_links"], token
    )

    first = call(k2_emulator, "POST", url + "/cancel", token=token, raw=b"{}")
    second = call(k2_emulator, "POST", url + "/cancel", token=token)

    assert first.status == 200
    assert first.json() == {"message": "Payment link cancelled."}
    assert second.status == 400
    with pytest.raises(ValueError, match="cancelled"):
        k2_emulator.pay_payment_link(url)


def test_callback_to_remote_host_is_refused(
    k2_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    token = token_for(k2_emulator)
    caplog.set_level(logging.WARNING, logger="k2io.emulator")

    _create(k2_emulator, "incoming_payments", stk_body("https://merchant.example.com/k2"), token)
    (delivery,) = k2_emulator.wait_for_callbacks(1)

    assert delivery.refused
    assert delivery.status is None
    assert "not a loopback address" in (delivery.error or "")
    assert "merchant.example.com" in caplog.text
    assert "not a loopback address" in caplog.text


def test_status_and_results_parse_with_k2core(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        bodies = valid_bodies(receiver.url)
        urls = {
            kind: _create(k2_emulator, kind, bodies[kind], token)
            for kind in ("incoming_payments", "send_money", "polling", "reversals", "payment_links")
        }
        receiver.wait(4)
        for url in urls.values():
            status = call(k2_emulator, "GET", url, token=token)
            parsed = k2core.decode_result_unverified(status.body)
            assert type(parsed).__name__ != "UnknownResult", status.body
        for posted in receiver.posted:
            signature = posted.headers["X-KopoKopo-Signature"]
            parsed = k2core.parse_result(posted.body, signature, k2_emulator.api_key)
            assert parsed.data.attributes.status in ("Success", "Processed", "Failed")


def test_completion_is_scheduled_after_the_delay() -> None:
    with Emulator(completion_delay=0.5) as emu, receiving() as receiver:
        token = token_for(emu)
        url = _create(emu, "incoming_payments", stk_body(receiver.url), token)
        time.sleep(0.2)
        early = emu.resource(url).status
        receiver.wait(1, timeout=3)
        late = emu.resource(url).status

    assert early == "Pending"
    assert late == "Success"


def test_trigger_sends_to_subscriptions(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    with receiving() as receiver:
        for daraja in (False, True):
            body = {
                "event_type": "b2b_transaction_received",
                "url": f"{receiver.url}/hooks/{daraja}",
                "scope": "till",
                "scope_reference": "556677",
                "enable_daraja_payload": daraja,
            }
            _create(k2_emulator, "webhook_subscriptions", body, token)
        deliveries = k2_emulator.trigger("b2b_transaction_received")
        none = k2_emulator.trigger("customer_created")
        posted = {item.path: item for item in receiver.wait(2)}

    assert [delivery.status for delivery in deliveries] == [200, 200]
    assert none == []
    k2_format = k2core.parse_webhook(
        posted["/hooks/False"].body,
        posted["/hooks/False"].headers["X-KopoKopo-Signature"],
        k2_emulator.api_key,
    )
    daraja = k2core.parse_webhook(
        posted["/hooks/True"].body,
        posted["/hooks/True"].headers["X-KopoKopo-Signature"],
        k2_emulator.api_key,
    )
    assert k2_format.topic == "b2b_transaction_received"
    assert k2_format.event.resource.till_number == "556677"
    assert type(daraja).__name__ == "DarajaWebhook"
    assert daraja.business_short_code == "556677"


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_trigger_every_event_type(k2_emulator: Emulator, event_type: str) -> None:
    with receiving() as receiver:
        (delivery,) = k2_emulator.trigger(event_type, url=receiver.url + "/hook")
        (posted,) = receiver.wait(1)

    event = k2core.parse_webhook(
        posted.body, posted.headers["X-KopoKopo-Signature"], k2_emulator.api_key
    )
    assert delivery.ok
    assert event.topic == event_type


def test_trigger_rejects_unknown_event(k2_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        k2_emulator.trigger("payment_made", url="http://127.0.0.1:9/")


def test_trigger_endpoint(k2_emulator: Emulator) -> None:
    with receiving() as receiver:
        body = {"event_type": "customer_created", "url": receiver.url}
        answer = call(k2_emulator, "POST", "/emulator/webhooks/trigger", body=body)
        bad = call(k2_emulator, "POST", "/emulator/webhooks/trigger", body={"event_type": "x"})
        receiver.wait(1)

    assert answer.status == 200
    assert answer.json()["deliveries"][0]["status"] == 200
    assert bad.status == 400


def test_state_endpoint(k2_emulator: Emulator) -> None:
    token_for(k2_emulator)

    state = call(k2_emulator, "GET", "/emulator/state").json()

    assert state["balance"] == Decimal("1000000")
    assert state["created"]["incoming_payments"] == 0
    assert state["tokens_issued"] == 1


def test_receiver_error_is_recorded(k2_emulator: Emulator) -> None:
    receiver = Receiver(status=500)
    try:
        (delivery,) = k2_emulator.trigger("customer_created", url=receiver.url)
    finally:
        receiver.close()

    assert delivery.status == 500
    assert not delivery.ok
