"""Request -> (service, operation, caller): the SigV4 credential scope, then the models.

The scope names the signing service and region, so the same routing serves botocore's
own requests in process and any SDK's requests over HTTP. Each Service's protocol then
names the operation (X-Amz-Target for the JSON protocols, method and URI for REST-JSON).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from botocore.model import OperationModel

from importmock.errors import NotImplementedOperation, UnmockedRequest
from importmock.wire.http import HttpRequest
from importmock.wire.service import Service

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_ACCOUNT_KEY = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed a request, where, and for which service."""

    access_key: str
    region: str
    signing_name: str

    def account(self, default: str) -> str:
        """A 12-digit access key id selects that account; any other key the default."""
        return self.access_key if _ACCOUNT_KEY.fullmatch(self.access_key) else default


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request goes; `operation` is None when it names none of the service's."""

    service: Service
    operation: OperationModel | None
    caller: Caller


class Dispatcher:
    """Routes requests to the services importmock answers."""

    def __init__(self, services: Iterable[Service]) -> None:
        self._by_signing_name: dict[str, list[Service]] = {}
        for service in services:
            signing = service.signing_name or service.name
            self._by_signing_name.setdefault(signing, []).append(service)

    def route(self, request: HttpRequest) -> Route:
        """The route of `request`; raises NotImplementedOperation or UnmockedRequest."""
        caller = caller_of(request)
        services = self._by_signing_name.get(caller.signing_name, ())
        for service in services:
            operation = service.operation(request)
            if operation is None:
                continue
            if operation.name in service.handlers:
                return Route(service, operation, caller)
            raise NotImplementedOperation(
                f"importmock does not implement {service.name} {operation.name} "
                f"(it mocks {', '.join(sorted(service.handlers))})"
            )
        if services:
            return Route(services[0], None, caller)  # AWS answers UnknownOperationException
        target = request.headers.get("x-amz-target", "")
        raise NotImplementedOperation(
            f"importmock does not mock service {caller.signing_name!r} "
            f"({request.method} {request.url}{' ' + target if target else ''})"
        )


def caller_of(request: HttpRequest) -> Caller:
    """The SigV4 scope of `request`, from its Authorization header or presigned query."""
    found = _SCOPE.search(request.headers.get("authorization", ""))
    if found is None:
        query = parse_qs(urlsplit(request.url).query).get("X-Amz-Credential", [""])[0]
        found = _SCOPE.search(f"Credential={query}")
    if found is None:
        raise UnmockedRequest(
            f"importmock blocked {request.method} {request.url}: not a signed AWS API call, "
            "and nothing leaves the process while the mock is active"
        )
    return _caller(found)


def _caller(found: re.Match[str]) -> Caller:
    """One Caller per credential scope: a client signs all its requests with the same one,
    and building the frozen dataclass cost more than finding the scope."""
    caller = _CALLERS.get(found[0])
    if caller is None:
        if len(_CALLERS) >= _KEPT_CALLERS:
            _CALLERS.clear()  # atomic, unlike evicting one entry, for the threaded server
        caller = _CALLERS[found[0]] = Caller(*found.groups())
    return caller


_CALLERS: dict[str, Caller] = {}
_KEPT_CALLERS = 256
