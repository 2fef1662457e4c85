"""Parameter checks shared by every operation builder.

Each check takes the list that collects `FieldError`s, the field's dotted name and the value
the caller gave. It returns the value to put in the request body, normalised where the API
needs one form (a phone number, an amount as `Decimal`, a time as ISO-8601 text), or `UNSET`
for an optional field that was not given (`None`). A check never raises for a bad value: it
appends one `FieldError` and returns a placeholder, so a builder checks every field in
straight-line code and then calls `raise_for_errors` once, reporting every invalid field in one
`ValidationError`. Checks never round, truncate or coerce: a float amount or a naive datetime
is rejected, not converted. Error entries never repeat the value of a secret.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from msgspec import UNSET, UnsetType

from k2core.config import is_loopback_host
from k2core.errors import FieldError, ValidationError

# The largest amount accepted: a sanity bound far above any single M-PESA or bank transfer,
# which also keeps a mistyped exponent from building a huge number.
_MAX_AMOUNT = Decimal("999999999999.99")

REQUIRED: Any = None
"""Default of every required parameter of the builders.

Leaving a required parameter out is then reported as "is missing" in the one `ValidationError`
that lists every invalid field, instead of a `TypeError` naming only the first omission. It is
typed `Any` so that the parameters keep their real types for type checkers."""

__all__ = [
    "CURRENCIES",
    "DESTINATION_TYPES",
    "EVENT_TYPES",
    "MAX_METADATA_KEYS",
    "NETWORKS",
    "SCOPES",
    "SETTLEMENT_METHODS",
    "Errors",
    "amount",
    "choice",
    "email",
    "flag",
    "metadata",
    "network",
    "normalize_phone",
    "optional_email",
    "optional_text",
    "parse_iso",
    "phone",
    "raise_for_errors",
    "text",
    "timestamp",
    "url",
]

Errors = list[FieldError]
T = TypeVar("T")

CURRENCIES = ("KES",)
NETWORKS = ("Safaricom",)
SCOPES = ("till", "company")
SETTLEMENT_METHODS = ("EFT", "RTS")
EVENT_TYPES = (
    "buygoods_transaction_received",
    "buygoods_transaction_reversed",
    "b2b_transaction_received",
    "b2b_transaction_reversed",
    "card_transaction_received",
    "card_transaction_voided",
    "card_transaction_reversed",
    "customer_created",
    "settlement_transfer_completed",
)
DESTINATION_TYPES = (
    "mobile_wallet",
    "bank_account",
    "till",
    "paybill",
    "merchant_wallet",
    "merchant_bank_account",
)
MAX_METADATA_KEYS = 5

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_MAX_EMAIL_LENGTH = 254
_PHONE_SEPARATORS = str.maketrans("", "", " -")
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")
_SCALARS = (str, int, Decimal, float)  # bool is an int subclass and allowed too


def raise_for_errors(errors: Errors) -> None:
    """Raise one `ValidationError` listing every collected `FieldError`, if there are any."""
    if errors:
        raise ValidationError(errors)


def text(errors: Errors, field: str, value: object) -> str:
    """Check a required string: present, a `str`, and not empty or whitespace-only."""
    if isinstance(value, str) and value.strip():
        return value
    errors.append(FieldError(field, _text_problem(value), "a non-empty string"))
    return ""


def optional_text(errors: Errors, field: str, value: object) -> str | UnsetType:
    """Check an optional string. `None` leaves it out; other values are checked as `text`."""
    if value is None:
        return UNSET
    if isinstance(value, str) and value.strip():
        return value
    errors.append(
        FieldError(field, _text_problem(value), "a non-empty string, or None to leave it out")
    )
    return UNSET


def choice(errors: Errors, field: str, value: object, accepted: tuple[str, ...]) -> str:
    """Check that `value` is exactly one of `accepted`, in the same case and spelling."""
    if isinstance(value, str) and value in accepted:
        return value
    problem = (
        "is missing" if value is None else f"{_shortened_repr(value)} is not an accepted value"
    )
    errors.append(FieldError(field, problem, "one of " + ", ".join(map(repr, accepted))))
    return ""


def network(errors: Errors, field: str, value: object) -> str:
    """Check a mobile network. `None` selects `"Safaricom"`, the only network the API accepts."""
    if value is None:
        return NETWORKS[0]
    return choice(errors, field, value, NETWORKS)


def flag(errors: Errors, field: str, value: object) -> bool | UnsetType:
    """Check an optional boolean. `None` leaves it out, and only `True` or `False` are accepted."""
    if value is None:
        return UNSET
    if isinstance(value, bool):
        return value
    errors.append(FieldError(field, _type_problem(value), "True or False"))
    return UNSET


def amount(errors: Errors, field: str, value: object) -> Decimal:
    """Check a money amount and return it as an exact `Decimal`.

    Accepted: `int`, `Decimal` or a numeric string such as `"1500.50"`. Rejected: `float`
    (binary floats cannot hold most decimal amounts exactly), `bool`, zero, negative values,
    NaN, infinity, fractions of a cent (KES has two decimal places), and strings with
    underscores or non-ASCII digits. The value is never
    rounded. It is returned in plain notation (`Decimal("1E+3")` becomes `1000`) because some
    JSON parsers read a number with an exponent as a binary float.
    """
    expected = "a positive amount as int, Decimal or numeric string (not float)"
    number = _decimal(value)
    if number is None:
        errors.append(FieldError(field, _amount_problem(value), expected))
        return Decimal(0)
    if not number.is_finite():
        errors.append(FieldError(field, "is not a finite number", expected))
        return Decimal(0)
    if number <= 0:
        errors.append(FieldError(field, "must be greater than zero", expected))
        return Decimal(0)

    if number > _MAX_AMOUNT:
        errors.append(FieldError(field, "is too large", f"{expected}, at most {_MAX_AMOUNT:,}"))
        return Decimal(0)
    if _has_fraction_of_cent(number):
        errors.append(FieldError(field, "has a fraction of a cent", f"{expected}, in whole cents"))
        return Decimal(0)
    # Finite here, so the exponent is an int (never "n", "N" or "F").
    return Decimal(format(number, "f")) if int(number.as_tuple().exponent) > 0 else number


def _has_fraction_of_cent(number: Decimal) -> bool:
    # Digits past the second decimal place must all be zero ("0.010" is one cent).
    sign_digits_exponent = number.as_tuple()
    exponent = int(sign_digits_exponent.exponent)
    extra = -exponent - 2
    return extra > 0 and any(sign_digits_exponent.digits[-extra:])


def normalize_phone(value: str) -> str | None:
    """Return the 9-digit national number of a Kenyan mobile number, or `None` if it is not one.

    Accepted forms, with any spaces or dashes: `07XXXXXXXX`, `01XXXXXXXX`, `2547XXXXXXXX`,
    `2541XXXXXXXX`, `+2547XXXXXXXX` and `+2541XXXXXXXX`.
    """
    digits = value.translate(_PHONE_SEPARATORS)
    if digits.startswith("+254"):
        national = digits[4:]
    elif digits.startswith("254"):
        national = digits[3:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if len(national) != 9 or not (national.isascii() and national.isdigit()):
        return None
    return national if national[0] in "17" else None


def phone(errors: Errors, field: str, value: object, *, prefix: str) -> str:
    """Check a Kenyan mobile number and return it as `prefix` plus its 9 national digits.

    `prefix` is `"+254"` or `"254"`, whichever form the endpoint documents.
    """
    expected = "a Kenyan mobile number such as 0712345678, 254712345678 or +254712345678"
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(field, _text_problem(value), expected))
        return ""
    national = normalize_phone(value)
    if national is None:
        errors.append(FieldError(field, _phone_problem(value), expected))
        return ""
    return prefix + national


def email(errors: Errors, field: str, value: object) -> str:
    """Check a required email address with a practical test: one `@` and a dotted domain."""
    expected = "an email address such as jane@example.com"
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(field, _text_problem(value), expected))
        return ""
    if len(value) > _MAX_EMAIL_LENGTH or _EMAIL.fullmatch(value) is None:
        errors.append(FieldError(field, "is not a valid email address", expected))
        return ""
    return value


def optional_email(errors: Errors, field: str, value: object) -> str | UnsetType:
    """Check an optional email address. `None` leaves it out; others are checked as `email`."""
    if value is None:
        return UNSET
    return email(errors, field, value) or UNSET


def url(errors: Errors, field: str, value: object, *, https_only: bool = False) -> str:
    """Check an absolute http or https URL with a host, no credentials and no whitespace.

    With `https_only`, plain http is accepted only for loopback hosts (a local test server).
    """
    expected = "an absolute https URL" if https_only else "an absolute http or https URL"
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(field, _text_problem(value), expected))
        return ""
    problem = _url_problem(value, https_only=https_only)
    if problem is not None:
        errors.append(FieldError(field, problem, expected))
        return ""
    return value


def metadata(errors: Errors, field: str, value: object) -> dict[str, Any] | UnsetType:
    """Check optional metadata: at most 5 entries, non-empty string keys, scalar values.

    Scalar values are strings, integers, booleans, and finite `Decimal` and float values. Nested
    objects, lists and `None` are rejected. The mapping is sent as given, not copied deeply.
    """
    if value is None:
        return UNSET
    expected = f"a mapping of at most {MAX_METADATA_KEYS} string keys to scalar values"
    if not isinstance(value, Mapping):
        errors.append(FieldError(field, f"is of type {type(value).__name__}", expected))
        return UNSET
    if len(value) > MAX_METADATA_KEYS:
        errors.append(FieldError(field, f"has {len(value)} entries", expected))
        return UNSET

    count = len(errors)
    for key, item in value.items():
        _check_metadata_entry(errors, field, key, item)
    if len(errors) > count:
        return UNSET
    return value if type(value) is dict else dict(value)


def timestamp(errors: Errors, field: str, value: object) -> datetime | None:
    """Check a timezone-aware time: an aware `datetime` or an ISO-8601 string with an offset.

    Returns the parsed `datetime`. A trailing `Z` is read as UTC. Naive values are rejected
    because the API cannot know which timezone they were meant in.
    """
    expected = (
        "an aware datetime or ISO-8601 text with an offset, such as 2024-05-01T10:00:00+03:00"
    )
    if isinstance(value, str):
        parsed = parse_iso(value)
        if parsed is None:
            errors.append(FieldError(field, "is not an ISO-8601 date and time", expected))
            return None
        value = parsed
    if not isinstance(value, datetime):
        errors.append(FieldError(field, _type_problem(value), expected))
        return None
    if value.utcoffset() is None:
        errors.append(FieldError(field, "has no timezone offset", expected))
        return None
    return value


def parse_iso(value: str) -> datetime | None:
    """Parse ISO-8601 date and time, reading a trailing `Z` as UTC. Return `None` if invalid."""
    text_value = value.strip()
    if text_value.endswith(("Z", "z")):
        text_value = text_value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text_value)
    except ValueError:
        return None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and value.strip():
        # `Decimal` also reads underscores ("10_00" is 1000) and non-ASCII digits such as
        # Arabic-Indic ones. Only ASCII digits are accepted, so the amount sent is the amount
        # written.
        if not value.isascii() or "_" in value:
            return None
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _amount_problem(value: object) -> str:
    if value is None:
        return "is missing"
    if isinstance(value, float):
        return "is a float, which cannot hold decimal amounts exactly"
    if isinstance(value, bool):
        return "is of type bool"
    if isinstance(value, str):
        return "is not a decimal number" if value.strip() else "is empty"
    return _type_problem(value)


def _phone_problem(value: str) -> str:
    digits = value.translate(_PHONE_SEPARATORS)
    if digits.startswith("+") and not digits.startswith("+254"):
        return "is not a Kenyan number (the country code must be 254)"
    unsigned = digits.removeprefix("+")
    if not (unsigned.isascii() and unsigned.isdigit()):
        return "contains characters other than digits, spaces, dashes and a leading +"
    return "is not a Kenyan mobile number (9 digits after 0 or 254, starting with 7 or 1)"


def _url_problem(value: str, *, https_only: bool) -> str | None:
    if _URL_FORBIDDEN.search(value) is not None:
        return "contains whitespace or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for an invalid port)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http or https URL"
    if parts.username is not None or parts.password is not None:
        return "must not contain user credentials"
    if https_only and parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return "uses http; the API requires https (http is accepted only for loopback hosts)"
    return None


def _check_metadata_entry(errors: Errors, field: str, key: object, item: object) -> None:
    if not isinstance(key, str) or not key.strip():
        errors.append(
            FieldError(
                f"{field}[{key!r}]", "key is not a non-empty string", "non-empty string keys"
            )
        )
        return
    expected = "a string, int, finite Decimal, finite float or bool"
    if item is None:
        errors.append(FieldError(f"{field}.{key}", "value is None", expected))
    elif not isinstance(item, _SCALARS):
        errors.append(
            FieldError(f"{field}.{key}", f"value is of type {type(item).__name__}", expected)
        )
    elif not _is_finite(item):
        errors.append(FieldError(f"{field}.{key}", "value is not a finite number", expected))


def _is_finite(item: object) -> bool:
    # A non-finite float or Decimal cannot be sent as a JSON number. `math.isfinite` raises
    # for a signaling NaN, so a `Decimal` is asked directly.
    if isinstance(item, Decimal):
        return item.is_finite()
    return not isinstance(item, float) or math.isfinite(item)


def _text_problem(value: object) -> str:
    if value is None:
        return "is missing"
    if isinstance(value, str):
        return "is empty" if not value else "is only whitespace"
    return _type_problem(value)


def _type_problem(value: object) -> str:
    if value is None:
        return "is missing"
    return f"is of type {type(value).__name__}"


def _shortened_repr(value: object) -> str:
    text_value = repr(value)
    return text_value if len(text_value) <= 40 else text_value[:37] + "..."
