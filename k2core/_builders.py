"""Request construction shared by the operation modules.

Builds `Request` values from an already validated body Struct: JSON through one module-level
encoder that writes `Decimal` amounts as exact JSON numbers, the common headers built once,
and status queries whose URL has passed `pinned_url`. Never validates parameters (the callers
do that first) and never adds a bearer token (the shell does, with `k2core.authorize`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from k2core.config import BaseUrl, api_url, json_headers, pinned_url
from k2core.errors import PayloadError
from k2core.http import Headers, Request, Response
from k2core.operation import Operation
from k2core.responses import parse_created, raise_for_status
from k2core.results import decode_result_unverified

__all__ = [
    "Links",
    "create_operation",
    "get_operation",
    "query_request",
    "result_parser",
]

T = TypeVar("T")

# Decimal amounts become JSON numbers digit for digit, so nothing is rounded on the way out.
_ENCODER = msgspec.json.Encoder(decimal_format="number")
_BODY_HEADERS = Headers(json_headers(with_body=True))
_QUERY_HEADERS = Headers(json_headers(with_body=False))


class Links(msgspec.Struct, frozen=True):
    """The `_links` object of a create request: where K2 posts the asynchronous result."""

    callback_url: str


def create_operation(base: str | BaseUrl, resource: str, body: Any, name: str) -> Operation[str]:
    """Build a create: POST `body` as JSON to `{base}/api/v2/{resource}`.

    The request is not idempotent, because sending it twice creates two resources (or moves
    money twice). Its parser returns the `Location` URL.
    """
    request = Request(
        method="POST",
        url=api_url(base, resource),
        headers=_BODY_HEADERS,
        body=_ENCODER.encode(body),
        idempotent=False,
        operation=name,
    )
    return Operation(request=request, parse=parse_created)


def query_request(base: str | BaseUrl, url: str, operation: str) -> Request:
    """Build an idempotent GET of a resource URL after checking it is on the base URL's host."""
    return Request(
        method="GET",
        url=pinned_url(base, url),
        headers=_QUERY_HEADERS,
        idempotent=True,
        operation=operation,
    )


def get_operation(
    base: str | BaseUrl, url: str, name: str, parse: Callable[[Response], T]
) -> Operation[T]:
    """Build a status query of `url` whose response `parse` turns into a value."""
    return Operation(request=query_request(base, url, name), parse=parse)


def result_parser(kind: type[T]) -> Callable[[Response], T]:
    """Build the parser of a status query whose response is a result envelope of class `kind`.

    The body decodes exactly as a result callback does, with `k2core.decode_result_unverified`
    (a status query comes over the authenticated connection and carries no signature). A body
    of another `data.type` raises `PayloadError`, because it is not the resource asked for.
    """

    def parse(response: Response) -> T:
        raise_for_status(response)
        result = decode_result_unverified(response.body)
        if not isinstance(result, kind):
            raise PayloadError(
                f"status query returned data.type {result.data.type!r}, "
                f"which is not a {kind.__name__}",
                "$.data.type",
            )
        return result

    return parse
