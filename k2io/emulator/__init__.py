"""A local, stateful stand-in for the Kopo Kopo K2 Connect API v2.

`Emulator` serves the OAuth endpoints and every create, status and cancel endpoint on a
loopback address, validates bodies as the API documents, moves resources from Pending to a
final state, and POSTs signed result callbacks to loopback callback URLs. Deterministic test
values choose outcomes (`FAILING_PHONE`, `PENDING_PHONE`; see `k2io.emulator.state`), and
faults can be injected per path (see `k2io.emulator.faults`). It never contacts a host that is
not loopback.
"""

from __future__ import annotations

from k2io.emulator.callbacks import Delivery, sign
from k2io.emulator.events import EVENT_TYPES, EventValues, webhook_event
from k2io.emulator.faults import FAULTS, Fault
from k2io.emulator.server import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    Emulator,
    RecordedRequest,
    RequestLog,
)
from k2io.emulator.state import FAILING_PHONE, KINDS, PENDING_PHONE, Resource

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "EVENT_TYPES",
    "FAILING_PHONE",
    "FAULTS",
    "KINDS",
    "PENDING_PHONE",
    "Delivery",
    "Emulator",
    "EventValues",
    "Fault",
    "RecordedRequest",
    "RequestLog",
    "Resource",
    "sign",
    "webhook_event",
]
