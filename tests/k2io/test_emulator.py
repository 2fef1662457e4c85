"""The emulator's OAuth endpoints, request validation, routing and in-process API."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_emulator_support import call, stk_body, token_for, valid_bodies

from k2io.emulator import KINDS, Emulator
from k2io.emulator.validation import validate

CALLBACK = "http://127.0.0.1:9/callbacks"


def test_token_form_body(k2_emulator: Emulator) -> None:
    before = int(time.time())
    token = token_for(k2_emulator)

    info = call(k2_emulator, "GET", "/oauth/token/info", token=token)

    assert len(token) >= 32
    assert info.status == 200
    document = info.json()
    assert document["application"] == {"uid": k2_emulator.client_id}
    assert 3590 <= document["expires_in"] <= 3600
    assert document["created_at"] >= before


def test_token_json_body(k2_emulator: Emulator) -> None:
    body = {
        "client_id": k2_emulator.client_id,
        "client_secret": k2_emulator.client_secret,
        "grant_type": "client_credentials",
    }
    answer = call(k2_emulator, "POST", "/oauth/token", body=body)

    assert answer.status == 200
    document = answer.json()
    assert document["token_type"] == "Bearer"
    assert document["expires_in"] == 3600
    assert isinstance(document["created_at"], int)


@pytest.mark.parametrize(
    ("fields", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "someone-else"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
    ],
)
def test_token_rejections(
    k2_emulator: Emulator, fields: dict[str, str], status: int, error: str
) -> None:
    body = {
        "client_id": k2_emulator.client_id,
        "client_secret": k2_emulator.client_secret,
        "grant_type": "client_credentials",
        **fields,
    }
    answer = call(k2_emulator, "POST", "/oauth/token", body=body)

    assert answer.status == status
    assert answer.json()["error"] == error
    assert answer.json()["error_description"]
    assert k2_emulator.client_secret.encode() not in answer.body


def test_token_expires_after_lifetime() -> None:
    with Emulator(token_lifetime=0.3) as emu:
        token = token_for(emu)
        fresh = call(emu, "GET", "/api/v2/incoming_payments/none", token=token)
        time.sleep(0.4)
        stale = call(emu, "GET", "/api/v2/incoming_payments/none", token=token)

    assert fresh.status == 404
    assert stale.status == 401
    assert stale.json() == {"error_code": 401, "error_message": "ExpiredAccessToken"}


@pytest.mark.parametrize("authorization", [None, "Bearer not-issued", "Basic abc", "Bearer "])
def test_api_rejects_missing_or_unknown_token(
    k2_emulator: Emulator, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    body = stk_body(CALLBACK)
    answer = call(k2_emulator, "POST", "/api/v2/incoming_payments", body=body, headers=headers)

    assert answer.status == 401
    assert answer.json() == {"error_code": 401, "error_message": "InvalidAccessToken"}
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert k2_emulator.created("incoming_payments") == 0


def test_revoke_and_introspect(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    credentials = {"client_id": k2_emulator.client_id, "client_secret": k2_emulator.client_secret}

    active = call(k2_emulator, "POST", "/oauth/introspect", body={**credentials, "token": token})
    revoked = call(k2_emulator, "POST", "/oauth/revoke", body={**credentials, "token": token})
    inactive = call(k2_emulator, "POST", "/oauth/introspect", body={**credentials, "token": token})
    rejected = call(k2_emulator, "GET", "/api/v2/payment_links/x", token=token)

    assert active.status == 200
    assert active.json()["active"] is True
    assert active.json()["client_id"] == k2_emulator.client_id
    assert active.json()["exp"].endswith("+03:00")
    assert revoked.status == 200
    assert revoked.json() == {}
    assert inactive.json() == {"active": False}
    assert rejected.status == 401


def test_revoke_requires_client_credentials(k2_emulator: Emulator) -> None:
    body = {"client_id": k2_emulator.client_id, "client_secret": "nope", "token": "t"}
    answer = call(k2_emulator, "POST", "/oauth/revoke", body=body)

    assert answer.status == 401
    assert answer.json()["error"] == "invalid_client"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_valid_create_answers_201(k2_emulator: Emulator, kind: str) -> None:
    token = token_for(k2_emulator)
    body = valid_bodies(CALLBACK)[kind]

    answer = call(k2_emulator, "POST", f"/api/v2/{kind}", body=body, token=token)

    assert answer.status == 201, answer.body
    assert answer.body == b""
    location = answer.headers["Location"]
    assert location.startswith(f"{k2_emulator.base_url}/api/v2/{kind}/")
    assert k2_emulator.created(kind) == 1
    status = call(k2_emulator, "GET", location, token=token)
    assert status.status == 200
    assert status.json()["data"]["type"] == KINDS[kind]


def _set(body: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    target = body
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return body


_DELETE = object()

INVALID_CASES = [
    ("incoming_payments", "subscriber.phone_number", "0722334455", "subscriber.phone_number"),
    ("incoming_payments", "subscriber.phone_number", "254722334455", "+254 followed by 9"),
    ("incoming_payments", "amount.value", "875", "amount.value must be a JSON number"),
    ("incoming_payments", "amount.value", True, "amount.value must be a JSON number"),
    ("incoming_payments", "amount.value", 0, "amount.value must be greater than zero"),
    ("incoming_payments", "amount.value", -5, "amount.value must be greater than zero"),
    ("incoming_payments", "amount.currency", "USD", "amount.currency must be KES"),
    ("incoming_payments", "payment_channel", "MPESA", "payment_channel must be M-PESA STK Push"),
    ("incoming_payments", "_links", _DELETE, "_links.callback_url is required"),
    ("incoming_payments", "_links.callback_url", "/relative", "_links.callback_url must be"),
    ("incoming_payments", "callback_url", CALLBACK, "callback_url is not a known field"),
    ("incoming_payments", "subscriber.email", "not-an-address", "subscriber.email"),
    ("incoming_payments", "metadata", {str(n): n for n in range(6)}, "at most 5"),
    ("incoming_payments", "metadata", {"nested": {"a": 1}}, "metadata.nested"),
    ("webhook_subscriptions", "enable_daraja_payload", True, "enable_daraja_payload may be"),
    ("webhook_subscriptions", "scope", "till", "scope_reference is required"),
    ("webhook_subscriptions", "event_type", "m2m_transaction_received", "event_type must be"),
    ("webhook_subscriptions", "url", "ftp://127.0.0.1/x", "url must be an absolute http"),
    ("external_recipients", "type", "crypto", "type must be one of"),
    ("external_recipients", "external_recipient.paybill_number", _DELETE, "paybill_number is"),
    ("merchant_wallets", "phone_number", "+254711223344", "254 followed by 9 digits"),
    ("merchant_wallets", "network", "Airtel", "network must be Safaricom"),
    ("merchant_bank_accounts", "settlement_method", "SWIFT", "settlement_method must be one of"),
    ("send_money", "destinations", {"type": "till"}, "destinations must be a JSON array"),
    ("send_money", "destinations.0.type", "cheque", "destinations[0].type must be one of"),
    ("send_money", "destinations.0.description", _DELETE, "destinations[0].description is"),
    ("send_money", "destinations.0.amount", 10.555, "at most two decimal places"),
    ("send_money", "currency", "KSH", "currency must be KES"),
    ("polling", "from_time", "2026-01-02T10:00:00+03:00", "from_time must be earlier"),
    ("polling", "to_time", "2026-01-02T09:00:00", "to_time must be an ISO-8601 time"),
    ("polling", "scope", "till", "scope_reference is required"),
    ("reversals", "reason", "  ", "reason must be a non-empty string"),
    ("payment_links", "amount", "1200", "amount must be a JSON number"),
]


@pytest.mark.parametrize(("kind", "path", "value", "message"), INVALID_CASES)
def test_invalid_create_answers_400(
    k2_emulator: Emulator, kind: str, path: str, value: object, message: str
) -> None:
    token = token_for(k2_emulator)
    body = _set(valid_bodies(CALLBACK)[kind], path, value)

    answer = call(k2_emulator, "POST", f"/api/v2/{kind}", body=body, token=token)

    assert answer.status == 400
    document = answer.json()
    assert document["error_code"] == 400
    assert message in document["error_message"]
    assert k2_emulator.created(kind) == 0


def test_validation_reports_every_problem(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    body = {"amount": {"value": "10"}}

    answer = call(k2_emulator, "POST", "/api/v2/incoming_payments", body=body, token=token)

    message = answer.json()["error_message"]
    for fragment in ("payment_channel", "till_number", "subscriber", "amount.currency"):
        assert fragment in message


@pytest.mark.parametrize(
    ("raw", "content_type", "message"),
    [
        (b"{not json", "application/json", "not valid UTF-8 JSON"),
        (b'{"amount": NaN}', "application/json", "not valid UTF-8 JSON"),
        (b"\xff\xfe", "application/json", "not valid UTF-8 JSON"),
        (b"{}", "text/plain", "Content-Type must be application/json"),
        (b"[1, 2]", "application/json", "must be a JSON object"),
    ],
)
def test_malformed_bodies(
    k2_emulator: Emulator, raw: bytes, content_type: str, message: str
) -> None:
    token = token_for(k2_emulator)
    headers = {"Content-Type": content_type}

    answer = call(k2_emulator, "POST", "/api/v2/reversals", raw=raw, token=token, headers=headers)

    assert answer.status == 400
    assert message in answer.json()["error_message"]


def test_routing_errors(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)

    unknown = call(k2_emulator, "GET", "/api/v2/payments/1", token=token)
    missing = call(k2_emulator, "GET", "/api/v2/reversals/no-such-id", token=token)
    wrong_method = call(k2_emulator, "GET", "/api/v2/reversals", token=token)
    not_json = call(
        k2_emulator, "GET", "/api/v2/reversals/x", token=token, headers={"Accept": "text/html"}
    )

    assert unknown.status == 404
    assert missing.status == 404
    assert missing.json()["error_code"] == 404
    assert wrong_method.status == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert not_json.status == 406


def test_body_size_limit(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    raw = b"{" + b" " * (1024 * 1024 + 1) + b"}"

    answer = call(
        k2_emulator,
        "POST",
        "/api/v2/reversals",
        raw=raw,
        token=token,
        headers={"Content-Type": "application/json"},
    )

    assert answer.status == 413


def test_requests_are_recorded(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    body = stk_body(CALLBACK)
    call(k2_emulator, "POST", "/api/v2/incoming_payments", body=body, token=token)

    posted = k2_emulator.requests.matching("POST", "/api/v2/incoming_payments")

    assert len(k2_emulator.requests) == 2
    assert len(posted) == 1
    assert posted[0].headers.get("Authorization") == f"Bearer {token}"
    assert b"+254722334455" in posted[0].body
    assert posted[0].fault is None
    assert posted[0].time <= time.time()
    assert token not in repr(posted[0])


def test_emulator_rejects_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host="0.0.0.0")


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("token_lifetime", 0, ValueError),
        ("completion_delay", -1, ValueError),
        ("completion_delay", float("nan"), ValueError),
        ("callback_timeout", float("inf"), ValueError),
        ("token_lifetime", "60", TypeError),
        ("initial_balance", 1500.5, TypeError),
        ("initial_balance", Decimal("-1"), ValueError),
        ("initial_balance", Decimal("NaN"), ValueError),
        ("initial_balance", Decimal("1e400"), ValueError),
    ],
)
def test_emulator_rejects_bad_settings(setting: str, value: object, error: type) -> None:
    with pytest.raises(error, match=setting):
        Emulator(**{setting: value})


def test_emulator_repr_masks_secrets(k2_emulator: Emulator) -> None:
    shown = repr(k2_emulator)

    assert k2_emulator.client_secret not in shown
    assert k2_emulator.api_key not in shown
    assert k2_emulator.base_url in shown


def test_base_url_needs_a_running_emulator() -> None:
    emulator = Emulator()

    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.base_url


def test_created_rejects_unknown_kind(k2_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="incoming_payments"):
        k2_emulator.created("payments")


def test_stopped_emulator_cannot_restart() -> None:
    emulator = Emulator().start()
    emulator.stop()
    emulator.stop()

    with pytest.raises(RuntimeError, match="create a new one"):
        emulator.start()


def test_complete_rejects_payment_links(k2_emulator: Emulator) -> None:
    token = token_for(k2_emulator)
    body = valid_bodies(CALLBACK)["payment_links"]
    location = call(k2_emulator, "POST", "/api/v2/payment_links", body=body, token=token).headers[
        "Location"
    ]

    with pytest.raises(ValueError, match="do not complete on their own"):
        k2_emulator.complete(location)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), body=_JSON)
def test_validation_is_total(kind: str, body: object) -> None:
    problems = validate(kind, body)

    assert isinstance(problems, list)
    assert all(isinstance(problem, str) and problem for problem in problems)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    key=st.sampled_from(
        ["amount", "destinations", "subscriber", "_links", "metadata", "scope", "from_time"]
    ),
    value=_JSON,
)
def test_validation_of_changed_valid_bodies(kind: str, key: str, value: object) -> None:
    body = valid_bodies(CALLBACK)[kind]
    body[key] = value

    problems = validate(kind, body)

    assert isinstance(problems, list)
    assert all(isinstance(problem, str) and problem for problem in problems)


def test_handler_bug_becomes_500(
    k2_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr(k2_emulator.app, "handle", broken)
    caplog.set_level("ERROR", logger="k2io.emulator")

    answer = call(k2_emulator, "GET", "/oauth/token/info")

    assert answer.status == 500
    assert answer.json()["error_code"] == 500
    assert "emulator failed to handle GET /oauth/token/info" in caplog.text
