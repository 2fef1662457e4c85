"""The README's `k2core`-only example runs as written against the local emulator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from k2io.emulator import Emulator

README = Path(__file__).resolve().parent.parent / "README.md"


def operations_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Operations with `k2core` alone", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the operations section has no python example"
    return match.group(1)


def test_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code = operations_example()
    with Emulator() as emulator:
        code = code.replace("BASE_URL = k2core.SANDBOX", f"BASE_URL = {emulator.base_url!r}")
        code = code.replace(
            'CLIENT_ID, CLIENT_SECRET = "your client id", "your client secret"',
            f"CLIENT_ID, CLIENT_SECRET = {emulator.client_id!r}, {emulator.client_secret!r}",
        )
        assert "k2core.SANDBOX" not in code
        exec(compile(code, str(README), "exec"), {"__name__": "readme_example"})

    printed = capsys.readouterr().out.strip()

    assert printed in {"Pending", "Success", "Failed"}
