"""Helpers shared by the operation tests: responses, body shapes and host-pinning checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from k2core import Headers, Operation, Response, UnsafeUrlError, ValidationError

BASE = "https://sandbox.kopokopo.com"
CALLBACK = "https://shop.example.com/k2/results"


def created(location: str) -> Response:
    """A 201 create response with an empty body."""
    return Response(status=201, headers=Headers({"Location": location}), body=b"")


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response. `body` is encoded unless it is bytes already."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status=status, headers=Headers({"Content-Type": "application/json"}), body=data)


def body_of(operation: Operation[Any]) -> Any:
    """The request body decoded as plain JSON values (amounts stay exact as Decimal)."""
    return json.loads(operation.request.body, parse_float=Decimal)


def invalid_fields(build: Callable[..., Any], **values: Any) -> tuple[str, ...]:
    """Call `build(BASE, **values)` and return the fields its ValidationError names."""
    with pytest.raises(ValidationError) as caught:
        build(BASE, **values)
    return caught.value.fields


def check_create(operation: Operation[str], resource: str, name: str) -> None:
    """Check the request line, headers and flags of a create, and its Location parsing."""
    request = operation.request
    location = f"{BASE}/api/v2/{resource}/0f4e-id"

    assert request.method == "POST"
    assert request.url == f"{BASE}/api/v2/{resource}"
    assert request.headers.get("content-type") == "application/json"
    assert request.headers.get("accept") == "application/json"
    assert request.headers.get("authorization") is None
    assert request.idempotent is False
    assert request.operation == name
    assert operation.needs_token is True
    assert operation.parse(created(location)) == location


def check_pinned_get(build: Callable[[str, str], Operation[Any]], resource: str, name: str) -> None:
    """Check that a status query GETs only URLs on the base URL's scheme, host and port."""
    good = f"{BASE}/api/v2/{resource}/0f4e-id"
    operation = build(BASE, good)

    assert operation.request.method == "GET"
    assert operation.request.url == good
    assert operation.request.body == b""
    assert operation.request.idempotent is True
    assert operation.request.operation == name
    assert operation.needs_token is True

    for foreign in (
        f"https://attacker.example/api/v2/{resource}/0f4e-id",
        f"http://sandbox.kopokopo.com/api/v2/{resource}/0f4e-id",
        f"https://sandbox.kopokopo.com:8443/api/v2/{resource}/0f4e-id",
        f"https://sandbox.kopokopo.com.attacker.example/api/v2/{resource}/x",
        f"https://user:pw@sandbox.kopokopo.com/api/v2/{resource}/x",
        f"/api/v2/{resource}/0f4e-id",
    ):
        with pytest.raises(UnsafeUrlError):
            build(BASE, foreign)
