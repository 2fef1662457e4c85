"""k2core: the pure core of the Kopo Kopo K2 Connect v2 SDK.

Builds request descriptions for every API operation, validates parameters, parses responses,
and verifies and parses webhooks and result callbacks. It performs no I/O: no sockets, files,
clock, randomness, environment variables or logging.
"""

from __future__ import annotations

from k2core._version import __version__
from k2core.config import (
    PRODUCTION,
    SANDBOX,
    USER_AGENT,
    BaseUrl,
    authorize,
    base_url,
    is_loopback_host,
    pinned_url,
)
from k2core.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    EmptySignatureError,
    FieldError,
    K2Error,
    MalformedSignatureError,
    MissingSignatureError,
    NotFoundError,
    PayloadError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    SignatureError,
    SignatureMismatchError,
    UnexpectedResponseError,
    UnsafeUrlError,
    ValidationError,
)
from k2core.http import Headers, Request, Response
from k2core.operation import Operation

__all__ = [
    "PRODUCTION",
    "SANDBOX",
    "USER_AGENT",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "BaseUrl",
    "EmptySignatureError",
    "FieldError",
    "Headers",
    "K2Error",
    "MalformedSignatureError",
    "MissingSignatureError",
    "NotFoundError",
    "Operation",
    "PayloadError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitedError",
    "Request",
    "Response",
    "ServerError",
    "SignatureError",
    "SignatureMismatchError",
    "UnexpectedResponseError",
    "UnsafeUrlError",
    "ValidationError",
    "__version__",
    "authorize",
    "base_url",
    "is_loopback_host",
    "pinned_url",
]

# Webhooks, signatures and results: k2core.signatures, k2core.webhooks, k2core.results.

# Operations: one module per API area (k2core.tokens, k2core.incoming_payments, ...).
