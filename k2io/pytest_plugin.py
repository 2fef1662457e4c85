"""Pytest plugin registered through the `pytest11` entry point: the `k2_emulator` fixture.

`k2_emulator` yields a running `k2io.emulator.Emulator` on 127.0.0.1 with an ephemeral port,
the default test credentials and a short `completion_delay` (0.05 s), and stops it after the
test. Each test gets its own emulator, so state and injected faults do not carry over between
tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k2io.emulator import Emulator

__all__ = ["k2_emulator"]


@pytest.fixture
def k2_emulator() -> Iterator[Emulator]:
    """Yield a running K2 emulator on a loopback address and stop it after the test."""
    with Emulator(completion_delay=0.05) as emulator:
        yield emulator
