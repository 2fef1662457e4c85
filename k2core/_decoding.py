"""Shared rules for decoding Kopo Kopo JSON bodies into Structs.

Accepts: body bytes and a typed `msgspec.json.Decoder`.
Returns: the decoded value.
Raises: `k2core.PayloadError` with the JSON path of the offending value for malformed JSON,
wrong types, missing required fields, non-finite amounts and nesting deeper than
`MAX_NESTING_DEPTH`, and `k2core.PayloadTooLargeError` for bodies over the size limit.
`decode` and `check_depth` enforce `MAX_NESTING_DEPTH`. The webhook and result decoders use
`nesting_error` instead where they keep no raw JSON.
Never: raises `RecursionError`, `msgspec` errors or `decimal` errors to the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import accumulate
from typing import Annotated, Any, NoReturn, TypeVar

import msgspec

from k2core.errors import PayloadError, PayloadTooLargeError

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "EAST_AFRICA_TIME",
    "MAX_NESTING_DEPTH",
    "AwareDatetime",
    "InvalidFieldError",
    "check_body",
    "check_depth",
    "decode",
    "field_check",
    "nesting_error",
    "parse_daraja_time",
    "parse_decimal_text",
    "payload_error",
    "reject_amount",
]

T = TypeVar("T")

DEFAULT_MAX_BODY_SIZE = 1_048_576
"""The default limit on webhook and callback bodies: 1 MiB, checked before hashing."""

MAX_NESTING_DEPTH = 32
"""The deepest nesting of JSON arrays and objects in any value returned as raw JSON.

It bounds `metadata`, `errors`, and the `raw` fields of `UnknownWebhook` and `UnknownResult`,
so code that walks those values recursively is safe. The deepest documented payload (a
send-money result's disbursements) nests 6 levels. Nesting inside fields the SDK ignores is
skipped in linear time. Past the decoder's recursion limit, which is near the interpreter's
recursion limit and differs between Python versions, it is a `PayloadError` as well.

NOTE: an application that raises `sys.setrecursionlimit` far above its default also lets
msgspec recurse that deep in C code while skipping ignored fields. Keep the default limit in
processes that decode bodies from untrusted sources with the `*_unverified` functions.
"""

EAST_AFRICA_TIME = timezone(timedelta(hours=3), "EAT")
"""Kenya's time zone, UTC+03:00 all year (no daylight saving time)."""

AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
"""A timestamp that must carry a UTC offset (`+03:00` or `Z`)."""

_STRING = re.compile(rb'"(?:[^"\\]|\\[\s\S])*(?:"|\\?\Z)')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_NOT_SKELETON = bytes(byte for byte in range(256) if byte not in b'[]{}"\\')
_ONE_BRACKET_KIND = bytes.maketrans(b"{}", b"[]")
_BRACKET_STEPS = [0] * 256
for _byte in b"[{":
    _BRACKET_STEPS[_byte] = 1
for _byte in b"]}":
    _BRACKET_STEPS[_byte] = -1
_VALIDATION_MESSAGE = re.compile(r"(?P<message>.*) - at `(?P<path>[^`]*)`", re.DOTALL)
_MISSING_FIELD = re.compile(r"Object missing required field `(?P<field>[^`]*)`")
_DARAJA_TIME = re.compile(r"[0-9]{14}")


class InvalidFieldError(ValueError):
    """Raised by a Struct's `__post_init__` to reject the value of one of its fields.

    msgspec turns it into a `ValidationError` whose path ends at the Struct; `payload_error`
    appends `field` so the path names the value itself.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def check_body(body: object, max_body_size: int) -> int:
    """Reject a body that is not bytes or is larger than `max_body_size`; return its size."""
    if not isinstance(body, bytes):
        raise TypeError(f"body must be the raw request body as bytes, not {type(body).__name__}")
    size = len(body)
    if size > max_body_size:
        raise PayloadTooLargeError(size, max_body_size)
    return size


def check_depth(body: bytes, limit: int = MAX_NESTING_DEPTH) -> None:
    """Reject JSON whose arrays and objects nest deeper than `limit`.

    All work happens in C code. The body is first reduced to its brackets (as `[` and `]`),
    quotes and backslashes. A body with fewer brackets than `limit` cannot nest deeper, and
    most others have no bracket inside a string, which `_is_shallow` settles quickly. Otherwise
    brackets inside strings are removed and the deepest point of the remaining brackets is
    computed. Unterminated strings are treated as running to the end of the body, where the
    JSON decoder stops as well.
    """
    skeleton = body.translate(_ONE_BRACKET_KIND, _NOT_SKELETON)
    if skeleton.count(b"[") <= limit:
        return
    if _is_shallow(skeleton, limit):
        return

    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    deepest = max(accumulate(map(_BRACKET_STEPS.__getitem__, brackets)), default=0)
    if deepest > limit:
        raise PayloadError(
            f"JSON nests arrays and objects {deepest} levels deep; the limit is {limit}",
            path="$",
        )


def nesting_error() -> PayloadError:
    """Return the error for a body that nests deeper than the decoder can follow."""
    return PayloadError(
        "JSON nests arrays and objects deeper than the decoder's recursion limit", path="$"
    )


def _is_shallow(skeleton: bytes, limit: int) -> bool:
    """Return True if a body certainly nests at most `limit` deep, False to ask for the exact scan.

    `skeleton` holds only the body's brackets (as `[` and `]`), quotes and backslashes. With no
    backslash, and every quote in an adjacent `""` pair, no string contains a bracket, so deleting
    the quotes leaves exactly the brackets outside strings. Each pass that removes the innermost
    `[]` pairs then lowers the nesting by one, so an empty result within `limit` passes proves
    that the limit is kept.
    """
    if b"\\" in skeleton or skeleton.count(b'""') * 2 != skeleton.count(b'"'):
        return False
    brackets = skeleton.translate(None, b'"')
    for _ in range(limit):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"")
    return not brackets


def decode(decoder: msgspec.json.Decoder[T], body: bytes) -> T:
    """Decode `body` with `decoder` after the depth check, raising only `PayloadError`."""
    check_depth(body)
    try:
        return decoder.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise payload_error(error) from error


def payload_error(error: msgspec.MsgspecError) -> PayloadError:
    """Convert a msgspec decoding error into a `PayloadError` that keeps the JSON path."""
    text = str(error)
    if not isinstance(error, msgspec.ValidationError):
        return PayloadError(f"invalid JSON: {text}", path=None)

    # msgspec appends " - at `$.path`" to the message, except for errors at the root.
    match = _VALIDATION_MESSAGE.fullmatch(text)
    message, path = (match["message"], match["path"]) if match else (text, "$")

    missing = _MISSING_FIELD.fullmatch(message)
    cause = error.__cause__
    if missing is not None:
        path = f"{path}.{missing['field']}"
    elif isinstance(cause, InvalidFieldError):
        path = f"{path}.{cause.field}"
    return PayloadError(f"{message} at {path}", path=path)


def reject_amount(field: str, value: Decimal) -> NoReturn:
    """Reject a `NaN`, `sNaN` or infinite amount, which `Decimal` would otherwise accept.

    Structs call it from `__post_init__` after their own `value.is_finite()` test, which keeps
    the common case to one method call per amount.
    """
    raise InvalidFieldError(field, f"Expected a finite decimal amount, got `{value}`")


def parse_daraja_time(text: str) -> datetime:
    """Read a Daraja `TransTime` (`YYYYMMDDHHMMSS`) as an aware datetime in East Africa Time."""
    if _DARAJA_TIME.fullmatch(text) is None:
        raise ValueError(f"expected 14 digits in the form YYYYMMDDHHMMSS, got {text!r}")
    return datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[8:10]),
        int(text[10:12]),
        int(text[12:14]),
        tzinfo=EAST_AFRICA_TIME,
    )


def parse_decimal_text(text: str) -> Decimal:
    """Read `text` as a finite `Decimal`, raising `ValueError` for anything else."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"expected a decimal number, got {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"expected a finite decimal number, got {text!r}")
    return value


def field_check(field: str, check: Callable[[Any], object], value: Any) -> None:
    """Run `check(value)` and report a `ValueError` from it as an error of `field`."""
    try:
        check(value)
    except ValueError as error:
        raise InvalidFieldError(field, f"Invalid value: {error}") from None
