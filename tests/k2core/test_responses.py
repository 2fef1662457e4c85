"""Response handling: error mapping, Location of creates, Retry-After, status decoding."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from k2core import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    Headers,
    NotFoundError,
    PayloadError,
    PermissionDeniedError,
    RateLimitedError,
    Response,
    ServerError,
    UnexpectedResponseError,
    parse_created,
    parse_retry_after,
    raise_for_status,
)
from k2core.responses import json_parser


def response(status: int, body: bytes | str = b"", **headers: str) -> Response:
    data = body.encode() if isinstance(body, str) else body
    return Response(status=status, headers=Headers(headers), body=data)


def raised(answer: Response) -> ApiError:
    with pytest.raises(ApiError) as caught:
        raise_for_status(answer)
    return caught.value


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_raise_for_status_passes_2xx(status: int) -> None:
    raise_for_status(response(status, b"<html>whatever</html>"))


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, BadRequestError),
        (406, BadRequestError),
        (409, BadRequestError),
        (410, BadRequestError),
        (418, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (599, ServerError),
        (302, UnexpectedResponseError),
        (101, UnexpectedResponseError),
    ],
)
def test_status_maps_to_error_class(status: int, cls: type[ApiError]) -> None:
    error = raised(response(status))

    assert type(error) is cls
    assert error.status == status


def test_api_error_body_gives_code_and_message() -> None:
    body = {"error_code": 400, "error_message": "Subscriber phone number is an invalid number"}
    error = raised(response(400, json.dumps(body)))

    assert error.code == "400"
    assert error.message == "Subscriber phone number is an invalid number"
    assert error.body_excerpt == json.dumps(body)
    assert str(error) == "HTTP 400: Subscriber phone number is an invalid number"


def test_string_error_code_kept() -> None:
    error = raised(response(422, '{"error_code": "invalid_till", "error_message": "Bad till"}'))

    assert error.code == "invalid_till"
    assert error.message == "Bad till"


def test_oauth_error_body() -> None:
    body = '{"error": "invalid_client", "error_description": "Client authentication failed."}'
    error = raised(response(401, body))

    assert isinstance(error, AuthenticationError)
    assert error.code == "invalid_client"
    assert error.message == "Client authentication failed."


@pytest.mark.parametrize("name", ["InvalidAccessToken", "ExpiredAccessToken"])
def test_401_token_codes_from_body(name: str) -> None:
    error = raised(response(401, json.dumps({"error_code": 401, "error_message": name})))

    assert isinstance(error, AuthenticationError)
    assert error.code == name


def test_401_token_code_from_oauth_error_field() -> None:
    error = raised(response(401, '{"error": "ExpiredAccessToken"}'))

    assert error.code == "ExpiredAccessToken"


def test_401_token_code_from_www_authenticate() -> None:
    answer = response(401, b"", **{"WWW-Authenticate": 'Bearer error="InvalidAccessToken"'})

    assert raised(answer).code == "InvalidAccessToken"


def test_401_without_details() -> None:
    error = raised(response(401))

    assert error.code is None
    assert error.message == "Unauthorized"
    assert error.body_excerpt == ""


def test_html_body_uses_reason_phrase() -> None:
    html = "<html><head><title>502 Bad Gateway</title></head><body>" + "x" * 500 + "</body>"
    error = raised(response(502, html))

    assert isinstance(error, ServerError)
    assert error.code is None
    assert error.message == "Bad Gateway"
    assert error.body_excerpt == html[:200]
    assert len(error.body_excerpt) == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"{",
        b'{"error_message": ',
        b"[1, 2]",
        b'"text"',
        b"null",
        b'{"error_message": {"nested": true}, "error_code": [1]}',
        b'{"error_code": true}',
        b"\xff\xfe\x00garbage",
        b"[" * 10_000,
        b'{"a":' * 10_000,
    ],
)
def test_unreadable_error_bodies_still_map(body: bytes) -> None:
    error = raised(response(500, body))

    assert isinstance(error, ServerError)
    assert error.message == "Internal Server Error"
    assert error.code is None
    assert len(error.body_excerpt) <= 200


def test_unknown_status_reason() -> None:
    assert raised(response(599)).message == "HTTP status 599"


def test_3xx_message_names_status() -> None:
    error = raised(response(302, b"", Location="https://sandbox.kopokopo.com/x"))

    assert "unexpected status 302 (Found)" in error.message


def test_excerpt_decodes_invalid_utf8_leniently() -> None:
    error = raised(response(400, b"caf\xe9 \xff"))

    assert error.body_excerpt == "caf\ufffd \ufffd"


def test_excerpt_counts_characters_not_bytes() -> None:
    error = raised(response(400, ("é" * 300).encode()))

    assert error.body_excerpt == "é" * 200


@given(st.binary(max_size=300), st.integers(min_value=100, max_value=599))
def test_raise_for_status_is_total(body: bytes, status: int) -> None:
    answer = response(status, body)
    if 200 <= status < 300:
        raise_for_status(answer)
        return
    error = raised(answer)

    assert error.status == status
    assert len(error.body_excerpt) <= 200
    assert error.message


@given(st.dictionaries(st.sampled_from(["error_code", "error_message", "error"]), st.text()))
def test_json_error_bodies_never_leak_decode_errors(fields: dict[str, str]) -> None:
    error = raised(response(400, json.dumps(fields)))

    assert isinstance(error, BadRequestError)


def test_api_error_pickles() -> None:
    error = raised(response(429, b"{}", **{"Retry-After": "7"}))
    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is RateLimitedError
    assert copy.retry_after == 7.0
    assert copy.status == 429


def test_429_retry_after_seconds() -> None:
    error = raised(response(429, b"", **{"Retry-After": "30"}))

    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 30.0


def test_429_overlong_retry_after_is_ignored() -> None:
    error = raised(response(429, b"", **{"Retry-After": "9" * 5000}))

    assert isinstance(error, RateLimitedError)
    assert error.retry_after is None


def test_429_retry_after_date_uses_server_date() -> None:
    answer = response(
        429,
        b"",
        **{
            "Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT",
            "Date": "Wed, 21 Oct 2026 07:28:00 GMT",
        },
    )
    error = raised(answer)

    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 30.0


def test_429_retry_after_date_without_server_date() -> None:
    error = raised(response(429, b"", **{"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT"}))

    assert isinstance(error, RateLimitedError)
    assert error.retry_after is None


def test_429_without_retry_after() -> None:
    error = raised(response(429))

    assert isinstance(error, RateLimitedError)
    assert error.retry_after is None


NOW = datetime(2026, 10, 21, 7, 28, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        ("120", None, 120.0),
        (" 0 ", None, 0.0),
        ("Wed, 21 Oct 2026 07:30:00 GMT", NOW, 120.0),
        ("Wed, 21 Oct 2026 07:00:00 GMT", NOW, 0.0),
        ("Wed, 21 Oct 2026 07:30:00 GMT", None, None),
        ("-5", NOW, None),
        ("1.5", NOW, None),
        ("soon", NOW, None),
        ("", NOW, None),
        (None, NOW, None),
        ("Wed, 21 Oct 2026 07:30:00 -0000", NOW, None),
        ("9" * 400, NOW, None),
        ("9" * 5000, NOW, None),
    ],
)
def test_parse_retry_after(value: str | None, now: datetime | None, expected: float | None) -> None:
    assert parse_retry_after(value, now) == expected


def test_parse_retry_after_naive_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2026 07:30:00 GMT", datetime(2026, 10, 21)) is None


@given(st.text(max_size=40))
def test_parse_retry_after_is_total(value: str) -> None:
    result = parse_retry_after(value, NOW)

    assert result is None or result >= 0


@pytest.mark.parametrize("name", ["Location", "location", "LOCATION"])
def test_parse_created_reads_location_any_case(name: str) -> None:
    url = "https://sandbox.kopokopo.com/api/v2/incoming_payments/abc"

    assert parse_created(response(201, b"", **{name: url})) == url


@pytest.mark.parametrize("status", [200, 201, 202])
def test_parse_created_accepts_any_2xx(status: int) -> None:
    url = "https://sandbox.kopokopo.com/api/v2/send_money/1"

    assert parse_created(response(status, b"not json at all {", Location=url)) == url


@pytest.mark.parametrize("location", [None, "", "   "])
def test_parse_created_without_location(location: str | None) -> None:
    headers = {} if location is None else {"Location": location}

    with pytest.raises(UnexpectedResponseError) as caught:
        parse_created(response(201, b'{"ok": true}', **headers))

    assert caught.value.status == 201
    assert "no Location header" in caught.value.message
    assert caught.value.body_excerpt == '{"ok": true}'


def test_parse_created_raises_api_error_first() -> None:
    with pytest.raises(BadRequestError) as caught:
        parse_created(response(400, '{"error_code": 400, "error_message": "Invalid till"}'))

    assert caught.value.message == "Invalid till"


class _Inner(msgspec.Struct):
    a: int


class _Sample(msgspec.Struct):
    data: _Inner


def test_json_parser_decodes() -> None:
    parse = json_parser(_Sample)

    assert parse(response(200, b'{"data": {"a": 1}}')) == _Sample(data=_Inner(a=1))


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b"", None),
        (b"<html></html>", None),
        (b'{"data": {"a": "x"}}', "$.data.a"),
        (b'{"other": 1}', "$.data"),
        (b'{"data": ' * 100 + b"1" + b"}" * 100, "$"),
    ],
)
def test_json_parser_payload_errors(body: bytes, path: str | None) -> None:
    with pytest.raises(PayloadError) as caught:
        json_parser(_Sample)(response(200, body))

    assert caught.value.path == path


def test_json_parser_maps_error_status() -> None:
    with pytest.raises(NotFoundError):
        json_parser(_Sample)(response(404, b'{"error_message": "Not found"}'))
