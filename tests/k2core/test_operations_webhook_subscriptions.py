"""Webhook subscriptions: request body, enumerations, cross-field rules, status query."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from operation_support import (
    BASE,
    body_of,
    check_create,
    check_pinned_get,
    invalid_fields,
    json_response,
)

from k2core import PayloadError, WebhookSubscriptionStatus, params, webhook_subscriptions
from k2core.statuses import WebhookSubscriptionAttributes, WebhookSubscriptionData
from k2core.testing_params import webhook_subscription_params

HOOK = "https://shop.example.com/k2/hooks"
TILL: dict[str, Any] = {
    "event_type": "buygoods_transaction_received",
    "url": HOOK,
    "scope": "till",
    "scope_reference": "445566",
}


def test_create_request() -> None:
    check_create(
        webhook_subscriptions.create(BASE, **TILL),
        "webhook_subscriptions",
        "webhook_subscriptions.create",
    )


def test_till_body() -> None:
    body = body_of(webhook_subscriptions.create(BASE, **TILL, enable_daraja_payload=False))

    assert body == {**TILL, "enable_daraja_payload": False}


def test_company_body_omits_scope_reference() -> None:
    operation = webhook_subscriptions.create(
        BASE, event_type="customer_created", url=HOOK, scope="company"
    )

    assert body_of(operation) == {"event_type": "customer_created", "url": HOOK, "scope": "company"}
    assert b"null" not in operation.request.body


@pytest.mark.parametrize("event_type", params.EVENT_TYPES)
def test_every_event_type_accepted(event_type: str) -> None:
    operation = webhook_subscriptions.create(BASE, **{**TILL, "event_type": event_type})

    assert body_of(operation)["event_type"] == event_type


@pytest.mark.parametrize(
    "event_type",
    [
        "Buygoods_transaction_received",
        "buygoods",
        "buygoods_transaction_received ",
        "m2m_transaction_received",
    ],
)
def test_event_type_near_miss_rejected(event_type: str) -> None:
    assert invalid_fields(webhook_subscriptions.create, **{**TILL, "event_type": event_type}) == (
        "event_type",
    )


@pytest.mark.parametrize("scope", ["Till", "COMPANY", "tills", ""])
def test_scope_near_miss_rejected(scope: str) -> None:
    assert "scope" in invalid_fields(webhook_subscriptions.create, **{**TILL, "scope": scope})


def test_till_scope_requires_reference() -> None:
    values = {**TILL}
    del values["scope_reference"]

    assert invalid_fields(webhook_subscriptions.create, **values) == ("scope_reference",)


def test_blank_reference_reported_once() -> None:
    fields = invalid_fields(webhook_subscriptions.create, **{**TILL, "scope_reference": " "})

    assert fields == ("scope_reference",)


@pytest.mark.parametrize("event_type", webhook_subscriptions.DARAJA_EVENT_TYPES)
def test_daraja_payload_allowed(event_type: str) -> None:
    operation = webhook_subscriptions.create(
        BASE, **{**TILL, "event_type": event_type, "enable_daraja_payload": True}
    )

    assert body_of(operation)["enable_daraja_payload"] is True


@pytest.mark.parametrize(
    "event_type",
    [
        name
        for name in params.EVENT_TYPES
        if name not in ("buygoods_transaction_received", "b2b_transaction_received")
    ],
)
def test_daraja_payload_rejected_for_other_events(event_type: str) -> None:
    values = {**TILL, "event_type": event_type, "enable_daraja_payload": True}

    assert invalid_fields(webhook_subscriptions.create, **values) == ("enable_daraja_payload",)


def test_daraja_payload_must_be_bool() -> None:
    values = {**TILL, "enable_daraja_payload": "yes"}

    assert invalid_fields(webhook_subscriptions.create, **values) == ("enable_daraja_payload",)


@pytest.mark.parametrize("url", ["http://shop.example.com/hooks", "hooks", ""])
def test_url_must_be_https(url: str) -> None:
    assert invalid_fields(webhook_subscriptions.create, **{**TILL, "url": url}) == ("url",)


def test_loopback_http_url_allowed() -> None:
    operation = webhook_subscriptions.create(BASE, **{**TILL, "url": "http://127.0.0.1:9000/h"})

    assert body_of(operation)["url"] == "http://127.0.0.1:9000/h"


def test_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError):
        webhook_subscriptions.create(BASE, **TILL, webhook_uri=HOOK)


@given(webhook_subscription_params())
def test_valid_params_encode_reference_shape(values: dict[str, Any]) -> None:
    body = body_of(webhook_subscriptions.create(BASE, **values))

    assert {"event_type", "url", "scope"} <= set(body)
    assert set(body) <= {"event_type", "url", "scope", "scope_reference", "enable_daraja_payload"}
    assert ("scope_reference" in body) == (values["scope"] == "till")
    assert body == values


def test_get_is_pinned() -> None:
    check_pinned_get(
        webhook_subscriptions.get, "webhook_subscriptions", "webhook_subscriptions.get"
    )


STATUS = {
    "data": {
        "id": "2f9d8a77-0000-4000-8000-0000000000aa",
        "type": "webhook_subscription",
        "attributes": {
            "status": "Active",
            "event_type": "buygoods_transaction_received",
            "webhook_uri": HOOK,
            "scope": "till",
            "scope_reference": "445566",
            "added_later": {"ignored": True},
        },
    }
}


def test_get_parses_status() -> None:
    operation = webhook_subscriptions.get(BASE, f"{BASE}/api/v2/webhook_subscriptions/2f9d")
    status = operation.parse(json_response(STATUS))

    assert isinstance(status, WebhookSubscriptionStatus)
    assert status.data.id == "2f9d8a77-0000-4000-8000-0000000000aa"
    assert status.data.attributes.status == "Active"
    assert status.data.attributes.webhook_uri == HOOK
    assert status.data.attributes.url is None


def test_get_wrong_shape_names_path() -> None:
    operation = webhook_subscriptions.get(BASE, f"{BASE}/api/v2/webhook_subscriptions/2f9d")
    broken = {"data": {"id": "x", "type": "webhook_subscription", "attributes": {"status": 3}}}

    with pytest.raises(PayloadError) as caught:
        operation.parse(json_response(broken))

    assert caught.value.path == "$.data.attributes.status"


optional_text = st.none() | st.text(max_size=10)


@given(
    st.builds(
        WebhookSubscriptionStatus,
        data=st.builds(
            WebhookSubscriptionData,
            id=st.text(max_size=10),
            type=st.just("webhook_subscription"),
            attributes=st.builds(
                WebhookSubscriptionAttributes,
                status=optional_text,
                event_type=optional_text,
                webhook_uri=optional_text,
                url=optional_text,
                scope=optional_text,
                scope_reference=optional_text,
                enable_daraja_payload=st.none() | st.booleans(),
            ),
        ),
    )
)
def test_status_round_trips(status: WebhookSubscriptionStatus) -> None:
    encoded = msgspec.json.encode(status)

    assert msgspec.json.decode(encoded, type=WebhookSubscriptionStatus) == status
