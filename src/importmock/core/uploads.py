"""Presigned S3-style URLs: issued by backends; `requests` PUTs and GETs captured by `responses`.

A StartContentUpload answer holds a URL the caller then PUTs a file to with `requests`, and
a job's answer holds download URLs. While a mock is active such requests are answered here
from a small per-mock object store, recorded, and checked against the expiry each URL
carries (X-Amz-Date + X-Amz-Expires on the mock clock). `responses` (and so `requests`) is
imported only when the first URL is issued, keeping `import importmock` cheap.
"""

from __future__ import annotations

import random
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from importmock.core import intercept

HOST = "importmock-uploads"
_URL = re.compile(
    rf"https://{HOST}\.s3\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    rf"/(?P<key>(?P<account>\d{{12}})/[^?#]+)"
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
    """How a request to one of the URLs was answered, and where it was sent."""

    status: int
    error: str | None
    region: str
    account_id: str
    body: bytes


class Uploads:
    """The upload URLs one mock has issued, by upload id, and the objects its URLs serve."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng  # the mock's own, so a restored mock issues the same ids
        self._by_id: dict[str, Upload] = {}
        self._objects: dict[str, bytes] = {}  # "account/key" -> body

    def export(self) -> tuple[list[Upload], dict[str, bytes]]:
        """The issued uploads and stored objects, for a snapshot."""
        return list(self._by_id.values()), dict(self._objects)

    def load(self, issued: list[Upload], objects: dict[str, bytes]) -> None:
        """Replaces the issued uploads and objects (from a snapshot; see State.resume_uploads)."""
        self._by_id = {upload.id: upload for upload in issued}
        self._objects = dict(objects)

    def issue(
        self, owner: str, account_id: str, region: str, now: datetime, ttl: timedelta, content_type: str
    ) -> Upload:
        """A new upload URL, valid for `ttl`; starts capturing `requests` if needed."""
        ident = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        url = presigned_url(region, account_id, ident, now, ttl)
        upload = self._by_id[ident] = Upload(ident, owner, account_id, region, url, now + ttl, content_type)
        capture()
        return upload

    def get(self, ident: str) -> Upload | None:
        return self._by_id.get(ident)

    def publish(self, account_id: str, key: str, body: bytes) -> None:
        """Makes `body` downloadable at the presigned URLs of `key`; starts capturing if needed."""
        self._objects.setdefault(f"{account_id}/{key}", body)
        capture()

    def receive(self, method: str, url: str, body: bytes, now: datetime) -> Receipt:
        """Takes a PUT (of an issued upload) or a GET (of an object), as S3 would answer it."""
        found = _URL.match(url)
        if found is None:
            return Receipt(403, "SignatureDoesNotMatch", "", "", b"")
        region, account, key = found["region"], found["account"], found["key"]
        if _expired(url, now):
            return Receipt(403, "AccessDenied", region, account, b"")  # S3: Request has expired
        if method == "GET":
            stored = self._objects.get(key)
            return (
                Receipt(200, None, region, account, stored)
                if stored is not None
                else Receipt(404, "NoSuchKey", region, account, b"")
            )
        upload = self._by_id.get(key.split("/", 1)[1])
        if upload is None or upload.account_id != account:
            return Receipt(403, "SignatureDoesNotMatch", region, account, b"")
        upload.received = self._objects[key] = body
        return Receipt(200, None, region, account, b"")


def _expired(url: str, now: datetime) -> bool:
    query = parse_qs(urlsplit(url).query)
    try:
        signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        return now > signed + timedelta(seconds=int(query["X-Amz-Expires"][0]))
    except (KeyError, ValueError):
        return True  # not a presigned URL of ours


def presigned_url(region: str, account_id: str, key: str, now: datetime, ttl: timedelta) -> str:
    """An S3-style presigned URL of the mock's upload bucket."""
    suffix = ".cn" if region.startswith("cn-") else ""
    return (
        f"https://{HOST}.s3.{region}.amazonaws.com{suffix}/{account_id}/{key}"
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={now:%Y%m%dT%H%M%SZ}"
        f"&X-Amz-Expires={int(ttl.total_seconds())}&X-Amz-SignedHeaders=host"
        f"&X-Amz-Signature={_signatures.getrandbits(256):064x}"
    )


_lock = threading.Lock()
_requests_mock: Any = None
_signatures = random.Random()  # a signature's look, not its secrecy, is what matters here


def capture() -> None:
    """Starts the process-wide `responses` mock for upload URLs, once, while mocks are active."""
    global _requests_mock
    with _lock:
        if _requests_mock is not None or intercept.active() is None:
            return
        import responses

        capture = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in (responses.PUT, responses.GET):
            capture.add_callback(method, _URL, callback=_answer)
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


def _answer(request: Any) -> tuple[int, dict[str, str], bytes | str]:
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
