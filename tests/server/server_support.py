"""What the server tests share: raw HTTP calls and control calls (family requests: families.py).

Everything here talks to the server over real loopback HTTP, with a socket timeout on every
request, so a server that hangs fails the test instead of stalling the run.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from families import ACCOUNT_A

TIMEOUT = 10.0  # seconds any single HTTP exchange with a server may take
ACCOUNT_B = "222222222222"
DEFAULT_ACCOUNT = "123456789012"
SECRET = "x"
# the `connect` fixture: connect(server, service, access_key=..., region=..., attempts=1)
Connect = Callable[..., Any]


class HasUrl(Protocol):
    """A running server: a ThreadedServer, or a server process started by a test."""

    url: str


@dataclass
class Reply:
    """An HTTP answer: status, headers (names lower-cased) and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


def http_call(
    url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Reply:
    """One HTTP exchange with the server at `url`, bounded by `timeout` on every socket operation."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        connection.close()


def control(server: HasUrl, method: str, path: str, document: Any = None) -> Reply:
    """A call of a control endpoint, `path` relative to `/_importmock/`; `document` sent as JSON."""
    body = None if document is None else json.dumps(document).encode()
    headers = {} if body is None else {"Content-Type": "application/json"}
    return http_call(server.url, method, f"/_importmock/{path}", body, headers)


def control_ok(server: HasUrl, method: str, path: str, document: Any = None) -> Any:
    """The JSON answer of a control call that must succeed with 200."""
    reply = control(server, method, path, document)
    assert reply.status == 200, (reply.status, reply.body)
    answer = reply.json()
    assert isinstance(answer, dict)
    return answer


def signed_call(
    url: str,
    service: str,
    method: str,
    path: str,
    *,
    region: str = "us-east-1",
    target: str | None = None,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    access_key: str = ACCOUNT_A,
    timeout: float = TIMEOUT,
) -> Reply:
    """A raw request to the server, SigV4-signed for `service` and `region` with `access_key`."""
    all_headers = dict(headers or {})
    if target is not None:
        all_headers["X-Amz-Target"] = target
    request = AWSRequest(method=method, url=url.rstrip("/") + path, data=body, headers=all_headers)
    SigV4Auth(Credentials(access_key, SECRET), service, region).add_auth(request)
    return http_call(url, method, path, body or None, dict(request.headers.items()), timeout)


def json_target_call(
    url: str, service: str, target: str, body: bytes = b"{}", version: str = "1.0", **kwargs: Any
) -> Reply:
    """A signed POST of a JSON-protocol operation (`target` is the X-Amz-Target value)."""
    headers = {"Content-Type": f"application/x-amz-json-{version}"}
    return signed_call(url, service, "POST", "/", target=target, body=body, headers=headers, **kwargs)


def error_message(reply: Reply) -> str:
    document = reply.json()
    message = document.get("message", document.get("Message", ""))
    assert isinstance(message, str)
    return message


def without_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def advance(server: HasUrl, seconds: float) -> Any:
    """Moves the server's clock through the control API; returns the clock document."""
    return control_ok(server, "POST", "clock/advance", {"seconds": seconds})


def finish(server: HasUrl, job: str, **options: str) -> None:
    """Ends a job through the control API (`status`, `failure_code`, `failure_message`)."""
    assert control_ok(server, "POST", "finish", {"job": job, **options}) == {"finished": job}
