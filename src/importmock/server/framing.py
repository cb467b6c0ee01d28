"""HTTP/1.1 framing for the server: request heads and bodies read, answers written as bytes.

http.server reads each head through `email.parser`, which costs more than importmock spends
answering a request; these readers take the head line by line, keep http.server's limits
(64 KiB a line, 100 headers), and read bodies by Content-Length or by chunks (RFC 9112).
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from importmock.wire.http import HttpResponse

MAX_BODY = 16 * 1024 * 1024  # DynamoDB's request limit, the largest of the families
MAX_LINE = 65536  # http.server's limit for the request line and each header line
MAX_HEADERS = 100  # http.client's limit, which http.server applies to requests
REASONS = {100: "Continue", 200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden"}
REASONS |= {404: "Not Found", 405: "Method Not Allowed", 413: "Request Entity Too Large"}
REASONS |= {414: "Request-URI Too Long", 431: "Request Header Fields Too Large"}
REASONS |= {500: "Internal Server Error", 501: "Not Implemented", 505: "HTTP Version Not Supported"}


class Refused(Exception):
    """A request whose head cannot be read: answered with `status` and the connection closed.

    `request_line` is the start of its request line, where one was read (for the access log).
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.request_line = ""


class Head:
    """A request line and its headers (by lowercase name; repeated ones joined by commas).

    `url` is the request's URL as its Host header and target make it, `path` the target's path.

    Raises:
        Refused: a target or Host that is no URL, a Content-Length that is not one number
            (or too long to be a size), a transfer coding other than chunked.
    """

    __slots__ = ("method", "target", "version", "headers", "chunked", "length", "url", "path")

    def __init__(self, method: str, target: str, version: str, headers: dict[str, str]) -> None:
        self.method, self.target, self.version, self.headers = method, target, version, headers
        self.chunked = _chunked(headers.get("transfer-encoding"))
        length = _length(headers.get("content-length"))
        self.length = None if self.chunked else length  # a chunked body's length is the chunks'
        self.url, self.path = _url(headers.get("host", "localhost"), target)

    def keeps_alive(self) -> bool:
        """Whether the connection stays open after the answer (RFC 9112, section 9.3)."""
        options = {option.strip() for option in self.headers.get("connection", "").lower().split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in options
        return "close" not in options

    def expects_continue(self) -> bool:
        """Whether the client waits for a 100 before it sends the body (never for HTTP/1.0)."""
        return self.version != "HTTP/1.0" and self.headers.get("expect", "").lower() == "100-continue"


def _chunked(transfer_encoding: str | None) -> bool:
    """Whether the body is chunked; other transfer codings are refused (RFC 9112, 6.1)."""
    if transfer_encoding is None:
        return False
    if [coding.strip() for coding in transfer_encoding.lower().split(",")] != ["chunked"]:
        raise Refused(501, f"Unsupported Transfer-Encoding ({transfer_encoding!r})")
    return True


def _length(content_length: str | None) -> int | None:
    """The Content-Length; repeats of one value count as one, others are refused (RFC 9112, 6.3)."""
    if content_length is None:
        return None
    values = {value.strip() for value in content_length.split(",")}
    value = values.pop()
    # past 18 digits a length is no size (and past 4,300, int() refuses to read it)
    if values or not (value.isascii() and value.isdigit()) or len(value.lstrip("0")) > 18:
        raise Refused(400, f"Bad Content-Length ({_shown(content_length)})")
    return int(value)


def _url(host: str, target: str) -> tuple[str, str]:
    """The URL of a request and the path of its target; urllib must read both (the answer does)."""
    try:
        path = urlsplit(target).path
    except ValueError:  # "http://[": an IPv6 host left open
        raise Refused(400, f"Bad request target ({_shown(target)})") from None
    url = f"http://{host}{target}"
    try:
        urlsplit(url)
    except ValueError:
        raise Refused(400, f"Bad Host header ({_shown(host)})") from None
    return url, path


def _shown(text: str) -> str:
    """`text` quoted for an error message, cut at 200 characters."""
    return repr(text) if len(text) <= 200 else repr(text[:200]) + "..."


def read_head(rfile: Any) -> Head | None:
    """The next request's head from `rfile`; None when the client closed the connection.

    Raises:
        Refused: the request line or a header is malformed or over http.server's limits.
        ConnectionAbortedError: the client closed, or went idle, in the middle of the head.
    """
    line = rfile.readline(MAX_LINE + 1)
    if line in (b"\r\n", b"\n"):  # a blank line before a request is ignored (RFC 9112, 2.2)
        line = rfile.readline(MAX_LINE + 1)
    if not line:
        return None
    try:
        return _head(line, rfile)
    except Refused as refusal:
        text = line[:200].decode("latin-1").rstrip()
        refusal.request_line = text + ("..." if len(line) > 200 else "")
        raise


def _head(line: bytes, rfile: Any) -> Head:
    """The head whose request line is `line`, its headers read from `rfile`."""
    if len(line) > MAX_LINE:
        raise Refused(414, "Request-URI Too Long")
    _whole(line)
    words = line.decode("latin-1").split()
    if len(words) != 3:
        raise Refused(400, f"Bad request syntax ({line.decode('latin-1').rstrip()!r})")
    method, target, version = words
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise Refused(505 if version.startswith("HTTP/") else 400, f"Bad request version ({version!r})")
    return Head(method, target, version, read_headers(rfile))


def read_headers(rfile: Any) -> dict[str, str]:
    """The header lines up to the blank line, by lowercase name (obsolete line folding joined)."""
    headers: dict[str, str] = {}
    name = ""
    for _ in range(MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise Refused(431, "Line too long")
        if line in (b"\r\n", b"\n"):
            return headers
        _whole(line)
        text = line.decode("latin-1")
        if text[0] in " \t" and name:  # a continuation of the header before it
            headers[name] += " " + text.strip()
            continue
        name, colon, value = text.partition(":")
        if not colon or not name or name != name.strip():
            raise Refused(400, f"Bad header line ({text.rstrip()!r})")
        name, value = name.lower(), value.strip()
        # repeated fields combine into one list (RFC 9110, 5.3)
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    raise Refused(431, "Too many headers")


def _whole(line: bytes) -> None:
    """Raises ConnectionAbortedError for a line cut off by the end of the connection, or its idling."""
    if not line.endswith(b"\n"):
        raise ConnectionAbortedError("the client stopped in the middle of a request")


def read_chunks(rfile: Any) -> bytes | None:
    """A chunked body (RFC 9112, section 7.1), its trailer read and dropped; None over MAX_BODY.

    Raises:
        Refused: a chunk size line that is not hexadecimal, or a chunk without its CRLF.
        ConnectionAbortedError: the client stopped before the last chunk.
    """
    chunks: list[bytes] = []
    received = 0
    while size := _chunk_size(rfile.readline(MAX_LINE + 1)):
        received += size
        if received > MAX_BODY:  # the rest stays unread: the connection closes after the 413
            return None
        chunk = rfile.read(size + 2)
        if len(chunk) < size + 2:
            raise ConnectionAbortedError("the client stopped in the middle of a chunk")
        if chunk[size:] != b"\r\n":
            raise Refused(400, "Bad chunked body (a chunk does not end with CRLF)")
        chunks.append(chunk[:size])
    read_headers(rfile)  # the trailer section: nothing in it is used
    return b"".join(chunks)


def _chunk_size(line: bytes) -> int:
    """The size on a chunk's first line, its extensions ignored."""
    _whole(line)
    digits = line.split(b";", 1)[0].strip()
    if not digits or digits.strip(b"0123456789abcdefABCDEF"):
        raise Refused(400, f"Bad chunked body (chunk size {digits[:20]!r})")
    return int(digits, 16)


def read_body(stream: Any, length: int | None, chunked: bool) -> bytes | None:
    """`length` bytes of `stream`, or all of a chunked one; None when over MAX_BODY."""
    if length is not None:
        return None if length > MAX_BODY else bytes(stream.read(length))
    if chunked:  # read until the end, up to the limit
        data = bytes(stream.read(MAX_BODY + 1))
        return None if len(data) > MAX_BODY else data
    return b""


_dates: tuple[int, str] = (0, "")


def http_date() -> str:
    """The Date header's value, formatted once per second."""
    global _dates
    second = int(time.time())
    if _dates[0] != second:
        _dates = (second, formatdate(second, usegmt=True))
    return _dates[1]


def answer_bytes(response: HttpResponse, *, close: bool, with_body: bool) -> bytes:
    """The status line, headers and body of `response` as one write."""
    lines = [f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Error')}"]
    lines += [f"{name}: {value}" for name, value in response.headers.items()]
    lines += [f"Content-Length: {len(response.body)}", f"Date: {http_date()}"]
    if close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + response.body if with_body else head
