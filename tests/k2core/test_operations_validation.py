"""Property: corrupting any one field of a valid parameter set is reported for that field."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from operation_support import BASE

import k2core
from k2core import (
    ValidationError,
    external_recipients,
    incoming_payments,
    payment_links,
    polling,
    reversals,
    send_money,
    transfer_accounts,
    webhook_subscriptions,
)
from k2core import testing_params as strategies

OPERATIONS: dict[str, tuple[Callable[..., Any], st.SearchStrategy[dict[str, Any]]]] = {
    "webhook_subscriptions": (
        webhook_subscriptions.create,
        strategies.webhook_subscription_params(),
    ),
    "incoming_payments": (incoming_payments.create, strategies.incoming_payment_params()),
    "external_recipients": (external_recipients.create, strategies.external_recipient_params()),
    "transfer_accounts": (transfer_accounts.create, strategies.transfer_account_params()),
    "send_money": (send_money.create, strategies.send_money_params()),
    "polling": (polling.create, strategies.polling_params()),
    "reversals": (reversals.create, strategies.reversal_params()),
    "payment_links": (payment_links.create, strategies.payment_link_params()),
}

# Values that no parameter of any operation accepts.
INVALID = st.sampled_from(["", "   ", "\t\n", object()])


def names_field(reported: str, field: str) -> bool:
    return reported == field or reported.startswith((f"{field}.", f"{field}["))


@pytest.mark.parametrize("area", sorted(OPERATIONS))
@given(data=st.data())
def test_one_corrupted_field_is_named(area: str, data: st.DataObject) -> None:
    build, valid = OPERATIONS[area]
    values = data.draw(valid, label="valid parameters")
    field = data.draw(st.sampled_from(sorted(values)), label="corrupted field")
    values[field] = data.draw(INVALID, label="invalid value")

    with pytest.raises(ValidationError) as caught:
        build(BASE, **values)

    assert caught.value.fields
    assert all(names_field(reported, field) for reported in caught.value.fields), (
        caught.value.fields
    )


@pytest.mark.parametrize("area", sorted(OPERATIONS))
@given(data=st.data())
def test_valid_parameters_build(area: str, data: st.DataObject) -> None:
    build, valid = OPERATIONS[area]

    operation = build(BASE, **data.draw(valid))

    assert operation.request.method == "POST"
    assert operation.request.body.startswith(b"{")


@pytest.mark.parametrize(
    ("build", "required"),
    [
        (
            "incoming_payments.create",
            {"till_number", "first_name", "last_name", "phone_number", "amount", "callback_url"},
        ),
        ("reversals.create", {"transaction_reference", "reason", "callback_url"}),
        ("webhook_subscriptions.create", {"event_type", "url", "scope"}),
        ("send_money.create", {"callback_url"}),
        ("polling.create", {"scope", "from_time", "to_time", "callback_url"}),
        ("payment_links.create", {"till_number", "amount", "callback_url"}),
        ("external_recipients.create", {"type"}),
        ("transfer_accounts.create", {"type"}),
        ("tokens.request_token", {"client_id", "client_secret"}),
        ("tokens.revoke_token", {"client_id", "client_secret", "token"}),
        ("tokens.introspect_token", {"client_id", "client_secret", "token"}),
    ],
)
def test_omitted_required_fields_listed_together(build: str, required: set[str]) -> None:
    module_name, function_name = build.split(".")
    builder = getattr(importlib.import_module(f"k2core.{module_name}"), function_name)

    with pytest.raises(k2core.ValidationError) as caught:
        builder("https://sandbox.kopokopo.com")

    assert set(caught.value.fields) == required
    for error in caught.value.errors:
        assert error.problem == "is missing"
