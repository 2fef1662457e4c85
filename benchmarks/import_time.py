"""Measurement 5: import time in a fresh interpreter.

Each sample starts a new interpreter (`sys.executable`, the same virtual environment) that
reads `time.perf_counter()` just before and just after the import statement and prints the
difference, so interpreter start-up is excluded and only the import is measured. Contenders are
started alternately, `Settings.import_runs` times each, after one untimed start each that
writes any missing bytecode caches.

- k2: `import k2core, k2io`;
- official: `import k2connect` (which imports `requests`).
"""

from __future__ import annotations

import subprocess
import sys

from benchmarks import official
from benchmarks.harness import OFFICIAL, OURS, Contender, Goal, Measured, Section
from benchmarks.settings import Settings

GOALS = [Goal("at most a third of the official SDK's", OURS, OFFICIAL, 1 / 3, at_least=False)]

_PROGRAM = (
    "import time, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "start = time.perf_counter()\n"
    "import {modules}\n"
    "print(time.perf_counter() - start)\n"
)


def import_seconds(modules: str) -> float:
    """Start a fresh interpreter, import `modules` and return the seconds the import took."""
    result = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(modules=modules)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(result.stdout.strip())


def run(settings: Settings) -> list[Section]:
    """Measure both imports, alternating fresh interpreters."""
    notes = ["fresh interpreter per sample; start-up excluded; bytecode caches warm"]
    imports = [(OURS, "k2: `import k2core, k2io`", "k2core, k2io")]
    if official.load() is None:
        notes.append("official SDK not installed; not measured")
    else:
        imports.append((OFFICIAL, "official: `import k2connect`", "k2connect"))

    rows = [Measured(Contender(key, label, lambda: None), []) for key, label, _ in imports]
    for _, _, modules in imports:
        import_seconds(modules)
    for round_index in range(settings.import_runs):
        shift = round_index % len(imports)
        for position in [*range(shift, len(imports)), *range(shift)]:
            rows[position].samples.append(import_seconds(imports[position][2]))
    section = Section("Import time", "fresh interpreter", "s", rows, per="import", goals=GOALS)
    section.notes.extend(notes)
    return [section]
