"""Receive Kopo Kopo webhooks and result callbacks in a FastAPI app.

The application's API key (not the client secret) signs both. Run on loopback with:

    K2_API_KEY=... uvicorn examples.webhooks_fastapi:app --host 127.0.0.1 --port 8000

The handler reads the raw body bytes: the signature covers exactly those bytes, so never let
the framework parse and re-serialise JSON before verifying.
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Request, Response

import k2core

app = FastAPI()
API_KEY = os.environ.get("K2_API_KEY", "")
processed_ids: set[str] = set()


async def read_limited_body(request: Request) -> bytes | None:
    """Read the raw body, or return None as soon as it exceeds the size k2core accepts.

    Reading in chunks also bounds a chunked upload, which has no Content-Length to check.
    """
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > k2core.DEFAULT_MAX_BODY_SIZE:
            return None
    return bytes(body)


@app.post("/k2/webhooks")
async def receive_webhook(request: Request) -> Response:
    body = await read_limited_body(request)
    if body is None:
        return Response("body too large", status_code=413)
    try:
        # request.scope["headers"] (ASGI byte pairs) works here as well as request.headers.
        event = k2core.parse_webhook(body, k2core.find_signature(request.headers), API_KEY)
    except k2core.SignatureError:
        return Response("invalid signature", status_code=401)
    except k2core.PayloadError as error:
        return Response(f"invalid payload: {error}", status_code=400)

    if isinstance(event, k2core.SettlementTransferCompleted) and event.id not in processed_ids:
        processed_ids.add(event.id)
    return Response(status_code=200)


@app.post("/k2/callbacks")
async def receive_result(request: Request) -> Response:
    body = await read_limited_body(request)
    if body is None:
        return Response("body too large", status_code=413)
    try:
        result = k2core.parse_result(body, k2core.find_signature(request.scope["headers"]), API_KEY)
    except k2core.SignatureError:
        return Response("invalid signature", status_code=401)
    except k2core.PayloadError as error:
        return Response(f"invalid payload: {error}", status_code=400)

    return Response(result.data.type, status_code=200)
