"""An adapter that turns any function into a transport.

`CallableTransport(function)` calls `function(request, timeout)` with a `k2core.Request` and a
`Timeout` and expects a `k2core.Response` back. This is how a `requests` session, an `httpx`
client or a test double plugs into the client in a few lines.

The function should raise `k2io.TransportError` subclasses itself, because only it can
tell whether a failure happened before the request was sent. Those pass through unchanged. An
`OSError` it lets escape (socket errors, timeouts) becomes `ConnectionDroppedError` or
`ReadTimeoutError` with `may_have_been_sent=True`, the safe assumption. Any other exception
propagates unchanged, since it is a bug rather than a network failure.
"""

from __future__ import annotations

from collections.abc import Callable

from k2core.http import Request, Response
from k2io.errors import ConnectionDroppedError, ReadTimeoutError
from k2io.transports.base import Timeout, TimeoutInput, as_timeout

__all__ = ["CallableTransport"]


class CallableTransport:
    """A transport that delegates each request to `function(request, timeout)`.

    `on_close`, if given, is called once by `close()`, for example to close a session.
    """

    def __init__(
        self,
        function: Callable[[Request, Timeout], Response],
        *,
        on_close: Callable[[], object] | None = None,
    ) -> None:
        if not callable(function):
            raise TypeError(f"function must be callable, not {type(function).__name__}")
        self._function = function
        self._on_close = on_close
        self._closed = False

    def send(self, request: Request, *, timeout: TimeoutInput) -> Response:
        """Call the function once and return its response."""
        try:
            response = self._function(request, as_timeout(timeout))
        except TimeoutError as exc:
            raise ReadTimeoutError(f"{_name(self._function)} timed out: {exc}") from exc
        except OSError as exc:
            raise ConnectionDroppedError(f"{_name(self._function)} failed: {exc!r}") from exc

        if not isinstance(response, Response):
            raise TypeError(
                f"{_name(self._function)} returned {type(response).__name__}; "
                "a transport function must return a k2core.Response"
            )
        return response

    def close(self) -> None:
        """Call `on_close` the first time; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self._on_close is not None:
            self._on_close()

    def __repr__(self) -> str:
        return f"CallableTransport({_name(self._function)})"


def _name(function: object) -> str:
    return getattr(function, "__qualname__", None) or type(function).__name__
