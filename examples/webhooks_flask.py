"""Receive Kopo Kopo webhooks and result callbacks in a Flask app.

The application's API key (not the client secret) signs both. Run on loopback with:

    K2_API_KEY=... flask --app examples/webhooks_flask.py run --host 127.0.0.1 --port 8000

then send a signed sample event to it:

    k2 trigger buygoods_transaction_received --url http://127.0.0.1:8000/k2/webhooks --api-key ...
"""

from __future__ import annotations

import os

from flask import Flask, request

import k2core

app = Flask(__name__)
# Flask returns 413 before reading a body over this size, so it never reaches the HMAC.
app.config["MAX_CONTENT_LENGTH"] = k2core.DEFAULT_MAX_BODY_SIZE
app.config["K2_API_KEY"] = os.environ.get("K2_API_KEY", "")

# K2 may deliver the same event twice: keep the ids you processed (in your database, in
# production) and acknowledge repeats without acting on them again.
processed_ids: set[str] = set()


@app.post("/k2/webhooks")
def receive_webhook() -> tuple[str, int]:
    body = request.get_data(cache=False)
    signature = k2core.find_signature(request.headers)
    try:
        event = k2core.parse_webhook(body, signature, app.config["K2_API_KEY"])
    except k2core.SignatureError:
        return "invalid signature", 401
    except k2core.PayloadError as error:
        return f"invalid payload: {error}", 400

    if isinstance(event, k2core.BuygoodsTransactionReceived):
        if event.id not in processed_ids:
            processed_ids.add(event.id)
            resource = event.event.resource
            app.logger.info("payment %s of KES %s received", resource.reference, resource.amount)
    return "", 200


@app.post("/k2/callbacks")
def receive_result() -> tuple[str, int]:
    body = request.get_data(cache=False)
    signature = k2core.find_signature(request.headers)
    try:
        result = k2core.parse_result(body, signature, app.config["K2_API_KEY"])
    except k2core.SignatureError:
        return "invalid signature", 401
    except k2core.PayloadError as error:
        return f"invalid payload: {error}", 400

    if isinstance(result, k2core.IncomingPaymentResult):
        app.logger.info("STK push %s is %s", result.data.id, result.data.attributes.status)
    return "", 200
