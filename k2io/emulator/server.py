"""The emulator's HTTP server and its in-process handle, `Emulator`.

`Emulator` binds a `ThreadingHTTPServer` to a loopback address (127.0.0.1 and an ephemeral
port by default), and any other host raises ValueError. It serves the emulated K2 API from a
background thread, completes resources after `completion_delay` seconds on a scheduler
thread, and POSTs signed result callbacks from a small pool. Used as a context manager it
starts on entry and stops on exit. It records every request it receives in `requests`, and
applies injected faults (see `k2io.emulator.faults`) before, around or instead of responding.
It never sends anything to a host that is not loopback.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from k2core.config import is_loopback_host
from k2core.http import Headers
from k2io.emulator.callbacks import Delivery, Sender
from k2io.emulator.faults import Fault, FaultTable
from k2io.emulator.handlers import App, Credentials, Reply, reason
from k2io.emulator.payloads import api_error, encode
from k2io.emulator.state import KINDS, Resource, Store
from k2io.emulator.tokens import TokenStore

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "Emulator",
    "RecordedRequest",
    "RequestLog",
]

logger = logging.getLogger("k2io.emulator")

DEFAULT_CLIENT_ID = "k2-emulator-client-id"
DEFAULT_CLIENT_SECRET = "k2-emulator-client-secret"  # noqa: S105 - a documented test value
DEFAULT_API_KEY = "k2-emulator-api-key"

MAX_BODY_SIZE = 1024 * 1024
MAX_DRAINED_SIZE = 8 * 1024 * 1024
# The largest amount the SDK accepts in a request, so a larger balance could not be paid out.
MAX_BALANCE = Decimal("999999999999.99")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received.

    `time` is the wall-clock arrival time in seconds since the epoch; `fault` names the fault
    applied to it, if any. The body is empty when a `drop_before_read` fault left it unread.
    """

    method: str
    path: str
    query: str
    headers: Headers
    body: bytes = field(repr=False)
    time: float
    fault: str | None = None


class RequestLog:
    """A thread-safe, append-only record of received requests."""

    def __init__(self) -> None:
        self._items: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def append(self, request: RecordedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._items.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        """Return the requests received so far, oldest first."""
        with self._lock:
            return list(self._items)

    def matching(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Return the requests with this method and path (either may be omitted)."""
        return [
            request
            for request in self.snapshot()
            if (method is None or request.method == method.upper())
            and (path is None or request.path == path)
        ]

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __getitem__(self, index: int) -> RecordedRequest:
        with self._lock:
            return self._items[index]


class _Scheduler:
    """Runs callables after a delay on one background thread."""

    def __init__(self) -> None:
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._changed = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="k2-emulator-scheduler", daemon=True)
        self._thread.start()

    def call_later(self, delay: float, action: Callable[[], None]) -> None:
        with self._changed:
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._counter), action))
            self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._changed:
                action = self._next_due()
                if action is None:
                    return
            try:
                action()
            except Exception:
                logger.exception("scheduled emulator task failed")

    def _next_due(self) -> Callable[[], None] | None:
        while not self._stopped:
            if not self._queue:
                self._changed.wait()
                continue
            due = self._queue[0][0] - time.monotonic()
            if due <= 0:
                return heapq.heappop(self._queue)[2]
            self._changed.wait(due)
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: Emulator


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, applies any injected fault, and writes the App's reply."""

    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes. Without TCP_NODELAY the body waits for the
    # client's delayed acknowledgement, which added about 40 ms to every reply on Linux here.
    disable_nagle_algorithm = True
    server_version = "k2-emulator"
    sys_version = ""

    def version_string(self) -> str:
        """Return the `Server` header value, without the Python version."""
        return self.server_version

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Send the server's access log to the library logger at debug level, never stderr."""

    def _serve(self) -> None:
        emulator = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path or "/"
        headers = Headers([(name, value) for name, value in self.headers.items()])
        fault = emulator.faults.take(self.command, path)

        # 1. A drop before reading leaves the body unread and processes nothing.
        if fault is not None and fault.name == "drop_before_read":
            self._record(path, parts.query, headers, b"", fault)
            self._drop()
            return

        # 2. Read the body, record the request, then apply faults that replace processing.
        body = self._read_body()
        self._record(path, parts.query, headers, body or b"", fault)
        if body is None:
            return
        if fault is not None and fault.name == "expire_token":
            emulator.tokens.expire_all()
        replacement = _replacement_reply(fault)
        if replacement is not None:
            self._write(replacement)
            return

        # 3. Process, then apply faults that alter or withhold the response.
        try:
            reply = emulator.app.handle(self.command, path, headers, body)
        except Exception:
            # A bug in the emulator must not look like a dropped connection to the client.
            logger.exception("emulator failed to handle %s %s", self.command, path)
            reply = Reply.json(500, api_error(500, "The emulator failed; see its log"))
        if fault is not None and fault.name == "no_location" and reply.status == 201:
            reply = Reply(201, reply.body, _without(reply.headers, "Location"), reply.content_type)
        if fault is not None and fault.name == "drop_after_read":
            self._drop()
            return
        if fault is not None and fault.name == "delay":
            time.sleep(float(fault.options.get("seconds", 1.0)))
        try:
            self._write(reply)
        except (BrokenPipeError, ConnectionResetError):
            # The client stopped waiting, as it does when a delay fault outlasts its timeout.
            logger.info(
                "client closed the connection before %s %s was answered", self.command, path
            )
            self.close_connection = True

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            message = "chunked request bodies are not supported; send Content-Length"
            self._write(Reply.json(411, api_error(411, message)), close=True)
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._write(Reply.json(400, api_error(400, "Content-Length is invalid")), close=True)
            return None
        if length > MAX_BODY_SIZE:
            # Drain a moderately large body so that the client can read the 413 response. A
            # larger one is left unread, and the connection closes after the response.
            if length <= MAX_DRAINED_SIZE:
                self._discard(length)
            message = f"request body of {length} bytes exceeds the limit of {MAX_BODY_SIZE} bytes"
            self._write(Reply.json(413, api_error(413, message)), close=True)
            return None
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)

    def _record(
        self, path: str, query: str, headers: Headers, body: bytes, fault: Fault | None
    ) -> None:
        recorded = RecordedRequest(
            method=self.command,
            path=path,
            query=query,
            headers=headers,
            body=body,
            time=time.time(),
            fault=fault.name if fault is not None else None,
        )
        self.server.emulator.requests.append(recorded)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _write(self, reply: Reply, *, close: bool = False) -> None:
        self.send_response(reply.status, reason(reply.status))
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply.body)
        logger.debug("%s %s -> %s", self.command, urlsplit(self.path).path, reply.status)


def _replacement_reply(fault: Fault | None) -> Reply | None:
    if fault is None:
        return None
    options = fault.options
    if fault.name == "status":
        status = int(options.get("status", 500))
        headers = tuple((str(k), str(v)) for k, v in dict(options.get("headers") or {}).items())
        body = options.get("body")
        if body is None:
            body = api_error(status, reason(status))
        if isinstance(body, str):
            body = body.encode("utf-8")
        if not isinstance(body, bytes):
            body = encode(body)
        return Reply(status, body, headers)
    if fault.name == "rate_limit":
        retry_after = options.get("retry_after", 1)
        body = api_error(429, "Too many requests; retry after the delay in Retry-After")
        return Reply.json(429, body, ("Retry-After", str(retry_after)))
    if fault.name == "html_error":
        status = int(options.get("status", 502))
        page = f"<html><head><title>{status} {reason(status)}</title></head>"
        page += f"<body><h1>{status} {reason(status)}</h1></body></html>"
        return Reply(status, page.encode("utf-8"), content_type="text/html; charset=utf-8")
    return None


def _without(headers: tuple[tuple[str, str], ...], name: str) -> tuple[tuple[str, str], ...]:
    return tuple(pair for pair in headers if pair[0].lower() != name.lower())


class Emulator:
    """A local, stateful stand-in for the K2 Connect API v2, served on a loopback address.

    Use it as a context manager (`with Emulator() as emu:`) or call `start()` and `stop()`.
    `token_lifetime` and `completion_delay` are in seconds; `initial_balance` is in KES.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        api_key: str = DEFAULT_API_KEY,
        token_lifetime: float = 3600.0,
        completion_delay: float = 0.5,
        initial_balance: Decimal = Decimal("1000000"),
        callback_timeout: float = 5.0,
        callback_ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not is_loopback_host(host):
            raise ValueError(f"host must be a loopback address such as 127.0.0.1, not {host!r}")
        for name, value in (("client_id", client_id), ("client_secret", client_secret)):
            if not value:
                raise ValueError(f"{name} must be a non-empty string")
        if not api_key:
            raise ValueError("api_key must be a non-empty string")
        _check_settings(token_lifetime, completion_delay, callback_timeout, initial_balance)

        self._host = host
        self._port = port
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_key = api_key
        self.requests = RequestLog()
        self.faults = FaultTable()
        self.tokens = TokenStore(lifetime=token_lifetime)
        self.store = Store(initial_balance=initial_balance)
        self._completion_delay = completion_delay
        self._sender = Sender(api_key, timeout=callback_timeout, ssl_context=callback_ssl_context)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._scheduler: _Scheduler | None = None
        self._app: App | None = None
        self._stopped = False

    def __repr__(self) -> str:
        state = self.base_url if self._server is not None else "stopped"
        return f"Emulator({state}, client_id={self.client_id!r}, client_secret=***, api_key=***)"

    @property
    def app(self) -> App:
        """The endpoint logic; available once started."""
        if self._app is None:
            raise RuntimeError(
                "the emulator is not running; call start() or use it in a with block"
            )
        return self._app

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`, the base URL to give a client; available once started."""
        if self._server is None:
            raise RuntimeError(
                "the emulator is not running; call start() or use it in a with block"
            )
        address = self._server.server_address
        host = address[0] if isinstance(address[0], str) else address[0].decode("ascii")
        port = address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> Emulator:
        """Bind the port and start serving; return self."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        if self._stopped:
            raise RuntimeError("a stopped emulator cannot be started again; create a new one")
        server_class = _Server6 if ":" in self._host else _Server
        server = server_class((self._host, self._port), _Handler)
        server.emulator = self
        self._server = server
        self._scheduler = _Scheduler()
        credentials = Credentials(self.client_id, self.client_secret, self.api_key)
        self._app = App(
            base_url=self.base_url,
            credentials=credentials,
            tokens=self.tokens,
            store=self.store,
            sender=self._sender,
            schedule=self._scheduler.call_later,
            completion_delay=self._completion_delay,
        )
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        logger.info("K2 emulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving, cancel pending completions and finish queued callbacks."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopped = True
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join()
        if self._scheduler is not None:
            self._scheduler.stop()
        self._sender.close()
        logger.info("K2 emulator stopped")

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def inject(
        self,
        path: str,
        fault: str,
        *,
        method: str | None = None,
        times: int | None = 1,
        **options: Any,
    ) -> Fault:
        """Make requests to `path` misbehave; see `k2io.emulator.faults` for faults and options.

        `path` is exact or a shell-style pattern (`/api/v2/incoming_payments/*`). The fault
        applies to the next `times` matching requests, or to all of them when `times` is None.
        The returned `Fault` counts its `hits`.
        """
        return self.faults.inject(path, fault, method=method, times=times, **options)

    def created(self, kind: str) -> int:
        """Return how many resources of `kind` (such as `"incoming_payments"`) were created."""
        return self.store.count(_checked_kind(kind))

    def resources(self, kind: str) -> list[Resource]:
        """Return the resources of `kind` in creation order."""
        return self.store.resources(_checked_kind(kind))

    def resource(self, url: str) -> Resource:
        """Return the resource at a `Location` URL; raise KeyError if there is none."""
        segments = urlsplit(url).path.strip("/").split("/")
        if len(segments) == 4 and segments[:2] == ["api", "v2"] and segments[2] in KINDS:
            found = self.store.get(segments[2], segments[3])
            if found is not None:
                return found
        raise KeyError(f"no resource at {url}")

    @property
    def balance(self) -> Decimal:
        """The emulated merchant's available balance, in KES."""
        return self.store.balance

    @property
    def callbacks(self) -> list[Delivery]:
        """Every result callback and webhook the emulator attempted, oldest first."""
        return self._sender.deliveries()

    def wait_for_callbacks(self, count: int = 1, timeout: float = 5.0) -> list[Delivery]:
        """Wait until `count` deliveries were attempted; raise TimeoutError after `timeout` s."""
        if not self._sender.wait(lambda deliveries: len(deliveries) >= count, timeout):
            seen = len(self._sender.deliveries())
            raise TimeoutError(f"{seen} of {count} callbacks were sent within {timeout} s")
        return self.callbacks

    def complete(self, url: str) -> None:
        """Complete the resource at `url` now instead of after `completion_delay`."""
        self.app.complete(self.resource(url))

    def pay_payment_link(self, url: str, phone_number: str = "+254722000001") -> None:
        """Record a customer's payment of the link at `url` and send its result callback."""
        problem = self.app.pay_link(self.resource(url), phone_number)
        if problem is not None:
            raise ValueError(problem)

    def trigger(
        self, event_type: str, *, url: str | None = None, daraja: bool | None = None
    ) -> list[Delivery]:
        """Send a signed sample `event_type` event to `url` or to every matching subscription."""
        return self.app.trigger(event_type, url=url, daraja=daraja)

    def expire_tokens(self) -> int:
        """Expire every token issued so far; return how many were still valid."""
        return self.tokens.expire_all()


def _check_settings(
    token_lifetime: float, completion_delay: float, callback_timeout: float, balance: object
) -> None:
    for name, value, least in (
        ("token_lifetime", token_lifetime, "greater than 0"),
        ("completion_delay", completion_delay, "0 or more"),
        ("callback_timeout", callback_timeout, "greater than 0"),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of seconds, not {value!r}")
        valid = value >= 0 if least == "0 or more" else value > 0
        if not (valid and math.isfinite(value)):
            raise ValueError(f"{name} must be a finite number of seconds {least}, got {value!r}")

    # A float cannot be added to the Decimal amounts of payments, so it is rejected here
    # rather than failing the first payment that changes the balance.
    if isinstance(balance, bool) or not isinstance(balance, (int, Decimal)):
        raise TypeError(f"initial_balance must be an int or Decimal amount in KES, not {balance!r}")
    if not (Decimal(balance).is_finite() and 0 <= balance <= MAX_BALANCE):
        raise ValueError(f"initial_balance must be between 0 and {MAX_BALANCE} KES, not {balance}")


def _checked_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of: {', '.join(KINDS)}")
    return kind
