"""Measurement 4: memory held by many parsed webhook events at once.

Each contender verifies and parses `Settings.events` distinct signed buygoods webhooks (each
with its own ids, reference and amount) and keeps every result in a list. tracemalloc counts
the bytes still allocated once all results are held and garbage has been collected. The list
itself (8 bytes per pointer, the same for every contender) is left out. The bodies are built
before tracing starts, and each contender parses one body untraced first, so lazily created
caches are not counted. Contenders run one after the other within a round, in a rotating order.

- k2: `k2core.parse_webhook` Structs (Decimal amount, aware datetimes);
- floor: the floor's equivalent Structs (`benchmarks.floor`);
- stdlib: `json.loads` dicts;
- official: the `K2Model` objects of `payload_decomposer.decompose`, which keep a subset of
  the fields.
"""

from __future__ import annotations

import gc
import hmac
import json
import sys
import tracemalloc
from collections.abc import Callable

from benchmarks import floor, official
from benchmarks.harness import FLOOR, OFFICIAL, OURS, STDLIB, Contender, Goal, Measured, Section
from benchmarks.payloads import API_KEY, Sample, buygoods_sample
from benchmarks.settings import Settings

GOALS = [Goal("at most half of the `json.loads` dicts", OURS, STDLIB, 0.5, at_least=False)]

_KEY = API_KEY.encode("utf-8")

Parser = Callable[[Sample], object]


def _stdlib(sample: Sample) -> object:
    if not hmac.compare_digest(hmac.digest(_KEY, sample.body, "sha256").hex(), sample.signature):
        raise ValueError("the HMAC signature does not match the body")
    return json.loads(sample.body)


def _parsers(notes: list[str]) -> list[tuple[str, str, Parser]]:
    import k2core

    parsers: list[tuple[str, str, Parser]] = []
    if hasattr(k2core, "parse_webhook"):
        parse = k2core.parse_webhook
        parsers.append(
            (OURS, "k2 Structs", lambda sample: parse(sample.body, sample.signature, API_KEY))
        )
    else:
        notes.append("k2core has no `parse_webhook` in this tree; not measured")
    parsers.append(
        (
            FLOOR,
            "floor Structs",
            lambda sample: floor.parse_webhook(sample.body, sample.signature, _KEY),
        )
    )
    parsers.append((STDLIB, "`json.loads` dicts", _stdlib))

    sdk = official.load()
    if sdk is None:
        notes.append("official SDK not installed; not measured")
    else:
        parsers.append(
            (
                OFFICIAL,
                "official `K2Model` objects",
                lambda sample: official.verify_and_decompose(
                    sdk, sample.body, sample.signature, _KEY
                ),
            )
        )
    return parsers


def held_bytes(parse: Parser, bodies: list[Sample]) -> float:
    """Return the bytes per event still allocated while every parsed event is held."""
    parse(bodies[0])
    gc.collect()
    already_tracing = tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        held = [parse(sample) for sample in bodies]
        gc.collect()
        end = tracemalloc.get_traced_memory()[0]
    finally:
        if not already_tracing:
            tracemalloc.stop()
    total = end - start - sys.getsizeof(held)
    del held
    gc.collect()
    return total / len(bodies)


def run(settings: Settings) -> list[Section]:
    """Measure the bytes per event held by each contender, `memory_rounds` times."""
    notes = [
        f"{settings.events:,} distinct buygoods webhooks held at once, measured with tracemalloc"
    ]
    parsers = _parsers(notes)
    bodies = [buygoods_sample(index) for index in range(settings.events)]

    rows = [Measured(Contender(key, label, lambda: None), []) for key, label, _ in parsers]
    for round_index in range(settings.memory_rounds):
        shift = round_index % len(parsers)
        order = list(range(len(parsers)))
        for position in order[shift:] + order[:shift]:
            rows[position].samples.append(held_bytes(parsers[position][2], bodies))
    for row in rows:
        row.repetitions = settings.events
    case = f"{settings.events:,} buygoods webhooks held"
    return [Section("Memory per event", case, "B", rows, per="event", goals=GOALS, notes=notes)]
