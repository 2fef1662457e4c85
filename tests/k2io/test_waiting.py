"""Which statuses end `wait`: the final statuses of each resource type, in any case."""

from __future__ import annotations

import pytest

from k2core.waiting import is_final

FINAL = [
    ("incoming_payment", "Success"),
    ("incoming_payment", "Failed"),
    ("send_money", "Processed"),
    ("send_money", "Failed"),
    ("reversal", "Processed"),
    ("reversals", "Failed"),
    ("polling", "Success"),
    ("polling", "Failed"),
]

NOT_FINAL = [
    ("incoming_payment", "Pending"),
    ("send_money", "Scheduled"),
    ("send_money", "Pending"),
    ("reversal", "Scheduled"),
    ("reversal", "Received"),
    ("polling", "Pending"),
    ("incoming_payment", "Processed"),
    ("send_money", "Success"),
    ("incoming_payment", None),
    ("payment_link", "Processed"),
    ("webhook_subscription", "Active"),
    ("", "Success"),
]


@pytest.mark.parametrize(("resource_type", "status"), FINAL)
def test_final_status_ends_wait(resource_type: str, status: str) -> None:
    assert is_final(resource_type, status) is True


@pytest.mark.parametrize(("resource_type", "status"), NOT_FINAL)
def test_other_status_keeps_waiting(resource_type: str, status: str | None) -> None:
    assert is_final(resource_type, status) is False


def test_status_and_type_ignore_case() -> None:
    assert is_final("Incoming_Payment", "SUCCESS") is True
    assert is_final("SEND_MONEY", "processed") is True
