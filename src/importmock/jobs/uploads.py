"""Presigned S3-style URLs: issued by backends, served from a small per-mock object store.

A StartContentUpload answer holds a URL the caller then PUTs a file to, and a job's answer
holds download URLs. In process the URLs are on an AWS host, and a mock answers `requests`
to them while it is active (patching/requests_capture.py brings them); the server hands out URLs
on itself instead (`served_from`) and answers them. Either way a request is recorded and
checked as S3 checks a presigned URL: its query as issued (else SignatureDoesNotMatch), its
expiry (X-Amz-Date + X-Amz-Expires on the mock clock) and the headers it signs.
"""

from __future__ import annotations

import functools
import random
import re
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

HOST = "importmock-uploads"  # the bucket: a virtual host in process, the path's first part on a server
URL = re.compile(
    rf"https://{HOST}\.s3\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    rf"/(?P<key>(?P<account>\d{{12}})/[^?#]+)"
)
SERVED_PATH = f"/{HOST}/"  # path-style, as S3 answers https://s3.<region>.amazonaws.com/<bucket>/<key>
SERVED = re.compile(rf"https?://[^/?#]+{SERVED_PATH}(?P<key>(?P<account>\d{{12}})/[^?#]+)")
# the key a presigned URL's X-Amz-Credential names: the service's, never the caller's
ACCESS_KEY = "ASIAIMPORTMOCKUPLOAD"
# where the server that is answering the current request is reached (`served_from`)
_served_from: ContextVar[str | None] = ContextVar("importmock_served_from", default=None)


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
    # the headers its URL signs besides host, and the values a PUT must carry for them
    signed_headers: dict[str, str] = field(default_factory=dict)


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
        self,
        owner: str,
        account_id: str,
        region: str,
        now: datetime,
        ttl: timedelta,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> Upload:
        """A new upload URL, valid for `ttl`; starts capturing `requests` if needed.

        `headers` are those the caller is told to send (headersToInclude). A URL the server
        hands out signs them, so a PUT without them is refused as S3 refuses it; the
        in-process URL signs only the host, as it always has.
        """
        ident = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        signed = {k.lower(): v for k, v in (headers or {}).items()} if serving() else {}
        url = presigned_url(region, account_id, ident, now, ttl, signed)
        upload = Upload(ident, owner, account_id, region, url, now + ttl, content_type, signed_headers=signed)
        self._by_id[ident] = upload
        _capture()
        return upload

    def get(self, ident: str) -> Upload | None:
        return self._by_id.get(ident)

    def publish(self, account_id: str, key: str, body: bytes) -> None:
        """Makes `body` downloadable at the presigned URLs of `key`; starts capturing if needed."""
        self._objects.setdefault(f"{account_id}/{key}", body)
        _capture()

    def receive(
        self, method: str, url: str, body: bytes, now: datetime, headers: Mapping[str, str] | None = None
    ) -> Receipt:
        """Takes a PUT (of an issued upload) or a GET (of an object), as S3 would answer it.

        `headers` are the request's, by lowercase name (needed for URLs that sign headers).
        """
        found = URL.match(url) or SERVED.match(url)
        if found is None:
            return Receipt(403, "SignatureDoesNotMatch", "", "", b"")
        query = parse_qs(urlsplit(url).query)
        account, key = found["account"], found["key"]
        region = found.groupdict().get("region") or _scope_region(query)
        if _expired(query, now):
            return Receipt(403, "AccessDenied", region, account, b"")  # S3: Request has expired
        if method == "GET":
            stored = self._objects.get(key)
            return (
                Receipt(200, None, region, account, stored)
                if stored is not None
                else Receipt(404, "NoSuchKey", region, account, b"")
            )
        upload = self._by_id.get(key.split("/", 1)[1])
        if method != "PUT" or upload is None or not _signed_by(upload, account, query, headers or {}):
            return Receipt(403, "SignatureDoesNotMatch", region, account, b"")
        upload.received = self._objects[key] = body
        return Receipt(200, None, region, account, b"")


def _signed_by(upload: Upload, account: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> bool:
    """Whether a PUT is the one `upload`'s URL signs: its query as issued, its signed headers sent."""
    if upload.account_id != account or query != parse_qs(urlsplit(upload.url).query):
        return False
    return all(headers.get(name, "").strip() == value for name, value in upload.signed_headers.items())


def _scope_region(query: dict[str, list[str]]) -> str:
    """The region of an X-Amz-Credential (key/date/region/service/aws4_request)."""
    parts = query.get("X-Amz-Credential", [""])[0].split("/")
    return parts[2] if len(parts) == 5 else ""


def _expired(query: dict[str, list[str]], now: datetime) -> bool:
    try:
        signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        return now > signed + timedelta(seconds=int(query["X-Amz-Expires"][0]))
    except (KeyError, ValueError):
        return True  # not a presigned URL of ours


def served_from(origin: str | None) -> Token[str | None]:
    """Makes the URLs issued in this thread point at `origin` (``http://host:port``), the
    server answering; None points them back at AWS. Returns what `served_from_reset` takes."""
    return _served_from.set(origin)


def served_from_reset(token: Token[str | None]) -> None:
    """Undoes the `served_from` call that returned `token`."""
    _served_from.reset(token)


def serving() -> bool:
    """Whether the URLs issued now are the server's."""
    return _served_from.get() is not None


def presigned_url(
    region: str,
    account_id: str,
    key: str,
    now: datetime,
    ttl: timedelta,
    signed_headers: Mapping[str, str] | None = None,
) -> str:
    """A SigV4-style presigned URL of the mock's upload bucket, for `key` of `account_id`.

    On AWS's host in process; on the server answering the request (path-style) when there is
    one. `signed_headers` (lowercase names) are listed in X-Amz-SignedHeaders beside host.
    """
    origin, date = _served_from.get(), _amz_date(now, now.utcoffset())
    if origin is None:
        suffix = ".cn" if region.startswith("cn-") else ""
        base = f"https://{HOST}.s3.{region}.amazonaws.com{suffix}/{account_id}/{key}"
    else:
        base = f"{origin}{SERVED_PATH}{account_id}/{key}"
    names = ";".join(sorted({"host", *signed_headers})) if signed_headers else "host"
    return (
        f"{base}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={ACCESS_KEY}%2F{date[:8]}%2F{region}%2Fs3%2Faws4_request"
        f"&X-Amz-Date={date}&X-Amz-Expires={int(ttl.total_seconds())}"
        f"&X-Amz-SignedHeaders={names.replace(';', '%3B')}"
        f"&X-Amz-Signature={_signatures.getrandbits(256).to_bytes(32, 'big').hex()}"
    )


@functools.lru_cache(maxsize=64)
def _amz_date(now: datetime, offset: timedelta | None) -> str:
    """`now` as X-Amz-Date, kept: the mock's clock stands still, and strftime cost two thirds
    of signing a URL. The offset is in the key: an equal instant in another zone reads otherwise."""
    return f"{now:%Y%m%dT%H%M%SZ}"


_signatures = random.Random()  # a signature's look, not its secrecy, is what matters here


# run when a URL is issued or an object published, so `requests` to the URLs is answered
# (requests may be imported only now): patching/requests_capture.py registers itself here,
# since this layer cannot import the patches above it
ON_ISSUE: list[Callable[[], None]] = []


def _capture() -> None:
    for started in ON_ISSUE:
        started()
