"""The pure retry decision: which failures are retried, after how long, and when to give up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k2core.http import Headers, Request, Response
from k2core.retry import GiveUp, Retry, RetryPolicy, decide

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
POLICY = RetryPolicy(max_attempts=4, initial_delay=1.0, multiplier=2.0, max_delay=5.0, jitter=0.5)

READ = Request("GET", "https://k2.test/api/v2/incoming_payments/ab12", Headers(), idempotent=True)
CREATE = Request("POST", "https://k2.test/api/v2/incoming_payments", Headers(), b"{}")


@dataclass
class Failure:
    may_have_been_sent: bool


def status(code: int, **headers: str) -> Response:
    return Response(code, Headers(headers))


def run(request: Request, failure: object, attempt: int = 1, random_value: float = 0.0):
    return decide(POLICY, request, attempt, failure, random_value=random_value, now=NOW)  # type: ignore[arg-type]


# The table the README documents: (failure, read decision, create decision).
TABLE = [
    (Failure(may_have_been_sent=False), Retry, Retry),
    (Failure(may_have_been_sent=True), Retry, GiveUp),
    (status(429), Retry, GiveUp),
    (status(500), Retry, GiveUp),
    (status(502), Retry, GiveUp),
    (status(503), Retry, GiveUp),
    (status(504), Retry, GiveUp),
    (status(501), GiveUp, GiveUp),
    (status(599), GiveUp, GiveUp),
    (status(400), GiveUp, GiveUp),
    (status(404), GiveUp, GiveUp),
]


@pytest.mark.parametrize(("failure", "for_read", "for_create"), TABLE)
def test_decision_table(failure: object, for_read: type, for_create: type) -> None:
    assert isinstance(run(READ, failure), for_read)
    assert isinstance(run(CREATE, failure), for_create)


@pytest.mark.parametrize(
    "failure", [Failure(may_have_been_sent=True), status(500), status(503), status(501)]
)
def test_create_gives_up_with_outcome_unknown(failure: object) -> None:
    decision = run(CREATE, failure)

    assert isinstance(decision, GiveUp)
    assert decision.outcome_unknown


@pytest.mark.parametrize("failure", [status(400), status(429), Failure(may_have_been_sent=False)])
def test_known_outcomes_are_not_unknown(failure: object) -> None:
    decision = run(CREATE, failure, attempt=POLICY.max_attempts)

    assert isinstance(decision, GiveUp)
    assert not decision.outcome_unknown


def test_backoff_doubles_and_caps() -> None:
    delays = [run(READ, status(503), attempt=n).delay for n in (1, 2, 3)]

    assert delays == [1.0, 2.0, 4.0]
    long_policy = RetryPolicy(max_attempts=10, initial_delay=1.0, max_delay=5.0, jitter=0.0)
    capped = decide(long_policy, READ, 8, status(503), random_value=0.0, now=NOW)
    assert isinstance(capped, Retry)
    assert capped.delay == 5.0


def test_jitter_shortens_by_random_fraction() -> None:
    early = run(READ, status(503), attempt=2, random_value=0.0)
    late = run(READ, status(503), attempt=2, random_value=0.9)

    assert isinstance(early, Retry)
    assert isinstance(late, Retry)
    assert early.delay == 2.0
    assert late.delay == pytest.approx(2.0 * (1 - 0.5 * 0.9))


def test_gives_up_after_max_attempts() -> None:
    decision = run(READ, status(503), attempt=4)

    assert isinstance(decision, GiveUp)
    assert "4 attempts" in decision.reason


def test_one_attempt_policy_never_retries() -> None:
    policy = RetryPolicy(max_attempts=1)
    decision = decide(policy, READ, 1, status(503), random_value=0.5, now=NOW)

    assert isinstance(decision, GiveUp)


def test_retry_after_seconds_is_honoured() -> None:
    decision = run(READ, status(429, **{"Retry-After": "3"}))

    assert isinstance(decision, Retry)
    assert decision.delay == 3.0
    assert "Retry-After 3" in decision.reason


def test_retry_after_date_is_honoured() -> None:
    when = (NOW + timedelta(seconds=4)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    decision = run(READ, status(429, **{"retry-after": when}))

    assert isinstance(decision, Retry)
    assert decision.delay == 4.0


def test_retry_after_shorter_than_backoff_keeps_backoff() -> None:
    decision = run(READ, status(429, **{"Retry-After": "0"}), attempt=3)

    assert isinstance(decision, Retry)
    assert decision.delay == 4.0


def test_retry_after_beyond_cap_gives_up() -> None:
    decision = run(READ, status(429, **{"Retry-After": "3600"}))

    assert isinstance(decision, GiveUp)
    assert "max_retry_after" in decision.reason
    assert not decision.outcome_unknown


def test_unreadable_retry_after_uses_backoff() -> None:
    decision = run(READ, status(429, **{"Retry-After": "soon"}))

    assert isinstance(decision, Retry)
    assert decision.delay == 1.0


def test_rate_limited_create_not_repeated_by_default() -> None:
    decision = decide(RetryPolicy(), CREATE, 1, status(429), random_value=0.0, now=NOW)

    assert isinstance(decision, GiveUp)
    assert not decision.outcome_unknown


def test_rate_limited_create_repeated_when_enabled() -> None:
    policy = RetryPolicy(retry_rate_limited_creates=True)
    decision = decide(
        policy, CREATE, 1, status(429, **{"Retry-After": "2"}), random_value=0.0, now=NOW
    )

    assert isinstance(decision, Retry)
    assert decision.delay == 2.0


def test_custom_retry_statuses() -> None:
    policy = RetryPolicy(retry_statuses=frozenset({503}))

    assert isinstance(decide(policy, READ, 1, status(503), random_value=0.0, now=NOW), Retry)
    assert isinstance(decide(policy, READ, 1, status(500), random_value=0.0, now=NOW), GiveUp)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_attempts", 0),
        ("initial_delay", -1.0),
        ("max_delay", float("nan")),
        ("multiplier", 0.5),
        ("jitter", 1.5),
        ("max_retry_after", -0.1),
        ("retry_statuses", frozenset({404})),
    ],
)
def test_policy_rejects_bad_values(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(("attempt", "random_value"), [(0, 0.0), (1, 1.0), (1, -0.1)])
def test_decide_rejects_bad_arguments(attempt: int, random_value: float) -> None:
    with pytest.raises(ValueError):
        run(READ, status(503), attempt=attempt, random_value=random_value)


@given(
    attempt=st.integers(min_value=1, max_value=200),
    random_value=st.floats(min_value=0.0, max_value=0.999999),
    code=st.sampled_from([429, 500, 502, 503, 504]),
)
def test_delay_always_within_bounds(attempt: int, random_value: float, code: int) -> None:
    decision = run(READ, status(code), attempt=attempt, random_value=random_value)

    if isinstance(decision, Retry):
        assert 0.0 <= decision.delay <= POLICY.max_delay
    else:
        assert attempt >= POLICY.max_attempts


@given(sent=st.booleans(), idempotent=st.booleans(), attempt=st.integers(1, 10))
def test_create_never_retried_after_possible_send(
    sent: bool, idempotent: bool, attempt: int
) -> None:
    request = READ if idempotent else CREATE
    decision = run(request, Failure(may_have_been_sent=sent), attempt=attempt)

    if sent and not idempotent:
        assert isinstance(decision, GiveUp)
        assert decision.outcome_unknown
