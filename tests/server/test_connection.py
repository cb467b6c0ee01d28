"""The server's connections, sent as raw bytes: keep-alive, framing, limits, aborts, idling and stop.

Each test checks a promise of docs/server.md, sections "Connections" and "Requests it cannot
answer", over a plain socket so the bytes on the wire are exactly the test's. Every read is
bounded by a socket timeout, so a server that hangs fails the test instead of stalling the run.
A line's size counts its CRLF: a request line or header line of 64 KiB is accepted, one byte
more is refused.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import re
import socket
import time
import urllib.parse
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.model import Shape, StructureShape
from botocore.session import get_session
from botocore.validate import validate_parameters
from server_support import DEFAULT_ACCOUNT, SECRET, Reply

import importmock.server.connection
from importmock.server import ThreadedServer

READ_TIMEOUT = 5.0  # seconds any socket read may block
CLOSE_WITHIN = 3.0  # seconds the server may take to close a connection it must close
KIB_64 = 64 * 1024
MIB_16 = 16 * 1024 * 1024
OPERATION = "ListImports"
TARGET = f"DynamoDB_20120810.{OPERATION}"
BODY = b"{}"
PART_HEAD = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"
PART_BODY = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{}"
STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3}) [^\r\n]*\r\n")


# the client side: raw requests, one answer at a time


class Connection:
    """A raw client connection to a server: bytes out, answers in, every read bounded."""

    def __init__(self, server: ThreadedServer, timeout: float = READ_TIMEOUT) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
        self.stream = self.sock.makefile("rb")

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stream.close()
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self, *, head: bool = False) -> Reply:
        """The next answer on the connection; `head`: the answer to a HEAD request (no body)."""
        status_line = self.stream.readline(KIB_64 + 1)
        assert status_line, "the server closed the connection without an answer"
        match = STATUS_LINE.fullmatch(status_line)
        assert match is not None, f"not a status line: {status_line[:200]!r}"
        headers: dict[str, str] = {}
        while (line := self.stream.readline(KIB_64 + 1)) != b"\r\n":
            assert line.endswith(b"\r\n"), f"cut header line: {line[:200]!r}"
            name, colon, value = line.decode("latin-1").partition(":")
            assert colon, f"header line without a colon: {line[:200]!r}"
            headers[name.strip().lower()] = value.strip()
        status = int(match[1])
        if status < 200:  # an interim answer (100 Continue): no body, no framing headers
            return Reply(status, headers)
        assert "content-length" in headers and "date" in headers, headers
        length = 0 if head else int(headers["content-length"])
        body = self.stream.read(length)
        assert len(body) == length, f"body cut at {len(body)} of {length} bytes"
        return Reply(status, headers, body)

    def assert_closed_by_server(self, within: float = CLOSE_WITHIN) -> None:
        """Fails unless the server closes the connection within `within` seconds, sending nothing."""
        self.sock.settimeout(within)
        try:
            data = self.stream.read(1)
        except ConnectionResetError:
            return
        except TimeoutError:
            pytest.fail(f"the server kept the connection open for {within} s")
        assert data == b"", f"the server sent more bytes: {data!r}"


def signed_head(
    server: ThreadedServer,
    *extra: str,
    method: str = "POST",
    version: str = "HTTP/1.1",
    body: bytes = BODY,
    content_length: bool = True,
) -> bytes:
    """The head of a SigV4-signed ListImports whose body is `body`, up to its blank line.

    `extra` header lines (sent as given, after the signed ones) are not signed, as SigV4 allows.
    """
    request = AWSRequest(
        method=method,
        url=server.url + "/",
        data=body,
        headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.0"},
    )
    SigV4Auth(Credentials(DEFAULT_ACCOUNT, SECRET), "dynamodb", "us-east-1").add_auth(request)
    lines = [f"{method} / {version}", f"Host: {urllib.parse.urlsplit(server.url).netloc}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    lines += extra
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def list_imports(server: ThreadedServer, *extra: str, version: str = "HTTP/1.1") -> bytes:
    """A whole signed ListImports request with a Content-Length body."""
    return signed_head(server, *extra, version=version) + BODY


def chunked_list_imports(server: ThreadedServer, chunks: bytes, *extra: str) -> bytes:
    """A signed ListImports whose body `{}` is sent as the chunked `chunks`."""
    return signed_head(server, "Transfer-Encoding: chunked", *extra, content_length=False) + chunks


def padded(prefix: bytes, suffix: bytes, size: int) -> bytes:
    """`prefix`, then `a`s, then `suffix`: `size` bytes in all."""
    line = prefix + b"a" * (size - len(prefix) - len(suffix)) + suffix
    assert len(line) == size
    return line


def header_count(head: bytes) -> int:
    return len(head.split(b"\r\n")) - 3  # the request line and the blank line's two ends


# the checks of an answer


@functools.cache
def list_imports_output() -> StructureShape:
    shape: Shape | None = get_session().get_service_model("dynamodb").operation_model(OPERATION).output_shape
    assert isinstance(shape, StructureShape)
    return shape


def assert_list_imports(reply: Reply) -> None:
    """A 200 ListImports answer (no imports exist) whose JSON fits the operation's output shape."""
    assert reply.status == 200, (reply.status, reply.body)
    document: Any = reply.json()
    assert isinstance(document, dict), reply.body
    shape = list_imports_output()
    assert set(document) <= set(shape.members), reply.body
    validate_parameters(document, shape)
    assert document == {"ImportSummaryList": []}


def assert_aws_error(reply: Reply, status: int, code: str) -> None:
    """An error the server answers itself: the status, and the code both in `__type` and the header."""
    assert reply.status == status, (reply.status, reply.body)
    assert "json" in reply.headers.get("content-type", ""), reply.headers
    document: Any = reply.json()
    assert isinstance(document, dict), reply.body
    assert str(document.get("__type", "")).rsplit("#", 1)[-1] == code, reply.body
    assert reply.headers.get("x-amzn-errortype", "").split(":", 1)[0] == code, reply.headers


def assert_keeps_open(reply: Reply) -> None:
    assert reply.headers.get("connection", "").lower() != "close", reply.headers


def assert_says_close(reply: Reply) -> None:
    assert reply.headers.get("connection", "").lower() == "close", reply.headers


def assert_error_then_closed(server: ThreadedServer, request: bytes, status: int, code: str) -> None:
    """`request` gets an AWS-style error with a real status line, then the server closes."""
    with Connection(server) as connection:
        connection.send(request)
        reply = connection.answer()
        assert_aws_error(reply, status, code)
        assert_says_close(reply)
        connection.assert_closed_by_server()


def assert_still_serving(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(list_imports(server))
        assert_list_imports(connection.answer())


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    """Overrides conftest's: one server for the module, as stopping one takes half a second.

    The tests only list imports and read the health endpoint, which change nothing.
    """
    with ThreadedServer(port=0) as running:
        yield running


@pytest.fixture(scope="module")
def quick_idle_server() -> Iterator[ThreadedServer]:
    """A server whose connections close after 1 second idle (the limit is read per connection)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importmock.server.connection, "IDLE_SECONDS", 1)
        with ThreadedServer(port=0) as running:
            yield running


# keep-alive and Connection: close


def test_keep_alive_many_requests_share_one_connection(server: ThreadedServer) -> None:
    """200 requests in a row on one connection: each answered, nothing left unread between them."""
    with Connection(server) as connection:
        for _ in range(200):
            connection.send(list_imports(server))
            reply = connection.answer()

            assert_list_imports(reply)
            assert_keeps_open(reply)
            assert int(reply.headers["content-length"]) == len(reply.body)
            date = email.utils.parsedate_to_datetime(reply.headers["date"])
            assert date.tzinfo is not None and abs(time.time() - date.timestamp()) < 120


@pytest.mark.parametrize(
    ("extra", "version"),
    [
        (("Connection: close",), "HTTP/1.1"),
        (("Connection: Close",), "HTTP/1.1"),
        # Connection is a list of options (RFC 9110, 7.6.1): `TE, close` says close too
        (("Connection: TE, close",), "HTTP/1.1"),
        ((), "HTTP/1.0"),  # HTTP/1.0 closes unless it asks for keep-alive
    ],
    ids=["close", "Close", "among-options", "http-1.0"],
)
def test_connection_close_answered_then_closed(
    server: ThreadedServer, extra: tuple[str, ...], version: str
) -> None:
    with Connection(server) as connection:
        connection.send(list_imports(server, *extra, version=version))
        reply = connection.answer()

        assert_list_imports(reply)
        assert_says_close(reply)
        connection.assert_closed_by_server()


@pytest.mark.parametrize("value", ["keep-alive", "Keep-Alive"])
def test_http_1_0_keep_alive_stays_open(server: ThreadedServer, value: str) -> None:
    with Connection(server) as connection:
        for _ in range(2):
            connection.send(list_imports(server, f"Connection: {value}", version="HTTP/1.0"))
            reply = connection.answer()

            assert_list_imports(reply)
            assert_keeps_open(reply)


# HEAD


def test_head_answered_with_headers_only(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(signed_head(server, method="HEAD", body=b""))
        head = connection.answer(head=True)
        connection.send(list_imports(server))
        after = connection.answer()  # a body after the HEAD answer would be read as its status line

        assert int(head.headers["content-length"]) > 0
        assert_list_imports(after)


def test_head_control_endpoint_gets_the_headers_of_get(server: ThreadedServer) -> None:
    """HEAD is GET without the body (RFC 9110, 9.3.2): the same status and Content-Length."""
    with Connection(server) as connection:
        connection.send(b"GET /_importmock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        get = connection.answer()
        connection.send(b"HEAD /_importmock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head = connection.answer(head=True)

        assert get.status == 200 and get.json()["status"] == "ok"
        assert (head.status, head.headers["content-length"]) == (200, str(len(get.body)))


# Expect: 100-continue


def test_expect_continue_sent_before_the_body(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(signed_head(server, "Expect: 100-continue"))
        interim = connection.answer()
        connection.send(BODY)
        reply = connection.answer()

        assert interim.status == 100
        assert_list_imports(reply)
        assert_keeps_open(reply)


def test_expect_continue_body_of_16_mib_gets_continue(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(
            signed_head(
                server, "Expect: 100-continue", f"Content-Length: {MIB_16}", body=b"", content_length=False
            )
        )

        assert connection.answer().status == 100


def test_expect_continue_on_http_1_0_gets_no_continue(server: ThreadedServer) -> None:
    """A 100 is for HTTP/1.1 clients only (RFC 9110, 10.1.1): HTTP/1.0 gets the final answer."""
    with Connection(server) as connection:
        connection.send(signed_head(server, "Expect: 100-continue", version="HTTP/1.0") + BODY)
        reply = connection.answer()

        assert_list_imports(reply)
        connection.assert_closed_by_server()


def test_expect_continue_body_over_16_mib_too_large_at_once(server: ThreadedServer) -> None:
    extra = ("Expect: 100-continue", f"Content-Length: {MIB_16 + 1}")
    head = signed_head(server, *extra, body=b"", content_length=False)

    assert_error_then_closed(server, head, 413, "RequestEntityTooLargeException")


# chunked bodies (signed over the bytes of the body: the server checks the chunks' contents)


def test_chunked_body_answered(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(chunked_list_imports(server, b"1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"))
        first = connection.answer()
        connection.send(list_imports(server))  # nothing of the chunked framing left unread
        second = connection.answer()

        assert_list_imports(first)
        assert_keeps_open(first)
        assert_list_imports(second)


def test_chunked_body_with_chunk_extension_answered(server: ThreadedServer) -> None:
    """Unknown chunk extensions are ignored (RFC 9112, 7.1.1)."""
    with Connection(server) as connection:
        connection.send(chunked_list_imports(server, b"2;name=value\r\n{}\r\n0\r\n\r\n"))

        assert_list_imports(connection.answer())


def test_chunked_body_with_trailer_answered(server: ThreadedServer) -> None:
    """A chunked body may end with trailer fields (RFC 9112, 7.1.2)."""
    with Connection(server) as connection:
        connection.send(chunked_list_imports(server, b"2\r\n{}\r\n0\r\nX-Checksum: 1\r\n\r\n"))

        assert_list_imports(connection.answer())


def test_chunked_body_malformed_size_bad_request(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(chunked_list_imports(server, b"zz\r\n{}\r\n0\r\n\r\n"))
        reply = connection.answer()

        assert_aws_error(reply, 400, "BadRequestException")


def test_chunked_body_over_16_mib_too_large(server: ThreadedServer) -> None:
    chunk = b"x" * (MIB_16 + 1)
    request = chunked_list_imports(server, b"%x\r\n%b\r\n0\r\n\r\n" % (len(chunk), chunk))

    assert_error_then_closed(server, request, 413, "RequestEntityTooLargeException")


def test_chunked_with_content_length_leaves_no_bytes_unread(server: ThreadedServer) -> None:
    """Transfer-Encoding overrides Content-Length (RFC 9112, 6.3): no chunk is read as a request."""
    request = chunked_list_imports(server, b"2\r\n{}\r\n0\r\n\r\n", "Content-Length: 2")
    with Connection(server) as connection:
        connection.send(request)
        first = connection.answer()
        if first.headers.get("connection", "").lower() == "close":
            connection.assert_closed_by_server()
            return
        connection.send(list_imports(server))
        second = connection.answer()

        assert_list_imports(first)
        assert_list_imports(second)


# request lines


@pytest.mark.parametrize(
    ("line", "status"),
    [
        (b"GET", 400),
        (b"GET / HTTP/1.1 extra", 400),
        (b"GET / HTTP/2.0", 505),
        (b"GET / FOO/1.1", 400),
    ],
    ids=["one-word", "four-words", "http-2.0", "foo-version"],
)
def test_request_line_malformed_error_then_closed(server: ThreadedServer, line: bytes, status: int) -> None:
    assert_error_then_closed(server, line + b"\r\nHost: 127.0.0.1\r\n\r\n", status, "BadRequestException")


def assert_nothing_logged_at_error(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """No ERROR record, and no traceback socketserver prints for a handler that raised."""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "target",
    [b"http://[", b"//[", b"http://[::1/"],
    ids=["absolute-open-bracket", "authority-open-bracket", "unclosed-ipv6"],
)
def test_request_target_unparsable_bad_request(
    server: ThreadedServer,
    target: bytes,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request = b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    assert_error_then_closed(server, request, 400, "BadRequestException")
    assert_nothing_logged_at_error(caplog, capsys)
    assert_still_serving(server)


def test_request_target_with_bracket_in_query_answered(server: ThreadedServer) -> None:
    """A bracket after the path names no host: the request is answered as any other."""
    with Connection(server) as connection:
        connection.send(b"GET /_importmock/health?next=http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

        assert connection.answer().status == 200


@pytest.mark.parametrize("host", ["[", "[::1", "a]b"], ids=["open-bracket", "unclosed-ipv6", "close-bracket"])
def test_host_header_unparsable_bad_request(
    server: ThreadedServer, host: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    request = f"GET /_importmock/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

    assert_error_then_closed(server, request, 400, "BadRequestException")
    assert_nothing_logged_at_error(caplog, capsys)


def test_request_line_over_64_kib_uri_too_long(server: ThreadedServer) -> None:
    line = padded(b"GET /_importmock/health?pad=", b" HTTP/1.1\r\n", KIB_64 + 1)

    assert_error_then_closed(server, line + b"Host: 127.0.0.1\r\n\r\n", 414, "RequestURITooLongException")


def test_request_line_of_64_kib_accepted(server: ThreadedServer) -> None:
    line = padded(b"GET /_importmock/health?pad=", b" HTTP/1.1\r\n", KIB_64)
    with Connection(server) as connection:
        connection.send(line + b"Host: 127.0.0.1\r\n\r\n")

        assert connection.answer().status == 200


# header lines


def test_header_line_without_colon_bad_request(server: ThreadedServer) -> None:
    request = signed_head(server, "no-colon-here") + BODY

    assert_error_then_closed(server, request, 400, "BadRequestException")


def test_header_line_over_64_kib_too_large(server: ThreadedServer) -> None:
    line = padded(b"X-Pad: ", b"", KIB_64 + 1 - 2)  # its CRLF makes it 64 KiB and one byte
    request = signed_head(server, line.decode()) + BODY

    assert_error_then_closed(server, request, 431, "RequestHeaderFieldsTooLargeException")


def test_header_line_of_64_kib_accepted(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(signed_head(server, padded(b"X-Pad: ", b"", KIB_64 - 2).decode()) + BODY)

        assert_list_imports(connection.answer())


def test_headers_over_100_too_large(server: ThreadedServer) -> None:
    pad = [f"X-Pad-{n}: v" for n in range(101 - header_count(signed_head(server)))]
    head = signed_head(server, *pad)
    assert header_count(head) == 101

    assert_error_then_closed(server, head + BODY, 431, "RequestHeaderFieldsTooLargeException")


def test_headers_100_accepted(server: ThreadedServer) -> None:
    pad = [f"X-Pad-{n}: v" for n in range(100 - header_count(signed_head(server)))]
    head = signed_head(server, *pad)
    assert header_count(head) == 100
    with Connection(server) as connection:
        connection.send(head + BODY)

        assert_list_imports(connection.answer())


def test_header_folded_line_still_answered(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(signed_head(server, "X-Folded: first", "  second") + BODY)

        assert_list_imports(connection.answer())


@pytest.mark.parametrize("value", ["abc", "-1"])
def test_content_length_invalid_bad_request(server: ThreadedServer, value: str) -> None:
    request = signed_head(server, f"Content-Length: {value}", content_length=False) + BODY

    assert_error_then_closed(server, request, 400, "BadRequestException")


@pytest.mark.parametrize("digits", [19, 5000])
def test_content_length_of_too_many_digits_bad_request(
    server: ThreadedServer, digits: int, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """No body has 19 digits of bytes; past 4,300 digits Python's int() refused to read it."""
    request = signed_head(server, f"Content-Length: {'9' * digits}", content_length=False) + BODY

    assert_error_then_closed(server, request, 400, "BadRequestException")
    assert_nothing_logged_at_error(caplog, capsys)
    assert_still_serving(server)


def test_content_length_with_leading_zeros_answered(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(signed_head(server, f"Content-Length: {len(BODY):030d}", content_length=False) + BODY)

        assert_list_imports(connection.answer())


def test_content_length_repeated_same_value_answered(server: ThreadedServer) -> None:
    with Connection(server) as connection:
        connection.send(signed_head(server, f"Content-Length: {len(BODY)}") + BODY)

        assert_list_imports(connection.answer())


@pytest.mark.parametrize("coding", ["gzip", "gzip, chunked", "chunked, gzip"])
def test_transfer_encoding_other_than_chunked_not_implemented(server: ThreadedServer, coding: str) -> None:
    request = (
        signed_head(server, f"Transfer-Encoding: {coding}", content_length=False) + b"2\r\n{}\r\n0\r\n\r\n"
    )

    assert_error_then_closed(server, request, 501, "NotImplemented")


def test_blank_line_before_request_line_ignored(server: ThreadedServer) -> None:
    """A server should ignore one empty line before a request line (RFC 9112, 2.2)."""
    with Connection(server) as connection:
        connection.send(b"\r\n" + list_imports(server))

        assert_list_imports(connection.answer())


def test_content_length_conflicting_values_bad_request(server: ThreadedServer) -> None:
    """Differing Content-Length values are an unrecoverable framing error (RFC 9112, 6.3)."""
    request = signed_head(server, f"Content-Length: {len(BODY) + 3}") + BODY

    assert_error_then_closed(server, request, 400, "BadRequestException")


# clients that stop in the middle of a request


@pytest.mark.parametrize("part", [PART_HEAD, PART_BODY], ids=["half-head", "half-body"])
def test_client_closing_mid_request_gets_no_answer(server: ThreadedServer, part: bytes) -> None:
    with Connection(server) as other:
        other.send(list_imports(server))
        assert_list_imports(other.answer())
        with Connection(server) as connection:
            connection.send(part)
            connection.sock.shutdown(socket.SHUT_WR)

            connection.assert_closed_by_server()
        other.send(list_imports(server))  # its other connections go on being served

        assert_list_imports(other.answer())
    assert_still_serving(server)


@pytest.mark.parametrize("part", [PART_HEAD, PART_BODY], ids=["half-head", "half-body"])
def test_client_gone_mid_request_server_keeps_serving(server: ThreadedServer, part: bytes) -> None:
    with Connection(server) as connection:
        connection.send(part)

    assert_still_serving(server)


# idle connections


@pytest.mark.parametrize("answered", [False, True], ids=["fresh", "after-an-answer"])
def test_idle_connection_closed_by_server(quick_idle_server: ThreadedServer, answered: bool) -> None:
    with Connection(quick_idle_server) as connection:
        if answered:
            connection.send(list_imports(quick_idle_server))
            assert_list_imports(connection.answer())
        start = time.monotonic()

        connection.assert_closed_by_server()
        assert time.monotonic() - start >= 0.5  # the idle limit, not an immediate close


@pytest.mark.parametrize("part", [PART_HEAD, PART_BODY], ids=["half-head", "half-body"])
def test_idle_client_mid_request_closed_without_answer(
    quick_idle_server: ThreadedServer, part: bytes
) -> None:
    with Connection(quick_idle_server) as connection:
        connection.send(part)

        connection.assert_closed_by_server()
    assert_still_serving(quick_idle_server)


def test_idle_limit_counts_from_the_last_request(quick_idle_server: ThreadedServer) -> None:
    with Connection(quick_idle_server) as connection:
        for _ in range(4):  # 1.2 s in all, over the 1 s limit, but never 1 s idle
            connection.send(list_imports(quick_idle_server))
            assert_list_imports(connection.answer())
            time.sleep(0.3)  # wall time: the idle limit is the kernel's, not the mock clock's
        connection.send(list_imports(quick_idle_server))

        assert_list_imports(connection.answer())


# stopping the server


@pytest.mark.parametrize("answered", [True, False], ids=["kept-alive", "mid-request"])
def test_stop_closes_open_connection_promptly(answered: bool) -> None:
    with ThreadedServer(port=0) as server, Connection(server) as connection:
        if answered:
            connection.send(list_imports(server))
            assert_list_imports(connection.answer())
        else:
            connection.send(PART_HEAD)
        start = time.monotonic()
        server.stop()

        assert time.monotonic() - start < CLOSE_WITHIN
        connection.assert_closed_by_server()


# pipelining


def test_pipelined_requests_answered_in_order(server: ThreadedServer) -> None:
    health = b"GET /_importmock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with Connection(server) as connection:
        connection.send(list_imports(server) + health + list_imports(server))

        assert_list_imports(connection.answer())
        assert connection.answer().json()["status"] == "ok"
        assert_list_imports(connection.answer())


# the access log


def test_access_log_names_each_request_line_and_status(caplog: pytest.LogCaptureFixture) -> None:
    """A refused request logs its own line, not the path of the connection's request before it."""
    with (
        caplog.at_level(logging.INFO, logger="werkzeug"),
        ThreadedServer(port=0, access_log=True) as logged,
        Connection(logged) as connection,
    ):
        connection.send(list_imports(logged))
        assert_list_imports(connection.answer())
        connection.send(b"GET /\x01 HTTP/9.9\r\n\r\n")
        assert connection.answer().status == 505

    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any('"POST / HTTP/1.1" 200 ' in line for line in lines), lines
    assert any('"GET /\\x01 HTTP/9.9" 505 ' in line for line in lines), lines
