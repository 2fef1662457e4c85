"""The `k2` command line: `demo`, `emulator`, `trigger`, `sign`, `verify` and `decode`.

`main(argv)` parses the arguments, runs one command and returns its exit status: 0 on
success, 1 when the command ran but its check failed (a signature that does not verify, a
receiver that responded with an error, a demo step that failed), 2 for bad input. Every error is one
line on standard error. Keys come from an option or from the environment variables
`K2_API_KEY`, `K2_CLIENT_ID`, `K2_CLIENT_SECRET` and `K2_BASE_URL`; secrets are never printed
in full. `trigger` sends only to loopback hosts.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from types import FrameType
from typing import IO, NoReturn

import msgspec

import k2core
from k2core import params
from k2io.emulator import DEFAULT_API_KEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator
from k2io.emulator.callbacks import post_signed
from k2io.emulator.events import EVENT_TYPES, EventValues, webhook_event
from k2io.emulator.payloads import EAT, encode

__all__ = ["main", "mask"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input: reported as one line on standard error with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, as every `k2` error is."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `k2` command with `argv` (default: `sys.argv[1:]`); return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.run
    try:
        return command(args)
    except UsageError as exc:
        print(f"k2 {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"k2 {args.command}: interrupted", file=sys.stderr)
        return 130


def mask(secret: str) -> str:
    """Show a secret's first four characters and hide the rest: `k2-e…(25 chars)`."""
    if len(secret) <= 8:
        return f"***({len(secret)} chars)"
    return f"{secret[:4]}…({len(secret)} chars)"


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="k2",
        description="Tools for the Kopo Kopo K2 Connect API: a local emulator, an end-to-end "
        "demo, and helpers to sign, verify, decode and send webhooks.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_demo(commands)
    _add_emulator(commands)
    _add_trigger(commands)
    _add_sign(commands)
    _add_verify(commands)
    _add_decode(commands)
    return parser


def _subparser(commands: argparse._SubParsersAction[_Parser], name: str, text: str) -> _Parser:
    return commands.add_parser(name, help=text, description=text)


def _add_api_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api-key",
        help="the API key that signs webhooks and callbacks (default: $K2_API_KEY)",
    )


def _add_body(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="file holding the exact body bytes; '-' or nothing reads standard input",
    )


def _add_demo(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = _subparser(
        commands,
        "demo",
        "Run every K2 flow end to end and print one line per step. Without --base-url it "
        "starts a local emulator and callback receiver, so nothing leaves this machine.",
    )
    parser.add_argument(
        "--base-url",
        help="K2 base URL to run against instead of the embedded emulator (default: "
        "$K2_BASE_URL, or the embedded emulator when unset)",
    )
    parser.add_argument("--client-id", help="OAuth client id (default: $K2_CLIENT_ID)")
    parser.add_argument("--client-secret", help="OAuth client secret (default: $K2_CLIENT_SECRET)")
    _add_api_key(parser)
    parser.add_argument(
        "--callback-url",
        help="public URL that forwards to the local callback receiver, needed only with a "
        "remote --base-url (default: the receiver's own http://127.0.0.1 URL)",
    )
    parser.add_argument(
        "--callback-port",
        type=_port,
        default=0,
        help="TCP port of the local callback receiver on 127.0.0.1 (default: 0, any free port)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        help="seconds to wait for each callback before the step fails (default: 10)",
    )
    parser.set_defaults(run=_run_demo)


def _add_emulator(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = _subparser(
        commands,
        "emulator",
        "Serve a local, stateful K2 API emulator on a loopback address until interrupted.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to listen on (default: 127.0.0.1)",
    )
    parser.add_argument(
        "--port", type=_port, default=0, help="TCP port to listen on (default: 0, any free port)"
    )
    parser.add_argument(
        "--client-id",
        help=f"client id to accept (default: $K2_CLIENT_ID, else {DEFAULT_CLIENT_ID})",
    )
    parser.add_argument(
        "--client-secret",
        help=f"client secret to accept (default: $K2_CLIENT_SECRET, else {DEFAULT_CLIENT_SECRET})",
    )
    parser.add_argument(
        "--api-key",
        help=f"API key that signs callbacks (default: $K2_API_KEY, else {DEFAULT_API_KEY})",
    )
    parser.add_argument(
        "--token-lifetime",
        type=_seconds,
        default=3600.0,
        help="seconds an access token stays valid (default: 3600)",
    )
    parser.add_argument(
        "--completion-delay",
        type=_seconds,
        default=2.0,
        help="seconds before a pending resource completes and its callback is sent (default: 2)",
    )
    parser.add_argument(
        "--initial-balance",
        type=_amount,
        default=Decimal("1000000"),
        help="merchant balance at start, in KES (default: 1000000)",
    )
    parser.set_defaults(run=_run_emulator)


def _add_trigger(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = _subparser(
        commands,
        "trigger",
        "Send a signed sample webhook event to your endpoint on this machine (loopback only).",
    )
    parser.add_argument(
        "event_type",
        choices=EVENT_TYPES,
        metavar="EVENT_TYPE",
        help="webhook topic to send, one of: " + ", ".join(EVENT_TYPES),
    )
    parser.add_argument("--url", required=True, help="URL of your webhook endpoint (loopback host)")
    _add_api_key(parser)
    parser.add_argument(
        "--daraja",
        action="store_true",
        help="send the Safaricom Daraja format (buygoods and b2b received events only)",
    )
    parser.add_argument(
        "--till-number", default="000123", help="till number in the event (default: 000123)"
    )
    parser.add_argument(
        "--amount", type=_amount, default=Decimal("1250"), help="amount in KES (default: 1250)"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        help="seconds to wait for the response of your endpoint (default: 10)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the body and signature instead of sending them",
    )
    parser.set_defaults(run=_run_trigger)


def _add_sign(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = _subparser(
        commands,
        "sign",
        "Print the X-KopoKopo-Signature of a body: hex HMAC-SHA256 keyed with the API key.",
    )
    _add_body(parser)
    _add_api_key(parser)
    parser.set_defaults(run=_run_sign)


def _add_verify(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = _subparser(
        commands,
        "verify",
        "Check a body's X-KopoKopo-Signature; exit 0 when it is valid, 1 when it is not.",
    )
    _add_body(parser)
    parser.add_argument("--signature", required=True, help="the X-KopoKopo-Signature value")
    _add_api_key(parser)
    parser.set_defaults(run=_run_verify)


def _add_decode(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = _subparser(
        commands,
        "decode",
        "Parse a webhook or result callback body and print it as JSON. With --signature the "
        "signature is verified first; without it the body is decoded unverified.",
    )
    _add_body(parser)
    parser.add_argument("--signature", help="the X-KopoKopo-Signature value to verify first")
    _add_api_key(parser)
    parser.set_defaults(run=_run_decode)


# Argument types


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number of seconds, 0 or more")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0 to 65535)")
    return int(text)


def _amount(text: str) -> Decimal:
    # The SDK's own amount check also rejects fractions of a cent, digit separators and
    # values too large to format, such as "1e400".
    problems: list[k2core.FieldError] = []
    value = params.amount(problems, "amount", text)
    if problems:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a valid amount in KES: it {problems[0].problem}"
        )
    return value


# Shared helpers


def _option_or_env(value: str | None, variable: str, option: str) -> str:
    chosen = value if value is not None else os.environ.get(variable)
    if not chosen:
        label = _OPTION_LABELS.get(option, option)
        raise UsageError(f"missing {label}: pass {option} or set {variable}")
    return chosen


_OPTION_LABELS = {
    "--api-key": "API key",
    "--client-id": "client id",
    "--client-secret": "client secret",
}


def _read_body(path: str, stdin: IO[bytes] | None = None) -> bytes:
    if path == "-":
        source = stdin if stdin is not None else sys.stdin.buffer
        if source.isatty():
            raise UsageError("no body: give a FILE or pipe the body on standard input")
        return source.read()
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _looks_like_result(body: bytes) -> bool:
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return False
    return isinstance(document, dict) and "data" in document and "topic" not in document


# Commands


def _run_sign(args: argparse.Namespace) -> int:
    api_key = _option_or_env(args.api_key, "K2_API_KEY", "--api-key")
    body = _read_body(args.file)
    print(k2core.sign(body, api_key))
    return EXIT_OK


def _run_verify(args: argparse.Namespace) -> int:
    api_key = _option_or_env(args.api_key, "K2_API_KEY", "--api-key")
    body = _read_body(args.file)
    try:
        k2core.verify_signature(body, args.signature, api_key)
    except k2core.SignatureError as exc:
        print(f"invalid: {exc}")
        return EXIT_FAILED
    print(f"valid: the signature matches the {len(body)}-byte body")
    return EXIT_OK


def _run_decode(args: argparse.Namespace) -> int:
    body = _read_body(args.file)
    result = _looks_like_result(body)
    try:
        if args.signature is None:
            event = (
                k2core.decode_result_unverified(body)
                if result
                else k2core.decode_webhook_unverified(body)
            )
            verdict = "not verified: no --signature given"
        else:
            api_key = _option_or_env(args.api_key, "K2_API_KEY", "--api-key")
            parse = k2core.parse_result if result else k2core.parse_webhook
            event = parse(body, args.signature, api_key)
            verdict = "signature verified"
    except k2core.SignatureError as exc:
        print(f"k2 decode: invalid signature: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except k2core.PayloadError as exc:
        raise UsageError(f"cannot decode the body: {exc}") from None

    # The label goes to standard error so that standard output is JSON alone (`| jq` works).
    print(f"{type(event).__name__} ({verdict})", file=sys.stderr)
    print(msgspec.json.format(msgspec.json.encode(event), indent=2).decode("utf-8"))
    return EXIT_OK


def _run_trigger(args: argparse.Namespace) -> int:
    api_key = _option_or_env(args.api_key, "K2_API_KEY", "--api-key")
    values = EventValues(
        base_url="http://127.0.0.1",
        now=datetime.now(EAT),
        reference=f"TRG{datetime.now(EAT):%H%M%S}0",
        amount=args.amount,
        till_number=args.till_number,
    )
    try:
        event = webhook_event(args.event_type, values, daraja=args.daraja)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    body = encode(event)
    if args.dry_run:
        print(f"X-KopoKopo-Signature: {k2core.sign(body, api_key)}")
        print(body.decode("utf-8"))
        return EXIT_OK

    delivery = post_signed(args.url, body, api_key, kind="webhook", timeout=args.timeout)
    if delivery.refused:
        raise UsageError(f"not sent: {delivery.error}; k2 trigger sends only to loopback hosts")
    if delivery.status is None:
        print(f"k2 trigger: sending failed: {delivery.error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"sent {args.event_type} ({len(body)} bytes) to {args.url}: HTTP {delivery.status}")
    return EXIT_OK if delivery.ok else EXIT_FAILED


def _run_emulator(args: argparse.Namespace) -> int:
    try:
        emulator = Emulator(
            host=args.host,
            port=args.port,
            client_id=args.client_id or os.environ.get("K2_CLIENT_ID") or DEFAULT_CLIENT_ID,
            client_secret=args.client_secret
            or os.environ.get("K2_CLIENT_SECRET")
            or DEFAULT_CLIENT_SECRET,
            api_key=args.api_key or os.environ.get("K2_API_KEY") or DEFAULT_API_KEY,
            token_lifetime=args.token_lifetime,
            completion_delay=args.completion_delay,
            initial_balance=args.initial_balance,
        )
        emulator.start()
    except (ValueError, OSError) as exc:
        raise UsageError(f"cannot start the emulator: {exc}") from None

    # A library logs through a NullHandler; this command owns its process, so it shows the
    # emulator's notices (refused callbacks, failed deliveries) on standard error.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    emulator_logger = logging.getLogger("k2io.emulator")
    emulator_logger.addHandler(handler)
    emulator_logger.setLevel(logging.INFO)

    stop = threading.Event()
    _on_termination(stop)
    try:
        print(f"K2 emulator listening on {emulator.base_url}", flush=True)
        print(f"  client id:     {emulator.client_id}")
        print(f"  client secret: {mask(emulator.client_secret)}")
        print(f"  API key:       {mask(emulator.api_key)}")
        print(f"  export K2_BASE_URL={emulator.base_url}")
        print("Press Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    print("K2 emulator stopped.")
    return EXIT_OK


def _on_termination(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handle)
        signal.signal(signal.SIGTERM, handle)


def _run_demo(args: argparse.Namespace) -> int:
    from k2io.demo import DemoSettings, run_demo

    base_url = args.base_url or os.environ.get("K2_BASE_URL")
    settings = DemoSettings(
        callback_url=args.callback_url,
        callback_port=args.callback_port,
        timeout=args.timeout,
    )
    if base_url:
        settings.base_url = base_url
        settings.client_id = _option_or_env(args.client_id, "K2_CLIENT_ID", "--client-id")
        settings.client_secret = _option_or_env(
            args.client_secret, "K2_CLIENT_SECRET", "--client-secret"
        )
        settings.api_key = _option_or_env(args.api_key, "K2_API_KEY", "--api-key")
    try:
        return run_demo(settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
