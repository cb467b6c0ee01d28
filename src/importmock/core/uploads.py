"""Presigned upload URLs: issued by backends, and PUTs to them captured through `responses`.

A StartContentUpload answer holds a URL the caller then PUTs a file to with `requests`.
While a mock is active, such PUTs are answered here, recorded, and remembered by upload
id, so StartImportJob can tell an issued upload from an invented one. `responses` (and so
`requests`) is imported only when the first URL is issued, keeping `import importmock` cheap.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from importmock.core import intercept

HOST = "importmock-uploads"
_URL = re.compile(
    rf"https://{HOST}\.s3\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<account>\d{{12}})/(?P<id>[0-9a-f-]{{36}})"
)


@dataclass(slots=True)
class Upload:
    """One issued upload URL and what was PUT to it."""

    id: str
    owner: str  # what the upload is for, e.g. a knowledge base id
    account_id: str
    region: str
    url: str
    expires: datetime
    content_type: str
    received: bytes | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """How a PUT to an upload URL was answered, and where it was sent."""

    status: int
    error: str | None
    region: str
    account_id: str


class Uploads:
    """The uploads one mock has issued, by id."""

    def __init__(self) -> None:
        self._by_id: dict[str, Upload] = {}

    def issue(
        self, owner: str, account_id: str, region: str, now: datetime, ttl: timedelta, content_type: str
    ) -> Upload:
        """A new upload URL, valid for `ttl`; starts capturing `requests` PUTs if needed."""
        ident = str(uuid.uuid4())
        url = presigned_url(region, account_id, ident, now, ttl)
        upload = self._by_id[ident] = Upload(ident, owner, account_id, region, url, now + ttl, content_type)
        _capture()
        return upload

    def get(self, ident: str) -> Upload | None:
        return self._by_id.get(ident)

    def receive(self, url: str, body: bytes, now: datetime) -> Receipt:
        """Takes a PUT to `url`, as S3 would answer it."""
        found = _URL.match(url)
        region, account = (found["region"], found["account"]) if found else ("", "")
        upload = self._by_id.get(found["id"]) if found else None
        if upload is None:
            return Receipt(403, "SignatureDoesNotMatch", region, account)
        if now > upload.expires:
            return Receipt(403, "AccessDenied", region, account)  # S3: Request has expired
        upload.received = body
        return Receipt(200, None, region, account)


def presigned_url(region: str, account_id: str, key: str, now: datetime, ttl: timedelta) -> str:
    """An S3-style presigned URL of the mock's upload bucket."""
    suffix = ".cn" if region.startswith("cn-") else ""
    return (
        f"https://{HOST}.s3.{region}.amazonaws.com{suffix}/{account_id}/{key}"
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={now:%Y%m%dT%H%M%SZ}"
        f"&X-Amz-Expires={int(ttl.total_seconds())}&X-Amz-SignedHeaders=host"
        f"&X-Amz-Signature={secrets.token_hex(32)}"
    )


_lock = threading.Lock()
_requests_mock: Any = None


def _capture() -> None:
    """Starts the process-wide `responses` mock for upload URLs, once, while mocks are active."""
    global _requests_mock
    with _lock:
        if _requests_mock is not None or intercept.active() is None:
            return
        import responses

        capture = responses.RequestsMock(assert_all_requests_are_fired=False)
        capture.add_callback(responses.PUT, _URL, callback=_answer_put)
        capture.add_passthru(re.compile(rf"^(?!https://{HOST}\.)"))  # other traffic as before
        capture.start()
        _requests_mock = capture
        intercept.on_last_stop(_release)


def _release() -> None:
    global _requests_mock
    with _lock:
        if _requests_mock is not None:
            _requests_mock.stop()
            _requests_mock.reset()
            _requests_mock = None


def _answer_put(request: Any) -> tuple[int, dict[str, str], str]:
    mock = intercept.active()
    if mock is None:
        return 403, {}, _s3_error("AccessDenied", "importmock is not active")
    body = request.body or b""
    receipt = mock.receive_upload(request.url, body if isinstance(body, bytes) else body.encode())
    if receipt.error is not None:
        headers = {"content-type": "application/xml"}
        return receipt.status, headers, _s3_error(receipt.error, "importmock refused the upload")
    return receipt.status, {"etag": f'"{secrets.token_hex(16)}"'}, ""


def _s3_error(code: str, message: str) -> str:
    xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'
