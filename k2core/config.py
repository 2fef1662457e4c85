"""Base URLs, host pinning, common headers and the bearer token.

Every business endpoint is `{base}/api/v2/<resource>` and every OAuth endpoint is
`{base}/oauth/<name>`. A base URL must be https unless its host is loopback (`localhost`,
`127.0.0.0/8`, `::1`), which the local emulator uses. Status-query URLs arrive in `Location`
headers. `pinned_url` accepts one only if its scheme, host and port equal the base URL's, so a
bearer token never reaches another host. `authorize` is the only function that adds a token.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from k2core._version import __version__
from k2core.errors import UnsafeUrlError
from k2core.http import Request

__all__ = [
    "PRODUCTION",
    "SANDBOX",
    "USER_AGENT",
    "BaseUrl",
    "api_url",
    "authorize",
    "base_url",
    "is_loopback_host",
    "json_headers",
    "oauth_url",
    "pinned_url",
]

SANDBOX = "https://sandbox.kopokopo.com"
PRODUCTION = "https://api.kopokopo.com"
USER_AGENT = f"k2-python/{__version__}"


class BaseUrl:
    """A validated base URL: https (or http on a loopback host), no query, no fragment.

    A trailing slash is ignored, so `https://h` and `https://h/` build the same URLs. A base
    path is kept (`https://h/proxy` builds `https://h/proxy/api/v2/...`).
    """

    __slots__ = ("_parts", "url")

    def __init__(self, url: str) -> None:
        self._parts = _checked_base(url)
        self.url = url.rstrip("/")

    @property
    def origin(self) -> tuple[str, str, int]:
        """The `(scheme, host, port)` that every URL sent with a token must share."""
        return _origin(self._parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BaseUrl) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def __repr__(self) -> str:
        return f"BaseUrl({self.url!r})"


def base_url(url: str | BaseUrl) -> BaseUrl:
    """Return `url` as a validated `BaseUrl`; raise `UnsafeUrlError` if it cannot be one."""
    return url if isinstance(url, BaseUrl) else BaseUrl(url)


def api_url(base: str | BaseUrl, resource: str) -> str:
    """Build `{base}/api/v2/{resource}`."""
    return f"{base_url(base).url}/api/v2/{resource}"


def oauth_url(base: str | BaseUrl, name: str) -> str:
    """Build `{base}/oauth/{name}`."""
    return f"{base_url(base).url}/oauth/{name}"


def pinned_url(base: str | BaseUrl, url: str, *, field: str = "url") -> str:
    """Return `url` unchanged if it is on the base URL's scheme, host and port.

    Raise `UnsafeUrlError` naming `field` otherwise, before any request exists, so a resource
    URL taken from a `Location` header can never send the bearer token elsewhere.
    """
    checked = base_url(base)
    if not isinstance(url, str):
        raise TypeError(f"{field} must be a str, not {type(url).__name__}")

    try:
        parts = urlsplit(url)
        origin = _origin(parts)
    except ValueError as exc:
        raise UnsafeUrlError(f"{field} is not a valid absolute URL: {url!r}") from exc

    if origin != checked.origin:
        raise UnsafeUrlError(
            f"{field} {_display(parts)} is not on the configured base URL {checked.url}; "
            "resource URLs must share its scheme, host and port"
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrlError(f"{field} must not carry user credentials")
    return url


def authorize(request: Request, token: str) -> Request:
    """Return a copy of `request` carrying `Authorization: Bearer <token>`.

    The token must be non-empty printable ASCII without whitespace; anything else would let a
    value split or forge headers. The error message never contains the token.
    """
    if not isinstance(token, str):
        raise TypeError(f"token must be a str, not {type(token).__name__}")
    if not token:
        raise ValueError("access token is empty")
    # Printable ASCII without a space is exactly the range 0x21-0x7E, checked in C code.
    if not (token.isascii() and token.isprintable()) or " " in token:
        raise ValueError(
            "access token contains whitespace, control or non-ASCII characters; "
            "it must be printable ASCII without spaces"
        )
    return request.with_header("Authorization", f"Bearer {token}")


def json_headers(*, with_body: bool) -> list[tuple[str, str]]:
    """Return the headers every API request carries, plus `Content-Type` when it has a body."""
    headers = [("Accept", "application/json"), ("User-Agent", USER_AGENT)]
    if with_body:
        headers.append(("Content-Type", "application/json"))
    return headers


def is_loopback_host(host: str | None) -> bool:
    """Return whether `host` is `localhost` or a loopback IP address (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_base(url: str) -> SplitResult:
    if not isinstance(url, str):
        raise TypeError(f"base_url must be a str, not {type(url).__name__}")
    try:
        parts = urlsplit(url)
        _origin(parts)
    except ValueError as exc:
        raise UnsafeUrlError(f"base_url is not a valid absolute URL: {url!r}") from exc

    if parts.query or parts.fragment:
        raise UnsafeUrlError(f"base_url must not have a query or fragment: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrlError("base_url must not carry user credentials")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise UnsafeUrlError(
            f"base_url {url!r} uses http; use https (http is allowed only for loopback hosts)"
        )
    return parts


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError("scheme must be http or https")
    host = parts.hostname
    if not host:
        raise ValueError("missing host")
    port = parts.port  # raises ValueError for a non-numeric or out-of-range port
    if port is None:
        port = 443 if scheme == "https" else 80
    return scheme, host.lower().rstrip("."), port


def _display(parts: SplitResult) -> str:
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/..."
