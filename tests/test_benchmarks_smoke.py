"""Smoke tests of the benchmarks: every measurement runs with tiny counts and checks its output.

Timings are never asserted: these tests only prove that each contender still runs and parses
or builds what it should. The official SDK is optional (the `bench` extra installs it); without
it, each measurement must leave its official contender out and record that in its notes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import k2core.webhooks
from benchmarks import __main__ as cli
from benchmarks import (
    floor,
    import_time,
    memory,
    official,
    payloads,
    report,
    request_build,
    round_trip,
    verify_parse,
)
from benchmarks.harness import (
    FLOOR,
    OFFICIAL,
    OURS,
    STDLIB,
    Contender,
    Goal,
    Section,
    time_contenders,
)
from benchmarks.settings import Settings

TINY = Settings(rounds=2, min_time=0.0, number=2, events=40, memory_rounds=1, import_runs=1)

HAS_OFFICIAL = official.load() is not None


def _keys(section: Section) -> list[str]:
    return [row.contender.key for row in section.rows]


def _check_official(section: Section) -> None:
    if HAS_OFFICIAL:
        assert OFFICIAL in _keys(section), section.notes
    else:
        assert OFFICIAL not in _keys(section)
        assert any("not installed" in note for note in section.notes), section.notes


def test_payload_signatures_match_bodies() -> None:
    for sample in payloads.samples():
        assert payloads.sign(sample.body) == sample.signature
        assert len(sample.signature) == 64


def test_polling_sample_has_100_transactions() -> None:
    document = json.loads(payloads.samples()[3].body)

    assert len(document["data"]["attributes"]["transactions"]) == 100


def test_verify_parse_runs_every_kind() -> None:
    sections = verify_parse.run(TINY)

    assert [section.case for section in sections] == [s.name for s in payloads.samples()]
    for section in sections:
        assert {OURS, FLOOR, STDLIB} <= set(_keys(section)), section.notes
        for row in section.rows:
            assert len(row.samples) == TINY.rounds
            assert all(value > 0 for value in row.samples)
        _check_official(section)


def test_floor_reads_same_values_as_k2() -> None:
    sample = payloads.samples()[0]
    ours = k2core.parse_webhook(sample.body, sample.signature, payloads.API_KEY)
    floors = floor.parse_webhook(sample.body, sample.signature, payloads.API_KEY.encode())
    assert isinstance(ours, k2core.webhooks.BuygoodsTransactionReceived)
    assert isinstance(floors, floor.BuygoodsReceived)

    assert floors.event.resource.amount == ours.event.resource.amount
    assert floors.event.resource.origination_time == ours.event.resource.origination_time
    assert floors.links.self_url == ours.links.self_url


def test_checked_rejects_contender_reading_wrong_id() -> None:
    sample = payloads.samples()[0]
    notes: list[str] = []
    wrong = Contender("x", "wrong parser", lambda: {"id": "another"})

    assert verify_parse.checked(wrong, sample, notes) is None
    assert "another" in notes[0]


def test_request_build_runs_both_cases() -> None:
    sections = request_build.run(TINY)

    assert len(sections) == 2
    for section in sections:
        assert OURS in _keys(section), section.notes
        _check_official(section)


def test_round_trip_runs_against_emulator() -> None:
    (section,) = round_trip.run(TINY)

    assert {OURS, round_trip.STDLIB_TRANSPORT, FLOOR} <= set(_keys(section)), section.notes
    _check_official(section)


def test_memory_counts_held_events() -> None:
    small = Settings(events=40, memory_rounds=1)
    (section,) = memory.run(small)

    assert {OURS, FLOOR, STDLIB} <= set(_keys(section)), section.notes
    for row in section.rows:
        assert row.samples[0] > 100  # every parsed event contains at least its strings
    _check_official(section)


def test_import_time_runs_fresh_interpreters() -> None:
    (section,) = import_time.run(TINY)

    assert OURS in _keys(section)
    assert all(0 < value < 60 for value in section.rows[0].samples)
    _check_official(section)


def test_time_contenders_interleaves_rounds() -> None:
    calls: list[str] = []
    contenders = [
        Contender("a", "a", lambda: calls.append("a")),
        Contender("b", "b", lambda: calls.append("b")),
    ]

    rows = time_contenders(contenders, rounds=2, min_time=0.0, number=1)

    assert calls == ["a", "b", "b", "a"]
    assert [len(row.samples) for row in rows] == [2, 2]


def test_goal_judges_ratio_direction() -> None:
    faster = Goal("faster", OFFICIAL, OURS, 10.0, at_least=True)
    within = Goal("within", OURS, FLOOR, 1.25, at_least=False)

    assert faster.judge(12.0) == "met"
    assert faster.judge(9.0) == "missed"
    assert within.judge(1.1) == "met"
    assert within.judge(1.3) == "missed"


def test_write_results_replaces_only_marked_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.START}\nold\n{report.END}\noutro\n", encoding="utf-8")

    report.write_results(readme, "new table\n")

    assert readme.read_text(encoding="utf-8") == (
        f"intro\n{report.START}\nnew table\n{report.END}\noutro\n"
    )


def test_write_results_requires_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n", encoding="utf-8")

    with pytest.raises(ValueError, match="markers"):
        report.write_results(readme, "table\n")


def test_command_line_prints_and_saves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "run.json"

    status = cli.main(["--only", "parse", "--rounds", "1", "--number", "1", "--json", str(saved)])

    assert status == 0
    assert "#### Goals" in capsys.readouterr().out
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert len(document["sections"]) == len(payloads.samples())


def test_command_line_rejects_zero_rounds() -> None:
    with pytest.raises(SystemExit, match="--rounds must be positive"):
        cli.main(["--rounds", "0"])


def test_readme_has_results_markers() -> None:
    text = cli.README.read_text(encoding="utf-8")

    assert report.START in text
    assert report.END in text
