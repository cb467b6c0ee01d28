"""Snapshots: a mock's state as a versioned, JSON-serialisable dict, and back.

A snapshot holds every job of every backend (family, account and region), the clock, the
page-token secret, the id generator's state, the sequence counter, issued upload URLs and
stored objects, and pending faults: enough for a restored mock to answer as the one it was
taken from, accept that mock's NextTokens and generate the same ids next. It is JSON a person
can read and edit (snapshots/codec.py writes the values). The calls a mock answered are not part
of it. Anything malformed is a ValueError naming where, never a failure inside a backend:
the request each job keeps is read as AWS reads the request that made it.
This package may import `faults` and `state` (its own layer), `services` and every layer
below it, never `mock`, `server` or anything above them.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import os
import random
import secrets
import struct
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

from importmock.clock import Clock
from importmock.faults import Fault, Faults
from importmock.jobs.backend import Backend
from importmock.jobs.regions import is_region
from importmock.jobs.uploads import Upload, Uploads
from importmock.snapshots.codec import Decoder, Encoder, conforms, decode_datetime, name_of
from importmock.snapshots.requests import check_requests
from importmock.wire.service import Service

MARK, VERSION = "importmock_snapshot", 1
Source: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str]"  # a dict, or a JSON file's path
_KEYS = (MARK, "clock", "sequence", "secret", "faults", "uploads", "backends", "rng")
_BACKEND_KEYS = {"backend", "account_id", "region", "state"}
_FAULT_KEYS = {"service": str, "operation": str, "code": str, "message": str, "status": int, "times": int}
_BASE = frozenset({"context", "clock"})  # what Backend.__init__ sets: rebuilt, not restored
_MT = struct.Struct(">625I")  # random.Random's Mersenne Twister: 624 words and a position
MAX_FILE = 256 * 1024 * 1024  # the largest snapshot file read (a path to /dev/zero ends here)


class SnapshotFileUnreadable(OSError, ValueError):
    """A snapshot file that cannot be opened or read: a ValueError, as any snapshot that does not
    read, and the OSError it was (FileNotFoundError, IsADirectoryError: the subclasses below)."""

    def __str__(self) -> str:
        return str(self.strerror)  # the message, without OSError's "[Errno 2]"


class SnapshotFileNotFound(FileNotFoundError, SnapshotFileUnreadable):
    """A snapshot path that names no file."""


class SnapshotIsADirectory(IsADirectoryError, SnapshotFileUnreadable):
    """A snapshot path that names a directory."""


_FILE_ERRORS: dict[type[OSError], type[OSError]] = {
    FileNotFoundError: SnapshotFileNotFound,
    IsADirectoryError: SnapshotIsADirectory,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Header:
    """A snapshot's scalar parts: the clock's time, the token secret, the id generator, the counter."""

    clock: datetime
    secret: bytes
    rng: random.Random
    sequence: int


def load(source: Source) -> dict[str, Any]:
    """A snapshot document read from a JSON file, or a deep copy of a dict (later edits stay out).

    Raises:
        ValueError: not JSON, nested too deeply, a file over MAX_FILE bytes, or a path that
            cannot be read (then also the OSError it is: FileNotFoundError, IsADirectoryError).
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            text = _read(source).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"snapshot {os.fsdecode(source)} is not UTF-8 text: {error}") from None
    elif isinstance(source, Mapping):
        try:
            text = json.dumps(source)
        except (TypeError, ValueError, RecursionError) as error:
            raise ValueError(f"a snapshot is JSON data: {error}") from None
    else:
        raise ValueError(f"a snapshot is a dict or a path to a JSON file, not {type(source).__name__}")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: arrays 100,000 deep
        raise ValueError(f"snapshot {source} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise ValueError(f"a snapshot is a JSON object, not {type(document).__name__}")
    return document


def _read(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the file at `path`, at most MAX_FILE of them (a device never ends)."""
    try:
        with open(path, "rb") as file:
            over = os.fstat(file.fileno()).st_size > MAX_FILE  # a regular file: refused unread
            data = b"" if over else file.read(MAX_FILE + 1)
    except OSError as error:
        kind = _FILE_ERRORS.get(type(error), SnapshotFileUnreadable)
        shown = os.fsdecode(path)
        raise kind(error.errno, f"snapshot {shown} cannot be read: {error.strerror}", shown) from None
    if over or len(data) > MAX_FILE:
        raise ValueError(f"snapshot {os.fsdecode(path)} is over {MAX_FILE >> 20} MiB, the most read")
    return data


def encode(head: Header, faults: Faults, uploads: Uploads, backends: Iterable[Backend]) -> dict[str, Any]:
    """The snapshot of a state's parts."""
    encoder, (issued, objects) = Encoder(), uploads.export()
    document = {
        MARK: VERSION,
        "clock": head.clock.isoformat(),
        "sequence": head.sequence,
        "secret": head.secret.hex(),
        "faults": [{"service": s, "operation": o, **dataclasses.asdict(f)} for s, o, f in faults.pending()],
        "uploads": {
            "issued": encoder.value(issued, "uploads.issued"),
            "objects": encoder.value(objects, "uploads.objects"),
        },
        "backends": [_encode_backend(backend, encoder) for backend in backends],
        "rng": _encode_rng(head.rng),
    }
    encoder.finish()
    return document


def header(document: Mapping[str, Any]) -> Header:
    """The scalar parts of `document`, after checking its version and keys.

    A hand-written snapshot may leave out the secret and the generator (new random ones are
    used), the sequence, faults, uploads and backends.
    """
    version = document.get(MARK)
    if type(version) is not int or version != VERSION:
        found = "no 'importmock_snapshot' version" if version is None else f"version {version!r}"
        raise ValueError(f"not a snapshot this importmock reads: {found}; it reads version {VERSION}")
    unknown = set(document) - set(_KEYS)
    if unknown:
        raise ValueError(f"snapshot keys {sorted(unknown)} are unknown; known: {', '.join(_KEYS)}")
    if "clock" not in document:
        raise ValueError("snapshot has no clock")
    when = decode_datetime(document["clock"], "clock")
    Clock(when)  # the clock's own range check, before anything changes
    sequence = document.get("sequence", 1)
    if type(sequence) is not int or sequence < 1:
        raise ValueError(f"sequence must be a positive integer, not {sequence!r}")
    secret = _secret(document["secret"]) if "secret" in document else secrets.token_bytes(32)
    return Header(when, secret, _rng(document.get("rng", secrets.randbits(64))), sequence)


def restore(
    document: Mapping[str, Any],
    services: Iterable[Service],
    make: Callable[[type[Backend], str, str], Backend],
    faults: Faults,
    uploads: Uploads,
) -> tuple[int, bool]:
    """Fills a new state's parts from `document`, its backends made by `make`.

    Returns:
        The highest sequence number a job's key holds, and whether any upload was restored.
    """
    services = tuple(services)
    decoder = Decoder({f.key: f for s in services for b in s.backends for f in b.families})
    _restore_faults(document.get("faults", []), {(s.name, op) for s in services for op in s.handlers}, faults)
    registry = {name_of(b): b for s in services for b in s.backends}
    entries = document.get("backends", [])
    if not isinstance(entries, list):
        raise ValueError("backends must be a list")
    made: set[tuple[str, str, str]] = set()
    try:
        held = _restore_uploads(document.get("uploads", {}), decoder, uploads)
        for number, entry in enumerate(entries):
            backend = _restore_backend(entry, f"backends[{number}]", registry, make, decoder, made)
            check_requests(backend, f"backends[{number}].state", services)
    except RecursionError:  # a value a thousand levels deep: no record nests so
        raise ValueError("snapshot values are nested too deeply") from None
    return decoder.top_sequence, held


def _restore_backend(
    entry: object,
    path: str,
    registry: Mapping[str, type[Backend]],
    make: Callable[[type[Backend], str, str], Backend],
    decoder: Decoder,
    made: set[tuple[str, str, str]],
) -> Backend:
    if not isinstance(entry, Mapping) or set(entry) != _BACKEND_KEYS:
        raise ValueError(f"{path}: a backend is an object with keys {sorted(_BACKEND_KEYS)}")
    name, account, region, state = (entry[key] for key in ("backend", "account_id", "region", "state"))
    cls = registry.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"{path}: unknown backend {name!r}; known: {', '.join(registry)}")
    if not (isinstance(account, str) and account.isdigit() and len(account) == 12):
        raise ValueError(f"{path}: account_id must be 12 digits, not {account!r}")
    if not (isinstance(region, str) and is_region(region)):
        raise ValueError(f"{path}: {region!r} is not a region")
    if (name, account, region) in made:
        raise ValueError(f"{path}: {name} of {account} in {region} is listed twice")
    if not isinstance(state, Mapping):
        raise ValueError(f"{path}.state must be an object")
    made.add((name, account, region))
    backend = make(cls, account, region)
    attributes = vars(backend)
    for name, data in state.items():
        if name not in attributes or name in _BASE:
            raise ValueError(f"{path}.state: {cls.__name__} has no state {name!r}")
        decoder.attribute(backend, name, data, f"{path}.state.{name}")
    return backend


def _encode_backend(backend: Backend, encoder: Encoder) -> dict[str, Any]:
    c = backend.context
    path = f"{type(backend).__name__}[{c.account_id}, {c.region}]"
    state = {
        name: encoder.value(value, f"{path}.{name}")
        for name, value in vars(backend).items()
        if name not in _BASE
    }
    return {"backend": name_of(type(backend)), "account_id": c.account_id, "region": c.region, "state": state}


def _restore_faults(data: object, known: set[tuple[str, str]], faults: Faults) -> None:
    if not isinstance(data, list):
        raise ValueError("faults must be a list")
    for number, entry in enumerate(data):
        path = f"faults[{number}]"
        if not isinstance(entry, Mapping) or set(entry) != set(_FAULT_KEYS):
            raise ValueError(f"{path}: a fault is an object with keys {sorted(_FAULT_KEYS)}")
        for key, kind in _FAULT_KEYS.items():
            if type(entry[key]) is not kind:
                raise ValueError(f"{path}.{key} must be a {kind.__name__}, not {entry[key]!r}")
        if (entry["service"], entry["operation"]) not in known:
            raise ValueError(f"{path}: importmock does not answer {entry['service']} {entry['operation']}")
        if entry["times"] < 1 or not 400 <= entry["status"] <= 599:
            raise ValueError(f"{path}: times must be >= 1 and status 400..599")
        fault = Fault(entry["code"], entry["message"], entry["status"], entry["times"])
        faults.add(entry["service"], entry["operation"], fault)


def _restore_uploads(data: object, decoder: Decoder, uploads: Uploads) -> bool:
    if not isinstance(data, Mapping) or not set(data) <= {"issued", "objects"}:
        raise ValueError("uploads must be an object with keys 'issued' and 'objects'")
    issued = decoder.value(data.get("issued", []), "uploads.issued")
    objects = decoder.value(data.get("objects", {}), "uploads.objects")
    if not conforms(issued, list[Upload]) or not conforms(objects, dict[str, bytes]):
        raise ValueError("uploads: 'issued' must list Upload records, 'objects' map keys to bytes")
    uploads.load(issued, objects)
    return bool(issued or objects)


def _encode_rng(rng: random.Random) -> dict[str, Any]:
    _, words, gauss_next = rng.getstate()
    return {"mt19937": base64.b64encode(_MT.pack(*words)).decode("ascii"), "gauss_next": gauss_next}


def _rng(data: object) -> random.Random:
    """The id generator: a seed (handy in hand-written snapshots) or the state `encode` wrote."""
    if type(data) is int:
        return random.Random(data)
    if isinstance(data, Mapping) and set(data) == {"mt19937", "gauss_next"}:
        gauss_next = data["gauss_next"]
        try:
            words = _MT.unpack(base64.b64decode(data["mt19937"], validate=True))
            if gauss_next is not None and not isinstance(gauss_next, float):
                raise TypeError("gauss_next must be a float or null")
            rng = random.Random()
            rng.setstate((3, words, gauss_next))
            return rng
        except (binascii.Error, struct.error, TypeError, ValueError) as error:
            raise ValueError(f"rng: not a generator state ({error})") from None
    raise ValueError("rng must be an integer seed, or an object with keys 'mt19937' and 'gauss_next'")


def _secret(data: object) -> bytes:
    try:
        secret = bytes.fromhex(data) if isinstance(data, str) else b""
    except ValueError:
        secret = b""
    if not 16 <= len(secret) <= 64:  # a blake2b key
        raise ValueError("secret must be 16 to 64 bytes in hex")
    return secret
