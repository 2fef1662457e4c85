"""Plug an `httpx.Client` into the k2 client as its transport.

Run it: `python examples/transport_httpx.py` starts a local K2 emulator, sends an STK push
request through `httpx`, and prints the payment's status. It needs `pip install httpx`.

The function below is the whole transport. Each `httpx` failure becomes the k2 error that
states whether the request may have reached the server, because the client's retry policy
depends on that.
"""

from __future__ import annotations

from decimal import Decimal

import httpx

import k2core
from k2io import Client, transports
from k2io.emulator import Emulator
from k2io.errors import ConnectError, ConnectionDroppedError, ConnectTimeoutError, ReadTimeoutError


def httpx_transport(session: httpx.Client | None = None) -> transports.CallableTransport:
    """Return a transport that sends each request with `session` (a new client by default)."""
    http = session or httpx.Client(trust_env=False, follow_redirects=False)

    def send(request: k2core.Request, timeout: transports.Timeout) -> k2core.Response:
        limits = httpx.Timeout(
            connect=timeout.connect, read=timeout.read, write=timeout.read, pool=timeout.connect
        )
        try:
            answer = http.request(
                request.method,
                request.url,
                content=request.body or None,
                headers=list(request.headers.items()),
                timeout=limits,
                follow_redirects=False,
            )
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ConnectTimeoutError(f"connect timed out: {exc}") from exc
        except httpx.ConnectError as exc:  # refused, unresolvable, or a failed TLS handshake
            raise ConnectError(f"could not connect: {exc}") from exc
        except httpx.TimeoutException as exc:  # read or write timeout, after connecting
            raise ReadTimeoutError(f"timed out: {exc}") from exc
        except httpx.TransportError as exc:  # reset, closed or malformed response
            raise ConnectionDroppedError(f"connection dropped: {exc}") from exc

        return k2core.Response(
            answer.status_code, k2core.Headers(answer.headers.multi_items()), answer.content
        )

    return transports.CallableTransport(send, on_close=http.close)


def main() -> None:
    with (
        Emulator() as emulator,
        Client(
            client_id=emulator.client_id,
            client_secret=emulator.client_secret,
            base_url=emulator.base_url,
            transport=httpx_transport(),
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
