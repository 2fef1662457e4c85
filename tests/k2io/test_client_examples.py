"""The client examples run end to end against the emulator they start themselves."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from k2io import CallableTransport, Client
from k2io.emulator import Emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_quickstart_reports_final_status() -> None:
    output = _run("quickstart.py")

    assert ": Success" in output
    assert "M-PESA reference" in output


@pytest.mark.parametrize(
    ("name", "package"), [("transport_requests.py", "requests"), ("transport_httpx.py", "httpx")]
)
def test_transport_example_runs(name: str, package: str) -> None:
    pytest.importorskip(package)

    output = _run(name)

    assert "created http://127.0.0.1:" in output
    assert "status Pending" in output


def _readme_transport_snippet() -> str:
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Plugging in your own transport", 1)[1]
    return re.findall(r"```python\n(.+?)\n```", section, flags=re.DOTALL)[0]


def test_readme_transport_snippet_works(k2_emulator: Emulator) -> None:
    pytest.importorskip("httpx")
    namespace: dict[str, object] = {}
    exec(_readme_transport_snippet(), namespace)  # builds a client for the sandbox, sends nothing
    transport = namespace["transport"]
    assert isinstance(transport, CallableTransport)

    with Client(
        client_id=k2_emulator.client_id,
        client_secret=k2_emulator.client_secret,
        base_url=k2_emulator.base_url,
        transport=transport,
    ) as client:
        info = client.tokens.info()

    assert info.expires_in > 0
    assert len(k2_emulator.requests.matching("GET", "/oauth/token/info")) == 1
