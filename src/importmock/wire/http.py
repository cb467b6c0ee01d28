"""HTTP as importmock sees it: requests and responses, and JSON read and written fast.

Both paths, botocore's patched send and the server, turn a request into an HttpRequest and
write an HttpResponse back. JSON is written by one C encoder that keeps the text of the
strings and timestamps answers repeat call after call.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring_ascii
from typing import Any

from importmock.errors import SerializationException

_ids = random.Random()  # request ids need to be unique, not secret


@dataclass(slots=True)
class HttpRequest:
    """A request as it reached importmock, whether from botocore or over HTTP.

    `headers` is looked up by lowercase name (case-insensitively).
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes
    routed: Any = None  # what routing learned, kept for reading (REST-JSON path labels)


@dataclass(slots=True)
class HttpResponse:
    """What importmock answers: a status, headers and a body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def read_json(body: bytes) -> Any:
    """A request body as JSON; SerializationException for anything else."""
    try:
        return _DECODER.decode(body.decode("utf-8")) if body.strip() else {}
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise SerializationException("The request body is not valid JSON") from None


def json_bytes(document: Any) -> bytes:
    """`document` as compact JSON bytes."""
    return "".join(_encode(document, 0)).encode()


def request_id() -> str:
    return _ids.getrandbits(128).to_bytes(16, "big").hex()  # a third cheaper than a format spec


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # json would accept NaN and Infinity


class _Seconds(str):
    """A timestamp's epoch seconds as JSON number text, which `json_bytes` writes bare.

    Answers send the same timestamps (a job's creation, its last change) call after call,
    and writing one (datetime arithmetic, then the shortest float repr) cost more than all
    the strings of a list page, so each instant is written once and kept (`seconds`).
    It is never equal to the same text as a string, so `_EncodedStrings` never mistakes
    one for the other.
    """

    __slots__ = ()
    __hash__ = str.__hash__  # str's own, cached on the object (a Python one is not)

    def __eq__(self, other: object) -> bool:
        return type(other) is _Seconds and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other


def seconds(value: Any) -> Any:
    """A datetime as a `_Seconds`, kept per instant unless naive (local time may change)."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return _Seconds(repr(value.timestamp()))
    text = _SECONDS.get(value)
    if text is None:
        if len(_SECONDS) >= _KEPT_STRINGS:
            _SECONDS.clear()  # atomic, unlike evicting one entry, for the threaded server
        text = _SECONDS[value] = _Seconds(repr(value.timestamp()))
    return text


class _EncodedStrings(dict[str, str]):
    """The JSON text of short strings, kept: answers repeat the same member names, ids,
    ARNs and statuses call after call, and escaping them is most of what encoding costs."""

    def __missing__(self, text: str) -> str:
        if type(text) is _Seconds:
            self[text] = text  # a number, written as it is
            return text
        encoded = encode_basestring_ascii(text)
        if len(text) <= _KEPT_LENGTH:  # longer ones are mostly unique: signed URLs, messages
            if len(self) >= _KEPT_STRINGS:
                self.clear()  # atomic, unlike evicting one entry, for the threaded server
            self[text] = encoded
        return encoded


def _compact_encoder() -> Callable[[Any, int], Iterable[str]]:
    """json's C encoder made once, writing strings through `_EncodedStrings`.

    JSONEncoder.encode makes a new one per call, with a dict for detecting cycles, which
    the fresh dicts of handlers never have. Output is byte for byte JSONEncoder's.
    """
    try:
        from _json import make_encoder
    except ImportError:  # an interpreter without CPython's _json
        return lambda document, _: _ENCODER.iterencode(document)
    strings = _EncodedStrings()
    return make_encoder(None, _ENCODER.default, strings.__getitem__, None, ":", ",", False, False, True)


_KEPT_LENGTH, _KEPT_STRINGS = 256, 4096
_SECONDS: dict[datetime, _Seconds] = {}
_DECODER = json.JSONDecoder(parse_constant=_refuse)
_ENCODER = json.JSONEncoder(separators=(",", ":"))
_encode = _compact_encoder()
