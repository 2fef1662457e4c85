"""Hypothesis strategies for valid operation parameters, for testing code that builds requests.

Each `*_params()` strategy draws a dict of keyword arguments that the matching `create`
accepts, for example `incoming_payments.create(base_url, **params)`. The draws leave optional
fields out or fill them, and use every accepted input form: phone numbers in each Kenyan form,
amounts as `int`, `Decimal` or text, and times as aware datetimes or ISO text. Smaller
strategies (`phone_numbers`, `amounts`, `metadata`, `callback_urls`, `destinations`) compose
into your own. The module requires the `hypothesis` package, and `k2core` itself never imports
it. Every URL drawn is on `example.com` or `127.0.0.1`, and nothing here sends a request.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from k2core import params, send_money

__all__ = [
    "amounts",
    "aware_datetimes",
    "callback_urls",
    "destinations",
    "digits",
    "external_recipient_params",
    "incoming_payment_params",
    "metadata",
    "names",
    "payment_link_params",
    "phone_numbers",
    "polling_params",
    "reversal_params",
    "send_money_params",
    "transfer_account_params",
    "webhook_subscription_params",
]

_Params = st.SearchStrategy[dict[str, Any]]
_TEXT_ALPHABET = st.characters(
    min_codepoint=0x20, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc")
)


def names(max_size: int = 30) -> st.SearchStrategy[str]:
    """Non-blank text such as a name, description or reference."""
    return st.text(_TEXT_ALPHABET, min_size=1, max_size=max_size).filter(str.strip)


def digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """ASCII digit strings, such as till or account numbers."""
    return st.text("0123456789", min_size=min_size, max_size=max_size)


def phone_numbers() -> st.SearchStrategy[str]:
    """Kenyan mobile numbers in every accepted form, with optional spaces or dashes."""
    national = st.tuples(st.sampled_from("17"), digits(8, 8)).map("".join)
    prefix = st.sampled_from(["0", "254", "+254"])
    separator = st.sampled_from(["", " ", "-"])
    return st.tuples(prefix, national, separator).map(
        lambda parts: parts[0] + parts[2] + parts[1][:3] + parts[2] + parts[1][3:]
    )


def amounts() -> st.SearchStrategy[int | Decimal | str]:
    """Positive amounts as `int`, `Decimal` (up to 2 decimal places) or numeric text."""
    cents = st.integers(min_value=1, max_value=10**11)
    decimal = cents.map(lambda value: Decimal(value).scaleb(-2))
    return st.one_of(
        st.integers(min_value=1, max_value=10**9),
        decimal,
        decimal.map(str),
    )


def callback_urls() -> st.SearchStrategy[str]:
    """Absolute https URLs on example.com, or http URLs on the loopback address."""
    path = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/", max_size=20)
    https = path.map(lambda value: f"https://example.com/{value}")
    loopback = path.map(lambda value: f"http://127.0.0.1:8000/{value}")
    return st.one_of(https, loopback)


def metadata() -> st.SearchStrategy[dict[str, Any]]:
    """Metadata of up to 5 entries with string keys and string, int or bool values."""
    values = st.one_of(names(), st.integers(-(10**6), 10**6), st.booleans())
    return st.dictionaries(names(20), values, max_size=params.MAX_METADATA_KEYS)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _params(required: dict[str, Any], optional: dict[str, Any]) -> _Params:
    return st.fixed_dictionaries(
        required, optional={key: _optional(value) for key, value in optional.items()}
    ).map(_drop_none)


def webhook_subscription_params() -> _Params:
    """Parameters for `webhook_subscriptions.create`, till or company scope."""
    till = st.fixed_dictionaries(
        {
            "event_type": st.sampled_from(params.EVENT_TYPES),
            "url": st.just("https://example.com/k2/webhooks"),
            "scope": st.just("till"),
            "scope_reference": digits(5, 7),
        }
    )
    company = st.fixed_dictionaries(
        {
            "event_type": st.sampled_from(params.EVENT_TYPES),
            "url": st.just("https://example.com/k2/webhooks"),
            "scope": st.just("company"),
        }
    )

    def with_daraja(drawn: dict[str, Any], flag: bool | None) -> dict[str, Any]:
        if flag is None:
            return drawn
        allowed = drawn["event_type"] in (
            "buygoods_transaction_received",
            "b2b_transaction_received",
        )
        return {**drawn, "enable_daraja_payload": flag and allowed}

    return st.builds(with_daraja, st.one_of(till, company), _optional(st.booleans()))


def incoming_payment_params() -> _Params:
    """Parameters for `incoming_payments.create`."""
    return _params(
        {
            "till_number": digits(5, 7).map(lambda value: "K" + value),
            "first_name": names(),
            "last_name": names(),
            "phone_number": phone_numbers(),
            "amount": amounts(),
            "callback_url": callback_urls(),
        },
        {
            "email": st.just("jane.doe@example.com"),
            "middle_name": names(),
            "metadata": metadata(),
        },
    )


_RECIPIENTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "mobile_wallet": (
        {"first_name": names(), "last_name": names(), "phone_number": phone_numbers()},
        {"email": st.just("jane@example.com"), "network": st.just("Safaricom")},
    ),
    "bank_account": (
        {"account_name": names(), "account_number": digits(6, 14), "bank_branch_ref": names()},
        {"settlement_method": st.sampled_from(params.SETTLEMENT_METHODS)},
    ),
    "till": ({"till_name": names(), "till_number": digits(5, 7)}, {}),
    "paybill": (
        {
            "paybill_name": names(),
            "paybill_number": digits(5, 7),
            "paybill_account_number": names(),
        },
        {},
    ),
}


def external_recipient_params() -> _Params:
    """Parameters for `external_recipients.create`, of any of the four recipient types."""
    kinds = [
        _params({"type": st.just(kind), **required}, {"nickname": names(), **optional})
        for kind, (required, optional) in _RECIPIENTS.items()
    ]
    return st.one_of(kinds)


def transfer_account_params() -> _Params:
    """Parameters for `transfer_accounts.create`: a merchant wallet or bank account."""
    wallet = _params(
        {
            "type": st.just("merchant_wallet"),
            "first_name": names(),
            "last_name": names(),
            "phone_number": phone_numbers(),
        },
        {"network": st.just("Safaricom"), "nickname": names()},
    )
    bank = _params(
        {
            "type": st.just("merchant_bank_account"),
            "account_name": names(),
            "account_number": digits(6, 14),
            "bank_branch_ref": names(),
            "settlement_method": st.sampled_from(params.SETTLEMENT_METHODS),
        },
        {"nickname": names()},
    )
    return st.one_of(wallet, bank)


_DESTINATION_FIELDS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "mobile_wallet": (
        {"phone_number": phone_numbers(), "description": names()},
        {"network": st.just("Safaricom"), "nickname": names(), "favourite": st.booleans()},
    ),
    "bank_account": (
        {
            "account_name": names(),
            "account_number": digits(6, 14),
            "bank_branch_ref": names(),
            "description": names(),
        },
        {"nickname": names(), "favourite": st.booleans()},
    ),
    "till": (
        {"till_number": digits(5, 7), "description": names()},
        {"nickname": names(), "favourite": st.booleans()},
    ),
    "paybill": (
        {
            "paybill_number": digits(5, 7),
            "paybill_account_number": names(),
            "description": names(),
        },
        {"nickname": names(), "favourite": st.booleans()},
    ),
    "merchant_wallet": ({"reference": names()}, {"description": names()}),
    "merchant_bank_account": ({"reference": names()}, {"description": names()}),
}
_DESTINATION_STRUCTS: dict[str, Any] = {
    "mobile_wallet": send_money.MobileWallet,
    "bank_account": send_money.BankAccount,
    "till": send_money.Till,
    "paybill": send_money.Paybill,
    "merchant_wallet": send_money.MerchantWallet,
    "merchant_bank_account": send_money.MerchantBankAccount,
}


def destinations() -> st.SearchStrategy[Any]:
    """Draw one send-money destination of any kind, as a Struct or as a mapping with `type`."""
    options: list[st.SearchStrategy[Any]] = []
    for kind, (required, optional) in _DESTINATION_FIELDS.items():
        fields = _params({"amount": amounts(), **required}, optional)
        options.append(fields.map(_as_struct(kind)))
        options.append(fields.map(_as_mapping(kind)))
    return st.one_of(options)


def _as_struct(kind: str) -> Any:
    def build(values: dict[str, Any]) -> Any:
        return _DESTINATION_STRUCTS[kind](**values)

    return build


def _as_mapping(kind: str) -> Any:
    def build(values: dict[str, Any]) -> dict[str, Any]:
        return {"type": kind, **values}

    return build


def send_money_params() -> _Params:
    """Parameters for `send_money.create`: 1 to 5 destinations, or none for a sweep."""
    return _params(
        {"callback_url": callback_urls()},
        {
            "destinations": st.lists(destinations(), min_size=1, max_size=5),
            "source_identifier": digits(1, 6),
            "metadata": metadata(),
        },
    )


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes at whole seconds, at UTC or a whole-hour offset."""
    offsets = st.integers(min_value=-12, max_value=14).map(
        lambda hours: timezone(timedelta(hours=hours))
    )
    moments = st.datetimes(
        min_value=datetime(2015, 1, 1), max_value=datetime(2035, 1, 1), timezones=offsets
    )
    return moments.map(lambda value: value.replace(microsecond=0))


def polling_params() -> _Params:
    """Parameters for `polling.create`, till or company scope, with `to_time` after
    `from_time`; times are aware datetimes or their ISO-8601 text."""

    def window(start: datetime, length: timedelta, as_text: bool) -> dict[str, Any]:
        end = start + length
        if as_text:
            return {"from_time": start.isoformat(), "to_time": end.isoformat()}
        return {"from_time": start, "to_time": end}

    times = st.builds(
        window,
        aware_datetimes(),
        st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)),
        st.booleans(),
    )
    scope = st.one_of(
        st.fixed_dictionaries({"scope": st.just("till"), "scope_reference": digits(5, 7)}),
        st.fixed_dictionaries({"scope": st.just("company")}),
    )
    return st.builds(
        lambda first, second, url: {**first, **second, "callback_url": url},
        scope,
        times,
        callback_urls(),
    )


def reversal_params() -> _Params:
    """Parameters for `reversals.create`."""
    return _params(
        {
            "transaction_reference": st.text(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=10, max_size=10
            ),
            "reason": names(),
            "callback_url": callback_urls(),
        },
        {"metadata": metadata()},
    )


def payment_link_params() -> _Params:
    """Parameters for `payment_links.create`."""
    return _params(
        {"till_number": digits(5, 7), "amount": amounts(), "callback_url": callback_urls()},
        {"payment_reference": names(), "note": names(), "metadata": metadata()},
    )
