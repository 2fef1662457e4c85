"""Logging: what the client logs for each request and retry, and that no secret ever appears."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

import pytest

from k2core.retry import RetryPolicy
from k2io import Client, OutcomeUnknownError, Timeout
from k2io.emulator import Emulator

PHONE_DIGITS = "722334455"
PHONES = [f"+254{PHONE_DIGITS}", f"254{PHONE_DIGITS}", f"0{PHONE_DIGITS}", PHONE_DIGITS]
CALLBACK = "http://127.0.0.1:9/k2/result?order=81"


def test_logger_has_null_handler() -> None:
    handlers = logging.getLogger("k2io").handlers

    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)


def _full_run(emulator: Emulator) -> tuple[list[str], str]:
    client = Client(
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        retry=RetryPolicy(initial_delay=0.01, max_delay=0.02),
        timeout=Timeout(connect=2.0, read=0.3),
    )
    with client:
        url = client.incoming_payments.create(
            till_number="K445566",
            first_name="Njeri",
            last_name="Kamau",
            phone_number=PHONES[0],
            amount=Decimal("730"),
            callback_url=CALLBACK,
        )
        emulator.inject("/api/v2/incoming_payments/*", "status", method="GET", status=503)
        emulator.inject("/api/v2/incoming_payments/*", "expire_token", method="GET")
        client.incoming_payments.wait(url, timeout=10, poll_interval=0.02)
        client.send_money.create(
            destinations=[
                {
                    "type": "mobile_wallet",
                    "phone_number": PHONES[1],
                    "amount": Decimal("10"),
                    "description": "Change",
                }
            ],
            callback_url=CALLBACK,
        )
        emulator.inject("/api/v2/incoming_payments", "delay", method="POST", seconds=0.6)
        with pytest.raises(OutcomeUnknownError) as caught:
            client.incoming_payments.create(
                till_number="K445566",
                first_name="Njeri",
                last_name="Kamau",
                phone_number=PHONES[2],
                amount=Decimal("5"),
                callback_url=CALLBACK,
            )
        shown = f"{client!r} {client.tokens!r} {caught.value} {caught.value.__cause__}"

    tokens = {
        request.headers.get("Authorization", "").removeprefix("Bearer ")
        for request in emulator.requests
    } - {""}
    assert tokens
    return sorted(tokens), shown


def test_full_run_logs_no_secret_or_phone(
    k2_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="k2io")

    tokens, shown = _full_run(k2_emulator)

    text = "\n".join(record.getMessage() for record in caplog.records) + "\n" + shown
    secrets = [k2_emulator.client_secret, k2_emulator.api_key, *tokens, *PHONES, "order=81"]
    for secret in secrets:
        assert secret not in text, f"{secret!r} appeared in the log or a repr"
    assert not re.search(r"\+?254\d{9}", text)


def test_debug_line_per_request(k2_emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="k2io")

    _full_run(k2_emulator)

    lines = _messages(caplog, logging.DEBUG)
    token_line = re.compile(
        r"POST /oauth/token -> 200 in \d+\.\d{3} s \(attempt 1, tokens\.request_token\)"
    )
    assert any(token_line.fullmatch(line) for line in lines)
    assert any(line.startswith("GET /api/v2/incoming_payments/") for line in lines)
    assert any("-> 503" in line for line in lines)
    assert any("-> 401" in line and "(attempt 2, incoming_payments.get)" in line for line in lines)
    assert any("-> ReadTimeoutError" in line for line in lines)


def test_warning_per_retry(k2_emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="k2io")

    _full_run(k2_emulator)

    warnings = _messages(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert warnings[0].startswith("retrying GET /api/v2/incoming_payments/")
    assert "after attempt 1 of 4: HTTP 503" in warnings[0]


def _messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "k2io" and record.levelno == level
    ]
