"""Fault injection: make the emulator misbehave on chosen requests.

`FaultTable.inject(path, fault, method=..., times=..., **options)` registers a fault for
requests whose path matches `path` (exact, or a shell-style pattern such as
`/api/v2/incoming_payments/*`) and, if given, whose method matches. `take(method, path)`
returns the first matching fault and counts one use; a fault is used `times` times, or
forever when `times` is None. The server applies the fault; this module only decides which.

Faults and their options:

- `status`: respond with `status` (default 500) with `body` (default the API's error body) and
  extra `headers`, without processing the request.
- `rate_limit`: respond with 429 with `Retry-After: <retry_after>` (seconds, default 1), without
  processing the request.
- `delay`: process the request (a create does create), then wait `seconds` (default 1.0)
  before responding.
- `drop_before_read`: close the connection after the request line and headers, before the
  body is read and without processing the request.
- `drop_after_read`: process the request, then close the connection without a response.
- `html_error`: respond with `status` (default 502) with an HTML page, without processing.
- `no_location`: process the request and respond to a create with 201 but no `Location`.
- `expire_token`: expire every token issued so far, then process the request normally.
"""

from __future__ import annotations

import fnmatch
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAULTS", "Fault", "FaultTable"]

# Fault name -> the options it accepts.
FAULTS: Mapping[str, frozenset[str]] = {
    "status": frozenset({"status", "body", "headers"}),
    "rate_limit": frozenset({"retry_after"}),
    "delay": frozenset({"seconds"}),
    "drop_before_read": frozenset(),
    "drop_after_read": frozenset(),
    "html_error": frozenset({"status"}),
    "no_location": frozenset(),
    "expire_token": frozenset(),
}


@dataclass
class Fault:
    """One injected fault; `hits` counts the requests it was applied to."""

    path: str
    name: str
    method: str | None
    times: int | None
    options: dict[str, Any] = field(default_factory=dict)
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Return whether this fault applies to a request with `method` and `path`."""
        if self.method is not None and self.method != method:
            return False
        return path == self.path or fnmatch.fnmatchcase(path, self.path)

    @property
    def exhausted(self) -> bool:
        """Whether the fault was applied as many times as it was injected for."""
        return self.times is not None and self.hits >= self.times


class FaultTable:
    """Injected faults in the order they were added, guarded by a lock."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(
        self,
        path: str,
        fault: str,
        *,
        method: str | None = None,
        times: int | None = 1,
        **options: Any,
    ) -> Fault:
        """Register `fault` for requests to `path`; raise ValueError for unknown names."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of: {', '.join(FAULTS)}")
        unknown = sorted(set(options) - FAULTS[fault])
        if unknown:
            accepted = ", ".join(sorted(FAULTS[fault])) or "none"
            raise ValueError(f"fault {fault!r} has no option {unknown[0]!r}; accepted: {accepted}")
        if not path.startswith("/"):
            raise ValueError(f"fault path must start with '/': {path!r}")
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 or None, not {times}")
        _check_options(fault, options)

        entry = Fault(path, fault, method.upper() if method else None, times, dict(options))
        with self._lock:
            self._faults.append(entry)
        return entry

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first unexhausted fault matching the request and count one use."""
        with self._lock:
            for fault in self._faults:
                if not fault.exhausted and fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    def clear(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()


def _check_options(fault: str, options: Mapping[str, Any]) -> None:
    # A status outside 100-599 would make the server write an invalid status line, which a
    # test would see as a broken connection instead of the status it asked for.
    status = options.get("status")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599
    ):
        raise ValueError(f"fault {fault!r}: status must be an int from 100 to 599, not {status!r}")
    seconds = options.get("seconds")
    if seconds is not None and (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not 0 <= seconds < math.inf
    ):
        raise ValueError(
            f"fault {fault!r}: seconds must be a finite number of seconds, 0 or more, "
            f"not {seconds!r}"
        )
