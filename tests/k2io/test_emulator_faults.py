"""Fault injection: each fault changes the response as documented, as many times as requested."""

from __future__ import annotations

import http.client
import time

import pytest
from test_emulator_support import call, stk_body, token_for

from k2io.emulator import Emulator

CALLBACK = "http://127.0.0.1:9/callbacks"
CREATE = "/api/v2/incoming_payments"


def test_status_fault_replaces_processing(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    fault = k2_emulator.inject(CREATE, "status", status=503)

    failed = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)
    passed = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)

    assert failed.status == 503
    assert failed.json() == {"error_code": 503, "error_message": "Service Unavailable"}
    assert passed.status == 201
    assert fault.hits == 1
    assert k2_emulator.created("incoming_payments") == 1
    assert k2_emulator.requests[1].fault == "status"


def test_status_fault_with_body_and_headers(k2_emulator: Emulator) -> None:
    k2_emulator.inject("/oauth/token", "status", status=500, body="oops", headers={"X-Trace": "7"})

    answer = call(k2_emulator, "POST", "/oauth/token", body={})

    assert answer.status == 500
    assert answer.body == b"oops"
    assert answer.headers["X-Trace"] == "7"


def test_rate_limit_fault(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject(CREATE, "rate_limit", retry_after=7)

    answer = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)

    assert answer.status == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json()["error_code"] == 429
    assert k2_emulator.created("incoming_payments") == 0


def test_delay_fault_processes_before_answering(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject(CREATE, "delay", seconds=0.4)

    started = time.monotonic()
    answer = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)
    elapsed = time.monotonic() - started

    assert answer.status == 201
    assert elapsed >= 0.4
    assert k2_emulator.created("incoming_payments") == 1


def test_drop_before_read_creates_nothing(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject(CREATE, "drop_before_read")

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)

    assert k2_emulator.created("incoming_payments") == 0
    (dropped,) = k2_emulator.requests.matching("POST", CREATE)
    assert dropped.fault == "drop_before_read"
    assert dropped.body == b""


def test_drop_after_read_creates_the_resource(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject(CREATE, "drop_after_read")

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)

    assert k2_emulator.created("incoming_payments") == 1


def test_html_error_fault(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject("/api/v2/incoming_payments/*", "html_error", method="GET", status=504)
    location = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token).headers[
        "Location"
    ]

    answer = call(k2_emulator, "GET", location, token=token)

    assert answer.status == 504
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.body.startswith(b"<html>")


def test_no_location_fault(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject(CREATE, "no_location")

    answer = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)

    assert answer.status == 201
    assert answer.headers.get("Location") is None
    assert k2_emulator.created("incoming_payments") == 1


def test_expire_token_fault(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    k2_emulator.inject(CREATE, "expire_token")

    expired = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)
    renewed = call(
        k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token_for(k2_emulator)
    )

    assert expired.status == 401
    assert expired.json()["error_message"] == "ExpiredAccessToken"
    assert renewed.status == 201


def test_fault_method_filter_and_unlimited_times(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    fault = k2_emulator.inject("/api/v2/*", "status", method="get", times=None, status=502)

    created = call(k2_emulator, "POST", CREATE, body=stk_body(CALLBACK), token=token)
    statuses = [
        call(k2_emulator, "GET", created.headers["Location"], token=token).status for _ in range(3)
    ]

    assert created.status == 201
    assert statuses == [502, 502, 502]
    assert fault.hits == 3


def test_fault_applies_given_times(k2_emulator: Emulator) -> None:
    k2_emulator.inject("/oauth/token", "rate_limit", times=2)

    statuses = [call(k2_emulator, "POST", "/oauth/token", body={}).status for _ in range(3)]

    assert statuses == [429, 429, 400]


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        (("/x", "explode"), {}, "unknown fault"),
        (("/x", "delay"), {"status": 500}, "has no option 'status'"),
        (("x", "delay"), {}, "must start with '/'"),
        (("/x", "delay"), {"times": 0}, "times must be at least 1"),
        (("/x", "status"), {"status": 99}, "status must be an int from 100 to 599"),
        (("/x", "html_error"), {"status": "502"}, "status must be an int from 100 to 599"),
        (("/x", "delay"), {"seconds": -1}, "seconds must be a finite number"),
        (("/x", "delay"), {"seconds": float("nan")}, "seconds must be a finite number"),
    ],
)
def test_inject_rejects_bad_arguments(
    k2_emulator: Emulator, arguments: tuple[str, str], options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        k2_emulator.inject(*arguments, **options)  # type: ignore[arg-type]


def test_expire_tokens_method(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)

    expired = k2_emulator.expire_tokens()
    answer = call(k2_emulator, "GET", "/oauth/token/info", token=token)

    assert expired == 1
    assert answer.status == 401
    assert answer.json()["error"] == "invalid_token"
