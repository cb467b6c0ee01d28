"""The server: the in-process mock's `answer` over HTTP, as a WSGI app served by werkzeug.

There is no second code path for AWS behaviour: every AWS request becomes the same
HttpRequest botocore's patched send builds, and the same ImportMock answers it. Only what
HTTP adds is handled here: control calls under /_importmock/, request size, and requests
the mock cannot route, which in process raise in the caller but over HTTP need an answer.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from werkzeug.serving import BaseWSGIServer, DechunkedInput, WSGIRequestHandler, make_server

from importmock.control import PREFIX, control
from importmock.core.errors import NotImplementedOperation, UnmockedRequest
from importmock.core.mock import ImportMock
from importmock.core.protocols import HttpRequest, HttpResponse, json_bytes, request_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MAX_BODY = 16 * 1024 * 1024  # DynamoDB's request limit, the largest of the families
log = logging.getLogger("importmock.server")
_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}
_REASONS |= {405: "Method Not Allowed", 413: "Request Entity Too Large", 500: "Internal Server Error"}
_REASONS |= {501: "Not Implemented"}


def aws_error(status: int, code: str, message: str) -> HttpResponse:
    """An error for a request no service model can answer.

    It carries the code both as ``__type`` and as ``x-amzn-ErrorType``, which is what the
    JSON and REST-JSON parsers of every AWS SDK read, so the caller's SDK raises it as the
    service's own error.
    """
    headers = {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-errortype": code,
        "x-amzn-requestid": request_id(),
    }
    return HttpResponse(status, headers, json_bytes({"__type": code, "message": message}))


def make_app(mock: ImportMock) -> WSGIApplication:
    """A WSGI application answering AWS requests, and control calls, from `mock`.

    The mock is used as it is, not started: starting would patch this process's botocore,
    which must keep reaching the server over HTTP.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        request = HttpRequest(environ["REQUEST_METHOD"], _url(environ), _headers(environ), b"")
        response = respond(mock, request, path, _body(environ))
        status = f"{response.status} {_REASONS.get(response.status, 'Error')}"
        headers = [*response.headers.items(), ("content-length", str(len(response.body)))]
        start_response(status, headers)
        return [response.body]

    return app


def respond(mock: ImportMock, request: HttpRequest, path: str, body: bytes | None) -> HttpResponse:
    """The answer to `request` (whose `body` is None when it was over MAX_BODY), at `path`."""
    try:
        if body is None:
            return aws_error(413, "RequestEntityTooLargeException", f"The body exceeds {MAX_BODY} bytes")
        if path.startswith(PREFIX) or path == PREFIX.rstrip("/"):
            return control(mock, request.method, path[len(PREFIX) :], body)
        request.body = body
        return mock.answer(request)
    except UnmockedRequest:
        return aws_error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    except NotImplementedOperation as gap:
        return aws_error(501, "NotImplemented", str(gap))
    except Exception:  # a bug of importmock: the client gets AWS's 500, the log the traceback
        log.exception("importmock failed to answer %s %s", request.method, request.url)
        return aws_error(500, "InternalServerError", "importmock failed; the server log has the details")


def _body(environ: WSGIEnvironment) -> bytes | None:
    """The request body, or None when it is over MAX_BODY (read no further than that)."""
    length = environ.get("CONTENT_LENGTH") or ""
    chunked = bool(environ.get("wsgi.input_terminated"))
    return read_body(environ["wsgi.input"], int(length) if length.isdigit() else None, chunked)


def read_body(stream: Any, length: int | None, chunked: bool) -> bytes | None:
    """`length` bytes of `stream`, or all of a chunked one; None when over MAX_BODY."""
    if length is not None:
        return None if length > MAX_BODY else bytes(stream.read(length))
    if chunked:  # read until the end, up to the limit
        data = bytes(stream.read(MAX_BODY + 1))
        return None if len(data) > MAX_BODY else data
    return b""


def _url(environ: WSGIEnvironment) -> str:
    """The URL as the client sent it: REST-JSON labels are read from the raw path."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not target:
        query = environ.get("QUERY_STRING", "")
        target = quote(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")
    return f"http://{environ.get('HTTP_HOST', 'localhost')}{target}"


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request headers by lowercase name, as the protocols look them up."""
    headers = {
        key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


# what http.server refuses before the app sees a request, by status
_REFUSALS = {414: "RequestURITooLongException", 431: "RequestHeaderFieldsTooLargeException"}


class _Handler(WSGIRequestHandler):
    """werkzeug's request handler, answering without WSGI so that connections stay open.

    werkzeug closes every connection after its answer, because a WSGI app may leave a
    request body unread; an SDK then pays a new TCP connection (and a thread) per call.
    Here the handler reads each body whole itself and keeps the connection, as AWS's
    endpoints do; http.server's own refusals become AWS-style JSON errors too.
    """

    timeout = 60  # seconds an idle connection may wait for its next request

    def setup(self) -> None:
        super().setup()
        # the head and the body of an answer go out in two writes: without this, Nagle's
        # algorithm would hold the body until the client acknowledged the head
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        getattr(self.server, "connections", set()).add(self.connection)

    def finish(self) -> None:
        getattr(self.server, "connections", set()).discard(self.connection)
        super().finish()

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline, self.request_version, self.command = "", "", ""
            self.send_error(414)
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():  # it has answered with send_error
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        length = headers.get("content-length", "")
        chunked = headers.get("transfer-encoding", "").lower() == "chunked"
        stream = DechunkedInput(self.rfile) if chunked else self.rfile  # type: ignore[arg-type]
        body = read_body(stream, int(length) if length.isdigit() else None, chunked)
        url = f"http://{headers.get('host', 'localhost')}{self.path}"
        request = HttpRequest(self.command, url, headers, b"")
        self._answer(respond(self.server.app.mock, request, urlsplit(self.path).path, body), body is not None)  # type: ignore[attr-defined]

    def _answer(self, response: HttpResponse, drained: bool) -> None:
        self.send_response(response.status, _REASONS.get(response.status, "Error"))
        for name, value in (*response.headers.items(), ("Content-Length", str(len(response.body)))):
            self.send_header(name, value)
        if not drained:  # an unread body would be taken for the next request
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A request http.server refuses itself (request line too long, bad syntax) as JSON."""
        reason = self.responses.get(code, ("Error",))[0]
        error = aws_error(code, _REFUSALS.get(code, "BadRequestException"), message or reason)
        self.close_connection = True
        self.send_response(code, reason)
        for name, value in (*error.headers.items(), ("Content-Length", str(len(error.body)))):
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(error.body)


class _QuietHandler(_Handler):
    """The request handler without the access log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve(
    mock: ImportMock, host: str = "127.0.0.1", port: int = 0, *, access_log: bool = True
) -> BaseWSGIServer:
    """A bound, threaded werkzeug server for `mock` (not yet serving: call serve_forever)."""
    handler = _Handler if access_log else _QuietHandler
    app = make_app(mock)
    app.mock = mock  # type: ignore[attr-defined]  # what the handler answers from, without WSGI
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    server.connections = set()  # type: ignore[attr-defined]  # open connections, closed at stop
    return server


def _close_connections(server: BaseWSGIServer) -> None:
    """Ends kept-alive connections, whose threads would otherwise serve on after a stop."""
    for connection in list(getattr(server, "connections", ())):
        with contextlib.suppress(OSError):  # already closed by the client
            connection.shutdown(socket.SHUT_RDWR)


class ThreadedServer:
    """The server in a background thread, for tests: ``with ThreadedServer(port=0) as server:``.

    Args:
        port: the TCP port; 0 takes a free one (read it back from `url` or `port`).
        host: the address to bind, loopback by default.
        mock: the ImportMock to serve; by default a new one made from `options`.
        access_log: whether each request is logged (to the ``werkzeug`` logger).
        **options: ImportMock's options (account_id, duration, durations, state).
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        mock: ImportMock | None = None,
        access_log: bool = False,
        **options: Any,
    ) -> None:
        self.mock = mock if mock is not None else ImportMock(**options)
        self._host, self._port, self._access_log = host, port, access_log
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on (the chosen one, once started with port 0)."""
        return self._server.port if self._server is not None else self._port

    @property
    def url(self) -> str:
        """The endpoint URL to give clients, e.g. ``http://127.0.0.1:50123``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def start(self) -> ThreadedServer:
        """Binds and starts serving in a daemon thread; starting a started server does nothing."""
        if self._server is None:
            self._server = serve(self.mock, self._host, self._port, access_log=self._access_log)
            self._thread = threading.Thread(
                target=self._server.serve_forever, name=f"importmock-server-{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and closes the socket; the mock's state stays readable."""
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
            _close_connections(server)
        if thread is not None:
            thread.join(timeout=10)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
