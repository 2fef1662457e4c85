"""The `Transport` protocol and the `Timeout` value every transport receives.

A transport sends one `k2core.Request` and returns the `k2core.Response` exactly as received:
any status, headers in the one `k2core.Headers` shape, the whole body as bytes. It raises only
`k2io.TransportError` subclasses for network failures, with the backend's exception chained,
and sets `may_have_been_sent` to whether the server may have received the request. It
never follows redirects, never retries and never adds or logs credentials.
"""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import msgspec

from k2core.http import Request, Response

__all__ = ["Timeout", "TimeoutInput", "Transport", "as_timeout"]


class Timeout(msgspec.Struct, frozen=True, kw_only=True):
    """Timeouts in seconds.

    `connect` bounds opening the connection, the TLS handshake included. `read` bounds each
    wait for data from the server once the request is written; a server that keeps sending
    slowly can take longer in total.
    """

    connect: float = 5.0
    read: float = 30.0

    def __post_init__(self) -> None:
        for name in ("connect", "read"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"Timeout.{name} must be a number of seconds")
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"Timeout.{name} must be a positive finite number, got {value!r}")


TimeoutInput = Timeout | float


def as_timeout(value: TimeoutInput) -> Timeout:
    """Return `value` as a `Timeout`; a number sets both the connect and the read timeout."""
    if isinstance(value, Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"timeout must be a Timeout or a number of seconds, not {value!r}")
    return Timeout(connect=float(value), read=float(value))


@runtime_checkable
class Transport(Protocol):
    """Sends requests over HTTP. Implementations must be safe to call from several threads."""

    def send(self, request: Request, *, timeout: TimeoutInput) -> Response:
        """Send `request` once and return the response, whatever its status.

        Raises a `k2io.TransportError` subclass when no complete response arrived.
        """
        ...

    def close(self) -> None:
        """Release connections. The transport is not used again afterwards."""
        ...
