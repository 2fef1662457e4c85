"""Iteration counts and timing options shared by every measurement in one run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.harness import Contender, Measured, time_contenders


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure.

    `rounds` is the number of interleaved samples per contender. `min_time` is the minimum
    duration of one sample in seconds, used when `number` (calls per sample) is not fixed.
    `events` is the number of parsed events the memory measurement holds at once, and
    `memory_rounds` how often it is repeated. `import_runs` is the number of fresh interpreters
    started per contender by the import-time measurement.
    """

    rounds: int = 25
    min_time: float = 0.02
    number: int | None = None
    events: int = 100_000
    memory_rounds: int = 3
    import_runs: int = 30

    def time(self, contenders: Sequence[Contender]) -> list[Measured]:
        """Time `contenders` interleaved with these settings."""
        if not contenders:
            return []
        return time_contenders(
            contenders, rounds=self.rounds, min_time=self.min_time, number=self.number
        )
