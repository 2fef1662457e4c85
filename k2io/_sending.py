"""The retry loop: send a request through a transport, repeating it while `k2core.retry` allows.

`Sender.send(request)` returns the first response that is final for the retry policy (any
status other than 429 and 5xx, or the last one when retries run out),
and raises the last `TransportError` when every attempt failed that way. When the policy gives
up on a request that is not safe to repeat and the server may have acted on it, it raises
`OutcomeUnknownError`, chained to the transport error or the parsed `ServerError`.

It logs on the `k2io` logger: one debug line per attempt (method, path without query, status or
error class, duration, attempt) and one warning per retry. It never logs headers, bodies, query
strings or credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from urllib.parse import urlsplit

from k2core.errors import K2Error
from k2core.http import Request, Response
from k2core.responses import raise_for_status
from k2core.retry import GiveUp, RetryPolicy, decide
from k2io.errors import OutcomeUnknownError, TransportError
from k2io.transports.base import Timeout, Transport

__all__ = ["Sender", "logger"]

logger = logging.getLogger("k2io")


class Sender:
    """Sends requests with retries. Holds no state between calls, so threads may share it."""

    def __init__(
        self,
        transport: Transport,
        *,
        timeout: Timeout,
        policy: RetryPolicy,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        random: Callable[[], float],
    ) -> None:
        self.transport = transport
        self.timeout = timeout
        self.policy = policy
        self._clock = clock
        self._sleep = sleep
        self._random = random

    def send(self, request: Request) -> Response:
        """Send `request`, retrying as the policy allows; return the final response."""
        attempt = 1
        while True:
            failure = self._attempt(request, attempt)
            if isinstance(failure, Response) and not self._is_retryable_status(failure.status):
                return failure

            decision = decide(
                self.policy,
                request,
                attempt,
                failure,
                random_value=self._random(),
                now=datetime.now(timezone.utc),
            )
            if isinstance(decision, GiveUp):
                return _give_up(request, failure, decision)

            logger.warning(
                "retrying %s %s in %.2f s after attempt %d of %d: %s",
                request.method,
                _path(request.url),
                decision.delay,
                attempt,
                self.policy.max_attempts,
                decision.reason,
            )
            self._sleep(decision.delay)
            attempt += 1

    def _attempt(self, request: Request, attempt: int) -> Response | TransportError:
        started = self._clock()
        try:
            response = self.transport.send(request, timeout=self.timeout)
        except TransportError as exc:
            _log_attempt(request, type(exc).__name__, self._clock() - started, attempt)
            return exc

        _log_attempt(request, str(response.status), self._clock() - started, attempt)
        return response

    def _is_retryable_status(self, status: int) -> bool:
        # Every 5xx goes to `decide`, which turns one on a create into an unknown outcome.
        return status == 429 or status >= 500


def _give_up(request: Request, failure: Response | TransportError, decision: GiveUp) -> Response:
    if isinstance(failure, TransportError):
        if decision.outcome_unknown:
            raise OutcomeUnknownError(request.operation, str(failure)) from failure
        raise failure

    if not decision.outcome_unknown:
        return failure
    try:
        raise_for_status(failure)
    except K2Error as exc:
        raise OutcomeUnknownError(request.operation, str(exc)) from exc
    raise OutcomeUnknownError(request.operation, f"HTTP {failure.status}")


def _log_attempt(request: Request, outcome: str, seconds: float, attempt: int) -> None:
    logger.debug(
        "%s %s -> %s in %.3f s (attempt %d, %s)",
        request.method,
        _path(request.url),
        outcome,
        seconds,
        attempt,
        request.operation or "request",
    )


def _path(url: str) -> str:
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return "<invalid URL>"
