"""OAuth operations: request, revoke and introspect an access token, and read token info.

`request_token`, `revoke_token` and `introspect_token` authenticate with the client
credentials in a form-encoded body (`application/x-www-form-urlencoded`), so their operations
have `needs_token=False`. `token_info` is a GET authenticated with the bearer token. All four
requests are idempotent: asking for a token, revoking one twice or reading its details
changes nothing the second time. Parsed values keep times timezone-aware (`created_at` may
arrive as Unix seconds or ISO-8601 text; both are read), and `AccessToken`'s repr never shows
the token. Raises `ValidationError` for missing credentials, `ApiError` subclasses for error
responses and `PayloadError` for 2xx bodies of the wrong shape. Never puts a client secret or
token in an error message.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec

from k2core import params
from k2core._builders import query_request
from k2core._decoding import decode
from k2core.config import USER_AGENT, BaseUrl, oauth_url
from k2core.errors import PayloadError
from k2core.http import Headers, Request, Response
from k2core.operation import Operation
from k2core.params import REQUIRED
from k2core.responses import raise_for_status

__all__ = [
    "AccessToken",
    "TokenApplication",
    "TokenInfo",
    "TokenIntrospection",
    "introspect_token",
    "request_token",
    "revoke_token",
    "token_info",
]

T = TypeVar("T")

_FORM_HEADERS = Headers(
    [
        ("Accept", "application/json"),
        ("User-Agent", USER_AGENT),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ]
)

# A time the OAuth server sends as Unix seconds or as ISO-8601 text; both forms occur.
_WireTime = int | float | str | None


class AccessToken(msgspec.Struct, frozen=True, kw_only=True):
    """A bearer token from the token endpoint. Its repr and str never show the token.

    `created_at` is when the server issued it (`None` if the response left it out), and
    `expires_in` its lifetime in seconds from then.
    """

    access_token: str
    token_type: str = "Bearer"  # noqa: S105  (a token type, not a secret)
    expires_in: int
    created_at: datetime | None = None

    @property
    def expires_at(self) -> datetime | None:
        """The time the token stops working, or `None` when `created_at` is unknown."""
        if self.created_at is None:
            return None
        return self.created_at + timedelta(seconds=self.expires_in)

    def __repr__(self) -> str:
        return (
            f"AccessToken(access_token='***', token_type={self.token_type!r}, "
            f"expires_in={self.expires_in}, created_at={self.created_at!r})"
        )

    __str__ = __repr__

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's default would hand the raw token to rich and other pretty printers.
        return [
            ("access_token", "***"),
            ("token_type", self.token_type),
            ("expires_in", self.expires_in),
            ("created_at", self.created_at),
        ]


class TokenIntrospection(msgspec.Struct, frozen=True, kw_only=True):
    """The introspection endpoint's report on a token: whether it is active, and when it was
    issued (`iat`) and expires (`exp`)."""

    active: bool
    scope: str | None = None
    client_id: str | None = None
    token_type: str | None = None
    exp: datetime | None = None
    iat: datetime | None = None


class TokenApplication(msgspec.Struct, frozen=True):
    """The application a token belongs to; `uid` is its client id."""

    uid: str


class TokenInfo(msgspec.Struct, frozen=True, kw_only=True):
    """Details of the bearer token in use. `expires_in` is the seconds it has left."""

    expires_in: int
    created_at: datetime | None = None
    scope: list[str] = msgspec.field(default_factory=list)
    application: TokenApplication | None = None
    resource_owner_id: str | int | None = None


class _TokenWire(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105  (a token type, not a secret)
    created_at: _WireTime = None


class _IntrospectionWire(msgspec.Struct):
    active: bool
    scope: str | None = None
    client_id: str | None = None
    token_type: str | None = None
    exp: _WireTime = None
    iat: _WireTime = None


class _InfoWire(msgspec.Struct):
    expires_in: int
    created_at: _WireTime = None
    scope: list[str] = msgspec.field(default_factory=list)
    application: TokenApplication | None = None
    resource_owner_id: str | int | None = None


def request_token(
    base_url: str | BaseUrl, *, client_id: str = REQUIRED, client_secret: str = REQUIRED
) -> Operation[AccessToken]:
    """Build the client-credentials token request (`POST /oauth/token`)."""
    errors: params.Errors = []
    client_id = params.text(errors, "client_id", client_id)
    client_secret = params.text(errors, "client_secret", client_secret)
    params.raise_for_errors(errors)

    form = [
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("grant_type", "client_credentials"),
    ]
    request = _post_form(oauth_url(base_url, "token"), form, "tokens.request_token")
    return Operation(request=request, parse=_parse_access_token, needs_token=False)


def revoke_token(
    base_url: str | BaseUrl,
    *,
    client_id: str = REQUIRED,
    client_secret: str = REQUIRED,
    token: str = REQUIRED,
) -> Operation[None]:
    """Build the revocation of `token` (`POST /oauth/revoke`); parsing returns `None`."""
    form = _token_form(client_id, client_secret, token)
    request = _post_form(oauth_url(base_url, "revoke"), form, "tokens.revoke_token")
    return Operation(request=request, parse=raise_for_status, needs_token=False)


def introspect_token(
    base_url: str | BaseUrl,
    *,
    client_id: str = REQUIRED,
    client_secret: str = REQUIRED,
    token: str = REQUIRED,
) -> Operation[TokenIntrospection]:
    """Build the introspection of `token` (`POST /oauth/introspect`)."""
    form = _token_form(client_id, client_secret, token)
    request = _post_form(oauth_url(base_url, "introspect"), form, "tokens.introspect_token")
    return Operation(request=request, parse=_parse_introspection, needs_token=False)


def token_info(base_url: str | BaseUrl) -> Operation[TokenInfo]:
    """Build the query of the bearer token's details (`GET /oauth/token/info`)."""
    url = oauth_url(base_url, "token/info")
    request = query_request(base_url, url, "tokens.token_info")
    return Operation(request=request, parse=_parse_info)


def _token_form(client_id: str, client_secret: str, token: str) -> list[tuple[str, str]]:
    errors: params.Errors = []
    form = [
        ("client_id", params.text(errors, "client_id", client_id)),
        ("client_secret", params.text(errors, "client_secret", client_secret)),
        ("token", params.text(errors, "token", token)),
    ]
    params.raise_for_errors(errors)
    return form


def _post_form(url: str, form: list[tuple[str, str]], operation: str) -> Request:
    # The token endpoint is documented as form-encoded, and OAuth 2.0 (RFC 7009 for revoke,
    # RFC 7662 for introspect) uses the same encoding, so all three OAuth POSTs send a form.
    return Request(
        method="POST",
        url=url,
        headers=_FORM_HEADERS,
        body=urlencode(form).encode("ascii"),
        idempotent=True,
        operation=operation,
    )


def _decoded(response: Response, decoder: msgspec.json.Decoder[T]) -> T:
    raise_for_status(response)
    return decode(decoder, response.body)


_TOKEN_DECODER = msgspec.json.Decoder(_TokenWire)
_INTROSPECTION_DECODER = msgspec.json.Decoder(_IntrospectionWire)
_INFO_DECODER = msgspec.json.Decoder(_InfoWire)


def _parse_access_token(response: Response) -> AccessToken:
    wire = _decoded(response, _TOKEN_DECODER)
    if not wire.access_token or any(not 0x21 <= ord(char) <= 0x7E for char in wire.access_token):
        raise PayloadError(
            "token response has an empty access_token or one with whitespace or control characters",
            "$.access_token",
        )
    return AccessToken(
        access_token=wire.access_token,
        token_type=wire.token_type,
        expires_in=wire.expires_in,
        created_at=_wire_time(wire.created_at, "$.created_at"),
    )


def _parse_introspection(response: Response) -> TokenIntrospection:
    wire = _decoded(response, _INTROSPECTION_DECODER)
    return TokenIntrospection(
        active=wire.active,
        scope=wire.scope,
        client_id=wire.client_id,
        token_type=wire.token_type,
        exp=_wire_time(wire.exp, "$.exp"),
        iat=_wire_time(wire.iat, "$.iat"),
    )


def _parse_info(response: Response) -> TokenInfo:
    wire = _decoded(response, _INFO_DECODER)
    return TokenInfo(
        expires_in=wire.expires_in,
        created_at=_wire_time(wire.created_at, "$.created_at"),
        scope=wire.scope,
        application=wire.application,
        resource_owner_id=wire.resource_owner_id,
    )


def _wire_time(value: _WireTime, path: str) -> datetime | None:
    """Read Unix seconds or ISO-8601 text with an offset as an aware UTC-based datetime."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(value, path)
    text = value.strip()
    if text.isascii() and text.isdigit():
        return _from_epoch(int(text), path)
    parsed = params.parse_iso(text)
    if parsed is None or parsed.utcoffset() is None:
        raise PayloadError(f"{path} is not Unix seconds or ISO-8601 text with an offset", path)
    return parsed


def _from_epoch(seconds: float, path: str) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as exc:
        raise PayloadError(f"{path} is out of range for a time", path) from exc
