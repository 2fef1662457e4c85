"""Errors of the shell: transport failures, unknown outcomes and waits that ran out of time.

These extend the tree rooted at `k2core.K2Error`::

    K2Error
    ├── TransportError             the request could not be completed over the network
    │   ├── ConnectError               no connection: refused, unresolvable host (not sent)
    │   │   └── TLSError                   the TLS handshake failed (not sent)
    │   ├── ConnectTimeoutError        no connection within the connect timeout (not sent)
    │   ├── ReadTimeoutError           no response within the read timeout (may have been sent)
    │   └── ConnectionDroppedError     the connection broke during the exchange (may have been sent)
    ├── OutcomeUnknownError        a request that is not safe to repeat may have taken effect
    └── WaitTimeoutError           a resource did not reach a final status in time

`may_have_been_sent` is the fact the retry policy depends on: false only when the request
provably never reached the server. Messages name the host and port, never the path, query,
headers or body. Every error here can be pickled.
"""

from __future__ import annotations

from k2core.errors import K2Error

__all__ = [
    "ConnectError",
    "ConnectTimeoutError",
    "ConnectionDroppedError",
    "OutcomeUnknownError",
    "ReadTimeoutError",
    "TLSError",
    "TransportError",
    "WaitTimeoutError",
]


class TransportError(K2Error):
    """The request could not be completed over the network.

    `may_have_been_sent` is true when the server may have received the request, and acted on
    it, before the failure. Transports raise the most specific subclass and chain the cause.
    """

    def __init__(self, message: str, *, may_have_been_sent: bool = True) -> None:
        self.may_have_been_sent = may_have_been_sent
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_transport_error, (type(self), str(self), self.may_have_been_sent))


def _rebuild_transport_error(
    cls: type[TransportError], message: str, may_have_been_sent: bool
) -> TransportError:
    error = cls.__new__(cls)
    TransportError.__init__(error, message, may_have_been_sent=may_have_been_sent)
    return error


class ConnectError(TransportError):
    """No connection could be opened, so nothing was sent."""

    def __init__(self, message: str, *, may_have_been_sent: bool = False) -> None:
        super().__init__(message, may_have_been_sent=may_have_been_sent)


class TLSError(ConnectError):
    """The TLS handshake failed, for example on an untrusted certificate. Nothing was sent."""


class ConnectTimeoutError(TransportError):
    """No connection was established within the connect timeout, so nothing was sent."""

    def __init__(self, message: str, *, may_have_been_sent: bool = False) -> None:
        super().__init__(message, may_have_been_sent=may_have_been_sent)


class ReadTimeoutError(TransportError):
    """The request was sent but no complete response arrived within the read timeout."""


class ConnectionDroppedError(TransportError):
    """The connection was reset or closed while sending the request or reading the response."""


class OutcomeUnknownError(K2Error):
    """A request that is not safe to repeat may or may not have taken effect.

    The client does not send it again, because that could create a second payment or resource.
    `operation` names the request (`"incoming_payments.create"`); the cause (a
    `TransportError` or a `k2core.ServerError`) is chained as `__cause__`.
    """

    def __init__(self, operation: str, detail: str) -> None:
        self.operation = operation
        self.detail = detail
        name = operation or "the request"
        super().__init__(
            f"{name} may or may not have taken effect ({detail}). It was not sent again, "
            "because repeating it could act twice. Query the resource if you have its URL, or "
            "wait for the result callback, before deciding to send it again."
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.operation, self.detail))


class WaitTimeoutError(K2Error):
    """A resource did not reach a final status before the wait's timeout.

    `url` is the resource URL and `last_status` the status seen in the last query, if any.
    """

    def __init__(self, url: str, timeout: float, last_status: str | None) -> None:
        self.url = url
        self.timeout = timeout
        self.last_status = last_status
        super().__init__(
            f"resource did not reach a final status within {timeout:g} s "
            f"(last status: {last_status or 'none'}); query it again later or wait for the "
            "result callback"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.url, self.timeout, self.last_status))
