"""`k2 demo`: every K2 flow end to end, one printed line per step.

`run_demo(settings)` starts an embedded emulator (unless `settings.base_url` names another K2
environment) and a callback receiver on 127.0.0.1. It then runs these flows through
`k2io.Client`:

- a token and webhook subscriptions for every topic;
- an STK push that succeeds and one that fails, waiting for each signed callback, then
  verifying and parsing it, and status queries of both;
- an external recipient and a transfer account;
- send money to an external recipient and to an own account, polling, a reversal, a sweep;
- a payment link created and cancelled;
- one triggered event of every webhook topic.

It returns 0 when every step passed and 1 at the first failure, after printing the reason.
Secrets are masked and phone numbers shortened in the output. Webhook events can be
triggered only on the embedded emulator, so against another environment those steps are
skipped.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import urlsplit

import k2core
from k2core.config import is_loopback_host
from k2core.http import Headers
from k2io.client import Client
from k2io.emulator import FAILING_PHONE, Emulator
from k2io.emulator.events import EVENT_TYPES
from k2io.emulator.payloads import EAT
from k2io.emulator.validation import DARAJA_EVENTS, EVENT_SCOPES

__all__ = ["CallbackReceiver", "DemoSettings", "StepFailedError", "run_demo"]

TILL_NUMBER = "K000123"
WEBHOOK_TILL = "000123"
_SKIPPED = "skipped"


@dataclass
class DemoSettings:
    """Settings of one demo run. Without `base_url` the demo starts its own emulator.

    `timeout` is the number of seconds to wait for each callback. `completion_delay` is the
    embedded emulator's delay in seconds before a resource completes.
    """

    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    callback_url: str | None = None
    callback_port: int = 0
    timeout: float = 10.0
    completion_delay: float = 0.05
    out: TextIO = field(default_factory=lambda: sys.stdout)


class StepFailedError(Exception):
    """A demo step did not produce the expected result. The message names the difference."""


class CallbackReceiver:
    """A loopback HTTP server that records every POST it receives, by path."""

    def __init__(self, port: int = 0) -> None:
        self._received: dict[str, list[tuple[Headers, bytes]]] = {}
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver._record(self.path, Headers(list(self.headers.items())), body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                """Keep the receiver quiet; the demo prints its own lines."""

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> CallbackReceiver:
        """Start serving in a background thread; return self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def _record(self, path: str, headers: Headers, body: bytes) -> None:
        with self._changed:
            self._received.setdefault(path, []).append((headers, body))
            self._changed.notify_all()

    def wait(self, path: str, count: int, timeout: float) -> list[tuple[Headers, bytes]]:
        """Return the first `count` POSTs to `path`; raise StepFailedError after `timeout` s."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len(self._received.get(path, ())) >= count, timeout
            )
            received = list(self._received.get(path, ()))
        if not arrived:
            raise StepFailedError(
                f"{len(received)} of {count} callbacks arrived at {path} within {timeout:g} s"
            )
        return received[:count]


def mask(secret: str) -> str:
    """Show a secret's first four characters only."""
    return f"{secret[:4]}…" if len(secret) > 8 else "***"


def short_phone(phone: str) -> str:
    """Hide the middle digits of a phone number: `+254722***111`."""
    return f"{phone[:-6]}***{phone[-3:]}" if len(phone) > 9 else "***"


def run_demo(settings: DemoSettings) -> int:
    """Run every step and print one line each; return 0 on success and 1 on the first failure."""
    emulator = None
    if settings.base_url is None:
        emulator = Emulator(completion_delay=settings.completion_delay).start()
        settings.base_url = emulator.base_url
        settings.client_id = emulator.client_id
        settings.client_secret = emulator.client_secret
        settings.api_key = emulator.api_key
    try:
        client, receiver = _connect(settings)
    except BaseException:
        if emulator is not None:
            emulator.stop()
        raise

    try:
        return _Demo(settings, client, receiver, emulator).run()
    finally:
        client.close()
        receiver.stop()
        if emulator is not None:
            emulator.stop()


def _connect(settings: DemoSettings) -> tuple[Client, CallbackReceiver]:
    # Every problem with the settings is a ValueError, which the command line reports in one
    # line as bad input.
    if not (settings.client_id and settings.client_secret and settings.api_key):
        raise ValueError("client_id, client_secret and api_key are required with a base URL")
    try:
        base = k2core.base_url(settings.base_url or "")
    except k2core.UnsafeUrlError as exc:
        raise ValueError(str(exc)) from None
    if not is_loopback_host(urlsplit(base.url).hostname) and settings.callback_url is None:
        raise ValueError(
            "a remote base URL cannot reach the local callback receiver; pass --callback-url "
            "with a public URL that forwards to it"
        )

    client = Client(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        api_key=settings.api_key,
        base_url=base,
        timeout=10.0,
    )
    try:
        receiver = CallbackReceiver(settings.callback_port).start()
    except OSError as exc:
        client.close()
        raise ValueError(
            f"cannot start the callback receiver on 127.0.0.1 port {settings.callback_port}: "
            f"{exc.strerror or exc}"
        ) from None
    return client, receiver


class _Demo:
    """The steps of the demo and the values they pass to each other."""

    def __init__(
        self,
        settings: DemoSettings,
        client: Client,
        receiver: CallbackReceiver,
        emulator: Emulator | None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.receiver = receiver
        self.emulator = emulator
        self.callback_base = (settings.callback_url or receiver.base_url).rstrip("/")
        self.out = settings.out
        self.started = datetime.now(EAT)
        self.values: dict[str, Any] = {}

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        steps: list[tuple[str, Callable[[], str]]] = [
            ("access token", self.token),
            ("webhook subscriptions", self.subscriptions),
            ("STK push that succeeds", self.stk_success),
            ("STK push that fails", self.stk_failure),
            ("payment status queries", self.status_queries),
            ("external recipient", self.external_recipient),
            ("transfer account", self.transfer_account),
            ("send money to an external recipient", self.send_external),
            ("send money to an own account", self.send_own),
            ("polling", self.poll),
            ("reversal", self.reversal),
            ("sweep to own accounts", self.sweep),
            ("payment link created and cancelled", self.payment_link),
        ]
        for event_type in EVENT_TYPES:
            steps.append((f"webhook {event_type}", _bind(self.webhook, event_type)))
        return steps

    def run(self) -> int:
        target = "the embedded emulator" if self.emulator else "the K2 API"
        self.out.write(f"k2 demo: {target} at {self.settings.base_url}, ")
        self.out.write(f"callbacks to {self.callback_base}\n")
        steps = self.steps()
        began = time.monotonic()
        skipped = 0

        for number, (title, step) in enumerate(steps, start=1):
            self.out.write(f"[{number:2}/{len(steps)}] {title} ... ")
            self.out.flush()
            try:
                detail = step()
            except (StepFailedError, k2core.K2Error, OSError) as exc:
                reason = f"{type(exc).__name__}: {exc}".replace("\n", " ")
                self.out.write(f"FAILED: {reason}\n")
                self.out.flush()
                print(f"k2 demo: step {number} ({title}) failed: {reason}", file=sys.stderr)
                return 1
            if detail.startswith(_SKIPPED):
                skipped += 1
                self.out.write(f"{detail}\n")
            else:
                self.out.write(f"ok: {detail}\n")
            self.out.flush()

        elapsed = time.monotonic() - began
        self.out.write(f"k2 demo: {_summary(len(steps), skipped)} in {elapsed:.1f} s\n")
        return 0

    # Helpers

    def callback(self, name: str) -> str:
        return f"{self.callback_base}/results/{name}"

    def result(self, name: str) -> Any:
        """Wait for the signed result POSTed for `name`; verify and parse it."""
        path = f"/results/{name}"
        ((headers, body),) = self.receiver.wait(path, 1, self.settings.timeout)
        return self.client.parse_result(body, headers)

    # Steps

    def token(self) -> str:
        token = self.client.tokens.request()
        return (
            f"{token.token_type} token {mask(token.access_token)}, expires in {token.expires_in} s"
        )

    def subscriptions(self) -> str:
        created = 0
        for event_type, scope in EVENT_SCOPES.items():
            formats = [False, True] if event_type in DARAJA_EVENTS else [False]
            for daraja in formats:
                suffix = "/daraja" if daraja else ""
                url = self.client.webhook_subscriptions.create(
                    event_type=event_type,
                    url=f"{self.callback_base}/webhooks/{event_type}{suffix}",
                    scope=scope,
                    scope_reference=WEBHOOK_TILL if scope == "till" else None,
                    enable_daraja_payload=daraja,
                )
                created += 1
                self.values.setdefault("subscription_url", url)
        status = self.client.webhook_subscriptions.get(self.values["subscription_url"])
        attributes = status.data.attributes
        return (
            f"{created} created for {len(EVENT_SCOPES)} event types "
            f"({created - len(EVENT_SCOPES)} in Daraja format); "
            f"{attributes.event_type} is {attributes.status}"
        )

    def stk_push(self, name: str, phone: str, amount: Decimal) -> Any:
        url = self.client.incoming_payments.create(
            till_number=TILL_NUMBER,
            first_name="Amani",
            last_name="Wanjiru",
            phone_number=phone,
            amount=amount,
            callback_url=self.callback(name),
            metadata={"order": f"demo-{name}"},
        )
        self.values[f"{name}_url"] = url
        return self.result(name)

    def stk_success(self) -> str:
        phone = "+254722000111"
        result = self.stk_push("stk-success", phone, Decimal("1500"))
        attributes = result.data.attributes
        _expect(attributes.status, "Success", "STK push status")
        payment = attributes.event.resource
        self.values["payment_reference"] = payment.reference
        return (
            f"{attributes.status}: KES {payment.amount} from {short_phone(phone)}, "
            f"M-PESA reference {payment.reference} (signed callback verified)"
        )

    def stk_failure(self) -> str:
        result = self.stk_push("stk-failure", FAILING_PHONE, Decimal("250"))
        attributes = result.data.attributes
        if self.emulator is not None:
            _expect(attributes.status, "Failed", "STK push status")
        return f"{attributes.status}: {attributes.event.errors} (signed callback verified)"

    def status_queries(self) -> str:
        first = self.client.incoming_payments.get(self.values["stk-success_url"])
        second = self.client.incoming_payments.get(self.values["stk-failure_url"])
        _expect(first.data.attributes.status, "Success", "first payment's queried status")
        return (
            f"first payment {first.data.attributes.status}, "
            f"second payment {second.data.attributes.status}"
        )

    def external_recipient(self) -> str:
        url = self.client.external_recipients.create(
            type="mobile_wallet",
            first_name="Baraka",
            last_name="Otieno",
            phone_number="+254733000444",
            network="Safaricom",
            nickname="Baraka",
        )
        status = self.client.external_recipients.get(url)
        attributes = status.data.attributes
        return (
            f"{attributes.recipient_type} recipient {attributes.nickname}, "
            f"status {attributes.status}, reference {attributes.recipient_reference}"
        )

    def transfer_account(self) -> str:
        url = self.client.transfer_accounts.create(
            type="merchant_bank_account",
            account_name="Demo Traders Ltd",
            account_number="0123456789",
            bank_branch_ref="5a6b7c8d-1111-4222-8333-944455556666",
            settlement_method="EFT",
            nickname="Main account",
        )
        status = self.client.transfer_accounts.get(url)
        attributes = status.data.attributes
        self.values["account_reference"] = attributes.account_reference
        return (
            f"{status.data.type} {attributes.nickname}, status {attributes.status}, "
            f"account reference {attributes.account_reference}"
        )

    def send(self, name: str, destinations: list[dict[str, Any]] | None) -> str:
        self.client.send_money.create(
            destinations=destinations,
            callback_url=self.callback(name),
            metadata={"purpose": name},
        )
        attributes = self.result(name).data.attributes
        _expect(attributes.status, "Processed", "send money status")
        batches = attributes.transfer_batches or []
        if not batches:
            raise StepFailedError("the result has no transfer batches")
        parts = []
        for batch in batches:
            for disbursement in batch.disbursements:
                parts.append(
                    f"KES {disbursement.amount} to {disbursement.destination_type} "
                    f"({disbursement.status}, reference {disbursement.transaction_reference})"
                )
        return f"{attributes.status}: " + "; ".join(parts)

    def send_external(self) -> str:
        destination = {
            "type": "mobile_wallet",
            "phone_number": "+254733000444",
            "amount": Decimal("700"),
            "description": "Demo payout",
        }
        return self.send("send-external", [destination])

    def send_own(self) -> str:
        destination = {
            "type": "merchant_bank_account",
            "reference": self.values["account_reference"],
            "amount": Decimal("300"),
        }
        return self.send("send-own", [destination])

    def sweep(self) -> str:
        return self.send("sweep", None)

    def poll(self) -> str:
        self.client.polling.create(
            scope="till",
            scope_reference=TILL_NUMBER,
            from_time=self.started - timedelta(minutes=5),
            to_time=datetime.now(EAT),
            callback_url=self.callback("polling"),
        )
        attributes = self.result("polling").data.attributes
        _expect(attributes.status, "Success", "polling status")
        references = [transaction.resource.reference for transaction in attributes.transactions]
        if self.emulator is not None and self.values["payment_reference"] not in references:
            raise StepFailedError("the polled transactions miss the successful STK push")
        return (
            f"{attributes.status}: {len(references)} transaction(s) on till {TILL_NUMBER}: "
            f"{', '.join(references) or 'none'}"
        )

    def reversal(self) -> str:
        self.client.reversals.create(
            transaction_reference=self.values["payment_reference"],
            reason="Demo refund",
            callback_url=self.callback("reversal"),
        )
        attributes = self.result("reversal").data.attributes
        _expect(attributes.status, "Processed", "reversal status")
        payment = attributes.reversal_bulk_payment
        amount = payment.amount if payment is not None else "?"
        reference = payment.transaction_reference if payment is not None else "?"
        return (
            f"{attributes.status}: KES {amount} of {attributes.transaction_reference} "
            f"returned, reversal reference {reference}"
        )

    def payment_link(self) -> str:
        url = self.client.payment_links.create(
            till_number=TILL_NUMBER,
            amount=Decimal("2500"),
            payment_reference="INV-DEMO-1",
            note="Demo invoice",
            callback_url=self.callback("payment-link"),
        )
        before = self.client.payment_links.get(url).data.attributes.payment_link
        message = self.client.payment_links.cancel(url)
        after = self.client.payment_links.get(url).data.attributes.payment_link
        if self.emulator is not None:
            _expect(after.payment_link_status, "cancelled", "payment link status after cancel")
        return (
            f"KES 2500 link {before.link} was {before.payment_link_status}, "
            f"now {after.payment_link_status} ({message!r})"
        )

    def webhook(self, event_type: str) -> str:
        if self.emulator is None:
            return f"{_SKIPPED}: events can be triggered only on the embedded emulator"
        deliveries = self.emulator.trigger(event_type)
        failed = [delivery for delivery in deliveries if not delivery.ok]
        if not deliveries or failed:
            raise StepFailedError(f"{len(failed)} of {len(deliveries)} deliveries failed")

        paths = [f"/webhooks/{event_type}"]
        if event_type in DARAJA_EVENTS:
            paths.append(f"/webhooks/{event_type}/daraja")
        parsed = []
        for path in paths:
            ((headers, body),) = self.receiver.wait(path, 1, self.settings.timeout)
            parsed.append(_describe_event(self.client.parse_webhook(body, headers)))
        return "verified and parsed " + "; ".join(parsed)


def _bind(method: Callable[[str], str], argument: str) -> Callable[[], str]:
    return lambda: method(argument)


def _expect(actual: object, expected: str, what: str) -> None:
    if actual != expected:
        raise StepFailedError(f"{what} is {actual!r}, expected {expected!r}")


def _describe_event(event: Any) -> str:
    name = type(event).__name__
    if hasattr(event, "trans_amount"):
        return f"{name} KES {event.trans_amount}, reference {event.trans_id}"

    resource = getattr(getattr(event, "event", None), "resource", None)
    amount = getattr(resource, "amount", None)
    reference = getattr(resource, "reference", None)
    if amount is not None and reference is not None:
        return f"{name} KES {amount}, reference {reference}"
    if amount is not None:
        return f"{name} KES {amount}"
    first_name = getattr(resource, "first_name", None)
    return f"{name} for {first_name}" if first_name else name


def _summary(total: int, skipped: int) -> str:
    if not skipped:
        return f"all {total} steps passed"
    return f"{total - skipped} of {total} steps passed, {skipped} skipped"
