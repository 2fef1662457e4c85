"""k2io: the imperative shell of the K2 SDK: transports, the client, the emulator, the CLI.

`Client` is the entry point. Transports live in `k2io.transports`, the shell's errors in
`k2io.errors`, and the retry policy value is `k2core.retry.RetryPolicy` (re-exported here).
Logs go to the `k2io` logger, which has a `NullHandler` so nothing is printed unless the
application configures logging.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from k2core.retry import RetryPolicy
from k2io.client import Client
from k2io.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeoutError,
    OutcomeUnknownError,
    ReadTimeoutError,
    TLSError,
    TransportError,
    WaitTimeoutError,
)
from k2io.tokens import TokenCache
from k2io.transports import CallableTransport, Timeout, Transport

if TYPE_CHECKING:
    from k2io.transports import StdlibTransport, Urllib3Transport

logging.getLogger("k2io").addHandler(logging.NullHandler())

__all__ = [
    "CallableTransport",
    "Client",
    "ConnectError",
    "ConnectTimeoutError",
    "ConnectionDroppedError",
    "OutcomeUnknownError",
    "ReadTimeoutError",
    "RetryPolicy",
    "StdlibTransport",
    "TLSError",
    "Timeout",
    "TokenCache",
    "Transport",
    "TransportError",
    "Urllib3Transport",
    "WaitTimeoutError",
]


def __getattr__(name: str) -> object:
    # The HTTP transports load on first use; see k2io.transports.
    if name in ("StdlibTransport", "Urllib3Transport"):
        from k2io import transports

        return getattr(transports, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
