"""Patches botocore.httpsession.URLLib3Session.send; the stack of active mocks.

Every botocore client sends through that one method, so patching the class covers clients
created before the mock started and sessions created before importmock was imported. A
client created before the mock on a machine without credentials would fail to sign before
it sends, so while a mock is active such a client signs with the fake credentials too.
The patches and the fake credentials are process-wide: they are put in place when the
first mock starts and removed, exactly, when the last one stops; the innermost active mock
answers.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session
from botocore.signers import RequestSigner

from importmock.core import import_hook
from importmock.core.errors import NotImplementedOperation, UnmockedRequest
from importmock.core.protocols import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from importmock.core.uploads import Receipt

# Present while any mock is active, so no real credentials are read and clients find a
# region; the region is only a default: a value the user set is kept. A real session token
# is hidden rather than faked, so requests are signed as with plain keys (and faster).
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "IMPORTMOCKACCESSKEY",
    "AWS_SECRET_ACCESS_KEY": "importmock-secret-access-key",
}
HIDDEN = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
DEFAULT_REGION = {"AWS_DEFAULT_REGION": "us-east-1"}


class Responder(Protocol):
    """What the stack holds: something that answers a request (an ImportMock)."""

    def answer(self, request: HttpRequest) -> HttpResponse: ...

    def receive_object(self, method: str, url: str, body: bytes) -> Receipt: ...

    def claims(self, request: HttpRequest) -> bool: ...


@dataclass(slots=True)
class Patch:
    """A replacement of `owner.name` in `module`, made only if that module is already imported.

    For libraries importmock works with but does not depend on (aiobotocore, moto): they are
    never imported by importmock, only patched when the user's code has imported them.
    """

    module: str
    owner: str
    name: str
    replacement: Any
    original: Any = None

    def apply(self) -> None:
        """Puts the replacement in place, unless it already is (on top or under another patch)."""
        owner = getattr(sys.modules.get(self.module), self.owner, None)
        if owner is not None and self.original is None:
            self.original = owner.__dict__[self.name]
            setattr(owner, self.name, self.replacement)

    def undo(self) -> None:
        """Restores the original if the replacement is still on top.

        Under someone else's patch it stays, passing calls on to `original` while no mock
        is active, so their undo brings back a harmless layer, not a stale one.
        """
        owner = getattr(sys.modules.get(self.module), self.owner, None)
        if owner is not None and owner.__dict__.get(self.name) is self.replacement:
            setattr(owner, self.name, self.original)
            self.original = None


_lock = threading.RLock()  # an import the hook sees may happen while it is held
_stack: list[Responder] = []
_on_last_stop: list[Callable[[], None]] = []
_saved_env: dict[str, str | None] = {}  # as the first start found them
_set_env: dict[str, str | None] = {}  # as the first start left them
_original_send: Any = URLLib3Session.__dict__["send"]
_original_auth: Any = RequestSigner.__dict__["get_auth_instance"]
_optional: list[Patch] = []
# who answers a botocore request the active mock does not claim (moto's stubber, when moto is
# active); registered by core/coexist.py, so this module imports none of the patch modules
_fallbacks: list[Callable[[AWSPreparedRequest], AWSResponse | None]] = []


def optional_patches() -> list[Patch]:
    """The patches for aiobotocore and moto (core/aio.py, core/coexist.py), made once.

    Each also applies when its module is imported while a mock is active (core/import_hook.py).
    """
    if not _optional:
        from importmock.core import aio, coexist

        _optional.extend((*aio.PATCHES, *coexist.PATCHES))
        for module in {patch.module for patch in _optional}:
            import_hook.when_imported(module, _apply_imported(module))
    return _optional


def _apply_imported(module: str) -> Callable[[], None]:
    """Applies the patches of `module` just imported, if a mock is still active."""

    def apply() -> None:
        with _lock:
            if _stack:
                for patch in _optional:
                    if patch.module == module:
                        patch.apply()

    return apply


def when_imported(module: str, action: Callable[[], None]) -> None:
    """Runs `action` when `module` is imported while a mock is active (requests, say)."""
    import_hook.when_imported(module, action)


def fall_back_to(answer: Callable[[AWSPreparedRequest], AWSResponse | None]) -> None:
    """Asks `answer` for the requests no mock claims (it returns None when it has no answer)."""
    if answer not in _fallbacks:
        _fallbacks.append(answer)


def activate(responder: Responder) -> None:
    """Puts `responder` on top of the stack, patching botocore if it is the first."""
    with _lock:
        if not _stack:
            names = (*FAKE_CREDENTIALS, *HIDDEN, *DEFAULT_REGION)
            _saved_env.update({name: os.environ.get(name) for name in names})
            os.environ.update(FAKE_CREDENTIALS)
            for name in HIDDEN:
                os.environ.pop(name, None)
            for name, value in DEFAULT_REGION.items():
                os.environ.setdefault(name, value)
            _set_env.update({name: os.environ.get(name) for name in names})
            URLLib3Session.send = _send  # type: ignore[method-assign, assignment]
            RequestSigner.get_auth_instance = _get_auth_instance  # type: ignore[method-assign, assignment]
        for patch in optional_patches():  # on every start: the library may be imported since
            patch.apply()
        import_hook.install()  # and for libraries imported while the mock is active
        _stack.append(responder)


def deactivate(responder: Responder) -> None:
    """Takes `responder` off the stack (wherever it is), unpatching after the last one."""
    with _lock:
        for index in range(len(_stack) - 1, -1, -1):
            if _stack[index] is responder:
                del _stack[index]
                break
        if _stack:
            return
        if URLLib3Session.__dict__.get("send") is _send:
            URLLib3Session.send = _original_send  # type: ignore[method-assign]
        if RequestSigner.__dict__.get("get_auth_instance") is _get_auth_instance:
            RequestSigner.get_auth_instance = _original_auth  # type: ignore[method-assign]
        import_hook.uninstall()
        for patch in optional_patches():
            patch.undo()
        _restore_env()
        undo, _on_last_stop[:] = list(_on_last_stop), []
    for release in reversed(undo):
        release()


def _restore_env() -> None:
    """Puts back the variables the first start changed, where they are still as it left them.

    A variable changed since (by moto stopping first, say) is someone else's now: theirs stands.
    """
    for name, value in _saved_env.items():
        if os.environ.get(name) != _set_env.get(name):
            continue
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved_env.clear()
    _set_env.clear()


def on_last_stop(release: Callable[[], None]) -> None:
    """Runs `release` when the last active mock stops (for patches made while active)."""
    with _lock:
        _on_last_stop.append(release)


def active() -> Responder | None:
    """The mock that answers now, if any."""
    return _stack[-1] if _stack else None


def _send(session: URLLib3Session, request: AWSPreparedRequest) -> AWSResponse:
    responder = active()
    if responder is None:  # someone patched over us; we pass through untouched
        return _original_send(session, request)  # type: ignore[no-any-return]
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
    for answer in _fallbacks:
        request.body = body
        handed = answer(request)
        if handed is not None:
            return handed
    return None


def _get_auth_instance(signer: RequestSigner, *args: Any, **kwargs: Any) -> Any:
    return _original_auth(signer, *args, **with_fake_credentials(signer, kwargs))


def with_fake_credentials(signer: RequestSigner, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` of get_auth_instance, with the fake credentials if the client has none."""
    unsigned = getattr(signer, "_credentials", None) is None
    if active() is not None and kwargs.get("request_credentials") is None and unsigned:
        kwargs["request_credentials"] = Credentials(
            FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"], FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
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
