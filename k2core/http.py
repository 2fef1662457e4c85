"""Request and response descriptions: the only values transports exchange with the core.

A `Request` is what to send (method, absolute URL, headers, body bytes) and whether sending it
twice is harmless. A `Response` is what came back (status, headers, body bytes). Both are
immutable and carry no I/O. `Headers` is the one header shape: an ordered, immutable list of
name/value pairs looked up case-insensitively. Reprs mask the `Authorization` header and never
show bodies, which may hold phone numbers or client secrets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeAlias

import msgspec

__all__ = ["Headers", "HeadersInput", "Request", "Response"]

_MASKED_HEADERS = frozenset({"authorization", "x-kopokopo-signature", "cookie", "set-cookie"})


class Headers:
    """Ordered, immutable HTTP headers with case-insensitive lookup.

    Built from a mapping or from an iterable of `(name, value)` pairs. Names and values may be
    `str` or `bytes`, and bytes are decoded as Latin-1 as HTTP/1.1 allows. Repeated names are
    kept in order.
    """

    __slots__ = ("_index", "_items")

    def __init__(self, headers: HeadersInput = ()) -> None:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        items = tuple((_text(name), _text(value)) for name, value in pairs)
        index: dict[str, list[str]] = {}
        for name, value in items:
            index.setdefault(name.lower(), []).append(value)
        self._items = items
        self._index = index

    def get(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of `name`, in any case, or `default` when absent."""
        values = self._index.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        """Return every value of `name`, in order; empty when absent."""
        return list(self._index.get(name.lower(), ()))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> tuple[tuple[str, str], ...]:
        """Return all `(name, value)` pairs in their original order and case."""
        return self._items

    def with_header(self, name: str, value: str) -> Headers:
        """Return a copy where `name` (any case) has exactly the one `value`."""
        lowered = name.lower()
        kept = [(key, val) for key, val in self._items if key.lower() != lowered]
        kept.append((name, value))
        return Headers(kept)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return _folded(self._items) == _folded(other._items)

    def __hash__(self) -> int:
        return hash(_folded(self._items))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name!r}: {_shown_value(name, value)!r}" for name, value in self._items)
        return f"Headers({{{shown}}})"


HeadersInput: TypeAlias = (
    "Headers | Mapping[str, str] | Mapping[bytes, bytes]"
    " | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]"
)


class Request(msgspec.Struct, frozen=True):
    """A request to send: method, absolute URL, headers and body bytes.

    `idempotent` is true when sending the request twice cannot do anything twice, such as a
    status query or a token request. Requests that create resources or move money are not
    idempotent, and the shell only repeats them when the first attempt provably never left.
    `operation` names the API operation (`"incoming_payments.create"`) for logs and retries.
    """

    method: str
    url: str
    headers: Headers
    body: bytes = b""
    idempotent: bool = False
    operation: str = ""

    def with_header(self, name: str, value: str) -> Request:
        """Return a copy with the header `name` set to `value`, replacing any earlier value."""
        return msgspec.structs.replace(self, headers=self.headers.with_header(name, value))

    def __repr__(self) -> str:
        return (
            f"Request({self.method} {_without_query(self.url)}, operation={self.operation!r}, "
            f"headers={self.headers!r}, body=<{len(self.body)} bytes>, "
            f"idempotent={self.idempotent})"
        )


class Response(msgspec.Struct, frozen=True):
    """A response as received: status code, headers and the raw body bytes."""

    status: int
    headers: Headers
    body: bytes = b""

    def __repr__(self) -> str:
        return f"Response({self.status}, headers={self.headers!r}, body=<{len(self.body)} bytes>)"


def _text(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    raise TypeError(f"header names and values must be str or bytes, not {type(value).__name__}")


def _folded(items: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name.lower(), value) for name, value in items)


def _shown_value(name: str, value: str) -> str:
    if name.lower() not in _MASKED_HEADERS:
        return value
    scheme, _, credential = value.partition(" ")
    if credential and name.lower() == "authorization":
        return f"{scheme} ***"
    return "***"


def _without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]
