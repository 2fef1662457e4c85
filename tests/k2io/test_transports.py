"""One contract suite, run over every transport against servers on 127.0.0.1.

Transports: urllib3 (the default), the standard library, and the callable adapter around the
`requests` and `httpx` examples (skipped when those packages are missing).
"""

from __future__ import annotations

import ssl
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from loopback import (
    HttpServer,
    RawServer,
    Received,
    Unaccepting,
    close_without_answer,
    refused_base,
    reset_midway,
    stall,
)

from k2core.http import Headers, Request, Response
from k2io.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TLSError,
    TransportError,
)
from k2io.transports import (
    CallableTransport,
    StdlibTransport,
    Timeout,
    Transport,
    Urllib3Transport,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

QUICK = Timeout(connect=0.5, read=0.5)

TransportFactory = Callable[[ssl.SSLContext | None], Transport]


def _urllib3(context: ssl.SSLContext | None) -> Transport:
    return Urllib3Transport(ssl_context=context)


def _stdlib(context: ssl.SSLContext | None) -> Transport:
    return StdlibTransport(ssl_context=context)


def _requests(context: ssl.SSLContext | None) -> Transport:
    pytest.importorskip("requests")
    import requests
    from requests.adapters import HTTPAdapter
    from transport_requests import requests_transport

    class ContextAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: object, **kwargs: object) -> None:
            kwargs["ssl_context"] = context
            super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]

    session = requests.Session()
    if context is not None:
        session.mount("https://", ContextAdapter())
    return requests_transport(session)


def _httpx(context: ssl.SSLContext | None) -> Transport:
    pytest.importorskip("httpx")
    import httpx
    from transport_httpx import httpx_transport

    verify: ssl.SSLContext | bool = context if context is not None else True
    return httpx_transport(httpx.Client(verify=verify, trust_env=False))


FACTORIES: dict[str, TransportFactory] = {
    "urllib3": _urllib3,
    "stdlib": _stdlib,
    "requests": _requests,
    "httpx": _httpx,
}


@pytest.fixture(params=sorted(FACTORIES))
def make_transport(request: pytest.FixtureRequest) -> Iterator[TransportFactory]:
    made: list[Transport] = []

    def make(context: ssl.SSLContext | None = None) -> Transport:
        transport = FACTORIES[request.param](context)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()


@pytest.fixture
def transport(make_transport: TransportFactory) -> Transport:
    return make_transport(None)


def _echo(received: Received) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [
        ("X-Method", received.method),
        ("x-body-length", str(len(received.body))),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Location", "http://127.0.0.1/api/v2/things/1"),
    ]
    return 201, headers, b"echo:" + received.body


def _status(code: int) -> Callable[[Received], tuple[int, list[tuple[str, str]], bytes]]:
    return lambda received: (code, [("Content-Type", "application/json")], b'{"error": "x"}')


def _redirect(received: Received) -> tuple[int, list[tuple[str, str]], bytes]:
    return 302, [("Location", "/echo")], b""


@pytest.fixture(scope="module")
def server() -> Iterator[HttpServer]:
    routes = {"/echo": _echo, "/redirect": _redirect, "/teapot": _status(418)}
    routes.update({f"/status/{code}": _status(code) for code in (400, 401, 429, 500, 503)})
    http = HttpServer(routes)
    yield http
    http.close()


def _request(url: str, method: str = "GET", body: bytes = b"") -> Request:
    headers = Headers([("Accept", "application/json"), ("X-Trace", "t-1")])
    return Request(method, url, headers, body)


def test_round_trip_status_headers_body(transport: Transport, server: HttpServer) -> None:
    body = b'{"amount": "12.50", "note": "\xc3\xa9"}'
    response = transport.send(_request(f"{server.base}/echo?x=1", "POST", body), timeout=QUICK)

    assert isinstance(response, Response)
    assert response.status == 201
    assert response.body == b"echo:" + body
    assert response.headers.get("x-method") == "POST"
    assert response.headers.get("X-BODY-LENGTH") == str(len(body))
    assert response.headers.get("location") == "http://127.0.0.1/api/v2/things/1"
    assert response.headers.get_all("set-cookie") == ["a=1", "b=2"]


def test_request_headers_and_query_arrive(transport: Transport, server: HttpServer) -> None:
    transport.send(_request(f"{server.base}/echo?page=2", "POST", b"{}"), timeout=QUICK)
    received = server.received[-1]
    names = {name.lower(): value for name, value in received.headers}

    assert received.path == "/echo?page=2"
    assert names["x-trace"] == "t-1"
    assert names["accept"] == "application/json"
    assert names["content-length"] == "2"


def test_get_without_body(transport: Transport, server: HttpServer) -> None:
    response = transport.send(_request(f"{server.base}/echo"), timeout=QUICK)

    assert response.status == 201
    assert response.body == b"echo:"


@pytest.mark.parametrize("code", [400, 401, 418, 429, 500, 503])
def test_error_statuses_are_returned(transport: Transport, server: HttpServer, code: int) -> None:
    path = "/teapot" if code == 418 else f"/status/{code}"
    response = transport.send(_request(f"{server.base}{path}"), timeout=QUICK)

    assert response.status == code
    assert response.body == b'{"error": "x"}'


def test_redirect_not_followed(transport: Transport, server: HttpServer) -> None:
    before = len(server.received)
    response = transport.send(_request(f"{server.base}/redirect", "POST", b"{}"), timeout=QUICK)

    assert response.status == 302
    assert response.headers.get("Location") == "/echo"
    assert len(server.received) == before + 1


def test_keeps_working_across_requests(transport: Transport, server: HttpServer) -> None:
    for index in range(5):
        body = str(index).encode()
        response = transport.send(_request(f"{server.base}/echo", "POST", body), timeout=QUICK)
        assert response.body == b"echo:" + body


def test_connection_refused(transport: Transport) -> None:
    with pytest.raises(ConnectError) as caught:
        transport.send(_request(f"{refused_base()}/echo", "POST", b"{}"), timeout=QUICK)

    assert caught.value.may_have_been_sent is False
    assert caught.value.__cause__ is not None


@pytest.mark.skipif(
    sys.platform != "linux", reason="relies on Linux dropping SYNs to a full accept queue"
)
def test_connect_timeout(transport: Transport) -> None:
    target = Unaccepting()
    started = time.monotonic()
    try:
        with pytest.raises(ConnectTimeoutError) as caught:
            transport.send(
                _request(f"{target.base}/echo", "POST", b"{}"),
                timeout=Timeout(connect=0.3, read=5.0),
            )
    finally:
        target.close()

    assert caught.value.may_have_been_sent is False
    assert caught.value.__cause__ is not None
    assert time.monotonic() - started < 3.0


def test_read_timeout(transport: Transport) -> None:
    target = RawServer(stall)
    started = time.monotonic()
    try:
        with pytest.raises(ReadTimeoutError) as caught:
            transport.send(
                _request(f"{target.base}/echo", "POST", b"{}"),
                timeout=Timeout(connect=2.0, read=0.3),
            )
    finally:
        target.close()

    assert caught.value.may_have_been_sent is True
    assert caught.value.__cause__ is not None
    assert time.monotonic() - started < 3.0


def test_reset_mid_response(transport: Transport) -> None:
    target = RawServer(reset_midway)
    try:
        with pytest.raises(ConnectionDroppedError) as caught:
            transport.send(_request(f"{target.base}/echo", "POST", b"{}"), timeout=QUICK)
    finally:
        target.close()

    assert caught.value.may_have_been_sent is True
    assert caught.value.__cause__ is not None


def test_closed_without_answer(transport: Transport) -> None:
    target = RawServer(close_without_answer)
    try:
        with pytest.raises(ConnectionDroppedError) as caught:
            transport.send(_request(f"{target.base}/echo", "POST", b"{}"), timeout=QUICK)
    finally:
        target.close()

    assert caught.value.may_have_been_sent is True
    assert target.accepted == 1


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_server(certificate_authority: trustme.CA) -> Iterator[HttpServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = HttpServer({"/echo": _echo}, ssl_context=context)
    yield server
    server.close()


def test_https_with_trusted_ca(
    make_transport: TransportFactory, https_server: HttpServer, certificate_authority: trustme.CA
) -> None:
    context = ssl.create_default_context()
    certificate_authority.configure_trust(context)
    transport = make_transport(context)

    response = transport.send(_request(f"{https_server.base}/echo", "POST", b"hi"), timeout=QUICK)

    assert response.status == 201
    assert response.body == b"echo:hi"


def test_https_with_untrusted_ca(
    make_transport: TransportFactory, https_server: HttpServer
) -> None:
    transport = make_transport(ssl.create_default_context())
    before = len(https_server.received)

    with pytest.raises(ConnectError) as caught:
        transport.send(_request(f"{https_server.base}/echo", "POST", b"hi"), timeout=QUICK)

    assert caught.value.may_have_been_sent is False
    assert len(https_server.received) == before


def test_untrusted_ca_is_tls_error_for_shipped_transports(https_server: HttpServer) -> None:
    for transport in (Urllib3Transport(), StdlibTransport()):
        with pytest.raises(TLSError):
            transport.send(_request(f"{https_server.base}/echo"), timeout=QUICK)
        transport.close()


def test_shipped_transports_satisfy_protocol() -> None:
    assert isinstance(Urllib3Transport(), Transport)
    assert isinstance(StdlibTransport(), Transport)
    adapter = CallableTransport(lambda request, timeout: Response(200, Headers()))
    assert isinstance(adapter, Transport)


def test_number_timeout_is_accepted(server: HttpServer) -> None:
    for transport in (Urllib3Transport(), StdlibTransport()):
        assert transport.send(_request(f"{server.base}/echo"), timeout=1.5).status == 201
        transport.close()


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan")])
def test_timeout_rejects_bad_values(value: float) -> None:
    with pytest.raises(ValueError, match="connect"):
        Timeout(connect=value)


def test_timeout_rejects_non_numbers() -> None:
    with pytest.raises(TypeError):
        Timeout(read="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        StdlibTransport().send(_request("http://127.0.0.1:9/"), timeout="5")  # type: ignore[arg-type]


class TestCallableAdapter:
    def test_passes_request_and_timeout(self) -> None:
        seen: list[tuple[Request, Timeout]] = []

        def function(request: Request, timeout: Timeout) -> Response:
            seen.append((request, timeout))
            return Response(204, Headers({"X-A": "1"}))

        transport = CallableTransport(function)
        request = _request("http://127.0.0.1:9/x")
        response = transport.send(request, timeout=2.0)

        assert response.status == 204
        assert seen == [(request, Timeout(connect=2.0, read=2.0))]

    def test_k2_errors_pass_through(self) -> None:
        def function(request: Request, timeout: Timeout) -> Response:
            raise ConnectError("refused")

        with pytest.raises(ConnectError) as caught:
            CallableTransport(function).send(_request("http://127.0.0.1:9/"), timeout=1)
        assert caught.value.may_have_been_sent is False

    @pytest.mark.parametrize(
        ("raised", "expected"),
        [
            (TimeoutError("slow"), ReadTimeoutError),
            (ConnectionResetError("reset"), ConnectionDroppedError),
            (OSError("broken"), ConnectionDroppedError),
        ],
    )
    def test_os_errors_become_outcome_unknown(
        self, raised: OSError, expected: type[TransportError]
    ) -> None:
        def function(request: Request, timeout: Timeout) -> Response:
            raise raised

        with pytest.raises(expected) as caught:
            CallableTransport(function).send(_request("http://127.0.0.1:9/"), timeout=1)
        assert caught.value.may_have_been_sent is True
        assert caught.value.__cause__ is raised

    def test_bugs_propagate_unchanged(self) -> None:
        def function(request: Request, timeout: Timeout) -> Response:
            raise KeyError("oops")

        with pytest.raises(KeyError):
            CallableTransport(function).send(_request("http://127.0.0.1:9/"), timeout=1)

    def test_wrong_return_type_rejected(self) -> None:
        transport = CallableTransport(lambda request, timeout: (200, {}, b""))  # type: ignore[arg-type,return-value]

        with pytest.raises(TypeError, match=r"k2core\.Response"):
            transport.send(_request("http://127.0.0.1:9/"), timeout=1)

    def test_close_calls_on_close_once(self) -> None:
        closed: list[int] = []
        transport = CallableTransport(
            lambda request, timeout: Response(200, Headers()), on_close=lambda: closed.append(1)
        )
        transport.close()
        transport.close()

        assert closed == [1]

    def test_rejects_non_callable(self) -> None:
        with pytest.raises(TypeError):
            CallableTransport("not a function")  # type: ignore[arg-type]
