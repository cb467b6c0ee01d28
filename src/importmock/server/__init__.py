"""The server: the in-process mock's `answer` over HTTP, as a WSGI app served by werkzeug.

There is no second code path for AWS behaviour: every AWS request becomes the same
HttpRequest botocore's patched send builds, and the same ImportMock answers it. Only what
HTTP adds is handled here: control calls under /_importmock/, request size, requests the
mock cannot route, which in process raise in the caller but over HTTP need an answer, and
the upload and download URLs the mock hands out, which point at the server itself.
`connection` serves connections, `framing` reads and writes HTTP/1.1 messages, `control`
answers /_importmock/. This package may import `mock` and every layer below it (`wire`,
`jobs`, `errors`, `version`, ...), never `importmock` itself, `cli` or `pytest_plugin`.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from importmock.errors import NotImplementedOperation, UnmockedRequest
from importmock.jobs.uploads import SERVED_PATH, served_from, served_from_reset
from importmock.mock import ImportMock
from importmock.server.connection import Server
from importmock.server.control import PREFIX, control
from importmock.server.framing import MAX_BODY, REASONS, read_body
from importmock.wire.http import HttpRequest, HttpResponse, json_bytes, request_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("importmock.server")


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
        status = f"{response.status} {REASONS.get(response.status, 'Error')}"
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
        if path.startswith(SERVED_PATH):
            return _object(mock, request, body)
        request.body = body
        # upload and download URLs issued while answering point at this server, by the
        # name the client reached it by (a docker-compose service name, a forwarded port)
        token = served_from(_origin(request))
        try:
            return mock.answer(request)
        finally:
            served_from_reset(token)
    except UnmockedRequest:
        return aws_error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    except NotImplementedOperation as gap:
        return aws_error(501, "NotImplemented", str(gap))
    except Exception:  # a bug of importmock: the client gets AWS's 500, the log the traceback
        log.exception("importmock failed to answer %s %s", request.method, request.url)
        return aws_error(500, "InternalServerError", "importmock failed; the server log has the details")


_HOST = re.compile(r"(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _origin(request: HttpRequest) -> str:
    """``http://`` and the Host the client sent (``localhost`` when it sent none that reads)."""
    host = request.headers.get("host", "")
    return f"http://{host if _HOST.fullmatch(host) else 'localhost'}"


def _object(mock: ImportMock, request: HttpRequest, body: bytes) -> HttpResponse:
    """S3's answer to a PUT or GET of an upload or download URL the server handed out."""
    receipt = mock.receive_object(request.method, request.url, body, request.headers)
    headers = {"x-amz-request-id": secrets.token_hex(8).upper()}
    if receipt.error is not None:
        headers["content-type"] = "application/xml"
        return HttpResponse(receipt.status, headers, s3_error(receipt.error, headers["x-amz-request-id"]))
    if request.method == "PUT":
        headers["etag"] = f'"{secrets.token_hex(16)}"'
    else:
        headers["content-type"] = "binary/octet-stream"
    return HttpResponse(receipt.status, headers, receipt.body)


_S3_MESSAGES = {
    "SignatureDoesNotMatch": "The request signature we calculated does not match the signature you "
    "provided. Check your key and signing method.",
    "AccessDenied": "Request has expired",
    "NoSuchKey": "The specified key does not exist.",
}


def s3_error(code: str, request: str) -> bytes:
    """An S3 error document, as S3 answers a presigned URL it refuses."""
    message = _S3_MESSAGES.get(code, code)
    xml = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request}</RequestId></Error>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'.encode()


def _body(environ: WSGIEnvironment) -> bytes | None:
    """The request body, or None when it is over MAX_BODY (read no further than that)."""
    length = environ.get("CONTENT_LENGTH") or ""
    chunked = bool(environ.get("wsgi.input_terminated"))
    return read_body(environ["wsgi.input"], int(length) if length.isdigit() else None, chunked)


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


# what http.server's limits mean, as AWS-style error codes, by status
_REFUSALS = {414: "RequestURITooLongException", 431: "RequestHeaderFieldsTooLargeException"}
_REFUSALS |= {501: "NotImplemented"}


def _refusal(status: int, message: str) -> HttpResponse:
    """The answer to a request whose head cannot be read (too long, malformed)."""
    return aws_error(status, _REFUSALS.get(status, "BadRequestException"), message)


def serve(mock: ImportMock, host: str = "127.0.0.1", port: int = 0, *, access_log: bool = True) -> Server:
    """A bound, threaded werkzeug server for `mock` (not yet serving: call serve_forever)."""

    def answer(request: HttpRequest, path: str, body: bytes | None) -> HttpResponse:
        return respond(mock, request, path, body)

    return Server(host, port, make_app(mock), answer, _refusal, access_log)


class ThreadedServer:
    """The server in a background thread, for tests: ``with ThreadedServer(port=0) as server:``.

    Args:
        port: the TCP port; 0 takes a free one (read it back from `url` or `port`).
        host: the address to bind, loopback by default.
        mock: the ImportMock to serve; by default a new one made from `options`.
        access_log: whether each request is logged (to the ``werkzeug`` logger).
        **options: ImportMock's options (account_id, duration, durations, state, and the
            data plane's s3_endpoint_url, dynamodb_endpoint_url, logs_endpoint_url).
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
        self._server: Server | None = None
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
            server.close_connections()
        if thread is not None:
            thread.join(timeout=10)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
