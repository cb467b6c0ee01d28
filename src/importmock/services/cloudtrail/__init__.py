"""AWS CloudTrail Lake: imports of trail events into event data stores."""

from __future__ import annotations

from importmock.services.cloudtrail.errors import NAMESPACE, InvalidParameterException
from importmock.services.cloudtrail.imports import LakeImports
from importmock.wire.service import Service

SERVICE = Service(
    name="cloudtrail",
    backends=(LakeImports,),
    namespace=NAMESPACE,
    validation_error=InvalidParameterException,
)
