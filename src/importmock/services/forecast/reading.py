"""What a dataset import job reads from S3 (its CSV rows, checked, their statistics), or invents.

With a data plane, the job reads its path as it ends (read_path); without one, its size and
statistics are invented from its ARN (invented_rows, invented_statistics). The rows are
streamed object by object (a chunk of text at a time, never a whole file); what is kept per
field is a handful of sums and the hashes of the distinct values.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from importmock.types import Output

Schema = tuple[tuple[str, str], ...]  # (attribute name, attribute type), in column order
# Forecast's getting-started target time series: the schema taken for a file without a header
TARGET_TIME_SERIES: Schema = (("timestamp", "timestamp"), ("item_id", "string"), ("target_value", "float"))
# the types of the attribute names Forecast's domains define, for a schema read from a header row
_NAMED_TYPES = {
    "timestamp": "timestamp",
    "target_value": "float",
    "demand": "float",
    "value": "float",
    "metric_value": "float",
    "workforce_demand": "float",
    "number_of_instances": "integer",
}
_ATTRIBUTE_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")  # the model's AttributeName pattern
_JAVA_TOKENS = {  # the fields of Java date patterns Forecast's formats use, as named groups
    "yyyy": r"(?P<year>\d{4})",
    "MM": r"(?P<month>\d{2})",
    "dd": r"(?P<day>\d{2})",
    "HH": r"(?P<hour>\d{2})",
    "mm": r"(?P<minute>\d{2})",
    "ss": r"(?P<second>\d{2})",
}
_INT_MAX = 2**31 - 1  # above it Forecast sends -1 and the ...Long member (the Statistics shape)
_CHUNK = 64 * 1024
_NUMERIC = ("float", "integer")


class ImportFailed(Exception):
    """The data cannot be imported; the message is the job's Message."""


@dataclass(slots=True)
class Reading:
    """What an import read: its size in bytes and each field's statistics (None: not CSV)."""

    size: int
    statistics: Output | None


def read_path(
    s3: Any, path: str, timestamp_format: str, csv_format: bool, schema: Schema | None = None
) -> Reading:
    """Reads the object at `path`, or every object under it when it names a folder or bucket.

    The rows are checked against `schema`, the dataset's when this mock made it; else against
    the one the first file's header row names, or TARGET_TIME_SERIES.

    Raises:
        ImportFailed: nothing at the path, S3 refused it, or a row does not fit the schema.
    """
    bucket, _, key = path[len("s3://") :].partition("/")
    rows = _Rows(_timestamp_form(timestamp_format), timestamp_format, schema)
    size = found = 0
    try:
        for name, length in _objects(s3, bucket, key):
            found += 1
            size += length
            if csv_format:
                body = s3.get_object(Bucket=bucket, Key=name)["Body"]
                rows.read_file(f"s3://{bucket}/{name}", _lines(body, f"s3://{bucket}/{name}"))
    except ClientError as error:
        info = error.response.get("Error", {})
        raise ImportFailed(
            f"Amazon Forecast could not read {path}: {info.get('Code', 'Error')}: {info.get('Message', '')}"
        ) from None
    except BotoCoreError as error:
        raise ImportFailed(f"Amazon Forecast could not read {path}: {error}") from None
    if not found:
        raise ImportFailed(nothing_at(path))
    return Reading(size, rows.statistics() if csv_format else None)


def nothing_at(path: str) -> str:
    """Forecast's words for a path with no object (CreateDatasetImportJob's InvalidInputException)."""
    return f"No objects found in s3 path {path}, please ensure the path is specified correctly."


def finds_objects(s3: Any, path: str) -> bool:
    """Whether `path` names an object, or a folder or bucket holding one, as the import reads it.

    An error of S3 (a missing bucket) is not an answer here: the job's work reports it.
    """
    bucket, _, key = path[len("s3://") :].partition("/")
    try:
        return next(_objects(s3, bucket, key), None) is not None
    except (ClientError, BotoCoreError):
        return True


def _objects(s3: Any, bucket: str, key: str) -> Iterator[tuple[str, int]]:
    """The object named `key`, if there is one; else those under it as a folder (Forecast's rule)."""
    if key and not key.endswith("/"):
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                raise
        else:
            yield key, int(head.get("ContentLength", 0))
            return
        key += "/"
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
        for item in page.get("Contents", []):
            if not item["Key"].endswith("/"):  # a console-made folder marker holds no data
                yield item["Key"], int(item.get("Size", 0))


def _lines(body: Any, uri: str) -> Iterator[str]:
    """The text lines of a streamed object, newlines kept (the csv module joins quoted ones)."""
    decoder, pending = codecs.getincrementaldecoder("utf-8-sig")(), ""
    try:
        for chunk in body.iter_chunks(_CHUNK):
            *complete, pending = (pending + decoder.decode(chunk)).split("\n")
            yield from (line + "\n" for line in complete)
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFailed(f"{uri} is not UTF-8 encoded CSV text.") from None
    finally:
        body.close()
    if pending:
        yield pending


class _Rows:
    """The rows of every file of one import, each checked against one schema."""

    def __init__(self, form: re.Pattern[str] | None, timestamp_format: str, schema: Schema | None) -> None:
        self._form, self._format = form, timestamp_format
        self._schema: Schema | None = None
        self._fields: list[_Field] = []
        if schema:  # the dataset's: a first row naming its attributes is its header
            self._use(schema)

    def read_file(self, uri: str, lines: Iterator[str]) -> None:
        for number, row in enumerate(csv.reader(lines), 1):
            if not row:
                continue  # a blank line
            if number == 1 and self._is_header(row):
                continue  # Forecast drops the column headers
            self._check_width(row, number, uri)
            for field, value in zip(self._fields, row, strict=True):
                if not field.add(value, self._form):
                    raise ImportFailed(field.refusal(value, number, uri, self._format))

    def statistics(self) -> Output:
        return {field.name: field.statistics() for field in self._fields}

    def _is_header(self, row: list[str]) -> bool:
        """A first row naming the attributes; the first file's names the schema (see module)."""
        names = tuple(cell.strip() for cell in row)
        if self._schema is not None:
            return names == tuple(name for name, _ in self._schema)
        header = all(_ATTRIBUTE_NAME.fullmatch(name) for name in names) and len(set(names)) == len(names)
        self._use(tuple((name, _NAMED_TYPES.get(name, "string")) for name in names) if header else None)
        return header

    def _use(self, schema: Schema | None) -> None:
        self._schema = schema or TARGET_TIME_SERIES
        self._fields = [_Field(name, kind) for name, kind in self._schema]

    def _check_width(self, row: list[str], number: int, uri: str) -> None:
        if self._schema is None:
            self._use(None)
        if len(row) != len(self._fields):
            names = ", ".join(field.name for field in self._fields)
            raise ImportFailed(
                f"Row {number} of {uri} has {len(row)} columns, but the dataset schema has "
                f"{len(self._fields)} attributes ({names}); the columns must follow the "
                "schema's attributes in order."
            )


class _Field:
    """One attribute's statistics so far: counts, distinct-value hashes, and for numbers their moments."""

    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind
        self.count = self.nulls = self.nans = 0
        self.distinct: set[int] = set()
        self.numbers, self.mean, self.m2 = 0, 0.0, 0.0  # Welford's running mean and squares
        self.low = self.high = math.nan

    def add(self, value: str, form: re.Pattern[str] | None) -> bool:
        """Counts `value`; False when it does not fit the attribute's type."""
        if value == "":
            self.nulls += 1
            return True
        distinct: object = value
        if self.kind in _NUMERIC:
            number = distinct = _number(value, self.kind)
            if number is None:
                return False
            if math.isnan(number):
                self.nans += 1
                distinct = "NaN"  # one value, though each NaN hashes apart
            else:
                self._moments(number)
        elif self.kind == "timestamp" and form is not None and not self._seen_or_fits(value, form):
            return False
        self.count += 1
        self.distinct.add(hash(distinct))  # numbers by value: 1 and 1.0 are one
        return True

    def _seen_or_fits(self, value: str, form: re.Pattern[str]) -> bool:
        """Whether a timestamp fits: checked once per distinct value (a value is kept only if it fit)."""
        return hash(value) in self.distinct or _is_timestamp(value, form)

    def refusal(self, value: str, number: int, uri: str, timestamp_format: str) -> str:
        if self.kind == "timestamp":
            return (
                f"Invalid timestamp '{value}' in row {number} of {uri}: "
                f"timestamps must be in the format {timestamp_format}."
            )
        return (
            f"Invalid value '{value}' for attribute {self.name} of type {self.kind} in row {number} of {uri}."
        )

    def statistics(self) -> Output:
        found: Output = {}
        counts = {"Count": self.count, "CountDistinct": len(self.distinct), "CountNull": self.nulls}
        for member, value in counts.items():
            found.update(_count(member, value))
        if self.kind not in _NUMERIC:
            return found
        found.update(_count("CountNan", self.nans))
        if self.numbers:
            found.update(Min=self._text(self.low), Max=self._text(self.high), Avg=self.mean)
        if self.numbers > 1:  # the sample standard deviation, as Spark's stddev
            found["Stddev"] = math.sqrt(self.m2 / (self.numbers - 1))
        return found

    def _moments(self, number: float) -> None:
        self.numbers += 1
        delta = number - self.mean
        self.mean += delta / self.numbers
        self.m2 += delta * (number - self.mean)
        self.low = number if self.numbers == 1 else min(self.low, number)
        self.high = number if self.numbers == 1 else max(self.high, number)

    def _text(self, number: float) -> str:
        return str(int(number)) if self.kind == "integer" else repr(number)


def _count(member: str, value: int) -> Output:
    return {member: value} if value <= _INT_MAX else {member: -1, f"{member}Long": value}


def _number(value: str, kind: str) -> float | None:
    text = value.strip()
    if kind == "integer":
        return float(int(text)) if re.fullmatch(r"[+-]?\d+", text) else None
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isinf(number) else number


def _timestamp_form(java: str) -> re.Pattern[str] | None:
    """A Java date pattern as a regular expression, or None when it has fields the mock does not check."""
    parts, rest = [], java
    while rest:
        token = next((t for t in _JAVA_TOKENS if rest.startswith(t)), None)
        if token is not None:
            parts.append(_JAVA_TOKENS[token])
            rest = rest[len(token) :]
        elif rest.startswith("'"):
            literal, _, rest = rest[1:].partition("'")
            parts.append(re.escape(literal))
        elif rest[0].isalpha():
            return None
        else:
            parts.append(re.escape(rest[0]))
            rest = rest[1:]
    return re.compile("".join(parts))


def _is_timestamp(value: str, form: re.Pattern[str]) -> bool:
    found = form.fullmatch(value)
    if found is None:
        return False
    fields = {name: int(digits) for name, digits in found.groupdict().items()}
    try:  # a real date and time: no 2024-02-30, no 24:00:00
        datetime(
            fields.pop("year"), fields.pop("month", 1), fields.pop("day", 1), **fields, tzinfo=timezone.utc
        )
    except ValueError:
        return False
    return True


# Without a data plane nothing is read: the outcome is invented, stable per job ARN


def invented_rows(arn: str) -> int:
    """Rows a job without a data plane imported: nothing is read, so derived from the ARN."""
    return 1_000 + zlib.crc32(arn.encode()) % 1_000_000


def invented_statistics(rows: int) -> Output:
    items = 1 + rows % 97
    mean = 10 + rows % 500
    return {
        "item_id": {"Count": rows, "CountDistinct": items, "CountNull": 0},
        "timestamp": {"Count": rows, "CountDistinct": max(1, rows // items), "CountNull": 0},
        "target_value": {
            "Count": rows,
            "CountDistinct": max(1, rows // 3),
            "CountNull": 0,
            "CountNan": 0,
            "Min": "0",
            "Max": str(mean * 4),
            "Avg": float(mean),
            "Stddev": mean / 2,
        },
    }
