"""Reversals: request body, validation, status query in both data.type spellings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from operation_support import (
    BASE,
    CALLBACK,
    body_of,
    check_create,
    check_pinned_get,
    invalid_fields,
    json_response,
)

from k2core import ReversalResult, reversals
from k2core.testing_params import reversal_params

VALID: dict[str, Any] = {
    "transaction_reference": "RKT7Y2P0QA",
    "reason": "Paid to the wrong till",
    "callback_url": CALLBACK,
}


def test_create_request() -> None:
    check_create(reversals.create(BASE, **VALID), "reversals", "reversals.create")


def test_body() -> None:
    body = body_of(reversals.create(BASE, **VALID, metadata={"case": 17}))

    assert body == {
        "transaction_reference": "RKT7Y2P0QA",
        "reason": "Paid to the wrong till",
        "metadata": {"case": 17},
        "_links": {"callback_url": CALLBACK},
    }


def test_url_has_single_api_segment() -> None:
    assert reversals.create(BASE, **VALID).request.url == f"{BASE}/api/v2/reversals"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transaction_reference", ""),
        ("reason", None),
        ("callback_url", "callback"),
        ("metadata", "case 17"),
    ],
)
def test_invalid_field_named(field: str, value: Any) -> None:
    assert invalid_fields(reversals.create, **{**VALID, field: value}) == (field,)


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        reversals.create(BASE, **VALID, amount=100)


@given(reversal_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    body = body_of(reversals.create(BASE, **values))

    assert {"transaction_reference", "reason", "_links"} <= set(body)
    assert set(body) <= {"transaction_reference", "reason", "metadata", "_links"}
    assert body["_links"] == {"callback_url": values["callback_url"]}


def test_get_is_pinned() -> None:
    check_pinned_get(reversals.get, "reversals", "reversals.get")


@pytest.mark.parametrize("kind", ["reversal", "reversals"])
def test_get_parses_status(kind: str) -> None:
    body = {
        "data": {
            "id": "aa11bb22-0000-4000-8000-000000000777",
            "type": kind,
            "attributes": {
                "status": "Scheduled",
                "created_at": "2026-12-04T11:00:00.000+03:00",
                "transaction_reference": "RKT7Y2P0QA",
                "reason": "Paid to the wrong till",
                "errors": None,
                "metadata": None,
                "_links": {"callback_url": CALLBACK, "self": f"{BASE}/api/v2/reversals/aa11"},
            },
        }
    }
    result = reversals.get(BASE, f"{BASE}/api/v2/reversals/aa11").parse(json_response(body))

    assert isinstance(result, ReversalResult)
    assert result.data.attributes.status == "Scheduled"
