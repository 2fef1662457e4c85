"""OAuth operations: form bodies, token parsing, introspection, token info, secrets kept out."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from k2core import (
    AccessToken,
    AuthenticationError,
    Headers,
    PayloadError,
    Response,
    TokenInfo,
    TokenIntrospection,
    ValidationError,
    tokens,
)

BASE = "https://sandbox.kopokopo.com"
SECRET = "s3cr3t-value-never-shown"
TOKEN = "QmFyZWx5QVRva2VuQnV0TG9uZ0Vub3VnaA"


def ok(body: object) -> Response:
    return Response(status=200, headers=Headers({}), body=json.dumps(body).encode())


def test_request_token_form_body() -> None:
    operation = tokens.request_token(BASE, client_id="my id", client_secret="a&b=c+d")
    request = operation.request

    assert request.method == "POST"
    assert request.url == f"{BASE}/oauth/token"
    assert request.headers.get("content-type") == "application/x-www-form-urlencoded"
    assert request.headers.get("authorization") is None
    assert parse_qsl(request.body.decode()) == [
        ("client_id", "my id"),
        ("client_secret", "a&b=c+d"),
        ("grant_type", "client_credentials"),
    ]
    assert operation.needs_token is False
    assert request.idempotent is True
    assert request.operation == "tokens.request_token"


@pytest.mark.parametrize("name", ["revoke_token", "introspect_token"])
def test_token_form_operations(name: str) -> None:
    build = getattr(tokens, name)
    operation = build(BASE, client_id="id", client_secret=SECRET, token=TOKEN)

    assert operation.request.url == f"{BASE}/oauth/{name.split('_')[0]}"
    assert dict(parse_qsl(operation.request.body.decode())) == {
        "client_id": "id",
        "client_secret": SECRET,
        "token": TOKEN,
    }
    assert operation.needs_token is False
    assert operation.request.idempotent is True
    assert operation.name == f"tokens.{name}"


def test_token_info_is_authenticated_get() -> None:
    operation = tokens.token_info(BASE + "/")

    assert operation.request.method == "GET"
    assert operation.request.url == f"{BASE}/oauth/token/info"
    assert operation.request.body == b""
    assert operation.needs_token is True
    assert operation.request.idempotent is True


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
@pytest.mark.parametrize("bad", [None, "", "   "])
def test_request_token_rejects_blank_credentials(field: str, bad: object) -> None:
    values = {"client_id": "id", "client_secret": SECRET, field: bad}

    with pytest.raises(ValidationError) as caught:
        tokens.request_token(BASE, **values)  # type: ignore[arg-type]

    assert caught.value.fields == (field,)


def test_revoke_reports_every_blank_field() -> None:
    with pytest.raises(ValidationError) as caught:
        tokens.revoke_token(BASE, client_id="", client_secret=" ", token=None)  # type: ignore[arg-type]

    assert caught.value.fields == ("client_id", "client_secret", "token")


def test_request_token_unknown_keyword() -> None:
    with pytest.raises(TypeError):
        tokens.request_token(BASE, client_id="id", client_secret=SECRET, scope="x")  # type: ignore[call-arg]


def test_errors_never_show_secret() -> None:
    with pytest.raises(ValidationError) as caught:
        tokens.introspect_token(BASE, client_id=SECRET, client_secret=SECRET, token="")

    assert SECRET not in str(caught.value)


def test_access_token_epoch_created_at() -> None:
    body = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 3600,
        "created_at": 1764849600,
    }
    token = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse(ok(body))

    assert token.access_token == TOKEN
    assert token.expires_in == 3600
    assert token.created_at == datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc)
    assert token.expires_at == datetime(2025, 12, 4, 13, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("created_at", "expected"),
    [
        ("2025-12-04T15:00:00+03:00", datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc)),
        ("2025-12-04T12:00:00Z", datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc)),
        ("1764849600", datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc)),
        (1764849600.0, datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc)),
        (None, None),
    ],
)
def test_access_token_created_at_forms(created_at: object, expected: datetime | None) -> None:
    body = {"access_token": TOKEN, "expires_in": 3600, "created_at": created_at}
    token = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse(ok(body))

    assert token.created_at == expected
    if expected is not None:
        assert token.created_at is not None
        assert token.created_at.utcoffset() is not None


def test_access_token_without_created_at() -> None:
    body = {"access_token": TOKEN, "expires_in": 3600}
    token = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse(ok(body))

    assert token.created_at is None
    assert token.expires_at is None
    assert token.token_type == "Bearer"


def test_access_token_repr_hides_token() -> None:
    token = AccessToken(access_token=TOKEN, expires_in=3600)

    assert TOKEN not in repr(token)
    assert TOKEN not in str(token)
    assert "***" in repr(token)
    assert TOKEN not in repr([token])
    assert TOKEN not in repr(list(token.__rich_repr__()))


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"access_token": "", "expires_in": 3600}, "$.access_token"),
        ({"access_token": "a b", "expires_in": 3600}, "$.access_token"),
        ({"access_token": TOKEN}, "$.expires_in"),
        ({"access_token": TOKEN, "expires_in": "soon"}, "$.expires_in"),
        ({"access_token": TOKEN, "expires_in": 3600, "created_at": "yesterday"}, "$.created_at"),
        (
            {"access_token": TOKEN, "expires_in": 3600, "created_at": "2025-12-04T12:00:00"},
            "$.created_at",
        ),
        ({"access_token": TOKEN, "expires_in": 3600, "created_at": 10**20}, "$.created_at"),
    ],
)
def test_access_token_bad_bodies(body: object, path: str) -> None:
    parse = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse

    with pytest.raises(PayloadError) as caught:
        parse(ok(body))

    assert caught.value.path == path
    assert TOKEN not in str(caught.value)


def test_access_token_html_200_is_payload_error() -> None:
    parse = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse

    with pytest.raises(PayloadError):
        parse(Response(status=200, headers=Headers({}), body=b"<html>maintenance</html>"))


def test_request_token_oauth_error() -> None:
    parse = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse
    body = {"error": "invalid_client", "error_description": "Client authentication failed."}

    with pytest.raises(AuthenticationError) as caught:
        parse(Response(status=401, headers=Headers({}), body=json.dumps(body).encode()))

    assert caught.value.code == "invalid_client"
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("exp", "iat"),
    [
        ("2025-12-04T16:00:00+03:00", "2025-12-04T15:00:00+03:00"),
        (1764853200, 1764849600),
        ("1764853200", "1764849600"),
    ],
)
def test_introspection_times(exp: object, iat: object) -> None:
    body = {
        "active": True,
        "scope": "",
        "client_id": "client-xyz",
        "token_type": "Bearer",
        "exp": exp,
        "iat": iat,
    }
    operation = tokens.introspect_token(BASE, client_id="id", client_secret=SECRET, token=TOKEN)
    result = operation.parse(ok(body))

    assert result == TokenIntrospection(
        active=True,
        scope="",
        client_id="client-xyz",
        token_type="Bearer",
        exp=datetime(2025, 12, 4, 13, 0, tzinfo=timezone.utc),
        iat=datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc),
    )


def test_introspection_inactive_minimal() -> None:
    operation = tokens.introspect_token(BASE, client_id="id", client_secret=SECRET, token=TOKEN)

    assert operation.parse(ok({"active": False})) == TokenIntrospection(active=False)


def test_revoke_parses_empty_answers() -> None:
    operation = tokens.revoke_token(BASE, client_id="id", client_secret=SECRET, token=TOKEN)

    assert operation.parse(ok({})) is None
    assert operation.parse(Response(status=200, headers=Headers({}), body=b"")) is None


def test_revoke_error_status() -> None:
    operation = tokens.revoke_token(BASE, client_id="id", client_secret=SECRET, token=TOKEN)

    with pytest.raises(AuthenticationError):
        operation.parse(Response(status=401, headers=Headers({}), body=b""))


def test_token_info_parses() -> None:
    body = {
        "resource_owner_id": None,
        "scope": [],
        "expires_in": 1200,
        "application": {"uid": "client-xyz"},
        "created_at": 1764849600,
    }
    info = tokens.token_info(BASE).parse(ok(body))

    assert info.expires_in == 1200
    assert info.application is not None
    assert info.application.uid == "client-xyz"
    assert info.created_at == datetime(2025, 12, 4, 12, 0, tzinfo=timezone.utc)
    assert info.scope == []
    assert info.resource_owner_id is None


def test_token_info_wrong_shape() -> None:
    with pytest.raises(PayloadError) as caught:
        tokens.token_info(BASE).parse(ok({"expires_in": 5, "application": {"uid": 5}}))

    assert caught.value.path == "$.application.uid"


@given(
    st.builds(
        TokenInfo,
        expires_in=st.integers(0, 10**6),
        created_at=st.none() | st.datetimes(timezones=st.just(timezone.utc)),
        scope=st.lists(st.text(max_size=5), max_size=3),
    )
)
def test_token_info_round_trips(info: TokenInfo) -> None:
    assert msgspec.json.decode(msgspec.json.encode(info), type=TokenInfo) == info


@given(st.integers(min_value=0, max_value=2**31), st.integers(min_value=1, max_value=10**5))
def test_access_token_expiry_arithmetic(created: int, lifetime: int) -> None:
    body = {"access_token": TOKEN, "expires_in": lifetime, "created_at": created}
    token = tokens.request_token(BASE, client_id="id", client_secret=SECRET).parse(ok(body))

    assert token.expires_at is not None
    assert token.created_at is not None
    assert token.expires_at - token.created_at == timedelta(seconds=lifetime)
