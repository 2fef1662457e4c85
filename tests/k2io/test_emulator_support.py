"""Plain-HTTP helpers for the emulator tests: a raw client and a callback receiver.

The helpers talk to the emulator with `http.client`, not the SDK, so the tests check the
emulator's wire behaviour on its own terms.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

from k2io.emulator import Emulator


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body, parse_float=Decimal)


def call(
    emu: Emulator,
    method: str,
    target: str,
    *,
    body: object = None,
    raw: bytes | None = None,
    token: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """Send one request to the emulator; `target` is a path or an absolute emulator URL."""
    parts = urlsplit(target if target.startswith("http") else emu.base_url + target)
    sent = {"Accept": "application/json"}
    payload = raw
    if body is not None:
        payload = json.dumps(body, default=str).encode()
        sent["Content-Type"] = "application/json"
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, parts.path, body=payload, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def token_for(emu: Emulator) -> str:
    """Fetch an access token with the emulator's credentials (form-encoded, as documented)."""
    form = urlencode(
        {
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
            "grant_type": "client_credentials",
        }
    ).encode()
    answer = call(
        emu,
        "POST",
        "/oauth/token",
        raw=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 200, answer.body
    return str(answer.json()["access_token"])


@dataclass
class Posted:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A loopback server that records POSTs and responds to each with `status`."""

    def __init__(self, status: int = 200) -> None:
        self.posted: list[Posted] = []
        self.status = status
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._changed:
                    receiver.posted.append(Posted(self.path, dict(self.headers.items()), body))
                    receiver._changed.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def wait(self, count: int, timeout: float = 5.0) -> list[Posted]:
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.posted) >= count, timeout)
            assert arrived, f"{len(self.posted)} of {count} POSTs arrived"
            return list(self.posted)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving(status: int = 200) -> Iterator[Receiver]:
    receiver = Receiver(status)
    try:
        yield receiver
    finally:
        receiver.close()


def stk_body(callback_url: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "payment_channel": "M-PESA STK Push",
        "till_number": "K445566",
        "subscriber": {
            "first_name": "Wanjiku",
            "last_name": "Kamau",
            "phone_number": "+254722334455",
            "email": "wanjiku@example.org",
        },
        "amount": {"currency": "KES", "value": 875},
        "metadata": {"invoice": "INV-77"},
        "_links": {"callback_url": callback_url},
    }
    body.update(changes)
    return body


def valid_bodies(callback_url: str) -> dict[str, dict[str, Any]]:
    """One valid create body per resource kind, with values of our own."""
    return {
        "webhook_subscriptions": {
            "event_type": "customer_created",
            "url": callback_url,
            "scope": "company",
            "scope_reference": None,
            "enable_daraja_payload": False,
        },
        "incoming_payments": stk_body(callback_url),
        "external_recipients": {
            "type": "paybill",
            "external_recipient": {
                "paybill_name": "Nairobi Water",
                "paybill_number": "888880",
                "paybill_account_number": "ACC-31",
            },
        },
        "merchant_wallets": {
            "first_name": "Otieno",
            "last_name": "Odhiambo",
            "phone_number": "254711223344",
            "network": "Safaricom",
        },
        "merchant_bank_accounts": {
            "account_name": "Kamau Stores",
            "account_number": "5566778899",
            "bank_branch_ref": "0f1e2d3c-aaaa-4bbb-8ccc-123456789abc",
            "settlement_method": "RTS",
        },
        "send_money": {
            "destinations": [
                {
                    "type": "till",
                    "till_number": "123987",
                    "amount": 40,
                    "description": "Stock",
                }
            ],
            "currency": "KES",
            "_links": {"callback_url": callback_url},
        },
        "polling": {
            "scope": "company",
            "from_time": "2026-01-02T08:00:00+03:00",
            "to_time": "2026-01-02T09:00:00+03:00",
            "_links": {"callback_url": callback_url},
        },
        "reversals": {
            "transaction_reference": "QWE1234567",
            "reason": "Duplicate",
            "_links": {"callback_url": callback_url},
        },
        "payment_links": {
            "till_number": "445566",
            "currency": "KES",
            "amount": 1200,
            "_links": {"callback_url": callback_url},
        },
    }
