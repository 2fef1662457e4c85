"""Measurement 1: verify a signed webhook or result body and parse it, per payload kind.

Contenders, all given the same bytes, signature and API key:

- k2: `k2core.parse_webhook` / `k2core.parse_result` (size check, signature check, typed decode);
- floor: `hmac.digest` plus `hmac.compare_digest` plus a module-level typed msgspec decoder into
  equivalent Structs (`benchmarks.floor`), with no SDK code in between;
- official: the official SDK's HMAC function plus `payload_decomposer.decompose`;
- stdlib: `hmac.digest` plus `hmac.compare_digest` plus `json.loads` into dicts.

Before timing, each contender's output is checked once (the id it read must be the sample's id),
so a contender that fails or parses the wrong thing is reported instead of timed.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from benchmarks import floor, official, payloads
from benchmarks.harness import FLOOR, OFFICIAL, OURS, STDLIB, Contender, Goal, Section
from benchmarks.payloads import API_KEY, Sample, samples
from benchmarks.settings import Settings

GOALS = [
    Goal("at least 10x faster than the official SDK", OFFICIAL, OURS, 10.0, at_least=True),
    Goal("within 1.25x of the floor", OURS, FLOOR, 1.25, at_least=False),
]

_KEY = API_KEY.encode("utf-8")


def _stdlib_parse(body: bytes, signature: str) -> Any:
    if not hmac.compare_digest(hmac.digest(_KEY, body, "sha256").hex(), signature):
        raise ValueError("the HMAC signature does not match the body")
    return json.loads(body)


def _ours(sample: Sample) -> Callable[[], object]:
    import k2core

    parse = k2core.parse_webhook if sample.kind == "webhook" else k2core.parse_result
    body, signature = sample.body, sample.signature
    return lambda: parse(body, signature, API_KEY)


def _floor(sample: Sample) -> Callable[[], object]:
    parse = floor.parse_webhook if sample.kind == "webhook" else floor.parse_result
    body, signature = sample.body, sample.signature
    return lambda: parse(body, signature, _KEY)


def _official(sdk: official.OfficialSdk, sample: Sample) -> Callable[[], object]:
    body, signature = sample.body, sample.signature
    return lambda: official.verify_and_decompose(sdk, body, signature, _KEY)


def _stdlib(sample: Sample) -> Callable[[], object]:
    body, signature = sample.body, sample.signature
    return lambda: _stdlib_parse(body, signature)


def parsed_id(value: Any) -> str:
    """Return the event or result id a contender read, whatever shape it returned."""
    if isinstance(value, dict):
        return str(value["data"]["id"] if "data" in value else value["id"])
    data = getattr(value, "data", None)
    if data is not None and not isinstance(data, dict):
        return str(data.id)
    return str(value.id)


def expected_id(sample: Sample) -> str:
    """Return the id stored in the sample body."""
    return parsed_id(json.loads(sample.body))


def checked(
    contender: Contender, sample: Sample, notes: list[str], *, read_id: bool = True
) -> Contender | None:
    """Run `contender` once; keep it only if it returns the sample's id, else record why not.

    With `read_id` false, a contender is kept when it merely returns without raising.
    """
    try:
        parsed = contender.run()
        found = parsed_id(parsed) if read_id else expected_id(sample)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not timed
        notes.append(f"{contender.label} failed on the {sample.name}: {type(exc).__name__}: {exc}")
        return None
    if found != expected_id(sample):
        notes.append(f"{contender.label} read id {found!r} from the {sample.name}; not timed")
        return None
    return contender


def contenders_for(sample: Sample, notes: list[str]) -> list[Contender]:
    """Build every available contender for `sample`, each checked once."""
    import k2core

    candidates = [
        Contender(FLOOR, "floor: HMAC + typed msgspec", _floor(sample)),
        Contender(STDLIB, "stdlib: HMAC + `json.loads`", _stdlib(sample)),
    ]
    if hasattr(k2core, "parse_webhook") and hasattr(k2core, "parse_result"):
        candidates.insert(0, Contender(OURS, "k2 `parse_webhook`/`parse_result`", _ours(sample)))
    else:
        notes.append("k2core has no `parse_webhook`/`parse_result` in this tree; not measured")
    kept = [checked(contender, sample, notes) for contender in candidates]
    return [contender for contender in kept if contender is not None] + _officials(sample, notes)


def _officials(sample: Sample, notes: list[str]) -> list[Contender]:
    """Return the official contender, on a variant body if it cannot decompose the real one."""
    sdk = official.load()
    if sdk is None:
        notes.append("official SDK not installed (`pip install -e '.[bench]'`); not measured")
        return []

    label = "official: HMAC + `decompose`"
    contender = checked(Contender(OFFICIAL, label, _official(sdk, sample)), sample, notes)
    if contender is not None:
        return [contender]

    variant = payloads.official_variant(sample.name)
    if variant is None:
        return []
    body, added = variant
    label = f"official, on the body plus {added}"
    contender = Contender(OFFICIAL, label, _official(sdk, body))
    if sample.kind == "result" and sample.name.startswith("polling"):
        # decompose() has no branch for polling results, so it returns an object holding only
        # `metadata` and there is no id to compare. Its cost is still what a caller pays.
        notes.append(f"{label} returns an object holding only `metadata`")
        contender = checked(contender, body, notes, read_id=False)
    else:
        contender = checked(contender, body, notes)
    return [] if contender is None else [contender]


def run(settings: Settings) -> list[Section]:
    """Measure every payload kind and return one section per kind."""
    sections = []
    for sample in samples():
        notes: list[str] = [f"body: {len(sample.body):,} bytes"]
        contenders = contenders_for(sample, notes)
        rows = settings.time(contenders)
        sections.append(Section("Verify + parse", sample.name, "s", rows, goals=GOALS, notes=notes))
    return sections
