"""Turning API responses into values or typed errors.

`raise_for_status` accepts any `Response` and returns only for a 2xx status. Otherwise it
raises the `ApiError` subclass for the status. The error carries the code and message of a
JSON `error_code`/`error_message` body or an OAuth `error`/`error_description` body. For an
HTML, empty or unreadable body the message is the status's reason phrase. Every error keeps a
body excerpt of at most 200 characters. `parse_created` returns the `Location` URL of a 2xx
create without reading the body. `json_parser` builds the parser of a status query, which
raises `PayloadError` with the JSON path for a 2xx body that does not decode into the expected
type. No function here raises a `JSONDecodeError` or any other decoding error of its own, and
none reads a clock: the current time for `parse_retry_after` is an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any, TypeVar

import msgspec

from k2core._decoding import decode
from k2core.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PayloadError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)
from k2core.http import Response

__all__ = [
    "EXCERPT_LENGTH",
    "error_for",
    "excerpt_of",
    "json_parser",
    "parse_created",
    "parse_retry_after",
    "raise_for_status",
]

T = TypeVar("T")

EXCERPT_LENGTH = 200
_TOKEN_ERROR_CODES = ("ExpiredAccessToken", "InvalidAccessToken")


class _ErrorBody(msgspec.Struct):
    """The fields of an error body that the SDK reads; every one may be absent or any type."""

    error_code: Any = None
    error_message: Any = None
    error: Any = None
    error_description: Any = None


_ERROR_DECODER = msgspec.json.Decoder(_ErrorBody)


def raise_for_status(response: Response) -> None:
    """Return if `response` has a 2xx status; raise the matching `ApiError` otherwise."""
    if 200 <= response.status < 300:
        return
    raise error_for(response)


def error_for(response: Response) -> ApiError:
    """Build the `ApiError` subclass that describes a non-2xx `response`.

    The classes by status: 401 `AuthenticationError`, 403 `PermissionDeniedError`, 404
    `NotFoundError`, 429 `RateLimitedError`, 5xx `ServerError`, any other 4xx
    `BadRequestError`, and 1xx or 3xx `UnexpectedResponseError`.
    """
    status = response.status
    body = _error_body(response.body)
    code = _text(body.error) or _text(body.error_code)
    message = _text(body.error_message) or _text(body.error_description) or _reason(status)
    if status == 401:
        code = _token_error_code(body, response) or code
    excerpt = excerpt_of(response.body)

    cls = _error_class(status)
    if cls is UnexpectedResponseError:
        message = f"unexpected status {status} ({_reason(status)}); expected 2xx or an error"
    error = cls(status, message, code=code, body_excerpt=excerpt)
    if isinstance(error, RateLimitedError):
        error.retry_after = parse_retry_after(
            response.headers.get("Retry-After"), _server_date(response)
        )
    return error


def parse_created(response: Response) -> str:
    """Return the `Location` URL of a successful create, without parsing the body.

    Raise the matching `ApiError` for an error status and `UnexpectedResponseError`, carrying
    the status, for a 2xx without a usable `Location` header.
    """
    raise_for_status(response)
    location = response.headers.get("Location")
    if location is None or not location.strip():
        raise UnexpectedResponseError(
            response.status,
            "the API accepted the create request but sent no Location header, so the new "
            "resource's URL is unknown; wait for the result callback before creating again",
            body_excerpt=excerpt_of(response.body),
        )
    return location.strip()


def parse_retry_after(value: str | None, now: datetime | None) -> float | None:
    """Return the delay in seconds that a `Retry-After` header value requests.

    Accepts delta-seconds (`"120"`) and an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`),
    which needs the timezone-aware current time `now`. Returns `None` for a missing or
    unreadable value, and for an HTTP-date when `now` is `None`. A date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        try:
            return float(int(text))
        except (ValueError, OverflowError):
            return None  # too many digits for int() or float(), so the value is unreadable
    if now is None or not text:
        return None
    try:
        when = _parse_http_date(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None or now.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def json_parser(kind: type[T]) -> Callable[[Response], T]:
    """Build a parser that checks the status, then decodes the JSON body into `kind`.

    A 2xx body that is not JSON, nests too deeply or does not fit `kind` raises
    `PayloadError` with the JSON path of the offending value.
    """
    decoder = msgspec.json.Decoder(kind)

    def parse(response: Response) -> T:
        raise_for_status(response)
        return decode(decoder, response.body)

    return parse


def excerpt_of(body: bytes) -> str:
    """Return at most the first 200 characters of `body`, decoded as UTF-8 leniently."""
    return body[: EXCERPT_LENGTH * 4].decode("utf-8", "replace")[:EXCERPT_LENGTH]


def _error_body(body: bytes) -> _ErrorBody:
    if body.lstrip()[:1] != b"{":
        return _ErrorBody()
    try:
        return decode(_ERROR_DECODER, body)
    except PayloadError:
        return _ErrorBody()


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int)):
        text = str(value).strip()
        return text or None
    return None


def _token_error_code(body: _ErrorBody, response: Response) -> str | None:
    fields = (body.error_code, body.error_message, body.error, body.error_description)
    texts = [value for value in fields if isinstance(value, str)]
    texts.extend(response.headers.get_all("WWW-Authenticate"))
    for code in _TOKEN_ERROR_CODES:
        if any(code in text for text in texts):
            return code
    return None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP status {status}"


def _error_class(status: int) -> type[ApiError]:
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return BadRequestError
    return UnexpectedResponseError


def _parse_http_date(text: str) -> datetime:
    """Parse an HTTP-date; raises TypeError, ValueError or IndexError when it is not one."""
    # Imported on first use: email.utils loads socket and takes milliseconds to import.
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(text)


def _server_date(response: Response) -> datetime | None:
    value = response.headers.get("Date")
    if value is None:
        return None
    try:
        when = _parse_http_date(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else None
