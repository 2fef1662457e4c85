"""The `k2` command line: each command with good and bad input."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_emulator_support import receiving

from k2io.cli import main, mask

API_KEY = "cli-test-api-key-3f9a"
WEBHOOK = json.dumps(
    {
        "topic": "customer_created",
        "id": "7d2f1c0e-1111-4f00-9a00-000000000001",
        "created_at": "2026-03-01T09:15:00+03:00",
        "event": {
            "type": "Customer Created",
            "resource": {
                "first_name": "Achieng",
                "middle_name": None,
                "last_name": "Omondi",
                "phone_number": "+254712000999",
            },
        },
        "_links": {
            "self": "https://sandbox.kopokopo.com/webhook_events/7d2f1c0e",
            "resource": "https://sandbox.kopokopo.com/mobile_money_user/55aa",
        },
    }
).encode()


def _hmac(body: bytes, key: str = API_KEY) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


class _Stdin(io.BytesIO):
    @property
    def buffer(self) -> io.BytesIO:
        return self

    def isatty(self) -> bool:
        return False


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "webhook.json"
    path.write_bytes(WEBHOOK)
    return path


@pytest.fixture(autouse=True)
def _no_k2_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("K2_API_KEY", "K2_CLIENT_ID", "K2_CLIENT_SECRET", "K2_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_sign_file(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    status, out, _ = _run(capsys, "sign", str(body_file), "--api-key", API_KEY)

    assert status == 0
    assert out.strip() == _hmac(WEBHOOK)


def test_sign_stdin_with_env_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("K2_API_KEY", API_KEY)
    monkeypatch.setattr(sys, "stdin", _Stdin(b"hello"))

    status, out, _ = _run(capsys, "sign")

    assert status == 0
    assert out.strip() == _hmac(b"hello")


def test_sign_without_key(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    status, out, err = _run(capsys, "sign", str(body_file))

    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "--api-key" in err
    assert "K2_API_KEY" in err


def test_sign_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = _run(capsys, "sign", str(tmp_path / "absent.json"), "--api-key", API_KEY)

    assert status == 2
    assert err.count("\n") == 1
    assert "cannot read" in err


def test_verify_valid(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    status, out, _ = _run(
        capsys, "verify", str(body_file), "--signature", _hmac(WEBHOOK), "--api-key", API_KEY
    )

    assert status == 0
    assert out.startswith("valid")


@pytest.mark.parametrize(
    ("signature", "word"),
    [
        (_hmac(b"other body"), "invalid"),
        ("abc", "invalid"),
        ("", "invalid"),
    ],
)
def test_verify_invalid(
    capsys: pytest.CaptureFixture[str], body_file: Path, signature: str, word: str
) -> None:
    status, out, _ = _run(
        capsys, "verify", str(body_file), "--signature", signature, "--api-key", API_KEY
    )

    assert status == 1
    assert out.startswith(word)
    assert API_KEY not in out


def test_decode_verified(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    status, out, err = _run(
        capsys, "decode", str(body_file), "--signature", _hmac(WEBHOOK), "--api-key", API_KEY
    )

    assert status == 0
    assert err.strip() == "CustomerCreated (signature verified)"
    assert json.loads(out)["event"]["resource"]["last_name"] == "Omondi"


def test_decode_unverified(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    status, out, err = _run(capsys, "decode", str(body_file))

    assert status == 0
    assert err.startswith("CustomerCreated (not verified")
    assert json.loads(out)["topic"] == "customer_created"


def test_decode_result(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result: dict[str, Any] = {
        "data": {
            "id": "r-1",
            "type": "reversal",
            "attributes": {
                "status": "Processed",
                "created_at": "2026-03-01T10:00:00.000+03:00",
                "transaction_reference": "QAZ0000009",
                "reason": "Refund",
                "reversal_bulk_payment": None,
                "errors": None,
                "metadata": None,
                "_links": {"callback_url": "https://a.example/cb", "self": "https://b/1"},
            },
        }
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result))

    status, out, err = _run(capsys, "decode", str(path))

    assert status == 0
    assert err.startswith("ReversalResult")
    assert json.loads(out)["data"]["type"] == "reversal"


def test_decode_bad_signature(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    status, _, err = _run(
        capsys, "decode", str(body_file), "--signature", "0" * 64, "--api-key", API_KEY
    )

    assert status == 1
    assert "invalid signature" in err


def test_decode_bad_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"topic": ')

    status, _, err = _run(capsys, "decode", str(path))

    assert status == 2
    assert err.count("\n") == 1
    assert "cannot decode" in err


def test_trigger_sends_signed_event(capsys: pytest.CaptureFixture[str]) -> None:
    with receiving() as receiver:
        status, out, _ = _run(
            capsys,
            "trigger",
            "buygoods_transaction_received",
            "--url",
            receiver.url + "/hook",
            "--api-key",
            API_KEY,
            "--amount",
            "99.50",
        )
        (posted,) = receiver.wait(1)

    assert status == 0
    assert "HTTP 200" in out
    assert posted.headers["X-KopoKopo-Signature"] == _hmac(posted.body)
    assert json.loads(posted.body)["event"]["resource"]["amount"] == "99.5"


def test_trigger_daraja(capsys: pytest.CaptureFixture[str]) -> None:
    with receiving() as receiver:
        status, _, _ = _run(
            capsys,
            "trigger",
            "b2b_transaction_received",
            "--daraja",
            "--url",
            receiver.url,
            "--api-key",
            API_KEY,
        )
        (posted,) = receiver.wait(1)

    assert status == 0
    assert "TransactionType" in json.loads(posted.body)


def test_trigger_receiver_error(capsys: pytest.CaptureFixture[str]) -> None:
    with receiving(status=401) as receiver:
        status, out, _ = _run(
            capsys, "trigger", "customer_created", "--url", receiver.url, "--api-key", API_KEY
        )

    assert status == 1
    assert "HTTP 401" in out


def test_trigger_refuses_remote_host(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(
        capsys,
        "trigger",
        "customer_created",
        "--url",
        "https://hooks.example.invalid/k2",
        "--api-key",
        API_KEY,
    )

    assert status == 2
    assert err.count("\n") == 1
    assert "loopback" in err


def test_trigger_daraja_needs_supported_event(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(
        capsys,
        "trigger",
        "customer_created",
        "--daraja",
        "--url",
        "http://127.0.0.1:9/",
        "--api-key",
        API_KEY,
    )

    assert status == 2
    assert "Daraja" in err


def test_trigger_dry_run(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys,
        "trigger",
        "customer_created",
        "--url",
        "http://127.0.0.1:9/",
        "--api-key",
        API_KEY,
        "--dry-run",
    )

    header, _, body = out.partition("\n")
    assert status == 0
    assert header == f"X-KopoKopo-Signature: {_hmac(body.strip().encode())}"


@pytest.mark.parametrize(
    "argv",
    [
        ["trigger", "no_such_event", "--url", "http://127.0.0.1:9/", "--api-key", "k"],
        ["emulator", "--port", "seventy"],
        ["emulator", "--completion-delay", "-1"],
        ["demo", "--timeout", "soon"],
        ["trigger", "customer_created", "--url", "http://127.0.0.1:9/", "--amount", "0"],
        ["trigger", "customer_created", "--url", "http://127.0.0.1:9/", "--amount", "1e400"],
        ["trigger", "customer_created", "--url", "http://127.0.0.1:9/", "--amount", "0.005"],
        ["trigger", "customer_created", "--url", "http://127.0.0.1:9/", "--amount", "1_000"],
        ["emulator", "--initial-balance", "9e999"],
        ["launch"],
        [],
    ],
)
def test_bad_arguments_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)

    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1
    assert "error:" in err


@pytest.mark.parametrize("command", ["demo", "emulator", "trigger", "sign", "verify", "decode"])
def test_help_states_units(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])

    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "usage: k2" in out
    for line in out.splitlines():
        if "timeout" in line.lower() or "delay" in line.lower() or "lifetime" in line.lower():
            assert "seconds" in out


def test_emulator_help_names_units(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])

    out = " ".join(capsys.readouterr().out.split())
    assert "seconds an access token stays valid" in out
    assert "seconds before a pending resource completes" in out
    assert "in KES" in out


def test_mask_hides_secrets() -> None:
    assert mask("k2-emulator-client-secret") == "k2-e…(25 chars)"
    assert "short" not in mask("short")


def test_emulator_command_serves_until_interrupted() -> None:
    env = {**os.environ, "K2_API_KEY": API_KEY}
    process = subprocess.Popen(
        [sys.executable, "-c", "from k2io.cli import main; raise SystemExit(main())", "emulator"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        base_url = first.rsplit(" ", 1)[-1].strip()
        lines = [process.stdout.readline() for _ in range(5)]
        import urllib.request

        with urllib.request.urlopen(base_url + "/emulator/state", timeout=5) as response:
            state = json.load(response)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    assert first.startswith("K2 emulator listening on http://127.0.0.1:")
    assert state["tokens_issued"] == 0
    assert API_KEY not in "".join(lines)
    assert "k2-emulator-client-secret" not in "".join(lines)
    assert process.returncode == 0
    assert "stopped" in out
    assert "Traceback" not in err
    assert "WARNING" not in err
    assert "ERROR" not in err
    assert API_KEY not in err
