"""The default transport: urllib3 with pooled keep-alive connections, safe to share by threads.

`Urllib3Transport.send` writes the request once with urllib3's retries and redirects turned
off, reads the whole body, and returns a `k2core.Response`. urllib3 exceptions become
`k2io.TransportError` subclasses with the cause chained:

- a refused connection or an unresolvable host: `ConnectError` (not sent);
- a failed TLS handshake, such as an untrusted certificate: `TLSError` (not sent);
- no connection within the connect timeout: `ConnectTimeoutError` (not sent);
- no response within the read timeout: `ReadTimeoutError` (may have been sent);
- a reset or close during the exchange: `ConnectionDroppedError` (may have been sent).

It never reads proxy settings from the environment, so requests go only to the URL's host.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import urllib3
from urllib3 import exceptions as urllib3_errors

from k2core.http import Headers, Request, Response
from k2io.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TLSError,
    TransportError,
)
from k2io.transports.base import TimeoutInput, as_timeout

__all__ = ["Urllib3Transport"]


class Urllib3Transport:
    """A thread-safe transport over a `urllib3.PoolManager`.

    `ssl_context` replaces the default certificate verification, for example to trust a
    private CA. `pool_size` is the number of connections kept open per host.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, pool_size: int = 10) -> None:
        if pool_size < 1:
            raise ValueError(f"pool_size must be 1 or more, got {pool_size}")
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=pool_size,
            block=False,
            retries=False,
            ssl_context=ssl_context,
        )

    def send(self, request: Request, *, timeout: TimeoutInput) -> Response:
        """Send `request` once and return the response, whatever its status."""
        limits = as_timeout(timeout)
        where = _host_and_port(request.url)
        # NOTE: urllib3 checks a pooled connection before reusing it, but a server can still
        # close an idle one in the same instant. That failure looks like a dropped connection
        # after sending, so a create on it raises OutcomeUnknownError although nothing arrived.
        try:
            answer = self._pool.urlopen(
                request.method,
                request.url,
                body=request.body or None,
                headers=dict(request.headers.items()),
                retries=False,
                redirect=False,
                timeout=urllib3.Timeout(connect=limits.connect, read=limits.read),
                preload_content=True,
            )
        except urllib3_errors.HTTPError as exc:
            raise _translate(exc, where) from exc

        return Response(answer.status, Headers(answer.headers.iteritems()), answer.data)

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def __repr__(self) -> str:
        return "Urllib3Transport()"


def _translate(exc: urllib3_errors.HTTPError, where: str) -> TransportError:
    if isinstance(exc, urllib3_errors.MaxRetryError) and isinstance(
        exc.reason, urllib3_errors.HTTPError
    ):
        return _translate(exc.reason, where)

    # The order matters: NewConnectionError subclasses ConnectTimeoutError in urllib3 2.x.
    if isinstance(exc, urllib3_errors.NewConnectionError):
        return ConnectError(f"could not connect to {where}: {_reason(exc)}")
    if isinstance(exc, urllib3_errors.ConnectTimeoutError):
        return ConnectTimeoutError(f"connecting to {where} timed out")
    if isinstance(exc, urllib3_errors.SSLError):
        return TLSError(f"TLS handshake with {where} failed: {_reason(exc)}")
    if isinstance(exc, urllib3_errors.ReadTimeoutError):
        return ReadTimeoutError(f"reading the response from {where} timed out")
    if isinstance(exc, urllib3_errors.LocationValueError):
        return ConnectError(f"invalid URL for {where}: {exc}")
    return ConnectionDroppedError(
        f"connection to {where} failed during the exchange: {_reason(exc)}"
    )


def _reason(exc: BaseException) -> str:
    # urllib3 messages can repeat the connection object's repr; the innermost cause is shorter.
    inner: BaseException = exc
    while isinstance(inner, urllib3_errors.HTTPError) and inner.__context__ is not None:
        inner = inner.__context__
    if isinstance(exc, urllib3_errors.ProtocolError) and len(exc.args) > 1:
        second = exc.args[1]
        if isinstance(second, BaseException):
            inner = second
    return f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__


def _host_and_port(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "an invalid URL"
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    return f"{parts.hostname}:{port}"
