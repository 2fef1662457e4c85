"""`Client`: the object applications call to use the K2 Connect API.

A client stores one set of credentials, a base URL, a transport, timeouts and a retry policy,
and exposes one namespace per API area (`client.incoming_payments.create(...)`, `.get(url)`,
`.wait(url)`). Each call builds its request with the pure `k2core` operation, adds the bearer
token from the client's own token cache, sends it with retries (see `k2core.retry`), and
parses the response into the operation's typed value or a typed error.

Rules it keeps:
- A bearer token is only attached to a request on the base URL's scheme, host and port.
- On a 401 it refreshes the token once and sends the request once more; a second 401 raises
  `k2core.AuthenticationError`. Repeating is safe because a 401 request was not processed.
- A request that is not safe to repeat is never sent again once it may have reached the
  server. It raises `k2io.OutcomeUnknownError` instead, whose message tells what to do.
- It holds no global state: clients with different credentials work side by side, and one
  client may be shared by threads.
- Its repr, its logs and its errors never contain the client secret, the API key or a token.
"""

from __future__ import annotations

import random as random_module
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import k2core
from k2core import (
    external_recipients,
    incoming_payments,
    payment_links,
    polling,
    reversals,
    send_money,
    transfer_accounts,
    webhook_subscriptions,
)
from k2core import tokens as token_operations
from k2core.config import BaseUrl, authorize, pinned_url
from k2core.http import Request, Response
from k2core.operation import Operation
from k2core.retry import RetryPolicy
from k2core.signatures import HeaderContainer
from k2core.statuses import MerchantBankAccountStatus, MerchantWalletStatus
from k2io._namespaces import PaymentLinks, Resource, Tokens, WaitableResource
from k2io._sending import Sender
from k2io.tokens import FetchedToken, TokenCache
from k2io.transports.base import Timeout, TimeoutInput, Transport, as_timeout

__all__ = ["Client"]

T = TypeVar("T")


class Client:
    """A K2 Connect API client with token caching, retries and typed results.

    Arguments:
        client_id, client_secret: the application's OAuth credentials.
        api_key: the key that signs webhooks and result callbacks; needed only by
            `parse_webhook` and `parse_result`.
        base_url: `k2core.SANDBOX` (the default), `k2core.PRODUCTION`, or a loopback URL.
        transport: any `k2io.transports.Transport`; a new `Urllib3Transport` by default. The
            client closes it in `close()`.
        timeout: a `Timeout` or one number of seconds for both connect and read.
        retry: the `RetryPolicy`.
        token_margin: seconds before expiry at which the token is refreshed.
        clock, sleep, random: a monotonic clock, a sleep function and a source of floats in
            `[0, 1)`; tests pass their own.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        api_key: str | None = None,
        base_url: str | BaseUrl = k2core.SANDBOX,
        transport: Transport | None = None,
        timeout: TimeoutInput = Timeout(),  # noqa: B008 - an immutable value
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - an immutable value
        token_margin: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] | None = None,
    ) -> None:
        _check_secret("client_id", client_id)
        _check_secret("client_secret", client_secret)
        if api_key is not None:
            _check_secret("api_key", api_key)
        if not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a k2core.retry.RetryPolicy, not {retry!r}")

        self.base_url = k2core.base_url(base_url)
        self._client_id = client_id
        self._client_secret = client_secret
        self._api_key = api_key
        self._clock = clock
        self._sleep = sleep
        self._sender = Sender(
            transport if transport is not None else _default_transport(),
            timeout=as_timeout(timeout),
            policy=retry,
            clock=clock,
            sleep=sleep,
            random=random if random is not None else random_module.Random().random,  # noqa: S311 - jitter
        )
        self._tokens = TokenCache(self._fetch_token, clock=clock, margin=token_margin)
        self._build_namespaces()

    def _build_namespaces(self) -> None:
        self.tokens = Tokens(self, self._client_id, self._client_secret)
        self.webhook_subscriptions = Resource(
            self, webhook_subscriptions.create, webhook_subscriptions.get
        )
        clock, sleep = self._clock, self._sleep
        self.incoming_payments = WaitableResource(
            self, incoming_payments.create, incoming_payments.get, clock=clock, sleep=sleep
        )
        self.external_recipients = Resource(
            self, external_recipients.create, external_recipients.get
        )
        self.transfer_accounts = Resource(self, transfer_accounts.create, _get_transfer_account)
        self.send_money = WaitableResource(
            self, send_money.create, send_money.get, clock=clock, sleep=sleep
        )
        self.polling = WaitableResource(self, polling.create, polling.get, clock=clock, sleep=sleep)
        self.reversals = WaitableResource(
            self, reversals.create, reversals.get, clock=clock, sleep=sleep
        )
        self.payment_links = PaymentLinks(
            self, payment_links.create, payment_links.get, payment_links.cancel
        )

    @property
    def transport(self) -> Transport:
        """The transport this client sends through."""
        return self._sender.transport

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy."""
        return self._sender.policy

    @property
    def timeout(self) -> Timeout:
        """The connect and read timeouts."""
        return self._sender.timeout

    def call(self, operation: Operation[T]) -> T:
        """Send any `k2core` operation and return its parsed value.

        Adds the bearer token when the operation needs one, retries as the policy allows,
        and on a 401 refreshes the token and sends once more.
        """
        if not operation.needs_token:
            return operation.parse(self._sender.send(operation.request))

        token = self._tokens.get()
        response = self._send_with_token(operation.request, token)
        if response.status == 401:
            self._tokens.invalidate(token)
            response = self._send_with_token(operation.request, self._tokens.get())
        return operation.parse(response)

    def parse_webhook(
        self,
        body: bytes,
        headers: HeaderContainer,
        *,
        max_body_size: int = k2core.DEFAULT_MAX_BODY_SIZE,
    ) -> Any:
        """Verify and parse a webhook with the client's API key.

        `headers` may be any mapping (any case), a WSGI environ or ASGI header pairs. Raises
        `k2core.SignatureError` subclasses for a missing or wrong signature and
        `k2core.PayloadError` for a body that does not decode or exceeds `max_body_size`.
        """
        signature = k2core.find_signature(headers)
        api_key = self._require_api_key()
        return k2core.parse_webhook(body, signature, api_key, max_body_size=max_body_size)

    def parse_result(
        self,
        body: bytes,
        headers: HeaderContainer,
        *,
        max_body_size: int = k2core.DEFAULT_MAX_BODY_SIZE,
    ) -> Any:
        """Verify and parse a result callback with the client's API key; see `parse_webhook`."""
        signature = k2core.find_signature(headers)
        api_key = self._require_api_key()
        return k2core.parse_result(body, signature, api_key, max_body_size=max_body_size)

    def close(self) -> None:
        """Close the transport. The client must not be used afterwards."""
        self._sender.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Client(base_url={self.base_url.url!r}, client_id={_masked(self._client_id)!r}, "
            f"transport={self._sender.transport!r})"
        )

    def _send_with_token(self, request: Request, token: str) -> Response:
        pinned_url(self.base_url, request.url, field="request URL")
        return self._sender.send(authorize(request, token))

    def _fetch_token(self) -> FetchedToken:
        operation = token_operations.request_token(
            self.base_url, client_id=self._client_id, client_secret=self._client_secret
        )
        fetched: FetchedToken = self.call(operation)
        return fetched

    def _require_api_key(self) -> str:
        if self._api_key is None:
            raise ValueError(
                "this client has no api_key; pass api_key=... to Client to verify webhooks "
                "and result callbacks"
            )
        return self._api_key


def _get_transfer_account(
    base: BaseUrl, url: str
) -> Operation[MerchantWalletStatus | MerchantBankAccountStatus]:
    # `transfer_accounts.get` picks the status type from the URL; widen it to the union.
    operation = transfer_accounts.get(base, url)
    return cast("Operation[MerchantWalletStatus | MerchantBankAccountStatus]", operation)


def _check_secret(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} is empty; pass the value from the K2 application settings")


def _masked(value: str) -> str:
    return f"{value[:4]}***" if len(value) > 8 else "***"


def _default_transport() -> Transport:
    # Imported here so that `import k2io` does not load urllib3 until a client needs it.
    from k2io.transports.urllib3 import Urllib3Transport

    return Urllib3Transport()
