"""Servers on 127.0.0.1 for the transport tests: an HTTP(S) server and raw-socket misbehavers.

`HttpServer` answers every request from `routes`, a mapping of path to a function that takes
the request (method, path, headers, body) and returns (status, header pairs, body). The raw
servers each do one wrong thing: stall without answering, reset halfway through a response,
or never accept (so connecting times out).
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["Received"], tuple[int, list[tuple[str, str]], bytes]]


@dataclass
class Received:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class HttpServer:
    routes: dict[str, Route]
    ssl_context: ssl.SSLContext | None = None
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                received = Received(self.command, self.path, list(self.headers.items()), body)
                server.received.append(received)
                route = server.routes.get(self.path.split("?")[0])
                status, headers, payload = route(received) if route else (404, [], b"")
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if self.ssl_context is not None:
            self._httpd.socket = self.ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class RawServer:
    """A listening socket whose every accepted connection is handed to `behaviour`."""

    def __init__(self, behaviour: Callable[[socket.socket], None]) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._behaviour = behaviour
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _serve(self) -> None:
        self._socket.settimeout(0.05)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._connections.append(connection)
            threading.Thread(target=self._behaviour, args=(connection,), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()
        for connection in self._connections:
            connection.close()


def read_request(connection: socket.socket) -> bytes:
    """Read one request's head and body (by Content-Length) from `connection`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def stall(connection: socket.socket) -> None:
    """Read the request and never answer."""
    read_request(connection)
    threading.Event().wait(10)


def reset_midway(connection: socket.socket) -> None:
    """Read the request, send half a response, then reset the connection."""
    read_request(connection)
    connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial": ')
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def close_without_answer(connection: socket.socket) -> None:
    """Read the request, then close the connection without a byte of response."""
    read_request(connection)
    connection.close()


class Unaccepting:
    """A listening socket that never accepts, with its queue already full.

    Linux drops further SYNs to a full accept queue, so connecting to it times out.
    """

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(0)
        self._fillers: list[socket.socket] = []
        port = self._socket.getsockname()[1]
        for _ in range(3):
            filler = socket.socket()
            filler.settimeout(0.2)
            try:
                filler.connect(("127.0.0.1", port))
            except OSError:
                pass
            self._fillers.append(filler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._socket.close()


def refused_base() -> str:
    """Return a base URL on a loopback port where nothing listens."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}"
