"""`requests` while a mock is active: upload URLs and AWS endpoints answered, through `responses`.

Code that PUTs a file to a StartContentUpload URL, or signs its own HTTP calls to an AWS
endpoint, uses `requests`, not botocore. A `responses` mock answers both from the active
ImportMock. What importmock does not answer goes on to whatever was in place before it
started (`prior`): a `responses` mock of the user's or moto's, or the network, except
that an AWS request with nothing before it raises NotImplementedOperation, so it never
reaches the network while a mock is active.

Stopping removes the capture if it is still the outermost patch; under another `responses`
mock it is spliced out of that mock's memory; under any other patch it stays, passing
everything on to `prior`, so their stop restores a harmless layer rather than a dead one.
`responses` is imported only when `requests` is.
"""

from __future__ import annotations

import re
import secrets
import sys
import threading
from collections.abc import Callable
from typing import Any

from importmock.errors import NotImplementedOperation
from importmock.jobs import uploads
from importmock.jobs.uploads import HOST
from importmock.patching import registry
from importmock.wire.http import HttpRequest

Answer = tuple[int, dict[str, str], bytes]
# patterns must not overlap: responses pops a response that two patterns match
_AWS = r"https?://[^/?#]*\.amazonaws\.com(?:\.cn)?(?::\d+)?(?:[/?#]|$)"
AWS_ENDPOINT = re.compile(rf"(?!https://{HOST}\.){_AWS}")
UPLOADS = re.compile(rf"https://{HOST}\.")  # all of the bucket's URLs: the store refuses strangers
_OTHERS = re.compile(rf"^(?!{_AWS})")
_lock = threading.Lock()
_capture: Any = None


def capture() -> None:
    """Starts answering `requests` (once, while a mock is active), if `requests` is imported."""
    if not _initializing("responses"):  # requests imported by responses: that import's end captures
        _capture_now()


def _capture_now() -> None:
    global _capture
    if registry.active() is None or "requests" not in sys.modules:
        return
    # imported before the lock is taken: importing responses may run this very function
    # (patching/import_hook.py), which then captures, and this call finds it done
    import responses
    from requests.adapters import HTTPAdapter

    with _lock:
        if _capture is not None or registry.active() is None:
            return
        prior = HTTPAdapter.__dict__["send"]
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock._real_send = prior  # what passes through goes to what was there before
        for method in ("GET", "PUT"):
            mock.add_callback(method, UPLOADS, callback=_callback(prior, _upload))
        for method in ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"):
            mock.add_callback(method, AWS_ENDPOINT, callback=_callback(prior, _aws))
        mock.add_passthru(_OTHERS)
        mock.start()
        _capture = mock
        registry.on_last_stop(_release)


def _initializing(name: str) -> bool:
    """Whether module `name` is being imported now (its code has not finished running)."""
    spec = getattr(sys.modules.get(name), "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


# `requests` imported while a mock is active is captured as soon as its import ends, or,
# when `responses` imports it, as soon as that import ends: capturing needs responses whole
registry.when_imported("requests", capture)
registry.when_imported("responses", _capture_now)
uploads.ON_ISSUE.append(capture)  # a URL issued while active: requests to it are answered


def capturing() -> bool:
    """Whether `requests` is being answered now."""
    return _capture is not None


def _release() -> None:
    global _capture
    with _lock:
        mock, _capture = _capture, None
        if mock is None:
            return
        from requests.adapters import HTTPAdapter

        if HTTPAdapter.__dict__["send"] is mock._patcher.new:  # still outermost: undone exactly
            mock.stop(allow_assert=False)
            mock.reset()
        elif _splice_out(HTTPAdapter.__dict__["send"], mock._patcher.new, mock._real_send):
            mock._patcher = None  # its stop would undo the patch above it


def _splice_out(outer: Any, ours: Any, prior: Any) -> bool:
    """Takes our patch from under the `responses` mock `outer` belongs to, if it is one.

    That mock restores on stop what it found on start, our patch: pointed at `prior`
    instead, it restores the world as it was before importmock started.
    """
    for cell in getattr(outer, "__closure__", None) or ():
        patcher: Any = getattr(cell.cell_contents, "_patcher", None)
        if getattr(patcher, "temp_original", None) is ours:
            patcher.temp_original = prior
            return True
    return False


def _callback(prior: Any, answer: Callable[[Any], Answer | None]) -> Callable[[Any], Answer]:
    """A responses callback: importmock's `answer`, else the request goes on to `prior`."""

    def respond(request: Any) -> Answer:
        found = answer(request) if registry.active() is not None else None
        if found is not None:
            return found
        import responses
        from requests.adapters import HTTPAdapter

        if prior is responses._real_send and registry.active() is not None:
            raise NotImplementedOperation(
                f"importmock does not answer {request.method} {request.url} made with requests, "
                "and nothing leaves the process while the mock is active"
            )
        response = prior(HTTPAdapter(), request)
        return response.status_code, dict(response.headers), response.content

    return respond


def answer(request: Any) -> Answer | None:
    """The active mock's answer to a `requests` request, or None if it is not importmock's."""
    if registry.active() is None:
        return None
    return _upload(request) if UPLOADS.match(request.url) else _aws(request)


def _aws(request: Any) -> Answer | None:
    mock = registry.active()
    asked = HttpRequest(request.method, request.url, request.headers, _bytes(request.body))
    if mock is None or not mock.claims(asked):
        return None
    found = mock.answer(asked)
    return found.status, found.headers, found.body


def _upload(request: Any) -> Answer | None:
    mock = registry.active()
    if mock is None:
        return None
    receipt = mock.receive_object(request.method, request.url, _bytes(request.body))
    if receipt.error is not None:
        headers = {"content-type": "application/xml"}
        return receipt.status, headers, _s3_error(receipt.error, "importmock refused the request")
    return receipt.status, {"etag": f'"{secrets.token_hex(16)}"'}, receipt.body


def _bytes(body: bytes | str | None) -> bytes:
    return body.encode() if isinstance(body, str) else body or b""


def _s3_error(code: str, message: str) -> bytes:
    xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'.encode()
