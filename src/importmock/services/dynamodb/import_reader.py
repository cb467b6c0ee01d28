"""What ImportTable reads: the objects under its S3 prefix, uncompressed, parsed into items.

Items come out in DynamoDB's JSON form (``{"pk": {"S": "a"}}``, binary as base64 text), one
object at a time and one line at a time, so an import never holds more than the item it is
at. An entry that is no item is an `Unreadable`: AWS counts it as one error and, when the
object itself cannot be parsed any further, skips the rest of that object.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError

Item = dict[str, Any]
_CHUNK = 1 << 16
_JSON = json.JSONDecoder()
_NOT_JSON = "Unable to parse the line as DynamoDB JSON"


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An entry that is no item: why, and whether the rest of its object is lost with it."""

    message: str
    abandons: bool = False


class ObjectError(Exception):
    """The object cannot be read any further (a broken compression, text that is not UTF-8)."""


def object_pages(s3: Any, bucket: str, prefix: str) -> Iterator[list[tuple[str, int]]]:
    """The keys and sizes of the objects under `prefix`, a ListObjectsV2 page at a time.

    Raises botocore's ClientError as S3 answers it (NoSuchBucket, AccessDenied).
    """
    token: str | None = None
    while True:
        more = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, **more)
        yield [(entry["Key"], entry.get("Size", 0)) for entry in page.get("Contents", [])]
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return


class ObjectLines:
    """The lines of one S3 object's body, uncompressed, counting the bytes read.

    Args:
        body: the object's StreamingBody (anything with ``readinto``).
        compression: ImportTable's InputCompressionType: NONE, GZIP or ZSTD.
    """

    def __init__(self, body: Any, compression: str) -> None:
        self.bytes_read = 0  # uncompressed, as AWS's ProcessedSizeBytes counts them
        self._body = body
        self._compression = compression

    def __iter__(self) -> Iterator[bytes]:
        try:
            for line in _uncompressed(self._body, self._compression):
                self.bytes_read += len(line)
                yield line
        except (BotoCoreError, ObjectError):
            raise  # the data plane's (the import fails on it), or already the object's
        except Exception as broken:  # a codec's error: BadGzipFile, EOFError, zlib's, ZSTD's
            if self._compression == "NONE":
                raise
            raise ObjectError(f"Unable to decompress the object as {self._compression}: {broken}") from None

    def text(self) -> Iterator[str]:
        """The lines as text, UTF-8 as AWS reads them."""
        for line in self:
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                raise ObjectError("The object is not UTF-8 encoded text") from None


def _uncompressed(body: Any, compression: str) -> Iterable[bytes]:
    raw = io.BufferedReader(body, _CHUNK)
    if compression == "GZIP":
        return gzip.GzipFile(fileobj=raw)
    if compression == "ZSTD":
        return io.BufferedReader(_zstd_reader(raw), _CHUNK)
    return raw


def _zstd_reader(raw: io.BufferedReader) -> Any:
    """A reader of a ZSTD stream: Python 3.14's compression.zstd, else the zstandard package.

    With neither, the object cannot be read, and the import counts it as one error.
    """
    try:
        return importlib.import_module("compression.zstd").ZstdFile(raw)
    except ImportError:
        pass
    try:
        return importlib.import_module("zstandard").ZstdDecompressor().stream_reader(raw)
    except ImportError:
        raise ObjectError(
            "Unable to decompress the object as ZSTD: no ZSTD codec in this Python "
            "(Python 3.14's compression.zstd, or the zstandard package)"
        ) from None


def dynamodb_json_items(lines: ObjectLines) -> Iterator[Item | Unreadable]:
    """The items of a DYNAMODB_JSON object: ``{"Item": {...}}`` values, one per line.

    Blank lines are no entries; values on one line one after another are read as AWS reads
    them. The first value that is not an Item ends the object, as it does on AWS.
    """
    try:
        for line in lines.text():
            position, end = _skip_blank(line, 0), len(line)
            while position < end:
                try:
                    value, position = _JSON.raw_decode(line, position)
                except json.JSONDecodeError as broken:
                    yield Unreadable(f"{_NOT_JSON}: {broken.msg}", abandons=True)
                    return
                if not isinstance(value, dict) or not isinstance(value.get("Item"), dict):
                    yield Unreadable(f"{_NOT_JSON}: no Item member", abandons=True)
                    return
                yield value["Item"]
                position = _skip_blank(line, position)
    except ObjectError as broken:
        yield Unreadable(str(broken), abandons=True)


def _skip_blank(line: str, position: int) -> int:
    while position < len(line) and line[position] in " \t\r\n":
        position += 1
    return position


def csv_items(
    lines: ObjectLines, options: Mapping[str, Any] | None, key_types: Mapping[str, str]
) -> Iterator[Item | Unreadable]:
    """The items of a CSV object: every value a string, but the keys typed as defined.

    The header is InputFormatOptions.Csv.HeaderList, or else the object's first line; empty
    columns are left out of the item, as AWS leaves them out.

    Args:
        lines: the object.
        options: ImportTable's InputFormatOptions, if any.
        key_types: attribute name -> S, N or B for the key attributes of the table and its
            indexes (from AttributeDefinitions).
    """
    csv_options = (options or {}).get("Csv") or {}
    header: list[str] | None = csv_options.get("HeaderList")
    rows = csv.reader(lines.text(), delimiter=csv_options.get("Delimiter", ","), strict=True)
    try:
        for row in rows:
            if not row or row == [""]:
                continue  # a blank line
            if header is None:
                header = row
                continue
            yield _csv_item(header, row, key_types)
    except csv.Error as broken:
        yield Unreadable(f"Unable to parse the line as CSV: {broken}", abandons=True)
    except ObjectError as broken:
        yield Unreadable(str(broken), abandons=True)


def _csv_item(header: list[str], row: list[str], key_types: Mapping[str, str]) -> Item | Unreadable:
    if len(row) != len(header):
        return Unreadable(f"The line has {len(row)} columns where the header has {len(header)}")
    return {name: {key_types.get(name, "S"): value} for name, value in zip(header, row, strict=True) if value}


def ion_items(lines: ObjectLines, parse: Callable[[str], Iterable[Item]]) -> Iterator[Item | Unreadable]:
    """The items of an ION object: the ``Item`` of each top-level struct (one a line, as AWS
    writes them, or spread over lines as its documentation shows them).

    Args:
        lines: the object (read whole: an Ion value may span lines).
        parse: the Ion text reader (ion.py's `iter_items`): text -> items in DynamoDB JSON,
            raising ValueError where the text stops being Ion of items.
    """
    try:
        yield from parse("".join(lines.text()))
    except ObjectError as broken:
        yield Unreadable(str(broken), abandons=True)
    except ValueError as broken:
        yield Unreadable(f"Unable to parse the object as Ion: {broken}", abandons=True)
