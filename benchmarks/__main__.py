"""Run the benchmarks: `python -m benchmarks [options]`; `--help` lists the options.

Prints the results as Markdown. With `--write-readme` it also replaces the results block of
benchmarks/README.md; with `--json PATH` it saves every raw sample.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import import_time, memory, request_build, round_trip, verify_parse
from benchmarks.harness import Section, machine
from benchmarks.report import as_json, render, write_results
from benchmarks.settings import Settings

MEASUREMENTS: dict[str, Callable[[Settings], list[Section]]] = {
    "parse": verify_parse.run,
    "build": request_build.run,
    "roundtrip": round_trip.run,
    "memory": memory.run,
    "import": import_time.run,
}

README = Path(__file__).resolve().parent / "README.md"

QUICK = Settings(rounds=5, min_time=0.005, events=10_000, memory_rounds=1, import_runs=5)


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)

    # What to run.
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(MEASUREMENTS),
        help="run only this measurement (repeatable); default: all of them",
    )
    parser.add_argument(
        "--quick", action="store_true", help="few, short rounds: a check that everything runs"
    )

    # How much of it.
    parser.add_argument(
        "--rounds", type=int, help=f"interleaved samples per contender (default {defaults.rounds})"
    )
    parser.add_argument(
        "--min-time",
        type=float,
        help=f"minimum seconds per timing sample when calibrating (default {defaults.min_time})",
    )
    parser.add_argument(
        "--number", type=int, help="fixed calls per timing sample instead of calibrating"
    )
    parser.add_argument(
        "--events",
        type=int,
        help=f"events held by the memory measurement (default {defaults.events:,})",
    )
    parser.add_argument(
        "--memory-rounds",
        type=int,
        help=f"repetitions of the memory measurement (default {defaults.memory_rounds})",
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        help=f"fresh interpreters per import contender (default {defaults.import_runs})",
    )

    # Where the results go besides standard output.
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="replace the results block of benchmarks/README.md with this run's results",
    )
    parser.add_argument("--json", type=Path, help="also write every raw sample to this file")
    return parser.parse_args(argv)


def settings_from(arguments: argparse.Namespace) -> Settings:
    """Combine the defaults (or `--quick`) with the options given."""
    base = QUICK if arguments.quick else Settings()
    chosen = {
        "rounds": arguments.rounds,
        "min_time": arguments.min_time,
        "number": arguments.number,
        "events": arguments.events,
        "memory_rounds": arguments.memory_rounds,
        "import_runs": arguments.import_runs,
    }
    values = {name: value for name, value in chosen.items() if value is not None}
    for name, value in values.items():
        if value <= 0:
            raise SystemExit(f"--{name.replace('_', '-')} must be positive, not {value}")
    return Settings(**{**base.__dict__, **values})


def run(names: Sequence[str], settings: Settings) -> list[Section]:
    """Run the named measurements in order, reporting progress on standard error."""
    sections: list[Section] = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        sections.extend(MEASUREMENTS[name](settings))
    return sections


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print (and optionally save) the results."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    settings = settings_from(arguments)
    names = arguments.only or list(MEASUREMENTS)

    sections = run(names, settings)
    described = machine()
    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    block = render(sections, described, command.strip())
    print(block)

    if arguments.write_readme:
        write_results(README, block)
    if arguments.json is not None:
        arguments.json.write_text(
            json.dumps(as_json(sections, described), indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
