"""The object-graph codec of snapshots: records, datetimes, bytes and tuples as JSON, and back.

Plain JSON values stay as they are; the rest becomes a one-key tagged object
(``{"$datetime": ...}``, ``$tuple``, ``$utf8``, ``$bytes``, ``$dict``, ``$family``). A record
is a dataclass of an importmock module, written as ``{"$class": "module:qualname", field:
value, ...}``; one reached again is written once with ``"$id": n`` and then as ``{"$ref": n}``.
A JobIndex is written as the list of its jobs and ClientTokens as token -> job and time: both
decode into the fresh ones a backend builds, since they hold its grouping and window rules.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import functools
import sys
import types
import typing
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from importmock.jobs.backend import JobIndex
from importmock.jobs.idempotency import ClientTokens
from importmock.jobs.lifecycle import Family, Progress

_SINGLE_TAGS = ("$datetime", "$utf8", "$bytes", "$tuple", "$dict", "$family", "$ref")


class Encoder:
    """Turns state into JSON values; `finish` numbers the records reached more than once."""

    def __init__(self) -> None:
        self._records: dict[int, tuple[object, dict[str, Any]]] = {}  # by id(): the object, its JSON
        self._refs: list[tuple[int, dict[str, Any]]] = []

    def value(self, obj: object, path: str) -> Any:
        if obj is None or isinstance(obj, bool | int | float | str):
            return obj
        if isinstance(obj, datetime):
            return {"$datetime": obj.isoformat()}
        if isinstance(obj, bytes):
            return _encode_bytes(obj)
        if isinstance(obj, tuple):
            return {"$tuple": [self.value(item, f"{path}[{n}]") for n, item in enumerate(obj)]}
        if isinstance(obj, list):
            return [self.value(item, f"{path}[{n}]") for n, item in enumerate(obj)]
        if isinstance(obj, dict):
            return self._dict(obj, path)
        if isinstance(obj, Family):
            return {"$family": obj.key}
        if isinstance(obj, JobIndex):
            return self.value(sorted(obj, key=lambda job: job.key), path)
        if isinstance(obj, ClientTokens):
            return {
                token: {"job": self.value(job, f"{path}.{token}"), "used": self.value(used, path)}
                for token, job, used in obj.items()
            }
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return self._record(obj, path)
        raise TypeError(f"{path}: importmock cannot snapshot a {type(obj).__name__}")

    def finish(self) -> None:
        """Numbers the records referred to (1, 2, ... in the order written); drops other $ids."""
        referred = {key for key, _ in self._refs}
        numbers = {key: n for n, key in enumerate((k for k in self._records if k in referred), 1)}
        for key, (_, written) in self._records.items():
            if key in numbers:
                written["$id"] = numbers[key]
            else:
                del written["$id"]
        for key, ref in self._refs:
            ref["$ref"] = numbers[key]

    def _dict(self, obj: dict[Any, Any], path: str) -> Any:
        if all(isinstance(key, str) and not key.startswith("$") for key in obj):
            return {key: self.value(item, f"{path}.{key}") for key, item in obj.items()}
        pairs = [[self.value(key, path), self.value(item, f"{path}[{key!r}]")] for key, item in obj.items()]
        return {"$dict": pairs}  # keys JSON cannot hold, or that would read as tags

    def _record(self, obj: object, path: str) -> dict[str, Any]:
        cls = type(obj)
        if cls.__module__.split(".")[0] != "importmock":
            raise TypeError(f"{path}: {cls.__qualname__} is not an importmock record")
        if id(obj) in self._records:
            ref = {"$ref": 0}
            self._refs.append((id(obj), ref))
            return ref
        written: dict[str, Any] = {"$class": name_of(cls), "$id": 0}  # the $id placeholder keeps its place
        self._records[id(obj)] = (obj, written)
        for field in dataclasses.fields(obj):  # type: ignore[arg-type]
            written[field.name] = self.value(getattr(obj, field.name), f"{path}.{field.name}")
        return written


class Decoder:
    """Turns a snapshot's JSON values back into state, checking each record's field types."""

    def __init__(self, families: Mapping[str, Family]) -> None:
        self._families = families
        self._records: dict[int, object] = {}
        self.top_sequence = 0  # the highest sequence number of a job key decoded

    def value(self, data: object, path: str) -> Any:
        if data is None or isinstance(data, bool | int | float | str):
            return data
        if isinstance(data, list):
            return [self.value(item, f"{path}[{n}]") for n, item in enumerate(data)]
        if not isinstance(data, Mapping) or not all(isinstance(key, str) for key in data):
            raise ValueError(f"{path}: {type(data).__name__} is not a JSON value")
        if "$class" in data:
            return self._record(data, path)
        if any(key.startswith("$") for key in data):
            return self._tagged(data, path)
        return {key: self.value(item, f"{path}.{key}") for key, item in data.items()}

    def attribute(self, owner: object, name: str, data: object, path: str) -> None:
        """Sets `owner.name`: job indexes and client tokens are filled, other values replaced."""
        current = getattr(owner, name)
        if isinstance(current, JobIndex):
            self._jobs(current, data, path, getattr(owner, "families", ()))
        elif isinstance(current, ClientTokens):
            self._tokens(current, data, path)
        else:
            value = self.value(data, path)
            if current is not None and type(value) is not type(current):
                raise ValueError(f"{path}: expected a {type(current).__name__}, not {type(value).__name__}")
            _check_held_jobs(value, path)
            setattr(owner, name, value)

    def _jobs(self, index: JobIndex[Any], data: object, path: str, families: tuple[Family, ...]) -> None:
        if not isinstance(data, list):
            raise ValueError(f"{path}: a job index is a list of jobs")
        for number, item in enumerate(data):
            job, where = self.value(item, f"{path}[{number}]"), f"{path}[{number}]"
            _check_job(job, where)
            if job.progress.family not in families:
                raise ValueError(f"{where}: a {job.progress.family.key} job does not belong here")
            if index.get(job.id) is not None or (job.arn is not None and index.get(job.arn) is not None):
                raise ValueError(f"{where}: job {job.id} is listed twice")
            size = len(index)
            index.add(job)
            if len(index) == size:
                raise ValueError(f"{where}: another job has the key {job.key}")
            self.top_sequence = max(self.top_sequence, job.key[1])

    def _tokens(self, tokens: ClientTokens[Any], data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"{path}: client tokens are an object of token -> {{job, used}}")
        for token, entry in data.items():
            where = f"{path}.{token}"
            if not isinstance(entry, Mapping) or set(entry) != {"job", "used"}:
                raise ValueError(f"{where}: expected an object with keys 'job' and 'used'")
            job = self.value(entry["job"], f"{where}.job")
            _check_job(job, f"{where}.job")
            used = self.value(entry["used"], f"{where}.used")
            if not isinstance(used, datetime):
                raise ValueError(f"{where}.used: expected a $datetime, not {entry['used']!r}")
            tokens.remember(token, job, used)

    def _tagged(self, data: Mapping[str, Any], path: str) -> Any:
        tag, inner = next(iter(data.items())) if len(data) == 1 else ("", None)
        if tag not in _SINGLE_TAGS:
            raise ValueError(f"{path}: {sorted(data)} is not a tagged value ({', '.join(_SINGLE_TAGS)})")
        try:
            return getattr(self, "_tag_" + tag[1:])(inner, path)
        except (AttributeError, TypeError, ValueError, binascii.Error) as error:
            if isinstance(error, ValueError) and str(error).startswith(path):
                raise
            raise ValueError(f"{path}: a bad {tag} value {inner!r} ({error})") from None

    def _tag_datetime(self, inner: Any, path: str) -> datetime:
        return decode_datetime(inner, path)

    def _tag_utf8(self, inner: Any, path: str) -> bytes:
        if not isinstance(inner, str):
            raise TypeError("not a string")
        return inner.encode("utf-8")

    def _tag_bytes(self, inner: Any, path: str) -> bytes:
        return base64.b64decode(inner, validate=True)

    def _tag_tuple(self, inner: Any, path: str) -> tuple[Any, ...]:
        if not isinstance(inner, list):
            raise TypeError("not a list")
        return tuple(self.value(item, f"{path}[{n}]") for n, item in enumerate(inner))

    def _tag_dict(self, inner: Any, path: str) -> dict[Any, Any]:
        if not isinstance(inner, list) or any(not isinstance(p, list) or len(p) != 2 for p in inner):
            raise TypeError("not a list of [key, value] pairs")
        return {self.value(key, path): self.value(item, f"{path}[{key!r}]") for key, item in inner}

    def _tag_family(self, inner: Any, path: str) -> Family:
        if inner not in self._families:
            raise ValueError(f"{path}: unknown family {inner!r}; known: {', '.join(self._families)}")
        return self._families[inner]

    def _tag_ref(self, inner: Any, path: str) -> object:
        if type(inner) is not int or inner not in self._records:  # refs follow the record they name
            raise ValueError(f"{path}: $ref {inner!r} names no record written before it")
        return self._records[inner]

    def _record(self, data: Mapping[str, Any], path: str) -> object:
        cls, ident = record_class(data["$class"], path), data.get("$id")
        fields = {field.name: field for field in dataclasses.fields(cls) if field.init}
        given = {key: item for key, item in data.items() if key not in ("$class", "$id")}
        missing = [name for name, field in fields.items() if name not in given and _required(field)]
        unknown = sorted(set(given) - set(fields))
        if unknown or missing:
            raise ValueError(f"{path}: {cls.__name__} has no fields {unknown}, and needs {missing}")
        if ident is not None and type(ident) is not int:
            raise ValueError(f"{path}: $id must be an integer, not {ident!r}")
        values = {key: self.value(item, f"{path}.{key}") for key, item in given.items()}
        hints = _hints(cls)
        for key, value in values.items():
            if key in hints and not conforms(value, hints[key]):
                raise ValueError(f"{path}.{key}: {value!r} is not a {_type_name(hints[key])}")
        record = cls(**values)
        if ident is not None:
            if ident in self._records:
                raise ValueError(f"{path}: $id {ident} is used twice")
            self._records[ident] = record
        return record


def _check_job(job: object, path: str) -> None:
    """A job record: what JobIndex and the shared machinery read of it (see backend.Job)."""
    try:
        ident, arn, key, progress = (getattr(job, name) for name in ("id", "arn", "key", "progress"))
    except (AttributeError, IndexError):  # a CloudTrail import's progress is its last attempt
        ident = None
    if not (
        isinstance(ident, str)
        and (arn is None or isinstance(arn, str))
        and conforms(key, tuple[int, int])
        and isinstance(progress, Progress)
    ):
        raise ValueError(f"{path}: not a job record (with an id, a key and its progress)")


def _check_held_jobs(value: object, path: str) -> None:
    """The records a backend holds outside its index (by table, latest, being deleted) are jobs."""
    if dataclasses.is_dataclass(value):
        _check_job(value, path)
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value):
            _check_held_jobs(item, f"{path}[{number}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_held_jobs(item, f"{path}.{key}")


def _type_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) and not typing.get_args(hint) else str(hint)


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _encode_bytes(data: bytes) -> dict[str, str]:
    try:
        return {"$utf8": data.decode("utf-8")}  # uploaded CSV and JSON files stay readable
    except UnicodeDecodeError:
        return {"$bytes": base64.b64encode(data).decode("ascii")}


def decode_datetime(data: object, path: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text with an offset (``Z`` too, for hand-written ones)."""
    when = None
    if isinstance(data, str):
        with contextlib.suppress(ValueError):
            when = datetime.fromisoformat(data[:-1] + "+00:00" if data.endswith("Z") else data)
    if when is None or when.utcoffset() is None:
        raise ValueError(f"{path}: expected an ISO 8601 time with a UTC offset, not {data!r}")
    return when.astimezone(timezone.utc)


def name_of(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def record_class(name: object, path: str) -> type:
    """The importmock dataclass `name` ("module:qualname") names; only modules already loaded."""
    module, _, qualname = name.partition(":") if isinstance(name, str) else ("", "", "")
    found: object = sys.modules.get(module) if module.split(".")[0] == "importmock" else None
    for part in qualname.split(".") if found is not None and qualname else ["?"]:
        found = getattr(found, part, None)
    if not isinstance(found, type) or not dataclasses.is_dataclass(found) or found is Family:
        raise ValueError(f"{path}: {name!r} is not a record class of importmock")
    return found


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except (NameError, TypeError):  # an annotation that does not resolve: not checked
        return {}


def conforms(value: object, hint: Any) -> bool:
    """Whether `value` fits the type `hint` (the forms record annotations use)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in args)
    if origin is None:
        try:
            return isinstance(value, hint) or (hint is float and type(value) is int)
        except TypeError:  # a protocol or type variable: not checked
            return True
    if not isinstance(value, origin):
        return False
    if origin is tuple and args[-1:] != (...,):
        return len(args) == len(value) and all(map(conforms, value, args))
    if isinstance(value, Mapping):
        return all(conforms(k, args[0]) and conforms(v, args[1]) for k, v in value.items())
    return not args or all(conforms(item, args[0]) for item in value)
