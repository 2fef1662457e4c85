"""The webhook receiver examples accept signed events and reject forged or broken ones."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

import k2core
from k2core.testing import signed_sample

API_KEY = "example-api-key"
CLIENT_SECRET = "example-client-secret"

Post = Callable[[str, bytes, dict[str, str]], tuple[int, bytes]]


def _load(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("K2_API_KEY", API_KEY)
    return importlib.import_module(f"examples.{name}")


@pytest.fixture
def flask_post(monkeypatch: pytest.MonkeyPatch) -> Iterator[Post]:
    module = _load("webhooks_flask", monkeypatch)
    module.app.config["K2_API_KEY"] = API_KEY
    client = module.app.test_client()

    def post(path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        response = client.post(path, data=body, headers=headers)
        return response.status_code, response.data

    yield post


def _call_asgi(
    app: Any, path: str, body: bytes, headers: dict[str, str], *, chunk_size: int | None = None
) -> tuple[int, bytes]:
    """Send one HTTP request to an ASGI app in-process, as a server would.

    With `chunk_size` the body arrives in chunks of that size without a Content-Length, as a
    chunked upload does.
    """
    length = [] if chunk_size else [(b"content-length", str(len(body)).encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        + length,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    size = chunk_size or max(len(body), 1)
    pieces = [body[start : start + size] for start in range(0, max(len(body), 1), size)]
    messages = [
        {"type": "http.request", "body": piece, "more_body": index < len(pieces) - 1}
        for index, piece in enumerate(pieces)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, content


@pytest.fixture
def fastapi_post(monkeypatch: pytest.MonkeyPatch) -> Iterator[Post]:
    module = _load("webhooks_fastapi", monkeypatch)
    monkeypatch.setattr(module, "API_KEY", API_KEY)

    def post(path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        return _call_asgi(module.app, path, body, headers)

    yield post


@pytest.fixture
def django_post(monkeypatch: pytest.MonkeyPatch) -> Iterator[Post]:
    from django.test import Client

    module = _load("webhooks_django", monkeypatch)
    monkeypatch.setattr(module.settings, "K2_API_KEY", API_KEY)
    client = Client()

    def post(path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        response = client.generic(
            "POST", path, body, content_type="application/json", headers=headers
        )
        return response.status_code, response.content

    yield post


RECEIVERS = ["flask_post", "fastapi_post", "django_post"]


@pytest.mark.parametrize("receiver", RECEIVERS)
def test_receiver_accepts_signed_event(receiver: str, request: pytest.FixtureRequest) -> None:
    post: Post = request.getfixturevalue(receiver)
    sample = signed_sample("buygoods_transaction_received", API_KEY)

    status, _ = post("/k2/webhooks", sample.body, sample.headers)

    assert status == 200


@pytest.mark.parametrize("receiver", RECEIVERS)
def test_receiver_rejects_client_secret_signature(
    receiver: str, request: pytest.FixtureRequest
) -> None:
    post: Post = request.getfixturevalue(receiver)
    sample = signed_sample("settlement_transfer_completed_bank_account", CLIENT_SECRET)

    status, _ = post("/k2/webhooks", sample.body, sample.headers)

    assert status == 401


@pytest.mark.parametrize("receiver", RECEIVERS)
def test_receiver_rejects_missing_signature(receiver: str, request: pytest.FixtureRequest) -> None:
    post: Post = request.getfixturevalue(receiver)
    sample = signed_sample("customer_created", API_KEY)

    status, _ = post("/k2/webhooks", sample.body, {"Content-Type": "application/json"})

    assert status == 401


@pytest.mark.parametrize("receiver", RECEIVERS)
def test_receiver_rejects_tampered_amount(receiver: str, request: pytest.FixtureRequest) -> None:
    post: Post = request.getfixturevalue(receiver)
    sample = signed_sample("buygoods_transaction_received", API_KEY)
    tampered = sample.body.replace(b'"amount":"', b'"amount":"9', 1)

    assert tampered != sample.body
    status, _ = post("/k2/webhooks", tampered, sample.headers)

    assert status == 401


@pytest.mark.parametrize("receiver", RECEIVERS)
def test_receiver_rejects_signed_garbage(receiver: str, request: pytest.FixtureRequest) -> None:
    import k2core

    post: Post = request.getfixturevalue(receiver)
    body = b'{"topic": "buygoods_transaction_received", "id": 5}'
    headers = {"X-KopoKopo-Signature": k2core.sign(body, API_KEY)}

    status, _ = post("/k2/webhooks", body, headers)

    assert status == 400


@pytest.mark.parametrize("receiver", ["flask_post", "fastapi_post"])
def test_receiver_accepts_signed_result(receiver: str, request: pytest.FixtureRequest) -> None:
    post: Post = request.getfixturevalue(receiver)
    sample = signed_sample("incoming_payment_failed", API_KEY)

    status, _ = post("/k2/callbacks", sample.body, sample.headers)

    assert status == 200


def test_flask_receiver_records_event_once(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _load("webhooks_flask", monkeypatch)
    module.app.config["K2_API_KEY"] = API_KEY
    module.processed_ids.clear()
    client = module.app.test_client()
    sample = signed_sample("buygoods_transaction_received", API_KEY)

    for _ in range(2):
        assert (
            client.post("/k2/webhooks", data=sample.body, headers=sample.headers).status_code == 200
        )

    assert len(module.processed_ids) == 1


def test_flask_receiver_rejects_oversize_body(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _load("webhooks_flask", monkeypatch)
    client = module.app.test_client()
    body: Any = b" " * (module.app.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post("/k2/webhooks", data=body, headers={"X-KopoKopo-Signature": "0" * 64})

    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/k2/webhooks", "/k2/callbacks"])
@pytest.mark.parametrize("chunk_size", [None, 64 * 1024])
def test_fastapi_receiver_rejects_oversize_body(
    monkeypatch: pytest.MonkeyPatch, path: str, chunk_size: int | None
) -> None:
    module = _load("webhooks_fastapi", monkeypatch)
    body = b" " * (k2core.DEFAULT_MAX_BODY_SIZE + 1)
    headers = {"X-KopoKopo-Signature": "0" * 64}

    status, _ = _call_asgi(module.app, path, body, headers, chunk_size=chunk_size)

    assert status == 413
