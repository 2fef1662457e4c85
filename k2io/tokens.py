"""The access-token cache: one token per client, fetched on first use and refreshed early.

`TokenCache(fetch, clock=..., margin=...)` calls `fetch()` when a token is first needed and
again once `margin` seconds remain before the token expires (or half its lifetime, for tokens
shorter than twice the margin). `get()` is safe to call from many threads: while a fetch runs,
every other caller waits for it, so one fetch serves them all, and if it fails all of them get
its exception. `invalidate(token)` drops a token the API rejected, so the next `get()` fetches
a new one. Dropping a token that was already replaced does nothing, so many threads that see
the same 401 cause one fetch. Expiry is measured on `clock` (monotonic seconds) from the
moment the fetch started, so a wrong wall clock on either side does not matter. The token
value never appears in a repr or a message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["FetchedToken", "TokenCache"]


class FetchedToken(Protocol):
    """The result of a token fetch: the bearer token and its lifetime in seconds."""

    @property
    def access_token(self) -> str: ...

    @property
    def expires_in(self) -> float: ...


class _Flight:
    """One fetch in progress, which every concurrent caller of `get` waits for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: str | None = None
        self.error: BaseException | None = None


class TokenCache:
    """A thread-safe cache of one access token, with single-flight refresh."""

    def __init__(
        self,
        fetch: Callable[[], FetchedToken],
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = 300.0,
    ) -> None:
        if not margin >= 0:
            raise ValueError(f"margin must be 0 or more seconds, got {margin!r}")
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self._flight: _Flight | None = None
        self.fetch_count = 0

    def get(self) -> str:
        """Return a valid token, fetching one first if none is cached or it is due."""
        with self._lock:
            if self._token is not None and self._clock() < self._refresh_at:
                return self._token
            flight = self._flight
            leader = flight is None
            if flight is None:
                flight = self._flight = _Flight()

        if leader:
            return self._run(flight)

        flight.done.wait()
        if flight.error is not None:
            raise flight.error
        assert flight.token is not None
        return flight.token

    def invalidate(self, token: str) -> None:
        """Drop `token` if it is still the cached one, so the next `get` fetches a new one."""
        with self._lock:
            if self._token == token:
                self._token = None

    def clear(self) -> None:
        """Drop the cached token, whatever it is."""
        with self._lock:
            self._token = None

    def _run(self, flight: _Flight) -> str:
        started = self._clock()
        try:
            fetched = self._fetch()
            token = fetched.access_token
            lifetime = float(fetched.expires_in)
        except BaseException as exc:
            flight.error = exc
            self._finish(flight, None, 0.0)
            raise

        self._finish(flight, token, started + self._usable_for(lifetime))
        return token

    def _finish(self, flight: _Flight, token: str | None, refresh_at: float) -> None:
        with self._lock:
            self.fetch_count += 1
            if token is not None:
                self._token = token
                self._refresh_at = refresh_at
            flight.token = token
            self._flight = None
        flight.done.set()

    def _usable_for(self, lifetime: float) -> float:
        if lifetime <= 0:
            return 0.0
        return max(lifetime - self._margin, lifetime / 2)

    def __repr__(self) -> str:
        with self._lock:
            state = "empty" if self._token is None else "token=***"
        return f"TokenCache({state}, margin={self._margin:g}s)"
