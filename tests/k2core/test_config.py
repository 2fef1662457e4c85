"""Base URLs, host pinning and the bearer token header."""

from __future__ import annotations

import pytest

import k2core
from k2core import Headers, Request, UnsafeUrlError
from k2core.config import api_url, oauth_url


def test_trailing_slash_builds_same_urls() -> None:
    assert api_url("https://sandbox.kopokopo.com/", "send_money") == api_url(
        "https://sandbox.kopokopo.com", "send_money"
    )
    assert oauth_url(k2core.SANDBOX + "/", "token") == "https://sandbox.kopokopo.com/oauth/token"


def test_base_path_is_kept() -> None:
    assert (
        api_url("https://proxy.example/k2/", "polling") == "https://proxy.example/k2/api/v2/polling"
    )


def test_known_environments() -> None:
    assert k2core.SANDBOX == "https://sandbox.kopokopo.com"
    assert k2core.PRODUCTION == "https://api.kopokopo.com"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9000/", "http://127.5.6.7"],
)
def test_http_allowed_on_loopback(url: str) -> None:
    assert k2core.base_url(url).url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://sandbox.kopokopo.com",
        "http://10.0.0.1",
        "ftp://127.0.0.1",
        "sandbox.kopokopo.com",
        "https://",
        "https://h/?q=1",
        "https://h/#frag",
        "https://user:pw@h",
        "https://h:99999",
    ],
)
def test_unsafe_base_urls_rejected(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        k2core.base_url(url)


def test_base_url_error_keeps_password_out() -> None:
    with pytest.raises(UnsafeUrlError) as caught:
        k2core.base_url("https://user:hunter2@h")

    assert "hunter2" not in str(caught.value)


def test_pinned_url_accepts_same_origin() -> None:
    url = "https://sandbox.kopokopo.com/api/v2/incoming_payments/abc"

    assert k2core.pinned_url(k2core.SANDBOX, url) == url
    assert k2core.pinned_url(k2core.SANDBOX + "/", url.replace(".com/", ".com:443/")) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/api/v2/incoming_payments/abc",
        "http://sandbox.kopokopo.com/api/v2/incoming_payments/abc",
        "https://sandbox.kopokopo.com:8443/api/v2/incoming_payments/abc",
        "https://sandbox.kopokopo.com.evil.example/api/v2/x",
        "https://user@sandbox.kopokopo.com/api/v2/x",
        "//sandbox.kopokopo.com/api/v2/x",
        "/api/v2/incoming_payments/abc",
        "javascript:alert(1)",
        "",
    ],
)
def test_pinned_url_rejects_other_origins(url: str) -> None:
    with pytest.raises(UnsafeUrlError, match="location"):
        k2core.pinned_url(k2core.SANDBOX, url, field="location")


def test_pinned_url_rejects_non_string() -> None:
    with pytest.raises(TypeError):
        k2core.pinned_url(k2core.SANDBOX, None)  # type: ignore[arg-type]


def test_authorize_adds_bearer_header() -> None:
    request = Request("GET", "https://127.0.0.1/", Headers({"Accept": "application/json"}))

    authorized = k2core.authorize(request, "abc.DEF-123_~+/=")

    assert authorized.headers.get("authorization") == "Bearer abc.DEF-123_~+/="
    assert "authorization" not in request.headers


def test_authorize_replaces_previous_token() -> None:
    request = k2core.authorize(Request("GET", "https://127.0.0.1/", Headers()), "old")

    assert k2core.authorize(request, "new").headers.get_all("Authorization") == ["Bearer new"]


@pytest.mark.parametrize(
    "token", ["", "two words", "tab\there", "line\r\nX-Evil: 1", "nul\x00", "caf\u00e9", "end\n"]
)
def test_authorize_rejects_unsafe_tokens(token: str) -> None:
    request = Request("GET", "https://127.0.0.1/", Headers())

    with pytest.raises(ValueError) as caught:
        k2core.authorize(request, token)

    if token.strip():
        assert token not in str(caught.value)


def test_loopback_detection() -> None:
    assert k2core.is_loopback_host("127.0.0.1")
    assert k2core.is_loopback_host("LOCALHOST")
    assert k2core.is_loopback_host("::1")
    assert not k2core.is_loopback_host("10.0.0.1")
    assert not k2core.is_loopback_host("localhost.evil.example")
    assert not k2core.is_loopback_host(None)
