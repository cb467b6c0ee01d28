"""Wire protocols: read a request, write a response or an error, all driven by the model.

A Protocol routes a request to an operation, reads its body, and writes the answer or the
error in the protocol's format (AWS JSON 1.0/1.1 here, REST-JSON in restjson.py), through
the model-driven serializer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from botocore.model import OperationModel, ServiceModel, StructureShape

from importmock.errors import SerializationException, ServiceError, UnknownOperationException
from importmock.types import Output
from importmock.wire.http import HttpRequest, HttpResponse, json_bytes, read_json, request_id
from importmock.wire.serializer import checked, error_shape, error_status, serialize


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
