"""Render measured sections as Markdown and write them into benchmarks/README.md.

The results page keeps its hand-written parts; only the text between the
`<!-- results:start -->` and `<!-- results:end -->` lines is replaced by `write_results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness import FLOOR, OFFICIAL, OURS, STDLIB, Section, format_value

START = "<!-- results:start -->"
END = "<!-- results:end -->"

ROLE_NAMES = {OURS: "k2", FLOOR: "floor", OFFICIAL: "official", STDLIB: "stdlib"}


def _ratio_text(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %" if value >= 0.01 else f"{value * 100:.1f} %"


def goal_rows(sections: Sequence[Section]) -> list[str]:
    """Return one table row per goal per section: the ratio measured and met or missed."""
    rows = []
    for section in sections:
        for goal in section.goals:
            ratio = section.ratio(goal.numerator, goal.denominator)
            pair = f"{ROLE_NAMES[goal.numerator]} ÷ {ROLE_NAMES[goal.denominator]}"
            sign = "≥" if goal.at_least else "≤"
            target = f"{pair} {sign} {goal.bound:.2f}"
            where = f"{section.title}, {section.case}"
            if ratio is None:
                rows.append(f"| {where} | {goal.text} | {target} | not measured | — |")
                continue
            median, spread = ratio
            measured = f"{median:.2f} (IQR {_percent(spread)})"
            rows.append(f"| {where} | {goal.text} | {target} | {measured} | {goal.judge(median)} |")
    return rows


def section_lines(section: Section) -> list[str]:
    """Return the Markdown table and notes of one section."""
    per = section.per
    lines = [
        f"### {section.title}: {section.case}",
        "",
        f"| contender | median per {per} | IQR | ÷ k2 (paired) | {per}s per sample |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in section.rows:
        ratio = section.ratio(row.contender.key, section.reference)
        shown = _ratio_text(ratio[0]) if ratio is not None else "—"
        lines.append(
            f"| {row.contender.label} | {format_value(row.median, section.unit)} "
            f"| {_percent(row.spread)} | {shown} | {row.repetitions:,} |"
        )
    lines.append("")
    lines.extend(f"- {note}" for note in section.notes)
    if section.notes:
        lines.append("")
    return lines


def render(sections: Sequence[Section], machine: dict[str, str], command: str) -> str:
    """Return the whole results block: machine, goals, then one table per section."""
    lines = [
        f"Run on {machine['date']} with `{command}`.",
        "",
        f"- Python: {machine['python']} on {machine['os']}",
        f"- CPU: {machine['cpu']}",
        f"- Packages: {machine['packages']}",
        "",
        "#### Goals",
        "",
        "| measurement | goal | target | measured ratio | verdict |",
        "| --- | --- | --- | ---: | --- |",
        *goal_rows(sections),
        "",
    ]
    for section in sections:
        lines.extend(section_lines(section))
    return "\n".join(lines).rstrip() + "\n"


def write_results(readme: Path, block: str) -> None:
    """Replace the text between the result markers of `readme` with `block`."""
    text = readme.read_text(encoding="utf-8")
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{readme} has no {START} ... {END} markers")
    readme.write_text(f"{head}{START}\n{block}{END}{tail}", encoding="utf-8")


def as_json(sections: Sequence[Section], machine: dict[str, str]) -> dict[str, Any]:
    """Return every raw sample, for archiving or plotting a run."""
    return {
        "machine": machine,
        "sections": [
            {
                "title": section.title,
                "case": section.case,
                "unit": section.unit,
                "notes": section.notes,
                "rows": [
                    {
                        "key": row.contender.key,
                        "label": row.contender.label,
                        "calls_per_sample": row.repetitions,
                        "samples": row.samples,
                    }
                    for row in section.rows
                ],
            }
            for section in sections
        ],
    }
