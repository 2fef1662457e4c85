"""Properties of signing and parsing that must hold for every input."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import k2core
from k2core import (
    K2Error,
    PayloadError,
    SignatureError,
    SignatureMismatchError,
    parse_result,
    parse_webhook,
    sign,
    verify_signature,
)
from k2core._decoding import check_depth
from k2core.testing import (
    RESULT_KINDS,
    SAMPLE_KINDS,
    WEBHOOK_KINDS,
    encode,
    results,
    sample_document,
    signed_sample,
    webhooks,
)

API_KEY = "prop-test-api-key"
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

keys = st.binary(min_size=1, max_size=64) | st.text(min_size=1, max_size=64)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def outcome_of(parse: Any, body: bytes) -> object:
    """Parse `body` with a valid signature; return the value or the K2Error raised."""
    try:
        return parse(body, sign(body, API_KEY), API_KEY)
    except K2Error as error:
        return error


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=512), api_key=keys)
def test_sign_verify_round_trip(body: bytes, api_key: str | bytes) -> None:
    verify_signature(body, sign(body, api_key), api_key)


@PROPERTY_SETTINGS
@given(body=st.binary(min_size=1, max_size=256), data=st.data())
def test_any_body_byte_change_rejected(body: bytes, data: st.DataObject) -> None:
    signature = sign(body, API_KEY)
    index = data.draw(st.integers(0, len(body) - 1))
    replacement = data.draw(st.integers(0, 255).filter(lambda byte: byte != body[index]))
    changed = body[:index] + bytes([replacement]) + body[index + 1 :]

    with pytest.raises(SignatureMismatchError):
        verify_signature(changed, signature, API_KEY)


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=256), data=st.data())
def test_any_signature_change_rejected(body: bytes, data: st.DataObject) -> None:
    signature = sign(body, API_KEY)
    index = data.draw(st.integers(0, 63))
    original = signature[index]
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c.lower() != original))
    changed = signature[:index] + replacement + signature[index + 1 :]

    with pytest.raises(SignatureError):
        verify_signature(body, changed, API_KEY)


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=256), index=st.integers(0, 63))
def test_signature_case_change_accepted(body: bytes, index: int) -> None:
    signature = sign(body, API_KEY)
    changed = signature[:index] + signature[index].upper() + signature[index + 1 :]

    verify_signature(body, changed, API_KEY)


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=2048))
def test_parse_webhook_total_over_bytes(body: bytes) -> None:
    outcome = outcome_of(parse_webhook, body)

    assert not isinstance(outcome, SignatureError)


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=2048))
def test_parse_result_total_over_bytes(body: bytes) -> None:
    outcome = outcome_of(parse_result, body)

    assert not isinstance(outcome, SignatureError)


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=512), signature=st.text(max_size=80) | st.none())
def test_parse_total_over_any_signature(body: bytes, signature: str | None) -> None:
    for parse in (parse_webhook, parse_result):
        try:
            parse(body, signature, API_KEY)
        except K2Error:
            pass


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return document


@PROPERTY_SETTINGS
@given(kind=st.sampled_from(SAMPLE_KINDS), data=st.data())
def test_parse_total_over_mutated_samples(kind: str, data: st.DataObject) -> None:
    document = sample_document(kind)
    path = data.draw(st.sampled_from(_paths(document)))
    value = data.draw(json_values)
    body = json.dumps(_replaced(document, path, value)).encode()

    for parse in (parse_webhook, parse_result):
        outcome = outcome_of(parse, body)
        assert not isinstance(outcome, SignatureError)


@PROPERTY_SETTINGS
@given(kind=st.sampled_from(SAMPLE_KINDS), data=st.data())
def test_parse_total_over_corrupted_bytes(kind: str, data: st.DataObject) -> None:
    body = signed_sample(kind, API_KEY).body
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, min(len(body), start + 8)))
    insert = data.draw(st.binary(max_size=8) | st.sampled_from([b"[", b"{", b'"', b"\\", b"NaN"]))
    corrupted = body[:start] + insert + body[end:]

    for parse in (parse_webhook, parse_result):
        outcome = outcome_of(parse, corrupted)
        assert not isinstance(outcome, SignatureError)


@pytest.mark.parametrize("kind", WEBHOOK_KINDS)
def test_every_webhook_sample_parses(kind: str) -> None:
    sample = signed_sample(kind, API_KEY)

    event = parse_webhook(sample.body, k2core.find_signature(sample.headers), API_KEY)

    assert event == k2core.decode_webhook_unverified(sample.body)


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_every_result_sample_parses(kind: str) -> None:
    sample = signed_sample(kind, API_KEY)

    result = parse_result(sample.body, k2core.find_signature(sample.headers), API_KEY)

    assert result.data.attributes is not None


@PROPERTY_SETTINGS
@given(event=webhooks())
def test_webhook_strategy_round_trip(event: Any) -> None:
    body = encode(event)

    assert parse_webhook(body, sign(body, API_KEY), API_KEY) == event


@PROPERTY_SETTINGS
@given(result=results())
def test_result_strategy_round_trip(result: Any) -> None:
    body = encode(result)

    assert parse_result(body, sign(body, API_KEY), API_KEY) == result


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(child) for child in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(child) for child in value), default=0)
    return 0


nested_values = st.recursive(
    st.text(alphabet=string.printable + '[]{}\\"', max_size=6) | st.integers(),
    lambda children: (
        st.lists(children, max_size=2)
        | st.dictionaries(st.text(alphabet='[]{}"ab', max_size=3), children, max_size=2)
    ),
    max_leaves=40,
)


@PROPERTY_SETTINGS
@given(value=nested_values, limit=st.integers(0, 12))
def test_depth_check_matches_actual_depth(value: Any, limit: int) -> None:
    body = json.dumps(value).encode()

    if _depth(value) > limit:
        with pytest.raises(PayloadError):
            check_depth(body, limit)
    else:
        check_depth(body, limit)
