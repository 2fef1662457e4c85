"""The client over a scripted fake API: tokens, retries, 401 handling, wait, parsing, reprs."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from fake_api import API_KEY, BASE, CLIENT_ID, CLIENT_SECRET, PHONE, FakeApi

import k2core
from k2core.errors import (
    AuthenticationError,
    MissingSignatureError,
    RateLimitedError,
    ServerError,
    UnsafeUrlError,
    ValidationError,
)
from k2core.http import Headers, Response
from k2core.retry import RetryPolicy
from k2io import Client
from k2io.errors import (
    ConnectError,
    OutcomeUnknownError,
    ReadTimeoutError,
    WaitTimeoutError,
)

STK = {
    "till_number": "K778899",
    "first_name": "Achieng",
    "last_name": "Mwangi",
    "phone_number": PHONE,
    "amount": Decimal("1250.00"),
    "callback_url": "https://shop.test/k2/result",
}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_client(api: FakeApi, clock: Clock, **options: Any) -> Client:
    settings: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "api_key": API_KEY,
        "base_url": BASE,
        "transport": api.transport(),
        "clock": clock.monotonic,
        "sleep": clock.sleep,
        "random": lambda: 0.0,
    }
    settings.update(options)
    return Client(**settings)


@pytest.fixture
def client(api: FakeApi, clock: Clock) -> Client:
    return make_client(api, clock)


def payment_url(index: int = 1) -> str:
    return f"{BASE}/api/v2/incoming_payments/pay-{index}"


def test_create_fetches_token_then_posts(client: Client, api: FakeApi) -> None:
    url = client.incoming_payments.create(**STK)

    assert url == f"{BASE}/api/v2/incoming_payments/pay-2"
    assert api.paths() == ["POST /oauth/token", "POST /api/v2/incoming_payments"]
    assert api.bearer_tokens() == [None, "Bearer tok1ZZ9"]


def test_token_reused_across_calls(client: Client, api: FakeApi) -> None:
    client.incoming_payments.create(**STK)
    client.incoming_payments.get(payment_url())
    client.incoming_payments.get(payment_url())

    assert api.paths().count("POST /oauth/token") == 1


def test_get_returns_typed_status(client: Client) -> None:
    result = client.incoming_payments.get(payment_url(7))

    assert isinstance(result, k2core.results.IncomingPaymentResult)
    assert result.data.id == "pay-7"
    assert result.data.attributes.status == "Pending"


def test_token_refreshed_before_expiry(api: FakeApi, clock: Clock) -> None:
    client = make_client(api, clock, token_margin=120)
    client.incoming_payments.get(payment_url())

    clock.now += 3600 - 120
    client.incoming_payments.get(payment_url())

    assert api.tokens_issued == ["tok1ZZ9", "tok2ZZ9"]
    assert api.bearer_tokens()[-1] == "Bearer tok2ZZ9"


def test_unauthorized_refreshes_once_and_repeats(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.valid_tokens.clear()  # the API expired the token early

    result = client.incoming_payments.get(payment_url())

    assert result.data.attributes.status == "Pending"
    assert api.paths()[-3:] == [
        "GET /api/v2/incoming_payments/pay-1",
        "POST /oauth/token",
        "GET /api/v2/incoming_payments/pay-1",
    ]
    assert api.bearer_tokens()[-1] == "Bearer tok2ZZ9"


def test_unauthorized_create_is_repeated_once(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.valid_tokens.clear()

    client.incoming_payments.create(**STK)

    assert api.paths().count("POST /api/v2/incoming_payments") == 2


def test_second_unauthorized_raises(client: Client, api: FakeApi) -> None:
    unauthorized = Response(401, Headers(), b'{"error_code": "InvalidAccessToken"}')
    api.queue("/api/v2/incoming_payments/", unauthorized, times=2)

    with pytest.raises(AuthenticationError) as caught:
        client.incoming_payments.get(payment_url())

    assert caught.value.status == 401
    assert api.paths().count("POST /oauth/token") == 2
    assert api.paths().count("GET /api/v2/incoming_payments/pay-1") == 2


def test_bad_credentials_raise_authentication_error(api: FakeApi, clock: Clock) -> None:
    client = make_client(api, clock, client_secret="wrong-secret-value")

    with pytest.raises(AuthenticationError):
        client.incoming_payments.get(payment_url())
    assert api.paths() == ["POST /oauth/token"]


def test_read_retried_after_server_errors(client: Client, api: FakeApi, clock: Clock) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments/", Response(503, Headers(), b""), times=2)

    result = client.incoming_payments.get(payment_url())

    assert result.data.attributes.status == "Pending"
    assert clock.sleeps == [0.5, 1.0]


def test_read_retried_after_read_timeout(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments/", ReadTimeoutError("slow"))

    assert client.incoming_payments.get(payment_url()).data.id == "pay-1"


def test_read_honours_retry_after(client: Client, api: FakeApi, clock: Clock) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments/", Response(429, Headers({"Retry-After": "7"}), b""))

    client.incoming_payments.get(payment_url())

    assert clock.sleeps == [7.0]


def test_read_gives_up_after_max_attempts(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments/", Response(500, Headers(), b""), times=4)

    with pytest.raises(ServerError):
        client.incoming_payments.get(payment_url())
    assert api.paths().count("GET /api/v2/incoming_payments/pay-1") == 5


def test_create_not_repeated_after_read_timeout(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    timeout = ReadTimeoutError("slow")
    api.queue("/api/v2/incoming_payments", timeout)

    with pytest.raises(OutcomeUnknownError) as caught:
        client.incoming_payments.create(**STK)

    assert caught.value.__cause__ is timeout
    assert caught.value.operation == "incoming_payments.create"
    assert "Query the resource" in str(caught.value)
    assert "result callback" in str(caught.value)
    assert api.paths().count("POST /api/v2/incoming_payments") == 1


def test_create_not_repeated_after_server_error(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments", Response(502, Headers(), b"<html>bad gateway</html>"))

    with pytest.raises(OutcomeUnknownError) as caught:
        client.incoming_payments.create(**STK)

    assert isinstance(caught.value.__cause__, ServerError)
    assert api.paths().count("POST /api/v2/incoming_payments") == 1


def test_create_not_repeated_after_any_5xx(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments", Response(501, Headers(), b""))

    with pytest.raises(OutcomeUnknownError):
        client.incoming_payments.create(**STK)
    assert api.paths().count("POST /api/v2/incoming_payments") == 1


def test_read_not_retried_after_501(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments/", Response(501, Headers(), b""))

    with pytest.raises(ServerError):
        client.incoming_payments.get(payment_url())
    assert api.paths().count("GET /api/v2/incoming_payments/pay-1") == 2


def test_create_repeated_when_never_sent(client: Client, api: FakeApi, clock: Clock) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments", ConnectError("refused"), times=2)

    url = client.incoming_payments.create(**STK)

    assert url.startswith(f"{BASE}/api/v2/incoming_payments/")
    assert len(clock.sleeps) == 2


def test_rate_limited_create_raised_not_repeated(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments", Response(429, Headers({"Retry-After": "1"}), b""))

    with pytest.raises(RateLimitedError) as caught:
        client.incoming_payments.create(**STK)

    assert caught.value.retry_after == 1.0
    assert api.paths().count("POST /api/v2/incoming_payments") == 1


def test_create_repeated_after_rate_limit_when_enabled(api: FakeApi, clock: Clock) -> None:
    client = make_client(api, clock, retry=RetryPolicy(retry_rate_limited_creates=True))
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments", Response(429, Headers({"Retry-After": "1"}), b""))

    client.incoming_payments.create(**STK)

    assert api.paths().count("POST /api/v2/incoming_payments") == 2


def test_connect_errors_exhausted_raise_transport_error(client: Client, api: FakeApi) -> None:
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments", ConnectError("refused"), times=4)

    with pytest.raises(ConnectError):
        client.incoming_payments.create(**STK)


def test_no_retries_policy(api: FakeApi, clock: Clock) -> None:
    client = make_client(api, clock, retry=RetryPolicy(max_attempts=1))
    client.incoming_payments.get(payment_url())
    api.queue("/api/v2/incoming_payments/", Response(503, Headers(), b""))

    with pytest.raises(ServerError):
        client.incoming_payments.get(payment_url())
    assert clock.sleeps == []


def test_validation_error_sends_nothing(client: Client, api: FakeApi) -> None:
    with pytest.raises(ValidationError):
        client.incoming_payments.create(**{**STK, "amount": Decimal("-5")})
    assert api.requests == []


def test_foreign_url_rejected_before_sending(client: Client, api: FakeApi) -> None:
    with pytest.raises(UnsafeUrlError):
        client.incoming_payments.get("https://attacker.test/api/v2/incoming_payments/x")
    assert api.requests == []


def test_wait_polls_until_final(client: Client, api: FakeApi, clock: Clock) -> None:
    api.statuses = ["Pending", "Pending", "Pending", "Success"]

    result = client.incoming_payments.wait(payment_url(), timeout=60, poll_interval=2)

    assert result.data.attributes.status == "Success"
    assert clock.sleeps == [2.0, 3.0, 4.5]


def test_wait_times_out_with_last_status(client: Client, api: FakeApi, clock: Clock) -> None:
    with pytest.raises(WaitTimeoutError) as caught:
        client.incoming_payments.wait(payment_url(), timeout=10, poll_interval=2)

    assert caught.value.last_status == "Pending"
    assert clock.now == pytest.approx(10.0)
    assert sum(clock.sleeps) == pytest.approx(10.0)


def test_wait_returns_failed_as_final(client: Client, api: FakeApi) -> None:
    api.statuses = ["Failed"]

    assert client.incoming_payments.wait(payment_url()).data.attributes.status == "Failed"


@pytest.mark.parametrize(
    "arguments",
    [{"timeout": 0}, {"poll_interval": -1}, {"poll_interval": 5, "max_poll_interval": 1}],
)
def test_wait_rejects_bad_arguments(client: Client, arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        client.incoming_payments.wait(payment_url(), **arguments)


def test_parse_result_uses_api_key(client: Client) -> None:
    body = b'{"data": {"id": "x1", "type": "mystery_result", "attributes": {"status": "Done"}}}'
    signature = k2core.sign(body, API_KEY)

    result = client.parse_result(body, {"x-kopokopo-signature": signature})

    assert result.data.id == "x1"


def test_parse_webhook_accepts_wsgi_environ(client: Client) -> None:
    body = (
        b'{"topic": "customer_created", "id": "ev-1", "created_at": "2026-02-03T08:15:00+03:00",'
        b' "event": {"type": "Customer Created", "resource": {"first_name": "A",'
        b' "middle_name": null, "last_name": "B", "phone_number": "+254711222333"}},'
        b' "_links": {"self": "https://k2.test/webhook_events/ev-1",'
        b' "resource": "https://k2.test/mobile_money_user/m-1"}}'
    )
    environ = {"HTTP_X_KOPOKOPO_SIGNATURE": k2core.sign(body, API_KEY)}

    event = client.parse_webhook(body, environ)

    assert event.topic == "customer_created"


def test_parse_result_accepts_asgi_pairs(client: Client) -> None:
    body = b'{"data": {"id": "x2", "type": "mystery_result", "attributes": {}}}'
    pairs = [(b"content-type", b"application/json")]
    pairs.append((b"x-kopokopo-signature", k2core.sign(body, API_KEY).encode()))

    assert client.parse_result(body, pairs).data.id == "x2"


def test_parse_result_wrong_key_rejected(client: Client) -> None:
    body = b'{"data": {"id": "x3", "type": "mystery_result", "attributes": {}}}'
    headers = {"X-KopoKopo-Signature": k2core.sign(body, "some-other-key")}

    with pytest.raises(k2core.SignatureMismatchError):
        client.parse_result(body, headers)


def test_parse_result_body_limit(client: Client) -> None:
    body = b'{"data": {"id": "x4", "type": "mystery_result", "attributes": {}}}'
    headers = {"X-KopoKopo-Signature": k2core.sign(body, API_KEY)}

    with pytest.raises(k2core.PayloadTooLargeError):
        client.parse_result(body, headers, max_body_size=10)


def test_parse_webhook_without_signature(client: Client) -> None:
    with pytest.raises(MissingSignatureError):
        client.parse_webhook(b"{}", {})


def test_parse_without_api_key_is_clear(api: FakeApi, clock: Clock) -> None:
    client = make_client(api, clock, api_key=None)

    with pytest.raises(ValueError, match="api_key"):
        client.parse_result(b"{}", {})


def test_repr_masks_secrets(client: Client) -> None:
    client.incoming_payments.get(payment_url())
    text = repr(client)

    assert CLIENT_SECRET not in text
    assert API_KEY not in text
    assert CLIENT_ID not in text
    assert "tok1ZZ9" not in text
    assert BASE in text


def test_two_clients_keep_separate_tokens(clock: Clock) -> None:
    first_api, second_api = FakeApi(), FakeApi()
    first = make_client(first_api, clock)
    second = make_client(second_api, clock)

    first.incoming_payments.get(payment_url())
    second.incoming_payments.get(payment_url())
    second.incoming_payments.get(payment_url())

    assert first_api.tokens_issued == ["tok1ZZ9"]
    assert second_api.tokens_issued == ["tok1ZZ9"]
    assert first.transport is not second.transport


def test_context_manager_closes_transport(api: FakeApi, clock: Clock) -> None:
    with make_client(api, clock) as client:
        client.incoming_payments.get(payment_url())
    assert api.closed


def test_threads_share_one_token_fetch(api: FakeApi, clock: Clock) -> None:
    client = make_client(api, clock)
    barrier = threading.Barrier(8)
    statuses: list[str] = []

    def worker() -> None:
        barrier.wait()
        statuses.append(client.incoming_payments.get(payment_url()).data.attributes.status)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert statuses == ["Pending"] * 8
    assert api.paths().count("POST /oauth/token") == 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("client_id", "", ValueError),
        ("client_secret", "   ", ValueError),
        ("client_secret", None, TypeError),
        ("api_key", 12, TypeError),
        ("retry", {"max_attempts": 2}, TypeError),
        ("timeout", "30", TypeError),
    ],
)
def test_constructor_rejects_bad_arguments(
    api: FakeApi, clock: Clock, field: str, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=field if field != "timeout" else "timeout"):
        make_client(api, clock, **{field: value})


def test_http_base_url_rejected_for_remote_host(api: FakeApi, clock: Clock) -> None:
    with pytest.raises(UnsafeUrlError):
        make_client(api, clock, base_url="http://k2.test")


def test_tokens_namespace_requests_fresh_token(client: Client, api: FakeApi) -> None:
    token = client.tokens.request()

    assert token.access_token == "tok1ZZ9"
    assert "tok1ZZ9" not in repr(token)
    assert api.bearer_tokens() == [None]
