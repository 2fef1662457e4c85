"""The per-area namespaces of `Client`: `client.incoming_payments`, `client.tokens` and so on.

Each namespace method builds the pure `k2core` operation with the client's base URL and hands
it to `client.call`, which adds the token, retries and parses. `wait` polls a resource's
status, with a growing interval, until `k2core.waiting.is_final` accepts it or the timeout
passes. Nothing here talks to a transport directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from k2core import tokens as token_operations
from k2core.config import BaseUrl
from k2core.operation import Operation
from k2core.waiting import is_final
from k2io.errors import WaitTimeoutError

__all__ = ["PaymentLinks", "Resource", "Tokens", "WaitableResource"]

T = TypeVar("T")
U = TypeVar("U")


class _Caller(Protocol):
    base_url: BaseUrl

    def call(self, operation: Operation[U]) -> U: ...


class Resource(Generic[T]):
    """A resource that can be created and queried: `create(**params)` and `get(url)`."""

    def __init__(
        self,
        client: _Caller,
        create: Callable[..., Operation[str]],
        get: Callable[[BaseUrl, str], Operation[T]],
    ) -> None:
        self._client = client
        self._create = create
        self._get = get

    def create(self, **params: Any) -> str:
        """Create the resource and return its URL, taken from the `Location` header.

        Keyword arguments are those of the matching `k2core` `create` function; invalid ones
        raise `k2core.ValidationError` before anything is sent.
        """
        return self._client.call(self._create(self._client.base_url, **params))

    def get(self, url: str) -> T:
        """Query the resource at `url` (a URL returned by `create`) and return its status.

        Raises `k2core.UnsafeUrlError` before sending if `url` is not on the base URL's host.
        """
        return self._client.call(self._get(self._client.base_url, url))


class WaitableResource(Resource[T]):
    """A resource with a final status, which `wait(url)` polls for.

    `clock` (monotonic seconds) and `sleep` are the client's, so tests can replace them.
    """

    def __init__(
        self,
        client: _Caller,
        create: Callable[..., Operation[str]],
        get: Callable[[BaseUrl, str], Operation[T]],
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        super().__init__(client, create, get)
        self._clock = clock
        self._sleep = sleep

    def wait(
        self,
        url: str,
        *,
        timeout: float = 120.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> T:
        """Query `url` until its status is final and return that status.

        The first query is immediate; the interval then grows by half each time, from
        `poll_interval` up to `max_poll_interval` seconds. Raises `k2io.WaitTimeoutError`,
        carrying the last status seen, when `timeout` seconds pass first.
        """
        _check_wait_arguments(timeout, poll_interval, max_poll_interval)
        deadline = self._clock() + timeout
        interval = poll_interval
        while True:
            result = self.get(url)
            resource_type, status = _type_and_status(result)
            if is_final(resource_type, status):
                return result

            remaining = deadline - self._clock()
            if remaining <= 0:
                raise WaitTimeoutError(url, timeout, status)
            self._sleep(min(interval, remaining))
            interval = min(interval * 1.5, max_poll_interval)


class PaymentLinks(Resource[T]):
    """Payment links: `create`, `get`, and `cancel(url)`."""

    def __init__(
        self,
        client: _Caller,
        create: Callable[..., Operation[str]],
        get: Callable[[BaseUrl, str], Operation[T]],
        cancel: Callable[[BaseUrl, str], Operation[str]],
    ) -> None:
        super().__init__(client, create, get)
        self._cancel = cancel

    def cancel(self, url: str) -> str:
        """Cancel the payment link at `url` and return the API's message."""
        return self._client.call(self._cancel(self._client.base_url, url))


class Tokens:
    """The OAuth endpoints, for callers who manage tokens themselves.

    The client fetches and refreshes its own token without these; they are for revoking a
    token, inspecting one, or requesting one for another program.
    """

    def __init__(self, client: _Caller, client_id: str, client_secret: str) -> None:
        self._client = client
        self._credentials = {"client_id": client_id, "client_secret": client_secret}

    def request(self) -> token_operations.AccessToken:
        """Request a new access token. The client's own cached token is not affected."""
        return self._client.call(
            token_operations.request_token(self._client.base_url, **self._credentials)
        )

    def revoke(self, token: str) -> None:
        """Revoke `token`."""
        self._client.call(
            token_operations.revoke_token(self._client.base_url, token=token, **self._credentials)
        )

    def introspect(self, token: str) -> token_operations.TokenIntrospection:
        """Return the API's description of `token`: whether it is active, and its expiry."""
        return self._client.call(
            token_operations.introspect_token(
                self._client.base_url, token=token, **self._credentials
            )
        )

    def info(self) -> token_operations.TokenInfo:
        """Return the API's information about the client's current token."""
        return self._client.call(token_operations.token_info(self._client.base_url))

    def __repr__(self) -> str:
        return "Tokens(client_secret=***)"


def _type_and_status(result: object) -> tuple[str, str | None]:
    data = getattr(result, "data", None)
    resource_type = getattr(data, "type", "")
    status = getattr(getattr(data, "attributes", None), "status", None)
    return (
        resource_type if isinstance(resource_type, str) else "",
        status if isinstance(status, str) else None,
    )


def _check_wait_arguments(timeout: float, poll_interval: float, max_poll_interval: float) -> None:
    for name, value in (
        ("timeout", timeout),
        ("poll_interval", poll_interval),
        ("max_poll_interval", max_poll_interval),
    ):
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    if max_poll_interval < poll_interval:
        raise ValueError("max_poll_interval must be at least poll_interval")
