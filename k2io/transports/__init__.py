"""Transports: the pluggable part of the client that sends a `k2core.Request` over HTTP.

`Transport` is the protocol every transport implements. Shipped implementations, one module
each: `Urllib3Transport` (the default: pooled keep-alive connections, thread-safe),
`StdlibTransport` (`http.client` only, no third-party code) and `CallableTransport` (turns any
function into a transport). None follows redirects or retries on its own: the client decides
retries, and a redirect would send a request somewhere the caller did not name.
"""

from __future__ import annotations

from k2io.transports.base import Timeout, Transport, as_timeout
from k2io.transports.callable import CallableTransport
from k2io.transports.stdlib import StdlibTransport
from k2io.transports.urllib3 import Urllib3Transport

__all__ = [
    "CallableTransport",
    "StdlibTransport",
    "Timeout",
    "Transport",
    "Urllib3Transport",
    "as_timeout",
]
