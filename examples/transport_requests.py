"""Plug a `requests` session into the k2 client as its transport.

Run it: `python examples/transport_requests.py` starts a local K2 emulator, sends an STK push
request through `requests`, and prints the payment's status. It needs `pip install requests`.

The function below is the whole transport. It maps each `requests` failure to the k2 error
that states whether the request may have reached the server, because the client's retry
policy depends on that.
"""

from __future__ import annotations

from decimal import Decimal

import requests
from urllib3.exceptions import NewConnectionError

import k2core
from k2io import Client, transports
from k2io.emulator import Emulator
from k2io.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TLSError,
)


def requests_transport(session: requests.Session | None = None) -> transports.CallableTransport:
    """Return a transport that sends each request with `session` (a new one by default)."""
    http = session or requests.Session()
    http.trust_env = False  # no proxies or .netrc from the environment: send only to the URL

    def send(request: k2core.Request, timeout: transports.Timeout) -> k2core.Response:
        try:
            answer = http.request(
                request.method,
                request.url,
                data=request.body or None,
                headers=dict(request.headers.items()),
                timeout=(timeout.connect, timeout.read),
                allow_redirects=False,
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise ConnectTimeoutError(f"connect timed out: {exc}") from exc
        except requests.exceptions.SSLError as exc:
            raise TLSError(f"TLS handshake failed: {exc}") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise ReadTimeoutError(f"read timed out: {exc}") from exc
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise ConnectError(f"could not connect: {exc}") from exc
            raise ConnectionDroppedError(f"connection dropped: {exc}") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise ConnectionDroppedError(f"response cut short: {exc}") from exc

        # `answer.raw.headers` keeps repeated headers apart; `answer.headers` joins them.
        headers = k2core.Headers(answer.raw.headers.items())
        return k2core.Response(answer.status_code, headers, answer.content)

    return transports.CallableTransport(send, on_close=http.close)


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def main() -> None:
    with (
        Emulator() as emulator,
        Client(
            client_id=emulator.client_id,
            client_secret=emulator.client_secret,
            base_url=emulator.base_url,
            transport=requests_transport(),
        ) as client,
    ):
        url = client.incoming_payments.create(
            payment_channel="M-PESA STK Push",
            till_number="K556677",
            first_name="Wanjiru",
            last_name="Otieno",
            phone_number="+254700111222",
            amount=Decimal("250.00"),
            callback_url="http://127.0.0.1:9/callback",
        )
        print("created", url)
        print("status", client.incoming_payments.get(url).data.attributes.status)


if __name__ == "__main__":
    main()
