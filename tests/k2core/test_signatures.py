"""Signing, verifying and finding `X-KopoKopo-Signature` values."""

from __future__ import annotations

import hashlib
import hmac

import pytest

import k2core
from k2core import (
    EmptySignatureError,
    Headers,
    MalformedSignatureError,
    MissingSignatureError,
    SignatureError,
    SignatureMismatchError,
    find_signature,
    sign,
    verify_signature,
)

API_KEY = "k2-test-api-key-5f1c"
CLIENT_SECRET = "k2-test-client-secret-9e2d"
BODY = b'{"topic":"customer_created","id":"0001"}'


def test_sign_matches_rfc_4231_vector() -> None:
    # RFC 4231, test case 2: HMAC-SHA256 with key "Jefe".
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

    assert sign(b"what do ya want for nothing?", "Jefe") == expected
    assert sign(b"what do ya want for nothing?", b"Jefe") == expected


def test_sign_matches_hmac_of_raw_bytes() -> None:
    expected = hmac.new(API_KEY.encode(), BODY, hashlib.sha256).hexdigest()

    signature = sign(BODY, API_KEY)

    assert signature == expected
    assert signature == signature.lower()
    assert len(signature) == 64


def test_verify_accepts_exact_signature() -> None:
    verify_signature(BODY, sign(BODY, API_KEY), API_KEY)


def test_verify_accepts_upper_case_hex() -> None:
    verify_signature(BODY, sign(BODY, API_KEY).upper(), API_KEY)


def test_verify_accepts_mixed_case_hex() -> None:
    signature = sign(BODY, API_KEY)
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(signature))

    verify_signature(BODY, mixed, API_KEY)


@pytest.mark.parametrize("padding", [" ", "\t", "\r\n", "  \t "])
def test_verify_strips_surrounding_whitespace(padding: str) -> None:
    signature = sign(BODY, API_KEY)

    verify_signature(BODY, f"{padding}{signature}{padding}", API_KEY)


def test_verify_accepts_bytes_signature() -> None:
    verify_signature(BODY, sign(BODY, API_KEY).encode("ascii"), API_KEY)


def test_verify_accepts_identical_repeats() -> None:
    signature = sign(BODY, API_KEY)

    verify_signature(BODY, [signature, signature.upper(), f" {signature}"], API_KEY)


@pytest.mark.parametrize("signature", [None, [], ()])
def test_verify_missing_signature(signature: object) -> None:
    with pytest.raises(MissingSignatureError):
        verify_signature(BODY, signature, API_KEY)  # type: ignore[arg-type]


@pytest.mark.parametrize("signature", ["", " ", "\t\r\n", b"", [""]])
def test_verify_empty_signature(signature: object) -> None:
    with pytest.raises(EmptySignatureError):
        verify_signature(BODY, signature, API_KEY)  # type: ignore[arg-type]


def _malformed_values() -> list[tuple[str, object]]:
    good = sign(BODY, API_KEY)
    other = sign(BODY + b" ", API_KEY)
    return [
        ("sha256 prefix", f"sha256={good}"),
        ("upper-case prefix", f"SHA256={good}"),
        ("comma list", f"{good},{other}"),
        ("comma list with space", f"{good}, {good}"),
        ("inner space", f"{good[:32]} {good[32:]}"),
        ("inner tab", f"{good[:32]}\t{good[32:]}"),
        ("non-ASCII digit", good[:-1] + "é"),
        ("non-ASCII bytes", good[:-1].encode() + b"\xe9"),
        ("full-width digits", "\uff10" * 64),
        ("63 characters", good[:-1]),
        ("65 characters", good + "a"),
        ("128 characters", good + good),
        ("non-hex", "g" * 64),
        ("base64 digest", "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="),
        ("different repeats", [good, other]),
    ]


@pytest.mark.parametrize(
    "signature",
    [value for _, value in _malformed_values()],
    ids=[name for name, _ in _malformed_values()],
)
def test_verify_malformed_signature(signature: object) -> None:
    with pytest.raises(MalformedSignatureError):
        verify_signature(BODY, signature, API_KEY)  # type: ignore[arg-type]


def test_verify_mismatch_wrong_key() -> None:
    with pytest.raises(SignatureMismatchError):
        verify_signature(BODY, sign(BODY, "another-key"), API_KEY)


def test_verify_mismatch_client_secret() -> None:
    signed_with_secret = sign(BODY, CLIENT_SECRET)

    with pytest.raises(SignatureMismatchError) as caught:
        verify_signature(BODY, signed_with_secret, API_KEY)

    assert "client secret" in str(caught.value)


def test_verify_mismatch_changed_body() -> None:
    signature = sign(BODY, API_KEY)

    with pytest.raises(SignatureMismatchError):
        verify_signature(BODY.replace(b"0001", b"0002"), signature, API_KEY)


def test_verify_mismatch_reencoded_body() -> None:
    pretty = b'{"topic": "customer_created", "id": "0001"}'

    with pytest.raises(SignatureMismatchError):
        verify_signature(pretty, sign(BODY, API_KEY), API_KEY)


def test_verify_accepts_any_rotated_key() -> None:
    signature = sign(BODY, "new-key")

    verify_signature(BODY, signature, ["old-key", "new-key"])
    verify_signature(BODY, signature, ("new-key", b"old-key"))
    with pytest.raises(SignatureMismatchError):
        verify_signature(BODY, signature, ["old-key", "older-key"])


@pytest.mark.parametrize("api_key", ["", b"", [], (), ["valid", ""]])
def test_verify_empty_key_is_value_error(api_key: object) -> None:
    with pytest.raises(ValueError, match="api_key"):
        verify_signature(BODY, sign(BODY, API_KEY), api_key)  # type: ignore[arg-type]


@pytest.mark.parametrize("api_key", [None, 42, [None]])
def test_verify_key_of_wrong_type(api_key: object) -> None:
    with pytest.raises(TypeError, match="api_key"):
        verify_signature(BODY, sign(BODY, API_KEY), api_key)  # type: ignore[arg-type]


def test_sign_empty_key_is_value_error() -> None:
    with pytest.raises(ValueError, match="api_key"):
        sign(BODY, "")


def test_body_must_be_bytes() -> None:
    with pytest.raises(TypeError, match="bytes"):
        verify_signature(BODY.decode(), sign(BODY, API_KEY), API_KEY)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes"):
        sign(BODY.decode(), API_KEY)  # type: ignore[arg-type]


def test_signature_errors_are_not_value_errors() -> None:
    for name, value in _malformed_values():
        with pytest.raises(SignatureError) as caught:
            verify_signature(BODY, value, API_KEY)  # type: ignore[arg-type]
        assert not isinstance(caught.value, (TypeError, ValueError)), name
        assert isinstance(caught.value, k2core.K2Error), name


def test_errors_never_contain_signature_or_key() -> None:
    good = sign(BODY, API_KEY)
    cases: list[object] = [value for _, value in _malformed_values()]
    cases += [sign(BODY, CLIENT_SECRET), None, ""]

    for value in cases:
        with pytest.raises(SignatureError) as caught:
            verify_signature(BODY, value, API_KEY)  # type: ignore[arg-type]
        message = str(caught.value)
        assert good[:16] not in message
        assert sign(BODY, CLIENT_SECRET)[:16] not in message
        assert API_KEY not in message
        assert CLIENT_SECRET not in message


def test_find_signature_in_dict_any_case() -> None:
    for name in ["X-KopoKopo-Signature", "x-kopokopo-signature", "X-KOPOKOPO-SIGNATURE"]:
        headers = {"Content-Type": "application/json", name: " abc "}
        assert find_signature(headers) == "abc"


def test_find_signature_in_headers_value() -> None:
    headers = Headers([("content-type", "application/json"), ("x-kopokopo-signature", "abc")])

    assert find_signature(headers) == "abc"


def test_find_signature_in_wsgi_environ() -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/json",
        "HTTP_X_KOPOKOPO_SIGNATURE": "abc",
        "wsgi.input": object(),
    }

    assert find_signature(environ) == "abc"


def test_find_signature_in_asgi_pairs() -> None:
    scope_headers = [(b"content-type", b"application/json"), (b"x-kopokopo-signature", b"abc")]

    assert find_signature(scope_headers) == "abc"


def test_find_signature_in_list_valued_mapping() -> None:
    assert find_signature({"X-KopoKopo-Signature": ["abc", "abc"]}) == "abc"


def test_find_signature_absent() -> None:
    assert find_signature({"Content-Type": "application/json"}) is None
    assert find_signature([]) is None
    assert find_signature({"HTTP_X_OTHER": "abc"}) is None


def test_find_signature_identical_repeats() -> None:
    pairs = [(b"x-kopokopo-signature", b"abc"), (b"X-KopoKopo-Signature", b" abc")]

    assert find_signature(pairs) == "abc"


def test_find_signature_different_values() -> None:
    pairs = [(b"x-kopokopo-signature", b"abc"), (b"x-kopokopo-signature", b"abd")]

    with pytest.raises(MalformedSignatureError):
        find_signature(pairs)


def test_find_then_verify_round_trip() -> None:
    signature = sign(BODY, API_KEY)
    environ = {"HTTP_X_KOPOKOPO_SIGNATURE": signature}

    verify_signature(BODY, find_signature(environ), API_KEY)


def test_find_signature_reads_stdlib_http_message() -> None:
    import email.parser
    import http.client

    raw = "Content-Type: application/json\r\nx-kopokopo-signature:  " + "ab" * 32 + "\r\n\r\n"
    message = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(raw)

    assert k2core.find_signature(message) == "ab" * 32


def test_find_signature_rejects_unusable_container() -> None:
    with pytest.raises(TypeError, match="headers must be a mapping"):
        k2core.find_signature(["X-KopoKopo-Signature"])  # type: ignore[list-item]
