"""The server's connections: werkzeug's threaded server, each connection kept open.

werkzeug serves the socket and its threads; this handler reads each request itself (see
framing.py) rather than through WSGI. werkzeug would close every connection after its
answer (a WSGI app may leave a body unread); an SDK keeps its connection open between
calls, as AWS's endpoints allow, so a request here costs one read of its head and body and
one write of its answer.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from importmock.server.control import cross_site
from importmock.server.framing import MAX_BODY, Head, Refused, answer_bytes, read_body, read_chunks, read_head
from importmock.wire.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

IDLE_SECONDS = 60  # how long a kept-alive connection may wait for its next request
LINGER_SECONDS = 2  # how long a refused body may still be sent before the connection closes

Answer = Callable[[HttpRequest, str, "bytes | None"], HttpResponse]
Refuse = Callable[[int, str], HttpResponse]


def limit_idling(connection: socket.socket) -> None:
    """Lets a read or write on `connection` wait IDLE_SECONDS at most, then fail.

    The kernel keeps the limit (SO_RCVTIMEO, SO_SNDTIMEO) and the socket stays blocking:
    a Python socket timeout would cost a poll() before every read and write, and a thread
    switch with each: some 5% of a call over loopback. A read that times out
    returns what it has, which read_head takes for the end of the connection. Windows
    reads these options as milliseconds, so it keeps Python's timeout.
    """
    if sys.platform == "win32":
        connection.settimeout(IDLE_SECONDS)
        return
    limit = struct.pack("ll", IDLE_SECONDS, 0)  # struct timeval
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)


class Server(ThreadedWSGIServer):
    """werkzeug's threaded server, with what its connections answer from and the open ones.

    Args:
        answer: turns a request, its path, and its body (None when over MAX_BODY) into a response.
        refuse: the JSON error for a request whose head cannot be read, by status and message.
        access_log: whether each request is logged (to the ``werkzeug`` logger).
    """

    def __init__(
        self, host: str, port: int, app: WSGIApplication, answer: Answer, refuse: Refuse, access_log: bool
    ) -> None:
        super().__init__(host, port, app, Handler)
        self.answer, self.refuse, self.access_log = answer, refuse, access_log
        self.connections: set[socket.socket] = set()

    def close_connections(self) -> None:
        """Ends kept-alive connections, whose threads would otherwise serve on after a stop."""
        for connection in list(self.connections):
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class Handler(WSGIRequestHandler):
    """One connection of a `Server`: its requests read and answered in turn until it closes."""

    protocol_version = "HTTP/1.1"
    timeout = None  # see limit_idling
    # a client writes its head and body apart: with Nagle's algorithm, an answer's bytes
    # would wait for the client to acknowledge what it had before
    disable_nagle_algorithm = True

    @property
    def _server(self) -> Server:
        return cast(Server, self.server)

    def setup(self) -> None:
        super().setup()
        limit_idling(self.connection)
        self._server.connections.add(self.connection)

    def finish(self) -> None:
        self._server.connections.discard(self.connection)
        super().finish()

    def handle(self) -> None:
        try:
            super().handle()
        except BlockingIOError:  # a write waited IDLE_SECONDS on a client that reads nothing
            self.close_connection = True

    def handle_one_request(self) -> None:
        self.command, self.request_version, self.requestline = "", "HTTP/1.1", ""
        try:
            head = read_head(self.rfile)
            if head is None:
                self.close_connection = True
                return
            self.command, self.path, self.request_version = head.method, head.target, head.version
            self.requestline = f"{head.method} {head.target} {head.version}"
            body = self._read_body(head)
        except Refused as refusal:
            self.requestline = refusal.request_line
            self._write(self._server.refuse(refusal.status, str(refusal)), close=True)
            self._drain()
            return
        request = HttpRequest(head.method, head.url, head.headers, b"")
        refused = cross_site(head.method, head.path, head.headers, body)  # a web page's control call
        response = refused or self._server.answer(request, head.path, body)
        # a body left unread (over MAX_BODY) would be taken for the next request's head
        self._write(response, close=body is None or not head.keeps_alive())
        if body is None:
            self._drain()

    def _drain(self) -> None:
        """Reads and drops what the client still sends, for LINGER_SECONDS at most.

        Closing a socket with bytes unread makes the kernel reset the connection, which can
        throw the answer away before the client reads it (RFC 9112, section 9.6): a client
        still sending its 16 MiB would see a broken pipe instead of the 413.
        """
        deadline = time.monotonic() + LINGER_SECONDS
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(LINGER_SECONDS)
            while time.monotonic() < deadline and self.connection.recv(1 << 20):
                pass

    def _read_body(self, head: Head) -> bytes | None:
        """The body of the request `head` starts; None when it is over MAX_BODY (left unread).

        Raises:
            Refused: a chunked body that is not well formed.
            ConnectionAbortedError: the client stopped before the end of the body.
        """
        if head.expects_continue() and (head.length or 0) <= MAX_BODY:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if head.chunked:
            return read_chunks(self.rfile)
        body = read_body(self.rfile, head.length, chunked=False)
        if body is not None and head.length is not None and len(body) < head.length:
            raise ConnectionAbortedError("the client stopped in the middle of a body")
        return body

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One access log line, with the request line as it came (werkzeug's would show the
        path of a connection's previous request for a request refused before its path)."""
        line = self.requestline.encode("unicode_escape").decode("ascii")  # control characters
        self.log("info", '"%s" %s %s', line, code, size)

    def _write(self, response: HttpResponse, *, close: bool) -> None:
        self.close_connection = close
        self.wfile.write(answer_bytes(response, close=close, with_body=self.command != "HEAD"))
        if self._server.access_log:
            self.log_request(response.status, len(response.body))
