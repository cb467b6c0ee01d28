"""Server-side reading of a request: JSON types to Python values, then the shape's constraints.

botocore's client checks only required members, types and minimums, and a server sees
clients that check nothing; AWS checks everything, so we do: a wrong JSON type is a
SerializationException at once, and every constraint broken is collected into one
validation error worded as AWS words it (``1 validation error detected: Value 'ab' at
'tableName' failed to satisfy constraint: ...``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable, Collection
from datetime import datetime, timezone
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.utils import parse_timestamp

from importmock.errors import SerializationException, ServiceError

# Java regex syntax that Python's `re` lacks, rewritten to the nearest Python class content;
# the model's patterns are written for Java (AWS's validators) and ECMAScript.
_JAVA_TO_PYTHON = (
    (r"\uD800\uDC00-\uDBFF\uDFFF", r"\U00010000-\U0010FFFF"),  # surrogate pairs: astral planes
    (r"\p{Print}", r"\x20-\x7E"),
    (r"\p{L}", r"\w"),  # letters; \w also admits digits and "_", which the patterns admit too
    (r"\p{N}", r"\d"),
    (r"\p{Z}", r" \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"),
    (r"\p{M}", r"\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F"),
)


@functools.lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    """The model's `pattern` as Python regex; AWS matches the whole value (Java `matches`)."""
    return re.compile(_pythonic(pattern), re.DOTALL)


def _pythonic(pattern: str) -> str:
    out, in_class, i = [], False, 0
    while i < len(pattern):
        for java, python in _JAVA_TO_PYTHON:
            if pattern.startswith(java, i):
                out.append(python if in_class else f"[{python}]")
                i += len(java)
                break
        else:
            char = pattern[i]
            step = 2 if char == "\\" else 1
            in_class = (in_class or char == "[") and not (in_class and char == "]")
            out.append(pattern[i : i + step])
            i += step
    return "".join(out)


class ShapeReader:
    """Converts one request body against its input shape and collects violations.

    Args:
        unenforced: where AWS itself does not apply the model's pattern: shape names
            (``Arn``), or members as ``Structure.Member`` (``S3Config.RoleArn``).
    """

    def __init__(self, unenforced: Collection[str] = ()) -> None:
        self._unenforced = unenforced
        self.violations: list[str] = []

    def read(self, shape: StructureShape, body: Any, error: type[ServiceError]) -> dict[str, Any]:
        """Returns the converted parameters, or raises `error` naming every violation."""
        params = self._structure(shape, body, "")
        if self.violations:
            count = len(self.violations)
            noun = "error" if count == 1 else "errors"
            raise error(f"{count} validation {noun} detected: " + "; ".join(self.violations))
        return params

    def value(self, shape: Shape, value: Any, path: str) -> Any:
        reader = _READERS.get(shape.type_name)
        return value if reader is None else reader(self, shape, value, path)  # documents pass as they are

    def _structure(self, shape: StructureShape, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _mismatch(value, "a structure", path)
        result: dict[str, Any] = {}
        for name, wire, member, camel, required, qualified in _fields(shape):
            item = value.get(wire)
            member_path = f"{path}.{camel}" if path else camel
            if item is None:
                if required:
                    self._violate(None, member_path, "Member must not be null")
                continue
            if qualified in self._unenforced and member.type_name == "string":
                result[name] = self._string(member, item, member_path, pattern=False)
            else:
                result[name] = self.value(member, item, member_path)
        if shape.metadata.get("union") and len(result) != 1:
            self._violate(value, path, "Member must have exactly one member set")
        return result

    def _list(self, shape: ListShape, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise _mismatch(value, "a list", path)
        self._size(shape, value, len(value), path, "length")
        return [self.value(shape.member, v, f"{path}.{i}.member") for i, v in enumerate(value, 1)]

    def _map(self, shape: MapShape, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _mismatch(value, "a map", path)
        self._size(shape, value, len(value), path, "length")
        return {
            self.value(shape.key, k, f"{path}.key"): self.value(shape.value, v, f"{path}.{k}")
            for k, v in value.items()
        }

    def _string(self, shape: Shape, value: Any, path: str, pattern: bool = True) -> str:
        if not isinstance(value, str):
            raise _mismatch(value, "a string", path)
        checked = (shape, value, pattern and shape.name not in self._unenforced)
        if checked in _VALID_STRINGS:
            return value
        if not self._size(shape, value, len(value), path, "length"):
            return value  # a pattern on an oversize value could backtrack for minutes
        before = len(self.violations)
        if (enum := shape.metadata.get("enum")) and value not in enum:
            self._violate(value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        expected = shape.metadata.get("pattern") if checked[2] else None
        if expected and not compiled(expected).fullmatch(value):
            self._violate(value, path, f"Member must satisfy regular expression pattern: {expected}")
        if len(self.violations) == before and len(value) <= _KEPT_LENGTH:
            _remember(checked)
        return value

    def _integer(self, shape: Shape, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _mismatch(value, "an integer", path)
        self._size(shape, value, value, path, "value")
        return value

    _long = _integer

    def _double(self, shape: Shape, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _mismatch(value, "a number", path)
        self._size(shape, value, value, path, "value")
        return float(value)

    _float = _double

    def _boolean(self, shape: Shape, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise _mismatch(value, "a boolean", path)
        return value

    def _timestamp(self, shape: Shape, value: Any, path: str) -> datetime:
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return datetime.fromtimestamp(value, timezone.utc)
            if isinstance(value, str):
                parsed = parse_timestamp(value)
                parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
                return parsed.astimezone(timezone.utc)  # a time UTC cannot show overflows here
        except (ValueError, OverflowError, OSError, RuntimeError):  # botocore's parser: RuntimeError
            pass
        raise _mismatch(value, "a timestamp", path)

    def _blob(self, shape: Shape, value: Any, path: str) -> bytes:
        try:
            data = base64.b64decode(value, validate=True) if isinstance(value, str) else None
        except (binascii.Error, ValueError):
            data = None
        if data is None:
            raise _mismatch(value, "base64 data", path)
        self._size(shape, data, len(data), path, "length")
        return data

    def _size(self, shape: Shape, value: Any, size: float, path: str, what: str) -> bool:
        """Records a size out of the shape's range; returns whether the size was in it."""
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and size < low:
            self._violate(value, path, f"Member must have {what} greater than or equal to {low}")
            return False
        if high is not None and size > high:
            self._violate(value, path, f"Member must have {what} less than or equal to {high}")
            return False
        return True

    def _violate(self, value: Any, path: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{_show(value)}'"
        self.violations.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")


# by the shape's type name, looked up once here rather than per value
_READERS: dict[str, Callable[[ShapeReader, Any, Any, str], Any]] = {
    kind: getattr(ShapeReader, f"_{kind}")
    for kind in ("structure", "list", "map", "string", "boolean", "timestamp", "blob")
    + ("integer", "long", "double", "float")
}

Field = tuple[str, str, Shape, str, bool, str]  # name, wire name, shape, camelCase, required, Struct.Name


def _fields(shape: StructureShape) -> tuple[Field, ...]:
    """The members of `shape` as the reader walks them, worked out once per shape.

    Every request reads its input shape again; looking up wire names, required members
    and paths in botocore's shape objects each time cost more than the reading itself.
    """
    entry = _FIELDS.get(id(shape))
    if entry is not None and entry[0] is shape:
        return entry[1]
    required = set(shape.required_members)
    fields = tuple(
        (name, wire, member, _camel(name), name in required, f"{shape.name}.{name}")
        for name, member in shape.members.items()
        for wire in (member.serialization.get("name", name),)
    )
    _FIELDS[id(shape)] = (shape, fields)
    return fields


_FIELDS: dict[int, tuple[StructureShape, tuple[Field, ...]]] = {}  # the shape is kept: its id stays its own


def _remember(checked: tuple[Shape, str, bool]) -> None:
    """Keeps a (shape, value, pattern applied) found valid.

    Requests repeat the same ids and ARNs call after call, and matching them against the
    model's patterns cost more than the rest of reading a request.
    """
    if len(_VALID_STRINGS) >= _KEPT_STRINGS:
        _VALID_STRINGS.clear()  # atomic, unlike evicting one entry, for the threaded server
    _VALID_STRINGS.add(checked)


_VALID_STRINGS: set[tuple[Shape, str, bool]] = set()
_KEPT_LENGTH, _KEPT_STRINGS = 256, 4096


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 256 else text[:253] + "..."


def _mismatch(value: Any, expected: str, path: str) -> SerializationException:
    kind = type(value).__name__ if value is not None else "null"
    return SerializationException(f"Expected {expected} at '{path or 'body'}', got a JSON {kind}")
