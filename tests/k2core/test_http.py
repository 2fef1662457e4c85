"""Headers, Request and Response: lookup, immutability and masking."""

from __future__ import annotations

import pickle

import pytest

from k2core import Headers, Request, Response


def test_headers_lookup_ignores_case() -> None:
    headers = Headers({"Location": "https://127.0.0.1/x"})

    assert headers.get("location") == "https://127.0.0.1/x"
    assert headers.get("LOCATION") == "https://127.0.0.1/x"
    assert "lOcAtIoN" in headers


def test_headers_missing_name_returns_default() -> None:
    headers = Headers([("A", "1")])

    assert headers.get("B") is None
    assert headers.get("B", "fallback") == "fallback"
    assert headers.get_all("B") == []


def test_headers_keep_repeats_in_order() -> None:
    headers = Headers([("Set-Cookie", "a=1"), ("X", "y"), ("set-cookie", "b=2")])

    assert headers.get("set-cookie") == "a=1"
    assert headers.get_all("SET-COOKIE") == ["a=1", "b=2"]
    assert len(headers) == 3


def test_headers_accept_asgi_byte_pairs() -> None:
    headers = Headers([(b"x-kopokopo-signature", b"ab12"), (b"content-type", b"application/json")])

    assert headers.get("X-KopoKopo-Signature") == "ab12"
    assert headers.items()[1] == ("content-type", "application/json")


def test_headers_reject_non_text_values() -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        Headers([("X", 1)])  # type: ignore[list-item]


def test_headers_equality_ignores_name_case() -> None:
    assert Headers({"Accept": "a"}) == Headers({"accept": "a"})
    assert Headers({"Accept": "a"}) != Headers({"Accept": "b"})
    assert hash(Headers({"Accept": "a"})) == hash(Headers({"ACCEPT": "a"}))


def test_with_header_replaces_every_case_variant() -> None:
    headers = Headers([("authorization", "Bearer old"), ("Accept", "x")])

    updated = headers.with_header("Authorization", "Bearer new")

    assert updated.get_all("authorization") == ["Bearer new"]
    assert headers.get("authorization") == "Bearer old"


def test_headers_repr_masks_credentials() -> None:
    headers = Headers(
        {"Authorization": "Bearer s3cret-token", "X-KopoKopo-Signature": "deadbeef", "A": "b"}
    )

    text = repr(headers)

    assert "s3cret-token" not in text
    assert "deadbeef" not in text
    assert "Bearer ***" in text
    assert "'A': 'b'" in text


def test_request_repr_hides_body_token_and_query() -> None:
    request = Request(
        "POST",
        "https://127.0.0.1/api/v2/x?phone=254700000000",
        Headers({"Authorization": "Bearer s3cret-token"}),
        b'{"phone_number":"+254700000000"}',
        operation="incoming_payments.create",
    )

    text = repr(request)

    assert "s3cret-token" not in text
    assert "254700000000" not in text
    assert "<32 bytes>" in text
    assert "incoming_payments.create" in text


def test_request_is_immutable() -> None:
    request = Request("GET", "https://127.0.0.1/", Headers())

    with pytest.raises(AttributeError):
        request.method = "POST"  # type: ignore[misc]


def test_request_with_header_returns_copy() -> None:
    request = Request("GET", "https://127.0.0.1/", Headers({"Accept": "application/json"}))

    updated = request.with_header("X-Test", "1")

    assert updated.headers.get("x-test") == "1"
    assert "X-Test" not in request.headers
    assert updated.url == request.url


def test_response_repr_hides_body() -> None:
    response = Response(200, Headers(), b'{"access_token":"abc"}')

    assert "abc" not in repr(response)
    assert "<22 bytes>" in repr(response)


def test_response_pickles() -> None:
    response = Response(201, Headers({"Location": "https://127.0.0.1/a"}), b"")

    restored = pickle.loads(pickle.dumps(response))

    assert restored.status == 201
    assert restored.headers.get("location") == "https://127.0.0.1/a"
