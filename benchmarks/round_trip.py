"""Measurement 3: client round trips against the loopback emulator.

One operation is an STK push create (`POST /api/v2/incoming_payments`, which returns 201 with
a `Location`) followed by a status query of that Location (a `GET` that returns 200 and JSON). Every
contender talks to the same `k2io.emulator.Emulator`, run in a separate process on 127.0.0.1
(`benchmarks.emulator_process`), with a valid access token fetched once before timing:

- k2 (urllib3): `k2io.Client` with its default `Urllib3Transport`, keeping the connection alive;
- k2 (stdlib): `k2io.Client` with `StdlibTransport`, one connection per request by design;
- official: the official SDK's `IncomingPaymentsService`, which calls `requests.post` and
  `requests.get`, so each request opens a new connection;
- floor: one urllib3 `HTTPConnectionPool` on a kept-alive connection sending prebuilt header
  and body bytes, reading the `Location` and the status body, and decoding nothing.

While it runs, `benchmarks.loopback.loopback_only` blocks any connection or name lookup that
is not loopback, so nothing can leave the machine whatever a contender is configured to do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3

from benchmarks import official
from benchmarks.emulator_process import EmulatorProcess
from benchmarks.harness import FLOOR, OFFICIAL, OURS, Contender, Goal, Section
from benchmarks.loopback import is_loopback, loopback_only
from benchmarks.settings import Settings

STDLIB_TRANSPORT = "k2-stdlib"

GOALS = [
    Goal("at least 2x the official SDK's throughput", OFFICIAL, OURS, 2.0, at_least=True),
    Goal("within 1.3x of the floor", OURS, FLOOR, 1.3, at_least=False),
]

# A loopback round trip of the floor far above this is waiting, not working.
STALL = 0.02

# Never called: resources stay Pending for the whole run, so no callback is ever sent.
CALLBACK_URL = "https://shop.example.com/k2/stk-results"

STK_PARAMS: dict[str, Any] = {
    "till_number": "K812460",
    "first_name": "Brian",
    "last_name": "Otieno",
    "phone_number": "+254711302845",
    "email": "brian.otieno@example.com",
    "metadata": {"customer_id": "C-004871", "reference": "INV-2026-03-0142"},
    "callback_url": CALLBACK_URL,
}


class Endpoint:
    """The emulator's loopback address and the credentials it accepts."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.base_url = str(settings["base_url"])
        self.client_id = str(settings["client_id"])
        self.client_secret = str(settings["client_secret"])
        parts = urlsplit(self.base_url)
        if parts.scheme != "http" or not is_loopback(parts.hostname):
            raise RuntimeError(f"the emulator must listen on loopback, not {self.base_url!r}")
        self.host = str(parts.hostname)
        self.port = int(parts.port or 80)


def _ours(
    endpoint: Endpoint, transport_name: str
) -> tuple[Callable[[], object], Callable[[], None]]:
    import k2io

    transport: Any = (
        k2io.StdlibTransport() if transport_name == STDLIB_TRANSPORT else k2io.Urllib3Transport()
    )
    client = k2io.Client(
        client_id=endpoint.client_id,
        client_secret=endpoint.client_secret,
        base_url=endpoint.base_url,
        transport=transport,
    )
    params = {**STK_PARAMS, "amount": Decimal("2450")}
    payments = client.incoming_payments

    def round_trip() -> object:
        return payments.get(payments.create(**params))

    return round_trip, client.close


def _official(
    sdk: official.OfficialSdk, endpoint: Endpoint
) -> tuple[Callable[[], object], Callable[[], None]]:
    token = official.request_token(
        sdk, endpoint.base_url, endpoint.client_id, endpoint.client_secret
    )
    params = {
        "payment_channel": "M-PESA STK Push",
        "till_number": STK_PARAMS["till_number"],
        "subscriber": {
            "first_name": STK_PARAMS["first_name"],
            "last_name": STK_PARAMS["last_name"],
            "phone_number": STK_PARAMS["phone_number"],
            "email": STK_PARAMS["email"],
        },
        "amount": {"currency": "KES", "value": 2450},
        "metadata": STK_PARAMS["metadata"],
        "callback_url": CALLBACK_URL,
    }
    service = sdk.incoming_payments.IncomingPaymentsService(
        base_url=official.official_base_url(endpoint.base_url), access_token=token
    )

    def round_trip() -> object:
        return service.query_resource(service.create_incoming_payment(params))

    return round_trip, lambda: None


def _floor(endpoint: Endpoint) -> tuple[Callable[[], object], Callable[[], None]]:
    pool = urllib3.HTTPConnectionPool(endpoint.host, endpoint.port, maxsize=1, retries=False)
    token_body = urlencode(
        {
            "client_id": endpoint.client_id,
            "client_secret": endpoint.client_secret,
            "grant_type": "client_credentials",
        }
    ).encode("ascii")
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    answer = pool.urlopen("POST", "/oauth/token", body=token_body, headers=form)
    token = json.loads(answer.data)["access_token"]

    query_headers = {"Accept": "application/json", "Authorization": f"Bearer {token}"}
    create_headers = {**query_headers, "Content-Type": "application/json"}
    body = json.dumps(
        {
            "payment_channel": "M-PESA STK Push",
            "till_number": STK_PARAMS["till_number"],
            "subscriber": {
                "first_name": STK_PARAMS["first_name"],
                "last_name": STK_PARAMS["last_name"],
                "phone_number": STK_PARAMS["phone_number"],
                "email": STK_PARAMS["email"],
            },
            "amount": {"currency": "KES", "value": 2450},
            "metadata": STK_PARAMS["metadata"],
            "_links": {"callback_url": CALLBACK_URL},
        },
        separators=(",", ":"),
    ).encode("utf-8")

    def round_trip() -> object:
        created = pool.urlopen(
            "POST", "/api/v2/incoming_payments", body=body, headers=create_headers
        )
        location = created.headers["Location"]
        status = pool.urlopen("GET", urlsplit(location).path, headers=query_headers)
        return status.status, status.data

    return round_trip, pool.close


def status_id(value: Any) -> str:
    """Return the payment id a contender read from its status response."""
    if isinstance(value, tuple):
        code, data = value
        if code != 200:
            raise RuntimeError(f"status query returned {code}, expected 200")
        value = json.loads(data)
    if isinstance(value, dict):
        return str(value["data"]["id"])
    return str(value.data.id)


def _contenders(
    endpoint: Endpoint, notes: list[str]
) -> tuple[list[Contender], list[Callable[[], None]]]:
    makers: list[tuple[str, str, Callable[[], tuple[Callable[[], object], Callable[[], None]]]]] = [
        (OURS, "k2 `Client`, urllib3 transport", lambda: _ours(endpoint, "k2-urllib3")),
        (
            STDLIB_TRANSPORT,
            "k2 `Client`, stdlib transport",
            lambda: _ours(endpoint, STDLIB_TRANSPORT),
        ),
        (FLOOR, "floor: raw urllib3, prebuilt bytes", lambda: _floor(endpoint)),
    ]
    sdk = official.load()
    if sdk is None:
        notes.append("official SDK not installed; not measured")
    else:
        makers.append(
            (OFFICIAL, "official: `IncomingPaymentsService`", lambda: _official(sdk, endpoint))
        )

    contenders, closers = [], []
    for key, label, make in makers:
        try:
            run, close = make()
            status_id(run())
        except Exception as exc:  # noqa: BLE001 - any failure is reported, not timed
            notes.append(f"{label} failed: {type(exc).__name__}: {exc}")
            continue
        contenders.append(Contender(key, label, run))
        closers.append(close)
    return contenders, closers


def run(settings: Settings) -> list[Section]:
    """Measure STK create + status round trips against one emulator process."""
    notes = [
        "emulator in a separate process on 127.0.0.1; one operation = create + status query",
    ]
    with loopback_only(), EmulatorProcess() as emulator:
        endpoint = Endpoint(emulator.settings)
        contenders, closers = _contenders(endpoint, notes)
        try:
            rows = settings.time(contenders)
        finally:
            for close in closers:
                close()
    section = Section(
        "Round trip", "STK create + status query", "s", rows, goals=GOALS, notes=notes
    )
    floor_row = section.row(FLOOR)
    if floor_row is not None and floor_row.median > STALL:
        section.notes.append(
            f"the floor, which computes almost nothing, needs {floor_row.median * 1e3:.0f} ms per "
            "operation on a kept-alive connection, so that time is spent waiting on the emulator "
            "and these round-trip ratios say little about the clients"
        )
    return [section]
