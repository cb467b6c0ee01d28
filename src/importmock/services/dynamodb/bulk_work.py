"""The work of a bulk put on the data plane: read S3, put the items into the table, report.

It runs once: when the operation succeeds on the mock's clock (jobs/work.py), or when
CancelBulkOperation stops it, then with a byte budget: the input objects, in key order, that
the operation had read whole by then. Items are read and checked as ImportTable's are
(import_reader.py, import_items.py) and written by import_writer.py's ItemWriter; the counters
go to a `BulkOutcome` the operation keeps, also when the work fails half way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from importmock.jobs.work import Failure
from importmock.services.dynamodb.import_items import ItemRules
from importmock.services.dynamodb.import_reader import (
    Item,
    ObjectLines,
    Unreadable,
    dynamodb_json_items,
    ion_items,
    object_pages,
)
from importmock.services.dynamodb.import_writer import ItemWriter, Pointer, Unwritten, put_entries
from importmock.services.dynamodb.ion import iter_items
from importmock.services.dynamodb.item_size import item_size
from importmock.types import Output, Params

FAILED, WITH_ERRORS = "FAILED", "COMPLETED_WITH_ERRORS"
INTERNAL_ERROR = "An internal error occurred during the bulk operation."
REPORT_PART = 10_000  # error records per report object


@dataclass(slots=True)
class BulkOutcome:
    """What the work read and wrote: DescribeBulkOperation's counters and usage."""

    processed: int = 0  # ProcessedItemCount: written, refused, unreadable
    failed: int = 0  # FailedItemCount: refused or unreadable
    written: int = 0
    processed_bytes: int = 0  # ProcessedInputBytes: the S3 objects read, as stored
    total_bytes: int | None = None  # TotalInputBytes, once the input was listed
    table_bytes: int = 0
    global_indexes: dict[str, int] = field(default_factory=dict)  # index name -> bytes put
    local_indexes: dict[str, int] = field(default_factory=dict)

    def describe(self, table_name: str) -> Output:
        """The counters and BulkOperationUsage of DescribeBulkOperation."""
        indexes = sum(self.global_indexes.values()) + sum(self.local_indexes.values())
        usage = {
            "TableName": table_name,
            "BulkPutBytes": self.table_bytes + indexes,
            "Table": {"BulkPutBytes": self.table_bytes},
            "GlobalSecondaryIndexes": _bytes_map(self.global_indexes),
            "LocalSecondaryIndexes": _bytes_map(self.local_indexes),
        }
        return {
            "ProcessedItemCount": self.processed,
            "FailedItemCount": self.failed,
            "ProcessedInputBytes": self.processed_bytes,
            "TotalInputBytes": self.total_bytes,
            "BulkOperationUsage": [usage],
        }


@dataclass(frozen=True, slots=True)
class BulkSource:
    """What the work needs of one operation: who asked, where to read, write and report."""

    arn: str
    ident: str
    account_id: str
    table_name: str
    request: Params  # StartBulkPutItems' request


@dataclass(frozen=True, slots=True)
class _Index:
    """A secondary index: the keys an item needs to be in it, the attributes it keeps (None: all)."""

    name: str
    local: bool
    keys: tuple[str, ...]
    kept: frozenset[str] | None


def run_bulk_put(
    source: BulkSource, s3: Any, ddb: Any, outcome: BulkOutcome, share: float | None = None
) -> Failure | None:
    """Does the operation's work; None when every item was written, else how it ended.

    Args:
        source: the operation.
        s3: the data plane's S3 client.
        ddb: the data plane's DynamoDB client.
        outcome: filled with the counters as the work goes.
        share: the part of TotalInputBytes to read (whole objects, in key order); None: all.
    """
    inputs = source.request["InputS3Configuration"]
    if inputs.get("S3BucketOwner", source.account_id) != source.account_id:
        # the data plane's buckets are the caller's: another owner is S3's 403
        return Failure(FAILED, "S3AccessDenied", "Access Denied (Service: Amazon S3; Status Code: 403)")
    try:
        table = ddb.describe_table(TableName=source.table_name)["Table"]
        objects = [
            entry
            for page in object_pages(s3, inputs["S3Bucket"], inputs.get("S3KeyPrefix", ""))
            for entry in page
        ]
        outcome.total_bytes = sum(size for _, size in objects)
        budget = None if share is None else share * outcome.total_bytes
        report = _Report(s3, source)
        try:
            _put(source, s3, ddb, table, objects, outcome, report, budget)
        finally:
            report.close(outcome)
    except ClientError as failed:
        return _failure_of(failed)
    except (Unwritten, BotoCoreError, OSError) as broken:  # stuck writes, an unreachable upstream
        return Failure(FAILED, "InternalServerError", f"{INTERNAL_ERROR} ({broken})")
    return Failure(WITH_ERRORS, "", "") if outcome.failed else None


def _put(
    source: BulkSource,
    s3: Any,
    ddb: Any,
    table: Mapping[str, Any],
    objects: list[tuple[str, int]],
    outcome: BulkOutcome,
    report: _Report,
    budget: float | None,
) -> None:
    inputs, indexes = source.request["InputS3Configuration"], _indexes(table)
    rules = ItemRules.of(
        {
            **table,
            "GlobalSecondaryIndexes": [
                *table.get("GlobalSecondaryIndexes", []),
                *table.get("LocalSecondaryIndexes", []),
            ],
        }
    )

    def refuse(pointer: Pointer, message: str) -> None:
        outcome.failed += 1
        report.add(pointer, message)

    writer = ItemWriter(
        ddb,
        source.table_name,
        [n for n, _ in rules.table_keys],
        refuse,
        lambda i: _count(outcome, i, indexes),
    )
    try:
        for key, size in objects:
            if budget is not None and outcome.processed_bytes + size > budget:
                break  # cancelled before the operation had read this object
            body = s3.get_object(Bucket=inputs["S3Bucket"], Key=key)["Body"]
            try:
                lines = ObjectLines(body, inputs.get("InputCompressionType", "NONE"))
                put_entries(_entries(lines, inputs["InputFormat"]), key, rules, writer, refuse, outcome)
            finally:
                body.close()
            outcome.processed_bytes += size
        writer.flush()
    finally:
        outcome.written = writer.written


def _entries(lines: ObjectLines, form: str) -> Iterator[Item | Unreadable]:
    return ion_items(lines, iter_items) if form == "ION" else dynamodb_json_items(lines)


def _indexes(table: Mapping[str, Any]) -> list[_Index]:
    table_keys = [key["AttributeName"] for key in table["KeySchema"]]
    found = []
    for member, local in (("GlobalSecondaryIndexes", False), ("LocalSecondaryIndexes", True)):
        for index in table.get(member) or []:
            keys = tuple(key["AttributeName"] for key in index["KeySchema"])
            projection = index.get("Projection") or {}
            kept = frozenset((*table_keys, *keys, *projection.get("NonKeyAttributes", [])))
            found.append(
                _Index(
                    index["IndexName"],
                    local,
                    keys,
                    None if projection.get("ProjectionType", "ALL") == "ALL" else kept,
                )
            )
    return found


def _count(outcome: BulkOutcome, item: Item, indexes: list[_Index]) -> None:
    """Adds a written item's bytes to the table's, and to each index that holds it."""
    size = item_size(item)
    outcome.table_bytes += size
    for index in indexes:
        if all(key in item for key in index.keys):  # a sparse index leaves the item out
            part = (
                size if index.kept is None else item_size({n: v for n, v in item.items() if n in index.kept})
            )
            held = outcome.local_indexes if index.local else outcome.global_indexes
            held[index.name] = held.get(index.name, 0) + part


class _Report:
    """The report OutputS3Configuration asks for, under ``{S3KeyPrefix}/AWSDynamoDB/{id}/``.

    With ERROR among the OutputTypes, each refused or unreadable input record is a JSON line of
    an ``errors/NNNNN.json`` object: ``itemS3Pointer`` (bucket, key, itemIndex) and
    ``errorMessages``, the fields of ImportTable's error log records. ``manifest.json`` names the
    operation, its counters and the report objects. CONDITION_CHECK_FAILURE objects are never
    written: importmock reads no condition expressions.
    """

    def __init__(self, s3: Any, source: BulkSource) -> None:
        output = source.request["OutputS3Configuration"]
        self._s3, self._source, self._output = s3, source, output
        prefix = str(output.get("S3KeyPrefix", "")).strip("/")
        self._root = f"{prefix}/AWSDynamoDB/{source.ident}/" if prefix else f"AWSDynamoDB/{source.ident}/"
        self._errors = "ERROR" in output.get("OutputType", []) and bool(output.get("S3Bucket"))
        self._lines: list[bytes] = []
        self._files: list[dict[str, Any]] = []

    def add(self, pointer: Pointer, message: str) -> None:
        if not self._errors:
            return
        bucket = self._source.request["InputS3Configuration"]["S3Bucket"]
        record = {
            "itemS3Pointer": {"bucket": bucket, "key": pointer[0], "itemIndex": pointer[1]},
            "errorMessages": [message],
        }
        self._lines.append(json.dumps(record, separators=(",", ":")).encode())
        if len(self._lines) >= REPORT_PART:
            self._flush()

    def close(self, outcome: BulkOutcome) -> None:
        """Writes the records held and the manifest (when the output names a bucket)."""
        if not self._output.get("S3Bucket"):
            return
        self._flush()
        manifest = {
            "bulkOperationArn": self._source.arn,
            "tableName": self._source.table_name,
            "outputType": list(self._output.get("OutputType", [])),
            "processedItemCount": outcome.processed,
            "failedItemCount": outcome.failed,
            "files": self._files,
        }
        self._put("manifest.json", json.dumps(manifest, indent=2).encode())

    def _flush(self) -> None:
        lines, self._lines = self._lines, []
        if lines:
            name = f"errors/{len(self._files):05d}.json"
            self._put(name, b"\n".join(lines) + b"\n")
            self._files.append({"outputType": "ERROR", "key": self._root + name, "recordCount": len(lines)})

    def _put(self, name: str, body: bytes) -> None:
        extra = {}
        # AES256 is S3's default encryption; asking for it by header fails on a MinIO without a KMS
        if self._output.get("S3SseAlgorithm") == "KMS":
            extra["ServerSideEncryption"] = "aws:kms"
            if self._output.get("S3SseKmsKeyId"):
                extra["SSEKMSKeyId"] = self._output["S3SseKmsKeyId"]
        self._s3.put_object(Bucket=self._output["S3Bucket"], Key=self._root + name, Body=body, **extra)


def _failure_of(failed: ClientError) -> Failure:
    """The operation's failure for an error of the data plane: S3's code, or the table gone."""
    error, meta = failed.response.get("Error", {}), failed.response.get("ResponseMetadata", {})
    code, message = str(error.get("Code", "Unknown")), str(error.get("Message", ""))
    if failed.operation_name in ("ListObjectsV2", "GetObject", "PutObject"):
        status = meta.get("HTTPStatusCode", 400)
        return Failure(
            FAILED, f"S3{code}", f"{message} (Service: Amazon S3; Status Code: {status}; Error Code: {code})"
        )
    if code in ("ResourceNotFoundException", "TableNotFoundException"):  # deleted since the start
        return Failure(FAILED, "DynamoDBTableNotFound", "The specified table does not exist")
    return Failure(FAILED, "InternalServerError", f"{INTERNAL_ERROR} ({code}: {message})")


def _bytes_map(held: Mapping[str, int]) -> dict[str, dict[str, int]] | None:
    return {name: {"BulkPutBytes": count} for name, count in held.items()} or None
