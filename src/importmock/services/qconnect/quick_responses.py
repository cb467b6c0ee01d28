"""The CSV of quick responses a QUICK_RESPONSES import job reads, and its failed-records report.

The file's first row names its columns; the rows after it are quick responses, one each, with
the members of CreateQuickResponse: `name` and `content` (required), `contentType`,
`description`, `shortcutKey`, `language`, `channels` (separated by ``;``) and `isActive`.
A header is matched without regard to case, spaces, hyphens and underscores ("Content type"
is `contentType`); other columns are ignored. Each row is checked as CreateQuickResponse checks
its input (botocore's model), and one that breaks a constraint is a failed record.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from botocore.model import StructureShape

from importmock.services.qconnect.errors import ValidationException
from importmock.types import Params
from importmock.wire.service import service_model
from importmock.wire.validation import ShapeReader

REQUIRED = ("name", "content")
_COLUMNS = {  # a header cell, lowercased without spaces, hyphens or underscores -> its member
    member.lower(): member
    for member in ("name", "content", "contentType", "description", "shortcutKey", "language", "channels")
} | {"isactive": "isActive"}
_CONTENT_TYPES = {  # the short forms a file may give, as the media types the model's pattern takes
    "plain": "application/x.quickresponse;format=plain",
    "markdown": "application/x.quickresponse;format=markdown",
}
REPORT_COLUMN = "errorMessage"  # the column the report adds to each failed record's values
EMPTY_REPORT = b"name,content,errorMessage\n"  # a report with no record in it


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the import made of the file: records imported, and the report of the others.

    `problem` is set when the file as a whole cannot be read (then nothing is imported).
    `records` holds the CreateQuickResponse input of each record imported, in the file's order
    (the job creates the quick responses from them, then keeps its outcome without them).
    """

    imported: int
    failed: int
    report: bytes
    problem: str | None = None
    records: tuple[Params, ...] = ()


def import_file(data: bytes | None, knowledge_base: str) -> Outcome:
    """Reads an uploaded file (None: nothing was uploaded) as a CSV of quick responses."""
    if data is None:
        return _unreadable("The uploaded file was not found: nothing was uploaded to the upload URL.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _unreadable("The file is not UTF-8 encoded CSV text.")
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next((row for row in rows if row), None)
    if header is None:
        return _unreadable("The file is empty: a CSV file of quick responses starts with a header row.")
    members = [_COLUMNS.get(re.sub(r"[\s_-]", "", cell).lower()) for cell in header]
    missing = [name for name in REQUIRED if name not in members]
    if missing:
        return _unreadable(f"The header row has no {' and no '.join(missing)} column: {','.join(header)}")
    report = _Report(header)
    imported: list[Params] = []
    for number, row in _records(rows):
        problem, request = _check(row, members, number, knowledge_base)
        if problem is None:
            imported.append(request)
        else:
            report.add(row, problem)
    if len(imported) + report.count == 0:
        return _unreadable("The file has a header row but no quick responses.")
    return Outcome(len(imported), report.count, report.bytes(), records=tuple(imported))


def _records(rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """The data rows, numbered from 1 after the header; blank lines are skipped."""
    number = 0
    for row in rows:
        if row:
            number += 1
            yield number, row


def _check(
    row: list[str], members: list[str | None], number: int, knowledge_base: str
) -> tuple[str | None, Params]:
    """Why record `number` cannot be a quick response (CreateQuickResponse's error), or None;
    and the CreateQuickResponse input it stands for."""
    if len(row) != len(members):
        return f"Record {number}: {len(row)} fields for the header row's {len(members)} columns.", {}
    given = {member: value for member, value in zip(members, row, strict=True) if member and value != ""}
    request: Params = {"knowledgeBaseId": knowledge_base}
    for member in ("name", "description", "shortcutKey", "language"):
        if member in given:
            request[member] = given[member]
    if "content" in given:
        request["content"] = {"content": given["content"]}
    if "contentType" in given:
        request["contentType"] = _CONTENT_TYPES.get(given["contentType"].lower(), given["contentType"])
    if "channels" in given:
        request["channels"] = [channel.strip() for channel in given["channels"].split(";")]
    reader, active = ShapeReader(), given.get("isActive", "true").lower()
    if active in ("true", "false"):
        request["isActive"] = active == "true"
    else:
        reader.violations.append(
            f"Value '{given['isActive']}' at 'isActive' failed to satisfy constraint: "
            "Member must be true or false"
        )
    with contextlib.suppress(ValidationException):  # it raises once every value is read
        reader.read(_input(), request, ValidationException)
    if not reader.violations:
        return None, request
    count = len(reader.violations)
    problem = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(reader.violations)
    return problem, request


@functools.cache
def _input() -> StructureShape:
    """CreateQuickResponse's input, which each record is read as."""
    shape = service_model("qconnect").operation_model("CreateQuickResponse").input_shape
    assert shape is not None
    return shape


def _unreadable(problem: str) -> Outcome:
    report = _Report(["name", "content"])
    report.add(["", ""], problem)
    return Outcome(0, 0, report.bytes(), problem)


class _Report:
    """The failed-records report: the file's columns and errorMessage, one line per failed record."""

    def __init__(self, header: list[str]) -> None:
        self._out = io.StringIO(newline="")
        self._writer = csv.writer(self._out, lineterminator="\n")
        self._writer.writerow([*header, REPORT_COLUMN])
        self.count = 0

    def add(self, row: list[str], problem: str) -> None:
        self._writer.writerow([*row, problem])
        self.count += 1

    def bytes(self) -> bytes:
        return self._out.getvalue().encode("utf-8")
