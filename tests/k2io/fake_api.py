"""A scripted stand-in for the K2 API, plugged into the client through `CallableTransport`.

`FakeApi` answers the token endpoint, STK push creates and status queries from memory, records
every request it receives, and plays queued `script` entries first: a `Response` to return or
an exception to raise, for the next request whose path starts with the entry's prefix.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from k2core.http import Headers, Request, Response
from k2io.transports import CallableTransport, Timeout

BASE = "https://k2.test"
CLIENT_ID = "cid-7a1b2c3d4e5f"
CLIENT_SECRET = "sec-RIVERBANK-3345-very-secret"
API_KEY = "key-LANTERN-7731-also-secret"
PHONE = "+254711222333"


def status_body(payment_id: str, status: str) -> bytes:
    document = {
        "data": {
            "id": payment_id,
            "type": "incoming_payment",
            "attributes": {
                "initiation_time": "2026-02-03T08:15:00.120+03:00",
                "status": status,
                "event": {"type": "Incoming Payment Request", "resource": None, "errors": None},
                "metadata": None,
                "_links": {
                    "callback_url": "https://shop.test/k2/result",
                    "self": f"{BASE}/api/v2/incoming_payments/{payment_id}",
                },
            },
        }
    }
    return json.dumps(document).encode()


class FakeApi:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.tokens_issued: list[str] = []
        self.valid_tokens: set[str] = set()
        self.statuses: list[str] = ["Pending"]
        self.script: list[tuple[str, Callable[[], Response]]] = []
        self.closed = False
        self._lock = threading.Lock()

    def transport(self) -> CallableTransport:
        return CallableTransport(self.handle, on_close=self._close)

    def _close(self) -> None:
        self.closed = True

    def queue(self, prefix: str, outcome: Response | BaseException, times: int = 1) -> None:
        def play() -> Response:
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome

        self.script.extend((prefix, play) for _ in range(times))

    def handle(self, request: Request, timeout: Timeout) -> Response:
        path = urlsplit(request.url).path
        with self._lock:
            self.requests.append(request)
            for index, (prefix, play) in enumerate(self.script):
                if path.startswith(prefix):
                    del self.script[index]
                    return play()
        if path == "/oauth/token":
            return self._token(request)
        if not self._authorized(request):
            body = b'{"error_code": "ExpiredAccessToken", "error_message": "token expired"}'
            return Response(401, Headers({"Content-Type": "application/json"}), body)
        if path == "/api/v2/incoming_payments" and request.method == "POST":
            location = f"{BASE}/api/v2/incoming_payments/pay-{len(self.requests)}"
            return Response(201, Headers({"Location": location}))
        if path.startswith("/api/v2/incoming_payments/"):
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            return Response(200, Headers(), status_body(path.rsplit("/", 1)[1], status))
        return Response(404, Headers(), b'{"error_message": "not found"}')

    def _token(self, request: Request) -> Response:
        form = parse_qs(request.body.decode())
        if form.get("client_secret") != [CLIENT_SECRET]:
            return Response(401, Headers(), b'{"error": "invalid_client"}')
        token = f"tok{len(self.tokens_issued) + 1}ZZ9"
        self.tokens_issued.append(token)
        self.valid_tokens.add(token)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        return Response(200, Headers(), json.dumps(body).encode())

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization") or ""
        return header.removeprefix("Bearer ") in self.valid_tokens

    def paths(self) -> list[str]:
        return [f"{r.method} {urlsplit(r.url).path}" for r in self.requests]

    def bearer_tokens(self) -> list[str | None]:
        return [r.headers.get("Authorization") for r in self.requests]
