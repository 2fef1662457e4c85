"""A guard that stops any connection or name lookup off loopback while round trips run.

`loopback_only()` installs (once per process) an audit hook on `socket.connect` and
`socket.getaddrinfo` and, while the context is active, raises `ConnectionRefusedError` for any
host that is not `localhost` or a loopback address, before a packet leaves. It also sets
`NO_PROXY` for loopback, so `requests` (used by the official SDK) never routes a loopback URL
through a proxy named in the environment. Both are undone on exit, except the hook itself,
which stays installed but inactive, as audit hooks cannot be removed.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_state = {"installed": False, "active": False}

_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
_LOOPBACK_NAMES = "127.0.0.1,localhost,::1"


def is_loopback(host: object) -> bool:
    """Check whether `host` (str or bytes) is `localhost` or a loopback IP address."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _state["active"]:
        return
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not is_loopback(address[0]):
            raise ConnectionRefusedError(f"benchmark blocked a connection to {address[0]!r}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is not None and not is_loopback(host):
            raise ConnectionRefusedError(f"benchmark blocked a name lookup of {host!r}")


@contextmanager
def loopback_only() -> Iterator[None]:
    """Allow only loopback connections and name lookups inside the `with` block."""
    if not _state["installed"]:
        sys.addaudithook(_audit)
        _state["installed"] = True

    saved = {name: os.environ.get(name) for name in _PROXY_VARIABLES}
    for name in _PROXY_VARIABLES:
        os.environ[name] = _LOOPBACK_NAMES
    _state["active"] = True
    try:
        yield
    finally:
        _state["active"] = False
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
