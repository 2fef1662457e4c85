"""Polling: scopes, aware times, the time window, status query."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
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

from k2core import PollingResult, polling
from k2core.testing_params import polling_params

EAT = timezone(timedelta(hours=3))
TILL: dict[str, Any] = {
    "scope": "till",
    "scope_reference": "334455",
    "from_time": datetime(2026, 12, 1, 8, 0, tzinfo=EAT),
    "to_time": datetime(2026, 12, 1, 20, 0, tzinfo=EAT),
    "callback_url": CALLBACK,
}


def test_create_request() -> None:
    check_create(polling.create(BASE, **TILL), "polling", "polling.create")


def test_till_body() -> None:
    assert body_of(polling.create(BASE, **TILL)) == {
        "scope": "till",
        "scope_reference": "334455",
        "from_time": "2026-12-01T08:00:00+03:00",
        "to_time": "2026-12-01T20:00:00+03:00",
        "_links": {"callback_url": CALLBACK},
    }


def test_company_body_omits_reference() -> None:
    values = {**TILL, "scope": "company"}
    del values["scope_reference"]

    assert "scope_reference" not in body_of(polling.create(BASE, **values))


def test_iso_text_times_keep_offset() -> None:
    values = {
        **TILL,
        "from_time": "2026-12-01T05:00:00Z",
        "to_time": "2026-12-01T09:30:15.250+03:00",
    }
    body = body_of(polling.create(BASE, **values))

    assert body["from_time"] == "2026-12-01T05:00:00+00:00"
    assert body["to_time"] == "2026-12-01T09:30:15.250000+03:00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("from_time", datetime(2026, 12, 1, 8, 0)),
        ("to_time", "2026-12-01T20:00:00"),
        ("from_time", "last tuesday"),
        ("to_time", 1764576000),
        ("scope", "Till"),
        ("scope", "branch"),
        ("callback_url", "/relative"),
    ],
)
def test_invalid_field_named(field: str, value: Any) -> None:
    assert invalid_fields(polling.create, **{**TILL, field: value}) == (field,)


def test_till_scope_requires_reference() -> None:
    values = dict(TILL)
    del values["scope_reference"]

    assert invalid_fields(polling.create, **values) == ("scope_reference",)


@pytest.mark.parametrize("shift", [timedelta(0), timedelta(hours=-1)])
def test_to_time_must_follow_from_time(shift: timedelta) -> None:
    values = {**TILL, "to_time": TILL["from_time"] + shift}

    assert invalid_fields(polling.create, **values) == ("to_time",)


def test_window_compared_across_offsets() -> None:
    values = {**TILL, "to_time": datetime(2026, 12, 1, 5, 0, 1, tzinfo=timezone.utc)}

    assert body_of(polling.create(BASE, **values))["to_time"] == "2026-12-01T05:00:01+00:00"


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        polling.create(BASE, **TILL, till_number="334455")


@given(polling_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    body = body_of(polling.create(BASE, **values))

    assert set(body) <= {"scope", "scope_reference", "from_time", "to_time", "_links"}
    assert ("scope_reference" in body) == (values["scope"] == "till")
    start = datetime.fromisoformat(body["from_time"])
    end = datetime.fromisoformat(body["to_time"])
    assert start.utcoffset() is not None
    assert end.utcoffset() is not None
    assert end > start


def test_get_is_pinned() -> None:
    check_pinned_get(polling.get, "polling", "polling.get")


def test_get_parses_status() -> None:
    body = {
        "data": {
            "id": "5e2f0000-0000-4000-8000-00000000beef",
            "type": "polling",
            "attributes": {
                "status": "Success",
                "created_at": "2026-12-01T20:00:05.100+03:00",
                "from_time": "2026-12-01T08:00:00+03:00",
                "to_time": "2026-12-01T20:00:00+03:00",
                "transactions": [],
                "scope": "Till",
                "scope_reference": "334455",
                "_links": {"callback_url": CALLBACK, "self": f"{BASE}/api/v2/polling/5e2f"},
            },
        }
    }
    result = polling.get(BASE, f"{BASE}/api/v2/polling/5e2f").parse(json_response(body))

    assert isinstance(result, PollingResult)
    assert result.data.attributes.status == "Success"
