"""Transports: the pluggable part of the client that sends a `k2core.Request` over HTTP.

`Transport` is the protocol every transport implements. Shipped implementations, one module
each: `Urllib3Transport` (the default: pooled keep-alive connections, thread-safe),
`StdlibTransport` (`http.client` only, no third-party code) and `CallableTransport` (turns any
function into a transport). None follows redirects or retries on its own: the client decides
retries, and a redirect would send a request somewhere the caller did not name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from k2io.transports.base import Timeout, Transport, as_timeout
from k2io.transports.callable import CallableTransport

if TYPE_CHECKING:
    from k2io.transports.stdlib import StdlibTransport
    from k2io.transports.urllib3 import Urllib3Transport

# The two HTTP transports import urllib3 and http.client, which take most of the SDK's import
# time, so they load on first use.
_LAZY = {
    "StdlibTransport": "k2io.transports.stdlib",
    "Urllib3Transport": "k2io.transports.urllib3",
}

__all__ = [
    "CallableTransport",
    "StdlibTransport",
    "Timeout",
    "Transport",
    "Urllib3Transport",
    "as_timeout",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
