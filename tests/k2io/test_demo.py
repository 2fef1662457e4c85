"""`k2 demo` runs every flow against the embedded emulator and reports failures with a reason."""

from __future__ import annotations

import io
import re
import socket

import pytest

from k2io.cli import main
from k2io.demo import DemoSettings, run_demo
from k2io.emulator import EVENT_TYPES, Emulator


def test_demo_passes_every_step() -> None:
    out = io.StringIO()

    status = run_demo(DemoSettings(out=out))

    text = out.getvalue()
    step_lines = [line for line in text.splitlines() if re.match(r"\[\s*\d+/\d+\]", line)]
    assert status == 0
    assert len(step_lines) == 13 + len(EVENT_TYPES)
    assert all(" ... ok: " in line for line in step_lines)
    assert f"all {len(step_lines)} steps passed" in text
    for phrase in (
        "STK push that succeeds ... ok: Success",
        "STK push that fails ... ok: Failed",
        "sweep to own accounts ... ok: Processed",
        "now cancelled",
        "DarajaWebhook",
    ):
        assert phrase in text


def test_demo_masks_secrets() -> None:
    out = io.StringIO()
    with Emulator(
        completion_delay=0.02, client_secret="s3cret-for-demo-test", api_key="api-key-for-demo-test"
    ) as emu:
        settings = DemoSettings(
            base_url=emu.base_url,
            client_id=emu.client_id,
            client_secret=emu.client_secret,
            api_key=emu.api_key,
            out=out,
        )
        status = run_demo(settings)
        issued = emu.tokens.issued()

    text = out.getvalue()
    assert status == 0
    assert issued >= 1
    assert "s3cret-for-demo-test" not in text
    assert "api-key-for-demo-test" not in text
    assert "+254722000111" not in text
    assert "skipped: events can be triggered only on the embedded emulator" in text


def test_demo_reports_failed_step(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    with Emulator(completion_delay=0.02) as emu:
        emu.inject("/api/v2/reversals", "status", status=500, times=None)
        settings = DemoSettings(
            base_url=emu.base_url,
            client_id=emu.client_id,
            client_secret=emu.client_secret,
            api_key=emu.api_key,
            out=out,
            timeout=2.0,
        )
        status = run_demo(settings)

    text = out.getvalue()
    err = capsys.readouterr().err
    assert status == 1
    assert "[11/22] reversal ... FAILED: " in text
    assert "HTTP 500" in text
    assert "sweep" not in text
    assert err.startswith("k2 demo: step 11 (reversal) failed: ")


def test_demo_reports_missing_callback(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    with Emulator(completion_delay=0.02) as emu:
        settings = DemoSettings(
            base_url=emu.base_url,
            client_id=emu.client_id,
            client_secret=emu.client_secret,
            api_key=emu.api_key,
            callback_url="http://127.0.0.1:9/unreachable",
            out=out,
            timeout=0.3,
        )
        status = run_demo(settings)

    assert status == 1
    assert "STK push that succeeds ... FAILED: StepFailedError: 0 of 1 callbacks" in out.getvalue()
    assert "failed" in capsys.readouterr().err


def test_demo_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("K2_BASE_URL", raising=False)

    status = main(["demo"])

    assert status == 0
    assert "steps passed" in capsys.readouterr().out


def test_demo_command_needs_credentials_for_a_base_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("K2_CLIENT_ID", "K2_CLIENT_SECRET", "K2_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    status = main(["demo", "--base-url", "http://127.0.0.1:9"])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "K2_CLIENT_ID" in err


def test_demo_command_rejects_invalid_base_url(capsys: pytest.CaptureFixture[str]) -> None:
    credentials = ["--client-id", "a", "--client-secret", "b", "--api-key", "c"]
    callback = ["--callback-url", "http://127.0.0.1:9/k2"]

    status = main(["demo", "--base-url", "not a url", *credentials, *callback])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "base_url" in err


def test_demo_command_reports_busy_callback_port(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("K2_BASE_URL", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        status = main(["demo", "--callback-port", str(port)])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert f"callback receiver on 127.0.0.1 port {port}" in err


def test_demo_remote_base_url_needs_callback_url() -> None:
    settings = DemoSettings(
        base_url="https://sandbox.kopokopo.com",
        client_id="id",
        client_secret="secret",
        api_key="key",
    )

    with pytest.raises(ValueError, match="--callback-url"):
        run_demo(settings)
