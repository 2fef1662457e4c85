"""Interleaved timing, statistics and goals shared by every measurement.

A measurement module builds `Contender`s (a key naming its role, a label for the report and a
zero-argument callable doing one operation) and hands them to `time_contenders`. It calibrates
each callable, then runs every contender once per round in a rotating order. So drift on a
shared machine (another process waking up, CPU frequency changes) lands on all contenders
alike. Each round yields one sample per contender. Ratios are computed per round, between
samples taken moments apart, and then summarised by their median, which is steadier than a
ratio of two medians.

Values are plain floats in the unit of their `Section` (seconds or bytes). Nothing here depends
on k2. `machine()` reads the Python version and CPU model for the report header.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata

# Roles name who a contender is, so goals and ratios can refer to them across measurements.
OURS = "k2"
FLOOR = "floor"
OFFICIAL = "official"
STDLIB = "stdlib"


@dataclass(frozen=True)
class Contender:
    """One way of doing the measured operation; `run` performs the operation once."""

    key: str
    label: str
    run: Callable[[], object]


@dataclass(frozen=True)
class Goal:
    """A target ratio: `numerator`'s median over `denominator`'s, at least or at most `bound`."""

    text: str
    numerator: str
    denominator: str
    bound: float
    at_least: bool

    def judge(self, ratio: float) -> str:
        """Return `"met"` or `"missed"` for a measured ratio."""
        met = ratio >= self.bound if self.at_least else ratio <= self.bound
        return "met" if met else "missed"


@dataclass
class Measured:
    """All samples of one contender in one section, one per round, in the section's unit."""

    contender: Contender
    samples: list[float]
    repetitions: int = 1

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """The interquartile range relative to the median (0.05 means 5 %)."""
        return _relative_iqr(self.samples)


@dataclass
class Section:
    """The result of one measurement on one case: rows, reference contender and goals.

    `per` names what one value measures, such as `operation`, `event` or `import`.
    """

    title: str
    case: str
    unit: str
    rows: list[Measured]
    per: str = "operation"
    reference: str = OURS
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, key: str) -> Measured | None:
        """Return the row of contender `key`, or None when it did not run."""
        return next((row for row in self.rows if row.contender.key == key), None)

    def ratio(self, numerator: str, denominator: str) -> tuple[float, float] | None:
        """Return the median and relative IQR of the per-round ratios, or None if one is absent."""
        top, bottom = self.row(numerator), self.row(denominator)
        if top is None or bottom is None:
            return None
        ratios = [a / b for a, b in zip(top.samples, bottom.samples, strict=True) if b > 0]
        if not ratios:
            return None
        return statistics.median(ratios), _relative_iqr(ratios)


def _relative_iqr(values: Sequence[float]) -> float:
    if len(values) < 4:
        return (max(values) - min(values)) / statistics.median(values) if values else 0.0
    quartiles = statistics.quantiles(values, n=4)
    middle = statistics.median(values)
    return (quartiles[2] - quartiles[0]) / middle if middle else 0.0


def _time_batch(run: Callable[[], object], number: int) -> float:
    loop = range(number)
    start = time.perf_counter()
    for _ in loop:
        run()
    return time.perf_counter() - start


def calibrate(run: Callable[[], object], min_time: float, limit: int = 1 << 22) -> int:
    """Return how many calls of `run` take at least `min_time` seconds (doubling, from 1)."""
    run()  # warm caches and connections; a contender that fails raises here, before timing
    number = 1
    while number < limit:
        if _time_batch(run, number) >= min_time:
            return number
        number *= 2
    return limit


def time_contenders(
    contenders: Sequence[Contender],
    *,
    rounds: int,
    min_time: float,
    number: int | None = None,
) -> list[Measured]:
    """Time every contender `rounds` times, interleaved, and return seconds per operation.

    `number` fixes the calls per sample; otherwise each contender is calibrated so that one
    sample takes at least `min_time` seconds. Round `r` starts with contender `r` (mod the
    count), so no contender always runs first or last. The garbage collector stays enabled:
    allocation-heavy contenders pay for their collections, as they would in production.
    """
    counts = {c.key: number or calibrate(c.run, min_time) for c in contenders}
    rows = {c.key: Measured(c, [], counts[c.key]) for c in contenders}
    for round_index in range(rounds):
        shift = round_index % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            count = counts[contender.key]
            rows[contender.key].samples.append(_time_batch(contender.run, count) / count)
        gc.collect()
    return [rows[c.key] for c in contenders]


def format_value(value: float, unit: str) -> str:
    """Format seconds as ns/µs/ms/s and bytes as B/KiB/MiB, with three significant digits."""
    if unit == "s":
        for scale, name in ((1e-6, "ns"), (1e-3, "µs"), (1.0, "ms")):
            if value < scale:
                return f"{value / scale * 1e3:.3g} {name}"
        return f"{value:.3g} s"
    for scale, name in ((1024.0, "B"), (1024.0**2, "KiB")):
        if value < scale:
            return f"{value / scale * 1024:.4g} {name}"
    return f"{value / 1024**2:.4g} MiB"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or what `platform` reports elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """Describe the interpreter, CPU and library versions a run measured."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "cpu": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "packages": ", ".join(
            f"{name} {_version(name)}"
            for name in ("kopokopo-k2", "msgspec", "urllib3", "k2-connect", "requests")
        ),
    }
