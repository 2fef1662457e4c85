"""Resources the emulator stores, the merchant's balance, and the states resources move through.

`Store` keeps every created resource by kind, thread-safely. A resource starts in its initial
status (`Pending`, `Scheduled`, or `Active` for subscriptions) and `complete` moves it to its
final status, deciding the outcome from deterministic test values:

- A phone number ending in `711000001` (`FAILING_PHONE`, in any accepted format) makes an STK
  push fail and a send-money disbursement to that wallet fail.
- A phone number ending in `711000002` (`PENDING_PHONE`) makes an STK push or a send money
  stay pending forever: it never completes and no callback is sent.
- A send money whose total exceeds the balance fails with `Insufficient balance`. The balance
  starts at `initial_balance`, grows with each successful STK push and paid payment link, and
  shrinks with each send money and reversal. A sweep moves the whole balance to the first own
  account (merchant wallet or bank account) created.
- A reversal succeeds only for the reference of a payment received by this emulator (a
  successful STK push or a paid payment link) that was not reversed yet.
- Payment links stay active until cancelled or paid through `Store.pay_link`.

Nothing here performs I/O or reads the clock: callers pass the current time.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from k2io.emulator.validation import parse_timestamp

__all__ = [
    "FAILING_PHONE",
    "KINDS",
    "PENDING_PHONE",
    "Resource",
    "Store",
]

JsonObject = dict[str, Any]
T = TypeVar("T")

FAILING_PHONE = "+254711000001"
PENDING_PHONE = "+254711000002"

# Resource kind (the path segment after /api/v2/) -> `data.type` in status and result bodies.
KINDS: dict[str, str] = {
    "webhook_subscriptions": "webhook_subscription",
    "incoming_payments": "incoming_payment",
    "external_recipients": "external_recipient",
    "merchant_wallets": "merchant_wallet",
    "merchant_bank_accounts": "merchant_bank_account",
    "send_money": "send_money",
    "polling": "polling",
    "reversals": "reversal",
    "payment_links": "payment_link",
}

# Kinds whose completion POSTs a result to the request's callback URL.
CALLBACK_KINDS = frozenset({"incoming_payments", "send_money", "polling", "reversals"})

_INITIAL_STATUS = {
    "webhook_subscriptions": "Active",
    "incoming_payments": "Pending",
    "external_recipients": "Pending",
    "merchant_wallets": "Pending",
    "merchant_bank_accounts": "Pending",
    "send_money": "Scheduled",
    "polling": "Pending",
    "reversals": "Scheduled",
    "payment_links": "Processed",
}

_OWN_ACCOUNT_KINDS = ("merchant_wallets", "merchant_bank_accounts")


@dataclass
class Resource:
    """One created resource: its request as received and the state it has reached.

    `details` holds the values decided when the resource completes (transaction references,
    transfer batches, the polled transactions); `error` is the failure message, if any.
    """

    kind: str
    id: str
    url: str
    created_at: datetime
    request: JsonObject
    status: str
    callback_url: str | None
    error: str | None = None
    details: JsonObject = field(default_factory=dict)
    completed_at: datetime | None = None

    @property
    def type(self) -> str:
        """The `data.type` of this resource's status and result bodies."""
        return KINDS[self.kind]


@dataclass
class Transaction:
    """A payment the emulated till received, which polling returns and a reversal can undo."""

    id: str
    reference: str
    amount: Decimal
    till_number: str
    phone_number: str
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    origination_time: datetime
    reversed: bool = False


class Store:
    """Every resource, transaction and the balance, guarded by one lock."""

    def __init__(self, *, initial_balance: Decimal) -> None:
        self._lock = threading.RLock()
        self._resources: dict[str, dict[str, Resource]] = {kind: {} for kind in KINDS}
        self._transactions: list[Transaction] = []
        self._code_counter = 0
        self.balance = initial_balance

    def create(self, kind: str, request: JsonObject, base_url: str, now: datetime) -> Resource:
        """Store a new resource of `kind` from its validated request body and return it."""
        resource_id = str(uuid.uuid4())
        links = request.get("_links")
        callback_url = links.get("callback_url") if isinstance(links, dict) else None
        resource = Resource(
            kind=kind,
            id=resource_id,
            url=f"{base_url}/api/v2/{kind}/{resource_id}",
            created_at=now,
            request=request,
            status=_INITIAL_STATUS[kind],
            callback_url=callback_url,
        )
        if kind in _OWN_ACCOUNT_KINDS or kind == "external_recipients":
            resource.details["reference"] = str(uuid.uuid4())
        with self._lock:
            self._resources[kind][resource_id] = resource
        return resource

    def get(self, kind: str, resource_id: str) -> Resource | None:
        """Return the resource of `kind` with `resource_id`, or None."""
        with self._lock:
            return self._resources[kind].get(resource_id)

    def count(self, kind: str) -> int:
        """Return how many resources of `kind` were created."""
        with self._lock:
            return len(self._resources[kind])

    def resources(self, kind: str) -> list[Resource]:
        """Return the resources of `kind` in creation order."""
        with self._lock:
            return list(self._resources[kind].values())

    def read(self, resource: Resource, build: Callable[[Resource], T]) -> T:
        """Call `build(resource)` under the store's lock, so it reads one consistent state."""
        with self._lock:
            return build(resource)

    def transactions(self) -> list[Transaction]:
        """Return the payments received so far, oldest first."""
        with self._lock:
            return list(self._transactions)

    def completes(self, resource: Resource) -> bool:
        """Return whether `resource` ever leaves its initial status on its own."""
        if resource.kind in ("webhook_subscriptions", "payment_links"):
            return False
        return _PENDING_DIGITS not in _phone_digits_of(resource)

    def complete(self, resource: Resource, now: datetime) -> bool:
        """Move `resource` to its final status; return whether a result callback is due.

        Raises ValueError for kinds that never complete on their own (webhook subscriptions,
        payment links).
        """
        if resource.kind not in _COMPLETERS:
            raise ValueError(f"{resource.kind} do not complete on their own")
        with self._lock:
            if resource.completed_at is not None:
                return False
            resource.completed_at = now
            _COMPLETERS[resource.kind](self, resource, now)
        return resource.kind in CALLBACK_KINDS

    def cancel_link(self, resource: Resource) -> str | None:
        """Cancel an active payment link; return why it cannot be cancelled, or None."""
        with self._lock:
            state = resource.details.get("link_status", "active")
            if state != "active":
                return f"Payment link is already {state}"
            resource.details["link_status"] = "cancelled"
            return None

    def pay_link(self, resource: Resource, phone_number: str, now: datetime) -> str | None:
        """Record a customer's payment of an active link; return why it cannot be paid, or None."""
        with self._lock:
            state = resource.details.get("link_status", "active")
            if state != "active":
                return f"Payment link is {state}"
            transaction = self._receive(
                amount=resource.request["amount"],
                till_number=resource.request["till_number"],
                phone_number=phone_number,
                names=(None, None, None),
                now=now,
            )
            resource.details.update(
                link_status="paid",
                transaction_reference=transaction.reference,
                sender_phone_number=phone_number,
                paid_at=now,
            )
            resource.completed_at = now
            return None

    def next_code(self, prefix: str = "EMU") -> str:
        """Return a new M-PESA-style transaction code: 10 upper-case letters and digits."""
        with self._lock:
            self._code_counter += 1
            return f"{prefix}{self._code_counter:07d}"

    def own_account(self, reference: str) -> Resource | None:
        """Return the merchant wallet or bank account whose account reference is `reference`."""
        with self._lock:
            for kind in _OWN_ACCOUNT_KINDS:
                for resource in self._resources[kind].values():
                    if resource.details["reference"] == reference:
                        return resource
        return None

    def first_own_account(self) -> Resource | None:
        """Return the first own account created, which receives sweeps."""
        with self._lock:
            accounts = [r for kind in _OWN_ACCOUNT_KINDS for r in self._resources[kind].values()]
        return min(accounts, key=lambda account: account.created_at, default=None)

    def _receive(
        self,
        *,
        amount: Decimal,
        till_number: str,
        phone_number: str,
        names: tuple[str | None, str | None, str | None],
        now: datetime,
    ) -> Transaction:
        transaction = Transaction(
            id=str(uuid.uuid4()),
            reference=self.next_code(),
            amount=amount,
            till_number=till_number,
            phone_number=phone_number,
            first_name=names[0],
            middle_name=names[1],
            last_name=names[2],
            origination_time=now,
        )
        self._transactions.append(transaction)
        self.balance += amount
        return transaction


def phone_digits(phone_number: str) -> str:
    """Return the last nine digits of a Kenyan number, which identify it in any accepted format."""
    digits = "".join(char for char in phone_number if char.isdigit())
    return digits[-9:]


_FAILING_DIGITS = phone_digits(FAILING_PHONE)
_PENDING_DIGITS = phone_digits(PENDING_PHONE)


def _phone_digits_of(resource: Resource) -> set[str]:
    request = resource.request
    phones: list[str] = []
    subscriber = request.get("subscriber")
    if isinstance(subscriber, dict):
        phones.append(subscriber["phone_number"])
    for destination in request.get("destinations") or []:
        if "phone_number" in destination:
            phones.append(destination["phone_number"])
    return {phone_digits(phone) for phone in phones}


def _complete_incoming_payment(store: Store, resource: Resource, now: datetime) -> None:
    subscriber = resource.request["subscriber"]
    if phone_digits(subscriber["phone_number"]) == _FAILING_DIGITS:
        resource.status = "Failed"
        resource.error = "The subscriber cancelled the payment request."
        return

    transaction = store._receive(
        amount=resource.request["amount"]["value"],
        till_number=resource.request["till_number"],
        phone_number=subscriber["phone_number"],
        names=(
            subscriber.get("first_name"),
            subscriber.get("middle_name"),
            subscriber.get("last_name"),
        ),
        now=now,
    )
    resource.status = "Success"
    resource.details["transaction"] = transaction


def _complete_send_money(store: Store, resource: Resource, now: datetime) -> None:
    destinations = resource.request.get("destinations") or []
    if not destinations:
        _complete_sweep(store, resource, now)
        return

    total = sum((destination["amount"] for destination in destinations), Decimal(0))
    if total > store.balance:
        _fail_send_money(resource, "Insufficient balance")
        return

    batches = [_disburse(store, destination, now) for destination in destinations]
    resource.details["batches"] = batches
    failures = [batch["error"] for batch in batches if batch["error"] is not None]
    resource.status = "Failed" if failures else "Processed"
    resource.error = failures[0] if failures else None


def _disburse(store: Store, destination: JsonObject, now: datetime) -> JsonObject:
    error = None
    destination_reference = destination.get("reference")
    if destination["type"] in ("merchant_wallet", "merchant_bank_account"):
        account = store.own_account(str(destination_reference))
        if account is None or account.type != destination["type"]:
            error = f"No {destination['type']} has the reference given in the destination"
    elif phone_digits(str(destination.get("phone_number", ""))) == _FAILING_DIGITS:
        error = "The recipient's mobile wallet cannot receive payments"

    if error is None:
        store.balance -= destination["amount"]
    return {
        "destination": destination,
        "amount": destination["amount"],
        "error": error,
        "destination_reference": destination_reference or str(uuid.uuid4()),
        "transaction_reference": None if error else store.next_code(),
        "time": now,
    }


def _complete_sweep(store: Store, resource: Resource, now: datetime) -> None:
    account = store.first_own_account()
    if account is None:
        _fail_send_money(resource, "No own account is set up to receive the sweep")
        return
    if store.balance <= 0:
        _fail_send_money(resource, "No funds are available to sweep")
        return

    amount = store.balance
    store.balance = Decimal(0)
    destination = {"type": account.type, "reference": account.details["reference"]}
    resource.details["batches"] = [
        {
            "destination": destination,
            "amount": amount,
            "error": None,
            "destination_reference": account.details["reference"],
            "transaction_reference": store.next_code(),
            "time": now,
        }
    ]
    resource.status = "Processed"


def _fail_send_money(resource: Resource, message: str) -> None:
    resource.status = "Failed"
    resource.error = message
    resource.details["batches"] = []


def _complete_reversal(store: Store, resource: Resource, now: datetime) -> None:
    reference = resource.request["transaction_reference"]
    transaction = next((t for t in store._transactions if t.reference == reference), None)
    if transaction is None:
        resource.status = "Failed"
        resource.error = "No transaction with this reference was received"
        return
    if transaction.reversed:
        resource.status = "Failed"
        resource.error = "The transaction has already been reversed"
        return

    transaction.reversed = True
    store.balance -= transaction.amount
    resource.status = "Processed"
    resource.details.update(
        amount=transaction.amount,
        reversal_reference=store.next_code("REV"),
        time=now,
    )


def _complete_polling(store: Store, resource: Resource, now: datetime) -> None:
    request = resource.request
    start, end = parse_timestamp(request["from_time"]), parse_timestamp(request["to_time"])
    if start is None or end is None:
        raise ValueError("polling times were validated when the request was accepted")
    till = request.get("scope_reference") if request["scope"] == "till" else None
    resource.details["transactions"] = [
        transaction
        for transaction in store._transactions
        if start <= transaction.origination_time <= end
        and (till is None or transaction.till_number == till)
    ]
    resource.status = "Success"


def _complete_account(store: Store, resource: Resource, now: datetime) -> None:
    resource.status = "Approved"


def _complete_recipient(store: Store, resource: Resource, now: datetime) -> None:
    resource.status = "Active"


_COMPLETERS = {
    "incoming_payments": _complete_incoming_payment,
    "send_money": _complete_send_money,
    "reversals": _complete_reversal,
    "polling": _complete_polling,
    "merchant_wallets": _complete_account,
    "merchant_bank_accounts": _complete_account,
    "external_recipients": _complete_recipient,
}
