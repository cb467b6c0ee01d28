"""What ImportTable writes: its table, the items that pass, and the errors to CloudWatch Logs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from botocore.exceptions import ClientError

from importmock.clock import epoch_micros
from importmock.services.dynamodb.import_items import ItemRules, to_botocore
from importmock.services.dynamodb.import_reader import Item, Unreadable

LOG_GROUP = "/aws-dynamodb/imports"  # AWS's one log group of every import's errors
BATCH_SIZE = 25  # BatchWriteItem's limit
UNPROCESSED_ROUNDS = 10  # BatchWriteItem calls a batch gets before the import gives up on it
_LOG_EVENTS, _LOG_BYTES = 1000, 512 * 1024  # well inside PutLogEvents' 10,000 events and 1 MiB
Pointer = tuple[str, int]  # the S3 key and the item's index in that object


class Unwritten(Exception):
    """Items the data plane kept answering as unprocessed."""


def create_table(ddb: Any, name: str, creation: Mapping[str, Any]) -> None:
    """Creates the import's table as TableCreationParameters describe it (keys, billing,
    throughput, indexes, SSE): the members CreateTable has under the same names."""
    ddb.create_table(**{**creation, "TableName": name})


class Counted(Protocol):
    """What counts the entries read (ProcessedItemCount, of an import or a bulk operation)."""

    processed: int


def put_entries(
    entries: Iterable[Item | Unreadable],
    key: str,
    rules: ItemRules,
    writer: ItemWriter,
    refuse: Callable[[Pointer, str], None],
    counted: Counted,
) -> None:
    """The entries of the S3 object `key`, each counted as read: an unreadable one, or an item
    that fails DynamoDB's checks, is refused at its pointer; any other goes to `writer`."""
    for index, entry in enumerate(entries):
        counted.processed += 1
        if isinstance(entry, Unreadable):
            refuse((key, index), entry.message)
        elif (problem := rules.problem(entry)) is not None:
            refuse((key, index), problem)
        else:
            writer.put(entry, (key, index))


class ItemWriter:
    """Puts items into one table by BatchWriteItem, 25 at a time, retrying unprocessed ones.

    A batch never holds two items of one key (BatchWriteItem refuses that; an import lets the
    later one win, as AWS's does). A batch the data plane refuses as a whole is written item
    by item, so one item it refuses is one error, as on AWS.

    Args:
        ddb: the data plane's DynamoDB client.
        table: the table's name.
        key_names: the table's key attributes.
        refused: called with an item's pointer and DynamoDB's message when it is refused.
        wrote: if given, called with each item written (as botocore sends it), once it is.
    """

    def __init__(
        self,
        ddb: Any,
        table: str,
        key_names: Sequence[str],
        refused: Callable[[Pointer, str], None],
        wrote: Callable[[Item], None] | None = None,
    ) -> None:
        self.written = 0
        self._ddb, self._table, self._key_names, self._refused = ddb, table, key_names, refused
        self._wrote = wrote
        self._batch: list[tuple[Item, Pointer]] = []
        self._keys: set[tuple[Any, ...]] = set()

    def put(self, item: Item, pointer: Pointer) -> None:
        """Queues `item` (DynamoDB JSON form), writing the batch once it is full."""
        key = tuple((name, *item[name].items()) for name in self._key_names)  # keys are scalars
        if key in self._keys:
            self.flush()
        self._batch.append((to_botocore(item), pointer))
        self._keys.add(key)
        if len(self._batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Writes what is queued."""
        batch, self._batch, self._keys = self._batch, [], set()
        if not batch:
            return
        try:
            self._write([item for item, _ in batch])
        except ClientError as refused:
            if refused.response.get("Error", {}).get("Code") != "ValidationException":
                raise
            self._write_each(batch)
            return
        self.written += len(batch)
        if self._wrote is not None:
            for item, _ in batch:
                self._wrote(item)

    def _write(self, items: list[Item]) -> None:
        requests = {self._table: [{"PutRequest": {"Item": item}} for item in items]}
        for _ in range(UNPROCESSED_ROUNDS):
            answer = self._ddb.batch_write_item(RequestItems=requests)
            requests = answer.get("UnprocessedItems") or {}
            if not requests:
                return
        raise Unwritten(f"{sum(map(len, requests.values()))} items stayed unprocessed")

    def _write_each(self, batch: list[tuple[Item, Pointer]]) -> None:
        for item, pointer in batch:
            try:
                self._ddb.put_item(TableName=self._table, Item=item)
            except ClientError as refused:
                error = refused.response.get("Error", {})
                if error.get("Code") != "ValidationException":
                    raise
                self._refused(pointer, error.get("Message", ""))
            else:
                self.written += 1
                if self._wrote is not None:
                    self._wrote(item)


class ErrorLog:
    """The import's error log stream, ``{import id}/error`` in /aws-dynamodb/imports.

    Each event is AWS's JSON record of one refused item: ``itemS3Pointer`` (bucket, key,
    itemIndex), ``importArn`` and ``errorMessages``. Events are sent in batches; the group and
    stream are made on the first. Logging is best effort: a logs client that is missing or
    fails loses the events, never the import (AWS would fail the import on a logs error).

    Args:
        logs: the data plane's CloudWatch Logs client, or None.
        import_arn: the import's ARN.
        bucket: the source bucket.
        when: the time the events carry (the moment the import did its work).
    """

    def __init__(self, logs: Any | None, import_arn: str, bucket: str, when: datetime) -> None:
        self._logs, self._arn, self._bucket = logs, import_arn, bucket
        self._stream = import_arn.rsplit("/", 1)[1] + "/error"
        self._millis = epoch_micros(when) // 1000
        self._events: list[dict[str, Any]] = []
        self._bytes = 0
        self._ready = False

    def add(self, pointer: Pointer, message: str) -> None:
        """Logs that the item at `pointer` was refused, and why."""
        if self._logs is None:
            return
        record = {
            "itemS3Pointer": {"bucket": self._bucket, "key": pointer[0], "itemIndex": pointer[1]},
            "importArn": self._arn,
            "errorMessages": [message],
        }
        text = json.dumps(record, separators=(",", ":"))
        self._events.append({"timestamp": self._millis, "message": text})
        self._bytes += len(text.encode()) + 26  # PutLogEvents counts 26 bytes per event
        if len(self._events) >= _LOG_EVENTS or self._bytes >= _LOG_BYTES:
            self.flush()

    def flush(self) -> None:
        """Sends the events held."""
        events, self._events, self._bytes = self._events, [], 0
        if not events or self._logs is None:
            return
        try:
            if not self._ready:
                self._make_stream(self._logs)
            self._logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=self._stream, logEvents=events)
        except ClientError:
            return

    def _make_stream(self, logs: Any) -> None:
        for make, params in (
            (logs.create_log_group, {"logGroupName": LOG_GROUP}),
            (logs.create_log_stream, {"logGroupName": LOG_GROUP, "logStreamName": self._stream}),
        ):
            try:
                make(**params)
            except ClientError as made:
                if made.response.get("Error", {}).get("Code") != "ResourceAlreadyExistsException":
                    raise
        self._ready = True
