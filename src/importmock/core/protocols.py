"""Wire protocols: read a request, write a response or an error, all driven by the model.

Handlers take and return plain dicts named after the model's members; this layer turns
them into the bytes AWS would send, by walking the operation's output shape (timestamps,
blobs, wire names, members left out when None), and errors into the protocol's format.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring_ascii
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.validate import validate_parameters

from importmock.core.errors import SerializationException, ServiceError, UnknownOperationException
from importmock.core.types import Output

_ids = random.Random()  # request ids need to be unique, not secret

# Tests switch this on: every handler output is then checked against the output shape by
# botocore's own validator before it is sent, so a handler cannot drift from the model.
CHECK_OUTPUTS = False


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


class Protocol(ABC):
    """One AWS wire protocol."""

    @abstractmethod
    def operation_name(self, model: ServiceModel, request: HttpRequest) -> str | None:
        """The operation `request` asks for, by the protocol's routing rules."""

    @abstractmethod
    def body(self, operation: OperationModel, request: HttpRequest) -> dict[str, Any]:
        """The request's parameters as JSON-like values, before shape conversion."""

    @abstractmethod
    def response(self, operation: OperationModel, output: Output) -> HttpResponse: ...

    @abstractmethod
    def error(self, model: ServiceModel, error: ServiceError, namespace: str) -> HttpResponse: ...

    def unknown_operation(self, request_line: str) -> ServiceError:
        """What AWS answers a request that names no operation of the service."""
        return UnknownOperationException(f"No operation matches {request_line}")


class JsonProtocol(Protocol):
    """AWS JSON 1.0 and 1.1: POST /, operation in X-Amz-Target, errors by ``__type``."""

    def __init__(self, model: ServiceModel) -> None:
        self._prefixes = target_prefixes(model)

    def operation_name(self, model: ServiceModel, request: HttpRequest) -> str | None:
        if request.method != "POST":  # every JSON-protocol operation is a POST to /
            return None
        prefix, _, name = request.headers.get("x-amz-target", "").rpartition(".")
        return name if prefix in self._prefixes else None

    def body(self, operation: OperationModel, request: HttpRequest) -> dict[str, Any]:
        body = read_json(request.body)
        if not isinstance(body, dict):
            raise SerializationException("The request body must be a JSON object")
        return body

    def response(self, operation: OperationModel, output: Output) -> HttpResponse:
        shape = operation.output_shape
        document = serialize(shape, checked(shape, output)) if shape is not None else {}
        return self._reply(operation.service_model, 200, document)

    def error(self, model: ServiceModel, error: ServiceError, namespace: str) -> HttpResponse:
        shape = error_shape(model, error.error_code)
        capital = isinstance(shape, StructureShape) and "Message" in shape.members
        key = "Message" if capital else "message"
        key = error.message_key or key
        members = serialize(shape, error.members) if shape is not None else error.members
        document = {"__type": f"{namespace}#{error.error_code}", key: error.message, **members}
        return self._reply(model, error_status(shape, error), document)

    def _reply(self, model: ServiceModel, status: int, document: Any) -> HttpResponse:
        version = model.metadata.get("jsonVersion", "1.0")
        headers = {
            "content-type": f"application/x-amz-json-{version}",
            "x-amzn-requestid": request_id(),
        }
        return HttpResponse(status, headers, json_bytes(document))


def target_prefixes(model: ServiceModel) -> frozenset[str]:
    """The X-Amz-Target prefixes AWS accepts for `model`'s operations.

    botocore sends the model's targetPrefix (CloudTrail's
    ``com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101``); Smithy-generated SDKs (the
    AWS SDK for JavaScript v3, Go v2, Java v2) send the service shape's name, the prefix's
    last dotted part (``CloudTrail_20131101``). AWS answers both; for most services the two
    are the same text.
    """
    prefix = model.metadata.get("targetPrefix", "")
    return frozenset({prefix, prefix.rpartition(".")[2]}) if prefix else frozenset()


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
    the strings of a list page, so each instant is written once and kept (`_seconds`).
    It is never equal to the same text as a string, so `_EncodedStrings` never mistakes
    one for the other.
    """

    __slots__ = ()
    __hash__ = str.__hash__  # str's own, cached on the object (a Python one is not)

    def __eq__(self, other: object) -> bool:
        return type(other) is _Seconds and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other


def _seconds(value: Any) -> Any:
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


def protocol_for(model: ServiceModel) -> Protocol:
    """The Protocol instance that speaks `model`'s protocol."""
    if model.protocol == "json":
        return JsonProtocol(model)
    if model.protocol == "rest-json":
        from importmock.core.restjson import RestJsonProtocol

        return RestJsonProtocol(model)
    raise NotImplementedError(f"importmock does not speak the {model.protocol} protocol yet")


def checked(shape: Shape, output: Output) -> Output:
    """`output`, after botocore's validator has checked it against `shape` if CHECK_OUTPUTS."""
    if CHECK_OUTPUTS:
        validate_parameters(_present(output), shape)
    return output


def _present(value: Any) -> Any:
    """`value` without None members, which the serializer leaves out."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def serialize(shape: Shape, value: Any) -> Any:
    """`value` as the JSON the shape prescribes (members named by `serialization.name`).

    Timestamps come out as `_Seconds`: only `json_bytes` writes them as numbers.
    """
    writer = _writer(shape)
    return value if writer is None else writer(value)


Writer = Callable[[Any], Any]


def _writer(shape: Shape) -> Writer | None:
    """A function that writes values of `shape`, built once per shape (None: as they are).

    Walking botocore's shape objects on every response would repeat the same lookups; a
    writer holds what they say, so a response costs one pass over its own data.
    """
    entry = _WRITERS.get(id(shape))
    if entry is not None and entry[1] is shape:
        return entry[0]
    # a recursive shape: its inner uses bind when called (by name: botocore may hand out
    # a new Shape object for the same shape on each access)
    building = (id(getattr(shape, "_shape_resolver", None)), shape.name)
    with _BUILD_LOCK:  # one builder at a time: _BUILDING is about the building thread's walk
        entry = _WRITERS.get(id(shape))
        if entry is not None and entry[1] is shape:
            return entry[0]
        if building in _BUILDING:
            return lambda value: serialize(shape, value)
        _BUILDING.add(building)
        try:
            writer = _build_writer(shape)
        finally:
            _BUILDING.discard(building)
        _WRITERS[id(shape)] = (writer, shape)
    return writer


def _build_writer(shape: Shape) -> Writer | None:
    if isinstance(shape, StructureShape):
        # keyed by member name, walked over the handler's keys (fewer than the shape's)
        members = {
            name: (member.serialization.get("name", name), _writer(member))
            for name, member in shape.members.items()
        }
        return lambda value: {
            plan[0]: item if plan[1] is None else plan[1](item)
            for name, item in value.items()
            if item is not None and (plan := members.get(name)) is not None
        }
    if isinstance(shape, ListShape):
        item_writer = _writer(shape.member)
        return None if item_writer is None else (lambda value: [item_writer(v) for v in value])
    if isinstance(shape, MapShape):
        value_writer = _writer(shape.value)
        return (
            None if value_writer is None else (lambda value: {k: value_writer(v) for k, v in value.items()})
        )
    if shape.type_name == "timestamp":
        return _seconds
    if shape.type_name == "blob":
        return lambda value: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
    return None


_WRITERS: dict[int, tuple[Writer | None, Shape]] = {}  # the shape is kept, so its id stays its own
_BUILDING: set[tuple[int, str]] = set()
_BUILD_LOCK = threading.RLock()  # re-entrant: building a shape builds its members


def error_status(shape: Shape | None, error: ServiceError) -> int:
    """The HTTP status of `error`: its own, else its model error shape's, else the class default."""
    if error.http_status is not None:
        return error.http_status
    if shape is not None and "error" in shape.metadata:
        return int(shape.metadata["error"].get("httpStatusCode", error.status))
    return error.status


def error_shape(model: ServiceModel, code: str) -> Shape | None:
    for shape in model.error_shapes:
        if shape.name == code or shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None
