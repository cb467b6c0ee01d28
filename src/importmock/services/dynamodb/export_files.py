"""The work of a table export on the data plane: AWS's export output format, written to S3.

Under ``S3Prefix/AWSDynamoDB/<export id>/`` it writes, in AWS's order: ``_started`` (which
also finds a missing bucket before anything else is written), the gzip data files under
``data/`` (an incremental export's under the shared ``S3Prefix/AWSDynamoDB/data/``), then
``manifest-files.json`` and ``manifest-summary.json``, each with its ``.md5`` file (the
base64 MD5 of its bytes). The table is read by a paginated, consistent Scan, and a data file
holds at most `ITEMS_PER_FILE` items, so the work holds one data file's items at a time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from importmock.clock import epoch_micros
from importmock.jobs.work import Failure
from importmock.services.dynamodb.ion import dump_item, dump_record
from importmock.services.dynamodb.item_size import item_size
from importmock.types import Params

ITEMS_PER_FILE = 10_000
FAILED = "FAILED"
INTERNAL_ERROR = "An internal error occurred during the export."
# the manifest-summary.json "version" of each export type, as AWS's output format shows them
SUMMARY_VERSIONS = {"FULL_EXPORT": "2020-06-30", "INCREMENTAL_EXPORT": "2023-08-01"}
Item = dict[str, Any]


@dataclass(slots=True)
class ExportResult:
    """What an export's work wrote: AWS's counters, counted as the items are written."""

    item_count: int = 0
    billed_size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class ExportTarget:
    """What the work needs of one export: the job, its request and its moments."""

    export_arn: str
    export_id: str
    table_arn: str
    table_id: str
    request: Params  # ExportTableToPointInTime's request
    started: datetime
    ended: datetime
    export_time: datetime | None  # None for an incremental export
    to_time: datetime  # an incremental export's ExportToTime (its default filled in)

    @property
    def incremental(self) -> bool:
        return self.request.get("ExportType") == "INCREMENTAL_EXPORT"

    @property
    def table_name(self) -> str:
        return self.table_arn.split("/", 1)[1]

    def root(self) -> str:
        """The export's folder: ``S3Prefix/AWSDynamoDB/<export id>/``."""
        return f"{self.top()}{self.export_id}/"

    def top(self) -> str:
        prefix = self.request.get("S3Prefix", "").strip("/")
        return f"{prefix}/AWSDynamoDB/" if prefix else "AWSDynamoDB/"


def write_export(
    target: ExportTarget, s3: Any, ddb: Any, names: Callable[[], str], result: ExportResult
) -> Failure | None:
    """Does the export's work; None when it succeeded, else how it failed.

    Args:
        target: the export.
        s3: the data plane's S3 client, which the files go to.
        ddb: the data plane's DynamoDB client, which the table is read from.
        names: a new random data file name on each call.
        result: filled with the counters as the work goes.
    """
    bucket, root = target.request["S3Bucket"], target.root()
    put = _Putter(s3, bucket, target.request)
    try:
        put(f"{root}_started", b"")
        lines = _records(target, ddb) if target.incremental else _items(target, ddb)
        directory = target.top() + "data/" if target.incremental else root + "data/"
        suffix = ".ion.gz" if target.request.get("ExportFormat") == "ION" else ".json.gz"
        files = _write_data(lines, put, lambda: f"{directory}{names()}{suffix}", result)
        manifest_files = "".join(json.dumps(entry, separators=(",", ":")) + "\n" for entry in files)
        put.with_md5(f"{root}manifest-files.json", f"{root}manifest-files.md5", manifest_files.encode())
        summary = json.dumps(_summary(target, result, f"{root}manifest-files.json"), separators=(",", ":"))
        put.with_md5(f"{root}manifest-summary.json", f"{root}manifest-summary.md5", summary.encode())
    except ClientError as failed:
        return _failure_of(failed)
    except BotoCoreError as failed:
        return Failure(FAILED, "InternalServerError", f"{INTERNAL_ERROR} ({failed})")
    return None


class _Putter:
    """PutObject into the export's bucket, with the export's server-side encryption."""

    def __init__(self, s3: Any, bucket: str, request: Params) -> None:
        self.s3, self.bucket = s3, bucket
        self.extra: dict[str, str] = {}
        # AES256 is S3's default encryption; asking for it by header fails on a MinIO without a KMS
        if request.get("S3SseAlgorithm") == "KMS":
            self.extra["ServerSideEncryption"] = "aws:kms"
            if request.get("S3SseKmsKeyId"):
                self.extra["SSEKMSKeyId"] = request["S3SseKmsKeyId"]

    def __call__(self, key: str, body: bytes) -> str:
        """Writes one object; returns its ETag, unquoted."""
        answer = self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, **self.extra)
        return str(answer.get("ETag", "")).strip('"')

    def with_md5(self, key: str, md5_key: str, body: bytes) -> None:
        self(key, body)
        self(md5_key, _md5(body).encode("ascii"))


def _items(target: ExportTarget, ddb: Any) -> Iterator[tuple[Item, bytes]]:
    ion = target.request.get("ExportFormat") == "ION"
    for item in _scan(ddb, target.table_name):
        yield item, (dump_item(item).encode() if ion else _json({"Item": item})) + b"\n"


def _records(target: ExportTarget, ddb: Any) -> Iterator[tuple[Item, bytes]]:
    """Every item as inserted in the window: the mock sees no history (see docs/dynamodb.md)."""
    ion = target.request.get("ExportFormat") == "ION"
    schema = ddb.describe_table(TableName=target.table_name)["Table"]["KeySchema"]
    keys = [element["AttributeName"] for element in schema]
    written = epoch_micros(target.to_time - timedelta(microseconds=1))  # the window's last moment
    metadata = {"WriteTimestampMicros": {"N": str(written)}}
    for item in _scan(ddb, target.table_name):
        record = {"Metadata": metadata, "Keys": {k: item[k] for k in keys if k in item}, "NewImage": item}
        yield item, (dump_record(record).encode() if ion else _json(record)) + b"\n"


def _scan(ddb: Any, table: str) -> Iterator[Item]:
    """The table's items, page by page, each page emptied as it is read.

    botocore's paginator keeps the page it returned while it parses the next one; emptied,
    that page holds nothing, so the export holds one data file's items, not a file's and a page's.
    """
    config = {"PageSize": ITEMS_PER_FILE // 2}  # very small items: no page of a whole file
    pages = ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True, PaginationConfig=config)
    for page in pages:
        items = page.get("Items", [])
        items.reverse()
        while items:
            yield items.pop()


def _json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_base64).encode()


def _base64(value: object) -> str:
    if isinstance(value, bytes | bytearray):  # B and BS, which botocore gives as bytes
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is no DynamoDB value")


def _write_data(
    lines: Iterator[tuple[Item, bytes]], put: _Putter, new_key: Callable[[], str], result: ExportResult
) -> list[dict[str, Any]]:
    """Writes the data files, `ITEMS_PER_FILE` items each; returns their manifest entries.

    An empty table still gets one (empty) data file, as AWS writes one per empty partition.
    """
    entries: list[dict[str, Any]] = []
    current = _DataFile()
    for item, line in lines:
        current.add(line)
        result.item_count += 1
        result.billed_size_bytes += item_size(item)
        if current.items >= ITEMS_PER_FILE:
            entries.append(current.write(put, new_key()))
            current = _DataFile()
    if current.items or not entries:
        entries.append(current.write(put, new_key()))
    return entries


class _DataFile:
    """One data file being written: its items gzip-compressed as they come."""

    def __init__(self) -> None:
        self.items = 0
        self._zip = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip stream
        self._parts: list[bytes] = []

    def add(self, line: bytes) -> None:
        self.items += 1
        if chunk := self._zip.compress(line):
            self._parts.append(chunk)

    def write(self, put: _Putter, key: str) -> dict[str, Any]:
        """Puts the file; returns its line of manifest-files.json."""
        self._parts.append(self._zip.flush())
        body = b"".join(self._parts)
        etag = put(key, body)
        return {"itemCount": self.items, "md5Checksum": _md5(body), "etag": etag, "dataFileS3Key": key}


def _md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii")  # noqa: S324 - S3's checksum


def _summary(target: ExportTarget, result: ExportResult, files_key: str) -> dict[str, Any]:
    """manifest-summary.json, its members in the order of AWS's output format page."""
    request, kind = target.request, target.request.get("ExportType", "FULL_EXPORT")
    times: dict[str, Any] = {"exportTime": _iso(target.export_time or target.started)}
    if target.incremental:
        spec = request["IncrementalExportSpecification"]
        times = {"exportFromTime": _iso(spec["ExportFromTime"]), "exportToTime": _iso(target.to_time)}
    view = request.get("IncrementalExportSpecification", {}).get("ExportViewType", "NEW_AND_OLD_IMAGES")
    return {
        "version": SUMMARY_VERSIONS[kind],
        "exportArn": target.export_arn,
        "startTime": _iso(target.started),
        "endTime": _iso(target.ended),
        "tableArn": target.table_arn,
        "tableId": target.table_id,
        **times,
        "s3Bucket": request["S3Bucket"],
        "s3Prefix": request.get("S3Prefix"),
        "s3SseAlgorithm": request.get("S3SseAlgorithm", "AES256"),
        "s3SseKmsKeyId": request.get("S3SseKmsKeyId"),
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": result.billed_size_bytes,
        "itemCount": result.item_count,
        "outputFormat": request.get("ExportFormat", "DYNAMODB_JSON"),
        **({"outputView": view} if target.incremental else {}),
        "exportType": kind,
    }


def _iso(when: datetime) -> str:
    """A manifest's time: ISO 8601 UTC to the millisecond, ``2020-11-04T07:28:34.028Z``."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _failure_of(failed: ClientError) -> Failure:
    """The export's failure for an error of the data plane."""
    error, meta = failed.response.get("Error", {}), failed.response.get("ResponseMetadata", {})
    code, message = str(error.get("Code", "Unknown")), str(error.get("Message", ""))
    if failed.operation_name == "PutObject":
        return Failure(FAILED, f"S3{code}", _s3_message(message, meta.get("HTTPStatusCode", 400), code, meta))
    if code in ("ResourceNotFoundException", "TableNotFoundException"):  # deleted since the call
        return Failure(FAILED, "DynamoDBTableNotFound", "The specified table does not exist")
    return Failure(FAILED, "InternalServerError", f"{INTERNAL_ERROR} ({code}: {message})")


def _s3_message(message: str, status: int, code: str, meta: Mapping[str, Any]) -> str:
    """S3's error as AWS's failure messages quote it (the Java SDK's form)."""
    labels = (("Request ID", "RequestId"), ("S3 Extended Request ID", "HostId"))
    ids = "".join(f"; {label}: {meta[key]}" for label, key in labels if meta.get(key))
    return f"{message} (Service: Amazon S3; Status Code: {status}; Error Code: {code}{ids}; Proxy: null)"
