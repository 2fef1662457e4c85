"""The client against the local emulator: every namespace method over every transport, and
retries under injected faults, proving from the emulator's record what was sent and created.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import pytest

import k2core
from k2core.errors import NotFoundError, RateLimitedError, ServerError, UnexpectedResponseError
from k2core.retry import RetryPolicy
from k2io import Client, OutcomeUnknownError, StdlibTransport, Timeout, Transport
from k2io.emulator import Emulator
from k2io.transports import Urllib3Transport

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

FAST_RETRY = RetryPolicy(initial_delay=0.01, max_delay=0.05)
CALLBACK = "http://127.0.0.1:9/k2/result"
CUSTOMER_PHONE = "+254722334455"
STK = {
    "till_number": "K445566",
    "first_name": "Njeri",
    "last_name": "Kamau",
    "phone_number": CUSTOMER_PHONE,
    "amount": Decimal("730.00"),
    "callback_url": CALLBACK,
}


def _requests_transport() -> Transport:
    pytest.importorskip("requests")
    from transport_requests import requests_transport

    return requests_transport()


def _httpx_transport() -> Transport:
    pytest.importorskip("httpx")
    from transport_httpx import httpx_transport

    return httpx_transport()


TRANSPORTS: dict[str, Callable[[], Transport]] = {
    "urllib3": Urllib3Transport,
    "stdlib": StdlibTransport,
    "callable-requests": _requests_transport,
    "callable-httpx": _httpx_transport,
}


def connect(emulator: Emulator, transport: Transport | None = None, **options: Any) -> Client:
    settings: dict[str, Any] = {
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "api_key": emulator.api_key,
        "base_url": emulator.base_url,
        "transport": transport or Urllib3Transport(),
        "retry": FAST_RETRY,
        "timeout": Timeout(connect=2.0, read=2.0),
    }
    settings.update(options)
    return Client(**settings)


@pytest.fixture(params=sorted(TRANSPORTS))
def client(request: pytest.FixtureRequest, k2_emulator: Emulator) -> Iterator[Client]:
    with connect(k2_emulator, TRANSPORTS[request.param]()) as opened:
        yield opened


def test_tokens_namespace(client: Client, k2_emulator: Emulator) -> None:
    token = client.tokens.request()
    introspection = client.tokens.introspect(token.access_token)
    info = client.tokens.info()
    client.tokens.revoke(token.access_token)

    assert token.expires_in > 0
    assert introspection.active is True
    assert introspection.client_id == k2_emulator.client_id
    assert info.expires_in > 0
    assert client.tokens.introspect(token.access_token).active is False


def test_webhook_subscriptions(client: Client) -> None:
    url = client.webhook_subscriptions.create(
        event_type="buygoods_transaction_received",
        url="https://shop.test/k2/webhooks",
        scope="till",
        scope_reference="556677",
    )
    status = client.webhook_subscriptions.get(url)

    assert status.data.attributes.event_type == "buygoods_transaction_received"


def test_incoming_payment_and_reversal(client: Client) -> None:
    url = client.incoming_payments.create(**STK)
    pending = client.incoming_payments.get(url)
    paid = client.incoming_payments.wait(url, timeout=10, poll_interval=0.02)

    assert pending.data.attributes.status in ("Pending", "Success")
    assert paid.data.attributes.status == "Success"
    resource = paid.data.attributes.event.resource
    assert resource is not None

    reversal_url = client.reversals.create(
        transaction_reference=resource.reference, reason="Duplicate order", callback_url=CALLBACK
    )
    assert client.reversals.get(reversal_url).data.id
    reversed_ = client.reversals.wait(reversal_url, timeout=10, poll_interval=0.02)
    assert reversed_.data.attributes.status == "Processed"


def test_external_recipients(client: Client) -> None:
    url = client.external_recipients.create(
        type="mobile_wallet",
        first_name="Otieno",
        last_name="Were",
        phone_number="+254733445566",
        email="otieno@example.com",
        network="Safaricom",
    )

    assert client.external_recipients.get(url).data.id == url.rsplit("/", 1)[1]


def test_transfer_accounts(client: Client) -> None:
    wallet = client.transfer_accounts.create(
        type="merchant_wallet",
        first_name="Akinyi",
        last_name="Odhiambo",
        phone_number="254744556677",
        network="Safaricom",
    )
    bank = client.transfer_accounts.create(
        type="merchant_bank_account",
        account_name="Duka Ltd",
        account_number="0011223344",
        bank_branch_ref="9d2c1f6e-1111-4a8b-9c3d-5e6f7a8b9c0d",
        settlement_method="EFT",
    )

    assert "/merchant_wallets/" in wallet
    assert "/merchant_bank_accounts/" in bank
    assert client.transfer_accounts.get(wallet).data.type == "merchant_wallet"
    assert client.transfer_accounts.get(bank).data.type == "merchant_bank_account"


def test_send_money(client: Client) -> None:
    url = client.send_money.create(
        destinations=[
            {
                "type": "mobile_wallet",
                "phone_number": "+254755667788",
                "amount": Decimal("120.50"),
                "description": "Refund",
            }
        ],
        callback_url=CALLBACK,
    )
    assert client.send_money.get(url).data.type == "send_money"

    done = client.send_money.wait(url, timeout=10, poll_interval=0.02)
    assert done.data.attributes.status == "Processed"


def test_polling(client: Client) -> None:
    now = datetime.now(timezone(timedelta(hours=3)))
    url = client.polling.create(
        scope="till",
        scope_reference="556677",
        from_time=now - timedelta(hours=1),
        to_time=now,
        callback_url=CALLBACK,
    )
    assert client.polling.get(url).data.type == "polling"

    done = client.polling.wait(url, timeout=10, poll_interval=0.02)
    assert done.data.attributes.status == "Success"


def test_payment_links(client: Client) -> None:
    url = client.payment_links.create(
        till_number="K445566", amount=Decimal("999"), callback_url=CALLBACK, note="Invoice 42"
    )
    status = client.payment_links.get(url)
    message = client.payment_links.cancel(url)

    assert status.data.type == "payment_link"
    assert "cancel" in message.lower()


def test_unknown_resource_is_not_found(client: Client, k2_emulator: Emulator) -> None:
    with pytest.raises(NotFoundError):
        client.incoming_payments.get(f"{k2_emulator.base_url}/api/v2/incoming_payments/nope")


# Faults: reads and token requests survive transient failures.

READ_FAULTS = [
    ("status", {"status": 500}),
    ("status", {"status": 503}),
    ("rate_limit", {"retry_after": 0}),
    ("html_error", {"status": 502}),
    ("drop_before_read", {}),
    ("drop_after_read", {}),
]


@pytest.mark.parametrize(("fault", "options"), READ_FAULTS)
@pytest.mark.parametrize("transport", ["urllib3", "stdlib"])
def test_read_survives_fault(
    k2_emulator: Emulator, transport: str, fault: str, options: dict[str, Any]
) -> None:
    with connect(k2_emulator, TRANSPORTS[transport]()) as client:
        url = client.incoming_payments.create(**STK)
        k2_emulator.inject("/api/v2/incoming_payments/*", fault, method="GET", times=2, **options)

        status = client.incoming_payments.get(url)

    assert status.data.id == url.rsplit("/", 1)[1]
    gets = k2_emulator.requests.matching("GET", urlsplit_path(url))
    assert len(gets) == 3
    assert [request.fault for request in gets] == [fault, fault, None]


def test_token_request_survives_server_errors(k2_emulator: Emulator) -> None:
    k2_emulator.inject("/oauth/token", "status", times=2, status=503)

    with connect(k2_emulator) as client:
        client.incoming_payments.create(**STK)

    assert len(k2_emulator.requests.matching("POST", "/oauth/token")) == 3
    assert k2_emulator.created("incoming_payments") == 1


def test_read_gives_up_after_max_attempts(k2_emulator: Emulator) -> None:
    with connect(k2_emulator) as client:
        url = client.incoming_payments.create(**STK)
        k2_emulator.inject("/api/v2/incoming_payments/*", "status", method="GET", times=None)

        with pytest.raises(ServerError):
            client.incoming_payments.get(url)

    assert len(k2_emulator.requests.matching("GET", urlsplit_path(url))) == 4


# Faults: creates are never repeated once they may have reached the API.


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
def test_stk_create_read_timeout_not_repeated(k2_emulator: Emulator, transport: str) -> None:
    timeout = Timeout(connect=2.0, read=0.3)
    with connect(k2_emulator, TRANSPORTS[transport](), timeout=timeout) as client:
        client.tokens.info()  # fetch the token first, so only the create can time out
        k2_emulator.inject("/api/v2/incoming_payments", "delay", method="POST", seconds=1.0)

        with pytest.raises(OutcomeUnknownError) as caught:
            client.incoming_payments.create(**STK)

    assert caught.value.operation == "incoming_payments.create"
    assert "wait for the result callback" in str(caught.value)
    assert len(k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")) == 1
    assert k2_emulator.created("incoming_payments") == 1


def test_create_dropped_after_processing_is_not_repeated(k2_emulator: Emulator) -> None:
    with connect(k2_emulator) as client:
        k2_emulator.inject("/api/v2/send_money", "drop_after_read", method="POST")

        with pytest.raises(OutcomeUnknownError):
            client.send_money.create(
                destinations=[
                    {"type": "till", "till_number": "556677", "amount": 40, "description": "Tea"}
                ],
                callback_url=CALLBACK,
            )

    assert len(k2_emulator.requests.matching("POST", "/api/v2/send_money")) == 1
    assert k2_emulator.created("send_money") == 1


def test_create_server_error_is_not_repeated(k2_emulator: Emulator) -> None:
    with connect(k2_emulator) as client:
        k2_emulator.inject("/api/v2/incoming_payments", "status", method="POST", status=500)

        with pytest.raises(OutcomeUnknownError) as caught:
            client.incoming_payments.create(**STK)

    assert isinstance(caught.value.__cause__, ServerError)
    assert len(k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")) == 1


def test_create_dropped_before_read_is_not_repeated(k2_emulator: Emulator) -> None:
    # The client cannot tell that the server read nothing, so it assumes the worst.
    with connect(k2_emulator) as client:
        k2_emulator.inject("/api/v2/incoming_payments", "drop_before_read", method="POST")

        with pytest.raises(OutcomeUnknownError):
            client.incoming_payments.create(**STK)

    assert len(k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")) == 1
    assert k2_emulator.created("incoming_payments") == 0


def test_rate_limited_create_raised_not_repeated(k2_emulator: Emulator) -> None:
    with connect(k2_emulator) as client:
        k2_emulator.inject("/api/v2/incoming_payments", "rate_limit", method="POST", retry_after=3)

        with pytest.raises(RateLimitedError) as caught:
            client.incoming_payments.create(**STK)

    assert caught.value.retry_after == 3.0
    assert len(k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")) == 1
    assert k2_emulator.created("incoming_payments") == 0


def test_rate_limited_create_repeated_when_enabled(k2_emulator: Emulator) -> None:
    policy = msgspec.structs.replace(FAST_RETRY, retry_rate_limited_creates=True)
    with connect(k2_emulator, retry=policy) as client:
        k2_emulator.inject("/api/v2/incoming_payments", "rate_limit", method="POST", retry_after=0)

        client.incoming_payments.create(**STK)

    assert len(k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")) == 2
    assert k2_emulator.created("incoming_payments") == 1


def test_create_without_location_is_an_error(k2_emulator: Emulator) -> None:
    with connect(k2_emulator) as client:
        k2_emulator.inject("/api/v2/incoming_payments", "no_location", method="POST")

        with pytest.raises(UnexpectedResponseError):
            client.incoming_payments.create(**STK)

    assert k2_emulator.created("incoming_payments") == 1


# Tokens against the emulator.


def test_expired_token_refreshed_once(k2_emulator: Emulator) -> None:
    with connect(k2_emulator) as client:
        url = client.incoming_payments.create(**STK)
        k2_emulator.inject("/api/v2/incoming_payments/*", "expire_token", method="GET")

        client.incoming_payments.get(url)

    assert len(k2_emulator.requests.matching("POST", "/oauth/token")) == 2
    assert len(k2_emulator.requests.matching("GET", urlsplit_path(url))) == 2


def test_twenty_threads_at_expiry_share_one_refresh(k2_emulator: Emulator) -> None:
    now = [0.0]
    with connect(k2_emulator, clock=lambda: now[0]) as client:
        url = client.incoming_payments.create(**STK)
        first_token = _bearer(k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")[0])
        now[0] += 3600.0
        barrier = threading.Barrier(20)
        failures: list[BaseException] = []

        def worker() -> None:
            barrier.wait()
            try:
                client.incoming_payments.get(url)
            except k2core.K2Error as exc:
                failures.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)

    assert failures == []
    assert len(k2_emulator.requests.matching("POST", "/oauth/token")) == 2
    gets = k2_emulator.requests.matching("GET", urlsplit_path(url))
    tokens = {_bearer(request) for request in gets}
    assert len(tokens) == 1
    assert tokens != {first_token}


def test_failing_token_endpoint_reaches_all_waiters(k2_emulator: Emulator) -> None:
    k2_emulator.inject("/oauth/token", "status", times=None, status=400)
    with connect(k2_emulator) as client:
        barrier = threading.Barrier(10)
        errors: list[BaseException] = []

        def worker() -> None:
            barrier.wait()
            try:
                client.tokens.info()
            except k2core.K2Error as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)

    assert len(errors) == 10
    assert all(isinstance(error, k2core.BadRequestError) for error in errors)
    assert len(k2_emulator.requests.matching("POST", "/oauth/token")) <= 2


def test_two_clients_with_different_credentials() -> None:
    with (
        Emulator(client_id="shop-a-id", client_secret="shop-a-secret-001") as first_emulator,
        Emulator(client_id="shop-b-id", client_secret="shop-b-secret-002") as second_emulator,
    ):
        with connect(first_emulator) as first, connect(second_emulator) as second:
            first_url = first.incoming_payments.create(**STK)
            second_url = second.incoming_payments.create(**STK)
            first.incoming_payments.get(first_url)
            second.incoming_payments.get(second_url)

    assert first_emulator.created("incoming_payments") == 1
    assert second_emulator.created("incoming_payments") == 1


def _bearer(request: Any) -> str | None:
    value = request.headers.get("Authorization")
    return value.removeprefix("Bearer ") if value else None


def urlsplit_path(url: str) -> str:
    return urlsplit(url).path
