"""AWS REST-JSON: the operation from method and URI template; members from path, query,
headers and a JSON body; errors named by the ``x-amzn-ErrorType`` header."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.model import ListShape, OperationModel, ServiceModel, Shape, StructureShape

from importmock.errors import SerializationException, ServiceError, UnknownOperationException
from importmock.types import Output
from importmock.wire.http import HttpRequest, HttpResponse, json_bytes, read_json, request_id
from importmock.wire.protocols import Protocol
from importmock.wire.serializer import checked, error_shape, error_status, serialize


class UnknownRoute(UnknownOperationException):
    """A REST request whose method and path match no operation: a 404, as AWS answers it."""

    code = "UnknownOperationException"
    status = 404


_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")
_TEXT_TYPES = {"integer": int, "long": int, "double": float, "float": float}
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")  # int() would also take "1_0" or " 5"


Routed = tuple[str, dict[str, str], dict[str, list[str]]]  # operation, path labels, query
_UNSEEN: Any = object()
_ROUTED_LINES = 1024  # request lines remembered per service; a test polls a few URLs


class Route:
    """One operation's request line: method, a regex of its URI path, required query keys."""

    def __init__(self, operation: OperationModel) -> None:
        uri = operation.http["requestUri"]
        path, _, query = uri.partition("?")
        self.method, self.name = operation.http["method"], operation.name
        self.pattern = _path_regex(path)
        self.query_keys = {part.partition("=")[0] for part in query.split("&") if part}
        self.literal_length = len(_LABEL.sub("", path))  # more literal text: more specific
        self.greedy = "+}" in path
        self.segments = path.count("/")

    def match(self, method: str, path: str, query: Mapping[str, list[str]]) -> dict[str, str] | None:
        if method != self.method or not self.query_keys <= query.keys():
            return None
        found = self.pattern.fullmatch(path)
        return None if found is None else {k: unquote(v) for k, v in found.groupdict().items()}


class RestJsonProtocol(Protocol):
    """REST-JSON for one service model."""

    def __init__(self, model: ServiceModel) -> None:
        routes = sorted(
            (Route(model.operation_model(name)) for name in model.operation_names),
            key=lambda route: -route.literal_length,
        )
        # a request is matched only against routes of its method and number of segments
        # (and the few greedy ones), not against every operation of the service
        self._candidates: dict[tuple[str, int], list[Route]] = {}
        for route in routes:
            self._candidates.setdefault((route.method, route.segments), []).append(route)
        self._greedy = [route for route in routes if route.greedy]
        self._routed: dict[tuple[str, str], Routed | None] = {}

    def operation_name(self, model: ServiceModel, request: HttpRequest) -> str | None:
        """The operation of the request line; what a line routes to is remembered.

        Polling a job and paging a list send the same method and URL again and again, and
        parsing and matching one (parse_qs alone) costs more than the rest of the routing.
        The remembered labels and query are shared between requests: they are read only.
        """
        key = (request.method, request.url)
        routed = self._routed.get(key, _UNSEEN)
        if routed is _UNSEEN:
            routed = self._route(request.method, request.url)
            if len(self._routed) >= _ROUTED_LINES:
                self._routed.clear()  # atomic, unlike evicting one entry, for the threaded server
            self._routed[key] = routed
        request.routed = routed  # read again by body()
        return None if routed is None else routed[0]

    def _route(self, method: str, url: str) -> Routed | None:
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. a malformed IPv6 host
            return None
        query = parse_qs(parts.query, keep_blank_values=True) if parts.query else {}
        candidates = self._candidates.get((method, parts.path.count("/")), [])
        for route in (*candidates, *self._greedy):
            if (labels := route.match(method, parts.path, query)) is not None:
                return route.name, labels, query
        return None

    def body(self, operation: OperationModel, request: HttpRequest) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        if request.routed is None or request.routed[0] != operation.name:
            self.operation_name(operation.service_model, request)
        routed: Routed = request.routed or ("", {}, {})
        _, labels, query = routed
        document = read_json(request.body)
        if not isinstance(document, dict):
            raise SerializationException("The request body must be a JSON object")
        params: dict[str, Any] = {}
        for wire, where, member in _inputs(shape):
            if where == "body":
                if wire in document:
                    params[wire] = document[wire]
            elif where == "payload":
                params[wire] = document
            elif where == "uri":
                if wire in labels:
                    params[wire] = _from_text(member, labels[wire])
            elif where == "querystring":
                if wire in query:
                    params[wire] = _from_query(member, query[wire])
            elif where == "header" and wire.lower() in request.headers:
                params[wire] = _from_text(member, request.headers[wire.lower()])
        return params

    def response(self, operation: OperationModel, output: Output) -> HttpResponse:
        shape, status = operation.output_shape, int(operation.http.get("responseCode", 200))
        headers = {"content-type": "application/json", "x-amzn-requestid": request_id()}
        if not isinstance(shape, StructureShape):
            return HttpResponse(status, headers)
        checked(shape, output)
        document: dict[str, Any] = {}
        for name, member in shape.members.items():
            value, where = output.get(name), member.serialization.get("location")
            if value is None:
                continue
            if where == "header":
                headers[member.serialization.get("name", name).lower()] = str(value)
            elif where == "statusCode":
                status = int(value)
            elif name == shape.serialization.get("payload"):
                document = serialize(member, value)
            else:
                document[member.serialization.get("name", name)] = serialize(member, value)
        body = json_bytes(document) if status != 204 else b""
        return HttpResponse(status, headers, body)

    def unknown_operation(self, request_line: str) -> ServiceError:
        return UnknownRoute(f"No operation matches {request_line}")

    def error(self, model: ServiceModel, error: ServiceError, namespace: str) -> HttpResponse:
        shape = error_shape(model, error.error_code)
        members = serialize(shape, error.members) if shape is not None else error.members
        document = {"message": error.message, **members}
        headers = {
            "content-type": "application/json",
            "x-amzn-requestid": request_id(),
            "x-amzn-errortype": error.error_code,
        }
        return HttpResponse(error_status(shape, error), headers, json_bytes(document))


def _path_regex(path: str) -> re.Pattern[str]:
    """`/knowledgeBases/{knowledgeBaseId}/upload` as a regex with one group per label."""
    parts, last = [], 0
    for found in _LABEL.finditer(path):
        parts.append(re.escape(path[last : found.start()]))
        # {key+} spans slashes; an empty label still routes, so the shape reader refuses it
        parts.append(f"(?P<{found[1]}>{'.*' if found[2] else '[^/]*'})")
        last = found.end()
    parts.append(re.escape(path[last:]))
    return re.compile("".join(parts))


Input = tuple[str, str, Shape]  # wire name, where it is read from, shape


def _inputs(shape: StructureShape) -> list[Input]:
    """Where each member of an input shape is read from, worked out once per shape.

    "body" is a member of the JSON body, "payload" the body itself; members located in
    the headers map are not read. Looking this up in botocore's shapes on every request
    cost about as much as reading the values.
    """
    entry = _INPUTS.get(id(shape))
    if entry is not None and entry[0] is shape:
        return entry[1]
    payload = shape.serialization.get("payload")
    inputs = []
    for name, member in shape.members.items():
        where = "payload" if name == payload else member.serialization.get("location", "body")
        if where != "body" or not payload:  # with a payload, only that member is the body
            inputs.append((member.serialization.get("name", name), where, member))
    _INPUTS[id(shape)] = (shape, inputs)
    return inputs


_INPUTS: dict[int, tuple[StructureShape, list[Input]]] = {}  # the shape is kept: its id stays its own


def _from_query(shape: Shape, values: list[str]) -> Any:
    if isinstance(shape, ListShape):
        return [_from_text(shape.member, v) for v in values]
    return _from_text(shape, values[0])


def _from_text(shape: Shape, text: str) -> Any:
    """A path, query or header value in the JSON type of its shape, when it reads as one."""
    convert = _TEXT_TYPES.get(shape.type_name)
    if convert is not None and _NUMBER.fullmatch(text):
        try:
            return convert(text)
        except ValueError:
            pass
    if convert is not None:
        return text  # the shape reader then names the member in its error
    if shape.type_name == "boolean" and text in ("true", "false"):
        return text == "true"
    return text
