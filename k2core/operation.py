"""The `Operation` value: one API call as a request to send and a function to parse the response.

Every public operation builder in `k2core` returns an `Operation[T]`. The shell adds the bearer
token with `k2core.authorize`, sends `operation.request` through a transport, and passes the
`Response` to `operation.parse`, which returns a `T` or raises a `k2core.ApiError` or
`k2core.PayloadError`. Operations never carry the token and never perform I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import msgspec

from k2core.http import Request, Response

__all__ = ["Operation"]

T = TypeVar("T")


class Operation(msgspec.Struct, Generic[T], frozen=True):
    """A built request paired with the pure function that parses its response.

    `needs_token` is false only for the OAuth calls that authenticate with the client
    credentials in the body instead of a bearer token.
    """

    request: Request
    parse: Callable[[Response], T]
    needs_token: bool = True

    @property
    def name(self) -> str:
        """The operation's name, such as `"incoming_payments.create"`."""
        return self.request.operation

    def __repr__(self) -> str:
        return f"Operation({self.request!r})"
