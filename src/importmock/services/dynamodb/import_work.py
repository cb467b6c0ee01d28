"""The work of a table import on the data plane: read S3, create and fill the table, count.

It runs once, when the import succeeds on the mock's clock (jobs/work.py). The counters go
to an `ImportOutcome` the job keeps, also when the work fails half way; what fails it is a
`Failure` with AWS's code and message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from importmock.jobs.work import Failure
from importmock.services.dynamodb.import_items import ItemRules
from importmock.services.dynamodb.import_reader import (
    Item,
    ObjectLines,
    Unreadable,
    csv_items,
    dynamodb_json_items,
    ion_items,
    object_pages,
)
from importmock.services.dynamodb.import_writer import (
    ErrorLog,
    ItemWriter,
    Pointer,
    Unwritten,
    create_table,
    put_entries,
)
from importmock.services.dynamodb.ion import iter_items
from importmock.types import Params

FAILED, ITEM_VALIDATION = "FAILED", "ItemValidationError"
ITEMS_REFUSED = (
    "Some of the items failed validation checks and were not imported. "
    "Please check CloudWatch error logs for more details."
)
INTERNAL_ERROR = "An internal error occurred during the import."


@dataclass(slots=True)
class ImportOutcome:
    """What an import's work read and wrote: AWS's counters, and whether it made its table."""

    processed: int = 0
    imported: int = 0
    errors: int = 0
    size_bytes: int = 0  # uncompressed, as AWS counts ProcessedSizeBytes
    table_made: bool = False


@dataclass(frozen=True, slots=True)
class ImportSource:
    """What the work needs of one import: who asked, where to read, what to create."""

    import_arn: str
    account_id: str
    table_name: str
    request: Params  # ImportTable's request, S3BucketOwner filled in
    when: datetime  # the moment the work happens, which its log events carry


@dataclass(frozen=True, slots=True)
class DataClients:
    """The data plane's clients (logs may be missing: errors then go unlogged)."""

    s3: Any
    dynamodb: Any
    logs: Any | None


def run_import(source: ImportSource, clients: DataClients, outcome: ImportOutcome) -> Failure | None:
    """Does the import's work; None when it succeeded, else how it failed.

    Args:
        source: the import.
        clients: where it reads and writes.
        outcome: filled with the counters as the work goes.
    """
    bucket_source = source.request["S3BucketSource"]
    bucket = bucket_source["S3Bucket"]
    if bucket_source.get("S3BucketOwner", source.account_id) != source.account_id:
        # the data plane's buckets are the importing account's: another owner is S3's 403
        return Failure(FAILED, "S3AccessDenied", _s3_message("Access Denied", 403, "AccessDenied", {}))
    try:
        pages = object_pages(clients.s3, bucket, bucket_source.get("S3KeyPrefix", ""))
        first = next(pages)  # a missing bucket fails the import before it makes its table
        creation = source.request["TableCreationParameters"]
        create_table(clients.dynamodb, source.table_name, creation)
        outcome.table_made = True
        _fill(source, clients, outcome, chain([first], pages))
    except ClientError as failed:
        return _failure_of(failed, source.table_name)
    except (Unwritten, BotoCoreError, OSError) as broken:  # stuck writes, an unreachable upstream
        return Failure(FAILED, "InternalServerError", f"{INTERNAL_ERROR} ({broken})")
    return Failure(FAILED, ITEM_VALIDATION, ITEMS_REFUSED) if outcome.errors else None


def _fill(
    source: ImportSource,
    clients: DataClients,
    outcome: ImportOutcome,
    pages: Iterator[list[tuple[str, int]]],
) -> None:
    request, bucket = source.request, source.request["S3BucketSource"]["S3Bucket"]
    rules = ItemRules.of(request["TableCreationParameters"])
    log = ErrorLog(clients.logs, source.import_arn, bucket, source.when)

    def refuse(pointer: Pointer, message: str) -> None:
        outcome.errors += 1
        log.add(pointer, message)

    writer = ItemWriter(clients.dynamodb, source.table_name, [name for name, _ in rules.table_keys], refuse)
    try:
        for page in pages:
            for key, _ in page:
                body = clients.s3.get_object(Bucket=bucket, Key=key)["Body"]
                try:
                    lines = ObjectLines(body, request.get("InputCompressionType", "NONE"))
                    put_entries(_entries(lines, request, rules), key, rules, writer, refuse, outcome)
                    outcome.size_bytes += lines.bytes_read
                finally:
                    body.close()
        writer.flush()
    finally:
        outcome.imported = writer.written
        log.flush()


def _entries(lines: ObjectLines, request: Mapping[str, Any], rules: ItemRules) -> Iterator[Item | Unreadable]:
    form = request["InputFormat"]
    if form == "CSV":
        return csv_items(lines, request.get("InputFormatOptions"), rules.key_types)
    if form == "ION":
        return ion_items(lines, iter_items)
    return dynamodb_json_items(lines)


def _failure_of(failed: ClientError, table: str) -> Failure:
    """The import's failure for an error of the data plane, as AWS reports S3's and DynamoDB's."""
    error, meta = failed.response.get("Error", {}), failed.response.get("ResponseMetadata", {})
    code, message = error.get("Code", "Unknown"), error.get("Message", "")
    if failed.operation_name in ("ListObjectsV2", "GetObject"):
        return Failure(FAILED, f"S3{code}", _s3_message(message, meta.get("HTTPStatusCode", 400), code, meta))
    if failed.operation_name == "CreateTable" and code == "ResourceInUseException":
        return Failure(FAILED, "TableAlreadyExists", f"Table already exists: {table}")
    return Failure(FAILED, "InternalServerError", f"{INTERNAL_ERROR} ({code}: {message})")


def _s3_message(message: str, status: int, code: str, meta: Mapping[str, Any]) -> str:
    """S3's error as AWS's import failure message quotes it (the Java SDK's form)."""
    labels = (("Request ID", "RequestId"), ("S3 Extended Request ID", "HostId"))
    ids = "".join(f"; {label}: {meta[key]}" for label, key in labels if meta.get(key))
    return f"{message} (Service: Amazon S3; Status Code: {status}; Error Code: {code}{ids}; Proxy: null)"
