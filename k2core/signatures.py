"""Signing and verifying Kopo Kopo webhooks and result callbacks.

Kopo Kopo signs the raw body of every webhook and result callback with HMAC-SHA256, keyed with
the application's API key (not the client secret), and sends the lowercase hex digest in the
`X-KopoKopo-Signature` header.

Accepts: body bytes exactly as received, the header value (or every value of the header), and
one API key or a sequence of keys during a key rotation.
Returns: `sign` returns the hex digest; `verify_signature` returns `None` when some key matches.
Raises: a subclass of `k2core.SignatureError` for a missing, empty, malformed or mismatching
signature. Misuse of the arguments, such as an empty key, raises `TypeError` or `ValueError`.
Never: decodes or re-encodes the body, or puts a signature or key into an error message.

Accepted header forms, decided once and tested:

- Surrounding ASCII whitespace (space, tab, CR, LF) is stripped, as HTTP header parsers do.
- Upper-case and mixed-case hex digits are accepted, because hex digests compare
  case-insensitively; the lower-cased value is compared in constant time.
- A `sha256=` prefix, a comma-separated list, inner whitespace, non-ASCII characters, a length
  other than 64 or a non-hex character is a `MalformedSignatureError`.
- Several header values that differ are a `MalformedSignatureError`; identical repeats count as
  one value.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence

from k2core.errors import (
    EmptySignatureError,
    MalformedSignatureError,
    MissingSignatureError,
    SignatureMismatchError,
)
from k2core.http import Headers

__all__ = [
    "SIGNATURE_HEADER",
    "ApiKeys",
    "find_signature",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-KopoKopo-Signature"

ApiKeys = str | bytes | Sequence[str | bytes]
"""One API key, or several keys of which any may have signed the body (key rotation)."""

SignatureInput = str | bytes | Sequence[str | bytes] | None

_HEADER_NAMES = frozenset({"x-kopokopo-signature", "http_x_kopokopo_signature"})
_ASCII_WHITESPACE = " \t\r\n\x0b\x0c"
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")
_DIGEST_LENGTH = 64


def sign(body: bytes, api_key: str | bytes) -> str:
    """Compute the `X-KopoKopo-Signature` value of `body`: lowercase hex HMAC-SHA256.

    `api_key` is the application's API key; Kopo Kopo does not sign with the client secret.
    """
    _require_bytes(body)
    return hmac.digest(_key_bytes(api_key), body, hashlib.sha256).hex()


def verify_signature(body: bytes, signature: SignatureInput, api_key: ApiKeys) -> None:
    """Check that `signature` is the HMAC-SHA256 of the exact `body` bytes under an API key.

    `signature` is the header value, `None` when the header is absent, or a sequence of every
    value the header had. `api_key` is one key or a sequence of keys; verification passes when
    any of them produced the signature. The comparison runs in constant time.

    Raises `MissingSignatureError`, `EmptySignatureError`, `MalformedSignatureError` or
    `SignatureMismatchError`; raises `TypeError` or `ValueError` when `body` is not bytes or
    no usable key is given.
    """
    _require_bytes(body)

    # A value equal to a digest computed here is well formed, so the common case (one key, a
    # matching value) costs one HMAC and skips the format checks. Any other value is checked
    # and classified below, then compared once more under every key.
    candidate: str | None = None
    if isinstance(signature, str) and len(signature) == _DIGEST_LENGTH and signature.isascii():
        candidate = signature
    if isinstance(api_key, str) and api_key:
        key = api_key.encode("utf-8")
        if candidate is not None and hmac.compare_digest(
            hmac.digest(key, body, "sha256").hex(), candidate
        ):
            return
        keys: tuple[bytes, ...] = (key,)
    else:
        keys = _key_list(api_key)
        if candidate is not None and _matches(body, keys, candidate):
            return

    expected = _normalized_signature(signature)
    if not _matches(body, keys, expected):
        count = len(keys)
        noun = "the API key" if count == 1 else f"any of the {count} API keys"
        raise SignatureMismatchError(
            f"the {SIGNATURE_HEADER} signature does not match the body under {noun}; "
            "check that the API key (not the client secret) is configured and that the "
            "body is passed exactly as received"
        )


HeaderContainer = (
    Headers | Mapping[str, object] | Mapping[bytes, object] | Iterable[tuple[object, object]]
)
"""Any of the header shapes `find_signature` reads."""


def find_signature(headers: HeaderContainer) -> str | None:
    """Find the `X-KopoKopo-Signature` value in any common header container.

    Accepts a `k2core.Headers`, a mapping with any header-name case (a framework's header
    mapping, or a WSGI environ with `HTTP_X_KOPOKOPO_SIGNATURE`), or an iterable of
    `(name, value)` pairs of `str` or `bytes` (ASGI's `scope["headers"]`). A value may also be
    a list of values, as some frameworks store repeated headers. Returns the value with
    surrounding whitespace stripped, or `None` when the header is absent.

    Raises `MalformedSignatureError` when the header appears several times with different
    values; identical repeats count as one.
    """
    if isinstance(headers, (Headers, Mapping)):
        pairs: Iterable[object] = headers.items()
    elif callable(getattr(headers, "items", None)):
        # Header objects that are not Mappings, such as the standard library's
        # `http.client.HTTPMessage`, iterate over names only but offer `items()`.
        pairs = headers.items()  # type: ignore[attr-defined]
    else:
        pairs = headers

    values = [
        _text(item).strip(_ASCII_WHITESPACE)
        for name, value in map(_pair, pairs)
        if _text(name).lower() in _HEADER_NAMES
        for item in _listed(value)
    ]
    if not values:
        return None
    _require_one_value(values)
    return values[0]


def _pair(item: object) -> tuple[object, object]:
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return item[0], item[1]
    raise TypeError(
        "headers must be a mapping, an object with items(), or (name, value) pairs; "
        f"got an item of type {type(item).__name__}"
    )


def _matches(body: bytes, keys: tuple[bytes, ...], signature: str) -> bool:
    """Compare `signature` with the digest under every key in constant time, without exiting early.

    `signature` must be ASCII, as `hmac.compare_digest` requires of `str` arguments.
    """
    matched = False
    for key in keys:
        digest = hmac.digest(key, body, hashlib.sha256).hex()
        matched |= hmac.compare_digest(digest, signature)
    return matched


def _normalized_signature(signature: SignatureInput) -> str:
    """Return the lower-cased signature, or raise the `SignatureError` that describes it."""
    if signature is None:
        raise MissingSignatureError(f"the {SIGNATURE_HEADER} header is missing")
    if isinstance(signature, (str, bytes)):
        return _checked_digest(_text(signature))
    if not isinstance(signature, Sequence):
        kind = type(signature).__name__
        raise TypeError(f"signature must be str, bytes, a sequence of them or None, not {kind}")

    values = [_text(value).strip(_ASCII_WHITESPACE) for value in signature]
    if not values:
        raise MissingSignatureError(f"the {SIGNATURE_HEADER} header is missing")
    _require_one_value(values)
    return _checked_digest(values[0])


def _require_one_value(values: list[str]) -> None:
    """Reject header values that differ other than in letter case (hex digests ignore it)."""
    count = len({value.lower() for value in values})
    if count > 1:
        raise MalformedSignatureError(
            f"the {SIGNATURE_HEADER} header has {count} different values; expected one"
        )


def _checked_digest(value: str) -> str:
    """Validate one header value as a 64-digit hex digest and return it lower-cased.

    Each rejection names the problem but never the value, which may be a valid signature for
    another body.
    """
    value = value.strip(_ASCII_WHITESPACE)
    header = SIGNATURE_HEADER

    if not value:
        raise EmptySignatureError(f"the {header} header is empty")
    if not value.isascii():
        raise MalformedSignatureError(f"the {header} value contains non-ASCII characters")
    if value[:7].lower() == "sha256=":
        raise MalformedSignatureError(
            f"the {header} value has a 'sha256=' prefix; expected the bare hex digest"
        )
    if "," in value:
        raise MalformedSignatureError(
            f"the {header} value is a comma-separated list; expected one hex digest"
        )
    if any(character in value for character in _ASCII_WHITESPACE):
        raise MalformedSignatureError(f"the {header} value contains whitespace")
    if len(value) != _DIGEST_LENGTH:
        raise MalformedSignatureError(
            f"the {header} value is {len(value)} characters long; "
            f"expected {_DIGEST_LENGTH} hex digits"
        )
    if _HEX_DIGEST.fullmatch(value) is None:
        raise MalformedSignatureError(
            f"the {header} value contains characters other than hex digits 0-9 and a-f"
        )
    return value.lower()


def _key_list(api_key: ApiKeys) -> tuple[bytes, ...]:
    """Return every API key as bytes; an empty key or key list is a programming error."""
    if isinstance(api_key, (str, bytes)):
        return (_key_bytes(api_key),)
    if not isinstance(api_key, Sequence):
        raise TypeError(
            f"api_key must be str, bytes or a sequence of them, not {type(api_key).__name__}"
        )
    if not api_key:
        raise ValueError("api_key is an empty sequence; give at least one API key")
    return tuple(_key_bytes(key) for key in api_key)


def _key_bytes(api_key: object) -> bytes:
    if isinstance(api_key, str):
        key = api_key.encode("utf-8")
    elif isinstance(api_key, bytes):
        key = api_key
    else:
        raise TypeError(f"api_key must be str or bytes, not {type(api_key).__name__}")
    if not key:
        raise ValueError("api_key is empty; give the application's API key")
    return key


def _require_bytes(body: object) -> None:
    if not isinstance(body, bytes):
        raise TypeError(
            f"body must be the raw request body as bytes, not {type(body).__name__}; "
            "signatures cover the exact bytes received"
        )


def _listed(value: object) -> Sequence[object]:
    return value if isinstance(value, (list, tuple)) else (value,)


def _text(value: object) -> str:
    """Return header names and values as text; bytes are decoded as Latin-1, as HTTP allows."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    raise TypeError(f"header names and values must be str or bytes, not {type(value).__name__}")
