"""A transport built on `http.client` alone, for installs that want no third-party HTTP code.

`StdlibTransport.send` opens one connection per request (no pooling), so it is safe to share by
threads. Connecting, the TLS handshake included, is bounded by the connect timeout; every later
socket operation by the read timeout. Exceptions become `k2io.TransportError` subclasses with
the cause chained:

- while connecting: `ConnectTimeoutError`, `TLSError` or `ConnectError` (not sent);
- after connecting: `ReadTimeoutError` or `ConnectionDroppedError` (may have been sent).

It follows no redirects and uses no proxy.
"""

from __future__ import annotations

import http.client
import ssl
from urllib.parse import SplitResult, urlsplit

from k2core.http import Headers, Request, Response
from k2io.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TLSError,
    TransportError,
)
from k2io.transports.base import Timeout, TimeoutInput, as_timeout

__all__ = ["StdlibTransport"]


class StdlibTransport:
    """A transport over `http.client`, one connection per request.

    `ssl_context` replaces the default certificate verification, for example to trust a
    private CA.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl_context = ssl_context or ssl.create_default_context()

    def send(self, request: Request, *, timeout: TimeoutInput) -> Response:
        """Send `request` once and return the response, whatever its status."""
        limits = as_timeout(timeout)
        parts = _split(request.url)
        where = f"{parts.hostname}:{_port(parts)}"
        connection = self._connect(parts, limits, where)
        try:
            return _exchange(connection, request, parts, limits, where)
        finally:
            connection.close()

    def close(self) -> None:
        """Do nothing: no connection outlives the request that opened it."""

    def __repr__(self) -> str:
        return "StdlibTransport()"

    def _connect(
        self, parts: SplitResult, limits: Timeout, where: str
    ) -> http.client.HTTPConnection:
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, _port(parts), timeout=limits.connect, context=self._ssl_context
            )
        else:
            connection = http.client.HTTPConnection(host, _port(parts), timeout=limits.connect)

        try:
            connection.connect()
        except TimeoutError as exc:
            connection.close()
            raise ConnectTimeoutError(f"connecting to {where} timed out") from exc
        except ssl.SSLError as exc:  # includes ssl.SSLCertVerificationError
            connection.close()
            raise TLSError(f"TLS handshake with {where} failed: {exc}") from exc
        except OSError as exc:
            connection.close()
            raise ConnectError(f"could not connect to {where}: {_describe(exc)}") from exc
        return connection


def _exchange(
    connection: http.client.HTTPConnection,
    request: Request,
    parts: SplitResult,
    limits: Timeout,
    where: str,
) -> Response:
    if connection.sock is not None:
        connection.sock.settimeout(limits.read)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"

    try:
        connection.putrequest(request.method, target, skip_accept_encoding=True)
        for name, value in request.headers.items():
            connection.putheader(name, value)
        needs_length = request.body or request.method in ("POST", "PUT", "PATCH")
        if needs_length and "Content-Length" not in request.headers:
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body or None)
        answer = connection.getresponse()
        body = answer.read()
    except TimeoutError as exc:
        raise ReadTimeoutError(f"reading the response from {where} timed out") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise _dropped(exc, where) from exc

    return Response(answer.status, Headers(answer.getheaders()), body)


def _dropped(exc: BaseException, where: str) -> TransportError:
    return ConnectionDroppedError(
        f"connection to {where} failed during the exchange: {_describe(exc)}"
    )


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for an invalid port
    except ValueError as exc:
        raise ConnectError(f"invalid URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectError("invalid URL: expected an absolute http or https URL")
    return parts


def _port(parts: SplitResult) -> int:
    if parts.port is not None:
        return parts.port
    return 443 if parts.scheme == "https" else 80
