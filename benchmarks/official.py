"""Adapters that run the official `k2-connect` 2.0.0 SDK (module `k2connect`) as a contender.

The official SDK is optional: `load()` returns None when it is not installed, and every
measurement then leaves its official contender out and records that in its notes. Each adapter
calls the SDK's own classes and functions, and none re-implements or patches them. To stop
before the HTTP call, the request builders use two private members of its services
(`_build_url` and `_headers`). Round trips go wherever the given base URL points, which the
benchmarks always set to the loopback emulator.
"""

from __future__ import annotations

import hmac
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class OfficialSdk:
    """The imported official modules the benchmarks call."""

    decomposer: ModuleType
    result_processor: ModuleType
    authorization: ModuleType
    incoming_payments: ModuleType
    send_money: ModuleType
    requests: ModuleType
    version: str


def load() -> OfficialSdk | None:
    """Import the official SDK, or return None when `k2connect` is not installed.

    Its modules compare strings with `is`, which newer Pythons flag with a SyntaxWarning when
    the source is first compiled. The warning concerns its code, not the measurement.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import k2connect  # type: ignore[import-not-found, import-untyped, unused-ignore]
            import requests  # type: ignore[import-untyped, unused-ignore]
            from k2connect import (
                authorization,
                incoming_payments_service,
                payload_decomposer,
                result_processor,
                send_money_service,
            )
    except ImportError:
        return None
    return OfficialSdk(
        decomposer=payload_decomposer,
        result_processor=result_processor,
        authorization=authorization,
        incoming_payments=incoming_payments_service,
        send_money=send_money_service,
        requests=requests,
        version=str(k2connect.__version__),
    )


def verify_and_decompose(sdk: OfficialSdk, body: bytes, signature: str, key: bytes) -> Any:
    """Check the HMAC with the SDK's own signature function, then decompose the body.

    `decompose` accepts only `str`, so the body is decoded first, as a caller must. This skips
    `ResultProcessor.process`, which would also parse the JSON and serialise it again, so it
    measures less work than a caller of `process` pays.
    """
    expected = sdk.result_processor.generate_hmac_signature(key, body)
    if not hmac.compare_digest(expected, signature):
        raise ValueError("the HMAC signature does not match the body")
    return sdk.decomposer.decompose(body.decode("utf-8"))


def official_base_url(base_url: str) -> str:
    """Return `base_url` with the trailing slash the official SDK joins paths onto."""
    return base_url.rstrip("/") + "/"


def build_incoming_payment(
    sdk: OfficialSdk, base_url: str, token: str, params: dict[str, Any]
) -> Any:
    """Build the official STK push request up to the bytes `requests` would send.

    This repeats, call for call, what `IncomingPaymentsService.create_incoming_payment` does
    before its HTTP call (model, validation, URL, payload, headers), then lets `requests`
    prepare the request exactly as `requests.post` would.
    """
    service = sdk.incoming_payments.IncomingPaymentsService(
        base_url=official_base_url(base_url), access_token=token
    )
    model = sdk.incoming_payments.IncomingPaymentRequest(**params)
    url = service._build_url(model.endpoint())
    return _prepared(sdk, url, dict(service._headers), model.request_payload())


def build_send_money(sdk: OfficialSdk, base_url: str, token: str, params: dict[str, Any]) -> Any:
    """Build the official send money request up to the bytes `requests` would send.

    Mirrors `SendMoneyService.create_payment` before its HTTP call, then prepares the request
    as `requests.post` would.
    """
    service = sdk.send_money.SendMoneyService(
        base_url=official_base_url(base_url), access_token=token
    )
    model = sdk.send_money.SendMoneyRequest(**params)
    url = service._build_url(model.endpoint())
    return _prepared(sdk, url, dict(service._headers), model.request_body())


def _prepared(sdk: OfficialSdk, url: str, headers: dict[str, str], payload: Any) -> Any:
    return sdk.requests.Request("POST", url, headers=headers, json=payload).prepare()


def request_token(sdk: OfficialSdk, base_url: str, client_id: str, client_secret: str) -> str:
    """Fetch an access token with the official `TokenService`."""
    service = sdk.authorization.TokenService(
        base_url=official_base_url(base_url), client_id=client_id, client_secret=client_secret
    )
    return str(service.request_access_token()["access_token"])
