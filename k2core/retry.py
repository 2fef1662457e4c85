"""The retry policy value and the pure decision whether to send a request again.

`decide(policy, request, attempt, failure, random_value=..., now=...)` accepts the attempt that
just failed and how it failed: a `Response` with a 429 or 5xx status, or a transport failure
(any object with `may_have_been_sent: bool`). It returns `Retry(delay, reason)` or
`GiveUp(reason, outcome_unknown)`. It never sleeps, reads a clock or draws a random number: the
caller passes the current time and a random value in `[0, 1)`.

The rules, in the order `decide` applies them:

| failure                                   | idempotent request | create or money-moving request |
| ----------------------------------------- | ------------------ | ------------------------------ |
| not sent (refused, connect timeout, TLS)  | retry              | retry                          |
| may have been sent (read timeout, reset)  | retry              | give up, outcome unknown       |
| 429 Too Many Requests                     | retry              | give up (see below)            |
| 500, 502, 503, 504 (`retry_statuses`)     | retry              | give up, outcome unknown       |
| any other 5xx                             | give up            | give up, outcome unknown       |
| any other status                          | give up            | give up                        |

A 429 usually means a rate limiter rejected the request before processing it, but K2 does not
document that, so a create that got one is not repeated by default: the caller receives the
`RateLimitedError` with its `retry_after` and decides.
`RetryPolicy(retry_rate_limited_creates=True)` repeats such creates for callers who accept
that assumption. A `Retry-After` longer than
`max_retry_after` makes `decide` give up instead of retrying early.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from k2core.http import Request, Response
from k2core.responses import parse_retry_after

__all__ = ["GiveUp", "Retry", "RetryPolicy", "SendFailure", "decide"]


class SendFailure(Protocol):
    """A failure to complete a request over the network, as raised by a transport."""

    @property
    def may_have_been_sent(self) -> bool:
        """Whether the server may have received, and acted on, the request."""
        ...


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How often and how patiently to repeat a failed request.

    Attributes:
        max_attempts: attempts in total, the first included; 1 disables retries.
        initial_delay: seconds before the second attempt.
        multiplier: factor applied to the delay after each further attempt.
        max_delay: upper bound, in seconds, of a backoff delay.
        jitter: fraction of the delay removed at random (0 keeps the delay exact, 1 allows
            anything from zero to the full delay), so many clients do not retry in step.
        max_retry_after: longest `Retry-After`, in seconds, the client waits; a longer
            request makes the client give up.
        retry_statuses: 5xx statuses treated as transient. 429 is handled on its own.
        retry_rate_limited_creates: whether a create or money-moving request that got a 429
            is sent again.
    """

    max_attempts: int = 4
    initial_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 8.0
    jitter: float = 0.5
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = frozenset({500, 502, 503, 504})
    retry_rate_limited_creates: bool = False

    def __post_init__(self) -> None:
        _check_policy(self)

    def backoff(self, attempt: int, random_value: float) -> float:
        """Return the delay in seconds after failed attempt number `attempt` (from 1)."""
        exponent = min(attempt - 1, 64)
        full = min(self.max_delay, self.initial_delay * self.multiplier**exponent)
        return full * (1.0 - self.jitter * random_value)


class Retry(msgspec.Struct, frozen=True):
    """Send the request again after `delay` seconds; `reason` is for the log."""

    delay: float
    reason: str


class GiveUp(msgspec.Struct, frozen=True):
    """Stop retrying.

    `outcome_unknown` is true when a request that is not safe to repeat may have been acted on
    by the server, so the caller must find out what happened before sending it again.
    """

    reason: str
    outcome_unknown: bool = False


Failure = Response | SendFailure


def decide(
    policy: RetryPolicy,
    request: Request,
    attempt: int,
    failure: Failure,
    *,
    random_value: float,
    now: datetime,
) -> Retry | GiveUp:
    """Decide whether to send `request` again after attempt number `attempt` failed.

    `random_value` in `[0, 1)` sets the jitter; `now` (timezone-aware) reads a `Retry-After`
    date. Raises `ValueError` for an attempt below 1 or a random value outside `[0, 1)`.
    """
    if attempt < 1:
        raise ValueError(f"attempt must be 1 or more, got {attempt}")
    if not 0.0 <= random_value < 1.0:
        raise ValueError(f"random_value must be in [0, 1), got {random_value!r}")

    # 1. Whether the failure allows another attempt at all.
    if isinstance(failure, Response):
        verdict = _judge_status(policy, request, failure, now)
    else:
        verdict = _judge_send_failure(request, failure)
    if isinstance(verdict, GiveUp):
        return verdict

    # 2. Whether attempts remain.
    if attempt >= policy.max_attempts:
        # A request that is not safe to repeat only gets here when the server did not act
        # on it, so running out of attempts leaves no unknown outcome.
        return GiveUp(f"{verdict.reason}; gave up after {attempt} attempts")

    # 3. The delay: the backoff, or the server's Retry-After when that is longer.
    delay = max(verdict.delay, policy.backoff(attempt, random_value))
    return Retry(delay, verdict.reason)


def _judge_status(
    policy: RetryPolicy, request: Request, response: Response, now: datetime
) -> Retry | GiveUp:
    status = response.status
    if status == 429:
        return _judge_rate_limit(policy, request, response, now)

    if status >= 500 and not request.idempotent:
        return GiveUp(
            f"HTTP {status} on a request that is not safe to repeat: the server may have "
            "acted on it",
            outcome_unknown=True,
        )
    if status not in policy.retry_statuses:
        return GiveUp(f"HTTP {status} is not transient")
    return Retry(0.0, f"HTTP {status}")


def _judge_rate_limit(
    policy: RetryPolicy, request: Request, response: Response, now: datetime
) -> Retry | GiveUp:
    if not request.idempotent and not policy.retry_rate_limited_creates:
        return GiveUp(
            "HTTP 429 on a request that is not safe to repeat, and retry_rate_limited_creates "
            "is off"
        )

    header = response.headers.get("Retry-After")
    retry_after = parse_retry_after(header, now) if header is not None else None
    if retry_after is None:
        return Retry(0.0, "HTTP 429")
    if retry_after > policy.max_retry_after:
        return GiveUp(
            f"HTTP 429 with Retry-After {retry_after:g} s, longer than max_retry_after "
            f"{policy.max_retry_after:g} s"
        )
    return Retry(retry_after, f"HTTP 429, Retry-After {retry_after:g} s")


def _judge_send_failure(request: Request, failure: SendFailure) -> Retry | GiveUp:
    kind = type(failure).__name__
    if not failure.may_have_been_sent:
        return Retry(0.0, f"{kind} before the request was sent")
    if request.idempotent:
        return Retry(0.0, f"{kind} after the request may have been sent")
    return GiveUp(
        f"{kind} after a request that is not safe to repeat may have been sent",
        outcome_unknown=True,
    )


def _check_policy(policy: RetryPolicy) -> None:
    if policy.max_attempts < 1:
        raise ValueError(f"max_attempts must be 1 or more, got {policy.max_attempts}")
    for name in ("initial_delay", "max_delay", "max_retry_after"):
        value = getattr(policy, name)
        if not value >= 0:
            raise ValueError(f"{name} must be 0 or more seconds, got {value!r}")
    if not policy.multiplier >= 1:
        raise ValueError(f"multiplier must be 1 or more, got {policy.multiplier!r}")
    if not 0 <= policy.jitter <= 1:
        raise ValueError(f"jitter must be between 0 and 1, got {policy.jitter!r}")
    bad = sorted(status for status in policy.retry_statuses if not 500 <= status <= 599)
    if bad:
        raise ValueError(f"retry_statuses may only list 5xx statuses, got {bad}")
