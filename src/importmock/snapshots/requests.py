"""A restored job's request, read as the service reads the request that made the job.

Every job keeps (part of) the request that made it, and its answers show it: a member of
the wrong type there would break every later read of its family, so a restore reads it
against the input shape of the operation that created it. Each job record says which one
(`CREATED_BY`) and gives that request back (`creating_request()`), so a new family needs
nothing here.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from importmock.errors import ServiceError
from importmock.jobs.backend import Backend, JobIndex
from importmock.jobs.idempotency import ClientTokens
from importmock.wire.service import Service

_BASE = frozenset({"context", "clock"})  # what Backend.__init__ sets: rebuilt, not restored


def check_requests(backend: Backend, path: str, services: Iterable[Service]) -> None:
    """Raises ValueError for a job `backend` holds whose request its operation would refuse."""
    service = next((s for s in services if type(backend) in s.backends), None)
    if service is None:
        return
    seen: set[int] = set()
    for name, value in vars(backend).items():
        for job in _records(value) if name not in _BASE else ():
            operation_name = getattr(type(job), "CREATED_BY", None)
            if operation_name is not None and id(job) not in seen:
                seen.add(id(job))
                _check(service, operation_name, job, f"{path}.{name}")


def _check(service: Service, operation_name: str, job: Any, path: str) -> None:
    operation = service.model.operation_model(operation_name)
    try:
        service.read(operation, _wire(operation.input_shape, job.creating_request(), ""))
    except (ServiceError, ValueError) as refused:
        message = refused.message if isinstance(refused, ServiceError) else str(refused)
        raise ValueError(
            f"{path}: {type(job).__name__} {job.id}: its request is no {operation_name} input: {message}"
        ) from None


def _records(value: object) -> list[Any]:
    """The records `value` holds: a job index's, client tokens' jobs, those in dicts and lists."""
    if isinstance(value, JobIndex):
        return list(value)
    if isinstance(value, ClientTokens):
        return [job for _, job, _ in value.items()]
    if isinstance(value, dict | list | tuple):
        items = value.values() if isinstance(value, dict) else value
        return [record for item in items for record in _records(item)]
    return [value] if dataclasses.is_dataclass(value) else []


def _wire(shape: Shape | None, value: object, path: str) -> Any:
    """A request as a job keeps it (times as datetimes) as a client sends it: JSON."""
    if isinstance(value, dict) and isinstance(shape, StructureShape):
        fields = shape.members
        return {
            fields[key].serialization.get("name", key): _wire(fields[key], item, f"{path}.{key}")
            for key, item in value.items()
            if key in fields
        }
    if isinstance(value, list) and isinstance(shape, ListShape):
        return [_wire(shape.member, item, f"{path}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, dict) and isinstance(shape, MapShape):
        return {key: _wire(shape.value, item, f"{path}.{key}") for key, item in value.items()}
    kind = shape.type_name if shape is not None else None
    if value is None or kind not in ("timestamp", "blob"):
        return value  # any other value of the wrong type: the service's reader names it
    if kind == "timestamp" and isinstance(value, datetime):
        return value.isoformat()
    if kind == "blob" and isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    written = "a $datetime" if kind == "timestamp" else "$bytes or $utf8"
    raise ValueError(f"{path.lstrip('.')}: a {kind} is written as {written}, not {value!r}")


