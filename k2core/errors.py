"""The error tree of the SDK.

Every error the SDK raises on purpose derives from `K2Error`::

    K2Error
    ├── ValidationError            parameters rejected before any request exists
    ├── UnsafeUrlError             a URL the bearer token must not be sent to
    ├── SignatureError             a webhook or callback failed authentication
    │   ├── MissingSignatureError      no signature header at all
    │   ├── EmptySignatureError        the header is present but blank
    │   ├── MalformedSignatureError    not 64 hex characters, prefixed, or several values
    │   └── SignatureMismatchError     well formed, but no key produces it
    ├── PayloadError               a body that cannot be decoded into the expected shape
    │   └── PayloadTooLargeError       larger than the configured limit
    ├── ApiError                   the API answered with an error (or an unusable success)
    │   ├── BadRequestError            400, 405, 406, 409, 410, 422 and other 4xx
    │   ├── AuthenticationError        401 (and OAuth credential errors)
    │   ├── PermissionDeniedError      403
    │   ├── NotFoundError              404
    │   ├── RateLimitedError           429, with the parsed Retry-After
    │   ├── ServerError                5xx
    │   └── UnexpectedResponseError    a 2xx the SDK cannot use, such as a create without Location
    └── TransportError (in k2io)   the request could not be completed over the network

Builtin `TypeError` is kept for misuse of Python arguments, such as an unknown keyword. Error
messages never contain secrets: not tokens, keys, client secrets or signatures.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "EmptySignatureError",
    "FieldError",
    "K2Error",
    "MalformedSignatureError",
    "MissingSignatureError",
    "NotFoundError",
    "PayloadError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "SignatureError",
    "SignatureMismatchError",
    "UnexpectedResponseError",
    "UnsafeUrlError",
    "ValidationError",
]


class K2Error(Exception):
    """The root of every error the SDK raises on purpose."""


class FieldError(msgspec.Struct, frozen=True):
    """One invalid parameter: its dotted path, what is wrong, and what is accepted."""

    field: str
    problem: str
    expected: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}; expected {self.expected}"


class ValidationError(K2Error):
    """Parameters were rejected before a request was built.

    `errors` lists every invalid field at once, so a caller can fix them all in one pass.
    """

    def __init__(self, errors: Sequence[FieldError]) -> None:
        if not errors:
            raise ValueError("ValidationError needs at least one FieldError")
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(self._message())

    @property
    def fields(self) -> tuple[str, ...]:
        """The dotted paths of the invalid fields, in the order they were found."""
        return tuple(error.field for error in self.errors)

    def _message(self) -> str:
        count = len(self.errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        noun = "parameter" if count == 1 else "parameters"
        return f"{count} invalid {noun}:\n{lines}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,))


class UnsafeUrlError(K2Error):
    """A URL was rejected because a bearer token or a request must not go there.

    Raised for base URLs that are not https (loopback hosts excepted) and for resource URLs
    whose scheme, host or port differ from the configured base URL.
    """


class SignatureError(K2Error):
    """A webhook or result callback failed signature verification."""


class MissingSignatureError(SignatureError):
    """No `X-KopoKopo-Signature` value was given."""


class EmptySignatureError(SignatureError):
    """The signature header was present but empty or blank."""


class MalformedSignatureError(SignatureError):
    """The signature is not one lowercase or uppercase hex SHA-256 digest."""


class SignatureMismatchError(SignatureError):
    """The signature is well formed but no configured API key produces it for this body."""


class PayloadError(K2Error):
    """A body could not be decoded into the expected shape.

    `path` is the JSON path of the offending value (`$.event.resource.amount`) when known.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.path))


class PayloadTooLargeError(PayloadError):
    """A body is larger than the configured limit; it was neither hashed nor decoded."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"body of {size} bytes exceeds the limit of {limit} bytes")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.size, self.limit))


class ApiError(K2Error):
    """The API returned an error status, or a success the SDK cannot use.

    Attributes:
        status: the HTTP status code.
        code: the API's `error_code` (or OAuth `error`), as text, when the body had one.
        message: the API's `error_message` (or OAuth `error_description`), or the reason
            phrase when the body had none.
        body_excerpt: at most the first 200 characters of the body, decoded leniently.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        body_excerpt: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.body_excerpt = body_excerpt
        super().__init__(self._summary())

    def _summary(self) -> str:
        # The API's `error_code` often repeats the status (`400`); show it only when it adds.
        shown = self.code is not None and self.code != str(self.status)
        code = f" {self.code}" if shown else ""
        return f"HTTP {self.status}{code}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_api_error,
            (type(self), self.status, self.message, self.code, self.body_excerpt, self.__dict__),
        )


def _rebuild_api_error(
    cls: type[ApiError],
    status: int,
    message: str,
    code: str | None,
    body_excerpt: str,
    state: dict[str, object],
) -> ApiError:
    error = cls.__new__(cls)
    ApiError.__init__(error, status, message, code=code, body_excerpt=body_excerpt)
    error.__dict__.update(state)
    return error


class BadRequestError(ApiError):
    """The API rejected the request as invalid (400 and other 4xx without their own class)."""


class AuthenticationError(ApiError):
    """401: the credentials or the access token were rejected.

    `code` is `InvalidAccessToken` or `ExpiredAccessToken` when the API names the reason.
    """


class PermissionDeniedError(ApiError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(ApiError):
    """404: the resource does not exist."""


class RateLimitedError(ApiError):
    """429: too many requests. `retry_after` is the delay in seconds the API asked for."""

    retry_after: float | None = None


class ServerError(ApiError):
    """5xx: the API failed. Whether a create took effect is unknown; query before repeating."""


class UnexpectedResponseError(ApiError):
    """A 2xx response the SDK cannot use, such as a create response without `Location`."""
