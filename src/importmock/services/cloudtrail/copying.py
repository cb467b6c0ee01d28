"""What a CloudTrail Lake import copies: the trail's log files under its source, read from S3.

Without a data plane nothing is copied, and the counts are invented (invented_counts).

CloudTrail delivers a trail's log files to AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/,
one gzip-compressed JSON object with a "Records" array per file. An import copies the files of
every such day prefix under its S3 location (and no other service's prefix), one file at a
time: a file is held while it is read, never more.
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from importmock.types import Output

# a log file of a trail's day prefix: the CloudTrail prefix's own files, not CloudTrail-Digest's
_LOG_FILE = re.compile(r"(?:^|/)CloudTrail/[a-z0-9-]+/(?P<day>\d{4}/\d{2}/\d{2})/(?P<name>[^/]+)$")
_NAME_DAY = re.compile(r"_(?P<day>\d{8})T\d{4}Z_")  # <account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<id>
INVALID_FILE = "InvalidFileFormat"  # the mock's error type for a file it cannot read as a log file
NOT_GZIP = (
    "The file is not compressed with gzip. CloudTrail copies trail events only from "
    "gzip-compressed log files."
)
NOT_READABLE = "The file could not be decompressed: it is not a complete gzip file."
NOT_A_LOG = "The file is not a CloudTrail log file: it holds no JSON object with a Records array."
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(slots=True)
class CopyFailure:
    """A location the import could not copy, with the error type and message ListImportFailures shows."""

    location: str
    error_type: str
    message: str


@dataclass(slots=True)
class Copy:
    """What one attempt of an import copied, counted as ImportStatistics counts."""

    prefixes_found: int = 0
    prefixes_completed: int = 0
    files_completed: int = 0
    events_completed: int = 0
    failures: list[CopyFailure] = field(default_factory=list)

    def counts(self) -> Output:
        """ImportStatistics but FailedEntries (which counts the failures still FAILED)."""
        return {
            "PrefixesFound": self.prefixes_found,
            "PrefixesCompleted": self.prefixes_completed,
            "FilesCompleted": self.files_completed,
            "EventsCompleted": self.events_completed,
        }


def invented_counts(ident: str, done: float) -> Output:
    """The counts of an import `done` (0.0 to 1.0) of its way, derived from its id (no data plane)."""
    seed = uuid.UUID(ident).int
    prefixes = 1 + seed % 24
    files = prefixes * (1 + (seed >> 16) % 60)
    events = files * (1 + (seed >> 32) % 400)
    return {
        "PrefixesFound": prefixes,
        "PrefixesCompleted": int(prefixes * done),
        "FilesCompleted": int(files * done),
        "EventsCompleted": int(events * done),
    }


def copy_trail(s3: Any, uri: str, start: datetime | None, end: datetime | None) -> Copy:
    """Copies the log files under `uri` whose prefix and file name dates fall in [start, end].

    An error of S3 on the listing (a missing bucket, access denied) is one failure at `uri`;
    on a file, a failure at that file, as is a file that is no gzip-compressed log file.
    """
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    copy, prefixes = Copy(), dict[str, bool]()  # day prefix -> whether every file of it was copied
    try:
        for key, day_prefix in _log_files(s3, bucket, prefix, start, end):
            failure = _copy_file(s3, bucket, key, (start, end), copy)
            prefixes[day_prefix] = prefixes.get(day_prefix, True) and failure is None
            if failure is not None:
                copy.failures.append(failure)
    except ClientError as error:
        info = error.response.get("Error", {})
        copy.failures.append(CopyFailure(uri, info.get("Code", "Error"), info.get("Message", "")))
    except BotoCoreError as error:  # an upstream that does not answer
        copy.failures.append(CopyFailure(uri, type(error).__name__, str(error)))
    copy.prefixes_found, copy.prefixes_completed = len(prefixes), sum(prefixes.values())
    return copy


def _log_files(
    s3: Any, bucket: str, prefix: str, start: datetime | None, end: datetime | None
) -> Iterator[tuple[str, str]]:
    """(key, day prefix) of each log file in range, in S3's key order (a prefix's files together)."""
    if prefix and not prefix.endswith("/"):
        prefix += "/"  # the URI names a folder
    first, last = (start.date() if start else None), (end.date() if end else None)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            found = _LOG_FILE.search(key)
            if found is None or not _within(found["day"].replace("/", ""), first, last):
                continue  # another service's prefix, or a day outside the range
            named = _NAME_DAY.search(found["name"])
            if named is None or _within(named["day"], first, last):
                yield key, key[: found.start("name")]


def _within(day: str, first: date | None, last: date | None) -> bool:
    """Whether a YYYYMMDD day of a prefix or file name is in the import's range."""
    try:
        when = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return False
    return (first is None or when >= first) and (last is None or when <= last)


def _copy_file(
    s3: Any, bucket: str, key: str, window: tuple[datetime | None, datetime | None], copy: Copy
) -> CopyFailure | None:
    """Copies one log file into `copy`'s counts, or says why it cannot."""
    location = f"s3://{bucket}/{key}"
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        try:
            raw = body.read()
        finally:
            body.close()
    except ClientError as error:
        info = error.response.get("Error", {})
        return CopyFailure(location, info.get("Code", "Error"), info.get("Message", ""))
    if raw[:2] != _GZIP_MAGIC:
        return CopyFailure(location, INVALID_FILE, NOT_GZIP)
    try:
        log = json.loads(gzip.decompress(raw))
    except (OSError, EOFError, zlib.error):
        return CopyFailure(location, INVALID_FILE, NOT_READABLE)
    except ValueError:  # not JSON, or not UTF-8
        return CopyFailure(location, INVALID_FILE, NOT_A_LOG)
    records = log.get("Records") if isinstance(log, dict) else None
    if not isinstance(records, list):
        return CopyFailure(location, INVALID_FILE, NOT_A_LOG)
    copy.files_completed += 1
    events = (record for record in records if isinstance(record, dict))
    copy.events_completed += sum(_in_window(event.get("eventTime"), window) for event in events)
    return None


def _in_window(event_time: object, window: tuple[datetime | None, datetime | None]) -> bool:
    """Whether an event's eventTime is in [StartEventTime, EndEventTime] (any, without a range)."""
    start, end = window
    if start is None and end is None:
        return True
    try:
        when = datetime.fromisoformat(str(event_time).replace("Z", "+00:00"))
    except ValueError:
        return False  # an event the range cannot place
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (start is None or when >= start) and (end is None or when <= end)
