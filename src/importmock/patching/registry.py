"""The process-wide part of importmock: the stack of active mocks and the patches it keeps.

Every patch module (botocore_send, aio, moto, requests_capture) registers its patches and
hooks here when it is imported, and none imports another: this registry is what they share.
The first mock to start applies every registered patch, sets the fake credentials and
installs the import hook; the last to stop undoes them, exactly; the innermost mock answers.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from importmock.patching import import_hook
from importmock.wire.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from importmock.jobs.uploads import Receipt

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

    def receive_object(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> Receipt: ...

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


Fallback = Callable[[AWSPreparedRequest], "AWSResponse | None"]

_lock = threading.RLock()  # an import the hook sees may happen while it is held
_stack: list[Responder] = []
_patches: list[Patch] = []
_on_last_stop: list[Callable[[], None]] = []
_saved_env: dict[str, str | None] = {}  # as the first start found them
_set_env: dict[str, str | None] = {}  # as the first start left them
# who answers a botocore request the active mock does not claim (moto's stubber, when moto is active)
FALLBACKS: list[Fallback] = []


def register(*patches: Patch) -> None:
    """Adds patches applied on every start, and when their module is imported while active."""
    with _lock:
        for patch in patches:
            _patches.append(patch)
            import_hook.when_imported(patch.module, _apply_imported(patch.module))


def _apply_imported(module: str) -> Callable[[], None]:
    """Applies the patches of `module` just imported, if a mock is still active."""

    def apply() -> None:
        with _lock:
            if _stack:
                for patch in _patches:
                    if patch.module == module:
                        patch.apply()

    return apply


def when_imported(module: str, action: Callable[[], None]) -> None:
    """Runs `action` when `module` is imported while a mock is active (requests, say)."""
    import_hook.when_imported(module, action)


def fall_back_to(answer: Fallback) -> None:
    """Asks `answer` for the requests no mock claims (it returns None when it has no answer)."""
    if answer not in FALLBACKS:
        FALLBACKS.append(answer)


def activate(responder: Responder) -> None:
    """Puts `responder` on top of the stack, patching botocore if it is the first."""
    with _lock:
        if not _stack:
            _set_fake_env()
        for patch in _patches:  # on every start: a library may have been imported since
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
        import_hook.uninstall()
        for patch in _patches:
            patch.undo()
        _restore_env()
        undo, _on_last_stop[:] = list(_on_last_stop), []
    for release in reversed(undo):
        release()


def _set_fake_env() -> None:
    names = (*FAKE_CREDENTIALS, *HIDDEN, *DEFAULT_REGION)
    _saved_env.update({name: os.environ.get(name) for name in names})
    os.environ.update(FAKE_CREDENTIALS)
    for name in HIDDEN:
        os.environ.pop(name, None)
    for name, value in DEFAULT_REGION.items():
        os.environ.setdefault(name, value)
    _set_env.update({name: os.environ.get(name) for name in names})


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


DIRECT = "_importmock_direct"  # set on a request that passes the patch: an upstream data plane's


def send_directly(request: Any, **_: Any) -> None:
    """A `before-send` handler: its client's requests go to the network past the patch.

    The mark is on the request itself, so nothing carries over to another client's request.
    """
    setattr(request, DIRECT, True)


def active() -> Responder | None:
    """The mock that answers now, if any."""
    return _stack[-1] if _stack else None
