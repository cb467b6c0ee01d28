"""`requests` while a mock is active: upload URLs and AWS endpoints answered, through `responses`.

Code that PUTs a file to a StartContentUpload URL, or signs its own HTTP calls to an AWS
endpoint, uses `requests`, not botocore. One process-wide `responses` mock answers both
from the active ImportMock; an AWS request importmock does not answer goes to moto if
moto's `requests` mock was active before (moto answers it), and raises
NotImplementedOperation otherwise, so it never reaches the network. Any other URL goes on
to whatever was in place before: the network, or a `responses` mock of the user's own.
`responses` is imported only when `requests` is.
"""

from __future__ import annotations

import re
import secrets
import sys
import threading
from typing import Any

from importmock.core import intercept
from importmock.core.errors import NotImplementedOperation
from importmock.core.protocols import HttpRequest
from importmock.core.uploads import HOST

# patterns must not overlap: responses pops a response that two patterns match
AWS_ENDPOINT = re.compile(rf"https?://(?!{HOST}\.)[^/?#]*\.amazonaws\.com(?:\.cn)?(?::\d+)?(?:[/?#]|$)")
_UPLOADS = re.compile(rf"https://{HOST}\.")  # all of the bucket's URLs: the store refuses strangers
_OTHERS = re.compile(r"^(?!https?://[^/?#]*\.amazonaws\.com(?:\.cn)?(?::\d+)?(?:[/?#]|$))")
_lock = threading.Lock()
_capture: Any = None
_prior_send: Any = None  # HTTPAdapter.send as it was (a responses mock of the user's or moto's)


def capture() -> None:
    """Starts answering `requests` (once, while a mock is active), if `requests` is imported."""
    global _capture, _prior_send
    with _lock:
        if _capture is not None or intercept.active() is None or "requests" not in sys.modules:
            return
        import responses
        from requests.adapters import HTTPAdapter

        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in ("PUT", "GET"):
            mock.add_callback(method, _UPLOADS, callback=_upload)
        for method in ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"):
            mock.add_callback(method, AWS_ENDPOINT, callback=_aws)
        mock.add_passthru(_OTHERS)
        prior = HTTPAdapter.__dict__["send"]
        if prior is not responses._real_send:  # another responses mock is active: keep it working
            mock._real_send = _prior_send = prior
        mock.start()
        _capture = mock
        intercept.on_last_stop(_release)


def capturing() -> bool:
    """Whether `requests` is being answered now."""
    return _capture is not None


def _release() -> None:
    global _capture, _prior_send
    with _lock:
        if _capture is not None:
            _capture.stop(allow_assert=False)
            _capture.reset()
            _capture, _prior_send = None, None


def _aws(request: Any) -> tuple[int, dict[str, str], bytes]:
    """An AWS API call made with `requests`: the active mock's answer, or moto's."""
    mock = intercept.active()
    body = request.body or b""
    asked = HttpRequest(
        request.method, request.url, request.headers, body.encode() if isinstance(body, str) else body
    )
    if mock is not None and mock.claims(asked):
        answer = mock.answer(asked)
        return answer.status, answer.headers, answer.body
    if _prior_send is not None:  # moto's (or the user's) responses mock was there first
        from requests.adapters import HTTPAdapter

        response = _prior_send(HTTPAdapter(), request)
        return response.status_code, dict(response.headers), response.content
    raise NotImplementedOperation(
        f"importmock does not answer {request.method} {request.url} made with requests, "
        "and nothing leaves the process while the mock is active"
    )


def _upload(request: Any) -> tuple[int, dict[str, str], bytes | str]:
    mock = intercept.active()
    if mock is None:
        return 403, {}, _s3_error("AccessDenied", "importmock is not active")
    body = request.body or b""
    receipt = mock.receive_object(
        request.method, request.url, body if isinstance(body, bytes) else body.encode()
    )
    if receipt.error is not None:
        headers = {"content-type": "application/xml"}
        return receipt.status, headers, _s3_error(receipt.error, "importmock refused the request")
    return receipt.status, {"etag": f'"{secrets.token_hex(16)}"'}, receipt.body


def _s3_error(code: str, message: str) -> str:
    xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'
