"""Server-side checks of request bodies, written from the K2 API's documentation.

`validate(kind, body)` returns every problem found in a decoded create body. Each problem
names the field by its dotted path and what the API accepts. An empty list means the body is
valid.

These checks are the emulator's own and deliberately share no code with the SDK's parameter
validation, so a bug in one is caught by the other. They are stricter than the API in one way:
unknown fields are rejected, which catches misspelled field names.

Rules applied to every endpoint:

- `currency` is `KES`.
- Amounts are positive JSON numbers (not strings, not booleans) with at most two decimal
  places.
- `metadata`, when present, is a flat object of at most 5 keys.
- `_links.callback_url` is an absolute http or https URL.
- Phone numbers take the form each endpoint documents: `+254XXXXXXXXX` for STK push
  subscribers, `254XXXXXXXXX` for send-money wallets and merchant wallets, and any of
  `+254…`, `254…` or `07…`/`01…` for external recipients.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

__all__ = ["EVENT_SCOPES", "parse_timestamp", "validate"]

EVENT_SCOPES = {
    "buygoods_transaction_received": "till",
    "buygoods_transaction_reversed": "till",
    "b2b_transaction_received": "till",
    "b2b_transaction_reversed": "till",
    "card_transaction_received": "till",
    "card_transaction_voided": "till",
    "card_transaction_reversed": "till",
    "customer_created": "company",
    "settlement_transfer_completed": "company",
}
DARAJA_EVENTS = frozenset({"buygoods_transaction_received", "b2b_transaction_received"})

_STK_PHONE = re.compile(r"\+254[17]\d{8}")
_WALLET_PHONE = re.compile(r"254[17]\d{8}")
_RECIPIENT_PHONE = re.compile(r"(\+?254[17]\d{8}|0[17]\d{8})")
_MAX_METADATA_KEYS = 5


class _Checker:
    """Collects problems while walking one body."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, problem: str) -> None:
        self.problems.append(f"{path} {problem}")

    def object(self, value: object, path: str, allowed: Collection[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(path, "must be a JSON object")
            return {}
        for key in value:
            if key not in allowed:
                self.add(_join(path, key), "is not a known field")
        return value

    def string(self, obj: dict[str, Any], key: str, path: str, *, required: bool = True) -> None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(_join(path, key), "is required")
            return
        if not isinstance(value, str) or not value.strip():
            self.add(_join(path, key), "must be a non-empty string")

    def choice(self, obj: dict[str, Any], key: str, path: str, choices: Collection[str]) -> None:
        value = obj.get(key)
        if value not in choices:
            expected = ", ".join(sorted(choices))
            self.add(_join(path, key), f"must be one of: {expected}")

    def phone(self, obj: dict[str, Any], key: str, path: str, pattern: re.Pattern[str]) -> None:
        value = obj.get(key)
        if value is None:
            self.add(_join(path, key), "is required")
        elif not isinstance(value, str) or pattern.fullmatch(value) is None:
            self.add(_join(path, key), f"is not a valid number; expected {_PHONE_FORMS[pattern]}")

    def amount(self, obj: dict[str, Any], key: str, path: str) -> None:
        value = obj.get(key)
        field = _join(path, key)
        if value is None:
            self.add(field, "is required")
        elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.add(field, "must be a JSON number")
        elif value <= 0:
            self.add(field, "must be greater than zero")
        elif isinstance(value, Decimal) and value != value.quantize(Decimal("0.01")):
            self.add(field, "must have at most two decimal places")

    def boolean(self, obj: dict[str, Any], key: str, path: str) -> None:
        if key in obj and not isinstance(obj[key], bool):
            self.add(_join(path, key), "must be true or false")

    def currency(self, obj: dict[str, Any], key: str, path: str) -> None:
        if obj.get(key) != "KES":
            self.add(_join(path, key), "must be KES")

    def metadata(self, obj: dict[str, Any]) -> None:
        value = obj.get("metadata")
        if value is None:
            return
        if not isinstance(value, dict):
            self.add("metadata", "must be a JSON object")
            return
        if len(value) > _MAX_METADATA_KEYS:
            self.add("metadata", f"has {len(value)} keys; at most {_MAX_METADATA_KEYS} are allowed")
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                self.add(f"metadata.{key}", "must be a string, number, boolean or null")

    def callback(self, obj: dict[str, Any]) -> None:
        links = self.object(obj.get("_links"), "_links", {"callback_url"})
        url = links.get("callback_url")
        if url is None:
            if "_links" in obj:
                self.add("_links.callback_url", "is required")
            return
        if not _is_http_url(url):
            self.add("_links.callback_url", "must be an absolute http or https URL")

    def timestamp(self, obj: dict[str, Any], key: str) -> datetime | None:
        value = obj.get(key)
        if value is None:
            self.add(key, "is required")
            return None
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is None:
            self.add(key, "must be an ISO-8601 time with a UTC offset")
        return moment


_PHONE_FORMS = {
    _STK_PHONE: "+254 followed by 9 digits",
    _WALLET_PHONE: "254 followed by 9 digits, without +",
    _RECIPIENT_PHONE: "+254XXXXXXXXX, 254XXXXXXXXX or 0XXXXXXXXX",
}


def validate(kind: str, body: object) -> list[str]:
    """Return every problem in the create body of `kind`; empty when the body is valid."""
    checker = _Checker()
    _VALIDATORS[kind](checker, body)
    return checker.problems


def parse_timestamp(text: str) -> datetime | None:
    """Parse an ISO-8601 time that carries a UTC offset (or `Z`); None if it is not one."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _webhook_subscription(check: _Checker, body: object) -> None:
    allowed = {"event_type", "url", "scope", "scope_reference", "enable_daraja_payload"}
    obj = check.object(body, "", allowed)
    check.choice(obj, "event_type", "", EVENT_SCOPES)
    if not _is_http_url(obj.get("url")):
        check.add("url", "must be an absolute http or https URL")
    check.choice(obj, "scope", "", ("till", "company"))
    check.boolean(obj, "enable_daraja_payload", "")

    event_type, scope = obj.get("event_type"), obj.get("scope")
    if scope == "till":
        check.string(obj, "scope_reference", "")
    elif scope == "company" and obj.get("scope_reference") not in (None, ""):
        check.add("scope_reference", "must be null or absent when scope is company")
    if event_type in EVENT_SCOPES and scope in ("till", "company"):
        if EVENT_SCOPES[event_type] != scope:
            check.add("scope", f"must be {EVENT_SCOPES[event_type]} for {event_type}")
    if obj.get("enable_daraja_payload") is True and event_type not in DARAJA_EVENTS:
        check.add(
            "enable_daraja_payload",
            "may be true only for buygoods_transaction_received and b2b_transaction_received",
        )


def _incoming_payment(check: _Checker, body: object) -> None:
    allowed = {"payment_channel", "till_number", "subscriber", "amount", "metadata", "_links"}
    obj = check.object(body, "", allowed)
    if obj.get("payment_channel") != "M-PESA STK Push":
        check.add("payment_channel", "must be M-PESA STK Push")
    check.string(obj, "till_number", "")

    names = ("first_name", "middle_name", "last_name")
    subscriber = check.object(
        obj.get("subscriber"), "subscriber", {*names, "phone_number", "email"}
    )
    for name in (*names, "email"):
        check.string(subscriber, name, "subscriber", required=False)
    if subscriber:
        check.phone(subscriber, "phone_number", "subscriber", _STK_PHONE)
    email = subscriber.get("email")
    if isinstance(email, str) and "@" not in email:
        check.add("subscriber.email", "is not an email address")

    amount = check.object(obj.get("amount"), "amount", {"currency", "value"})
    if amount:
        check.currency(amount, "currency", "amount")
        check.amount(amount, "value", "amount")
    check.metadata(obj)
    _require_callback(check, obj)


def _require_callback(check: _Checker, obj: dict[str, Any]) -> None:
    if "_links" not in obj:
        check.add("_links.callback_url", "is required")
    else:
        check.callback(obj)


_RECIPIENT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required fields, optional fields)
    "mobile_wallet": (
        ("first_name", "last_name", "phone_number", "network"),
        ("email", "nickname"),
    ),
    "bank_account": (
        ("account_name", "account_number", "bank_branch_ref"),
        ("settlement_method", "nickname"),
    ),
    "till": (("till_name", "till_number"), ("nickname",)),
    "paybill": (("paybill_name", "paybill_number", "paybill_account_number"), ("nickname",)),
}


def _external_recipient(check: _Checker, body: object) -> None:
    obj = check.object(body, "", {"type", "external_recipient"})
    check.choice(obj, "type", "", _RECIPIENT_FIELDS)
    recipient_type = obj.get("type")
    if recipient_type not in _RECIPIENT_FIELDS:
        return

    required, optional = _RECIPIENT_FIELDS[recipient_type]
    path = "external_recipient"
    recipient = check.object(obj.get(path), path, {*required, *optional})
    for name in required:
        if name == "phone_number":
            check.phone(recipient, name, path, _RECIPIENT_PHONE)
        else:
            check.string(recipient, name, path)
    for name in optional:
        check.string(recipient, name, path, required=False)
    if "network" in recipient and recipient.get("network") != "Safaricom":
        check.add(f"{path}.network", "must be Safaricom")
    if "settlement_method" in recipient:
        check.choice(recipient, "settlement_method", path, ("EFT", "RTS"))


def _merchant_wallet(check: _Checker, body: object) -> None:
    allowed = {"first_name", "last_name", "phone_number", "network", "nickname"}
    obj = check.object(body, "", allowed)
    check.string(obj, "first_name", "")
    check.string(obj, "last_name", "")
    check.phone(obj, "phone_number", "", _WALLET_PHONE)
    if obj.get("network") != "Safaricom":
        check.add("network", "must be Safaricom")
    check.string(obj, "nickname", "", required=False)


def _merchant_bank_account(check: _Checker, body: object) -> None:
    allowed = {"account_name", "account_number", "bank_branch_ref", "settlement_method", "nickname"}
    obj = check.object(body, "", allowed)
    for name in ("account_name", "account_number", "bank_branch_ref"):
        check.string(obj, name, "")
    check.choice(obj, "settlement_method", "", ("EFT", "RTS"))
    check.string(obj, "nickname", "", required=False)


_DESTINATION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required fields besides type and amount, optional fields)
    "mobile_wallet": (("phone_number", "network", "description"), ("nickname", "favourite")),
    "bank_account": (
        ("account_name", "account_number", "bank_branch_ref", "description"),
        ("nickname", "favourite"),
    ),
    "till": (("till_number", "description"), ("till_name", "nickname", "favourite")),
    "paybill": (
        ("paybill_number", "paybill_account_number", "description"),
        ("paybill_name", "nickname", "favourite"),
    ),
    "merchant_wallet": (("reference",), ("description",)),
    "merchant_bank_account": (("reference",), ("description",)),
}


def _send_money(check: _Checker, body: object) -> None:
    allowed = {"destinations", "source_identifier", "currency", "metadata", "_links"}
    obj = check.object(body, "", allowed)
    destinations = obj.get("destinations")
    if destinations is not None and not isinstance(destinations, list):
        check.add("destinations", "must be a JSON array (empty or absent for a sweep)")
    for index, destination in enumerate(destinations if isinstance(destinations, list) else []):
        _destination(check, destination, f"destinations[{index}]")
    check.string(obj, "source_identifier", "", required=False)
    check.currency(obj, "currency", "")
    check.metadata(obj)
    _require_callback(check, obj)


def _destination(check: _Checker, value: object, path: str) -> None:
    kind = value.get("type") if isinstance(value, dict) else None
    if kind not in _DESTINATION_FIELDS:
        check.object(value, path, ())
        check.add(f"{path}.type", f"must be one of: {', '.join(sorted(_DESTINATION_FIELDS))}")
        return

    required, optional = _DESTINATION_FIELDS[kind]
    obj = check.object(value, path, {"type", "amount", *required, *optional})
    check.amount(obj, "amount", path)
    for name in required:
        if name == "phone_number":
            check.phone(obj, name, path, _WALLET_PHONE)
        else:
            check.string(obj, name, path)
    for name in optional:
        if name == "favourite":
            check.boolean(obj, name, path)
        else:
            check.string(obj, name, path, required=False)
    if "network" in obj and obj.get("network") != "Safaricom":
        check.add(f"{path}.network", "must be Safaricom")


def _polling(check: _Checker, body: object) -> None:
    allowed = {"scope", "scope_reference", "from_time", "to_time", "_links"}
    obj = check.object(body, "", allowed)
    check.choice(obj, "scope", "", ("till", "company"))
    if obj.get("scope") == "till":
        check.string(obj, "scope_reference", "")
    elif obj.get("scope_reference") not in (None, ""):
        check.add("scope_reference", "must be empty, null or absent when scope is company")

    start = check.timestamp(obj, "from_time")
    end = check.timestamp(obj, "to_time")
    if start is not None and end is not None and start >= end:
        check.add("from_time", "must be earlier than to_time")
    _require_callback(check, obj)


def _reversal(check: _Checker, body: object) -> None:
    obj = check.object(body, "", {"transaction_reference", "reason", "metadata", "_links"})
    check.string(obj, "transaction_reference", "")
    check.string(obj, "reason", "")
    check.metadata(obj)
    _require_callback(check, obj)


def _payment_link(check: _Checker, body: object) -> None:
    allowed = {
        "till_number",
        "currency",
        "amount",
        "payment_reference",
        "note",
        "metadata",
        "_links",
    }
    obj = check.object(body, "", allowed)
    check.string(obj, "till_number", "")
    check.currency(obj, "currency", "")
    check.amount(obj, "amount", "")
    check.string(obj, "payment_reference", "", required=False)
    check.string(obj, "note", "", required=False)
    check.metadata(obj)
    _require_callback(check, obj)


_VALIDATORS: dict[str, Callable[[_Checker, object], None]] = {
    "webhook_subscriptions": _webhook_subscription,
    "incoming_payments": _incoming_payment,
    "external_recipients": _external_recipient,
    "merchant_wallets": _merchant_wallet,
    "merchant_bank_accounts": _merchant_bank_account,
    "send_money": _send_money,
    "polling": _polling,
    "reversals": _reversal,
    "payment_links": _payment_link,
}
