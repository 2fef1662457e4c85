"""Run `k2io.emulator.Emulator` in its own process for the round-trip measurement.

Started as `python -m benchmarks.emulator_process`, it binds 127.0.0.1 on an ephemeral port,
prints one JSON line with `base_url`, `client_id`, `client_secret` and `api_key`, and serves
until its standard input closes. A separate process keeps the server's Python work off the
benchmark's interpreter lock, so the client side is what differs between contenders.
`completion_delay` is an hour, so no resource completes and no result callback is sent during
a run.

`EmulatorProcess` is the parent's handle: a context manager that starts the child, reads the
line and stops the child on exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

COMPLETION_DELAY = 3600.0

# The directory that contains the `benchmarks` package, so the child can import it.
_ROOT = Path(__file__).resolve().parent.parent


class EmulatorProcess:
    """A child process serving the emulator; `settings` is the JSON line it printed."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.settings: dict[str, Any] = {}

    def __enter__(self) -> EmulatorProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.emulator_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=_ROOT,
        )
        if self._process.stdout is None:
            raise RuntimeError("the emulator process has no standard output pipe")
        line = self._process.stdout.readline()
        if not line:
            self._stop()
            raise RuntimeError("the emulator process exited before printing its base URL")
        self.settings = json.loads(line)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def main() -> None:
    """Serve until standard input closes."""
    from k2io.emulator import Emulator

    with Emulator(completion_delay=COMPLETION_DELAY) as emulator:
        settings = {
            "base_url": emulator.base_url,
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
            "api_key": emulator.api_key,
        }
        print(json.dumps(settings), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
