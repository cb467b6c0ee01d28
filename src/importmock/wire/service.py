"""Service: one AWS service's model, protocol, backends and validation rules."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import botocore
import botocore.loaders
from botocore.exceptions import UnknownServiceError
from botocore.model import OperationModel, ServiceModel

from importmock.errors import ServiceError, ValidationException
from importmock.jobs.backend import Backend
from importmock.types import Params
from importmock.wire.http import HttpRequest
from importmock.wire.protocols import JsonProtocol, Protocol
from importmock.wire.restjson import RestJsonProtocol
from importmock.wire.validation import ShapeReader


@dataclass(frozen=True)
class Service:
    """The parts of importmock that answer one AWS service.

    The botocore model loads on first use, not at import, so `import importmock` stays
    cheap. `modeled()` keeps the families the installed botocore models: a family whose own
    operations botocore lacks altogether is newer than it and left out, while one it models
    only in part has a misspelt @operation name, which fails at once.

    Attributes:
        name: botocore's service name (``qconnect``).
        backends: one Backend class per job family.
        signing_name: the SigV4 service name requests carry (``wisdom`` for qconnect).
        namespace: the error type prefix of the service's own errors.
        validation_error: what a broken input constraint raises.
        unenforced_patterns: shape name, or ``Structure.Member``, -> why AWS does not apply
            that model pattern there.
    """

    name: str
    backends: tuple[type[Backend], ...]
    namespace: str
    signing_name: str = ""
    validation_error: type[ServiceError] = ValidationException
    unenforced_patterns: Mapping[str, str] = field(default_factory=dict)

    @functools.cached_property
    def model(self) -> ServiceModel:
        model = service_model(self.name)
        unknown = set(self.handlers) - set(model.operation_names)
        if unknown or model.signing_name != (self.signing_name or self.name):
            raise RuntimeError(f"{self.name}: not in botocore's model: {unknown or 'signing name'}")
        return model

    def modeled(self) -> Service | None:
        """This service with only the families the installed botocore models; None if none.

        An operation another family of the service declares as well (a shared TagResource)
        tells nothing of when a family arrived, so a family is left out when botocore lacks
        every operation of its own.

        Raises:
            RuntimeError: a family botocore models in part, so an @operation name is wrong.
        """
        known = operation_names(self.name)
        kept = tuple(backend for backend in self.backends if self._is_modeled(backend, known))
        if not kept:
            return None
        return self if kept == self.backends else dataclasses.replace(self, backends=kept)

    def _is_modeled(self, backend: type[Backend], known: frozenset[str]) -> bool:
        missing = set(backend.operations) - known
        if not missing:
            return True
        others = {op for other in self.backends if other is not backend for op in other.operations}
        own = set(backend.operations) - others
        if own and own <= missing:
            return False
        raise RuntimeError(
            f"{self.name} {backend.__name__}: not in botocore {botocore.__version__}'s model: "
            f"{', '.join(sorted(missing))}"
        )

    @functools.cached_property
    def protocol(self) -> Protocol:
        return protocol_for(self.model)

    @functools.cached_property
    def handlers(self) -> Mapping[str, tuple[type[Backend], str]]:
        """AWS operation name -> (backend class, method name)."""
        return MappingProxyType(
            {op: (cls, method) for cls in self.backends for op, method in cls.operations.items()}
        )

    def operation(self, request: HttpRequest) -> OperationModel | None:
        """The operation model `request` asks for, if the service has it."""
        name = self.protocol.operation_name(self.model, request)
        return self._operations.get(name) if name is not None else None

    @functools.cached_property
    def _operations(self) -> Mapping[str, OperationModel]:
        return {name: self.model.operation_model(name) for name in self.model.operation_names}

    def read(self, operation: OperationModel, body: dict[str, object]) -> Params:
        """The validated, converted parameters of a request body."""
        shape = operation.input_shape
        if shape is None:
            return {}
        return ShapeReader(self.unenforced_patterns).read(shape, body, self.validation_error)


@functools.lru_cache(maxsize=16)
def service_model(name: str) -> ServiceModel:
    """botocore's model of service `name`, loaded once."""
    return ServiceModel(_loader().load_service_model(name, "service-2"), name)


def operation_names(name: str) -> frozenset[str]:
    """The operations the installed botocore models for service `name`; none if it lacks it."""
    try:
        return frozenset(service_model(name).operation_names)
    except UnknownServiceError:
        return frozenset()


@functools.lru_cache(maxsize=1)
def _loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


def protocol_for(model: ServiceModel) -> Protocol:
    """The Protocol instance that speaks `model`'s protocol."""
    if model.protocol == "json":
        return JsonProtocol(model)
    if model.protocol == "rest-json":
        return RestJsonProtocol(model)
    raise NotImplementedError(f"importmock does not speak the {model.protocol} protocol yet")
