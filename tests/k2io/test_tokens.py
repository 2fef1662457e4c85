"""The token cache: first use, early refresh at the margin, single flight across threads."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from k2core.errors import AuthenticationError
from k2io.tokens import TokenCache


@dataclass
class Fetched:
    access_token: str
    expires_in: float


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingFetch:
    def __init__(self, lifetime: float = 3600.0, delay: float = 0.0) -> None:
        self.calls = 0
        self.lifetime = lifetime
        self.delay = delay
        self.error: BaseException | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Fetched:
        with self._lock:
            self.calls += 1
            number = self.calls
        if self.delay:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return Fetched(f"token-{number}", self.lifetime)


def test_fetches_on_first_use_only() -> None:
    fetch = CountingFetch()
    cache = TokenCache(fetch, clock=FakeClock())

    assert fetch.calls == 0
    assert cache.get() == "token-1"
    assert cache.get() == "token-1"
    assert fetch.calls == 1


def test_refreshes_at_margin_before_expiry() -> None:
    clock = FakeClock()
    fetch = CountingFetch(lifetime=3600)
    cache = TokenCache(fetch, clock=clock, margin=300)
    cache.get()

    clock.now += 3600 - 300 - 0.001
    assert cache.get() == "token-1"

    clock.now += 0.001
    assert cache.get() == "token-2"
    assert fetch.calls == 2


def test_short_lifetime_refreshes_at_half() -> None:
    clock = FakeClock()
    fetch = CountingFetch(lifetime=100)
    cache = TokenCache(fetch, clock=clock, margin=300)
    cache.get()

    clock.now += 49.9
    assert cache.get() == "token-1"
    clock.now += 0.2
    assert cache.get() == "token-2"


def test_lifetime_counts_from_fetch_start() -> None:
    clock = FakeClock()
    calls: list[float] = []

    def slow_fetch() -> Fetched:
        calls.append(clock.now)
        clock.now += 50  # the token endpoint takes 50 s to answer
        return Fetched(f"token-{len(calls)}", 400)

    cache = TokenCache(slow_fetch, clock=clock, margin=100)
    cache.get()

    clock.now = 1000.0 + 299.9  # refresh is due 300 s after the first fetch started
    assert cache.get() == "token-1"
    clock.now = 1000.0 + 300.0
    assert cache.get() == "token-2"


def test_invalidate_current_token() -> None:
    fetch = CountingFetch()
    cache = TokenCache(fetch, clock=FakeClock())
    cache.get()

    cache.invalidate("token-1")

    assert cache.get() == "token-2"


def test_invalidate_replaced_token_does_nothing() -> None:
    fetch = CountingFetch()
    cache = TokenCache(fetch, clock=FakeClock())
    cache.get()
    cache.invalidate("token-1")
    cache.get()

    cache.invalidate("token-1")

    assert cache.get() == "token-2"
    assert fetch.calls == 2


def test_twenty_threads_at_expiry_fetch_once() -> None:
    clock = FakeClock()
    fetch = CountingFetch(lifetime=3600, delay=0.2)
    cache = TokenCache(fetch, clock=clock, margin=60)
    cache.get()
    clock.now += 3600
    barrier = threading.Barrier(20)
    seen: list[str] = []

    def worker() -> None:
        barrier.wait()
        seen.append(cache.get())

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert fetch.calls == 2
    assert seen == ["token-2"] * 20


def test_failed_fetch_reaches_every_waiter() -> None:
    fetch = CountingFetch(delay=0.2)
    fetch.error = AuthenticationError(401, "invalid client credentials")
    cache = TokenCache(fetch, clock=FakeClock())
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            cache.get()
        except AuthenticationError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert fetch.calls == 1
    assert len(errors) == 10
    assert all(error is fetch.error for error in errors)


def test_fetch_after_failure_tries_again() -> None:
    fetch = CountingFetch()
    fetch.error = AuthenticationError(401, "down")
    cache = TokenCache(fetch, clock=FakeClock())
    with pytest.raises(AuthenticationError):
        cache.get()

    fetch.error = None

    assert cache.get() == "token-2"


def test_repr_hides_token() -> None:
    cache = TokenCache(CountingFetch(), clock=FakeClock())
    cache.get()

    assert "token-1" not in repr(cache)
    assert "***" in repr(cache)


def test_rejects_negative_margin() -> None:
    with pytest.raises(ValueError, match="margin"):
        TokenCache(CountingFetch(), margin=-1)
