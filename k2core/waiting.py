"""The final statuses of each resource, which tell a caller that polls a resource when to stop.

`is_final(resource_type, status)` accepts the `data.type` and `data.attributes.status` of a
status query and returns whether the status can no longer change. Statuses are compared
without regard to case. A type or status this module does not list is not final, so polling an
unfamiliar resource ends at the caller's timeout instead of on a guess.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["FINAL_STATUSES", "is_final"]

# NOTE: K2 documents a failed status only for incoming payments. "Failed" is assumed to be
# final for the other resources too.
FINAL_STATUSES: Mapping[str, frozenset[str]] = {
    "incoming_payment": frozenset({"success", "failed"}),
    "send_money": frozenset({"processed", "failed"}),
    "reversal": frozenset({"processed", "failed"}),
    "reversals": frozenset({"processed", "failed"}),
    "polling": frozenset({"success", "failed"}),
}


def is_final(resource_type: str, status: str | None) -> bool:
    """Return whether `status` is a final status of resources of type `resource_type`."""
    if status is None:
        return False
    finals = FINAL_STATUSES.get(resource_type.casefold(), frozenset())
    return status.casefold() in finals
