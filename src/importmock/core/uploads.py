"""Presigned S3-style URLs: issued by backends, served from a small per-mock object store.

A StartContentUpload answer holds a URL the caller then PUTs a file to with `requests`, and
a job's answer holds download URLs. While a mock is active such requests are answered here
(core/requests_capture.py brings them), recorded, and checked against the expiry each URL
carries (X-Amz-Date + X-Amz-Expires on the mock clock).
"""

from __future__ import annotations

import functools
import random
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

HOST = "importmock-uploads"
URL = re.compile(
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
        """Replaces the issued uploads and objects (from a snapshot)."""
        self._by_id = {upload.id: upload for upload in issued}
        self._objects = dict(objects)

    def issue(
        self, owner: str, account_id: str, region: str, now: datetime, ttl: timedelta, content_type: str
    ) -> Upload:
        """A new upload URL, valid for `ttl`; starts capturing `requests` if needed."""
        ident = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        url = presigned_url(region, account_id, ident, now, ttl)
        upload = self._by_id[ident] = Upload(ident, owner, account_id, region, url, now + ttl, content_type)
        _capture()
        return upload

    def get(self, ident: str) -> Upload | None:
        return self._by_id.get(ident)

    def publish(self, account_id: str, key: str, body: bytes) -> None:
        """Makes `body` downloadable at the presigned URLs of `key`; starts capturing if needed."""
        self._objects.setdefault(f"{account_id}/{key}", body)
        _capture()

    def receive(self, method: str, url: str, body: bytes, now: datetime) -> Receipt:
        """Takes a PUT (of an issued upload) or a GET (of an object), as S3 would answer it."""
        found = URL.match(url)
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
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={_amz_date(now, now.utcoffset())}"
        f"&X-Amz-Expires={int(ttl.total_seconds())}&X-Amz-SignedHeaders=host"
        f"&X-Amz-Signature={_signatures.getrandbits(256).to_bytes(32, 'big').hex()}"
    )


@functools.lru_cache(maxsize=64)
def _amz_date(now: datetime, offset: timedelta | None) -> str:
    """`now` as X-Amz-Date, kept: the mock's clock stands still, and strftime cost two thirds
    of signing a URL. The offset is in the key: an equal instant in another zone reads otherwise."""
    return f"{now:%Y%m%dT%H%M%SZ}"


_signatures = random.Random()  # a signature's look, not its secrecy, is what matters here


def _capture() -> None:
    """Makes sure `requests` to the URLs is answered (requests may be imported only now)."""
    from importmock.core import requests_capture

    requests_capture.capture()
