"""Handler output as the JSON its output shape prescribes, and errors' statuses and shapes.

Handlers return plain dicts named after the model's members; a writer per shape, built
once, turns them into what AWS sends: timestamps as epoch seconds, blobs as base64,
members under their wire names, None members left out.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape
from botocore.validate import validate_parameters

from importmock.errors import ServiceError
from importmock.types import Output
from importmock.wire.http import seconds

# Tests switch this on: every handler output is then checked against the output shape by
# botocore's own validator before it is sent, so a handler cannot drift from the model.
CHECK_OUTPUTS = False
# Tests on a botocore older than the one handlers are written against switch this on too:
# members that model does not have yet are then left out of the check, as the writers leave
# them out of the answer (a member the newest model lacks is still an error there).
OLDER_MODEL = False


def checked(shape: Shape, output: Output) -> Output:
    """`output`, after botocore's validator has checked it against `shape` if CHECK_OUTPUTS."""
    if CHECK_OUTPUTS:
        validate_parameters(_present(output, shape if OLDER_MODEL else None), shape)
    return output


def _present(value: Any, shape: Shape | None) -> Any:
    """`value` without None members, which the serializer leaves out (and, given the shape,
    without the members it does not have)."""
    if isinstance(value, dict):
        if isinstance(shape, StructureShape):
            known = shape.members
            return {k: _present(v, known[k]) for k, v in value.items() if v is not None and k in known}
        inner = shape.value if isinstance(shape, MapShape) else None
        return {k: _present(v, inner) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        inner = shape.member if isinstance(shape, ListShape) else None
        return [_present(v, inner) for v in value]
    return value


def serialize(shape: Shape, value: Any) -> Any:
    """`value` as the JSON the shape prescribes (members named by `serialization.name`).

    Timestamps come out as `http.seconds` texts: only `json_bytes` writes them as numbers.
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
        return seconds
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
