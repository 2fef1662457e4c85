"""Routing and endpoint logic: a decoded request in, a `Reply` out.

`App.handle(method, path, headers, body)` implements the K2 API on top of the token store and
the resource store: the OAuth endpoints (`/oauth/token`, `/oauth/revoke`, `/oauth/introspect`,
`/oauth/token/info`), every `POST /api/v2/<kind>` create, `GET /api/v2/<kind>/<id>` status
query and `POST /api/v2/payment_links/<id>/cancel`, plus the emulator's own control endpoints
under `/emulator/`. It never touches sockets: the server reads and writes the bytes and
applies injected faults. Error bodies take the API's shapes: `{"error_code",
"error_message"}` for the business API and `{"error", "error_description"}` for OAuth.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from k2core.http import Headers
from k2io.emulator import payloads
from k2io.emulator.callbacks import Delivery, Sender
from k2io.emulator.events import EVENT_TYPES, EventValues, webhook_event
from k2io.emulator.payloads import EAT, JsonObject, api_error, encode, oauth_error
from k2io.emulator.state import KINDS, Resource, Store
from k2io.emulator.tokens import TokenStore
from k2io.emulator.validation import validate

__all__ = ["App", "Reply"]

Schedule = Callable[[float, Callable[[], None]], None]


@dataclass(frozen=True)
class Reply:
    """A response to write: status, extra headers and body bytes (JSON unless stated)."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"

    @classmethod
    def json(cls, status: int, document: object, *headers: tuple[str, str]) -> Reply:
        """Build a reply with `document` encoded as JSON."""
        return cls(status, encode(document), tuple(headers))


class BadRequest(Exception):
    """A request the endpoint rejects; carries the reply to send."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


@dataclass
class Credentials:
    """The one OAuth client the emulator accepts, and the key that signs its callbacks."""

    client_id: str
    client_secret: str = field(repr=False)
    api_key: str = field(repr=False)


class App:
    """The emulated K2 API."""

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Credentials,
        tokens: TokenStore,
        store: Store,
        sender: Sender,
        schedule: Schedule,
        completion_delay: float,
    ) -> None:
        self.base_url = base_url
        self.credentials = credentials
        self.tokens = tokens
        self.store = store
        self.sender = sender
        self._schedule = schedule
        self.completion_delay = completion_delay

    def handle(self, method: str, path: str, headers: Headers, body: bytes) -> Reply:
        """Handle one request and return the reply to send."""
        try:
            return self._route(method, path, headers, body)
        except BadRequest as rejected:
            return rejected.reply

    def _route(self, method: str, path: str, headers: Headers, body: bytes) -> Reply:
        if path.startswith("/oauth/"):
            return self._oauth(method, path, headers, body)
        segments = path.strip("/").split("/")
        if segments[:2] == ["api", "v2"] and len(segments) > 2:
            return self._api(method, segments[2:], headers, body)
        if segments[0] == "emulator":
            return self._control(method, segments[1:], body)
        return _not_found()

    # OAuth

    def _oauth(self, method: str, path: str, headers: Headers, body: bytes) -> Reply:
        routes: dict[str, tuple[str, Callable[[Headers, bytes], Reply]]] = {
            "/oauth/token": ("POST", self._token),
            "/oauth/revoke": ("POST", self._revoke),
            "/oauth/introspect": ("POST", self._introspect),
            "/oauth/token/info": ("GET", self._token_info),
        }
        if path not in routes:
            return _not_found()
        allowed, endpoint = routes[path]
        if method != allowed:
            return _method_not_allowed(allowed)
        return endpoint(headers, body)

    def _token(self, headers: Headers, body: bytes) -> Reply:
        fields = _oauth_fields(headers, body)
        missing = [
            name for name in ("client_id", "client_secret", "grant_type") if not fields.get(name)
        ]
        if missing:
            description = f"missing required parameter: {', '.join(missing)}"
            return Reply.json(400, oauth_error("invalid_request", description))
        if fields["grant_type"] != "client_credentials":
            description = "grant_type must be client_credentials"
            return Reply.json(400, oauth_error("unsupported_grant_type", description))
        self._authenticate_client(fields)

        state = self.tokens.issue(fields["client_id"], time.time())
        document = {
            "access_token": state.token,
            "token_type": "Bearer",
            "expires_in": int(state.lifetime),
            "created_at": int(state.created_at),
        }
        return Reply.json(200, document, ("Cache-Control", "no-store"))

    def _revoke(self, headers: Headers, body: bytes) -> Reply:
        fields = _oauth_fields(headers, body)
        self._authenticate_client(fields)
        if not fields.get("token"):
            return Reply.json(
                400, oauth_error("invalid_request", "missing required parameter: token")
            )
        self.tokens.revoke(fields["token"])
        return Reply.json(200, {})

    def _introspect(self, headers: Headers, body: bytes) -> Reply:
        fields = _oauth_fields(headers, body)
        self._authenticate_client(fields)
        if not fields.get("token"):
            return Reply.json(
                400, oauth_error("invalid_request", "missing required parameter: token")
            )
        state = self.tokens.find(fields["token"])
        if state is None or state.status(time.time()) != "valid":
            return Reply.json(200, {"active": False})
        document = {
            "active": True,
            "scope": "",
            "client_id": state.client_id,
            "token_type": "Bearer",
            "exp": payloads.format_time_seconds(_moment(state.expires_at())),
            "iat": payloads.format_time_seconds(_moment(state.created_at)),
        }
        return Reply.json(200, document)

    def _token_info(self, headers: Headers, body: bytes) -> Reply:
        token = _bearer(headers)
        state = self.tokens.find(token) if token else None
        now = time.time()
        if state is None or state.status(now) != "valid":
            description = "The access token is invalid, expired or revoked."
            return Reply.json(401, oauth_error("invalid_token", description), _challenge())
        document: JsonObject = {
            "resource_owner_id": None,
            "scope": [],
            "expires_in": max(0, int(state.expires_at() - now)),
            "application": {"uid": state.client_id},
            "created_at": int(state.created_at),
        }
        return Reply.json(200, document)

    def _authenticate_client(self, fields: dict[str, str]) -> None:
        expected = self.credentials
        id_ok = hmac.compare_digest(
            fields.get("client_id", "").encode(), expected.client_id.encode()
        )
        secret = fields.get("client_secret", "").encode()
        secret_ok = hmac.compare_digest(secret, expected.client_secret.encode())
        if not (id_ok and secret_ok):
            description = "Client authentication failed: unknown client_id or wrong client_secret."
            raise BadRequest(Reply.json(401, oauth_error("invalid_client", description)))

    # Business API

    def _api(self, method: str, segments: list[str], headers: Headers, body: bytes) -> Reply:
        kind = segments[0]
        if kind not in KINDS or len(segments) > 3:
            return _not_found()
        if len(segments) == 3 and (kind, segments[2]) != ("payment_links", "cancel"):
            return _not_found()

        expected_method = "GET" if len(segments) == 2 else "POST"
        if method != expected_method:
            return _method_not_allowed(expected_method)
        _check_accept(headers)
        self._check_token(headers)

        if len(segments) == 1:
            return self._create(kind, headers, body)
        resource = self._find(kind, segments[1])
        if len(segments) == 3:
            return self._cancel(resource, body)
        return Reply.json(200, self.store.read(resource, payloads.status_body))

    def _check_token(self, headers: Headers) -> None:
        token = _bearer(headers)
        state = self.tokens.find(token) if token else None
        status = state.status(time.time()) if state is not None else "invalid"
        if status == "valid":
            return
        message = "ExpiredAccessToken" if status == "expired" else "InvalidAccessToken"
        raise BadRequest(Reply.json(401, api_error(401, message), _challenge()))

    def _create(self, kind: str, headers: Headers, body: bytes) -> Reply:
        document = _json_body(headers, body)
        problems = validate(kind, document)
        if problems:
            return Reply.json(400, api_error(400, "; ".join(problems)))

        assert isinstance(document, dict)  # validate() reports any other JSON value
        resource = self.store.create(kind, document, self.base_url, _now())
        if self.store.completes(resource):
            self._schedule(self.completion_delay, lambda: self.complete(resource))
        return Reply(201, headers=(("Location", resource.url),))

    def complete(self, resource: Resource) -> None:
        """Move `resource` to its final state and queue its result callback, if it has one."""
        if self.store.complete(resource, _now()) and resource.callback_url:
            body = encode(self.store.read(resource, payloads.result_body))
            self.sender.send(resource.callback_url, body)

    def _find(self, kind: str, resource_id: str) -> Resource:
        resource = self.store.get(kind, resource_id)
        if resource is None:
            message = f"No {KINDS[kind]} with this id exists"
            raise BadRequest(Reply.json(404, api_error(404, message)))
        return resource

    def _cancel(self, resource: Resource, body: bytes) -> Reply:
        if body.strip() not in (b"", b"null", b"{}"):
            return Reply.json(400, api_error(400, "A cancel request takes no body"))
        problem = self.store.cancel_link(resource)
        if problem is not None:
            return Reply.json(400, api_error(400, problem))
        return Reply.json(200, {"message": "Payment link cancelled."})

    # Emulator control endpoints

    def _control(self, method: str, segments: list[str], body: bytes) -> Reply:
        if segments == ["state"]:
            return self._state() if method == "GET" else _method_not_allowed("GET")
        if segments == ["webhooks", "trigger"]:
            if method != "POST":
                return _method_not_allowed("POST")
            return self._trigger_endpoint(body)
        if len(segments) == 3 and segments[0] == "payment_links" and segments[2] == "pay":
            if method != "POST":
                return _method_not_allowed("POST")
            return self._pay_endpoint(segments[1], body)
        return _not_found()

    def _state(self) -> Reply:
        document = {
            "balance": self.store.balance,
            "created": {kind: self.store.count(kind) for kind in KINDS},
            "tokens_issued": self.tokens.issued(),
        }
        return Reply.json(200, document)

    def _trigger_endpoint(self, body: bytes) -> Reply:
        document = _parse_json(body)
        if not isinstance(document, dict) or not isinstance(document.get("event_type"), str):
            return Reply.json(400, api_error(400, "event_type is required"))
        url, daraja = document.get("url"), document.get("daraja")
        if url is not None and not isinstance(url, str):
            return Reply.json(400, api_error(400, "url must be a string"))
        if daraja is not None and not isinstance(daraja, bool):
            return Reply.json(400, api_error(400, "daraja must be true or false"))
        try:
            deliveries = self.trigger(document["event_type"], url=url, daraja=daraja)
        except ValueError as exc:
            return Reply.json(400, api_error(400, str(exc)))
        summary = [{"url": d.url, "status": d.status, "error": d.error} for d in deliveries]
        return Reply.json(200, {"deliveries": summary})

    def trigger(
        self, event_type: str, *, url: str | None = None, daraja: bool | None = None
    ) -> list[Delivery]:
        """Send a signed sample event to `url`, or to every subscription for `event_type`.

        Without `url`, each subscription gets the format it chose with
        `enable_daraja_payload`; `daraja`, when given, overrides that choice.
        """
        if event_type not in EVENT_TYPES:
            raise ValueError(
                f"unknown event type {event_type!r}; expected one of: {', '.join(EVENT_TYPES)}"
            )
        if url is not None:
            return [self._send_event(event_type, url, daraja=bool(daraja), till=None)]
        deliveries = []
        for subscription in self.store.resources("webhook_subscriptions"):
            request = subscription.request
            if request["event_type"] != event_type:
                continue
            chosen = bool(request.get("enable_daraja_payload")) if daraja is None else daraja
            till = request.get("scope_reference") if request["scope"] == "till" else None
            deliveries.append(
                self._send_event(event_type, request["url"], daraja=chosen, till=till)
            )
        return deliveries

    def _send_event(self, event_type: str, url: str, *, daraja: bool, till: str | None) -> Delivery:
        event = webhook_event(event_type, self._event_values(till), daraja=daraja)
        return self.sender.send_now(url, encode(event), kind="webhook")

    def _event_values(self, till: str | None) -> EventValues:
        values = EventValues(base_url=self.base_url, now=_now(), reference=self.store.next_code())
        if till:
            values = EventValues(values.base_url, values.now, values.reference, till_number=till)
        return values

    def _pay_endpoint(self, resource_id: str, body: bytes) -> Reply:
        document: Any = _parse_json(body) if body.strip() else {}
        phone = (
            document.get("phone_number", "+254722000001") if isinstance(document, dict) else None
        )
        if not isinstance(phone, str) or not phone.strip():
            return Reply.json(400, api_error(400, "phone_number must be a non-empty string"))
        problem = self.pay_link(self._find("payment_links", resource_id), phone)
        if problem is not None:
            return Reply.json(400, api_error(400, problem))
        return Reply.json(200, {"message": "Payment link paid."})

    def pay_link(self, resource: Resource, phone_number: str) -> str | None:
        """Pay an active payment link and queue its result; return why it failed, or None."""
        problem = self.store.pay_link(resource, phone_number, _now())
        if problem is None and resource.callback_url:
            body = encode(self.store.read(resource, payloads.result_body))
            self.sender.send(resource.callback_url, body)
        return problem


def _now() -> datetime:
    return datetime.now(EAT)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, EAT)


def _bearer(headers: Headers) -> str | None:
    value = headers.get("Authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _challenge() -> tuple[str, str]:
    return ("WWW-Authenticate", 'Bearer realm="k2-emulator"')


def _check_accept(headers: Headers) -> None:
    accept = headers.get("Accept")
    if accept is None or "json" in accept or "*/*" in accept or "application/*" in accept:
        return
    message = "Only application/json responses are available; send Accept: application/json"
    raise BadRequest(Reply.json(406, api_error(406, message)))


def _oauth_fields(headers: Headers, body: bytes) -> dict[str, str]:
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type == "application/json":
        document = _parse_json(body, oauth=True)
        if not isinstance(document, dict) or not all(
            isinstance(value, str) for value in document.values()
        ):
            description = "the JSON body must be an object of string values"
            raise BadRequest(Reply.json(400, oauth_error("invalid_request", description)))
        return document
    if content_type == "application/x-www-form-urlencoded":
        return _form_fields(body)
    description = "Content-Type must be application/x-www-form-urlencoded or application/json"
    raise BadRequest(Reply.json(400, oauth_error("invalid_request", description)))


def _form_fields(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        description = "the form body is not valid UTF-8 application/x-www-form-urlencoded data"
        raise BadRequest(Reply.json(400, oauth_error("invalid_request", description))) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            description = f"parameter {name} is repeated"
            raise BadRequest(Reply.json(400, oauth_error("invalid_request", description)))
        fields[name] = value
    return fields


def _json_body(headers: Headers, body: bytes) -> Any:
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        message = "Content-Type must be application/json"
        raise BadRequest(Reply.json(400, api_error(400, message)))
    return _parse_json(body)


def _parse_json(body: bytes, *, oauth: bool = False) -> Any:
    try:
        return json.loads(
            body.decode("utf-8"), parse_float=Decimal, parse_constant=_reject_constant
        )
    except (UnicodeDecodeError, ValueError) as exc:
        description = f"The request body is not valid UTF-8 JSON: {exc}"
        error = (
            oauth_error("invalid_request", description) if oauth else api_error(400, description)
        )
        raise BadRequest(Reply.json(400, error)) from None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _not_found() -> Reply:
    return Reply.json(404, api_error(404, "No such endpoint"))


def _method_not_allowed(allowed: str) -> Reply:
    message = f"Method not allowed; this endpoint accepts {allowed}"
    return Reply.json(405, api_error(405, message), ("Allow", allowed))


def reason(status: int) -> str:
    """Return the standard reason phrase of `status`, or `Unknown` for a non-standard code."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
