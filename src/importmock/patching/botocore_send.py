"""Patches botocore.httpsession.URLLib3Session.send and botocore's signer.

Every botocore client sends through that one method, so patching the class covers clients
created before the mock started and sessions created before importmock was imported. A
client created before the mock on a machine without credentials would fail to sign before
it sends, so while a mock is active such a client signs with the fake credentials too.
The patches are registered with patching/registry.py, which applies them when the first
mock starts and removes them, exactly, when the last one stops; the innermost mock answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session
from botocore.signers import RequestSigner

from importmock.errors import NotImplementedOperation, UnmockedRequest
from importmock.patching import registry
from importmock.patching.registry import Patch, active
from importmock.wire.http import HttpRequest


def _send(session: URLLib3Session, request: AWSPreparedRequest) -> AWSResponse:
    responder = active()
    if responder is None or hasattr(request, registry.DIRECT):  # patched over us, or upstream data plane
        return (_SEND.original or _BOTOCORE_SEND)(session, request)  # type: ignore[no-any-return]
    asked = http_request(request)
    try:
        answer = responder.answer(asked)
    except (NotImplementedOperation, UnmockedRequest):
        handed = _fallback(request, asked.body)
        if handed is None:
            raise
        return handed
    headers = HeadersDict(answer.headers)  # case-insensitive, as urllib3's are
    return AWSResponse(request.url, answer.status, headers, _Body(answer.body))  # type: ignore[arg-type]


def _fallback(request: AWSPreparedRequest, body: bytes) -> AWSResponse | None:
    """Another mock's answer to a request importmock does not answer, if one is active.

    A client of a session made before moto was imported has no moto handler, so its
    CreateTable reaches this send: moto answers it as it would have at `before-send`.
    The body was read to route it (a stream cannot be read twice), so it goes on as bytes.
    """
    for answer in registry.FALLBACKS:
        request.body = body
        handed = answer(request)
        if handed is not None:
            return handed
    return None


def _get_auth_instance(signer: RequestSigner, *args: Any, **kwargs: Any) -> Any:
    return (_AUTH.original or _BOTOCORE_AUTH)(signer, *args, **with_fake_credentials(signer, kwargs))


def with_fake_credentials(signer: RequestSigner, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` of get_auth_instance, with the fake credentials if the client has none."""
    unsigned = getattr(signer, "_credentials", None) is None
    if active() is not None and kwargs.get("request_credentials") is None and unsigned:
        kwargs["request_credentials"] = Credentials(
            registry.FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"], registry.FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
        )
    return kwargs


def http_request(request: AWSPreparedRequest, *, with_body: bool = True) -> HttpRequest:
    """botocore's prepared request as importmock's HttpRequest.

    botocore's HeadersDict already looks names up case-insensitively, so it is viewed
    rather than copied on every call. Routing needs no body (`with_body=False`), which
    spares reading a stream another mock is about to read.
    """
    return HttpRequest(
        request.method,
        request.url,
        _Headers(cast(Mapping[str, Any], request.headers)),
        _body_bytes(request.body) if with_body else b"",
    )


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    rewind = getattr(body, "tell", None) is not None and getattr(body, "seek", None) is not None
    position = body.tell() if rewind else 0  # type: ignore[attr-defined]
    data = body.read()  # type: ignore[attr-defined]
    if rewind:  # botocore may rewind and resend it; a wrapper without tell (aws-chunked) cannot be
        body.seek(position)  # type: ignore[attr-defined]
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


class _Headers(Mapping[str, str]):
    """A str view of botocore's headers, whose values may be bytes (Authorization is)."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    def __getitem__(self, name: str) -> str:
        value = self._raw[name]
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _Body:
    """The raw body botocore reads a response from (`stream()`, or `read()` if streaming)."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, amount: int | None = None) -> bytes:
        data, self._data = (self._data, b"") if amount is None else (self._data[:amount], self._data[amount:])
        return data


_BOTOCORE_SEND: Any = URLLib3Session.__dict__["send"]  # for a call that races the last stop
_BOTOCORE_AUTH: Any = RequestSigner.__dict__["get_auth_instance"]
_SEND = Patch("botocore.httpsession", "URLLib3Session", "send", _send)
_AUTH = Patch("botocore.signers", "RequestSigner", "get_auth_instance", _get_auth_instance)
registry.register(_SEND, _AUTH)
