"""Signed POSTs of result callbacks and webhook events, to loopback addresses only.

`sign(body, api_key)` computes the `X-KopoKopo-Signature` value: the lowercase hex
HMAC-SHA256 of the exact body bytes, keyed with the API key. It is written here rather than
taken from the SDK so that the emulator checks the SDK's verification independently.

`post_signed(url, body, api_key)` sends one POST and returns a `Delivery` record; it never
raises for network errors. A URL whose host is not loopback (`localhost`, `127.0.0.0/8`,
`::1`) is never contacted: the delivery is recorded as refused and a warning is logged.
`Sender` runs deliveries on a small thread pool and keeps every record.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from k2core.config import is_loopback_host

__all__ = ["Delivery", "Sender", "post_signed", "sign"]

logger = logging.getLogger("k2io.emulator")

SIGNATURE_HEADER = "X-KopoKopo-Signature"
USER_AGENT = "k2-emulator"


@dataclass(frozen=True)
class Delivery:
    """One attempted POST of a signed body.

    `status` is the receiver's HTTP status, or None when no response arrived. `error`
    states why the POST failed or was not sent. `refused` is true when the host was not
    loopback, so nothing was sent.
    """

    url: str
    body: bytes = field(repr=False)
    signature: str = field(repr=False)
    kind: str
    status: int | None
    error: str | None
    refused: bool
    time: float

    @property
    def ok(self) -> bool:
        """Whether the receiver responded with a 2xx status."""
        return self.status is not None and 200 <= self.status < 300


def sign(body: bytes, api_key: str) -> str:
    """Return the lowercase hex HMAC-SHA256 of `body` keyed with `api_key`."""
    return hmac.new(api_key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post_signed(
    url: str,
    body: bytes,
    api_key: str,
    *,
    kind: str = "result",
    timeout: float = 5.0,
    ssl_context: ssl.SSLContext | None = None,
) -> Delivery:
    """POST `body` to `url` with its signature if the host is loopback; record the outcome."""
    signature = sign(body, api_key)

    def record(status: int | None, error: str | None, refused: bool = False) -> Delivery:
        return Delivery(url, body, signature, kind, status, error, refused, time.time())

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return record(None, "the URL is not a valid absolute URL", refused=True)
    if parts.scheme not in ("http", "https") or not host:
        return record(None, "the URL is not an absolute http or https URL", refused=True)
    if not is_loopback_host(host):
        logger.warning(
            "%s not sent: host %s is not a loopback address, and the emulator sends only to "
            "loopback addresses",
            kind,
            host,
        )
        return record(None, f"host {host} is not a loopback address", refused=True)

    connection = _connection(parts.scheme, host, port, timeout, ssl_context)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature,
    }
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as exc:
        logger.warning("%s to %s:%s failed: %s", kind, host, port, type(exc).__name__)
        return record(None, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    logger.debug("%s to %s:%s returned status %s", kind, host, port, response.status)
    return record(response.status, None)


def _connection(
    scheme: str, host: str, port: int | None, timeout: float, context: ssl.SSLContext | None
) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    return http.client.HTTPConnection(host, port, timeout=timeout)


class Sender:
    """Sends signed bodies in the background and records every delivery."""

    def __init__(
        self,
        api_key: str,
        *,
        timeout: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._api_key = api_key
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="k2-emulator-callback")
        self._deliveries: list[Delivery] = []
        self._changed = threading.Condition()

    def send(self, url: str, body: bytes, *, kind: str = "result") -> Future[Delivery]:
        """Queue one signed POST; the future yields its `Delivery`."""
        return self._pool.submit(self.send_now, url, body, kind=kind)

    def send_now(self, url: str, body: bytes, *, kind: str = "result") -> Delivery:
        """POST one signed body now, record the delivery and return it."""
        delivery = post_signed(
            url,
            body,
            self._api_key,
            kind=kind,
            timeout=self._timeout,
            ssl_context=self._ssl_context,
        )
        with self._changed:
            self._deliveries.append(delivery)
            self._changed.notify_all()
        return delivery

    def deliveries(self) -> list[Delivery]:
        """Return every delivery recorded so far, oldest first."""
        with self._changed:
            return list(self._deliveries)

    def wait(self, predicate: Callable[[list[Delivery]], bool], timeout: float) -> bool:
        """Wait until `predicate(deliveries)` holds; return False if `timeout` seconds pass."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self._deliveries), timeout)

    def close(self) -> None:
        """Finish queued deliveries and stop the pool."""
        self._pool.shutdown(wait=True, cancel_futures=True)
